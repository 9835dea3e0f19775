"""The family beyond the seed: fixture articles for each layout variant (tests/fixtures,
figures from REFERENCE_CSV where real), FIPS codes, several articles of one state, cross-election
views, and the reconciliation with an independent source."""

from decimal import Decimal as D
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.checks.rules import ERROR, evaluate, judge
from pipeline.tables.extract import extract_articles
from pipeline.tables.reference import read_county_returns
from pipeline.text.source import read_source
from tests.conftest import FIXTURES, RAW, REFERENCE_CSV, SEED, materialize_all

LOUISIANA = "2000_United_States_presidential_election_in_Louisiana.txt"
VIRGINIA = "2004_United_States_presidential_election_in_Virginia.txt"
ALASKA = "2000_United_States_presidential_election_in_Alaska.txt"
MISSOURI_2008 = "2008_United_States_presidential_election_in_Missouri.txt"


@pytest.fixture(scope="module")
def family():
    paths = [*sorted(FIXTURES.glob("*.txt")), SEED]
    sources = pd.DataFrame([read_source(path) for path in paths])
    tables, unreadable = extract_articles(sources)
    assert unreadable == []
    return tables


def of(frame: pd.DataFrame, file: str, **where) -> pd.DataFrame:
    found = frame[frame["file"] == file]
    for column, value in where.items():
        found = found[found[column] == value]
    return found


def test_fixtures_pass_every_error_check(family):
    findings = evaluate(family)
    assert findings[findings["severity"] == ERROR].empty
    assert set(findings["check"]) == {
        "county_percentages_rounding_drift",
        "predictions_have_ratings",
        "infobox_figures_are_clean",
    }
    # A broken infobox figure loads as NULL, and says so.
    broken = findings[findings["check"] == "infobox_figures_are_clean"]
    assert sorted(broken[["file", "published"]].itertuples(index=False, name=None)) == [
        (LOUISIANA, "Percentage1: '"),
        (VIRGINIA, "Percentage1: '"),
    ]


def test_fixture_encodings_are_really_there():
    data = (FIXTURES / LOUISIANA).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    text = data.decode("utf-8-sig")
    assert "\u2212" in text and "\u00a0" in text and "[a]" in text and "[1]" in text
    assert "Total votes cast" in text and "- Percentage1: '" in text
    assert "\u2013" in (FIXTURES / ALASKA).read_text()


def test_parishes_with_a_third_column_and_unicode_minus(family):
    columns = of(family.county_results, LOUISIANA, county="Orleans")
    assert columns[["candidate", "party", "votes"]].values.tolist() == [
        ["George W. Bush", "Republican", 39404],
        ["Al Gore", "Democratic", 137630],
        ["Ralph Nader", "Green", 3025],
        ["Other", "Other", 1162],
    ]
    orleans = of(family.county_summaries, LOUISIANA, county="Orleans").iloc[0]
    assert (orleans["county_fips"], orleans["margin_votes"], orleans["margin_pct"]) == (
        "22071",
        -98226,
        -54.20,
    )
    assert orleans["total_votes"] == 181221  # the 'Total votes cast' column
    # non-breaking space, footnote on a number, LaSalle spelled without its space
    assert of(family.county_summaries, LOUISIANA, county="Caddo")["county_fips"].tolist() == [
        "22017"
    ]
    jefferson = of(family.county_results, LOUISIANA, county="Jefferson", candidate="George W. Bush")
    assert jefferson["votes"].tolist() == [105003]
    assert of(family.county_summaries, LOUISIANA, county="LaSalle")["county_fips"].tolist() == [
        "22059"
    ]
    totals = of(family.county_table_totals, LOUISIANA).set_index("column")["votes"]
    assert (totals["Total"], totals["Margin"]) == (732558, -14429)


def test_broken_and_missing_infobox_values(family):
    nominees = of(family.nominees, LOUISIANA)
    assert nominees["pct"].isna().all()  # "Percentage1: '" and no Percentage2 line
    assert nominees["popular_votes"].tolist() == [351522, 365951]
    election = of(family.elections, LOUISIANA).iloc[0]
    assert (election["turnout_pct"], pd.isna(election["turnout_basis"])) == (66.56, True)
    virginia = of(family.elections, VIRGINIA).iloc[0]
    assert (virginia["turnout_pct"], virginia["turnout_basis"]) == (70.1, "registered voters")


