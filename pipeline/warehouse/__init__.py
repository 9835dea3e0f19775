"""Stage 4: typed tables → the DuckDB warehouse, its atomic swap, and what analysts take
out of it (Parquet, a MEDSL-shaped CSV, maps, a read-only SQL prompt).

``from pipeline.warehouse import connect``: a read-only connection to the warehouse as
published now (docs/readers.md). The readers (and DuckDB) are imported when first asked
for: the processes that parse and check articles import :mod:`pipeline.warehouse.rows`
only, and DuckDB would be some 90 ms of their 0.66 s of imports."""

__all__ = ["connect", "connect_sealed"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from pipeline.warehouse import readers

        return getattr(readers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
