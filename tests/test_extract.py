"""Recognizers on the seed: one test per quirk of article-format.md, figures from the article."""

import re

import pandas as pd
import pytest

from pipeline.tables.extract import (
    match_candidate,
    parse_count,
    parse_counts,
    parse_percent,
    parse_percents,
    party_name,
    split_note,
)
from pipeline.text.article import ArticleError
from tests.conftest import SEED_NAME, tables_from_text


def rows(frame: pd.DataFrame, **where) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    return frame[mask]


def one(frame: pd.DataFrame, **where) -> pd.Series:
    found = rows(frame, **where)
    assert len(found) == 1, f"{len(found)} rows match {where}"
    return found.iloc[0]


# --- Cell values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,455,713", 1455713),
        ("0", 0),
        ("-53,154", -53154),
        ("−53,154", -53154),
        ("–490", -490),
        ("2\u2009731", None),
    ],
)
def test_parse_count(text, value):
    if value is None:
        with pytest.raises(ValueError, match="not a whole number"):
            parse_count(text)
    else:
        assert parse_count(text) == value


@pytest.mark.parametrize("text", ["2,1x7", "1.5", "", "12,34"])
def test_parse_count_refuses(text):
    with pytest.raises(ValueError, match="not a whole number"):
        parse_count(text)


def test_parse_percent():
    assert parse_percent("53.30%") == 53.3
    assert parse_percent("−16.82%") == -16.82
    assert parse_percent("25%") == 25.0
    with pytest.raises(ValueError, match="not a percentage"):
        parse_percent("'")


def test_notes_and_parties():
    assert split_note("George W. Bush (incumbent)") == ("George W. Bush", "incumbent")
    assert party_name("Republican Party (United States)") == "Republican"
    assert party_name("Write In") == "Write-in"
    assert party_name("Democratic") == "Democratic"


def test_match_candidate():
    names = ["George W. Bush", "John Kerry", "Ralph Nader"]
    assert match_candidate("George W. Bush Republican", names) == "George W. Bush"
    assert match_candidate("Kerry", names) == "John Kerry"
    assert match_candidate("John F. Kerry", names) == "John Kerry"
    assert match_candidate("Various candidates Other parties", names) is None


# --- Quirks seen in the seed -----------------------------------------------------------


def test_title_row_inside_the_results_table_is_not_a_candidate(seed_tables):
    assert seed_tables.state_results["candidate"].tolist() == [
        "George W. Bush",
        "John Kerry",
        "Michael Badnarik",
        "Michael Peroutka",
        "Ralph Nader",
    ]


def test_leading_empty_cell_keeps_columns_aligned(seed_tables):
    bush = one(seed_tables.state_results, candidate="George W. Bush")
    assert (bush["party"], bush["votes"], bush["pct"], bush["electoral_votes"]) == (
        "Republican",
        1455713,
        53.30,
        11,
    )
    nader = one(seed_tables.state_results, candidate="Ralph Nader")
    assert (nader["votes"], nader["pct"], nader["electoral_votes"]) == (1294, 0.05, 0)


def test_collapsed_totals_and_turnout_rows(seed_tables):
    election = seed_tables.elections.iloc[0]
    assert election["total_votes"] == 2731364
    assert election["total_pct"] == 100.00
    assert election["electoral_votes"] == 11
    assert election["turnout_pct"] == 63.6
    assert election["turnout_basis"] == "Voting Age population"


def test_two_header_rows_give_candidate_columns_with_parties(seed_tables):
    columns = seed_tables.county_results[["column_order", "candidate", "party"]].drop_duplicates()
    assert columns.values.tolist() == [
        [1, "George W. Bush", "Republican"],
        [2, "John Kerry", "Democratic"],
        [3, "Other", "Other"],
    ]
    adair = rows(seed_tables.county_results, county="Adair")
    assert adair[["votes", "pct"]].values.tolist() == [[6367, 55.83], [4938, 43.30], [99, 0.87]]
    summary = one(seed_tables.county_summaries, county="Adair")
    assert (summary["margin_votes"], summary["margin_pct"], summary["total_votes"]) == (
        1429,
        12.53,
        11404,
    )


