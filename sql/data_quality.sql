CREATE VIEW data_quality AS
WITH latest AS (
    SELECT run_id FROM dq_check_results ORDER BY evaluated_at DESC LIMIT 1
)
SELECT check_name, asset, severity, bool_and(passed) AS passed,
       count(*) AS articles_checked,
       count(*) FILTER (WHERE NOT passed) AS articles_failed,
       sum(failure_count)::BIGINT AS failures,
       list(article ORDER BY article) FILTER (WHERE NOT passed) AS failing_articles,
       any_value(run_id) AS run_id, max(evaluated_at) AS evaluated_at
FROM dq_check_results
WHERE run_id = (SELECT run_id FROM latest)
GROUP BY check_name, asset, severity;
COMMENT ON VIEW data_quality IS 'The latest evaluation of each data-quality check, over all articles of that load.';
COMMENT ON COLUMN data_quality.check_name IS 'Name of the check.';
COMMENT ON COLUMN data_quality.asset IS 'Extracted table the check guards.';
COMMENT ON COLUMN data_quality.severity IS 'ERROR, WARN or INFO.';
COMMENT ON COLUMN data_quality.passed IS 'True where every article passed.';
COMMENT ON COLUMN data_quality.articles_checked IS 'Articles the check was evaluated on.';
COMMENT ON COLUMN data_quality.articles_failed IS 'Articles with at least one failing cell.';
COMMENT ON COLUMN data_quality.failures IS 'Failing cells over all articles.';
COMMENT ON COLUMN data_quality.failing_articles IS 'Files of the failing articles.';
COMMENT ON COLUMN data_quality.run_id IS 'Dagster run of the evaluation.';
COMMENT ON COLUMN data_quality.evaluated_at IS 'When the evaluation ran.';
