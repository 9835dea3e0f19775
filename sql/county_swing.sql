CREATE VIEW county_swing AS
SELECT cur.state, cur.state_po, cur.county, cur.county_fips, cur.year,
       prev.year AS previous_year,
       cur.margin_pct,
       prev.margin_pct AS previous_margin_pct,
       -- margin_pct minus previous_margin_pct from the unrounded margins: a/b - c/d as one
       -- fraction, rounded once.
       percent_of(cur.margin_votes * prev.total_votes - prev.margin_votes * cur.total_votes,
                  cur.total_votes * prev.total_votes) AS swing,
       cur.current_fips,
       prev.county AS previous_county,
       prev.county_fips AS previous_county_fips,
       cur.merged_units,
       prev.merged_units AS previous_merged_units,
       cur.two_party_margin_pct,
       prev.two_party_margin_pct AS previous_two_party_margin_pct,
       percent_of(cur.margin_votes * (prev.republican_votes + prev.democratic_votes)
                      - prev.margin_votes * (cur.republican_votes + cur.democratic_votes),
                  (cur.republican_votes + cur.democratic_votes)
                      * (prev.republican_votes + prev.democratic_votes)) AS two_party_swing,
       CASE
           WHEN cur.margin_note IS NOT NULL THEN cur.year || ': ' || cur.margin_note
           WHEN prev.margin_note IS NOT NULL THEN prev.year || ': ' || prev.margin_note
       END AS swing_note
FROM successor_margins cur
JOIN successor_margins prev
  ON prev.state_po = cur.state_po AND prev.year = cur.previous_year
 AND prev.current_fips = cur.current_fips;
COMMENT ON VIEW county_swing IS 'Change of each unit''s margin from the state''s previous election in the warehouse to this one, one row per state, unit and pair of years. Votes are first summed per unit as it is today (successor_margins, on current_fips), then compared: a renamed unit continues under its new code (Shannon 2012 → Oglala Lakota 2016), and units merged since are one unit in both elections (Bedford County + Bedford city, Virginia, merged 2013: ''Bedford + Bedford City'', merged_units names them). Margins as in county_margins: Republican minus Democratic family votes, in percent of all votes, positive for a Republican lead (docs/margins.md).';
COMMENT ON COLUMN county_swing.state IS 'Full state name.';
COMMENT ON COLUMN county_swing.state_po IS 'State postal code.';
COMMENT ON COLUMN county_swing.county IS 'Unit as this election''s article writes it; the units summed into it joined with '' + '' where several merged since (''Bedford + Bedford City'').';
COMMENT ON COLUMN county_swing.county_fips IS 'Its five-digit FIPS code at this election; current_fips where several units are summed (merged_units names their codes).';
COMMENT ON COLUMN county_swing.year IS 'Election year.';
COMMENT ON COLUMN county_swing.previous_year IS 'Year of the state''s previous election in the warehouse with a by-county table (successor_margins.previous_year).';
COMMENT ON COLUMN county_swing.margin_pct IS 'Republican minus Democratic votes, in percent of the unit''s total, at this election (2 decimals); NULL with a swing_note.';
COMMENT ON COLUMN county_swing.previous_margin_pct IS 'The same at the previous election.';
COMMENT ON COLUMN county_swing.swing IS 'margin_pct minus previous_margin_pct, in points, from the unrounded margins, rounded half away from zero to 2 decimals: positive is a swing towards the Republican; NULL with a swing_note.';
COMMENT ON COLUMN county_swing.current_fips IS 'FIPS code of the unit''s successor today: the join key.';
COMMENT ON COLUMN county_swing.previous_county IS 'The unit as the previous election''s article writes it (Shannon beside Oglala Lakota), or its units joined with '' + ''.';
COMMENT ON COLUMN county_swing.previous_county_fips IS 'Its FIPS code at the previous election (current_fips where several units are summed).';
COMMENT ON COLUMN county_swing.merged_units IS 'Where several units of this election merged into the unit since, each with its code (''Bedford (51019) + Bedford City (51515)''); NULL for a single unit.';
COMMENT ON COLUMN county_swing.previous_merged_units IS 'The same at the previous election.';
COMMENT ON COLUMN county_swing.two_party_margin_pct IS 'Republican minus Democratic votes in percent of the two parties'' votes, at this election (2 decimals).';
COMMENT ON COLUMN county_swing.previous_two_party_margin_pct IS 'The same at the previous election.';
COMMENT ON COLUMN county_swing.two_party_swing IS 'two_party_margin_pct minus previous_two_party_margin_pct, in points, from the unrounded margins (2 decimals).';
COMMENT ON COLUMN county_swing.swing_note IS 'Why the swing is NULL: the year and margin_note of the election without a margin (''1964: no Democratic candidate in this election''); NULL where there is a swing.';
