CREATE VIEW medsl_county_returns AS
WITH spellings (county_fips, county_name) AS (
    -- The units whose MEDSL name is not their Census name in upper case, as MEDSL's own
    -- rows write them (docs/medsl-export.md).
    VALUES ('22059', 'LA SALLE'),
           ('24510', 'BALTIMORE CITY'),
           ('29189', 'ST. LOUIS COUNTY'),
           ('29510', 'ST. LOUIS CITY')
),
units AS (
    -- Each reporting unit as the MEDSL unit it is part of: a county-equivalent under its
    -- code of the election's year; DC's wards in DISTRICT OF COLUMBIA (11001); Alaska's
    -- state house districts as MEDSL's DISTRICT N (2000 + N).
    SELECT t.election_id, t.county, t.total_votes,
           t.unit_type = 'state house district' AND t.state_fips = '02' AS alaska_district,
           CASE
               WHEN t.unit_type = 'ward' AND t.state_fips = '11' THEN '11001'
               ELSE t.county_fips
           END AS fips,
           CAST(nullif(regexp_extract(t.county, '\d+'), '') AS INTEGER) AS district
    FROM fact_county_summary t
),
named AS (
    SELECT u.*,
           CASE
               WHEN u.alaska_district AND u.district IS NOT NULL THEN 'DISTRICT ' || u.district
               WHEN sp.county_name IS NOT NULL THEN sp.county_name
               WHEN c.name IS NOT NULL THEN upper(strip_accents(c.name))
               ELSE upper(u.county)
           END AS county_name,
           CASE
               WHEN u.alaska_district AND u.district IS NOT NULL THEN 2000 + u.district
               ELSE CAST(u.fips AS INTEGER)
           END AS county_fips
    FROM units u
    LEFT JOIN dim_county c ON c.county_fips = u.fips
    LEFT JOIN spellings sp ON sp.county_fips = u.fips
),
totals AS (
    SELECT election_id, county_name, county_fips, sum(total_votes) AS totalvotes
    FROM named
    GROUP BY ALL
),
candidates AS (
    SELECT n.election_id, n.county_name, n.county_fips, n.alaska_district,
           upper(r.candidate) AS candidate,
           CASE
               WHEN p.family = 'Republican' THEN 'REPUBLICAN'
               WHEN p.family = 'Democratic' THEN 'DEMOCRAT'
               WHEN p.national_party IN ('Green', 'Libertarian') THEN upper(p.national_party)
               ELSE 'OTHER'
           END AS party,
           sum(r.votes) AS candidatevotes
    FROM fact_county_result r
    JOIN named n USING (election_id, county)
    LEFT JOIN dim_party p USING (party)
    GROUP BY ALL
),
returns AS (
    SELECT c.election_id, c.county_name, c.county_fips, c.candidate, c.party, c.candidatevotes,
           t.totalvotes
    FROM candidates c
    JOIN totals t USING (election_id, county_name, county_fips)
    UNION ALL
    -- MEDSL's DISTRICT 99 of Alaska, with no votes: the article gives every vote to a
    -- district (county_columns_match_statewide), so the remainder is 0.
    SELECT DISTINCT election_id, 'DISTRICT 99', 2099, candidate, party, 0, 0
    FROM candidates
    WHERE alaska_district
)
SELECT e.year,
       upper(s.state) AS state,
       s.state_po,
       r.county_name,
       r.county_fips,
       'US PRESIDENT' AS office,
       r.candidate,
       r.party,
       CAST(r.candidatevotes AS BIGINT) AS candidatevotes,
       CAST(r.totalvotes AS BIGINT) AS totalvotes,
       (SELECT CAST(strftime(max(loaded_at), '%Y%m%d') AS INTEGER) FROM load_log) AS version,
       'TOTAL' AS mode
FROM returns r
JOIN dim_election e USING (election_id)
JOIN dim_state s ON s.state_fips = e.state_fips;
COMMENT ON VIEW medsl_county_returns IS 'county_results in the layout of MIT Election Lab''s county presidential returns (countypres 2000-2020), named unit by unit as MEDSL names it, so MEDSL workflows read it unchanged (written as countypres_medsl.csv by `elections export`; docs/medsl-export.md): counties by their bare Census name in upper case (BALTIMORE, not BALTIMORE COUNTY), CITY only where MEDSL writes it (BALTIMORE CITY, ST. LOUIS CITY; Virginia''s cities bare, BEDFORD for both the city 51515 and the county 51019: key on FIPS), Alaska''s state house districts as DISTRICT N with FIPS 2000 + N and MEDSL''s DISTRICT 99 (2099) with no votes, DC''s wards summed into DISTRICT OF COLUMBIA (11001). What cannot be equal: the article counts Kansas City inside Jackson County, MO, where MEDSL reports KANSAS CITY (2938000) apart (the two add up to the article''s Jackson row); an article reporting Alaska by borough has borough rows where MEDSL has districts (and Anchorage''s 2020 is MEDSL''s DISTRICT 20); each candidate column of the article is a row (MEDSL folds minor candidates into OTHER); towns and names without a FIPS code have county_fips NA; version is the load''s date.';
COMMENT ON COLUMN medsl_county_returns.year IS 'Election year.';
COMMENT ON COLUMN medsl_county_returns.state IS 'State name in upper case (''MISSOURI'').';
COMMENT ON COLUMN medsl_county_returns.state_po IS 'State postal code.';
COMMENT ON COLUMN medsl_county_returns.county_name IS 'The unit as MEDSL names it: the Census name in upper case without accents or ''COUNTY'' (''LA SALLE'', ''BEDFORD''), MEDSL''s own spelling where it differs (''ST. LOUIS COUNTY'', ''ST. LOUIS CITY'', ''BALTIMORE CITY''), ''DISTRICT N'' for Alaska''s state house districts, ''DISTRICT OF COLUMBIA'' for DC; the article''s name in upper case where the unit has no FIPS code.';
COMMENT ON COLUMN medsl_county_returns.county_fips IS 'County FIPS code of the election''s year as an integer, without its leading zero (1001 for 01001; Bedford city 2004: 51515); 2000 + N for Alaska''s district N; NULL where the unit has none (NA in the CSV).';
COMMENT ON COLUMN medsl_county_returns.office IS 'Always ''US PRESIDENT''.';
COMMENT ON COLUMN medsl_county_returns.candidate IS 'Candidate in upper case; ''OTHER'' for the column of various other candidates.';
COMMENT ON COLUMN medsl_county_returns.party IS 'REPUBLICAN or DEMOCRAT by party family (dim_party.family: Democratic–Farmer–Labor is DEMOCRAT), GREEN, LIBERTARIAN, else OTHER.';
COMMENT ON COLUMN medsl_county_returns.candidatevotes IS 'Votes of the candidate column in the unit, as published (summed over DC''s wards); 0 in DISTRICT 99.';
COMMENT ON COLUMN medsl_county_returns.totalvotes IS 'Total votes of the unit, as published (summed over DC''s wards); 0 in DISTRICT 99.';
COMMENT ON COLUMN medsl_county_returns.version IS 'Date of the latest load as YYYYMMDD, where MEDSL gives the date of its release.';
COMMENT ON COLUMN medsl_county_returns.mode IS 'Always ''TOTAL'': the articles give no vote modes (MEDSL''s 2020 rows split some states by mode).';
