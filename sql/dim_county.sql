CREATE TABLE dim_county (
    state_fips  VARCHAR NOT NULL REFERENCES dim_state (state_fips),
    county      VARCHAR NOT NULL,
    county_fips VARCHAR,
    PRIMARY KEY (state_fips, county)
);
COMMENT ON TABLE dim_county IS 'County-equivalents (counties, parishes, boroughs, independent cities) as the articles name them.';
COMMENT ON COLUMN dim_county.state_fips IS 'State of the county (dim_state).';
COMMENT ON COLUMN dim_county.county IS 'Name as the article writes it (''St. Louis City'', ''Ste. Genevieve'').';
COMMENT ON COLUMN dim_county.county_fips IS 'Five-digit county FIPS code as text, from the Census Bureau''s 2010 and 2016 county files; NULL where the name matches no unit.';
