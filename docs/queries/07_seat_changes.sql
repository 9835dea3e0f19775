-- Districts whose representative changed during the term.
SELECT district, list(representative ORDER BY ordinal) AS representatives
FROM district_representatives
WHERE year = 2004 AND state_po = 'MO'
GROUP BY district
HAVING count(*) > 1
ORDER BY district;
