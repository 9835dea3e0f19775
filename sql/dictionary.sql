CREATE VIEW dictionary AS
WITH objects AS (
    SELECT table_name AS name, 'table' AS kind, comment
    FROM duckdb_tables()
    WHERE database_name = current_database()
    UNION ALL
    SELECT view_name, 'view', comment
    FROM duckdb_views()
    WHERE NOT internal AND database_name = current_database()
)
SELECT o.kind, o.name, NULL::VARCHAR AS column_name, NULL::VARCHAR AS data_type, o.comment,
       0 AS position
FROM objects o
UNION ALL
SELECT o.kind, o.name, c.column_name, c.data_type, c.comment, c.column_index
FROM objects o
JOIN duckdb_columns() c ON c.table_name = o.name AND c.database_name = current_database()
ORDER BY kind DESC, name, position;
COMMENT ON VIEW dictionary IS 'The warehouse describing itself: every view and table with its meaning (the row without a column), then each of its columns with its type and meaning. SELECT * FROM dictionary WHERE name = ''county_results''.';
COMMENT ON COLUMN dictionary.kind IS '''view'' or ''table''.';
COMMENT ON COLUMN dictionary.name IS 'Name of the view or table.';
COMMENT ON COLUMN dictionary.column_name IS 'Name of the column; NULL on the row that describes the view or table itself.';
COMMENT ON COLUMN dictionary.data_type IS 'DuckDB type of the column; NULL on the row of the view or table.';
COMMENT ON COLUMN dictionary.comment IS 'What the view, table or column holds.';
COMMENT ON COLUMN dictionary.position IS 'Order of the column in its view or table (1 = first); 0 for the view or table itself.';
