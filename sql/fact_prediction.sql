CREATE TABLE fact_prediction (
    election_id INTEGER NOT NULL,
    source      VARCHAR NOT NULL,
    rating      VARCHAR,
    source_line INTEGER NOT NULL
);
COMMENT ON TABLE fact_prediction IS 'Last pre-election rating of each news organization, from the Predictions table.';
COMMENT ON COLUMN fact_prediction.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_prediction.source IS 'News organization.';
COMMENT ON COLUMN fact_prediction.rating IS 'Rating as written (''Likely R''); NULL where the article''s cell is empty.';
COMMENT ON COLUMN fact_prediction.source_line IS 'Line of the article file the row came from.';
INSERT INTO table_keys VALUES
    ('fact_prediction', 'primary key', ['election_id', 'source'], NULL, NULL),
    ('fact_prediction', 'foreign key', ['election_id'], 'dim_election', ['election_id']);
