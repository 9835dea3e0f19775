"""End to end: raw/ → Dagster → DuckDB, asserted with figures taken from the seed article."""

import shutil
from decimal import Decimal as D

import duckdb
import pytest

from pipeline.warehouse.build import TABLES, VIEWS
from tests.conftest import RAW, SEED_NAME, materialize_all

CONTRACT = {
    "state_results": [
        "year",
        "state",
        "state_po",
        "candidate",
        "party",
        "votes",
        "pct",
        "electoral_votes",
    ],
    "county_results": [
        "year",
        "state",
        "state_po",
        "county",
        "county_fips",
        "candidate",
        "party",
        "votes",
        "pct",
        "total_votes",
    ],
    "district_results": ["year", "state", "state_po", "district", "candidate", "pct"],
    "district_representatives": [
        "year",
        "state",
        "state_po",
        "district",
        "ordinal",
        "representative",
    ],
    "electors": ["year", "state", "state_po", "ordinal", "elector"],
    "predictions": ["year", "state", "state_po", "source", "rating"],
    "county_flips": [
        "year",
        "state",
        "state_po",
        "county",
        "county_fips",
        "from_party",
        "to_party",
        "largest_city",
    ],
}


def scalar(db, sql, *params):
    return db.execute(sql, params).fetchone()[0]


@pytest.mark.parametrize("view", CONTRACT)
def test_views_keep_the_public_contract(seed_db, view):
    columns = [row[0] for row in seed_db.execute(f"DESCRIBE {view}").fetchall()]
    assert columns[: len(CONTRACT[view])] == CONTRACT[view]


