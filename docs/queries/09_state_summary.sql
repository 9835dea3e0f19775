-- Who carried each state, by how much, over how many counties.
SELECT year, state, winner, winner_party, margin_pct, total_votes, counties, electoral_votes
FROM state_summary
ORDER BY year, state;
