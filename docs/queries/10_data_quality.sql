-- The latest load's checks that did not pass, worst first.
SELECT check_name, asset, severity, articles_failed, failures
FROM data_quality
WHERE NOT passed
ORDER BY severity, failures DESC;
