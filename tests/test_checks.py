"""Data-quality rules: the seed passes every ERROR rule, its warnings are exactly these,
and a copy of the seed broken for each rule fails it at the right cell."""

import dataclasses

import pytest

from pipeline.checks.rules import ERROR, INFO, WARN, all_rules, evaluate, judge, refused_files
from tests.conftest import SEED_NAME, edit, findings_of, tables_from_text

SEED_ROUNDING_CELLS = [
    ("Barton", "Margin %", "53.39", "53.40"),
    ("Bates", "Other %", "0.75", "0.76"),
    ("Buchanan", "Margin %", "5.31", "5.30"),
    ("Cape Girardeau", "Margin %", "38.33", "38.32"),
    ("Carroll", "Margin %", "33.48", "33.47"),
    ("Carter", "Other %", "0.64", "0.65"),
    ("Cass", "Margin %", "23.90", "23.91"),
    ("Cole", "Other %", "0.54", "0.53"),
    ("Cooper", "Other %", "0.66", "0.67"),
    ("Crawford", "Other %", "0.68", "0.67"),
    ("Crawford", "Margin %", "21.89", "21.90"),
    ("Dade", "Other %", "0.55", "0.54"),
    ("Daviess", "Margin %", "25.02", "25.01"),
    ("Dent", "Other %", "1.12", "1.11"),
    ("Dent", "Margin %", "39.73", "39.72"),
    ("Douglas", "Margin %", "43.57", "43.58"),
    ("Grundy", "Margin %", "33.50", "33.51"),
    ("Howard", "Margin %", "19.17", "19.16"),
    ("Marion", "Margin %", "26.08", "26.07"),
    ("Montgomery", "Margin %", "24.59", "24.58"),
    ("Morgan", "Other %", "0.69", "0.70"),
    ("Oregon", "Margin %", "20.25", "20.24"),
    ("Ozark", "Margin %", "32.34", "32.33"),
    ("Phelps", "Other %", "0.85", "0.86"),
    ("Polk", "Margin %", "38.64", "38.63"),
    ("Randolph", "Margin %", "29.08", "29.07"),
    ("Ray", "Margin %", "5.93", "5.92"),
    ("Reynolds", "Other %", "0.57", "0.56"),
    ("Ripley", "Margin %", "31.60", "31.59"),
    ("Scott", "Margin %", "30.23", "30.22"),
    ("Shelby", "Margin %", "30.82", "30.81"),
    ("St. Charles", "Other %", "0.50", "0.49"),
    ("St. Louis", "Margin %", "-9.26", "-9.27"),
    ("St. Louis City", "Margin %", "-61.07", "-61.08"),
    ("Ste. Genevieve", "Margin %", "-6.01", "-6.02"),
    ("Sullivan", "Margin %", "22.72", "22.73"),
    ("Taney", "Margin %", "41.38", "41.37"),
    ("Texas", "Margin %", "32.41", "32.40"),
    ("Vernon", "Margin %", "28.10", "28.09"),
    ("Washington", "Margin %", "1.99", "1.98"),
    ("Worth", "Margin %", "22.52", "22.53"),
    ("Wright", "Other %", "0.82", "0.81"),
]


@pytest.fixture(scope="module")
def seed_findings(seed_text):
    return findings_of(seed_text)


def test_rules_have_unique_names_and_descriptions():
    rules = all_rules()
    assert len({rule.name for rule in rules}) == len(rules)
    assert all(rule.description and rule.severity in (ERROR, WARN, INFO) for rule in rules)


def test_seed_passes_every_error_rule(seed_findings):
    assert seed_findings[seed_findings["severity"] == ERROR].empty
    assert refused_files(seed_findings) == []


def test_seed_rounding_warnings_are_exactly_these_cells(seed_findings, seed_lines):
    rounding = seed_findings[seed_findings["check"] == "county_percentages_rounding_drift"]
    assert (rounding["severity"] == WARN).all()
    assert (rounding["section"] == "Results > By county").all()
    found = [
        (seed_lines[row.line - 1].split(" | ")[0][2:], row.column, row.published, row.expected)
        for row in rounding.itertuples()
    ]
    assert found == SEED_ROUNDING_CELLS


