CREATE TABLE fact_county_flip (
    election_id  INTEGER NOT NULL REFERENCES dim_election (election_id),
    county       VARCHAR NOT NULL,
    from_party   VARCHAR NOT NULL REFERENCES dim_party (party),
    to_party     VARCHAR NOT NULL REFERENCES dim_party (party),
    largest_city VARCHAR,
    source_line  INTEGER NOT NULL,
    PRIMARY KEY (election_id, county),
    FOREIGN KEY (election_id, county) REFERENCES fact_county_summary (election_id, county)
);
COMMENT ON TABLE fact_county_flip IS 'Counties the article lists as flipped from one party to another since the previous election.';
COMMENT ON COLUMN fact_county_flip.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_county_flip.county IS 'County-equivalent as the article writes it (fact_county_summary).';
COMMENT ON COLUMN fact_county_flip.from_party IS 'Party that carried the county at the previous election, from the list heading.';
COMMENT ON COLUMN fact_county_flip.to_party IS 'Party that carried it at this election.';
COMMENT ON COLUMN fact_county_flip.largest_city IS 'Largest city, from ''(Largest city: …)''; NULL where not given.';
COMMENT ON COLUMN fact_county_flip.source_line IS 'Line of the article file the list item came from.';
