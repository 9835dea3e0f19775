"""``elections sql``: SQL on the warehouse, read-only and reading no other file.

At a terminal it opens Harlequin, a terminal SQL IDE made for DuckDB (data catalog,
editor, results, history), on the warehouse, read-only and sealed the same way as
:func:`~pipeline.warehouse.readers.connect_sealed`. The view ``dictionary`` lists every
table, view and column with its meaning.

Piped, or with the statements as an argument, it runs them and prints every row of each
result, as a table, CSV or JSON lines: ``echo "SELECT * FROM county_results;" | elections
sql --format csv > county_results.csv``. Writes and file access are refused.
"""

import contextlib
import sys
from pathlib import Path
from typing import TextIO

import duckdb

from pipeline.warehouse.readers import SEALING, connect_sealed

FORMATS = ("table", "csv", "json")


def run_queries(warehouse: Path, text: str, form: str = "table", out: TextIO = sys.stdout) -> int:
    """Run the statements of ``text`` and print each result whole in ``form``; an error
    goes to standard error and the next statement still runs. 1 if one failed."""
    failed = False
    with connect_sealed(warehouse) as connection:
        for statement in duckdb.extract_statements(text):
            try:
                relation = connection.sql(statement.query)
                if relation is not None:
                    write(connection, relation.to_arrow_table(), form, out)
            except duckdb.Error as error:
                print(f"error: {error}", file=sys.stderr)
                failed = True
    return 1 if failed else 0


def write(connection: duckdb.DuckDBPyConnection, result, form: str, out: TextIO) -> None:
    """Every row of ``result`` (an Arrow table): DuckDB's box table, CSV with a header, or
    one JSON object a line."""
    frame = connection.from_arrow(result)
    if form == "table":
        with contextlib.redirect_stdout(out):
            frame.show(max_rows=result.num_rows + 1, max_width=100_000)
    elif form == "csv":
        frame.df().to_csv(out, index=False)
    elif result.num_rows:
        out.write(frame.df().to_json(orient="records", lines=True, date_format="iso"))


def harlequin_command(warehouse: Path, init: Path) -> list[str]:
    """Harlequin on the warehouse, read-only, with ``init`` (written by
    :func:`write_sealing_script`) run first."""
    harlequin = Path(sys.executable).with_name("harlequin")
    return [
        *(str(harlequin), "--adapter", "duckdb", "--read-only"),
        *("--init-path", str(init), str(warehouse)),
    ]


def write_sealing_script(path: Path) -> Path:
    """The statements that seal a connection, as the SQL script Harlequin runs first."""
    path.write_text("".join(f"{statement};\n" for statement in SEALING))
    return path
