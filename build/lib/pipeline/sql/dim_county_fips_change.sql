CREATE TABLE dim_county_fips_change (
    fips           VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    state_fips     VARCHAR NOT NULL REFERENCES dim_state (state_fips),
    successor_fips VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    change         VARCHAR NOT NULL
);
COMMENT ON TABLE dim_county_fips_change IS 'County-equivalents renamed, merged or split since their elections (Census Bureau, Substantial Changes to Counties): how their codes continue, so elections join across the change.';
COMMENT ON COLUMN dim_county_fips_change.fips IS 'Five-digit code the unit had (46113, Shannon County SD).';
COMMENT ON COLUMN dim_county_fips_change.name IS 'Name of the unit under that code.';
COMMENT ON COLUMN dim_county_fips_change.state_fips IS 'State of the unit (dim_state).';
COMMENT ON COLUMN dim_county_fips_change.successor_fips IS 'Code the unit continues as (46102, Oglala Lakota County).';
COMMENT ON COLUMN dim_county_fips_change.year IS 'Year of the change.';
COMMENT ON COLUMN dim_county_fips_change.change IS 'What happened.';
