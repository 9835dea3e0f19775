CREATE VIEW quarantine AS
SELECT l.file, l.sha256 AS refused_sha256, l.status, l.published_sha256 AS kept_sha256,
       l.reason, l.loaded_at AS refused_at, l.run_id
FROM load_log l
WHERE l.run_id = (SELECT run_id FROM load_log ORDER BY loaded_at DESC LIMIT 1)
  AND l.status IN ('kept_previous', 'refused');
COMMENT ON VIEW quarantine IS 'Article files the latest load refused, with the reason; a refused article keeps its last good version where it had one.';
COMMENT ON COLUMN quarantine.file IS 'Article file in the raw folder.';
COMMENT ON COLUMN quarantine.refused_sha256 IS 'SHA-256 of the refused version (the file as it is now).';
COMMENT ON COLUMN quarantine.status IS '''kept_previous'' or ''refused'' (nothing of the article is published).';
COMMENT ON COLUMN quarantine.kept_sha256 IS 'Version still published (article_versions); NULL where none.';
COMMENT ON COLUMN quarantine.reason IS 'The first ERROR check the file failed, with the cell: file, section, line, column, value.';
COMMENT ON COLUMN quarantine.refused_at IS 'When the latest load refused it.';
COMMENT ON COLUMN quarantine.run_id IS 'Dagster run of that load.';
