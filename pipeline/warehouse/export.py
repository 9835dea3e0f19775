"""The warehouse for other tools: Parquet files of every table and view, and a CSV in the
shape of MEDSL's county presidential returns (the view ``medsl_county_returns``) with a
README beside it.

Everything is read through a read-only connection to the file published now
(:func:`~pipeline.warehouse.readers.connect`), so an export never blocks a reload. Each
Parquet file carries the warehouse's comments: the table's as file metadata and each
column's as field metadata (key ``comment``), so the meaning travels with the data.
"""

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.warehouse.build import TABLES, VIEWS
from pipeline.warehouse.readers import connect

MEDSL_CSV = "countypres_medsl.csv"
MEDSL_README = "countypres_medsl.README.md"
MEDSL_DOC = "docs/medsl-export.md"
# MEDSL quotes its text columns and writes numbers and NA bare.
MEDSL_TEXT = ["state", "state_po", "county_name", "office", "candidate", "party", "mode"]
BATCH_ROWS = 100_000
COMMENTS = """
SELECT table_name, comment FROM duckdb_tables()
UNION ALL SELECT view_name, comment FROM duckdb_views() WHERE NOT internal
"""
COLUMN_COMMENTS = """
SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal
ORDER BY table_name, column_index
"""


def export_warehouse(warehouse: Path, folder: Path) -> list[Path]:
    """Write ``<name>.parquet`` for every table and view, the MEDSL-shaped CSV and its
    README."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with connect(warehouse) as connection:
        comments = dict(connection.execute(COMMENTS).fetchall())
        columns: dict[str, dict[str, str]] = {}
        for table, column, comment in connection.execute(COLUMN_COMMENTS).fetchall():
            columns.setdefault(table, {})[column] = comment or ""
        for name in TABLES + VIEWS:
            path = folder / f"{name}.parquet"
            _write_parquet(connection, name, comments[name] or "", columns[name], path)
            written.append(path)
        path = folder / MEDSL_CSV
        body = folder / f"{MEDSL_CSV}.rows"
        connection.execute(
            f"""
            COPY (SELECT * FROM medsl_county_returns
                  ORDER BY year, state, county_name, county_fips, party, candidate)
            TO {sql_string(body)}
            (HEADER false, FORCE_QUOTE ({", ".join(MEDSL_TEXT)}), NULLSTR 'NA')
            """
        )
        names = list(columns["medsl_county_returns"])
        with path.open("w") as out, body.open() as rows:  # MEDSL quotes every header name
            out.write(",".join(f'"{column}"' for column in names) + "\n")
            shutil.copyfileobj(rows, out)
        body.unlink()
        written.append(path)
        readme = folder / MEDSL_README
        readme.write_text(
            medsl_readme(comments["medsl_county_returns"], columns["medsl_county_returns"])
        )
        written.append(readme)
    return written


def sql_string(path: Path) -> str:
    """A path as an SQL string literal (``COPY … TO`` takes no parameter): quotes doubled."""
    return "'" + str(path).replace("'", "''") + "'"


def _write_parquet(
    connection: duckdb.DuckDBPyConnection,
    name: str,
    comment: str,
    column_comments: dict[str, str],
    path: Path,
) -> None:
    """Stream a table or view into ``path`` in batches, with its comments as metadata."""
    reader = connection.sql(f"SELECT * FROM {name}").to_arrow_reader(BATCH_ROWS)
    schema = pa.schema(
        [field.with_metadata({"comment": column_comments[field.name]}) for field in reader.schema],
        metadata={"comment": comment},
    )
    with pq.ParquetWriter(path, schema) as writer:
        for batch in reader:
            writer.write_batch(batch)


def medsl_readme(comment: str, column_comments: dict[str, str]) -> str:
    """What the MEDSL-shaped CSV is, from the view's own comments, and where the
    differences from MEDSL's file are documented."""
    lines = [
        f"# {MEDSL_CSV}",
        "",
        comment,
        "",
        "| column | meaning |",
        "| --- | --- |",
        *(f"| `{column}` | {text} |" for column, text in column_comments.items()),
        "",
        f"How each name is chosen, and every difference from MEDSL's own file with the reason: "
        f"{MEDSL_DOC} in the Election Warehouse repository.",
        "",
    ]
    return "\n".join(lines)
