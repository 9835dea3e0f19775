CREATE TABLE dim_state (
    state_fips VARCHAR PRIMARY KEY,
    state      VARCHAR NOT NULL UNIQUE,
    state_po   VARCHAR NOT NULL UNIQUE
);
COMMENT ON TABLE dim_state IS 'The 50 states and the District of Columbia, whether or not an article of theirs is loaded.';
COMMENT ON COLUMN dim_state.state_fips IS 'Two-digit state FIPS code as text (''29'' for Missouri).';
COMMENT ON COLUMN dim_state.state IS 'Full state name (''Missouri'').';
COMMENT ON COLUMN dim_state.state_po IS 'Postal code (''MO'').';