def test_totals_row_is_kept_apart_and_never_a_county(seed_tables):
    assert len(seed_tables.county_summaries) == 115
    assert "Totals" not in set(seed_tables.county_summaries["county"])
    totals = seed_tables.county_table_totals.set_index("column")
    assert totals.loc["George W. Bush", "votes"] == 1455713
    assert totals.loc["John Kerry", "votes"] == 1259171
    assert totals.loc["Other", "votes"] == 16480
    assert (totals.loc["Margin", "votes"], totals.loc["Margin", "pct"]) == (196542, 7.20)
    assert totals.loc["Total", "votes"] == 2731364
    assert pd.isna(totals.loc["Total", "pct"])


def test_negative_margins(seed_tables):
    jackson = one(seed_tables.county_summaries, county="Jackson")
    assert (jackson["margin_votes"], jackson["margin_pct"]) == (-53154, -16.82)
    genevieve = one(seed_tables.county_summaries, county="Ste. Genevieve")
    assert (genevieve["margin_votes"], genevieve["margin_pct"]) == (-490, -6.01)


def test_lost_district_numbers_are_inferred_in_order(seed_tables):
    districts = seed_tables.district_results
    assert sorted(set(districts["district"])) == list(range(1, 10))
    first = rows(districts, district=1)
    assert first[["candidate", "pct"]].values.tolist() == [
        ["George W. Bush", 25.0],
        ["John Kerry", 75.0],
    ]
    ninth = rows(districts, district=9)
    assert ninth[["candidate", "pct"]].values.tolist() == [
        ["George W. Bush", 59.0],
        ["John Kerry", 41.0],
    ]


def test_continuation_rows_add_a_representative(seed_tables):
    reps = seed_tables.district_representatives
    assert rows(reps, district=3)[["ordinal", "representative"]].values.tolist() == [
        [1, "Dick Gephardt"],
        [2, "Russ Carnahan"],
    ]
    assert rows(reps, district=5)["representative"].tolist() == [
        "Karen McCarthy",
        "Emanuel Cleaver",
    ]
    assert len(reps) == 11
    # the continuation row is not a district of its own
    assert len(rows(seed_tables.district_results, candidate="John Kerry")) == 9


def test_empty_prediction_ratings_are_null(seed_tables):
    predictions = seed_tables.predictions
    assert len(predictions) == 12
    assert predictions["rating"].isna().all()
    assert predictions["source"].iloc[0] == "D.C. Political Report"
    assert predictions["source"].iloc[-1] == "Washington Dispatch"


def test_rounded_percentages_are_kept_as_published(seed_tables):
    # Barton: margin 3,199 of 5,991 is 53.40%, the article prints 76.31 - 22.92 = 53.39.
    barton = one(seed_tables.county_summaries, county="Barton")
    assert (barton["margin_votes"], barton["margin_pct"], barton["total_votes"]) == (
        3199,
        53.39,
        5991,
    )
    # Dade: 'Other' 22 of 4,089 is 0.54%, the article prints 0.55%.
    dade_other = one(seed_tables.county_results, county="Dade", candidate="Other")
    assert (dade_other["votes"], dade_other["pct"]) == (22, 0.55)


def test_prose_figures(seed_tables):
    assert seed_tables.fundraising[["candidate", "raised_usd"]].values.tolist() == [
        ["George W. Bush", 4026802],
        ["John Kerry", 1418159],
    ]
    assert seed_tables.elections.iloc[0]["turnout_pct"] == 63.6


def test_candidate_notes_and_write_in_party(seed_tables):
    results = seed_tables.state_results.set_index("candidate")
    assert bool(results.loc["George W. Bush", "incumbent"])
    assert not results.loc["John Kerry", "incumbent"]
    assert results.loc["Ralph Nader", "party"] == "Write-in"


def test_lists_with_facts_inside(seed_tables):
    flips = seed_tables.county_flips
    assert len(flips) == 10
    assert one(flips, county="Boone")[["from_party", "to_party", "largest_city"]].tolist() == [
        "Democratic",
        "Republican",
        "Columbia",
    ]
    assert one(flips, county="Washington")["largest_city"] == "Potosi"
    electors = seed_tables.electors
    assert electors["ordinal"].tolist() == list(range(1, 12))
    assert electors["elector"].iloc[0] == "Rosemary Kochner"
    assert electors["elector"].iloc[-1] == "Warren Erdman"


