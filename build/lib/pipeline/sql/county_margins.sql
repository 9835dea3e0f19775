CREATE VIEW county_margins AS
SELECT e.year, s.state, s.state_po, t.county, t.county_fips,
       coalesce(sum(r.votes) FILTER (WHERE r.party = 'Republican'), 0) AS republican_votes,
       coalesce(sum(r.votes) FILTER (WHERE r.party = 'Democratic'), 0) AS democratic_votes,
       t.total_votes,
       round(100.0 * (coalesce(sum(r.votes) FILTER (WHERE r.party = 'Republican'), 0)
                      - coalesce(sum(r.votes) FILTER (WHERE r.party = 'Democratic'), 0))
             / nullif(t.total_votes, 0), 2) AS margin_pct
FROM fact_county_summary t
JOIN fact_county_result r USING (election_id, county)
JOIN dim_election e USING (election_id)
JOIN dim_state s ON s.state_fips = e.state_fips
GROUP BY e.year, s.state, s.state_po, t.county, t.county_fips, t.total_votes;
COMMENT ON VIEW county_margins IS 'Each county''s Republican and Democratic votes and the margin between them, oriented the same way in every election (the published Margin column is first column minus second, whichever party that is).';
COMMENT ON COLUMN county_margins.year IS 'Election year.';
COMMENT ON COLUMN county_margins.state IS 'Full state name.';
COMMENT ON COLUMN county_margins.state_po IS 'State postal code.';
COMMENT ON COLUMN county_margins.county IS 'County-equivalent as the article writes it.';
COMMENT ON COLUMN county_margins.county_fips IS 'Five-digit county FIPS code; NULL where unresolved.';
COMMENT ON COLUMN county_margins.republican_votes IS 'Votes of the Republican column (0 where the table has none).';
COMMENT ON COLUMN county_margins.democratic_votes IS 'Votes of the Democratic column (0 where the table has none).';
COMMENT ON COLUMN county_margins.total_votes IS 'Published total votes of the county.';
COMMENT ON COLUMN county_margins.margin_pct IS 'Republican minus Democratic votes, in percent of the county total (2 decimals): positive is a Republican lead.';
