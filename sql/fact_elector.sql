CREATE TABLE fact_elector (
    election_id INTEGER NOT NULL,
    ordinal     INTEGER NOT NULL,
    elector     VARCHAR NOT NULL,
    source_line INTEGER NOT NULL,
    candidate   VARCHAR
);
COMMENT ON TABLE fact_elector IS 'Members of the Electoral College from the state, from the numbered list of the Electors section.';
COMMENT ON COLUMN fact_elector.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_elector.ordinal IS 'Number of the list item.';
COMMENT ON COLUMN fact_elector.elector IS 'Elector name as written.';
COMMENT ON COLUMN fact_elector.source_line IS 'Line of the article file the name came from.';
COMMENT ON COLUMN fact_elector.candidate IS 'Candidate the elector voted for, where the article says it (''Frank M. Dixon (Harry F. Byrd)''); NULL where it does not.';
INSERT INTO table_keys VALUES
    ('fact_elector', 'primary key', ['election_id', 'ordinal'], NULL, NULL),
    ('fact_elector', 'foreign key', ['election_id'], 'dim_election', ['election_id']),
    ('fact_elector', 'foreign key', ['candidate'], 'dim_candidate', ['candidate']);
