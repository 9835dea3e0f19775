"""Election Warehouse: election articles → validated DuckDB warehouse, run by Dagster."""
