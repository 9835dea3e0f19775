"""The family's exceptions (tests/fixtures/variants, see its README): split electoral votes,
faithless and unpledged electors, a legislature's choice, wards and state house districts,
three major candidates, renamed and vanished counties. Every figure asserted is the
fixture's own."""

from decimal import Decimal as D
from hashlib import sha256
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from benchmarks.corpus import Candidate, ElectionSpec, render_article, synthetic_spec
from pipeline.checks.rules import ERROR, INFO, WARN, evaluate, refused_files
from pipeline.tables.extract import extract_articles
from pipeline.tables.reference import Resolution, all_states, resolve_counties
from pipeline.text.source import read_source
from pipeline.warehouse.maps import MARGINS
from tests.conftest import FIXTURES, SEED, edit, findings_of, materialize_all

VARIANTS = FIXTURES / "variants"
MAINE = "2016_United_States_presidential_election_in_Maine.txt"
MINNESOTA = "2004_United_States_presidential_election_in_Minnesota.txt"
ALABAMA = "1960_United_States_presidential_election_in_Alabama.txt"
COLORADO = "1876_United_States_presidential_election_in_Colorado.txt"
DC = "2016_United_States_presidential_election_in_the_District_of_Columbia.txt"
ALASKA = "2016_United_States_presidential_election_in_Alaska.txt"
NEVADA = "1968_United_States_presidential_election_in_Nevada.txt"
FLORIDA = "1992_United_States_presidential_election_in_Florida.txt"
VIRGINIA = "1988_United_States_presidential_election_in_Virginia.txt"