def test_infobox_nominees(seed_tables):
    nominees = seed_tables.nominees
    assert nominees[
        ["candidate", "party", "running_mate", "popular_votes", "pct", "electoral_votes"]
    ].values.tolist() == [
        ["George W. Bush", "Republican", "Dick Cheney", 1455713, 53.30, 11],
        ["John Kerry", "Democratic", "John Edwards", 1259171, 46.10, 0],
    ]


def test_election_row(seed_tables):
    election = seed_tables.elections.iloc[0]
    assert (election["year"], election["state"], election["state_po"], election["state_fips"]) == (
        2004,
        "Missouri",
        "MO",
        "29",
    )
    assert str(election["election_date"].date()) == "2004-11-02"
    assert (election["previous_year"], election["next_year"]) == (2000, 2008)


def test_every_row_names_its_file_and_line(seed_tables, seed_lines):
    jackson = one(seed_tables.county_summaries, county="Jackson")
    assert jackson["file"] == SEED_NAME
    assert seed_lines[jackson["line"] - 1].startswith("| Jackson | 130,500 |")


# --- Tables found by heading and header, not position -----------------------------------


def test_tables_are_found_when_sections_move(seed_text):
    """Moving the district section above the results changes nothing."""
    start = seed_text.index("===By congressional district===")
    end = seed_text.index("==Electors==")
    district_block = seed_text[start:end]
    moved = seed_text[:start] + seed_text[end:]
    moved = moved.replace("==Primaries==", district_block + "==Primaries==")
    tables = tables_from_text(moved)
    assert len(tables.district_results) == 18
    assert len(tables.county_summaries) == 115


def test_missing_optional_sections_give_empty_tables(seed_text):
    start = seed_text.index("===By congressional district===")
    text = seed_text[:start]  # drops districts, electors and the See also list
    tables = tables_from_text(text)
    assert tables.district_results.empty and tables.electors.empty
    assert len(tables.county_summaries) == 115


def test_unreadable_vote_cell_names_section_line_and_column(seed_text):
    text = seed_text.replace("| Adair | 6,367 |", "| Adair | 6,3x7 |")
    with pytest.raises(ArticleError) as error:
        tables_from_text(text)
    assert str(error.value) == (
        f"{SEED_NAME}, section 'Results > By county', line 89: "
        "column 'George W. Bush Republican #': '6,3x7' is not a whole number"
    )


COUNT_SPELLINGS = [
    "1,455,713",
    "0",
    "-53,154",
    "007",
    "−53,154",
    "–490",
    "+12",
    "1 234",
    "12345678",
    "999,999,999,999,999,999",
    "9,223,372,036,854,775,807",
    "-9,223,372,036,854,775,807",
    "٣",  # an Arabic-Indic digit: Python reads it, as parse_count always did
]
PERCENT_SPELLINGS = ["53.30%", "-16.82%", "−16.82%", "0.00%", "-0.00%", "63.6", "25%", ".5%", "5.%"]


def test_counts_read_column_by_column_as_cell_by_cell():
    values = parse_counts(COUNT_SPELLINGS)
    assert values.dtype == "int64"
    assert values.tolist() == [parse_count(text) for text in COUNT_SPELLINGS]
    assert values.tolist()[:3] == [1455713, 0, -53154]
    assert parse_counts([]).tolist() == []


