-- Statewide share of the candidates beyond the two leading ones.
WITH ranked AS (
    SELECT year, state_po, candidate, votes,
           row_number() OVER (PARTITION BY year, state_po ORDER BY votes DESC) AS place
    FROM state_results
)
SELECT year, state_po,
       sum(votes) FILTER (WHERE place > 2) AS third_party_votes,
       round(100.0 * sum(votes) FILTER (WHERE place > 2) / sum(votes), 2) AS third_party_pct
FROM ranked
GROUP BY year, state_po
ORDER BY year, state_po;
