"""`make sql` and `make export`: read-only SQL (piped here; Harlequin in test_harlequin.py),
Parquet files, and a CSV that MEDSL workflows read unchanged."""

import contextlib
import io
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.warehouse.build import TABLES, VIEWS
from pipeline.warehouse.export import MEDSL_CSV, MEDSL_README, export_warehouse
from pipeline.warehouse.query import run_queries
from tests.conftest import PROJECT, REFERENCE_CSV


def sql(warehouse: Path, text: str, form: str = "table") -> tuple[int, str, str]:
    """What `elections sql` prints for piped ``text``: exit code, output, errors."""
    out, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(errors):
        code = run_queries(warehouse, text, form, out)
    return code, out.getvalue(), errors.getvalue()


def test_piped_statements_print_their_results(seed_warehouse):
    code, out, _ = sql(
        seed_warehouse,
        "SELECT candidate, votes\nFROM state_results\nORDER BY votes DESC LIMIT 2;\n",
    )
    assert code == 0
    assert "│ George W. Bush │ 1455713 │" in out and "│ John Kerry     │ 1259171 │" in out


@pytest.mark.parametrize("form", ["table", "csv", "json"])
def test_piped_results_are_whole_in_every_format(seed_warehouse, form):
    code, out, _ = sql(seed_warehouse, "SELECT county, candidate, votes FROM county_results", form)
    assert code == 0
    if form == "csv":
        frame = pd.read_csv(io.StringIO(out))
    elif form == "json":
        frame = pd.read_json(io.StringIO(out), lines=True)
    else:
        frame = pd.DataFrame(
            [
                [cell.strip() for cell in line.strip("│").split("│")]
                for line in out.splitlines()
                if line.startswith("│ ") and "varchar" not in line and "county" not in line
            ],
            columns=["county", "candidate", "votes"],
        ).astype({"votes": "int64"})
    assert len(frame) == 345  # every row, not the first screenful
    kerry = frame[(frame["county"] == "Jackson") & (frame["candidate"] == "John Kerry")]
    assert kerry["votes"].tolist() == [183654]


def test_the_dictionary_lists_tables_views_and_columns_with_their_meaning(seed_warehouse):
    _, out, _ = sql(
        seed_warehouse,
        "SELECT DISTINCT name FROM dictionary; "
        "SELECT comment FROM dictionary WHERE name = 'county_results' AND column_name IS NULL",
        "csv",
    )
    names, comment = out.split("comment\n")
    assert set(names.split("\n")[1:-1]) == set(TABLES) | set(VIEWS)
    assert comment.startswith('"One row per county and candidate column')


def test_a_write_is_refused_and_the_next_statement_runs(seed_warehouse):
    code, out, errors = sql(
        seed_warehouse, "DELETE FROM fact_elector;\nSELECT count(*) FROM electors;\n", "csv"
    )
    assert code == 1
    assert errors.startswith("error: ") and "read-only" in errors
    assert out == "count_star()\n11\n"  # the next statement still ran, nothing was deleted


OFF = "file system operations are disabled by configuration"
LOCKED = "the configuration has been locked"


@pytest.mark.parametrize(
    ("statement", "reason", "written"),
    [
        ("COPY (SELECT * FROM electors) TO '{folder}/electors.csv';", OFF, "electors.csv"),
        ("ATTACH '{folder}/scratch.duckdb' AS scratch (READ_WRITE);", OFF, "scratch.duckdb"),
        ("CREATE TABLE scratch.t AS SELECT 1;", "Schema with name scratch does not exist", None),
        ("ATTACH '{warehouse}' AS again (READ_WRITE);", "is already attached", None),
        ("EXPORT DATABASE '{folder}/dump';", OFF, "dump"),
        ("SELECT * FROM read_text('/etc/hostname');", OFF, None),
        ("SELECT * FROM read_csv('{folder}/note.csv');", OFF, None),
        ("COPY (SELECT 1) TO '.tmp/spilled.csv';", OFF, ".tmp/spilled.csv"),
        ("INSTALL httpfs;", OFF, None),
        ("LOAD httpfs;", "Loading external extensions is disabled", None),
        ("SET enable_external_access = true;", LOCKED, None),
        ("SET lock_configuration = false;", LOCKED, None),
    ],
)
def test_sql_reads_and_writes_no_other_file(
    seed_warehouse, tmp_path, monkeypatch, statement, reason, written
):
    (tmp_path / "note.csv").write_text("a,b\n1,2\n")
    (tmp_path / ".tmp").mkdir()  # DuckDB's default temporary folder, in the current one
    monkeypatch.chdir(tmp_path)
    text = statement.format(folder=tmp_path, warehouse=seed_warehouse)
    code, out, errors = sql(seed_warehouse, text + "\nSELECT count(*) FROM electors;\n", "csv")
    assert code == 1
    assert errors.startswith("error: ") and reason in errors.splitlines()[0], errors
    assert out.endswith("11\n")  # the next statement still ran
    assert written is None or not (tmp_path / written).exists()


