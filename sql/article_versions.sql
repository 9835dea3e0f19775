CREATE TABLE article_versions (
    sha256 VARCHAR NOT NULL,
    file   VARCHAR NOT NULL,
    bytes  BIGINT NOT NULL,
    text   VARCHAR NOT NULL
);
COMMENT ON TABLE article_versions IS 'The text of every article version the warehouse publishes: the lineage of each fact row, and the last good version a refused article falls back to.';
COMMENT ON COLUMN article_versions.sha256 IS 'SHA-256 of the file''s bytes: identifies the version.';
COMMENT ON COLUMN article_versions.file IS 'File name in the raw folder.';
COMMENT ON COLUMN article_versions.bytes IS 'Size of the file in bytes.';
COMMENT ON COLUMN article_versions.text IS 'Decoded text of the file (line ends normalized to \n).';
INSERT INTO table_keys VALUES
    ('article_versions', 'primary key', ['sha256'], NULL, NULL);
