-- The five counties with the largest Republican margins in Missouri 2004.
SELECT DISTINCT county, county_fips, margin_votes, margin_pct
FROM county_results
WHERE year = 2004 AND state_po = 'MO'
ORDER BY margin_pct DESC
LIMIT 5;