@pytest.fixture(scope="module")
def exported(seed_warehouse, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    export_warehouse(seed_warehouse, folder)
    return folder


def test_parquet_for_every_table_and_view(exported, seed_warehouse):
    assert sorted(p.stem for p in exported.glob("*.parquet")) == sorted(TABLES + VIEWS)
    assert sorted(p.name for p in exported.iterdir() if p.suffix != ".parquet") == [
        MEDSL_README,
        MEDSL_CSV,
    ]
    county = pd.read_parquet(exported / "county_results.parquet")
    jackson = county[(county["county"] == "Jackson") & (county["candidate"] == "John Kerry")]
    assert jackson["votes"].tolist() == [183654]
    with duckdb.connect(str(seed_warehouse), read_only=True) as db:
        assert len(county) == db.execute("SELECT count(*) FROM county_results").fetchone()[0]


def test_parquet_carries_every_comment_and_type(exported, seed_db):
    """The table's comment is the file's metadata, each column's its field's; votes are
    INT64 and percentages decimals, never floating point."""
    for name in TABLES + VIEWS:
        schema = pq.read_schema(exported / f"{name}.parquet")
        comments = dict(
            seed_db.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ?", [name]
            ).fetchall()
        )
        assert {field.name: field.metadata[b"comment"].decode() for field in schema} == comments
        assert (
            schema.metadata[b"comment"].decode()
            == seed_db.execute(
                "SELECT comment FROM duckdb_tables() WHERE table_name = ? UNION ALL "
                "SELECT comment FROM duckdb_views() WHERE view_name = ?",
                [name, name],
            ).fetchone()[0]
        )
    margins = pq.read_schema(exported / "county_margins.parquet")
    assert [str(margins.field(c).type) for c in ("republican_votes", "margin_pct")] == [
        "int64",
        "decimal128(5, 2)",
    ]
    frame = pd.read_parquet(exported / "county_margins.parquet")
    assert str(frame["democratic_votes"].dtype) == "int64"


def test_medsl_csv_has_a_readme_naming_what_cannot_be_equal(exported):
    readme = (exported / MEDSL_README).read_text()
    assert readme.startswith(f"# {MEDSL_CSV}\n")
    assert "the article counts Kansas City inside Jackson County, MO" in readme
    assert "| `county_fips` | County FIPS code of the election's year" in readme
    assert readme.rstrip().endswith("docs/medsl-export.md in the Election Warehouse repository.")
    assert (PROJECT / "docs" / "medsl-export.md").exists()


def test_medsl_csv_matches_medsl_for_missouri_2004(exported):
    ours = pd.read_csv(exported / MEDSL_CSV, dtype=str, keep_default_na=False)
    theirs = pd.read_csv(REFERENCE_CSV, dtype=str, keep_default_na=False)
    assert list(ours.columns) == list(theirs.columns)
    theirs = theirs[(theirs["year"] == "2004") & (theirs["state_po"] == "MO")]
    key = ["county_name", "county_fips", "candidate", "party", "candidatevotes", "totalvotes"]
    compared = ["year", "state", "state_po", *key, "office", "mode"]
    # The article counts Kansas City inside Jackson County; MEDSL reports it apart.
    theirs = theirs[~theirs["county_name"].isin(["JACKSON", "KANSAS CITY"])]
    ours = ours[ours["county_name"] != "JACKSON"]
    assert len(ours) == len(theirs) == 114 * 3
    pd.testing.assert_frame_equal(
        ours[compared].sort_values(key).reset_index(drop=True),
        theirs[compared].sort_values(key).reset_index(drop=True),
    )


def test_medsl_csv_quotes_text_like_medsl(exported):
    first, second = (exported / MEDSL_CSV).read_text().splitlines()[:2]
    assert first == REFERENCE_CSV.open().readline().rstrip("\n")
    assert second.startswith('2004,"MISSOURI","MO","ADAIR",29001,"US PRESIDENT",')


def test_export_beside_a_warehouse_whose_path_has_quotes(seed_warehouse, tmp_path, monkeypatch):
    folder = tmp_path / "o'brien's data"
    folder.mkdir()
    shutil.copyfile(seed_warehouse, folder / "elections.duckdb")
    monkeypatch.setenv("ELECTIONS_WAREHOUSE", str(folder / "elections.duckdb"))
    assert main(["export"]) == 0
    exported = folder / "export"
    assert sorted(p.stem for p in exported.glob("*.parquet")) == sorted(TABLES + VIEWS)
    county = pd.read_parquet(exported / "county_results.parquet")
    jackson = county[(county["county"] == "Jackson") & (county["candidate"] == "John Kerry")]
    assert jackson["votes"].tolist() == [183654]
    assert (exported / MEDSL_CSV).read_text().count("\n") == 1 + 115 * 3
