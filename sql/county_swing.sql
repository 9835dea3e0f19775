CREATE VIEW county_swing AS
WITH county_margin AS (
    SELECT e.election_id, e.year, e.previous_year, e.state_fips, r.county, t.county_fips,
           coalesce(ch.successor_fips, t.county_fips) AS unit_fips,
           100.0 * (sum(r.votes) FILTER (WHERE r.party = 'Republican')
                    - sum(r.votes) FILTER (WHERE r.party = 'Democratic'))
                 / any_value(t.total_votes) AS margin_pct
    FROM fact_county_result r
    JOIN fact_county_summary t USING (election_id, county)
    JOIN dim_election e USING (election_id)
    LEFT JOIN dim_county_fips_change ch ON ch.fips = t.county_fips
    WHERE t.county_fips IS NOT NULL
    GROUP BY ALL
)
SELECT s.state, s.state_po, cur.county, cur.county_fips, cur.year,
       prev.year AS previous_year,
       round(cur.margin_pct, 2) AS margin_pct,
       round(prev.margin_pct, 2) AS previous_margin_pct,
       round(cur.margin_pct - prev.margin_pct, 2) AS swing
FROM county_margin cur
JOIN county_margin prev
  ON prev.state_fips = cur.state_fips AND prev.year = cur.previous_year
 AND prev.unit_fips = cur.unit_fips
JOIN dim_state s ON s.state_fips = cur.state_fips;
COMMENT ON VIEW county_swing IS 'Change of each county''s margin from the state''s previous election (the article''s Previous Year) to this one, joined on FIPS codes (renamed and merged units continue through dim_county_fips_change). Margins are Republican minus Democratic share of the county total: positive means a Republican lead.';
COMMENT ON COLUMN county_swing.state IS 'Full state name.';
COMMENT ON COLUMN county_swing.state_po IS 'State postal code.';
COMMENT ON COLUMN county_swing.county IS 'County-equivalent as this election''s article writes it.';
COMMENT ON COLUMN county_swing.county_fips IS 'Its five-digit FIPS code at this election.';
COMMENT ON COLUMN county_swing.year IS 'Election year.';
COMMENT ON COLUMN county_swing.previous_year IS 'Year of the state''s previous election.';
COMMENT ON COLUMN county_swing.margin_pct IS 'Republican minus Democratic votes, in percent of the county total, at this election (2 decimals).';
COMMENT ON COLUMN county_swing.previous_margin_pct IS 'The same at the previous election.';
COMMENT ON COLUMN county_swing.swing IS 'margin_pct minus previous_margin_pct, in points: positive is a swing towards the Republican.';
