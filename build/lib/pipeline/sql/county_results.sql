CREATE VIEW county_results AS
SELECT e.year, s.state, s.state_po, r.county, t.county_fips, r.candidate, r.party, r.votes,
       r.pct, t.total_votes, t.margin_votes, t.margin_pct, r.column_order
FROM fact_county_result r
JOIN fact_county_summary t USING (election_id, county)
JOIN dim_election e USING (election_id)
JOIN dim_state s ON s.state_fips = e.state_fips;
COMMENT ON VIEW county_results IS 'One row per county and candidate column of each article''s by-county table; the column of various other candidates is candidate ''Other''.';
COMMENT ON COLUMN county_results.year IS 'Election year.';
COMMENT ON COLUMN county_results.state IS 'Full state name.';
COMMENT ON COLUMN county_results.state_po IS 'State postal code.';
COMMENT ON COLUMN county_results.county IS 'County-equivalent as the article writes it.';
COMMENT ON COLUMN county_results.county_fips IS 'Five-digit county FIPS code as text; NULL where the name resolves to no unit.';
COMMENT ON COLUMN county_results.candidate IS 'Candidate of the column, spelled as in state_results; ''Other'' for the aggregated column.';
COMMENT ON COLUMN county_results.party IS 'Party of the column (''Other'' for the aggregated column).';
COMMENT ON COLUMN county_results.votes IS 'Votes, exactly as published.';
COMMENT ON COLUMN county_results.pct IS 'Published percentage of the county total.';
COMMENT ON COLUMN county_results.total_votes IS 'Published total votes of the county.';
COMMENT ON COLUMN county_results.margin_votes IS 'Published margin of the county: first candidate column minus second (negative where the second won).';
COMMENT ON COLUMN county_results.margin_pct IS 'Published margin in percentage points.';
COMMENT ON COLUMN county_results.column_order IS 'Position of the candidate column in the table, 1 first.';