def test_seed_empty_predictions_are_a_warning(seed_findings):
    predictions = seed_findings[seed_findings["check"] == "predictions_have_ratings"]
    assert predictions[["severity", "section", "line", "column", "published"]].values.tolist() == [
        [WARN, "Campaign > Predictions", 50, "Ranking", "empty in all 12 rows"]
    ]
    assert set(seed_findings["check"]) == {
        "county_percentages_rounding_drift",
        "predictions_have_ratings",
    }


def rated(text: str) -> str:
    return text.replace("| CNN | |", "| CNN | Likely R |")


def one_finding(findings, check):
    found = findings[findings["check"] == check]
    assert len(found) == 1, found.to_string()
    return found.iloc[0]


# (rule, how the seed is broken, severity, section,
#  failing cells: line, column, published, expected)
BROKEN = [
    (
        "county_columns_sum_to_total",
        lambda t: edit(t, "| Adair |", "| 11,404 |", "| 11,405 |"),
        ERROR,
        "Results > By county",
        [(89, "Total", "11,405", "11,404")],
    ),
    (
        "county_margin_is_first_minus_second",
        lambda t: edit(t, "| Adair |", "| 1,429 |", "| 1,439 |"),
        ERROR,
        "Results > By county",
        [(89, "Margin #", "1,439", "1,429")],
    ),
    (
        "county_percentages_match_votes",
        lambda t: edit(t, "| Adair |", "| 55.83% |", "| 65.83% |"),
        ERROR,
        "Results > By county",
        [(89, "George W. Bush %", "65.83", "55.83")],
    ),
    (
        "county_percentages_match_votes",
        lambda t: edit(t, "| Adair |", "| 55.83% |", "| 55.84% |"),
        ERROR,
        "Results > By county",
        [(89, "George W. Bush %", "55.84", "55.83")],
    ),
    (
        "state_percentages_match_votes",
        lambda t: edit(t, "| | Libertarian Party |", "0.36%", "0.38%"),
        ERROR,
        "Results",
        [(80, "Percentage", "0.38", "0.36")],
    ),
    (
        "district_percentages_at_most_100",
        lambda t: t.replace("| | 64% | 35% | Ike Skelton |", "| | 64% | 75% | Ike Skelton |"),
        ERROR,
        "Results > By congressional district",
        [(225, "Percentage (sum)", "139.00", "at most 101.000")],
    ),
    (
        "county_parties_match_statewide",
        lambda t: t.replace("| John Kerry Democratic |", "| John Kerry Dexocratic |"),
        ERROR,
        "Results > By county",
        [(89, "Party of John Kerry", "Dexocratic", "Democratic")],
    ),
    (
        "county_totals_row_matches_sums",
        lambda t: edit(t, "| Totals | 1,455,713 |", "| 1,259,171 |", "| 1,259,172 |"),
        ERROR,
        "Results > By county",
        [(204, "John Kerry #", "1,259,172", "1,259,171")],
    ),
    (
        "state_votes_sum_to_total",
        lambda t: edit(t, "| Totals | 2,731,364 |", "2,731,364", "2,731,365"),
        ERROR,
        "Results",
        [(83, "Totals: Votes", "2,731,365", "2,731,364")],
    ),
    (
        "state_percentages_sum_to_100",
        lambda t: edit(t, "| | Libertarian Party |", "0.36%", "1.36%"),
        ERROR,
        "Results",
        [(82, "Percentage (sum)", "101.01", "100.00 ± 0.1")],
    ),
    (
        "county_columns_match_statewide",
        lambda t: edit(
            edit(t, "| | Libertarian Party |", "9,831", "9,832"),
            "| Totals | 2,731,364 |",
            "2,731,364",
            "2,731,365",
        ),
        ERROR,
        "Results > By county",
        [(204, "Other # (county sum)", "16,480", "16,481")],
    ),
    (
        "infobox_matches_results",
        lambda t: t.replace("- Popular Vote1: 1,455,713", "- Popular Vote1: 1,455,714").replace(
            "- Percentage2: 46.10%", "- Percentage2: 46.20%"
        ),
        ERROR,
        "(lead)",
        [(14, "Popular Vote1", "1,455,714", "1,455,713"), (22, "Percentage2", "46.20", "46.10")],
    ),
    (
        "electoral_votes_sum_to_total",
        lambda t: edit(
            t, "| | Democratic Party | John Kerry |", "| 46.10% | 0 |", "| 46.10% | 1 |"
        ),
        ERROR,
        "Results",
        [(83, "Electoral votes (sum)", "12", "11")],
    ),
    (
        "electors_match_electoral_votes",
        lambda t: t.replace("11. Warren Erdman\n", ""),
        ERROR,
        "Electors",
        [(249, "Electors (count)", "10", "11")],
    ),
    (
        "districts_match_electoral_votes",
        lambda t: t.replace("| | 59% | 41% | Kenny Hulshof |\n", ""),
        WARN,
        "Results > By congressional district",
        [(230, "District (count)", "8", "9")],
    ),
    (
        "flipped_counties_won_by_new_party",
        lambda t: t.replace(
            "- Boone (Largest city: Columbia)", "- Jackson (Largest city: Kansas City)"
        ),
        ERROR,
        "Results > By county > Counties that flipped from Democratic to Republican",
        [(207, "Winner", "Democratic", "Republican")],
    ),
    (
        "county_names_resolve_to_fips",
        lambda t: t.replace("| Adair |", "| Atlantis |"),
        WARN,
        "Results > By county",
        [(89, "County", "Atlantis", "a county-equivalent of MO in the Census county files")],
    ),
    (
        "county_results_schema",
        lambda t: edit(t, "| Adair |", "| 99 | 0.87% |", "| -99 | 0.87% |"),
        ERROR,
        "Results > By county",
        [(89, "votes", "-99", "greater_than_or_equal_to(0)")],
    ),
    (
        "elections_schema",
        lambda t: t.replace(
            "| Voter turnout (Voting Age population) | 63.6% |",
            "| Voter turnout (Voting Age population) | 163.6% |",
        ),
        ERROR,
        "(lead)",
        [(1, "turnout_pct", "163.60", "less_than_or_equal_to(100)")],
    ),
    (
        "nominees_schema",
        lambda t: t.replace("- Popular Vote1: 1,455,713", "- Popular Vote1: -1,455,713"),
        ERROR,
        "(lead)",
        [(14, "popular_votes", "-1,455,713", "greater_than_or_equal_to(0)")],
    ),
    (
        "state_results_schema",
        lambda t: t.replace("| Michael Badnarik | 9,831 |", "| Michael Badnarik | -9,831 |"),
        ERROR,
        "Results",
        [(80, "votes", "-9,831", "greater_than_or_equal_to(0)")],
    ),
    (
        "district_representatives_schema",
        lambda t: t.replace(
            "| | 25% | 75% | William Lacy Clay, Jr. |", "| 0 | 25% | 75% | William Lacy Clay, Jr. |"
        ),
        ERROR,
        "Results > By congressional district",
        [(221, "district", "0", "greater_than_or_equal_to(1)")],
    ),
    (
        "predictions_schema",
        lambda t: t.replace("| Newsweek | |", "| Associated Press | |"),
        ERROR,
        "Campaign > Predictions",
        [
            (51, "source", "Associated Press", "multiple_fields_uniqueness"),
            (54, "source", "Associated Press", "multiple_fields_uniqueness"),
        ],
    ),
    (
        "county_flips_schema",
        lambda t: t.replace(
            "- Buchanan (Largest city: St. Joseph)", "- Boone (Largest city: Columbia)"
        ),
        ERROR,
        "Results > By county > Counties that flipped from Democratic to Republican",
        [
            (207, "county", "Boone", "multiple_fields_uniqueness"),
            (208, "county", "Boone", "multiple_fields_uniqueness"),
        ],
    ),
    (
        "fundraising_schema",
        lambda t: t.replace("Kerry raised $1,418,159.", "Bush raised $1,418,159."),
        ERROR,
        "Campaign > Fundraising",
        [(67, "candidate", "George W. Bush", "multiple_fields_uniqueness")],
    ),
    (
        "county_table_totals_schema",
        lambda t: edit(t, "| Totals | 1,455,713 |", "| 53.30% |", "| 153.30% |"),
        ERROR,
        "Results > By county",
        [(204, "pct", "153.30", "less_than_or_equal_to(100)")],
    ),
    (
        "county_summaries_schema",
        lambda t: t.replace("| Andrew |", "| Adair |"),
        ERROR,
        "Results > By county",
        [
            (89, "county", "Adair", "multiple_fields_uniqueness"),
            (90, "county", "Adair", "multiple_fields_uniqueness"),
        ],
    ),
    (
        "electors_schema",
        lambda t: t.replace("4. Carolyn McDowell", "3. Carolyn McDowell"),
        ERROR,
        "Electors",
        [
            (242, "ordinal", "3", "multiple_fields_uniqueness"),
            (243, "ordinal", "3", "multiple_fields_uniqueness"),
            (243, "ordinal", "3", "ordinal numbered 1..N in list order"),
        ],
    ),
    (
        "district_results_schema",
        lambda t: t.replace(
            "| | 59% | 41% | Kenny Hulshof |", "| 12 | 59% | 41% | Kenny Hulshof |"
        ),
        ERROR,
        "Results > By congressional district",
        [(231, "district", "12", "district numbered 1..N in each article")],
    ),
]


