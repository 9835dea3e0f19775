CREATE VIEW district_representatives AS
SELECT e.year, s.state, s.state_po, r.district, r.ordinal, r.representative
FROM fact_district_representative r
JOIN dim_election e USING (election_id)
JOIN dim_state s USING (state_fips);
COMMENT ON VIEW district_representatives IS 'Representatives of each congressional district; a seat that changed hands during the term has ordinal 1 and 2.';
COMMENT ON COLUMN district_representatives.year IS 'Election year.';
COMMENT ON COLUMN district_representatives.state IS 'Full state name.';
COMMENT ON COLUMN district_representatives.state_po IS 'State postal code.';
COMMENT ON COLUMN district_representatives.district IS 'District number.';
COMMENT ON COLUMN district_representatives.ordinal IS '1 for the first representative, 2.. for later ones.';
COMMENT ON COLUMN district_representatives.representative IS 'Name as written.';
