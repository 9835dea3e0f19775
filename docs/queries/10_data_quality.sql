-- The latest load's failing checks, worst first (skipped checks are not failures).
SELECT check_name, asset, severity, articles_failed, failures
FROM data_quality
WHERE status = 'failed'
ORDER BY severity, failures DESC;