@pytest.mark.parametrize(
    ("check", "breaks", "severity", "section", "failing"), BROKEN, ids=[case[0] for case in BROKEN]
)
def test_broken_seed_fails_the_rule_at_the_cell(
    seed_text, check, breaks, severity, section, failing
):
    findings = findings_of(rated(breaks(seed_text)))
    found = findings[findings["check"] == check]
    assert set(found["severity"]) == {severity}
    assert set(found["file"]) == {SEED_NAME}
    assert set(found["section"]) == {section}
    assert (
        list(found[["line", "column", "published", "expected"]].itertuples(index=False, name=None))
        == failing
    )
    assert refused_files(findings) == ([SEED_NAME] if severity == ERROR else [])


def test_every_rule_is_broken_by_a_test():
    covered = {case[0] for case in BROKEN} | {
        "articles_are_readable",  # test_bad_input below
        "county_percentages_rounding_drift",  # the seed's own warnings
        "predictions_have_ratings",  # the seed's own warning
        "one_article_per_election",  # test_two_files_for_one_election_are_both_named
        "counties_match_reference",  # test_family: reconciliation with MEDSL
        # test_variants: the family's exceptions, on their fixtures
        "electors_match_candidates",
        "district_electoral_votes_within_statewide",
        "historical_units_have_no_fips",
        "infobox_figures_are_clean",
        # test_views: the article's list against the flips computed across elections
        "flipped_counties_match_computed_flips",
    }
    assert {rule.name for rule in all_rules()} == covered


