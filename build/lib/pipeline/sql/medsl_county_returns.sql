CREATE VIEW medsl_county_returns AS
SELECT r.year,
       upper(r.state) AS state,
       r.state_po,
       CASE WHEN twin.county_fips IS NULL THEN upper(r.county)
            ELSE upper(c.name) || CASE WHEN c.is_city THEN ' CITY' ELSE ' COUNTY' END
       END AS county_name,
       CAST(r.county_fips AS INTEGER) AS county_fips,
       'US PRESIDENT' AS office,
       upper(r.candidate) AS candidate,
       CASE r.party
           WHEN 'Republican' THEN 'REPUBLICAN'
           WHEN 'Democratic' THEN 'DEMOCRAT'
           WHEN 'Green' THEN 'GREEN'
           WHEN 'Libertarian' THEN 'LIBERTARIAN'
           ELSE 'OTHER'
       END AS party,
       r.votes AS candidatevotes,
       r.total_votes AS totalvotes,
       (SELECT CAST(strftime(max(loaded_at), '%Y%m%d') AS INTEGER) FROM load_log) AS version,
       'TOTAL' AS mode
FROM county_results r
LEFT JOIN dim_county c ON c.county_fips = r.county_fips
-- MEDSL tells a county from the independent city of the same name ('ST. LOUIS COUNTY',
-- 'ST. LOUIS CITY'; 'BALTIMORE COUNTY', 'BALTIMORE CITY').
LEFT JOIN dim_county twin
  ON twin.state_fips = c.state_fips AND twin.name = c.name AND twin.is_city <> c.is_city
 AND twin.current;
COMMENT ON VIEW medsl_county_returns IS 'county_results in the shape of MIT Election Lab''s county presidential returns (countypres), so MEDSL workflows read it unchanged: upper-case text, FIPS as an integer without its leading zero, one row per county and candidate column.';
COMMENT ON COLUMN medsl_county_returns.year IS 'Election year.';
COMMENT ON COLUMN medsl_county_returns.state IS 'State name in upper case (''MISSOURI'').';
COMMENT ON COLUMN medsl_county_returns.state_po IS 'State postal code.';
COMMENT ON COLUMN medsl_county_returns.county_name IS 'County-equivalent in upper case, as the article writes it; where a county and an independent city share a name, ''X COUNTY'' and ''X CITY'' as MEDSL writes them (Virginia''s MEDSL rows leave both bare: key on FIPS there).';
COMMENT ON COLUMN medsl_county_returns.county_fips IS 'County FIPS code as an integer, without its leading zero (1001 for 01001); NULL where unresolved (NA in the CSV).';
COMMENT ON COLUMN medsl_county_returns.office IS 'Always ''US PRESIDENT''.';
COMMENT ON COLUMN medsl_county_returns.candidate IS 'Candidate in upper case; ''OTHER'' for the column of various other candidates.';
COMMENT ON COLUMN medsl_county_returns.party IS 'REPUBLICAN, DEMOCRAT, GREEN, LIBERTARIAN or OTHER.';
COMMENT ON COLUMN medsl_county_returns.candidatevotes IS 'Votes of the candidate column in the county, as published.';
COMMENT ON COLUMN medsl_county_returns.totalvotes IS 'Total votes of the county, as published.';
COMMENT ON COLUMN medsl_county_returns.version IS 'Date of the latest load as YYYYMMDD, where MEDSL gives the date of its release.';
COMMENT ON COLUMN medsl_county_returns.mode IS 'Always ''TOTAL'': the articles give no vote modes.';
