"""`make sql`: an interactive SQL prompt on the warehouse, read-only.

The connection (:func:`~pipeline.warehouse.readers.connect_sealed`) reads the warehouse
published when the prompt started, read-only, and no other file: ``COPY … TO``,
``ATTACH``, ``EXPORT DATABASE`` and the file-reading functions are refused. It never
blocks a reload and can never be the read-write holder a reload refuses to swap under.

Statements end with ``;``; ``.tables`` lists the tables and views with their meaning;
``.quit`` (or end of input) leaves. Piped input works too:
``echo "SELECT count(*) FROM county_results;" | make sql``.
"""

import sys
from pathlib import Path
from typing import TextIO

import duckdb

from pipeline.warehouse.readers import connect_sealed

HELP = "SQL statements end with ';'.  .tables lists tables and views, .quit leaves."
TABLES = """
SELECT table_name AS name, 'table' AS kind, comment FROM duckdb_tables()
WHERE database_name = current_database()
UNION ALL
SELECT view_name, 'view', comment FROM duckdb_views()
WHERE NOT internal AND database_name = current_database()
ORDER BY kind DESC, name
"""


def run_prompt(warehouse: Path, lines: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    """Read statements from ``lines`` and print their results; 1 if one failed."""
    interactive = lines.isatty()
    if interactive:
        import readline  # noqa: F401 (line editing and history for input())
    failed = False
    with connect_sealed(warehouse) as connection:
        if interactive:
            print(f"{warehouse} (read-only). {HELP}", file=out)
        statement = ""
        while True:
            try:
                line = input("sql> " if not statement else "...> ") if interactive else next(lines)
            except (EOFError, StopIteration):
                break
            command = line.strip()
            if not statement and command in (".quit", ".exit"):
                break
            if not statement and command == ".tables":
                for name, kind, comment in connection.execute(TABLES).fetchall():
                    print(f"{kind:<6} {name:<30} {comment}", file=out)
                continue
            statement += line + "\n"
            if not command.endswith(";"):
                continue
            try:
                relation = connection.sql(statement)
                if relation is not None:
                    print(relation, file=out)
            except duckdb.Error as error:
                print(f"error: {error}", file=out)
                failed = True
            statement = ""
    return 1 if failed and not interactive else 0
