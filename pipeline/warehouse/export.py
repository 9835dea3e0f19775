"""The warehouse for other tools: Parquet files of every table and view, and a CSV in the
shape of MEDSL's county presidential returns (the view ``medsl_county_returns``).

Everything is read through a read-only connection to the file published now
(:func:`~pipeline.warehouse.readers.connect`), so an export never blocks a reload.
"""

import shutil
from pathlib import Path

from pipeline.warehouse.build import TABLES, VIEWS
from pipeline.warehouse.readers import connect

MEDSL_CSV = "countypres_medsl.csv"
# MEDSL quotes its text columns and writes numbers and NA bare.
MEDSL_TEXT = ["state", "state_po", "county_name", "office", "candidate", "party", "mode"]


def export_warehouse(warehouse: Path, folder: Path) -> list[Path]:
    """Write ``<name>.parquet`` for every table and view and the MEDSL-shaped CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with connect(warehouse) as connection:
        for name in TABLES + VIEWS:
            path = folder / f"{name}.parquet"
            connection.execute(
                f"COPY (SELECT * FROM {name}) TO {sql_string(path)} (FORMAT parquet)"
            )
            written.append(path)
        path = folder / MEDSL_CSV
        body = folder / f"{MEDSL_CSV}.rows"
        connection.execute(
            f"""
            COPY (SELECT * FROM medsl_county_returns
                  ORDER BY year, state, county_name, party, candidate)
            TO {sql_string(body)}
            (HEADER false, FORCE_QUOTE ({", ".join(MEDSL_TEXT)}), NULLSTR 'NA')
            """
        )
        columns = [row[0] for row in connection.execute("DESCRIBE medsl_county_returns").fetchall()]
        with path.open("w") as out, body.open() as rows:  # MEDSL quotes every header name
            out.write(",".join(f'"{column}"' for column in columns) + "\n")
            shutil.copyfileobj(rows, out)
        body.unlink()
        written.append(path)
    return written


def sql_string(path: Path) -> str:
    """A path as an SQL string literal (``COPY … TO`` takes no parameter): quotes doubled."""
    return "'" + str(path).replace("'", "''") + "'"
