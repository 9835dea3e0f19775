CREATE VIEW electors AS
SELECT e.year, s.state, s.state_po, r.ordinal, r.elector, r.candidate
FROM fact_elector r
JOIN dim_election e USING (election_id)
JOIN dim_state s USING (state_fips);
COMMENT ON VIEW electors IS 'Members of the Electoral College from each state.';
COMMENT ON COLUMN electors.year IS 'Election year.';
COMMENT ON COLUMN electors.state IS 'Full state name.';
COMMENT ON COLUMN electors.state_po IS 'State postal code.';
COMMENT ON COLUMN electors.ordinal IS 'Position in the article''s numbered list.';
COMMENT ON COLUMN electors.elector IS 'Elector name.';
COMMENT ON COLUMN electors.candidate IS 'Candidate the elector voted for, where the article says it (unpledged electors of Alabama 1960: Harry F. Byrd); NULL where it does not.';
