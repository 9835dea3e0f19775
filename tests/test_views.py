"""Every analyst view recomputed by another route: pandas over the articles' typed tables
(or MEDSL's own file), never the view's SQL, on a warehouse of every fixture: the seed and
Missouri 2008 (consecutive elections; the 2008 article given a list of flipped counties
here), Virginia 1988 and 2004 (Bedford city beside Bedford County, one unit today), South
Dakota 2012 and 2016 (Shannon renamed Oglala Lakota), Minnesota's Democratic–Farmer–Labor
and North Dakota's Democratic–NPL labels, and Alabama 1960 and 1964 (no Democratic
candidate in 1964). The column types of every view, the swing's one row per unit, the
margins of a relabelled party, computed flips and the MEDSL export are asserted here too."""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from benchmarks.corpus import Candidate, ElectionSpec, render_article
from pipeline.checks.rules import WARN, evaluate
from pipeline.tables.extract import ElectionTables, extract_articles
from pipeline.text.source import read_source
from pipeline.warehouse.build import TABLES, VIEWS
from pipeline.warehouse.export import MEDSL_CSV, export_warehouse
from tests.conftest import FIXTURES, REFERENCE_CSV, SEED, materialize_all

VARIANTS = FIXTURES / "variants"
MISSOURI_2008 = "2008_United_States_presidential_election_in_Missouri.txt"
NORTH_DAKOTA = "2004_United_States_presidential_election_in_North_Dakota.txt"
ALABAMA_1964 = "1964_United_States_presidential_election_in_Alabama.txt"
# The list the 2008 article is given: Boone, Buchanan and Jefferson flipped (MEDSL agrees);
# St. Louis City did not (Democratic in 2004 too); Iron and Washington flipped, unlisted.
FLIPS_2008 = [
    "====Counties that flipped from Republican to Democratic====",
    "- Boone (Largest city: Columbia)",
    "- Buchanan (Largest city: St. Joseph)",
    "- Jefferson (Largest city: Arnold)",
    "- St. Louis City",
    "",
]
# Alabama 1964: no Democrat on the ballot (unpledged electors); the counties of 1960.
ALABAMA_COUNTIES = [
    ("Calhoun", [14000, 6500]),
    ("Jefferson", [115000, 52000]),
    ("Madison", [17500, 11000]),
    ("Mobile", [62000, 18000]),
    ("Montgomery", [240000, 100000]),
    ("Tuscaloosa", [30585, 23232]),
]
# The documented party families (docs/margins.md), written out for the labels of the
# fixtures: the test does not call the pipeline's mapping.
REPUBLICAN = {"Republican"}
DEMOCRATIC = {"Democratic", "Democratic–Farmer–Labor", "Democratic–NPL"}
# MEDSL's own spellings (docs/medsl-export.md).
MEDSL_SPELLINGS = {
    "22059": "LA SALLE",
    "24510": "BALTIMORE CITY",
    "29189": "ST. LOUIS COUNTY",
    "29510": "ST. LOUIS CITY",
}
CENT = Decimal("0.01")


def missouri_2008_with_flips() -> str:
    lines = (FIXTURES / MISSOURI_2008).read_text(encoding="utf-8").split("\n")
    at = lines.index("===By congressional district===")
    return "\n".join(lines[:at] + FLIPS_2008 + lines[at:])