def text_of(name: str) -> str:
    return (VARIANTS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def variants():
    paths = sorted(VARIANTS.glob("*.txt"))
    tables, unreadable = extract_articles(pd.DataFrame([read_source(path) for path in paths]))
    assert unreadable == []
    return tables


def of(frame: pd.DataFrame, file: str, **where) -> pd.DataFrame:
    found = frame[frame["file"] == file]
    for column, value in where.items():
        found = found[found[column] == value]
    return found


def electoral_votes(tables, file: str) -> dict[str, int]:
    results = of(tables.state_results, file)
    return dict(zip(results["candidate"], results["electoral_votes"].astype(int), strict=True))


def test_every_variant_loads_and_warns_only_of_the_leaked_footnote(variants):
    findings = evaluate(variants)
    assert findings[findings["severity"] == ERROR].empty
    assert findings[
        ["check", "severity", "file", "line", "column", "published"]
    ].values.tolist() == [
        [
            "infobox_figures_are_clean",
            WARN,
            MINNESOTA,
            14,
            "Infobox",
            "Electoral Vote1: 9) instead of Kerry",
        ]
    ]


# --- Electoral votes ---------------------------------------------------------------------


def test_split_state_gives_electoral_votes_to_two_candidates(variants):
    assert electoral_votes(variants, MAINE) == {
        "Hillary Clinton": 3,
        "Donald Trump": 1,
        "Gary Johnson": 0,
        "Jill Stein": 0,
        "Write-ins": 0,
    }
    assert of(variants.elections, MAINE)["electoral_votes"].tolist() == [4]
    districts = of(variants.district_results, MAINE)
    assert districts[["district", "candidate", "pct", "electoral_votes"]].values.tolist() == [
        [1, "Hillary Clinton", 54.0, 1],
        [1, "Donald Trump", 39.0, 0],
        [2, "Hillary Clinton", 41.0, 0],
        [2, "Donald Trump", 51.0, 1],
    ]
    electors = of(variants.electors, MAINE)
    assert electors["candidate"].tolist() == ["Hillary Clinton"] * 3 + ["Donald Trump"]
    nominees = of(variants.nominees, MAINE)
    assert nominees["electoral_votes"].tolist() == [3, 1, 0]


def test_faithless_elector_counts_for_the_candidate_it_voted_for(variants):
    assert electoral_votes(variants, MINNESOTA) == {
        "John Kerry": 9,
        "George W. Bush": 0,
        "Ralph Nader": 0,
        "Michael Badnarik": 0,
        "David Cobb": 0,
        "Michael Peroutka": 0,
        "Other candidates": 0,
        "John Edwards": 1,
    }
    edwards = of(variants.state_results, MINNESOTA, candidate="John Edwards").iloc[0]
    assert (edwards["votes"], edwards["pct"], edwards["party"]) == (
        0,
        0.0,
        "Democratic–Farmer–Labor",
    )
    election = of(variants.elections, MINNESOTA).iloc[0]
    assert (election["total_votes"], election["electoral_votes"]) == (2828387, 10)
    # the article does not say which elector voted for Edwards
    electors = of(variants.electors, MINNESOTA)
    assert (len(electors), electors["candidate"].isna().all()) == (10, True)
    kerry = of(variants.nominees, MINNESOTA, ordinal=1).iloc[0]
    assert (kerry["electoral_votes"], kerry["popular_votes"], kerry["leaked_text"]) == (
        9,
        1445014,
        "Electoral Vote1: 9) instead of Kerry",
    )


def test_unpledged_and_pledged_electors_of_one_party_are_two_candidates(variants):
    results = of(variants.state_results, ALABAMA)
    assert results[["candidate", "party", "votes", "pct", "electoral_votes"]].values.tolist()[
        :3
    ] == [
        ["Harry F. Byrd", "Democratic", 324050, 36.47, 6],
        ["John F. Kennedy", "Democratic", 318303, 35.82, 5],
        ["Richard Nixon", "Republican", 237981, 26.78, 0],
    ]
    electors = of(variants.electors, ALABAMA)
    assert electors[["elector", "candidate"]].values.tolist()[:2] == [
        ["Frank M. Dixon", "Harry F. Byrd"],
        ["C. G. Allen", "John F. Kennedy"],
    ]
    assert electors["candidate"].value_counts().to_dict() == {
        "Harry F. Byrd": 6,
        "John F. Kennedy": 5,
    }
    jefferson = of(variants.county_results, ALABAMA, county="Jefferson")
    assert jefferson[["candidate", "party", "votes"]].values.tolist() == [
        ["Harry F. Byrd", "Democratic", 56108],
        ["John F. Kennedy", "Democratic", 54790],
        ["Richard Nixon", "Republican", 64183],
        ["Other", "Other", 1880],
    ]


def test_electors_naming_the_wrong_candidates_are_refused():
    text = text_of(ALABAMA).replace(
        "3. Elector Three (Harry F. Byrd)", "3. Elector Three (John F. Kennedy)"
    )
    findings = findings_of(text, ALABAMA)
    found = findings[findings["check"] == "electors_match_candidates"]
    assert found[["line", "column", "published", "expected"]].values.tolist() == [
        [69, "Electors of Harry F. Byrd", "5", "6"],
        [73, "Electors of John F. Kennedy", "6", "5"],
    ]
    assert refused_files(findings) == [ALABAMA]


def test_a_district_elector_beyond_the_statewide_votes_is_refused():
    text = edit(text_of(MAINE), "| 1 | 54% | 39% |", "| Clinton |", "| Trump |")
    findings = findings_of(text, MAINE)
    found = findings[findings["check"] == "district_electoral_votes_within_statewide"]
    assert found[["line", "column", "published", "expected"]].values.tolist() == [
        [67, "Electoral vote of Donald Trump (districts)", "2", "at most 1"]
    ]
    assert refused_files(findings) == [MAINE]
    text = edit(text_of(MAINE), "| 2 | 41% | 51% |", "| Trump |", "| Nader |")
    readable = findings_of(text, MAINE).query("check == 'articles_are_readable'").iloc[0]
    assert readable["expected"] == (
        "column 'Electoral vote': 'Nader' names no candidate of the statewide results table"
    )


def test_electoral_votes_must_sum_to_the_state_total():
    text = edit(
        text_of(MINNESOTA), "| | Democratic–Farmer–Labor Party | John Edwards |", "| 1 |", "| 2 |"
    )
    found = findings_of(text, MINNESOTA).query("check == 'electoral_votes_sum_to_total'")
    assert found[["line", "column", "published", "expected"]].values.tolist() == [
        [47, "Electoral votes (sum)", "11", "10"]
    ]


def test_flips_to_a_state_affiliate_compare_as_its_national_party():
    """The list says Democratic–Farmer–Labor; the by-county column says Democratic."""
    text = text_of(MINNESOTA)
    assert findings_of(text, MINNESOTA).query("check == 'flipped_counties_won_by_new_party'").empty
    wrong = text.replace("to Democratic–Farmer–Labor====", "to Republican====")
    found = findings_of(wrong, MINNESOTA).query("check == 'flipped_counties_won_by_new_party'")
    assert found[["column", "published", "expected"]].values.tolist() == [
        ["Winner", "Democratic", "Republican"]
    ]


# --- No popular vote -----------------------------------------------------------------------


def test_legislature_choice_loads_without_popular_votes(variants):
    results = of(variants.state_results, COLORADO)
    assert results[
        ["candidate", "party", "legislative_votes", "pct", "electoral_votes"]
    ].values.tolist() == [
        ["Rutherford B. Hayes", "Republican", 50, 67.57, 3],
        ["Samuel J. Tilden", "Democratic", 24, 32.43, 0],
    ]
    assert results["votes"].isna().all()
    election = of(variants.elections, COLORADO).iloc[0]
    assert pd.isna(election["total_votes"])
    assert (election["legislative_votes"], election["electoral_votes"]) == (74, 3)
    for table in ("county_results", "county_summaries", "county_table_totals"):
        assert of(getattr(variants, table), COLORADO).empty, table
    assert of(variants.nominees, COLORADO)["popular_votes"].isna().all()


def test_legislative_votes_must_sum_to_the_total():
    text = edit(text_of(COLORADO), "| Total | 74 |", "| 74 |", "| 75 |")
    found = findings_of(text, COLORADO).query("check == 'state_votes_sum_to_total'")
    assert found[["column", "published", "expected"]].values.tolist() == [
        ["Totals: Legislative vote", "75", "74"]
    ]


# --- Reporting units -----------------------------------------------------------------------


def test_wards_and_state_house_districts_carry_no_fips_and_no_warning(variants):
    dc = of(variants.county_summaries, DC)
    assert dc["county"].tolist() == [f"Ward {n}" for n in range(1, 9)]
    assert set(dc["unit_type"]) == {"ward"}
    assert dc["county_fips"].isna().all() and dc["current_fips"].isna().all()
    assert of(variants.county_results, DC, county="Ward 3")["votes"].tolist() == [37845, 3548, 2877]
    alaska = of(variants.county_summaries, ALASKA)
    assert alaska[["county", "unit_type", "total_votes"]].values.tolist()[:2] == [
        ["District 1", "state house district", 7016],
        ["District 6", "state house district", 8830],
    ]
    assert alaska["county_fips"].isna().all()
    assert evaluate(variants).query("check == 'county_names_resolve_to_fips'").empty


def test_unit_types_of_county_equivalents(variants):
    virginia = of(variants.county_summaries, VIRGINIA).set_index("county")["unit_type"]
    assert virginia.to_dict() == {
        "Alleghany": "county",
        "Bedford": "county",
        "Bedford City": "independent city",
        "Clifton Forge": "independent city",
        "Halifax": "county",
        "Norfolk": "independent city",
        "South Boston": "independent city",
        "Fairfax": "county",
    }


def test_three_major_candidates_each_have_their_columns(variants):
    ormsby = of(variants.county_results, NEVADA, county="Ormsby")
    assert ormsby[["column_order", "candidate", "party", "votes", "pct"]].values.tolist() == [
        [1, "Richard Nixon", "Republican", 3698, 56.48],
        [2, "Hubert Humphrey", "Democratic", 1843, 28.15],
        [3, "George Wallace", "American Independent", 1007, 15.38],
    ]
    totals = of(variants.county_table_totals, NEVADA).set_index("column")["votes"].to_dict()
    assert totals == {
        "Richard Nixon": 73188,
        "Hubert Humphrey": 60598,
        "George Wallace": 20432,
        "Margin": 12590,
        "Total": 154218,
    }


# --- Time-aware FIPS -------------------------------------------------------------------------


def codes(tables, file: str) -> dict[str, tuple]:
    summaries = of(tables.county_summaries, file)
    return {
        row.county: (row.county_fips, row.current_fips)
        for row in summaries.itertuples()
        if row.county_fips != row.current_fips
    }


def test_renamed_and_merged_units_carry_the_code_of_their_year_and_of_today(variants):
    assert codes(variants, NEVADA) == {"Ormsby": ("32025", "32510")}
    assert codes(variants, FLORIDA) == {"Dade": ("12025", "12086")}
    assert codes(variants, VIRGINIA) == {
        "Bedford City": ("51515", "51019"),
        "Clifton Forge": ("51560", "51005"),
        "South Boston": ("51780", "51083"),
    }
    norfolk = of(variants.county_summaries, VIRGINIA, county="Norfolk").iloc[0]
    assert (norfolk["county_fips"], norfolk["current_fips"]) == ("51710", "51710")


def test_todays_name_in_an_old_article_gets_the_code_of_its_year():
    text = text_of(FLORIDA).replace("| Dade |", "| Miami-Dade |")
    sources = pd.DataFrame([{**read_source(VARIANTS / FLORIDA), "text": text}])
    tables, _ = extract_articles(sources)
    miami = of(tables.county_summaries, FLORIDA, county="Miami-Dade").iloc[0]
    assert (miami["county_fips"], miami["current_fips"]) == ("12025", "12086")


@pytest.mark.parametrize(
    ("state_fips", "name", "year", "expected"),
    [
        ("32", "Ormsby", 1964, Resolution("32025", "32510", "county")),
        ("32", "Carson City", 1964, Resolution("32025", "32510", "independent city")),
        ("32", "Carson City", 1972, Resolution("32510", "32510", "independent city")),
        ("12", "Dade", 1992, Resolution("12025", "12086", "county")),
        ("12", "Miami-Dade", 2000, Resolution("12086", "12086", "county")),
        ("51", "South Boston", 1992, Resolution("51780", "51083", "independent city")),
        ("51", "Clifton Forge", 2000, Resolution("51560", "51005", "independent city")),
        ("51", "Bedford City", 1988, Resolution("51515", "51019", "independent city")),
        ("51", "Nansemond", 1968, Resolution("51123", "51800", "county")),
        ("51", "Nansemond", 1972, Resolution("51695", "51800", "independent city")),
        ("51", "Princess Anne", 1960, Resolution("51151", "51810", "county")),
        ("51", "Norfolk County", 1960, Resolution("51129", "51550", "county")),
        ("51", "Norfolk", 1988, Resolution("51710", "51710", "independent city")),
        ("46", "Shannon", 2012, Resolution("46113", "46102", "county")),
        ("46", "Oglala Lakota", 2012, Resolution("46113", "46102", "county")),
        ("46", "Oglala Lakota", 2016, Resolution("46102", "46102", "county")),
        ("02", "Wade Hampton", 2012, Resolution("02270", "02158", "census area")),
        ("02", "Kusilvak", 2016, Resolution("02158", "02158", "census area")),
        ("46", "Washabaugh", 1980, Resolution("46131", "46071", "county")),
        ("30", "Yellowstone National Park", 1988, Resolution("30113", "30067", "county")),
        ("13", "Milton", 1928, Resolution("13203", "13121", "county")),
        ("20", "Garfield", 1888, Resolution(None, "20055", "historical")),
        ("29", "Nowhere", 2004, Resolution(None, None, None)),
    ],
)
def test_time_aware_resolution(state_fips, name, year, expected):
    assert resolve_counties(state_fips, [name], year)[name] == expected


def kansas_1888(counties: list[tuple[str, list[int]]]) -> str:
    return render_article(
        ElectionSpec(
            year=1888,
            state="Kansas",
            candidates=[
                Candidate("Benjamin Harrison", "Republican"),
                Candidate("Grover Cleveland", "Democratic"),
            ],
            county_label="County",
            counties=counties,
            columns=2,
            electoral_votes=9,
        )
    )


def test_a_county_that_never_had_a_fips_code_is_historical_and_an_info():
    text = kansas_1888([("Finney", [640, 410]), ("Garfield", [320, 215]), ("Atlantis", [10, 5])])
    file = "1888_United_States_presidential_election_in_Kansas.txt"
    findings = findings_of(text, file)
    assert findings[findings["severity"] == ERROR].empty
    noted = findings[findings["check"] == "historical_units_have_no_fips"]
    assert noted[["severity", "published", "expected"]].values.tolist() == [
        [INFO, "Garfield", "no FIPS code; today part of 20055"]
    ]
    warned = findings[findings["check"] == "county_names_resolve_to_fips"]
    assert warned["published"].tolist() == ["Atlantis"]


# --- The warehouse ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def variants_warehouse(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("variants_raw")
    for path in [*VARIANTS.glob("*.txt"), SEED]:
        (raw / path.name).write_bytes(path.read_bytes())
    # Nevada 1972 as its article would be written after the consolidation: Carson City.
    nevada = text_of(NEVADA)
    later = (
        nevada.replace("1972", "1976")
        .replace("1968", "1972")
        .replace("1964", "1968")
        .replace("| Ormsby |", "| Carson City |")
    )
    (raw / NEVADA.replace("1968", "1972")).write_text(later, encoding="utf-8")
    path = raw.parent / "variants.duckdb"
    assert materialize_all(raw, path).success
    return path


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as db:
        return db.execute(sql).fetchall()


def test_views_show_electoral_votes_electors_and_units(variants_warehouse):
    assert query(
        variants_warehouse,
        "SELECT state_po, candidate, electoral_votes FROM state_results "
        "WHERE electoral_votes > 0 AND year IN (1960, 2004, 2016) "
        "AND state_po IN ('AL', 'MN', 'ME') "
        "ORDER BY state_po, electoral_votes DESC",
    ) == [
        ("AL", "Harry F. Byrd", 6),
        ("AL", "John F. Kennedy", 5),
        ("ME", "Hillary Clinton", 3),
        ("ME", "Donald Trump", 1),
        ("MN", "John Kerry", 9),
        ("MN", "John Edwards", 1),
    ]
    assert query(
        variants_warehouse,
        "SELECT candidate, votes, legislative_votes FROM state_results WHERE year = 1876",
    ) == [("Rutherford B. Hayes", None, 50), ("Samuel J. Tilden", None, 24)]
    assert query(
        variants_warehouse,
        "SELECT winner, margin_pct, total_votes, counties, electoral_votes FROM state_summary "
        "WHERE year = 1876",
    ) == [("Rutherford B. Hayes", None, None, 0, 3)]
    assert query(
        variants_warehouse,
        "SELECT candidate, count(*) FROM electors WHERE state_po = 'AL' GROUP BY ALL ORDER BY ALL",
    ) == [("Harry F. Byrd", 6), ("John F. Kennedy", 5)]
    assert query(
        variants_warehouse,
        "SELECT district, candidate, electoral_votes FROM district_results "
        "WHERE state_po = 'ME' ORDER BY ALL",
    ) == [
        (1, "Donald Trump", 0),
        (1, "Hillary Clinton", 1),
        (2, "Donald Trump", 1),
        (2, "Hillary Clinton", 0),
    ]
    assert query(
        variants_warehouse,
        "SELECT unit_type, count(DISTINCT county), count(county_fips) FROM county_results "
        "WHERE state_po IN ('DC', 'AK') GROUP BY ALL ORDER BY ALL",
    ) == [("state house district", 6, 0), ("ward", 8, 0)]
    assert query(
        variants_warehouse,
        "SELECT DISTINCT county_fips, current_fips, unit_type FROM county_results "
        "WHERE county IN ('Dade', 'Ormsby') AND year < 2000 ORDER BY ALL",
    ) == [("12025", "12086", "county"), ("32025", "32510", "county")]


def test_margins_count_a_state_affiliate_as_its_national_party(variants_warehouse):
    assert query(
        variants_warehouse,
        "SELECT democratic_votes, republican_votes, total_votes FROM county_margins "
        "WHERE state_po = 'MN' AND county = 'Blue Earth'",
    ) == [(17047, 16281, 33993)]


def test_swing_and_maps_join_through_current_fips(variants_warehouse):
    # Ormsby 1968: (3,698 - 1,843) / 6,548; Carson City 1972 carries the same figures
    assert query(
        variants_warehouse,
        "SELECT county, county_fips, previous_county, previous_county_fips, current_fips, "
        "previous_margin_pct, margin_pct, swing FROM county_swing "
        "WHERE state_po = 'NV' AND current_fips = '32510'",
    ) == [("Carson City", "32510", "Ormsby", "32025", "32510", D("28.33"), D("28.33"), D("0.00"))]
    with duckdb.connect(str(variants_warehouse), read_only=True) as db:
        margins = db.execute(MARGINS).df()
    nevada = margins[(margins["year"] == 1968) & (margins["state_po"] == "NV")]
    assert "32510" in set(nevada["county_fips"]) and "32025" not in set(nevada["county_fips"])
    virginia = margins[(margins["year"] == 1988) & (margins["state_po"] == "VA")]
    # Bedford and Bedford City are one shape today: (10,980 + 1,390 - 5,120 - 1,010) / 18,700
    bedford = virginia[virginia["county_fips"] == "51019"]["margin_pct"].tolist()
    assert bedford == [33.37]


# --- The benchmark corpus --------------------------------------------------------------------


def corpus_article(state_po: str, year: int, seed: int = 2004) -> tuple[str, str]:
    """The corpus article of a state and year (benchmarks.corpus numbers them so)."""
    states = [state.postal_code for state in all_states()]
    index = (year - 1788) // 4 * len(states) + states.index(state_po)
    spec = synthetic_spec(index, seed)
    return f"{year}_{state_po}.txt".replace(state_po, spec.state.replace(" ", "_")), render_article(
        spec
    )


def test_benchmark_corpus_holds_every_variant_and_passes_every_error_check():
    articles = dict(
        corpus_article(state_po, year)
        for state_po, year in [
            ("ME", 2016),  # split electoral votes
            ("DC", 2016),  # wards
            ("AK", 2016),  # state house districts
            ("NV", 1964),  # Ormsby County
            ("FL", 1992),  # Dade County
            ("VA", 1988),  # Bedford, Clifton Forge, South Boston cities
            ("KS", 1888),  # Garfield County, never a FIPS code
            ("CT", 1864),  # a legislature's choice (its index is divisible by 5)
        ]
    )
    sources = pd.DataFrame(
        [
            {"file": name, "sha256": sha256(text.encode()).hexdigest(), "bytes": len(text)}
            | {"text": text}
            | {"error": None, "error_line": None}
            for name, text in articles.items()
        ]
    )
    tables, unreadable = extract_articles(sources)
    assert unreadable == []
    findings = evaluate(tables)
    assert findings[findings["severity"] == ERROR].empty
    units = tables.county_summaries.groupby("state_po")["unit_type"].agg(set).to_dict()
    assert (units["DC"], units["AK"]) == ({"ward"}, {"state house district"})
    assert "historical" in units["KS"]
    fips = tables.county_summaries.set_index(["state_po", "county"])
    assert fips.loc[("NV", "Ormsby"), ["county_fips", "current_fips"]].tolist() == [
        "32025",
        "32510",
    ]
    assert fips.loc[("FL", "Dade"), ["county_fips", "current_fips"]].tolist() == ["12025", "12086"]
    assert fips.loc[("VA", "Bedford City"), ["county_fips", "current_fips"]].tolist() == [
        "51515",
        "51019",
    ]
    maine = tables.state_results[tables.state_results["state_po"] == "ME"]
    district_electors = tables.district_results["electoral_votes"].sum()
    assert maine["electoral_votes"].sum() == district_electors + 2
    assert sorted(maine["electoral_votes"])[-2:][0] > 0  # both major candidates won electors
    connecticut = tables.elections[tables.elections["state_po"] == "CT"].iloc[0]
    assert pd.isna(connecticut["total_votes"]) and connecticut["legislative_votes"] > 0
    assert tables.county_summaries[tables.county_summaries["state_po"] == "CT"].empty
