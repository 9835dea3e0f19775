CREATE TABLE fact_state_result (
    election_id     INTEGER NOT NULL,
    candidate       VARCHAR NOT NULL,
    party           VARCHAR,
    ballot_order    INTEGER NOT NULL,
    votes           BIGINT,
    pct             DECIMAL(5, 2),
    electoral_votes BIGINT,
    incumbent       BOOLEAN NOT NULL,
    source_line     INTEGER NOT NULL,
    legislative_votes BIGINT
);
COMMENT ON TABLE fact_state_result IS 'Statewide result of each candidate: the candidate rows of the article''s results table.';
COMMENT ON COLUMN fact_state_result.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_state_result.candidate IS 'Candidate (dim_candidate).';
COMMENT ON COLUMN fact_state_result.party IS 'Party (dim_party); NULL where the row names none.';
COMMENT ON COLUMN fact_state_result.ballot_order IS 'Position of the row in the results table, 1 first.';
COMMENT ON COLUMN fact_state_result.votes IS 'Popular votes, exactly as published; NULL where the legislature chose the electors.';
COMMENT ON COLUMN fact_state_result.pct IS 'Published percentage of the total (rounded by the source).';
COMMENT ON COLUMN fact_state_result.electoral_votes IS 'Electoral votes cast for the candidate, as the results table gives them (a faithless or unpledged elector''s vote goes to the candidate it was cast for); NULL where the cell is empty.';
COMMENT ON COLUMN fact_state_result.incumbent IS 'True where the article marks the candidate ''(incumbent)''.';
COMMENT ON COLUMN fact_state_result.source_line IS 'Line of the article file the row came from.';
COMMENT ON COLUMN fact_state_result.legislative_votes IS 'Votes of the legislature that chose the electors, from a ''Legislative vote'' column; NULL where the people voted.';
INSERT INTO table_keys VALUES
    ('fact_state_result', 'primary key', ['election_id', 'candidate'], NULL, NULL),
    ('fact_state_result', 'foreign key', ['election_id'], 'dim_election', ['election_id']),
    ('fact_state_result', 'foreign key', ['candidate'], 'dim_candidate', ['candidate']),
    ('fact_state_result', 'foreign key', ['party'], 'dim_party', ['party']);