def test_two_files_for_one_election_are_both_named(seed_text):
    other = "copy_of_missouri_2004.txt"
    findings = findings_of(rated(seed_text), **{other: rated(seed_text)})
    found = findings[findings["check"] == "one_article_per_election"]
    assert sorted(found["file"]) == sorted([SEED_NAME, other])
    assert set(found["expected"]) == {
        f"one article per state and year; these files describe the same: {SEED_NAME}, {other}"
    }
    assert refused_files(findings) == sorted([SEED_NAME, other])


def test_a_flipped_county_missing_from_the_table(seed_text):
    text = rated(seed_text.replace("- Boone (Largest city: Columbia)", "- Atlantis"))
    finding = one_finding(findings_of(text), "flipped_counties_won_by_new_party")
    assert (finding["line"], finding["column"], finding["published"]) == (207, "County", "Atlantis")


def test_a_missing_infobox_percentage_is_not_compared(seed_text):
    text = rated(seed_text.replace("- Percentage1: 53.30%", "- Percentage1: '"))
    assert findings_of(text).query("severity == 'ERROR'").empty


def test_totals_row_never_lands_as_a_county(seed_text):
    """A Totals row the parser does not know as one ('Totals:') is caught as a county."""
    text = rated(seed_text.replace("| Totals | 1,455,713 |", "| Totals: | 1,455,713 |"))
    findings = findings_of(text)
    readable = one_finding(findings, "articles_are_readable")
    assert "ends without its 'Totals' row" in readable["expected"]


