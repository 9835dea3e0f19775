CREATE VIEW county_flips AS
WITH listed AS (
    SELECT e.year, s.state, s.state_po, f.county, t.county_fips, f.from_party, f.to_party,
           f.largest_city, t.current_fips, e.previous_year,
           pf.national_party AS from_national, pt.national_party AS to_national
    FROM fact_county_flip f
    JOIN fact_county_summary t USING (election_id, county)
    JOIN dim_election e USING (election_id)
    JOIN dim_state s ON s.state_fips = e.state_fips
    JOIN dim_party pf ON pf.party = f.from_party
    JOIN dim_party pt ON pt.party = f.to_party
),
computed AS (
    SELECT cur.year, cur.state, cur.state_po, cur.county, cur.county_fips,
           prev.winner_party AS from_party, cur.winner_party AS to_party, cur.current_fips,
           cur.previous_year
    FROM successor_margins cur
    JOIN successor_margins prev
      ON prev.state_po = cur.state_po AND prev.year = cur.previous_year
     AND prev.current_fips = cur.current_fips
    WHERE cur.winner_party <> prev.winner_party
)
SELECT coalesce(l.year, c.year) AS year,
       coalesce(l.state, c.state) AS state,
       coalesce(l.state_po, c.state_po) AS state_po,
       coalesce(l.county, c.county) AS county,
       coalesce(l.county_fips, c.county_fips) AS county_fips,
       coalesce(l.from_party, c.from_party) AS from_party,
       coalesce(l.to_party, c.to_party) AS to_party,
       l.largest_city,
       coalesce(l.current_fips, c.current_fips) AS current_fips,
       CASE
           WHEN c.year IS NULL THEN 'article'
           WHEN l.year IS NULL THEN 'computed'
           ELSE 'both'
       END AS source,
       coalesce(l.previous_year, c.previous_year) AS previous_year
FROM listed l
FULL JOIN computed c
  -- The same flip: the same unit today, since the same election, between the same parties.
  ON c.state_po = l.state_po AND c.year = l.year AND c.current_fips = l.current_fips
 AND c.previous_year = l.previous_year
 AND c.from_party = l.from_national AND c.to_party = l.to_national;
COMMENT ON VIEW county_flips IS 'Counties that flipped from one party to another: the article''s list (source ''article''), and the flips computed between consecutive elections of the state in the warehouse (source ''computed''): the unit as it is today (successor_margins, on current_fips) whose winning national party changed. A flip both list and computation hold is one row, source ''both''. Where the previous election in the warehouse is the article''s Previous Year and the article lists flips, a listed flip the computation lacks or a computed one the list lacks is a data-quality finding (WARN, flipped_counties_match_computed_flips) naming the county. Most articles list no flips: a computed row alone is no disagreement there.';
COMMENT ON COLUMN county_flips.year IS 'Election year.';
COMMENT ON COLUMN county_flips.state IS 'Full state name.';
COMMENT ON COLUMN county_flips.state_po IS 'State postal code.';
COMMENT ON COLUMN county_flips.county IS 'County-equivalent as the article writes it (the list''s name; for a computed flip, the by-county table''s names of the units summed, joined with '' + '').';
COMMENT ON COLUMN county_flips.county_fips IS 'Five-digit county FIPS code as text, in the election''s year (current_fips where a computed flip sums several units).';
COMMENT ON COLUMN county_flips.from_party IS 'Party that carried the county at the previous election: the list heading''s party, or the national party of the computed winner.';
COMMENT ON COLUMN county_flips.to_party IS 'Party that carried it at this election (as from_party).';
COMMENT ON COLUMN county_flips.largest_city IS 'Largest city of the county, as the article gives it; NULL for a computed flip.';
COMMENT ON COLUMN county_flips.current_fips IS 'FIPS code of the county''s successor today (see county_results): the unit flips are computed on.';
COMMENT ON COLUMN county_flips.source IS '''article'' (listed by the article only), ''computed'' (computed only) or ''both''.';
COMMENT ON COLUMN county_flips.previous_year IS 'Election the flip is counted from: the article''s Previous Year for a listed flip, the state''s previous election in the warehouse with a by-county table for a computed one (the same where source is ''both'').';
