CREATE TABLE fact_fundraising (
    election_id INTEGER NOT NULL REFERENCES dim_election (election_id),
    candidate   VARCHAR NOT NULL REFERENCES dim_candidate (candidate),
    raised_usd  BIGINT NOT NULL,
    source_line INTEGER NOT NULL,
    PRIMARY KEY (election_id, candidate)
);
COMMENT ON TABLE fact_fundraising IS 'Money each campaign raised in the state: a figure the article gives only in prose (''Bush raised $4,026,802.'').';
COMMENT ON COLUMN fact_fundraising.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_fundraising.candidate IS 'Candidate (dim_candidate), matched from the name in the sentence.';
COMMENT ON COLUMN fact_fundraising.raised_usd IS 'US dollars raised, as written.';
COMMENT ON COLUMN fact_fundraising.source_line IS 'Line of the article file holding the sentence.';
