CREATE VIEW data_quality_changes AS
WITH loads AS (
    SELECT run_id, row_number() OVER (ORDER BY max(evaluated_at) DESC) AS recency
    FROM dq_check_results
    GROUP BY run_id
),
latest AS (
    SELECT r.* FROM dq_check_results r JOIN loads USING (run_id) WHERE loads.recency = 1
),
previous AS (
    SELECT r.* FROM dq_check_results r JOIN loads USING (run_id) WHERE loads.recency = 2
)
SELECT check_name,
       article,
       coalesce(l.severity, p.severity) AS severity,
       CASE
           WHEN l.status = 'failed' THEN 'new failure'
           WHEN l.status IS NOT NULL THEN 'fixed'
           ELSE 'article gone'
       END AS change,
       l.failure_count AS failures,
       p.failure_count AS previous_failures,
       l.run_id,
       p.run_id AS previous_run_id
FROM latest l
FULL JOIN previous p USING (check_name, article)
WHERE (l.status = 'failed') IS DISTINCT FROM (p.status = 'failed')
  AND (l.status = 'failed' OR p.status = 'failed')
ORDER BY change, check_name, article;
COMMENT ON VIEW data_quality_changes IS 'What changed in data quality between the latest load and the one before: each check and article that fails now but did not (new failure), failed before but passes now (fixed), or failed before and is no longer in the raw folder (article gone). On the first load, every failure is new.';
COMMENT ON COLUMN data_quality_changes.check_name IS 'Name of the check.';
COMMENT ON COLUMN data_quality_changes.article IS 'Article file.';
COMMENT ON COLUMN data_quality_changes.severity IS 'ERROR (a failing article is refused) or WARN.';
COMMENT ON COLUMN data_quality_changes.change IS '''new failure'', ''fixed'' or ''article gone''.';
COMMENT ON COLUMN data_quality_changes.failures IS 'Failing cells in the latest load; NULL where the article is gone.';
COMMENT ON COLUMN data_quality_changes.previous_failures IS 'Failing cells in the load before; NULL where the article is new.';
COMMENT ON COLUMN data_quality_changes.run_id IS 'Dagster run of the latest load.';
COMMENT ON COLUMN data_quality_changes.previous_run_id IS 'Dagster run of the load before.';