def test_every_table_view_and_column_is_commented(seed_db):
    missing = seed_db.execute(
        """
        SELECT table_name || '.' || column_name FROM duckdb_columns()
        WHERE NOT internal AND (comment IS NULL OR comment = '')
        UNION ALL SELECT table_name FROM duckdb_tables() WHERE comment IS NULL
        UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL
        """
    ).fetchall()
    assert missing == []
    names = {row[0] for row in seed_db.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    views = {
        row[0]
        for row in seed_db.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
    }
    assert (names, views) == (set(TABLES), set(VIEWS))


def test_statewide_figures(seed_db):
    assert seed_db.execute(
        "SELECT candidate, party, votes, pct, electoral_votes FROM state_results "
        "ORDER BY ballot_order"
    ).fetchall() == [
        ("George W. Bush", "Republican", 1455713, D("53.30"), 11),
        ("John Kerry", "Democratic", 1259171, D("46.10"), 0),
        ("Michael Badnarik", "Libertarian", 9831, D("0.36"), 0),
        ("Michael Peroutka", "Constitution", 5355, D("0.20"), 0),
        ("Ralph Nader", "Write-in", 1294, D("0.05"), 0),
    ]
    assert scalar(seed_db, "SELECT total_votes FROM dim_election") == 2731364


def test_county_figures(seed_db):
    assert scalar(seed_db, "SELECT count(DISTINCT county) FROM county_results") == 115
    assert scalar(seed_db, "SELECT count(DISTINCT county_fips) FROM county_results") == 115
    assert seed_db.execute(
        "SELECT candidate, votes, pct, total_votes, county_fips FROM county_results "
        "WHERE county = 'Jackson' ORDER BY column_order"
    ).fetchall() == [
        ("George W. Bush", 130500, D("41.30"), 315993, "29095"),
        ("John Kerry", 183654, D("58.12"), 315993, "29095"),
        ("Other", 1839, D("0.58"), 315993, "29095"),
    ]
    assert (
        scalar(seed_db, "SELECT sum(votes) FROM county_results WHERE candidate = 'Other'") == 16480
    )


def test_district_figures(seed_db):
    assert scalar(seed_db, "SELECT count(DISTINCT district) FROM district_results") == 9
    assert seed_db.execute(
        "SELECT ordinal, representative FROM district_representatives "
        "WHERE district = 3 ORDER BY ordinal"
    ).fetchall() == [(1, "Dick Gephardt"), (2, "Russ Carnahan")]
    assert seed_db.execute(
        "SELECT candidate, pct FROM district_results WHERE district = 5 ORDER BY candidate"
    ).fetchall() == [("George W. Bush", D("40.00")), ("John Kerry", D("59.00"))]


def test_lists_and_predictions(seed_db):
    assert scalar(seed_db, "SELECT count(*) FROM electors") == 11
    assert scalar(seed_db, "SELECT elector FROM electors WHERE ordinal = 7") == "Emory Melton"
    assert seed_db.execute("SELECT count(*), count(rating) FROM predictions").fetchone() == (12, 0)
    assert scalar(seed_db, "SELECT count(*) FROM county_flips") == 10
    assert seed_db.execute(
        "SELECT county_fips, from_party, to_party, largest_city FROM county_flips "
        "WHERE county = 'Ray'"
    ).fetchone() == ("29177", "Democratic", "Republican", "Richmond")


def test_lineage_names_the_article_version(seed_db, seed_text):
    import hashlib

    assert seed_db.execute(
        "SELECT election_id, source_file, source_sha256 FROM dim_election"
    ).fetchone() == (
        200429,
        SEED_NAME,
        hashlib.sha256(seed_text.encode()).hexdigest(),
    )


def format_count(value: int) -> str:
    return f"{value:,}"


def format_pct(value: float) -> str:
    return f"{value:.2f}%"


def test_round_trip_rebuilds_the_by_county_table(seed_db, seed_lines):
    """Every county row of the article's by-county table comes back from county_results."""
    rows = seed_db.execute(
        """
        SELECT county, list(votes ORDER BY column_order), list(pct ORDER BY column_order),
               any_value(margin_votes), any_value(margin_pct), any_value(total_votes)
        FROM county_results GROUP BY county
        """
    ).fetchall()
    rebuilt = {}
    for county, votes, pcts, margin, margin_pct, total in rows:
        cells = [county]
        for vote, pct in zip(votes, pcts, strict=True):
            cells += [format_count(vote), format_pct(pct)]
        cells += [format_count(margin), format_pct(margin_pct), format_count(total)]
        rebuilt[county] = "| " + " | ".join(cells) + " |"
    first = seed_lines.index("| # | % | # | % | # | % | # | % | | |") + 1
    last = next(i for i, line in enumerate(seed_lines) if line.startswith("| Totals | 1,455,713"))
    source = seed_lines[first:last]
    assert len(source) == len(rebuilt) == 115
    assert [rebuilt[line.split(" | ")[0][2:]] for line in source] == source


# Columns that change with every load, and the history tables' latest load.
PER_LOAD = {
    "dq_check_results": "run_id, evaluated_at",
    "load_log": "run_id, loaded_at",
    "build_info": "built_at",
}
LATEST = {"dq_check_results": "evaluated_at", "load_log": "loaded_at"}


def snapshot(db) -> dict[str, list]:
    """Every table's rows, less what changes with each load (history: the latest load)."""
    rows = {}
    for table in TABLES:
        columns = f"* EXCLUDE ({PER_LOAD[table]})" if table in PER_LOAD else "*"
        where = (
            f"WHERE {LATEST[table]} = (SELECT max({LATEST[table]}) FROM {table})"
            if table in LATEST
            else ""
        )
        rows[table] = db.execute(f"SELECT {columns} FROM {table} {where} ORDER BY ALL").fetchall()
    return rows


def test_reload_of_unchanged_raw_is_identical(seed_warehouse, tmp_path):
    """Reloading an unchanged raw/ (an update of the live file) changes no row, and gives
    the same rows as a build from scratch; keys included."""
    again = tmp_path / "again.duckdb"
    shutil.copyfile(seed_warehouse, again)
    assert materialize_all(RAW, again).success
    fresh = tmp_path / "fresh.duckdb"
    assert materialize_all(RAW, fresh).success
    with duckdb.connect(str(seed_warehouse), read_only=True) as first:
        expected = snapshot(first)
    for path in (again, fresh):
        with duckdb.connect(str(path), read_only=True) as db:
            assert snapshot(db) == expected
    with duckdb.connect(str(again), read_only=True) as db:
        assert db.execute("SELECT count(DISTINCT run_id) FROM load_log").fetchone() == (2,)
