-- Where the candidates without a column of their own did best.
SELECT county, votes, pct, total_votes
FROM county_results
WHERE year = 2004 AND state_po = 'MO' AND candidate = 'Other'
ORDER BY pct DESC, county
LIMIT 3;
