"""The example queries of docs/queries run, and give the answers the articles hold
(the seed, and the Missouri 2008 fixture for the questions across elections)."""

import hashlib
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT, SEED, materialize_all

QUERIES = PROJECT / "docs" / "queries"
MISSOURI_2008 = (
    Path(__file__).parent / "fixtures" / "2008_United_States_presidential_election_in_Missouri.txt"
)
SEED_VERSION = hashlib.sha256(SEED.read_bytes()).hexdigest()[:12]

ANSWERS = {
    "01_largest_county_margins.sql": [
        ("Barton", "29011", 3199, D("53.39")),
        ("Osage", "29151", 3302, D("49.50")),
        ("Wright", "29229", 3902, D("46.75")),
        ("Dade", "29057", 1859, D("45.46")),
        ("Miller", "29131", 4838, D("44.67")),
    ],
    "02_closest_counties.sql": [
        ("Boone", 158, D("0.21"), 76046),
        ("Pemiscot", 17, D("0.25"), 6806),
        ("Jefferson", 567, D("0.61"), 93264),
        ("Washington", 182, D("1.99"), 9178),
        ("Clark", 105, D("2.81"), 3736),
    ],
    "03_flipped_counties.sql": [
        ("Mississippi", "Democratic", "Republican", "Charleston", 529, D("9.98")),
        ("Saline", "Democratic", "Republican", "Marshall", 910, D("9.16")),
        ("Clay", "Democratic", "Republican", "Liberty", 6523, D("6.76")),
        ("Ray", "Democratic", "Republican", "Richmond", 639, D("5.93")),
        ("New Madrid", "Democratic", "Republican", "New Madrid", 438, D("5.54")),
        ("Buchanan", "Democratic", "Republican", "St. Joseph", 2013, D("5.31")),
        ("Washington", "Democratic", "Republican", "Potosi", 182, D("1.99")),
        ("Jefferson", "Democratic", "Republican", "Arnold", 567, D("0.61")),
        ("Pemiscot", "Democratic", "Republican", "Caruthersville", 17, D("0.25")),
        ("Boone", "Democratic", "Republican", "Columbia", 158, D("0.21")),
    ],
    # 9,831 + 5,355 + 1,294 of 2,731,364; the 2008 fixture's 37,480 of 2,925,205
    "04_third_party_share.sql": [(2004, "MO", 16480, 0.6), (2008, "MO", 37480, 1.28)],
    "05_other_column_by_county.sql": [
        ("Oregon", 81, D("1.73"), 4673),
        ("Grundy", 75, D("1.56"), 4808),
        ("Mercer", 28, D("1.54"), 1817),
    ],
    "06_districts_against_statewide.sql": [
        (1, "George W. Bush", D("25.00"), D("53.30"), D("-28.30")),
        (2, "George W. Bush", D("60.00"), D("53.30"), D("6.70")),
        (3, "George W. Bush", D("43.00"), D("53.30"), D("-10.30")),
        (4, "George W. Bush", D("64.00"), D("53.30"), D("10.70")),
        (5, "George W. Bush", D("40.00"), D("53.30"), D("-13.30")),
        (6, "George W. Bush", D("57.00"), D("53.30"), D("3.70")),
        (7, "George W. Bush", D("67.00"), D("53.30"), D("13.70")),
        (8, "George W. Bush", D("64.00"), D("53.30"), D("10.70")),
        (9, "George W. Bush", D("59.00"), D("53.30"), D("5.70")),
    ],
    "07_seat_changes.sql": [
        (3, ["Dick Gephardt", "Russ Carnahan"]),
        (5, ["Karen McCarthy", "Emanuel Cleaver"]),
    ],
    "08_county_swing.sql": [
        ("MO", "Nodaway", "29147", 2004, 2008, D("23.68"), D("10.52"), D("-13.16")),
        ("MO", "Pemiscot", "29155", 2004, 2008, D("0.25"), D("13.13"), D("12.88")),
        ("MO", "Pulaski", "29169", 2004, 2008, D("41.46"), D("28.69"), D("-12.77")),
        ("MO", "Boone", "29019", 2004, 2008, D("0.21"), D("-11.98"), D("-12.19")),
        ("MO", "Cooper", "29053", 2004, 2008, D("35.40"), D("23.75"), D("-11.65")),
    ],
    "09_state_summary.sql": [
        (2004, "Missouri", "George W. Bush", "Republican", D("7.20"), 2731364, 115, 11),
        (2008, "Missouri", "John McCain", "Republican", D("0.13"), 2925205, 115, 11),
    ],
    "10_data_quality.sql": [
        ("county_percentages_rounding_drift", "county_results", "WARN", 1, 42),
        ("predictions_have_ratings", "predictions", "WARN", 1, 1),
    ],
    "11_trace_a_figure.sql": [
        (
            SEED.name,
            SEED_VERSION,
            136,
            "| Jackson | 130,500 | 41.30% | 183,654 | 58.12% | 1,839 | 0.58% "
            "| -53,154 | -16.82% | 315,993 |",
        ),
    ],
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("queries_raw")
    for path in (SEED, MISSOURI_2008):
        (raw / path.name).write_bytes(path.read_bytes())
    path = raw.parent / "queries.duckdb"
    assert materialize_all(raw, path).success
    return path


def test_every_query_has_its_answer():
    assert sorted(path.name for path in QUERIES.glob("*.sql")) == sorted(ANSWERS)
    assert len(ANSWERS) >= 10


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_query_answers(warehouse, name):
    sql = (QUERIES / name).read_text()
    assert sql.startswith("-- "), "each query starts with a comment saying what it answers"
    with duckdb.connect(str(warehouse), read_only=True) as db:
        assert db.execute(sql).fetchall() == ANSWERS[name]
