CREATE TABLE build_info (
    code_sha256 VARCHAR NOT NULL,
    built_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
COMMENT ON TABLE build_info IS 'Which code created this warehouse file: a reload updates a copy of the file in place only when the code is the same, and builds it afresh otherwise.';
COMMENT ON COLUMN build_info.code_sha256 IS 'SHA-256 of the pipeline''s code, SQL and reference data that created the file.';
COMMENT ON COLUMN build_info.built_at IS 'When the file was created from scratch.';
