CREATE VIEW county_margins AS
WITH votes AS (
    SELECT r.election_id, r.county,
           coalesce(sum(r.votes) FILTER (WHERE p.national_party = 'Republican'), 0) AS republican_votes,
           coalesce(sum(r.votes) FILTER (WHERE p.national_party = 'Democratic'), 0) AS democratic_votes
    FROM fact_county_result r
    LEFT JOIN dim_party p USING (party)
    GROUP BY r.election_id, r.county
)
SELECT e.year, s.state, s.state_po, t.county, t.county_fips, v.republican_votes,
       v.democratic_votes, t.total_votes,
       round(100.0 * (v.republican_votes - v.democratic_votes) / nullif(t.total_votes, 0), 2)
           AS margin_pct,
       t.current_fips, t.unit_type
FROM fact_county_summary t
JOIN votes v USING (election_id, county)
JOIN dim_election e USING (election_id)
JOIN dim_state s ON s.state_fips = e.state_fips;
COMMENT ON VIEW county_margins IS 'Each reporting unit''s Republican and Democratic votes and the margin between them, oriented the same way in every election (the published Margin column is first column minus second, whichever party that is). A state affiliate counts as its national party (Minnesota''s Democratic–Farmer–Labor is Democratic, dim_party.national_party).';
COMMENT ON COLUMN county_margins.year IS 'Election year.';
COMMENT ON COLUMN county_margins.state IS 'Full state name.';
COMMENT ON COLUMN county_margins.state_po IS 'State postal code.';
COMMENT ON COLUMN county_margins.county IS 'Reporting unit as the article writes it.';
COMMENT ON COLUMN county_margins.county_fips IS 'Five-digit county FIPS code in the election''s year; NULL where the unit has none.';
COMMENT ON COLUMN county_margins.republican_votes IS 'Votes of the Republican columns (0 where the table has none).';
COMMENT ON COLUMN county_margins.democratic_votes IS 'Votes of the Democratic columns, a state affiliate''s and an unpledged Democratic slate''s included (0 where the table has none).';
COMMENT ON COLUMN county_margins.total_votes IS 'Published total votes of the unit.';
COMMENT ON COLUMN county_margins.margin_pct IS 'Republican minus Democratic votes, in percent of the unit''s total (2 decimals): positive is a Republican lead.';
COMMENT ON COLUMN county_margins.current_fips IS 'FIPS code of the unit''s successor today: the key maps and swing join on.';
COMMENT ON COLUMN county_margins.unit_type IS 'What the unit is (see county_results.unit_type).';
