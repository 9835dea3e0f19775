-- Counties that flipped, with the new winner's margin there.
SELECT f.county, f.from_party, f.to_party, f.largest_city, r.margin_votes, r.margin_pct
FROM county_flips f
JOIN (SELECT DISTINCT year, state_po, county, margin_votes, margin_pct FROM county_results) r
  USING (year, state_po, county)
WHERE f.year = 2004 AND f.state_po = 'MO'
ORDER BY r.margin_pct DESC;
