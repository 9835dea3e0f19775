CREATE TABLE fact_county_summary (
    election_id  INTEGER NOT NULL REFERENCES dim_election (election_id),
    state_fips   VARCHAR NOT NULL,
    county       VARCHAR NOT NULL,
    margin_votes BIGINT,
    margin_pct   DOUBLE,
    total_votes  BIGINT NOT NULL,
    source_line  INTEGER NOT NULL,
    PRIMARY KEY (election_id, county),
    FOREIGN KEY (state_fips, county) REFERENCES dim_county (state_fips, county)
);
COMMENT ON TABLE fact_county_summary IS 'Margin and total of each county: the last columns of the by-county table.';
COMMENT ON COLUMN fact_county_summary.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_county_summary.state_fips IS 'State of the county (dim_county).';
COMMENT ON COLUMN fact_county_summary.county IS 'County name as written (dim_county).';
COMMENT ON COLUMN fact_county_summary.margin_votes IS 'Published margin: first candidate column minus second; negative where the second won.';
COMMENT ON COLUMN fact_county_summary.margin_pct IS 'Published margin in percentage points (often the difference of the rounded percentages).';
COMMENT ON COLUMN fact_county_summary.total_votes IS 'Published total votes of the county.';
COMMENT ON COLUMN fact_county_summary.source_line IS 'Line of the article file the county row came from.';