def alabama_1964() -> str:
    return render_article(
        ElectionSpec(
            year=1964,
            state="Alabama",
            candidates=[
                Candidate("Barry Goldwater", "Republican"),
                Candidate("Unpledged Electors", "Unpledged Democratic"),
            ],
            county_label="County",
            counties=ALABAMA_COUNTIES,
            columns=2,
            electoral_votes=10,
        )
    )


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("views_raw")
    for path in [*FIXTURES.glob("*.txt"), *VARIANTS.glob("*.txt"), SEED]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / MISSOURI_2008).write_text(missouri_2008_with_flips(), encoding="utf-8")
    (folder / ALABAMA_1964).write_text(alabama_1964(), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def warehouse(raw) -> Path:
    path = raw.parent / "views.duckdb"
    assert materialize_all(raw, path).success
    return path


@pytest.fixture(scope="module")
def db(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def tables(raw) -> ElectionTables:
    extracted, unreadable = extract_articles(
        pd.DataFrame([read_source(path) for path in sorted(raw.glob("*.txt"))])
    )
    assert unreadable == []
    return extracted


# --- Helpers: Python values, exact percentages ------------------------------------------


def plain(value):
    """A cell as DuckDB hands it to Python: None for a missing value, int, str, bool."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def printed(value) -> Decimal | None:
    """A published percentage as the warehouse stores it: DECIMAL(5,2)."""
    return None if plain(value) is None else Decimal(f"{value:.2f}")


def percent(part: Fraction | int | None, whole: int | None = 1) -> Decimal | None:
    """part ÷ whole in percent, rounded half away from zero to 2 decimals, exactly."""
    if part is None or whole is None or whole == 0:
        return None
    share = Fraction(part) / whole * 100
    return (Decimal(share.numerator) / Decimal(share.denominator)).quantize(CENT, ROUND_HALF_UP)


def rows(frame: pd.DataFrame) -> list[tuple]:
    return sorted((tuple(plain(v) for v in row) for row in frame.itertuples(index=False)), key=repr)


def view(db, name: str, columns: list[str] | None = None) -> list[tuple]:
    selected = ", ".join(columns) if columns else "*"
    return sorted(db.execute(f"SELECT {selected} FROM {name}").fetchall(), key=repr)


def with_state(frame: pd.DataFrame, tables: ElectionTables) -> pd.DataFrame:
    return frame.merge(tables.elections[["file", "state"]], on="file")


def family(party) -> str:
    if party in REPUBLICAN:
        return "Republican"
    return "Democratic" if party in DEMOCRATIC else "Other"


def national(party) -> str | None:
    return None if plain(party) is None else "Democratic" if party in DEMOCRATIC else party


# --- Types --------------------------------------------------------------------------------


# Every analyst view's columns and types, as DESCRIBE gives them.
VIEW_TYPES = {
    "state_results": (
        "year INTEGER, state VARCHAR, state_po VARCHAR, candidate VARCHAR, party VARCHAR, "
        "votes BIGINT, pct DECIMAL(5,2), electoral_votes BIGINT, incumbent BOOLEAN, "
        "ballot_order INTEGER, legislative_votes BIGINT"
    ),
    "county_results": (
        "year INTEGER, state VARCHAR, state_po VARCHAR, county VARCHAR, "
        "county_fips VARCHAR, candidate VARCHAR, party VARCHAR, votes BIGINT, "
        "pct DECIMAL(5,2), total_votes BIGINT, margin_votes BIGINT, "
        "margin_pct DECIMAL(5,2), column_order INTEGER, unit_type VARCHAR, "
        "current_fips VARCHAR"
    ),
    "district_results": (
        "year INTEGER, state VARCHAR, state_po VARCHAR, district INTEGER, "
        "candidate VARCHAR, pct DECIMAL(5,2), district_label VARCHAR, "
        "electoral_votes BIGINT"
    ),
    "district_representatives": (
        "year INTEGER, state VARCHAR, state_po VARCHAR, district INTEGER, ordinal INTEGER, "
        "representative VARCHAR"
    ),
    "electors": (
        "year INTEGER, state VARCHAR, state_po VARCHAR, ordinal INTEGER, elector VARCHAR, "
        "candidate VARCHAR"
    ),
    "predictions": (
        "year INTEGER, state VARCHAR, state_po VARCHAR, source VARCHAR, rating VARCHAR"
    ),
    "county_margins": (
        "year INTEGER, state VARCHAR, state_po VARCHAR, county VARCHAR, "
        "county_fips VARCHAR, republican_votes BIGINT, democratic_votes BIGINT, "
        "total_votes BIGINT, margin_pct DECIMAL(5,2), current_fips VARCHAR, "
        "unit_type VARCHAR, margin_votes BIGINT, two_party_margin_pct DECIMAL(5,2), "
        "margin_note VARCHAR"
    ),
    "successor_margins": (
        "year INTEGER, state VARCHAR, state_po VARCHAR, current_fips VARCHAR, "
        "county VARCHAR, county_fips VARCHAR, merged_units VARCHAR, "
        "republican_votes BIGINT, democratic_votes BIGINT, total_votes BIGINT, "
        "margin_votes BIGINT, margin_pct DECIMAL(5,2), two_party_margin_pct DECIMAL(5,2), "
        "margin_note VARCHAR, winner_party VARCHAR, previous_year INTEGER"
    ),
    "county_flips": (
        "year INTEGER, state VARCHAR, state_po VARCHAR, county VARCHAR, "
        "county_fips VARCHAR, from_party VARCHAR, to_party VARCHAR, largest_city VARCHAR, "
        "current_fips VARCHAR, source VARCHAR, previous_year INTEGER"
    ),
    "county_swing": (
        "state VARCHAR, state_po VARCHAR, county VARCHAR, county_fips VARCHAR, "
        "year INTEGER, previous_year INTEGER, margin_pct DECIMAL(5,2), "
        "previous_margin_pct DECIMAL(5,2), swing DECIMAL(5,2), current_fips VARCHAR, "
        "previous_county VARCHAR, previous_county_fips VARCHAR, merged_units VARCHAR, "
        "previous_merged_units VARCHAR, two_party_margin_pct DECIMAL(5,2), "
        "previous_two_party_margin_pct DECIMAL(5,2), two_party_swing DECIMAL(5,2), "
        "swing_note VARCHAR"
    ),
    "state_summary": (
        "year INTEGER, state VARCHAR, state_po VARCHAR, winner VARCHAR, "
        "winner_party VARCHAR, margin_pct DECIMAL(5,2), total_votes BIGINT, "
        "counties BIGINT, electoral_votes BIGINT, runner_up VARCHAR, margin_votes BIGINT"
    ),
    "medsl_county_returns": (
        "year INTEGER, state VARCHAR, state_po VARCHAR, county_name VARCHAR, "
        "county_fips INTEGER, office VARCHAR, candidate VARCHAR, party VARCHAR, "
        "candidatevotes BIGINT, totalvotes BIGINT, version INTEGER, mode VARCHAR"
    ),
}


def type_fault(column: str, kind: str) -> bool:
    if column.endswith("votes"):
        return kind != "BIGINT"
    if column.endswith(("pct", "swing")):
        return kind != "DECIMAL(5,2)"
    return kind in ("HUGEINT", "DOUBLE", "FLOAT")


@pytest.mark.parametrize("name", sorted(VIEW_TYPES))
def test_view_column_types(db, name):
    described = db.execute(f"DESCRIBE {name}").fetchall()
    assert ", ".join(f"{column} {kind}" for column, kind, *_ in described) == VIEW_TYPES[name]


def test_votes_are_bigint_and_percentages_decimal_everywhere(db):
    """No HUGEINT (float64 in pandas, DOUBLE in Parquet) and no binary float anywhere."""
    faults = [
        (name, column, kind)
        for name in TABLES + VIEWS
        for column, kind, *_ in db.execute(f"DESCRIBE {name}").fetchall()
        if type_fault(column, kind)
    ]
    assert faults == []


def test_no_negative_zero_anywhere(db):
    for name in VIEWS:
        for row in db.execute(f"SELECT * FROM {name}").fetchall():
            assert not any(str(value) in ("-0.0", "-0.00", "-0") for value in row), (name, row)


def test_votes_reach_pandas_as_integers(db):
    frame = db.execute("SELECT * FROM county_margins WHERE margin_note IS NULL").df()
    votes = ["republican_votes", "democratic_votes", "total_votes", "margin_votes"]
    assert {str(frame[column].dtype) for column in votes} == {"int64"}


# --- The views of the articles' own rows ----------------------------------------------------


def test_state_results(db, tables):
    expected = with_state(tables.state_results, tables).assign(pct=lambda f: f["pct"].map(printed))
    columns = [
        "year",
        "state",
        "state_po",
        "candidate",
        "party",
        "votes",
        "pct",
        "electoral_votes",
        "incumbent",
        "ballot_order",
        "legislative_votes",
    ]
    assert view(db, "state_results", columns) == rows(expected[columns])


def test_county_results(db, tables):
    summaries = tables.county_summaries[
        ["file", "county", "total_votes", "margin_votes", "margin_pct", "unit_type", "current_fips"]
    ]
    expected = with_state(tables.county_results.merge(summaries, on=["file", "county"]), tables)
    expected = expected.assign(
        pct=expected["pct"].map(printed), margin_pct=expected["margin_pct"].map(printed)
    )
    columns = [
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
        "margin_votes",
        "margin_pct",
        "column_order",
        "unit_type",
        "current_fips",
    ]
    assert view(db, "county_results", columns) == rows(expected[columns])
    assert len(expected) == 1026


def test_district_views_electors_and_predictions(db, tables):
    districts = with_state(tables.district_results, tables)
    districts = districts.assign(pct=districts["pct"].map(printed))
    columns = [
        "year",
        "state",
        "state_po",
        "district",
        "candidate",
        "pct",
        "district_label",
        "electoral_votes",
    ]
    assert view(db, "district_results", columns) == rows(districts[columns])
    columns = ["year", "state", "state_po", "district", "ordinal", "representative"]
    representatives = with_state(tables.district_representatives, tables)
    assert view(db, "district_representatives", columns) == rows(representatives[columns])
    columns = ["year", "state", "state_po", "ordinal", "elector", "candidate"]
    assert view(db, "electors", columns) == rows(with_state(tables.electors, tables)[columns])
    columns = ["year", "state", "state_po", "source", "rating"]
    assert view(db, "predictions", columns) == rows(with_state(tables.predictions, tables)[columns])


def test_state_summary(db, tables):
    results = tables.state_results.copy()
    results["order"] = list(
        zip(
            -results["votes"].fillna(-1),
            -results["legislative_votes"].fillna(-1),
            -results["electoral_votes"].fillna(-1),
            results["ballot_order"],
            strict=True,
        )
    )
    ranked = results.sort_values("order").groupby("file")
    winners, runners = ranked.nth(0).set_index("file"), ranked.nth(1).set_index("file")
    counted = tables.county_summaries.groupby("file").size()
    expected = []
    for election in tables.elections.itertuples():
        winner = winners.loc[election.file]
        runner = runners.loc[election.file] if election.file in runners.index else None
        lead = None
        if plain(winner["votes"]) is not None:
            lead = int(winner["votes"]) - (0 if runner is None else int(runner["votes"]))
        expected.append(
            (
                election.year,
                election.state,
                election.state_po,
                winner["candidate"],
                winner["party"],
                percent(lead, plain(election.total_votes)),
                plain(election.total_votes),
                int(counted.get(election.file, 0)),
                plain(election.electoral_votes),
                None if runner is None else runner["candidate"],
                lead,
            )
        )
    assert view(db, "state_summary") == sorted(expected, key=repr)
    assert db.execute(
        "SELECT margin_votes, margin_pct FROM state_summary WHERE year = 2008"
    ).fetchall() == [(3903, Decimal("0.13"))]  # McCain 1,445,814 − Obama 1,441,911


# --- Margins -------------------------------------------------------------------------------


def expected_margins(tables: ElectionTables) -> pd.DataFrame:
    """county_margins from the typed tables: family votes per unit, NULL with a reason."""
    results = tables.county_results.assign(family=tables.county_results["party"].map(family))
    named = pd.concat(
        [
            tables.state_results[["file", "party"]].assign(column=False),
            results[["file", "party"]].assign(column=True),
        ]
    ).assign(family=lambda f: f["party"].map(family))
    out = []
    for unit in tables.county_summaries.merge(tables.elections[["file", "state"]]).itertuples():
        parties = named[named["file"] == unit.file]
        votes = results[(results["file"] == unit.file) & (results["county"] == unit.county)]
        figures, note = {}, None
        for name in ("Republican", "Democratic"):
            of = parties[parties["family"] == name]
            if of.empty:
                note = note or f"no {name} candidate in this election"
            elif not of["column"].any():
                note = note or (f"no {name} column in the by-county table (its votes are in Other)")
            else:
                figures[name] = int(votes[votes["family"] == name]["votes"].sum())
        if len(figures) == 2 and note is None and unit.total_votes == 0:
            note = "no votes in the unit"
        republican, democratic = figures.get("Republican"), figures.get("Democratic")
        lead = None if len(figures) < 2 else republican - democratic
        out.append(
            {
                "year": unit.year,
                "state": unit.state,
                "state_po": unit.state_po,
                "county": unit.county,
                "county_fips": plain(unit.county_fips),
                "republican_votes": republican,
                "democratic_votes": democratic,
                "total_votes": int(unit.total_votes),
                "margin_pct": percent(lead, int(unit.total_votes)),
                "current_fips": plain(unit.current_fips),
                "unit_type": unit.unit_type,
                "margin_votes": lead,
                "two_party_margin_pct": None
                if lead is None
                else percent(lead, sum(figures.values())),
                "margin_note": note,
            }
        )
    return pd.DataFrame(out)


def test_county_margins(db, tables):
    expected = expected_margins(tables)
    assert view(db, "county_margins", list(expected.columns)) == rows(expected)
    assert db.execute(
        "SELECT county, republican_votes, democratic_votes, margin_pct, two_party_margin_pct "
        "FROM county_margins WHERE state_po = 'ND' AND county = 'Sioux'"
    ).fetchall() == [("Sioux", 310, 1050, Decimal("-52.86"), Decimal("-54.41"))]


def test_a_state_affiliate_gives_the_margins_of_its_national_party(tmp_path):
    """North Dakota's Democratic–NPL and Minnesota's Democratic–Farmer–Labor, in the by-county
    header and the results table, give the margins the plain label gives."""
    text = (VARIANTS / NORTH_DAKOTA).read_text(encoding="utf-8")
    margins = {}
    for label in ("Democratic–NPL", "Democratic–Farmer–Labor", "Democratic"):
        folder = tmp_path / label.replace("–", "-")
        (folder / "raw").mkdir(parents=True)
        (folder / "raw" / NORTH_DAKOTA).write_text(text.replace("Democratic–NPL", label))
        assert materialize_all(folder / "raw", folder / "w.duckdb").success
        with duckdb.connect(str(folder / "w.duckdb"), read_only=True) as connection:
            assert connection.execute(
                "SELECT DISTINCT party FROM county_results WHERE candidate = 'John Kerry'"
            ).fetchall() == [(label,)]
            margins[label] = connection.execute(
                "SELECT * EXCLUDE (state) FROM county_margins ORDER BY county"
            ).fetchall()
    assert margins["Democratic–NPL"] == margins["Democratic"]
    assert margins["Democratic–Farmer–Labor"] == margins["Democratic"]
    sioux = [row for row in margins["Democratic"] if row[2] == "Sioux"]
    # 310 − 1,050 of 1,400 votes: a Democratic lead, not a Republican landslide over "0"
    assert [row[3:8] for row in sioux] == [("38085", 310, 1050, 1400, Decimal("-52.86"))]


def test_no_candidate_of_a_family_is_null_with_a_reason(db):
    assert db.execute(
        "SELECT DISTINCT democratic_votes, margin_pct, margin_votes, two_party_margin_pct, "
        "margin_note FROM county_margins WHERE year = 1964"
    ).fetchall() == [(None, None, None, None, "no Democratic candidate in this election")]
    # the Republican votes are known: Goldwater's column
    assert db.execute(
        "SELECT republican_votes FROM county_margins WHERE year = 1964 AND county = 'Jefferson'"
    ).fetchall() == [(115000,)]
    assert db.execute(
        "SELECT DISTINCT previous_year, swing, two_party_swing, swing_note FROM county_swing "
        "WHERE state_po = 'AL'"
    ).fetchall() == [(1960, None, None, "1964: no Democratic candidate in this election")]


def expected_successor_margins(tables: ElectionTables) -> pd.DataFrame:
    margins = expected_margins(tables)
    margins = margins[margins["current_fips"].notna()]
    results = tables.county_results.merge(
        tables.county_summaries[["file", "county", "current_fips"]], on=["file", "county"]
    )
    results = results[(results["candidate"] != "Other") & results["current_fips"].notna()]
    results = results.assign(national=results["party"].map(national))
    held = margins[["state_po", "year"]].drop_duplicates().sort_values(["state_po", "year"])
    previous = {
        (row.state_po, row.year): None if i == 0 else held_years[i - 1]
        for state_po, group in held.groupby("state_po")
        for held_years in [list(group["year"])]
        for i, row in enumerate(group.itertuples())
    }
    out = []
    for (year, state_po, current), units in margins.groupby(["year", "state_po", "current_fips"]):
        units = units.sort_values("county")
        several = len(units) > 1
        republican = (
            None if units["republican_votes"].isna().any() else units["republican_votes"].sum()
        )
        democratic = (
            None if units["democratic_votes"].isna().any() else units["democratic_votes"].sum()
        )
        total = int(units["total_votes"].sum())
        lead = None if republican is None or democratic is None else int(republican - democratic)
        notes = set(units["margin_note"])
        unit_votes = results[
            (results["year"] == year)
            & (results["state_po"] == state_po)
            & (results["current_fips"] == current)
        ]
        by_party = unit_votes.groupby("national")["votes"].sum()
        by_party = by_party[by_party > 0]
        leaders = by_party[by_party == by_party.max()] if len(by_party) else by_party
        out.append(
            {
                "year": year,
                "state": units["state"].iloc[0],
                "state_po": state_po,
                "current_fips": current,
                "county": " + ".join(units["county"]),
                "county_fips": current if several else units["county_fips"].iloc[0],
                "merged_units": " + ".join(
                    f"{c} ({f or 'no code'})"
                    for c, f in zip(units["county"], units["county_fips"], strict=True)
                )
                if several
                else None,
                "republican_votes": None if republican is None else int(republican),
                "democratic_votes": None if democratic is None else int(democratic),
                "total_votes": total,
                "margin_votes": lead,
                "margin_pct": percent(lead, total),
                "two_party_margin_pct": None
                if lead is None
                else percent(lead, int(republican + democratic)),
                "margin_note": None if None in notes else min(notes),
                "winner_party": leaders.index[0] if len(leaders) == 1 else None,
                "previous_year": previous[(state_po, year)],
            }
        )
    return pd.DataFrame(out).astype({"previous_year": "Int64"})


def test_successor_margins(db, tables):
    expected = expected_successor_margins(tables)
    assert view(db, "successor_margins", list(expected.columns)) == rows(expected)
    assert db.execute(
        "SELECT year, county, county_fips, merged_units, republican_votes, democratic_votes, "
        "total_votes, margin_pct FROM successor_margins WHERE current_fips = '51019' "
        "ORDER BY year"
    ).fetchall() == [
        # 1988: Bedford 10,980 + 1,390 Republican, 5,120 + 1,010 Democratic, of 18,700
        (1988, "Bedford + Bedford City", "51019", "Bedford (51019) + Bedford City (51515)",
         12370, 6130, 18700, Decimal("33.37")),
        # 2004: 21,925 + 1,472 and 9,102 + 1,042, of 31,404 + 2,542 (MEDSL's two rows)
        (2004, "Bedford + Bedford City", "51019", "Bedford (51019) + Bedford City (51515)",
         23397, 10144, 33946, Decimal("39.04")),
    ]  # fmt: skip


# --- Swing -----------------------------------------------------------------------------------


def test_county_swing_has_one_row_per_unit_and_pair_of_years(db):
    assert (
        db.execute(
            "SELECT state_po, year, county_fips, count(*) FROM county_swing "
            "GROUP BY ALL HAVING count(*) > 1"
        ).fetchall()
        == []
    )
    assert (
        db.execute(
            "SELECT state_po, year, current_fips, count(*) FROM county_swing "
            "GROUP BY ALL HAVING count(*) > 1"
        ).fetchall()
        == []
    )
    assert db.execute(
        "SELECT county, previous_county, previous_year, previous_margin_pct, margin_pct, swing, "
        "merged_units FROM county_swing WHERE state_po = 'VA'  ORDER BY county"
    ).fetchall() == [
        # (13,253/33,946 − 6,240/18,700) × 100 = 39.0414… − 33.3689… = 5.6725…
        ("Bedford + Bedford City", "Bedford + Bedford City", 1988, Decimal("33.37"),
         Decimal("39.04"), Decimal("5.67"), "Bedford (51019) + Bedford City (51515)"),
        ("Fairfax", "Fairfax", 1988, Decimal("21.88"), Decimal("-7.30"), Decimal("-29.18"),
         None),
    ]  # fmt: skip


def test_county_swing(db, tables):
    margins = expected_successor_margins(tables)
    current = margins[margins["previous_year"].notna()]
    previous = margins.rename(columns=lambda c: f"previous_{c}")
    paired = current.merge(
        previous,
        left_on=["state_po", "previous_year", "current_fips"],
        right_on=["previous_state_po", "previous_year", "previous_current_fips"],
    )
    out = []
    for pair in paired.itertuples():
        swing = two_party_swing = None
        note = None
        if plain(pair.margin_note):
            note = f"{pair.year}: {pair.margin_note}"
        elif plain(pair.previous_margin_note):
            note = f"{pair.previous_year}: {pair.previous_margin_note}"
        else:
            now, before = int(pair.total_votes), int(pair.previous_total_votes)
            two, two_before = (
                int(pair.republican_votes + pair.democratic_votes),
                int(pair.previous_republican_votes + pair.previous_democratic_votes),
            )
            lead, lead_before = int(pair.margin_votes), int(pair.previous_margin_votes)
            swing = percent(Fraction(lead, now) - Fraction(lead_before, before))
            two_party_swing = percent(Fraction(lead, two) - Fraction(lead_before, two_before))
        out.append(
            (
                pair.state,
                pair.state_po,
                pair.county,
                pair.county_fips,
                pair.year,
                plain(pair.previous_year),
                plain(pair.margin_pct),
                plain(pair.previous_margin_pct),
                swing,
                pair.current_fips,
                pair.previous_county,
                pair.previous_county_fips,
                plain(pair.merged_units),
                plain(pair.previous_merged_units),
                plain(pair.two_party_margin_pct),
                plain(pair.previous_two_party_margin_pct),
                two_party_swing,
                note,
            )
        )
    assert view(db, "county_swing") == sorted(out, key=repr)
    assert len(out) == 115 + 4 + 2 + 6  # MO, SD, VA, AL


# --- Flips -----------------------------------------------------------------------------------


def expected_flips(tables: ElectionTables) -> pd.DataFrame:
    margins = expected_successor_margins(tables)
    previous = margins[["state_po", "year", "current_fips", "winner_party"]].rename(
        columns={"year": "previous_year", "winner_party": "from_party"}
    )
    computed = margins.merge(previous, on=["state_po", "previous_year", "current_fips"])
    computed = computed[
        computed["winner_party"].notna()
        & computed["from_party"].notna()
        & (computed["winner_party"] != computed["from_party"])
    ].rename(columns={"winner_party": "to_party"})
    listed = with_state(
        tables.county_flips.merge(
            tables.county_summaries[["file", "county", "current_fips"]], on=["file", "county"]
        ).merge(tables.elections[["file", "previous_year"]], on="file"),
        tables,
    )
    listed = listed.assign(
        from_national=listed["from_party"].map(national),
        to_national=listed["to_party"].map(national),
    )
    matched = listed.merge(
        computed,
        left_on=[
            "state_po",
            "year",
            "current_fips",
            "previous_year",
            "from_national",
            "to_national",
        ],
        right_on=["state_po", "year", "current_fips", "previous_year", "from_party", "to_party"],
        how="outer",
        suffixes=("", "_computed"),
        indicator=True,
    )
    source = matched["_merge"].map(
        {"left_only": "article", "right_only": "computed", "both": "both"}
    )
    for column in ("state", "county", "county_fips", "from_party", "to_party"):
        matched[column] = matched[column].fillna(matched[f"{column}_computed"])
    return matched.assign(source=source)[
        [
            "year",
            "state",
            "state_po",
            "county",
            "county_fips",
            "from_party",
            "to_party",
            "largest_city",
            "current_fips",
            "source",
            "previous_year",
        ]
    ]


def test_county_flips(db, tables):
    expected = expected_flips(tables)
    assert view(db, "county_flips") == rows(expected)
    assert db.execute(
        "SELECT county, from_party, to_party, source FROM county_flips "
        "WHERE year = 2008 ORDER BY source, county"
    ).fetchall() == [
        ("St. Louis City", "Republican", "Democratic", "article"),
        ("Boone", "Republican", "Democratic", "both"),
        ("Buchanan", "Republican", "Democratic", "both"),
        ("Jefferson", "Republican", "Democratic", "both"),
        ("Iron", "Republican", "Democratic", "computed"),
        ("Washington", "Republican", "Democratic", "computed"),
    ]
    # the seed's ten listed flips: 2000 is not loaded, so nothing is computed for 2004
    assert db.execute(
        "SELECT source, count(*) FROM county_flips WHERE year = 2004 AND state_po = 'MO' "
        "GROUP BY ALL"
    ).fetchall() == [("article", 10)]
    # Alabama 1960 → 1964: every county from the Democratic to the Republican winner
    assert db.execute(
        "SELECT count(*), any_value(from_party), any_value(to_party), any_value(source) "
        "FROM county_flips WHERE state_po = 'AL'"
    ).fetchall() == [(6, "Democratic", "Republican", "computed")]


def test_disagreements_between_list_and_computation_are_warnings(db, tables):
    findings = evaluate(tables)
    found = findings[findings["check"] == "flipped_counties_match_computed_flips"]
    assert set(found["severity"]) == {WARN}
    assert found[["file", "line", "column", "published", "expected"]].values.tolist() == [
        [
            MISSOURI_2008,
            100,
            "County",
            "Iron",
            "flipped from Republican (2004) to Democratic: missing from the article's list "
            "of flipped counties",
        ],
        [
            MISSOURI_2008,
            164,
            "County",
            "Washington",
            "flipped from Republican (2004) to Democratic: missing from the article's list "
            "of flipped counties",
        ],
        [
            MISSOURI_2008,
            175,
            "Flipped county",
            "St. Louis City: Republican → Democratic",
            "Democratic carried it in 2004, Democratic in 2008",
        ],
    ]
    # The same counties are the view's unmatched rows of the elections compared.
    assert db.execute(
        "SELECT county, source FROM county_flips f WHERE source <> 'both' AND EXISTS ("
        "SELECT 1 FROM county_flips b WHERE b.year = f.year AND b.state_po = f.state_po "
        "AND b.source = 'both') ORDER BY county"
    ).fetchall() == [
        ("Iron", "computed"),
        ("St. Louis City", "article"),
        ("Washington", "computed"),
    ]
    # recorded with the load
    assert db.execute(
        "SELECT article, severity, failure_count FROM dq_check_results "
        "WHERE check_name = 'flipped_counties_match_computed_flips' AND status = 'failed'"
    ).fetchall() == [(MISSOURI_2008, WARN, 3)]


# --- The MEDSL export ------------------------------------------------------------------------

MEDSL_ELECTIONS = {
    (2000, "AK"),
    (2000, "LA"),
    (2004, "MO"),
    (2008, "MO"),
    (2004, "VA"),
    (2012, "SD"),
    (2016, "SD"),
}
# The fixture articles that hold a few units of their state (see docs/medsl-export.md).
EXCERPTS = {(2000, "LA"), (2004, "VA"), (2012, "SD"), (2016, "SD")}
KEY = ["year", "state_po", "county_fips", "candidate"]


@pytest.fixture(scope="module")
def exported(warehouse, tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("views_export")
    export_warehouse(warehouse, folder)
    return pd.read_csv(folder / MEDSL_CSV, dtype=str, keep_default_na=False)


def test_medsl_export_equals_medsl_but_for_the_named_differences(exported):
    """Cell by cell against MEDSL's rows of the fixtures' elections; every difference is
    one of those named in docs/medsl-export.md, and each named one occurs."""
    theirs = pd.read_csv(REFERENCE_CSV, dtype=str, keep_default_na=False)
    assert list(exported.columns) == list(theirs.columns)
    election = list(zip(exported["year"].astype(int), exported["state_po"], strict=True))
    ours = exported[[key in MEDSL_ELECTIONS for key in election]]
    compared = ours.merge(theirs, on=KEY, how="outer", suffixes=("", "_medsl"), indicator=True)
    compared = compared.astype({"_merge": "str"}).fillna("")
    columns = [c for c in theirs.columns if c not in KEY]
    differences: dict[str, int] = {}

    def allowed(row, column: str | None) -> str | None:
        key = (int(row["year"]), row["state_po"])
        name = row["county_name"] or row["county_name_medsl"]
        if column == "version":
            return "version"
        if key == (2000, "AK"):
            return "alaska_by_borough"
        if row["state_po"] == "MO" and (name == "JACKSON" or name == "KANSAS CITY"):
            return "kansas_city_in_jackson"
        if row["_merge"] == "right_only" and key in EXCERPTS:
            return "fixture_excerpt"
        return None

    for _, row in compared.iterrows():
        if row["_merge"] != "both":
            name = allowed(row, None)
            assert name is not None, dict(row)
            differences[name] = differences.get(name, 0) + 1
            continue
        for column in columns:
            if row[column] != row[f"{column}_medsl"]:
                name = allowed(row, column)
                assert name is not None, (column, dict(row))
                differences[name] = differences.get(name, 0) + 1
    assert differences == {
        "version": 782,  # every row both hold
        # Jackson's 2 counts × 3 candidates × 2 years, and MEDSL's 3 × 2 Kansas City rows
        "kansas_city_in_jackson": 18,
        # 3 cells of the 4 rows where Anchorage (2020) meets DISTRICT 20, our 31 other
        # borough rows and MEDSL's 160 other district rows
        "alaska_by_borough": 203,
        # MEDSL's rows of the units the fixtures leave out: LA 228, VA 366, SD 186 + 186
        "fixture_excerpt": 966,
    }
    # Jackson is MEDSL's Jackson plus MEDSL's Kansas City, to the vote.
    for year in ("2004", "2008"):
        medsl = theirs[(theirs["year"] == year) & (theirs["state_po"] == "MO")]
        ours_jackson = ours[(ours["year"] == year) & (ours["county_name"] == "JACKSON")]
        for candidate, votes in zip(
            ours_jackson["candidate"], ours_jackson["candidatevotes"], strict=True
        ):
            parts = medsl[
                medsl["county_name"].isin(["JACKSON", "KANSAS CITY"])
                & (medsl["candidate"] == candidate)
            ]
            assert int(votes) == parts["candidatevotes"].astype(int).sum()
    both = compared[compared["_merge"] == "both"]
    equal = both[
        (both[[c for c in columns if c != "version"]].to_numpy()
         == both[[f"{c}_medsl" for c in columns if c != "version"]].to_numpy()).all(axis=1)
    ]  # fmt: skip
    # the 782 rows both hold, less Anchorage's 4 (DISTRICT 20's code) and Jackson's 6
    assert len(equal) == 772


def test_medsl_names_unit_by_unit(exported):
    names = exported.set_index(["year", "county_fips"])["county_name"].to_dict()
    assert names[("2004", "51019")] == names[("2004", "51515")] == "BEDFORD"
    assert names[("2004", "29189")] == "ST. LOUIS COUNTY"
    assert names[("2004", "29510")] == "ST. LOUIS CITY"
    assert names[("2000", "22059")] == "LA SALLE"
    assert names[("2016", "11001")] == "DISTRICT OF COLUMBIA"
    assert names[("2016", "2001")] == "DISTRICT 1"
    district_99 = exported[(exported["county_fips"] == "2099")]
    assert district_99[
        ["year", "candidatevotes", "totalvotes"]
    ].drop_duplicates().values.tolist() == [["2016", "0", "0"]]
    assert set(exported["mode"]) == {"TOTAL"}
    assert exported["version"].str.fullmatch(r"\d{8}").all()
    north_dakota = exported[exported["state_po"] == "ND"]
    assert set(north_dakota["party"]) == {"REPUBLICAN", "DEMOCRAT", "OTHER"}
    assert not exported.apply(lambda c: c.str.startswith("-0.0")).any().any()


def test_medsl_county_returns(db, tables):
    """Beyond MEDSL's elections: the view from the typed tables and the county dimension."""
    census = dict(db.execute("SELECT county_fips, name FROM dim_county").fetchall())
    summaries = tables.county_summaries.merge(tables.elections[["file", "state"]], on="file")
    units = {}
    for unit in summaries.itertuples():
        fips = plain(unit.county_fips)
        if unit.unit_type == "ward" and unit.state_po == "DC":
            name, code = "DISTRICT OF COLUMBIA", 11001
        elif unit.unit_type == "state house district" and unit.state_po == "AK":
            number = int("".join(ch for ch in unit.county if ch.isdigit()))
            name, code = f"DISTRICT {number}", 2000 + number
        elif fips is not None:
            plain_name = unicodedata.normalize("NFKD", census[fips]).encode("ascii", "ignore")
            name, code = MEDSL_SPELLINGS.get(fips, plain_name.decode().upper()), int(fips)
        else:
            name, code = unit.county.upper(), None
        units[(unit.file, unit.county)] = (name, code)
    totals: dict[tuple, int] = {}
    for unit in summaries.itertuples():
        key = (unit.file, *units[(unit.file, unit.county)])
        totals[key] = totals.get(key, 0) + int(unit.total_votes)
    votes: dict[tuple, int] = {}
    for result in tables.county_results.itertuples():
        party = {"Republican": "REPUBLICAN", "Democratic": "DEMOCRAT"}.get(
            family(result.party),
            result.party.upper() if result.party in ("Green", "Libertarian") else "OTHER",
        )
        key = (result.file, *units[(result.file, result.county)], result.candidate.upper(), party)
        votes[key] = votes.get(key, 0) + int(result.votes)
    elections = tables.elections.set_index("file")
    expected = [
        (
            int(elections.loc[file, "year"]),
            elections.loc[file, "state"].upper(),
            elections.loc[file, "state_po"],
            name,
            code,
            "US PRESIDENT",
            candidate,
            party,
            count,
            totals[(file, name, code)],
            "TOTAL",
        )
        for (file, name, code, candidate, party), count in votes.items()
    ]
    alaska = elections.loc[elections["state_po"] == "AK"]
    for file in alaska.index[alaska["year"] == 2016]:
        parties = {(c, p) for (f, _, _, c, p) in votes if f == file}
        expected += [
            (2016, "ALASKA", "AK", "DISTRICT 99", 2099, "US PRESIDENT", c, p, 0, 0, "TOTAL")
            for c, p in parties
        ]
    assert view(db, "medsl_county_returns", ["* EXCLUDE (version)"]) == sorted(expected, key=repr)
