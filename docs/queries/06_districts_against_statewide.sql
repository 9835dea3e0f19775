-- Each district's winner share beside the statewide share of the same candidate.
SELECT d.district, d.candidate, d.pct AS district_pct, s.pct AS statewide_pct,
       round(d.pct - s.pct, 2) AS difference
FROM district_results d
JOIN state_results s USING (year, state_po, candidate)
WHERE d.year = 2004 AND d.state_po = 'MO' AND d.candidate = 'George W. Bush'
ORDER BY d.district;
