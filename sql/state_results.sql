CREATE VIEW state_results AS
SELECT e.year, s.state, s.state_po, r.candidate, r.party, r.votes, r.pct, r.electoral_votes,
       r.incumbent, r.ballot_order, r.legislative_votes
FROM fact_state_result r
JOIN dim_election e USING (election_id)
JOIN dim_state s USING (state_fips);
COMMENT ON VIEW state_results IS 'Statewide result of each candidate in each election, as published.';
COMMENT ON COLUMN state_results.year IS 'Election year.';
COMMENT ON COLUMN state_results.state IS 'Full state name.';
COMMENT ON COLUMN state_results.state_po IS 'State postal code.';
COMMENT ON COLUMN state_results.candidate IS 'Candidate name without notes such as ''(incumbent)''.';
COMMENT ON COLUMN state_results.party IS 'Short party name (''Republican'').';
COMMENT ON COLUMN state_results.votes IS 'Popular votes, exactly as published; NULL where the legislature chose the electors.';
COMMENT ON COLUMN state_results.pct IS 'Published percentage of the statewide total.';
COMMENT ON COLUMN state_results.electoral_votes IS 'Electoral votes cast for the candidate, as the statewide results table gives them: a split state (Maine, Nebraska), a faithless elector (Edwards, Minnesota 2004) or unpledged electors (Byrd, Alabama 1960) give them to several candidates.';
COMMENT ON COLUMN state_results.incumbent IS 'True for the incumbent president.';
COMMENT ON COLUMN state_results.ballot_order IS 'Row position in the article''s results table.';
COMMENT ON COLUMN state_results.legislative_votes IS 'Votes of the legislature that chose the electors (Colorado 1876); NULL where the people voted.';
