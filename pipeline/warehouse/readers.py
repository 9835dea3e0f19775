"""Connections for readers of the warehouse: always the file published now, never written.

A reload renames a new file over the live one. A process that holds a connection keeps
reading the file it opened (its snapshot), and so does every *new* connection that
process makes with ``duckdb.connect(path, read_only=True)``: DuckDB keeps one database
instance per file and process, and hands it out again while any connection to it is
open. :func:`connect` attaches the file to a new in-memory database instead, so each
call opens the file that is live at that moment (docs/readers.md).

:func:`connect_sealed` is the connection for SQL that people type (``elections sql``, or
any other prompt): besides the warehouse being read-only, it reads and writes no file
at all and its settings cannot be changed back.
"""

from pathlib import Path

import duckdb

from pipeline import settings

# The name the warehouse is attached under, and the connection's default database.
ALIAS = "warehouse"


def connect(warehouse: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse as published now (default:
    ``ELECTIONS_WAREHOUSE``). Tables and views are reached by their plain names."""
    path = (
        Path(warehouse)
        if warehouse is not None
        else settings.resolve(settings.get("ELECTIONS_WAREHOUSE"))
    )
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no warehouse there (`elections run` builds it)")
    connection = duckdb.connect(":memory:")
    try:
        connection.execute(f"ATTACH ? AS {ALIAS} (READ_ONLY)", [str(path)])
        connection.execute(f"USE {ALIAS}")
    except duckdb.Error:
        connection.close()
        raise
    return connection


def connect_sealed(warehouse: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """:func:`connect`, then no file access (no ``COPY … TO``, ``ATTACH``, ``EXPORT
    DATABASE``, ``read_text``/``read_csv``/… of any file but the warehouse's own,
    ``INSTALL``/``LOAD``) and a locked configuration, so that no statement can turn it
    back on. Queries get no temporary files: one that outgrows memory fails."""
    connection = connect(warehouse)
    # No spilling either: DuckDB would leave its temporary folder (./.tmp) open to COPY.
    connection.execute("SET temp_directory = ''")
    connection.execute("SET enable_external_access = false")
    connection.execute("SET lock_configuration = true")
    return connection
