CREATE TABLE load_log (
    run_id           VARCHAR NOT NULL,
    loaded_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    file             VARCHAR NOT NULL,
    sha256           VARCHAR,
    status           VARCHAR NOT NULL CHECK (status IN ('published', 'kept_previous', 'refused', 'removed')),
    published_sha256 VARCHAR,
    reason           VARCHAR
);
COMMENT ON TABLE load_log IS 'What every load did with every article file, one row per run and file; history is carried over from load to load.';
COMMENT ON COLUMN load_log.run_id IS 'Dagster run of the load.';
COMMENT ON COLUMN load_log.loaded_at IS 'When the load ran.';
COMMENT ON COLUMN load_log.file IS 'Article file in the raw folder.';
COMMENT ON COLUMN load_log.sha256 IS 'SHA-256 of the file as the load read it; NULL for a removed file.';
COMMENT ON COLUMN load_log.status IS '''published'' (this version loaded), ''kept_previous'' (refused; its last good version stays published), ''refused'' (refused; nothing of it is published) or ''removed'' (gone from the raw folder, so from the warehouse).';
COMMENT ON COLUMN load_log.published_sha256 IS 'Version of the article the warehouse publishes after the load (article_versions); NULL where none.';
COMMENT ON COLUMN load_log.reason IS 'Why the file was refused: the first ERROR check and the cell it names.';
