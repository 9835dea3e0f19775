CREATE VIEW predictions AS
SELECT e.year, s.state, s.state_po, r.source, r.rating
FROM fact_prediction r
JOIN dim_election e USING (election_id)
JOIN dim_state s USING (state_fips);
COMMENT ON VIEW predictions IS 'Pre-election ratings of news organizations.';
COMMENT ON COLUMN predictions.year IS 'Election year.';
COMMENT ON COLUMN predictions.state IS 'Full state name.';
COMMENT ON COLUMN predictions.state_po IS 'State postal code.';
COMMENT ON COLUMN predictions.source IS 'News organization.';
COMMENT ON COLUMN predictions.rating IS 'Rating as written; NULL where the article leaves the cell empty.';