def test_rows_after_the_totals_row_are_refused(seed_text):
    totals = next(line for line in seed_text.split("\n") if line.startswith("| Totals | 1,455,713"))
    text = seed_text.replace(
        totals, totals + "\n| Zeta | 1 | 50.00% | 1 | 50.00% | 0 | 0.00% | 0 | 0.00% | 2 |"
    )
    finding = one_finding(findings_of(text), "articles_are_readable")
    assert (finding["section"], finding["line"]) == ("Results > By county", 205)
    assert finding["expected"] == "row 'Zeta' follows the by-county table's Totals row"


BAD_INPUTS = [
    ("empty file", lambda t: "", "(file)", 0, "the file is empty"),
    (
        "no by-county table",
        lambda t: t[: t.index("===By county===")] + t[t.index("====Counties that flipped") :],
        "(file)",
        0,
        "no by-county table (a table whose header has 'County' and 'Margin')",
    ),
    (
        "vote cell 2,1x7",
        lambda t: edit(t, "| Adair |", "6,367", "2,1x7"),
        "Results > By county",
        89,
        "column 'George W. Bush Republican #': '2,1x7' is not a whole number",
    ),
    (
        "row with too few cells",
        lambda t: edit(t, "| Adair |", "| 99 | 0.87% |", "| 0.87% |"),
        "Results > By county",
        89,
        "row 'Adair' has 9 filled cells where the header needs 10 "
        "(a missing cell, or the file is cut off mid-table)",
    ),
    (
        "cut off mid-row",
        lambda t: t[: t.index("| Worth | 691 |") + 20],
        "Results > By county",
        202,
        "the file does not end with a newline: it is truncated (its last line may be cut "
        "short, and what followed is missing)",
    ),
    (
        "district column of no candidate",
        lambda t: t.replace(
            "| District | Bush | Kerry | Representative |",
            "| District | Bush | Kerry | Nader2 | Representative |",
        ),
        "Results > By congressional district",
        220,
        "district column 'Nader2' names no candidate of the statewide results table",
    ),
    (
        "infobox nominees numbered with a gap",
        lambda t: t.replace("- Nominee2: John Kerry", "- Nominee4: John Kerry"),
        "Infobox",
        22,
        "infobox key 'Nominee4' is numbered outside the nominees 1 to 1 (a gap in the "
        "numbering): its value would be lost",
    ),
    (
        "infobox figure of no nominee",
        lambda t: t.replace("- Popular Vote2: ", "- Popular Vote3: "),
        "Infobox",
        27,
        "infobox key 'Popular Vote3' is numbered outside the nominees 1 to 2 (a gap in the "
        "numbering): its value would be lost",
    ),
    (
        "predictions header drift",
        lambda t: t.replace("| Source | Ranking |", "| Sources | Ranking |"),
        "Campaign > Predictions",
        49,
        "the table's header 'Sources | Ranking' is not recognised (expected a first column "
        "'Source'): its rows would be lost",
    ),
    (
        "district header drift",
        lambda t: t.replace("| District | Bush |", "| Distict | Bush |"),
        "Results > By congressional district",
        220,
        "the table's header 'Distict | Bush | Kerry | Representative' is not recognised "
        "(expected a first column 'District'): its rows would be lost",
    ),
    (
        "election date that does not read",
        lambda t: t.replace(
            "- Election Date: November 2, 2004", "- Election Date: November 2,2004"
        ),
        "Infobox",
        12,
        "infobox 'Election Date: November 2,2004' is not a date of 2004 ('November 2, 2004')",
    ),
    (
        "previous year after the election",
        lambda t: t.replace("- Previous Year: 2000", "- Previous Year: 2008"),
        "Infobox",
        9,
        "infobox 'Previous Year: 2008' is not a year before 2004",
    ),
    (
        "predictions row without its source",
        lambda t: t.replace("| CNN | |", "| | CNN |"),
        "Campaign > Predictions",
        52,
        "predictions row ' | CNN' has no source (first cell)",
    ),
    (
        "infobox figure that does not read",
        lambda t: t.replace("- Popular Vote2: 1,259,171", "- Popular Vote2: 1,25,171"),
        "Infobox",
        27,
        "infobox 'Popular Vote2': '1,25,171' is not a whole number",
    ),
    (
        "cut off between rows",
        lambda t: t[: t.index("| Worth | 691 |")],
        "Results > By county",
        201,
        "the by-county table ends without its 'Totals' row (is the file cut off?)",
    ),
]


