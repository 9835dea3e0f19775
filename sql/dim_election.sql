CREATE TABLE dim_election (
    election_id     INTEGER NOT NULL,
    year            INTEGER NOT NULL,
    state_fips      VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,
    election_date   DATE,
    electoral_votes BIGINT,
    total_votes     BIGINT,
    total_pct       DECIMAL(5, 2),
    turnout_pct     DECIMAL(5, 2),
    turnout_basis   VARCHAR,
    previous_year   INTEGER,
    next_year       INTEGER,
    source_file     VARCHAR NOT NULL,
    source_sha256   VARCHAR NOT NULL,
    legislative_votes BIGINT
);
COMMENT ON TABLE dim_election IS 'One presidential election in one state: one article of raw/.';
COMMENT ON COLUMN dim_election.election_id IS 'year * 100 + state FIPS (200429 for Missouri 2004): stable across reloads.';
COMMENT ON COLUMN dim_election.year IS 'Election year, from the article title.';
COMMENT ON COLUMN dim_election.state_fips IS 'State of the election (dim_state).';
COMMENT ON COLUMN dim_election.title IS 'Article title, e.g. ''2004 United States presidential election in Missouri''.';
COMMENT ON COLUMN dim_election.election_date IS 'Election day, from the infobox (NULL where the article does not give it).';
COMMENT ON COLUMN dim_election.electoral_votes IS 'Electoral votes cast by the state: the Totals row of the statewide results table.';
COMMENT ON COLUMN dim_election.total_votes IS 'Total popular votes: the Totals row of the statewide results table, as published; NULL where the legislature chose the electors (no popular vote).';
COMMENT ON COLUMN dim_election.total_pct IS 'Percentage printed in that Totals row (normally 100.00).';
COMMENT ON COLUMN dim_election.turnout_pct IS 'Voter turnout in percent, from the results table''s turnout row.';
COMMENT ON COLUMN dim_election.turnout_basis IS 'What the turnout is measured against, e.g. ''Voting Age population''.';
COMMENT ON COLUMN dim_election.previous_year IS 'Year of the previous presidential election, from the infobox.';
COMMENT ON COLUMN dim_election.next_year IS 'Year of the next presidential election, from the infobox.';
COMMENT ON COLUMN dim_election.source_file IS 'Article file in raw/ the rows of this election came from.';
COMMENT ON COLUMN dim_election.source_sha256 IS 'SHA-256 of that file''s bytes: the article version loaded.';
COMMENT ON COLUMN dim_election.legislative_votes IS 'Total votes of the legislature that chose the electors (the Totals row of a ''Legislative vote'' column); NULL where the people voted.';
INSERT INTO table_keys VALUES
    ('dim_election', 'primary key', ['election_id'], NULL, NULL),
    ('dim_election', 'unique', ['year', 'state_fips'], NULL, NULL),
    ('dim_election', 'foreign key', ['state_fips'], 'dim_state', ['state_fips']),
    ('dim_election', 'foreign key', ['source_sha256'], 'article_versions', ['sha256']);
