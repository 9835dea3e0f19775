-- The five closest counties: the smallest published margin, either way.
SELECT DISTINCT county, margin_votes, margin_pct, total_votes
FROM county_results
WHERE year = 2004 AND state_po = 'MO'
ORDER BY abs(margin_pct), county
LIMIT 5;
