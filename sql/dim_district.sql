CREATE TABLE dim_district (
    election_id    INTEGER NOT NULL,
    district       INTEGER NOT NULL,
    district_label VARCHAR NOT NULL
);
COMMENT ON TABLE dim_district IS 'Congressional districts of a state at one election (boundaries change each decade).';
COMMENT ON COLUMN dim_district.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN dim_district.district IS 'District number 1..N; inferred from the row order where the article lost the number; 1 for an at-large state.';
COMMENT ON COLUMN dim_district.district_label IS 'The number as text, or ''At-large''.';
INSERT INTO table_keys VALUES
    ('dim_district', 'primary key', ['election_id', 'district'], NULL, NULL),
    ('dim_district', 'foreign key', ['election_id'], 'dim_election', ['election_id']);