def test_percentages_read_column_by_column_as_cell_by_cell():
    values = parse_percents(PERCENT_SPELLINGS)
    assert values.dtype == "float64"
    assert values.tolist() == [parse_percent(text) for text in PERCENT_SPELLINGS]
    assert values.tolist()[:2] == [53.3, -16.82]


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (["1,234", "2,1x7", "x"], "'2,1x7' is not a whole number"),
        (["10,000,000,000,000,000,000"], "'10,000,000,000,000,000,000' is too large for a count"),
        (["12,34"], "'12,34' is not a whole number"),
    ],
)
def test_counts_refused_column_by_column_as_cell_by_cell(texts, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_counts(texts)


def test_percentages_refused_column_by_column_as_cell_by_cell():
    with pytest.raises(ValueError, match=re.escape("'5.1.0%' is not a percentage")):
        parse_percents(["53.30%", "5.1.0%"])


def test_by_county_cells_in_other_spellings_read_as_written(seed_text):
    text = seed_text.replace(
        "| Adair | 6,367 | 55.83% | 4,938 | 43.30% | 99 | 0.87% | 1,429 | 12.53% |",
        "| Adair | 6,367 | 55.83% | 4,938 | 43.30% | 99 | 0.87% | −1,429 | 12.53 % |",
    )
    summary = one(tables_from_text(text).county_summaries, county="Adair")
    assert (summary["margin_votes"], summary["margin_pct"]) == (-1429, 12.53)


def test_the_first_faulty_row_is_named_when_a_later_row_is_short(seed_text):
    bad_cell = seed_text.replace("| Andrew | 5,135 |", "| Andrew | 5,1x5 |")
    short_row = "| Audrain | 6,294 | 58.92% | 4,318 | 40.42% | 71 | 0.66% | 1,976 | 18.50% |\n"
    with pytest.raises(ArticleError) as error:
        tables_from_text(bad_cell.replace("| Audrain |", short_row + "| Audrain |"))
    assert str(error.value) == (
        f"{SEED_NAME}, section 'Results > By county', line 90: "
        "column 'George W. Bush Republican #': '5,1x5' is not a whole number"
    )
    late_bad_cell = seed_text.replace("| Audrain | 6,294 |", "| Audrain | 6,2x4 |")
    with pytest.raises(ArticleError) as error:
        tables_from_text(late_bad_cell.replace("| Andrew |", short_row + "| Andrew |"))
    assert str(error.value) == (
        f"{SEED_NAME}, section 'Results > By county', line 90: row 'Audrain' has 9 filled cells "
        "where the header needs 10 (a missing cell, or the file is cut off mid-table)"
    )


def test_the_first_faulty_district_row_is_named(seed_text):
    bad_percent = seed_text.replace("| | 60% | 40% | Todd Akin |", "| | 6x0% | 40% | Todd Akin |")
    bad_district = "| District nine | 59% | 41% | Kenny Hulshof |"
    with pytest.raises(ArticleError) as error:
        tables_from_text(bad_percent.replace("| | 59% | 41% | Kenny Hulshof |", bad_district))
    assert str(error.value) == (
        f"{SEED_NAME}, section 'Results > By congressional district', line 222: "
        "column 'Bush': '6x0%' is not a percentage"
    )
    late_bad_percent = seed_text.replace("| | 59% | 41% |", "| | 5x9% | 41% |")
    with pytest.raises(ArticleError) as error:
        tables_from_text(late_bad_percent.replace("| | 60% | 40% | Todd Akin |", bad_district))
    assert str(error.value) == (
        f"{SEED_NAME}, section 'Results > By congressional district', line 222: "
        "district cell 'District nine' is neither a number nor 'At-large'"
    )


def test_article_without_by_county_table(seed_text):
    start = seed_text.index("===By county===")
    end = seed_text.index("====Counties that flipped")
    with pytest.raises(ArticleError, match="no by-county table"):
        tables_from_text(seed_text[:start] + seed_text[end:])


def test_an_empty_county_cell_is_named_even_with_a_value_beyond_the_table(seed_text):
    """Ten filled cells where ten are needed, but one of them stands past the table."""
    shifted = seed_text.replace(
        "| Adair | 6,367 | 55.83% | 4,938 |", "| Adair | 6,367 | 55.83% |  | 4,938 |"
    )
    with pytest.raises(ArticleError) as error:
        tables_from_text(shifted)
    assert str(error.value) == (
        f"{SEED_NAME}, section 'Results > By county', line 89: row 'Adair' has an empty cell "
        "(cell 4 of the 10 the header needs) (a missing cell, or the file is cut off mid-table)"
    )
