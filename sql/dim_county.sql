CREATE TABLE dim_county (
    county_fips VARCHAR NOT NULL,
    state_fips  VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    is_city     BOOLEAN NOT NULL,
    current     BOOLEAN NOT NULL
);
COMMENT ON TABLE dim_county IS 'Every county-equivalent (county, parish, borough, census area, independent city) of the Census Bureau''s 2010 and 2016 county files, and older units renamed or merged since.';
COMMENT ON COLUMN dim_county.county_fips IS 'Five-digit county FIPS code as text.';
COMMENT ON COLUMN dim_county.state_fips IS 'State of the unit (dim_state).';
COMMENT ON COLUMN dim_county.name IS 'Census name of the unit (without ''County'', ''Parish''…); an independent city has is_city.';
COMMENT ON COLUMN dim_county.is_city IS 'True for an independent city (Virginia''s, Baltimore, St. Louis City).';
COMMENT ON COLUMN dim_county.current IS 'True where the unit exists under this code today (in the 2016 file).';
INSERT INTO table_keys VALUES
    ('dim_county', 'primary key', ['county_fips'], NULL, NULL),
    ('dim_county', 'foreign key', ['state_fips'], 'dim_state', ['state_fips']);
