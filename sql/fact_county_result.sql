CREATE TABLE fact_county_result (
    election_id  INTEGER NOT NULL,
    county       VARCHAR NOT NULL,
    candidate    VARCHAR NOT NULL,
    party        VARCHAR,
    column_order INTEGER NOT NULL,
    votes        BIGINT NOT NULL,
    pct          DECIMAL(5, 2),
    source_line  INTEGER NOT NULL
);
COMMENT ON TABLE fact_county_result IS 'Votes of each candidate column in each county: one row per county and candidate column of the by-county table.';
COMMENT ON COLUMN fact_county_result.election_id IS 'Election (dim_election).';
COMMENT ON COLUMN fact_county_result.county IS 'County-equivalent as the article writes it (fact_county_summary).';
COMMENT ON COLUMN fact_county_result.candidate IS 'Candidate of the column; ''Other'' for the column of various other candidates.';
COMMENT ON COLUMN fact_county_result.party IS 'Party of the column, from its header.';
COMMENT ON COLUMN fact_county_result.column_order IS 'Position of the column group in the table, 1 first.';
COMMENT ON COLUMN fact_county_result.votes IS 'Votes, exactly as published.';
COMMENT ON COLUMN fact_county_result.pct IS 'Published percentage of the county total (rounded by the source).';
COMMENT ON COLUMN fact_county_result.source_line IS 'Line of the article file the county row came from.';
INSERT INTO table_keys VALUES
    ('fact_county_result', 'primary key', ['election_id', 'county', 'candidate'], NULL, NULL),
    ('fact_county_result', 'foreign key', ['election_id'], 'dim_election', ['election_id']),
    ('fact_county_result', 'foreign key', ['candidate'], 'dim_candidate', ['candidate']),
    ('fact_county_result', 'foreign key', ['party'], 'dim_party', ['party']),
    ('fact_county_result', 'foreign key', ['election_id', 'county'], 'fact_county_summary', ['election_id', 'county']);
