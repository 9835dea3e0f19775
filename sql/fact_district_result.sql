CREATE TABLE fact_district_result (
    election_id INTEGER NOT NULL,
    district    INTEGER NOT NULL,
    candidate   VARCHAR NOT NULL,
    pct         DECIMAL(5, 2),
    source_line INTEGER NOT NULL,
    electoral_votes BIGINT
);
COMMENT ON TABLE fact_district_result IS 'Share of each candidate in each congressional district (the district table gives percentages only).';
COMMENT ON COLUMN fact_district_result.election_id IS 'Election (dim_district).';
COMMENT ON COLUMN fact_district_result.district IS 'District number (dim_district).';
COMMENT ON COLUMN fact_district_result.candidate IS 'Candidate, matched from the column header (a surname) to the statewide results.';
COMMENT ON COLUMN fact_district_result.pct IS 'Published percentage; NULL where the cell is empty.';
COMMENT ON COLUMN fact_district_result.source_line IS 'Line of the article file the district row came from.';
COMMENT ON COLUMN fact_district_result.electoral_votes IS 'The district''s elector in a split state (Maine, Nebraska): 1 for the candidate the district table''s ''Electoral vote'' column names, 0 for the others; NULL where the table has no such column.';
INSERT INTO table_keys VALUES
    ('fact_district_result', 'primary key', ['election_id', 'district', 'candidate'], NULL, NULL),
    ('fact_district_result', 'foreign key', ['candidate'], 'dim_candidate', ['candidate']),
    ('fact_district_result', 'foreign key', ['election_id', 'district'], 'dim_district', ['election_id', 'district']);