def test_independent_cities_beside_counties(family):
    fips = of(family.county_summaries, VIRGINIA).set_index("county")["county_fips"].to_dict()
    assert fips == {
        "Alexandria": "51510",
        "Bedford": "51019",
        "Bedford City": "51515",
        "Fairfax": "51059",
        "Fairfax City": "51600",
        "Franklin": "51067",
        "Franklin City": "51620",
        "James City": "51095",
        "Richmond": "51760",
        "Richmond County": "51159",
        "Roanoke": "51161",
        "Roanoke City": "51770",
    }
    richmond_city = of(family.county_results, VIRGINIA, county="Richmond", candidate="John Kerry")
    assert richmond_city["votes"].tolist() == [52167]


def test_missing_sections_give_empty_tables(family):
    for table in ("electors", "district_results", "district_representatives", "county_flips"):
        assert of(getattr(family, table), VIRGINIA).empty, table


def test_boroughs_four_columns_at_large_and_caucuses(family):
    columns = of(family.county_results, ALASKA, county="Anchorage")
    assert columns["candidate"].tolist() == [
        "George W. Bush",
        "Al Gore",
        "Ralph Nader",
        "Pat Buchanan",
        "Other",
    ]
    assert columns["votes"].tolist() == [70000, 38000, 9000, 1200, 800]
    fips = of(family.county_summaries, ALASKA).set_index("county")["county_fips"].to_dict()
    assert fips == {
        "Anchorage": "02020",
        "Bethel Census Area": "02050",
        "Fairbanks North Star Borough": "02090",
        "Juneau": "02110",
        "Kenai Peninsula Borough": "02122",
        "Valdez-Cordova Census Area": "02261",
        "Wade Hampton Census Area": "02270",
    }
    bethel = of(family.county_summaries, ALASKA, county="Bethel Census Area").iloc[0]
    assert (bethel["margin_votes"], bethel["margin_pct"]) == (-1300, -22.03)  # en dash
    districts = of(family.district_results, ALASKA)
    assert districts[["district", "district_label", "candidate", "pct"]].values.tolist() == [
        [1, "At-large", "George W. Bush", 59.0],
        [1, "At-large", "Al Gore", 28.0],
    ]
    assert of(family.district_representatives, ALASKA)["representative"].tolist() == ["Don Young"]
    nader = of(family.nominees, ALASKA, ordinal=3).iloc[0]
    assert (nader["candidate"], nader["popular_votes"], nader["pct"]) == (
        "Ralph Nader",
        16200,
        7.96,
    )
    assert "Caucuses" in of(family.sections, ALASKA)["section"].tolist()


def test_renamed_county_keeps_its_code_of_the_time(family):
    fips = family.county_summaries.set_index(["year", "state_po", "county"])["county_fips"]
    assert fips[(2012, "SD", "Shannon")] == "46113"
    assert fips[(2016, "SD", "Oglala Lakota")] == "46102"


@pytest.fixture(scope="module")
def family_warehouse(tmp_path_factory):
    raw = tmp_path_factory.mktemp("family_raw")
    for path in [*FIXTURES.glob("*.txt"), *RAW.glob("*.txt")]:
        (raw / path.name).write_bytes(path.read_bytes())
    warehouse = raw.parent / "family.duckdb"
    result = materialize_all(raw, warehouse, reference=REFERENCE_CSV)
    assert result.success
    return warehouse


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as db:
        return db.execute(sql).fetchall()


def test_many_articles_load_side_by_side(family_warehouse):
    assert query(
        family_warehouse,
        "SELECT state_po, year FROM dim_election JOIN dim_state USING (state_fips) ORDER BY ALL",
    ) == [
        ("AK", 2000),
        ("LA", 2000),
        ("MO", 2004),
        ("MO", 2008),
        ("SD", 2012),
        ("SD", 2016),
        ("VA", 2004),
    ]
    assert query(
        family_warehouse, "SELECT count(*) FROM county_results WHERE county_fips IS NULL"
    ) == [(0,)]


def test_state_summary(family_warehouse):
    assert query(
        family_warehouse,
        "SELECT winner, winner_party, margin_pct, total_votes, counties, electoral_votes "
        "FROM state_summary WHERE state_po = 'MO' ORDER BY year",
    ) == [
        ("George W. Bush", "Republican", D("7.20"), 2731364, 115, 11),
        ("John McCain", "Republican", D("0.13"), 2925205, 115, 11),
    ]


