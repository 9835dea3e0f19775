CREATE TABLE fact_county_summary (
    election_id  INTEGER NOT NULL REFERENCES dim_election (election_id),
    state_fips   VARCHAR NOT NULL,
    county       VARCHAR NOT NULL,
    county_fips  VARCHAR REFERENCES dim_county (county_fips),
    margin_votes BIGINT,
    margin_pct   DOUBLE,
    total_votes  BIGINT NOT NULL,
    source_line  INTEGER NOT NULL,
    PRIMARY KEY (election_id, county)
);
COMMENT ON TABLE fact_county_summary IS 'One row per county of each by-county table: the county, its FIPS code, its margin and total (the last columns of the table).';
COMMENT ON COLUMN fact_county_summary.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_county_summary.state_fips IS 'State of the county (dim_state).';
COMMENT ON COLUMN fact_county_summary.county IS 'County-equivalent as the article writes it.';
COMMENT ON COLUMN fact_county_summary.county_fips IS 'Its five-digit FIPS code (dim_county), resolved among the names of the article; NULL where no unit matches.';
COMMENT ON COLUMN fact_county_summary.margin_votes IS 'Published margin: first candidate column minus second; negative where the second won.';
COMMENT ON COLUMN fact_county_summary.margin_pct IS 'Published margin in percentage points (often the difference of the rounded percentages).';
COMMENT ON COLUMN fact_county_summary.total_votes IS 'Published total votes of the county.';
COMMENT ON COLUMN fact_county_summary.source_line IS 'Line of the article file the county row came from.';
