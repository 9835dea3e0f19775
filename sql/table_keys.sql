CREATE TABLE table_keys (
    table_name         VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL CHECK (kind IN ('primary key', 'unique', 'foreign key')),
    columns            VARCHAR[] NOT NULL,
    referenced_table   VARCHAR,
    referenced_columns VARCHAR[]
);
COMMENT ON TABLE table_keys IS 'The keys of every table: primary keys, unique keys and foreign keys, declared beside each table in sql/ and proven on the whole warehouse before each load is published (DuckDB does not index them: see docs/benchmarks.md). SELECT * FROM table_keys WHERE table_name = ''fact_county_result''.';
COMMENT ON COLUMN table_keys.table_name IS 'Table the key belongs to.';
COMMENT ON COLUMN table_keys.kind IS '''primary key'' (unique and never NULL: one row per value), ''unique'' (no two rows share a value without NULLs), or ''foreign key'' (every value without NULLs is a value of the referenced columns).';
COMMENT ON COLUMN table_keys.columns IS 'Columns of the key, in order.';
COMMENT ON COLUMN table_keys.referenced_table IS 'For a foreign key: the table it refers to; NULL otherwise.';
COMMENT ON COLUMN table_keys.referenced_columns IS 'For a foreign key: the columns of referenced_table it refers to, in the order of columns; NULL otherwise.';
