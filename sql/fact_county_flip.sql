CREATE TABLE fact_county_flip (
    election_id  INTEGER NOT NULL,
    county       VARCHAR NOT NULL,
    from_party   VARCHAR NOT NULL,
    to_party     VARCHAR NOT NULL,
    largest_city VARCHAR,
    source_line  INTEGER NOT NULL
);
COMMENT ON TABLE fact_county_flip IS 'Counties the article lists as flipped from one party to another since the previous election.';
COMMENT ON COLUMN fact_county_flip.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_county_flip.county IS 'County-equivalent as the article writes it (fact_county_summary).';
COMMENT ON COLUMN fact_county_flip.from_party IS 'Party that carried the county at the previous election, from the list heading.';
COMMENT ON COLUMN fact_county_flip.to_party IS 'Party that carried it at this election.';
COMMENT ON COLUMN fact_county_flip.largest_city IS 'Largest city, from ''(Largest city: …)''; NULL where not given.';
COMMENT ON COLUMN fact_county_flip.source_line IS 'Line of the article file the list item came from.';
INSERT INTO table_keys VALUES
    ('fact_county_flip', 'primary key', ['election_id', 'county'], NULL, NULL),
    ('fact_county_flip', 'foreign key', ['election_id'], 'dim_election', ['election_id']),
    ('fact_county_flip', 'foreign key', ['from_party'], 'dim_party', ['party']),
    ('fact_county_flip', 'foreign key', ['to_party'], 'dim_party', ['party']),
    ('fact_county_flip', 'foreign key', ['election_id', 'county'], 'fact_county_summary', ['election_id', 'county']);
