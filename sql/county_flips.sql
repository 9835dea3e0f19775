CREATE VIEW county_flips AS
SELECT e.year, s.state, s.state_po, f.county, t.county_fips, f.from_party, f.to_party,
       f.largest_city, t.current_fips
FROM fact_county_flip f
JOIN fact_county_summary t USING (election_id, county)
JOIN dim_election e USING (election_id)
JOIN dim_state s ON s.state_fips = e.state_fips;
COMMENT ON VIEW county_flips IS 'Counties that flipped from one party to another since the previous election, as the article lists them.';
COMMENT ON COLUMN county_flips.year IS 'Election year.';
COMMENT ON COLUMN county_flips.state IS 'Full state name.';
COMMENT ON COLUMN county_flips.state_po IS 'State postal code.';
COMMENT ON COLUMN county_flips.county IS 'County-equivalent as the article writes it.';
COMMENT ON COLUMN county_flips.county_fips IS 'Five-digit county FIPS code as text.';
COMMENT ON COLUMN county_flips.from_party IS 'Party that carried the county at the previous election.';
COMMENT ON COLUMN county_flips.to_party IS 'Party that carried it at this election.';
COMMENT ON COLUMN county_flips.largest_city IS 'Largest city of the county, as the article gives it.';
COMMENT ON COLUMN county_flips.current_fips IS 'FIPS code of the county''s successor today (see county_results).';
