CREATE TABLE fact_county_summary (
    election_id  INTEGER NOT NULL,
    state_fips   VARCHAR NOT NULL,
    county       VARCHAR NOT NULL,
    county_fips  VARCHAR,
    margin_votes BIGINT,
    margin_pct   DECIMAL(5, 2),
    total_votes  BIGINT NOT NULL,
    source_line  INTEGER NOT NULL,
    unit_type    VARCHAR NOT NULL CHECK (unit_type IN ('county', 'parish', 'borough', 'census area', 'independent city', 'historical', 'ward', 'state house district', 'town')),
    current_fips VARCHAR
);
COMMENT ON TABLE fact_county_summary IS 'One row per reporting unit of each by-county table (a county-equivalent, or a ward, state house district or town where the article reports by those): the unit, its FIPS codes, its margin and total (the last columns of the table).';
COMMENT ON COLUMN fact_county_summary.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_county_summary.state_fips IS 'State of the county (dim_state).';
COMMENT ON COLUMN fact_county_summary.county IS 'Reporting unit as the article writes it (the column keeps its name: most units are county-equivalents).';
COMMENT ON COLUMN fact_county_summary.county_fips IS 'Five-digit FIPS code of the unit in the election''s year (dim_county; Dade, FL, in 1992: 12025), resolved among the names of the article; NULL for a ward, state house district or town, a historical county that never had a code, or a name no unit matches.';
COMMENT ON COLUMN fact_county_summary.margin_votes IS 'Published margin: first candidate column minus second; negative where the second won.';
COMMENT ON COLUMN fact_county_summary.margin_pct IS 'Published margin in percentage points (often the difference of the rounded percentages).';
COMMENT ON COLUMN fact_county_summary.total_votes IS 'Published total votes of the county.';
COMMENT ON COLUMN fact_county_summary.source_line IS 'Line of the article file the county row came from.';
COMMENT ON COLUMN fact_county_summary.unit_type IS 'What the unit is, from the table''s header and the state: county, parish, borough, census area or independent city (county-equivalents), historical (a county that never had a FIPS code), ward, state house district or town.';
COMMENT ON COLUMN fact_county_summary.current_fips IS 'FIPS code of the unit''s successor today (dim_county; Dade 12025 → Miami-Dade 12086, Bedford city 51515 → Bedford County 51019), itself where unchanged: the key that joins elections across renames and merges. NULL where county_fips is NULL, except for a historical county (its successor''s code).';
INSERT INTO table_keys VALUES
    ('fact_county_summary', 'primary key', ['election_id', 'county'], NULL, NULL),
    ('fact_county_summary', 'foreign key', ['election_id'], 'dim_election', ['election_id']),
    ('fact_county_summary', 'foreign key', ['county_fips'], 'dim_county', ['county_fips']),
    ('fact_county_summary', 'foreign key', ['current_fips'], 'dim_county', ['county_fips']);
