CREATE VIEW county_swing AS
WITH margins AS (
    SELECT m.*, e.previous_year,
           100.0 * (m.republican_votes - m.democratic_votes) / nullif(m.total_votes, 0) AS exact_pct
    FROM county_margins m
    JOIN dim_state s USING (state_po)
    JOIN dim_election e ON e.year = m.year AND e.state_fips = s.state_fips
    WHERE m.current_fips IS NOT NULL
)
SELECT cur.state, cur.state_po, cur.county, cur.county_fips, cur.year,
       prev.year AS previous_year,
       cur.margin_pct,
       prev.margin_pct AS previous_margin_pct,
       round(cur.exact_pct - prev.exact_pct, 2) AS swing,
       cur.current_fips,
       prev.county AS previous_county,
       prev.county_fips AS previous_county_fips
FROM margins cur
JOIN margins prev
  ON prev.state_po = cur.state_po AND prev.year = cur.previous_year
 AND prev.current_fips = cur.current_fips;
COMMENT ON VIEW county_swing IS 'Change of each unit''s margin from the state''s previous election (the article''s Previous Year) to this one, joined on current_fips: a renamed unit continues under its new code (Shannon 2012 → Oglala Lakota 2016). Where several units of one election merged into one since (Bedford city into Bedford County), each is paired with the other election''s units of the same successor. Margins as in county_margins: Republican minus Democratic share of the unit''s total, positive for a Republican lead.';
COMMENT ON COLUMN county_swing.state IS 'Full state name.';
COMMENT ON COLUMN county_swing.state_po IS 'State postal code.';
COMMENT ON COLUMN county_swing.county IS 'Unit as this election''s article writes it.';
COMMENT ON COLUMN county_swing.county_fips IS 'Its five-digit FIPS code at this election.';
COMMENT ON COLUMN county_swing.year IS 'Election year.';
COMMENT ON COLUMN county_swing.previous_year IS 'Year of the state''s previous election.';
COMMENT ON COLUMN county_swing.margin_pct IS 'Republican minus Democratic votes, in percent of the unit''s total, at this election (2 decimals).';
COMMENT ON COLUMN county_swing.previous_margin_pct IS 'The same at the previous election.';
COMMENT ON COLUMN county_swing.swing IS 'margin_pct minus previous_margin_pct, in points (from the unrounded margins): positive is a swing towards the Republican.';
COMMENT ON COLUMN county_swing.current_fips IS 'FIPS code of the unit''s successor today: the join key.';
COMMENT ON COLUMN county_swing.previous_county IS 'The unit as the previous election''s article writes it (Shannon beside Oglala Lakota).';
COMMENT ON COLUMN county_swing.previous_county_fips IS 'Its FIPS code at the previous election.';
