CREATE VIEW county_results AS
SELECT e.year, s.state, s.state_po, r.county, t.county_fips, r.candidate, r.party, r.votes,
       r.pct, t.total_votes, t.margin_votes, t.margin_pct, r.column_order, t.unit_type,
       t.current_fips
FROM fact_county_result r
JOIN fact_county_summary t USING (election_id, county)
JOIN dim_election e USING (election_id)
JOIN dim_state s ON s.state_fips = e.state_fips;
COMMENT ON VIEW county_results IS 'One row per county and candidate column of each article''s by-county table; the column of various other candidates is candidate ''Other''. A "county" is the article''s reporting unit: a county-equivalent, or a ward (DC), state house district (Alaska) or town where the article reports by those (unit_type); the view keeps its name.';
COMMENT ON COLUMN county_results.year IS 'Election year.';
COMMENT ON COLUMN county_results.state IS 'Full state name.';
COMMENT ON COLUMN county_results.state_po IS 'State postal code.';
COMMENT ON COLUMN county_results.county IS 'Reporting unit as the article writes it (a county-equivalent, ward, state house district or town: see unit_type).';
COMMENT ON COLUMN county_results.county_fips IS 'Five-digit county FIPS code as text; the unit''s code in the election''s year (Dade 1992: 12025; Ormsby 1964: 32025); NULL for wards, state house districts, towns, historical counties and names that resolve to no unit.';
COMMENT ON COLUMN county_results.candidate IS 'Candidate of the column, spelled as in state_results; ''Other'' for the aggregated column.';
COMMENT ON COLUMN county_results.party IS 'Party of the column (''Other'' for the aggregated column).';
COMMENT ON COLUMN county_results.votes IS 'Votes, exactly as published.';
COMMENT ON COLUMN county_results.pct IS 'Published percentage of the county total.';
COMMENT ON COLUMN county_results.total_votes IS 'Published total votes of the county.';
COMMENT ON COLUMN county_results.margin_votes IS 'Published margin of the county: first candidate column minus second (negative where the second won).';
COMMENT ON COLUMN county_results.margin_pct IS 'Published margin in percentage points.';
COMMENT ON COLUMN county_results.column_order IS 'Position of the candidate column in the table, 1 first.';
COMMENT ON COLUMN county_results.unit_type IS 'county, parish, borough, census area, independent city, historical (a county that never had a FIPS code), ward, state house district or town.';
COMMENT ON COLUMN county_results.current_fips IS 'FIPS code of the unit''s successor today (Dade 12025 → 12086, Ormsby 32025 → Carson City 32510, Bedford city 51515 → Bedford County 51019); equal to county_fips for a unit unchanged since. Join elections of different years on it.';
