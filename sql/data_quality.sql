CREATE VIEW data_quality AS
WITH latest AS (
    SELECT run_id FROM dq_check_results ORDER BY evaluated_at DESC LIMIT 1
)
SELECT check_name, asset, severity,
       CASE
           WHEN bool_or(status = 'failed') THEN 'failed'
           WHEN bool_or(status = 'passed') THEN 'passed'
           ELSE 'skipped'
       END AS status,
       NOT bool_or(status = 'failed') AND bool_or(status = 'passed') AS passed,
       count(*) FILTER (WHERE status <> 'skipped') AS articles_checked,
       count(*) FILTER (WHERE status = 'failed') AS articles_failed,
       count(*) FILTER (WHERE status = 'skipped') AS articles_skipped,
       sum(failure_count)::BIGINT AS failures,
       list(article ORDER BY article) FILTER (WHERE status = 'failed') AS failing_articles,
       mode(reason) FILTER (WHERE status = 'skipped') AS skipped_because,
       any_value(run_id) AS run_id, max(evaluated_at) AS evaluated_at
FROM dq_check_results
WHERE run_id = (SELECT run_id FROM latest)
GROUP BY check_name, asset, severity;
COMMENT ON VIEW data_quality IS 'The latest evaluation of each data-quality check, over all articles of that load: failed where an article failed it, passed where it ran and nothing failed, skipped where it could not run on any article.';
COMMENT ON COLUMN data_quality.check_name IS 'Name of the check.';
COMMENT ON COLUMN data_quality.asset IS 'Extracted table the check guards.';
COMMENT ON COLUMN data_quality.severity IS 'ERROR, WARN or INFO.';
COMMENT ON COLUMN data_quality.status IS '''failed'' (at least one article failed), ''passed'' (it ran on at least one article and none failed) or ''skipped'' (it could not run on any article: see skipped_because).';
COMMENT ON COLUMN data_quality.passed IS 'True where status is passed: a skipped check is not a passed one.';
COMMENT ON COLUMN data_quality.articles_checked IS 'Articles the check ran on.';
COMMENT ON COLUMN data_quality.articles_failed IS 'Articles with at least one failing cell.';
COMMENT ON COLUMN data_quality.articles_skipped IS 'Articles the check could not run on.';
COMMENT ON COLUMN data_quality.failures IS 'Failing cells over all articles.';
COMMENT ON COLUMN data_quality.failing_articles IS 'Files of the failing articles.';
COMMENT ON COLUMN data_quality.skipped_because IS 'The most frequent reason the check was skipped on an article (no reference file given, no rows of its table, ...); NULL where it ran on every article.';
COMMENT ON COLUMN data_quality.run_id IS 'Dagster run of the evaluation.';
COMMENT ON COLUMN data_quality.evaluated_at IS 'When the evaluation ran.';
