"""Stage 4: typed tables → the DuckDB warehouse, its atomic swap, and what analysts take
out of it (Parquet, a MEDSL-shaped CSV, maps, a read-only SQL prompt).

``from pipeline.warehouse import connect``: a read-only connection to the warehouse as
published now (docs/readers.md)."""

from pipeline.warehouse.readers import connect, connect_sealed

__all__ = ["connect", "connect_sealed"]
