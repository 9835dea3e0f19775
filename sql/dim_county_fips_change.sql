CREATE TABLE dim_county_fips_change (
    fips           VARCHAR,
    name           VARCHAR NOT NULL,
    state_fips     VARCHAR NOT NULL,
    since          INTEGER,
    until          INTEGER NOT NULL,
    successor_fips VARCHAR NOT NULL,
    change_kind    VARCHAR NOT NULL CHECK (change_kind IN ('renamed', 'merged', 'split')),
    change         VARCHAR NOT NULL,
    source         VARCHAR NOT NULL
);
COMMENT ON TABLE dim_county_fips_change IS 'County-equivalents renamed, merged or split since their elections, and counties that never had a FIPS code (pipeline/tables/data/county_fips_changes.csv, documented in docs/county-fips-changes.md): the code each had and the code it continues as, so elections join across the change (current_fips).';
COMMENT ON COLUMN dim_county_fips_change.fips IS 'Five-digit code the unit had (46113, Shannon County SD); NULL for a historical county that never had one.';
COMMENT ON COLUMN dim_county_fips_change.name IS 'Name of the unit under that code.';
COMMENT ON COLUMN dim_county_fips_change.state_fips IS 'State of the unit (dim_state).';
COMMENT ON COLUMN dim_county_fips_change.since IS 'First election year the code applies to; NULL where it applies since before the change list begins.';
COMMENT ON COLUMN dim_county_fips_change.until IS 'Year of the change: the first election year the code no longer applies to.';
COMMENT ON COLUMN dim_county_fips_change.successor_fips IS 'Code the unit continues as (46102, Oglala Lakota County); for a split, the part that kept most of it.';
COMMENT ON COLUMN dim_county_fips_change.change_kind IS '''renamed'' (the same unit under a new code), ''merged'' (it joined a unit that keeps its code) or ''split''.';
COMMENT ON COLUMN dim_county_fips_change.change IS 'What happened.';
COMMENT ON COLUMN dim_county_fips_change.source IS 'Where the change is documented: the Census Bureau''s list of substantial changes since 1970, or the state''s act for older ones.';
INSERT INTO table_keys VALUES
    ('dim_county_fips_change', 'primary key', ['state_fips', 'name', 'until'], NULL, NULL),
    ('dim_county_fips_change', 'foreign key', ['state_fips'], 'dim_state', ['state_fips']);
