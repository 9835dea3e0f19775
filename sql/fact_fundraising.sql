CREATE TABLE fact_fundraising (
    election_id INTEGER NOT NULL,
    candidate   VARCHAR NOT NULL,
    raised_usd  BIGINT NOT NULL,
    source_line INTEGER NOT NULL
);
COMMENT ON TABLE fact_fundraising IS 'Money each campaign raised in the state: a figure the article gives only in prose (''Bush raised $4,026,802.'').';
COMMENT ON COLUMN fact_fundraising.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_fundraising.candidate IS 'Candidate (dim_candidate), matched from the name in the sentence.';
COMMENT ON COLUMN fact_fundraising.raised_usd IS 'US dollars raised, as written.';
COMMENT ON COLUMN fact_fundraising.source_line IS 'Line of the article file holding the sentence.';
INSERT INTO table_keys VALUES
    ('fact_fundraising', 'primary key', ['election_id', 'candidate'], NULL, NULL),
    ('fact_fundraising', 'foreign key', ['election_id'], 'dim_election', ['election_id']),
    ('fact_fundraising', 'foreign key', ['candidate'], 'dim_candidate', ['candidate']);
