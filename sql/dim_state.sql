CREATE TABLE dim_state (
    state_fips VARCHAR NOT NULL,
    state      VARCHAR NOT NULL,
    state_po   VARCHAR NOT NULL
);
COMMENT ON TABLE dim_state IS 'The 50 states and the District of Columbia, whether or not an article of theirs is loaded.';
COMMENT ON COLUMN dim_state.state_fips IS 'Two-digit state FIPS code as text (''29'' for Missouri).';
COMMENT ON COLUMN dim_state.state IS 'Full state name (''Missouri'').';
COMMENT ON COLUMN dim_state.state_po IS 'Postal code (''MO'').';
INSERT INTO table_keys VALUES
    ('dim_state', 'primary key', ['state_fips'], NULL, NULL),
    ('dim_state', 'unique', ['state'], NULL, NULL),
    ('dim_state', 'unique', ['state_po'], NULL, NULL);