@pytest.mark.parametrize(
    ("case", "breaks", "section", "line", "reason"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input(seed_text, case, breaks, section, line, reason):
    text = breaks(seed_text)
    source_findings = findings_of(text) if text else None
    if source_findings is None:  # an empty file is refused when it is read
        from pipeline.text.article import ArticleError, decode_article

        with pytest.raises(ArticleError, match=reason):
            decode_article(b"", SEED_NAME)
        return
    finding = one_finding(source_findings, "articles_are_readable")
    assert (finding["severity"], finding["file"], finding["section"], finding["line"]) == (
        ERROR,
        SEED_NAME,
        section,
        line,
    )
    assert finding["expected"] == reason


def test_a_check_on_a_table_the_article_lacks_is_skipped_with_why(seed_tables):
    without_predictions = dataclasses.replace(
        seed_tables, predictions=seed_tables.predictions.iloc[0:0]
    )
    verdicts = judge(without_predictions, [SEED_NAME], evaluate(without_predictions))
    by_check = verdicts.set_index("check_name")
    assert by_check.loc["predictions_have_ratings", ["status", "reason"]].tolist() == [
        "skipped",
        "no predictions rows in this article",
    ]
    assert by_check.loc["counties_match_reference", "reason"] == (
        "no reference file given (ELECTIONS_REFERENCE_CSV)"
    )
    assert by_check.loc["county_columns_sum_to_total", "status"] == "passed"
    assert sorted(verdicts["status"].unique()) == ["failed", "passed", "skipped"]


def test_a_county_repeated_thousands_of_times_is_refused_not_multiplied(seed_text):
    lines = seed_text.split("\n")
    (adair,) = [number for number, line in enumerate(lines) if line.startswith("| Adair |")]
    repeated = "\n".join(lines[: adair + 1] + [lines[adair]] * 3000 + lines[adair + 1 :])
    findings = findings_of(repeated)
    schema = findings[findings["check"] == "county_summaries_schema"]
    assert len(schema) == 3001  # every copy of Adair, each named once
    assert set(schema["key"]) == {"Adair, 29001"}
    assert refused_files(findings) == [SEED_NAME]


@pytest.mark.parametrize(
    ("drifted", "named"),
    [
        ("| Part | Candidate | Votes | Percentage | Electoral votes |", "part"),
        ("| Party | Candidate | Votes | Percentage | Electorl votes |", "electorl votes"),
    ],
)
def test_a_drifted_results_header_refuses_the_article_naming_it(seed_text, drifted, named):
    header = "| Party | Candidate | Votes | Percentage | Electoral votes |"
    findings = findings_of(seed_text.replace(header, drifted, 1))
    (error,) = findings[findings["severity"] == ERROR].itertuples()
    assert (error.check, error.section, error.line) == ("articles_are_readable", "Results", 77)
    assert f"statewide results header '{named}' is not recognised" in error.expected


def test_a_margin_is_shown_as_a_count_whatever_the_other_counties_hold(seed_text):
    """A county without a second column (here: Andrew's cells of Kerry's column removed
    from the typed table) leaves no margin to compare, and does not change how Adair's
    finding shows its figures: counts, as the article prints them."""
    tables = tables_from_text(edit(seed_text, "| Adair |", "| 1,429 |", "| 1,439 |"))
    results = tables.county_results
    andrew_kerry = (results["county"] == "Andrew") & (results["column_order"] == 2)
    without_kerry = dataclasses.replace(tables, county_results=results[~andrew_kerry])
    found = evaluate(without_kerry)
    margins = found[found["check"] == "county_margin_is_first_minus_second"]
    assert margins[["line", "published", "expected"]].values.tolist() == [[89, "1,439", "1,429"]]
