CREATE TABLE dim_candidate (
    candidate VARCHAR NOT NULL
);
COMMENT ON TABLE dim_candidate IS 'Candidates named in any loaded article, spelled as in the statewide results table.';
COMMENT ON COLUMN dim_candidate.candidate IS 'Candidate name without notes such as ''(incumbent)''; ''Other'' is the by-county column that aggregates the candidates without a column of their own.';
INSERT INTO table_keys VALUES
    ('dim_candidate', 'primary key', ['candidate'], NULL, NULL);
