CREATE TABLE fact_nominee (
    election_id     INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    candidate       VARCHAR NOT NULL,
    party           VARCHAR,
    home_state      VARCHAR,
    running_mate    VARCHAR,
    electoral_votes BIGINT,
    popular_votes   BIGINT,
    pct             DECIMAL(5, 2),
    source_line     INTEGER NOT NULL
);
COMMENT ON TABLE fact_nominee IS 'Nominees of the article''s infobox (Nominee1, Nominee2, …) with the figures the infobox gives.';
COMMENT ON COLUMN fact_nominee.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_nominee.ordinal IS 'Number of the nominee in the infobox keys (1 for Nominee1).';
COMMENT ON COLUMN fact_nominee.candidate IS 'Candidate (dim_candidate), spelled as in the results table.';
COMMENT ON COLUMN fact_nominee.party IS 'Party (dim_party).';
COMMENT ON COLUMN fact_nominee.home_state IS 'Home state of the nominee.';
COMMENT ON COLUMN fact_nominee.running_mate IS 'Running mate.';
COMMENT ON COLUMN fact_nominee.electoral_votes IS 'Electoral votes in the infobox; NULL where missing or broken.';
COMMENT ON COLUMN fact_nominee.popular_votes IS 'Popular votes in the infobox; NULL where missing or broken.';
COMMENT ON COLUMN fact_nominee.pct IS 'Percentage in the infobox; NULL where missing or broken (''Percentage1: '''').';
COMMENT ON COLUMN fact_nominee.source_line IS 'Line of the Nominee key in the article file.';
INSERT INTO table_keys VALUES
    ('fact_nominee', 'primary key', ['election_id', 'ordinal'], NULL, NULL),
    ('fact_nominee', 'foreign key', ['election_id'], 'dim_election', ['election_id']),
    ('fact_nominee', 'foreign key', ['candidate'], 'dim_candidate', ['candidate']),
    ('fact_nominee', 'foreign key', ['party'], 'dim_party', ['party']);
