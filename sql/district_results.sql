CREATE VIEW district_results AS
SELECT e.year, s.state, s.state_po, r.district, r.candidate, r.pct, d.district_label,
       r.electoral_votes
FROM fact_district_result r
JOIN dim_district d USING (election_id, district)
JOIN dim_election e USING (election_id)
JOIN dim_state s USING (state_fips);
COMMENT ON VIEW district_results IS 'Share of each candidate in each congressional district.';
COMMENT ON COLUMN district_results.year IS 'Election year.';
COMMENT ON COLUMN district_results.state IS 'Full state name.';
COMMENT ON COLUMN district_results.state_po IS 'State postal code.';
COMMENT ON COLUMN district_results.district IS 'District number 1..N (1 for an at-large state).';
COMMENT ON COLUMN district_results.district_label IS 'The number as text, or ''At-large''.';
COMMENT ON COLUMN district_results.candidate IS 'Candidate, spelled as in state_results.';
COMMENT ON COLUMN district_results.pct IS 'Published percentage.';
COMMENT ON COLUMN district_results.electoral_votes IS 'The district''s elector in a split state (Maine, Nebraska): 1 for the candidate who won it, 0 for the others; NULL where the article gives no district electoral vote.';