def test_county_swing_joins_on_fips_across_elections_and_renames(family_warehouse):
    jackson = query(
        family_warehouse,
        "SELECT county_fips, year, previous_year, margin_pct, previous_margin_pct, swing "
        "FROM county_swing WHERE state_po = 'MO' AND county = 'Jackson'",
    )
    # 2004: (130,500 - 183,654) / 315,993; 2008: (124,687 - 210,824) / 339,266
    assert jackson == [("29095", 2008, 2004, D("-25.39"), D("-16.82"), D("-8.57"))]
    assert query(family_warehouse, "SELECT count(*) FROM county_swing WHERE state_po = 'MO'") == [
        (115,)
    ]
    oglala = query(
        family_warehouse,
        "SELECT county, county_fips, previous_margin_pct, margin_pct FROM county_swing "
        "WHERE state_po = 'SD' AND county = 'Oglala Lakota'",
    )
    # 2012 Shannon (46113): (188 - 2,937) / 3,145; 2016 Oglala Lakota (46102): (241 - 2,510) / 2,905
    assert oglala == [("Oglala Lakota", "46102", D("-87.41"), D("-78.11"))]


def test_reconciliation_reports_jackson_county_and_nothing_else(family_warehouse):
    details = query(
        family_warehouse,
        'SELECT article, d.line, d."column", d.published, d.expected FROM dq_check_results, '
        "unnest(details) AS t(d) WHERE check_name = 'counties_match_reference' ORDER BY ALL",
    )
    kansas_city = "which the reference reports apart and the article counts inside Jackson (29095)"
    assert details == [
        (
            "2004_United_States_presidential_election_in_Missouri.txt",
            136,
            "Democratic #",
            "183,654",
            f"79,029 in the reference + 104,625 of KANSAS CITY (2938000), {kansas_city}",
        ),
        (
            "2004_United_States_presidential_election_in_Missouri.txt",
            136,
            "Republican #",
            "130,500",
            f"94,439 in the reference + 36,061 of KANSAS CITY (2938000), {kansas_city}",
        ),
        (
            "2004_United_States_presidential_election_in_Missouri.txt",
            136,
            "Total",
            "315,993",
            f"174,570 in the reference + 141,423 of KANSAS CITY (2938000), {kansas_city}",
        ),
        (
            MISSOURI_2008,
            101,
            "Democratic #",
            "210,824",
            f"90,722 in the reference + 120,102 of KANSAS CITY (2938000), {kansas_city}",
        ),
        (
            MISSOURI_2008,
            101,
            "Republican #",
            "124,687",
            f"92,833 in the reference + 31,854 of KANSAS CITY (2938000), {kansas_city}",
        ),
        (
            MISSOURI_2008,
            101,
            "Total",
            "339,266",
            f"186,047 in the reference + 153,219 of KANSAS CITY (2938000), {kansas_city}",
        ),
    ]


def test_reconciliation_lists_a_real_difference(family, seed_text):
    returns = read_county_returns(REFERENCE_CSV, [(2004, "MO")])
    edited = returns.copy()
    adair = (edited["fips"] == "29001") & (edited["party"] == "REPUBLICAN")
    edited.loc[adair, "votes"] = 6368
    seed_only = family.select([SEED.name])
    found = evaluate(seed_only, reference=edited)
    cells = found[(found["check"] == "counties_match_reference") & (found["line"] == 89)]
    assert cells[["column", "published", "expected"]].values.tolist() == [
        ["Republican #", "6,367", "6,368 in the reference"],
        ["Total", "11,404", "11,405 in the reference"],
    ]


def test_a_reference_without_the_group_s_states_compares_nothing(family):
    # A load passes each group of states the reference returns of its states: none for most.
    returns = read_county_returns(REFERENCE_CSV, [(2004, "MO")])
    none_here = returns[returns["state_po"] == "WY"].reset_index(drop=True)
    seed_only = family.select([SEED.name])
    found = evaluate(seed_only, reference=none_here)
    assert found[found["check"] == "counties_match_reference"].empty
    verdicts = judge(seed_only, [SEED.name], found, none_here)
    compared = verdicts[verdicts["check_name"] == "counties_match_reference"]
    assert compared[["status", "reason"]].values.tolist() == [
        ["skipped", "the reference has no returns of this election"]
    ]


def test_alaska_districts_of_the_reference_are_not_counties(family):
    returns = read_county_returns(REFERENCE_CSV, [(2000, "AK")])
    assert (returns["name"].str.startswith("DISTRICT")).any()
    found = evaluate(family.select([ALASKA]), reference=returns)
    assert found[found["check"] == "counties_match_reference"].empty
