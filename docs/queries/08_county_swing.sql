-- The five largest county swings between a state's consecutive elections
-- (positive: towards the Republican).
SELECT state_po, county, county_fips, previous_year, year, previous_margin_pct, margin_pct, swing
FROM county_swing
ORDER BY abs(swing) DESC, county
LIMIT 5;
