CREATE TABLE fact_prediction (
    election_id INTEGER NOT NULL REFERENCES dim_election (election_id),
    source      VARCHAR NOT NULL,
    rating      VARCHAR,
    source_line INTEGER NOT NULL,
    PRIMARY KEY (election_id, source)
);
COMMENT ON TABLE fact_prediction IS 'Last pre-election rating of each news organization, from the Predictions table.';
COMMENT ON COLUMN fact_prediction.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_prediction.source IS 'News organization.';
COMMENT ON COLUMN fact_prediction.rating IS 'Rating as written (''Likely R''); NULL where the article''s cell is empty.';
COMMENT ON COLUMN fact_prediction.source_line IS 'Line of the article file the row came from.';
