"""Stage 4: typed tables → the DuckDB warehouse, its atomic swap, and what analysts take
out of it (Parquet, a MEDSL-shaped CSV, maps, a read-only SQL prompt)."""
