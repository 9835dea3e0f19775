CREATE VIEW county_margins AS
WITH named AS (
    -- The parties of each election: its candidates', and its by-county columns'.
    SELECT election_id, party, false AS county_column FROM fact_state_result
    UNION ALL
    SELECT DISTINCT election_id, party, true FROM fact_county_result
),
families AS (
    -- Whether each election has a candidate of each family, and a column of that family in
    -- the by-county table: without one, the family's votes per unit are unknown, not 0.
    SELECT e.election_id,
           coalesce(bool_or(p.family = 'Republican'), false) AS republican_candidate,
           coalesce(bool_or(p.family = 'Democratic'), false) AS democratic_candidate,
           coalesce(bool_or(p.family = 'Republican' AND n.county_column), false)
               AS republican_column,
           coalesce(bool_or(p.family = 'Democratic' AND n.county_column), false)
               AS democratic_column
    FROM dim_election e
    LEFT JOIN named n USING (election_id)
    LEFT JOIN dim_party p USING (party)
    GROUP BY e.election_id
),
votes AS (
    SELECT r.election_id, r.county,
           sum(r.votes) FILTER (WHERE p.family = 'Republican') AS republican,
           sum(r.votes) FILTER (WHERE p.family = 'Democratic') AS democratic
    FROM fact_county_result r
    LEFT JOIN dim_party p USING (party)
    GROUP BY r.election_id, r.county
),
units AS (
    SELECT t.election_id, t.county, t.county_fips, t.total_votes, t.current_fips, t.unit_type,
           CAST(CASE WHEN f.republican_column THEN coalesce(v.republican, 0) END AS BIGINT)
               AS republican_votes,
           CAST(CASE WHEN f.democratic_column THEN coalesce(v.democratic, 0) END AS BIGINT)
               AS democratic_votes,
           CASE
               WHEN NOT f.republican_candidate THEN 'no Republican candidate in this election'
               WHEN NOT f.democratic_candidate THEN 'no Democratic candidate in this election'
               WHEN NOT f.republican_column
                   THEN 'no Republican column in the by-county table (its votes are in Other)'
               WHEN NOT f.democratic_column
                   THEN 'no Democratic column in the by-county table (its votes are in Other)'
               WHEN t.total_votes = 0 THEN 'no votes in the unit'
           END AS margin_note
    FROM fact_county_summary t
    JOIN families f USING (election_id)
    LEFT JOIN votes v USING (election_id, county)
)
SELECT e.year, s.state, s.state_po, u.county, u.county_fips, u.republican_votes,
       u.democratic_votes, u.total_votes,
       percent_of(u.republican_votes - u.democratic_votes, u.total_votes) AS margin_pct,
       u.current_fips, u.unit_type,
       u.republican_votes - u.democratic_votes AS margin_votes,
       percent_of(u.republican_votes - u.democratic_votes,
                  u.republican_votes + u.democratic_votes) AS two_party_margin_pct,
       u.margin_note
FROM units u
JOIN dim_election e USING (election_id)
JOIN dim_state s ON s.state_fips = e.state_fips;
COMMENT ON VIEW county_margins IS 'Each reporting unit''s Republican and Democratic votes and the margin between them, as the article''s by-county table has the unit (successor_margins sums the units merged since; county_swing and the maps read that). Parties count by family (dim_party.family, docs/margins.md): Minnesota''s Democratic–Farmer–Labor and North Dakota''s Democratic–NPL are Democratic. The margin is Republican minus Democratic, oriented the same way in every election (the published Margin column is first column minus second, whichever party that is); where a family has no candidate in the election, or no column in the by-county table, its votes and the margins are NULL and margin_note says why: never a 0 that would read as a landslide.';
COMMENT ON COLUMN county_margins.year IS 'Election year.';
COMMENT ON COLUMN county_margins.state IS 'Full state name.';
COMMENT ON COLUMN county_margins.state_po IS 'State postal code.';
COMMENT ON COLUMN county_margins.county IS 'Reporting unit as the article writes it.';
COMMENT ON COLUMN county_margins.county_fips IS 'Five-digit county FIPS code in the election''s year; NULL where the unit has none.';
COMMENT ON COLUMN county_margins.republican_votes IS 'Votes of the unit''s Republican-family columns; NULL where the election has no Republican candidate or the by-county table no Republican column (margin_note).';
COMMENT ON COLUMN county_margins.democratic_votes IS 'Votes of the unit''s Democratic-family columns (a state affiliate''s and an unpledged Democratic slate''s included); NULL where the election has no Democratic candidate or the by-county table no Democratic column (margin_note).';
COMMENT ON COLUMN county_margins.total_votes IS 'Published total votes of the unit: every candidate''s, the Other column''s included.';
COMMENT ON COLUMN county_margins.margin_pct IS 'Republican minus Democratic votes, in percent of all the unit''s votes (total_votes), rounded half away from zero to 2 decimals: positive is a Republican lead. NULL with a margin_note.';
COMMENT ON COLUMN county_margins.current_fips IS 'FIPS code of the unit''s successor today: the key successor_margins, swing and the maps sum and join on.';
COMMENT ON COLUMN county_margins.unit_type IS 'What the unit is (see county_results.unit_type).';
COMMENT ON COLUMN county_margins.margin_votes IS 'Republican minus Democratic votes (negative for a Democratic lead); NULL with a margin_note.';
COMMENT ON COLUMN county_margins.two_party_margin_pct IS 'The two-party margin: Republican minus Democratic votes in percent of the two parties'' votes alone (other candidates left out), 2 decimals; NULL with a margin_note, or where neither party has a vote in the unit.';
COMMENT ON COLUMN county_margins.margin_note IS 'Why margin_pct is NULL: ''no Republican candidate in this election'', ''no Democratic candidate in this election'', ''no Republican column in the by-county table (its votes are in Other)'' (or Democratic), ''no votes in the unit''; NULL where there is a margin.';
