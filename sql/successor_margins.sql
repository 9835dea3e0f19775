CREATE VIEW successor_margins AS
WITH units AS (
    SELECT m.year, m.state, m.state_po, m.current_fips,
           string_agg(m.county, ' + ' ORDER BY m.county) AS county,
           CASE WHEN count(*) = 1 THEN any_value(m.county_fips) ELSE m.current_fips END
               AS county_fips,
           CASE WHEN count(*) > 1
               THEN string_agg(m.county || ' (' || coalesce(m.county_fips, 'no code') || ')',
                               ' + ' ORDER BY m.county)
           END AS merged_units,
           CAST(sum(m.republican_votes) AS BIGINT) AS republican_votes,
           CAST(sum(m.democratic_votes) AS BIGINT) AS democratic_votes,
           CAST(sum(m.total_votes) AS BIGINT) AS total_votes,
           -- A family's absence is the election's, so every part has the same note; a part
           -- without votes leaves none when another part has some.
           CASE WHEN bool_and(m.margin_note IS NOT NULL) THEN min(m.margin_note) END
               AS margin_note
    FROM county_margins m
    WHERE m.current_fips IS NOT NULL
    GROUP BY m.year, m.state, m.state_po, m.current_fips
),
previous AS (
    SELECT year, state_po, lag(year) OVER (PARTITION BY state_po ORDER BY year) AS previous_year
    FROM (SELECT DISTINCT year, state_po FROM units)
),
parties AS (
    SELECT e.year, s.state_po, t.current_fips, p.national_party, sum(r.votes) AS votes
    FROM fact_county_result r
    JOIN fact_county_summary t USING (election_id, county)
    JOIN dim_party p USING (party)
    JOIN dim_election e USING (election_id)
    JOIN dim_state s ON s.state_fips = e.state_fips
    WHERE t.current_fips IS NOT NULL AND r.candidate <> 'Other'
    GROUP BY ALL
),
winners AS (
    SELECT year, state_po, current_fips, national_party AS winner_party
    FROM parties
    WHERE votes > 0
    QUALIFY rank() OVER (PARTITION BY year, state_po, current_fips ORDER BY votes DESC) = 1
        AND count(*) OVER (PARTITION BY year, state_po, current_fips, votes) = 1
)
SELECT u.year, u.state, u.state_po, u.current_fips, u.county, u.county_fips, u.merged_units,
       u.republican_votes, u.democratic_votes, u.total_votes,
       u.republican_votes - u.democratic_votes AS margin_votes,
       percent_of(u.republican_votes - u.democratic_votes, u.total_votes) AS margin_pct,
       percent_of(u.republican_votes - u.democratic_votes,
                  u.republican_votes + u.democratic_votes) AS two_party_margin_pct,
       u.margin_note, w.winner_party, p.previous_year
FROM units u
JOIN previous p USING (year, state_po)
LEFT JOIN winners w USING (year, state_po, current_fips);
COMMENT ON VIEW successor_margins IS 'Margins of each unit as it is today, per election: the article''s reporting units summed by current_fips before anything is computed, so that elections compare on a stable unit (docs/margins.md). Bedford city (51515) and Bedford County (51019) of a 2004 article are one row, ''Bedford + Bedford City'', with merged_units naming both; Shannon 2012 and Oglala Lakota 2016 are the same unit 46102. One row per state, year and current_fips; county_swing, county_flips (computed flips) and the county maps read it. Units without a successor code (wards, state house districts, towns, unresolved names) are left out. Margins as in county_margins: Republican minus Democratic family votes, NULL with a margin_note where a family has no candidate.';
COMMENT ON COLUMN successor_margins.year IS 'Election year.';
COMMENT ON COLUMN successor_margins.state IS 'Full state name.';
COMMENT ON COLUMN successor_margins.state_po IS 'State postal code.';
COMMENT ON COLUMN successor_margins.current_fips IS 'FIPS code of the unit today: the key (see county_results.current_fips).';
COMMENT ON COLUMN successor_margins.county IS 'The article''s units summed into it, as the article writes them, joined with '' + '' (''Bedford + Bedford City'').';
COMMENT ON COLUMN successor_margins.county_fips IS 'The FIPS code of the unit at this election where it is one of the article''s units (Shannon 2012: 46113); current_fips where several units are summed (merged_units names their codes).';
COMMENT ON COLUMN successor_margins.merged_units IS 'Where several of the article''s units merged into this one since, each with its code at this election (''Bedford (51019) + Bedford City (51515)''); NULL for a single unit.';
COMMENT ON COLUMN successor_margins.republican_votes IS 'Sum of the units'' Republican-family votes (county_margins); NULL with a margin_note.';
COMMENT ON COLUMN successor_margins.democratic_votes IS 'Sum of the units'' Democratic-family votes (county_margins); NULL with a margin_note.';
COMMENT ON COLUMN successor_margins.total_votes IS 'Sum of the units'' published totals.';
COMMENT ON COLUMN successor_margins.margin_votes IS 'Republican minus Democratic votes; NULL with a margin_note.';
COMMENT ON COLUMN successor_margins.margin_pct IS 'Republican minus Democratic votes in percent of all votes (total_votes), 2 decimals, positive for a Republican lead; NULL with a margin_note.';
COMMENT ON COLUMN successor_margins.two_party_margin_pct IS 'Republican minus Democratic votes in percent of the two parties'' votes, 2 decimals; NULL with a margin_note or where neither party has a vote.';
COMMENT ON COLUMN successor_margins.margin_note IS 'Why the margins are NULL (see county_margins.margin_note); NULL where there is a margin.';
COMMENT ON COLUMN successor_margins.winner_party IS 'National party (dim_party.national_party) with the most votes in the unit over its candidate columns (the Other column left out); NULL on a tie or without votes. Computed flips compare it between elections.';
COMMENT ON COLUMN successor_margins.previous_year IS 'Year of the state''s previous election in the warehouse with a by-county table (not necessarily four years before: the article''s Previous Year is dim_election.previous_year): what county_swing and computed flips compare with; NULL for the state''s first.';
