CREATE TABLE fact_district_representative (
    election_id    INTEGER NOT NULL,
    district       INTEGER NOT NULL,
    ordinal        INTEGER NOT NULL,
    representative VARCHAR NOT NULL,
    source_line    INTEGER NOT NULL
);
COMMENT ON TABLE fact_district_representative IS 'Representatives of each district during the term; a seat that changed hands has two.';
COMMENT ON COLUMN fact_district_representative.election_id IS 'Election (dim_district).';
COMMENT ON COLUMN fact_district_representative.district IS 'District number (dim_district).';
COMMENT ON COLUMN fact_district_representative.ordinal IS '1 for the representative on the district row, 2.. for continuation rows below it.';
COMMENT ON COLUMN fact_district_representative.representative IS 'Name as written.';
COMMENT ON COLUMN fact_district_representative.source_line IS 'Line of the article file the name came from.';
INSERT INTO table_keys VALUES
    ('fact_district_representative', 'primary key', ['election_id', 'district', 'ordinal'], NULL, NULL),
    ('fact_district_representative', 'foreign key', ['election_id', 'district'], 'dim_district', ['election_id', 'district']);
