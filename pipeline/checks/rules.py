"""Stage 3: data-quality rules over the typed tables.

Every rule is a pure function from :class:`~pipeline.tables.extract.ElectionTables` to the
cells that break it, one row per cell: file, line, column, published value and
expected value. The rules run on the tables of many articles at once (vectorized), and
each finding names its article, so one bad article is refused on its own (see
:func:`refused_files`) while the others load.

A rule reads one article's rows, or compares the articles of one state (the same
election twice, an election and the one before), never articles of different states: the
rules find the same on a group of whole states as on every article at once, so a load
checks a group of states at a time (:mod:`pipeline.checks.by_state`).

ERROR rules refuse the article; WARN rules report facts of the source that analysts
should know about (rounded percentages, empty predictions) without refusing anything;
INFO rules note what is right but worth knowing (a historical county without a FIPS code).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from pipeline.tables.extract import OTHER_CANDIDATE, ElectionTables, each_label, national_party
from pipeline.tables.reference import county_name_keys, name_key
from pipeline.tables.schemas import ASSET_TABLES, COUNTY_EQUIVALENTS, MODELS
from pipeline.text.article import ArticleError

ERROR = "ERROR"
WARN = "WARN"
INFO = "INFO"
# Published percentages are rounded to 2 decimals: a cell up to 0.005 points away from
# votes ÷ total is exact (a percentage printed with fewer decimals is allowed its own
# rounding); beyond that only the article's own rounding (a margin as the difference of
# rounded percentages) is accepted.
ROUNDING = 0.005
# The 'Other' column of a by-county table sums several candidates; the source prints its
# % up to one unit of the last decimal off (5 cells of the 2004 Missouri seed).
OTHER_ROUNDING = ROUNDING + 0.01
PERCENT_SUM_TOLERANCE = 0.1

CELL_COLUMNS = ["file", "line", "column", "published", "expected"]
FINDING_COLUMNS = [
    "check",
    "table",
    "severity",
    "file",
    "section",
    "line",
    "key",
    *CELL_COLUMNS[2:],
]
VERDICT_COLUMNS = ["article", "check_name", "asset", "severity", "status", "reason"]
PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


@dataclass(frozen=True)
class Rule:
    """A named data-quality rule and the table (Dagster asset) it guards.

    ``find`` returns the failing cells; the readability rule has none, its findings are
    the articles that extraction could not read.
    """

    name: str
    table: str
    severity: str
    description: str
    find: Callable[[ElectionTables], pd.DataFrame] | None


RULES: list[Rule] = []
ARTICLES_ARE_READABLE = Rule(
    "articles_are_readable",
    "elections",
    ERROR,
    "Every article file is UTF-8 text in the family's layout, and every table cell the "
    "pipeline reads holds a value of its type (a count, a percentage). The finding names "
    "the file, the section, the line and the fault.",
    None,
)


def rule(table: str, severity: str = ERROR) -> Callable:
    """Register a rule function; its name and docstring name and describe the check."""

    def register(find: Callable[[ElectionTables], pd.DataFrame]) -> Callable:
        description = " ".join((find.__doc__ or "").split())
        RULES.append(Rule(find.__name__, table, severity, description, find))
        return find

    return register


def cells(frame: pd.DataFrame, column, published, expected) -> pd.DataFrame:
    """Failing cells in the common shape; values are shown as text."""
    if frame.empty:
        return no_cells()
    out = pd.DataFrame(
        {
            "file": frame["file"].astype("str"),
            "line": frame["line"].astype("int64"),
            "column": column if isinstance(column, pd.Series) else pd.Series(column, frame.index),
            "published": _text(published, frame.index),
            "expected": _text(expected, frame.index),
        }
    )
    return out.reset_index(drop=True)


def _text(values, index) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(values, index=index)
    return series.map(_show).astype("str")


def _show(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "(empty)"
    if isinstance(value, (int, np.integer)):
        return f"{value:,}"
    if isinstance(value, (float, np.floating)):
        return f"{value:.2f}"
    return str(value)


def no_cells() -> pd.DataFrame:
    """No failing cell (a copy: the caller may change it). Most rules find none on most
    groups of articles, so the empty frame is made once."""
    return _no_cells().copy()


@lru_cache(maxsize=1)
def _no_cells() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="str") for name in CELL_COLUMNS}).astype(
        {"line": "int64"}
    )


def rows_not_in(frame: pd.DataFrame, other: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rows of ``frame`` whose ``columns`` hold no row of ``other``'s (an anti-join of
    key columns without nulls). The keys of both are numbered together, and the numbers
    compared: a merge with an indicator costs about ten times as much on the few hundred
    rows a rule compares, a set of tuples five times as much on the tens of thousands of a
    whole corpus."""
    if frame.empty or other.empty:
        return frame
    keys = pd.concat([frame[columns], other[columns]], ignore_index=True)
    numbers = keys.groupby(columns, sort=False, dropna=False).ngroup().to_numpy()
    return frame[~np.isin(numbers[: len(frame)], numbers[len(frame) :])]


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [part for part in parts if len(part)]
    return pd.concat(parts, ignore_index=True) if parts else no_cells()


# --- Schemas (pandera) ------------------------------------------------------------------


def schema_cells(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Cells of ``frame`` that break its pandera model (dtypes, nulls, ranges, uniqueness)."""
    try:
        MODELS[table].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return no_cells()
    # A row-level check (uniqueness, numbering) reports every column of a failing row:
    # keep one cell per check and row, the column the check names first (numbering),
    # else the last one (the last column of a unique key).
    named = cases["column"] == cases["check"].str.split().str[0]
    cases = cases.assign(named=named).sort_values("named", kind="stable")
    cases = cases.drop_duplicates(["check", "index"], keep="last").sort_index()
    located = cases["index"].notna()
    rows = frame.loc[cases.loc[located, "index"].astype("int64")]
    found = cells(
        rows,
        cases.loc[located, "column"].astype("str").to_numpy(),
        cases.loc[located, "failure_case"].to_numpy(),
        cases.loc[located, "check"].to_numpy(),
    )
    # Rows of a long table (one per candidate) share their line: one cell each.
    found = found.drop_duplicates()
    # A failure without a row (a missing column, a wrong dtype) concerns every article.
    unlocated = cases[~located]
    if len(unlocated):
        everywhere = frame.drop_duplicates("file") if len(frame) else frame
        found = _concat(
            [found]
            + [
                cells(everywhere, case["column"], case["failure_case"], case["check"])
                for _, case in unlocated.iterrows()
            ]
        )
    return found


def schema_rule(table: str) -> Rule:
    model = MODELS[table]
    return Rule(
        name=f"{table}_schema",
        table=table,
        severity=ERROR,
        description=f"Columns, types, null values, ranges and uniqueness of {table} "
        f"(pandera model {model.__name__}).",
        find=lambda tables: schema_cells(table, getattr(tables, table)),
    )


# --- By-county table --------------------------------------------------------------------


@lru_cache(maxsize=1)
def _county_numbers(tables: ElectionTables) -> tuple[np.ndarray, np.ndarray, int]:
    """A number for each county (file and county name) of the by-county tables: those of
    the summary rows, those of the result rows, and how many there are. Joining the half a
    million result rows to their county by these numbers takes a fifth of the time of
    joining them by the two names."""
    summaries, results = tables.county_summaries, tables.county_results
    files = pd.concat([summaries["file"], results["file"]], ignore_index=True)
    names = pd.concat([summaries["county"], results["county"]], ignore_index=True)
    files, names = (pd.factorize(labels, use_na_sentinel=False)[0] for labels in (files, names))
    numbers, counties = pd.factorize(files.astype("int64") << 32 | names)
    return numbers[: len(summaries)], numbers[len(summaries) :], len(counties)


def _first_rows(numbers: np.ndarray, count: int, rows: np.ndarray | None = None) -> np.ndarray:
    """The position of the first of ``rows`` (default: all) with each of ``count`` numbers,
    −1 where none has it."""
    rows = np.arange(len(numbers)) if rows is None else rows
    first = np.full(count, -1)
    first[numbers[rows[::-1]]] = rows[::-1]  # the last assignment, the first row, wins
    return first


def _taken(series: pd.Series, positions: np.ndarray) -> pd.Series:
    """``series`` at ``positions``, null at −1 (as a left join leaves a row without match)."""
    return pd.Series(series.array.take(positions, allow_fill=True))


def _county_frame(tables: ElectionTables) -> pd.DataFrame:
    """County result rows (the columns the percentages read) with their county's total and
    margin (of its first summary row: a county twice is the schema check's finding)."""
    summary_numbers, result_numbers, count = _county_numbers(tables)
    summary = _first_rows(summary_numbers, count)[result_numbers]
    summaries = tables.county_summaries
    results = tables.county_results[
        ["file", "line", "county", "column_order", "candidate", "votes", "pct"]
    ]
    return results.assign(
        **{
            column: _taken(summaries[column], summary).set_axis(results.index)
            for column in ("total_votes", "margin_votes", "margin_pct")
        }
    )


def _first_in_column(tables: ElectionTables, order: int) -> np.ndarray:
    """For each summary row, the position of the first result row of its county in the
    candidate column ``order`` (−1 where the county has none)."""
    summary_numbers, result_numbers, count = _county_numbers(tables)
    in_column = np.flatnonzero(tables.county_results["column_order"].to_numpy() == order)
    return _first_rows(result_numbers, count, in_column)[summary_numbers]


@rule("county_results")
def county_columns_sum_to_total(tables: ElectionTables) -> pd.DataFrame:
    """In every county, the candidate columns (the 'Other' column included) add up to the
    county's Total."""
    summary_numbers, result_numbers, count = _county_numbers(tables)
    sums = np.zeros(count, dtype="int64")
    np.add.at(sums, result_numbers, tables.county_results["votes"].to_numpy("int64"))
    summed = np.bincount(result_numbers, minlength=count)[summary_numbers] > 0
    column_sum = pd.array(sums, dtype="Int64").take(
        np.where(summed, summary_numbers, -1), allow_fill=True
    )
    summaries = tables.county_summaries.assign(column_sum=column_sum)
    bad = summaries[(summaries["column_sum"] != summaries["total_votes"]).fillna(True)]
    return cells(bad, "Total", bad["total_votes"], bad["column_sum"])


@rule("county_results")
def county_margin_is_first_minus_second(tables: ElectionTables) -> pd.DataFrame:
    """In every county, the Margin equals the first candidate column minus the second."""
    votes = tables.county_results["votes"].astype("Int64")
    expected = _taken(votes, _first_in_column(tables, 1)) - _taken(
        votes, _first_in_column(tables, 2)
    )
    summaries = tables.county_summaries.assign(
        expected=expected.set_axis(tables.county_summaries.index)
    )
    summaries = summaries[summaries["margin_votes"].notna() & summaries["expected"].notna()]
    bad = summaries[summaries["margin_votes"] != summaries["expected"]]
    return cells(bad, "Margin #", bad["margin_votes"], bad["expected"])


@lru_cache(maxsize=1)
def _percent_drift(tables: ElectionTables) -> pd.DataFrame:
    """Every published % of the by-county table beside votes ÷ total, with the distance,
    the tolerance of its rounding, and whether it is the figure the article's own rounding
    gives (a Margin % as the first candidate's rounded % minus the second's). Computed once
    per set of tables: two rules read it."""
    counties = _county_frame(tables)
    candidate = counties.assign(
        column=counties["candidate"] + " %",
        published=counties["pct"],
        computed=counties["votes"] / counties["total_votes"] * 100,
        rounded=np.nan,
        tolerance=np.where(counties["candidate"] == OTHER_CANDIDATE, OTHER_ROUNDING, ROUNDING),
    )
    pct = tables.county_results["pct"]
    summaries = tables.county_summaries.assign(
        rounded=(
            _taken(pct, _first_in_column(tables, 1)) - _taken(pct, _first_in_column(tables, 2))
        ).set_axis(tables.county_summaries.index)
    )
    margin = summaries.assign(
        column="Margin %",
        published=summaries["margin_pct"],
        computed=summaries["margin_votes"] / summaries["total_votes"] * 100,
        tolerance=ROUNDING,
    )
    totals = tables.county_table_totals
    grand = totals[totals["column"] == "Total"][["file", "votes"]].rename(
        columns={"votes": "grand"}
    )
    totals = totals[totals["column"] != "Total"].merge(grand, on="file")
    totals = totals.assign(
        column=totals["column"] + " %",
        published=totals["pct"],
        computed=totals["votes"] / totals["grand"] * 100,
        rounded=np.nan,
        tolerance=ROUNDING,
    )
    columns = ["file", "line", "column", "published", "computed", "rounded", "tolerance"]
    drift = pd.concat([candidate[columns], margin[columns], totals[columns]], ignore_index=True)
    drift = drift[drift["published"].notna() & drift["computed"].notna()]
    published = drift["published"].astype("float64")
    distance = (published - drift["computed"].astype("float64")).abs()
    article_rounding = (published - drift["rounded"].astype("float64")).abs().round(9) == 0
    distance = distance.round(9)
    return drift.assign(
        distance=distance, wrong=(distance > drift["tolerance"]) & ~article_rounding
    )


@rule("county_results")
def county_percentages_match_votes(tables: ElectionTables) -> pd.DataFrame:
    """Every published percentage of the by-county table (candidates, margin, Totals row)
    is within 0.005 points (the rounding to 2 decimals) of votes ÷ total, or is the figure
    the article's own rounding gives: a Margin % equal to the first candidate's published %
    minus the second's; an 'Other' % (several candidates summed) within 0.015."""
    drift = _percent_drift(tables)
    bad = drift[drift["wrong"]]
    return cells(bad, bad["column"], bad["published"], bad["computed"])


@rule("county_results", WARN)
def county_percentages_rounding_drift(tables: ElectionTables) -> pd.DataFrame:
    """Published percentages more than 0.005 points from votes ÷ total that are the article's
    own rounding (a margin % printed as the difference of rounded percentages, an 'Other' %
    one unit of the last decimal off). The published figure is kept."""
    drift = _percent_drift(tables)
    bad = drift[(drift["distance"] > ROUNDING) & ~drift["wrong"]]
    return cells(bad, bad["column"], bad["published"], bad["computed"])


@rule("county_table_totals")
def county_totals_row_matches_sums(tables: ElectionTables) -> pd.DataFrame:
    """The by-county table's Totals row equals the sum of its counties, column by column."""
    results = tables.county_results
    by_candidate = results.groupby(["file", "candidate"])["votes"].sum()
    by_candidate.index = by_candidate.index.set_names(["file", "column"])
    summaries = tables.county_summaries
    margin = summaries.groupby("file")["margin_votes"].sum(min_count=1)
    total = summaries.groupby("file")["total_votes"].sum()
    sums = pd.concat(
        [
            by_candidate,
            pd.Series(margin.to_numpy(), pd.MultiIndex.from_product([margin.index, ["Margin"]])),
            pd.Series(total.to_numpy(), pd.MultiIndex.from_product([total.index, ["Total"]])),
        ]
    ).rename("sum")
    sums.index = sums.index.set_names(["file", "column"])
    totals = tables.county_table_totals.join(sums, on=["file", "column"])
    bad = totals[totals["sum"].isna() | (totals["votes"] != totals["sum"])]
    return cells(bad, bad["column"] + " #", bad["votes"], bad["sum"])


# --- Statewide results ------------------------------------------------------------------


@rule("state_results")
def state_votes_sum_to_total(tables: ElectionTables) -> pd.DataFrame:
    """The candidates' votes in the statewide results add up to its Totals row: popular
    votes, and legislative votes where a legislature chose the electors."""
    parts = []
    measures = [
        ("votes", "total_votes", "Votes"),
        ("legislative_votes", "legislative_votes", "Legislative vote"),
    ]
    for column, total, label in measures:
        sums = tables.state_results.groupby("file")[column].sum().rename("sum")
        elections = tables.elections.join(sums, on="file")
        elections = elections[elections[total].notna()]
        bad = elections[elections["sum"].fillna(0) != elections[total]]
        parts.append(
            cells(bad.assign(line=bad["totals_line"]), f"Totals: {label}", bad[total], bad["sum"])
        )
    return _concat(parts)


@rule("state_results")
def electoral_votes_sum_to_total(tables: ElectionTables) -> pd.DataFrame:
    """The candidates' electoral votes in the statewide results add up to the state's
    electoral votes in its Totals row (a split state, a faithless or an unpledged elector
    gives them to several candidates; no rule assumes that the winner takes all)."""
    results = tables.state_results
    given = results[results["electoral_votes"].notna()]
    sums = given.groupby("file")["electoral_votes"].sum().rename("sum")
    elections = tables.elections.join(sums, on="file")
    elections = elections[elections["electoral_votes"].notna() & elections["sum"].notna()]
    bad = elections[elections["sum"] != elections["electoral_votes"]]
    return cells(
        bad.assign(line=bad["totals_line"]),
        "Electoral votes (sum)",
        bad["sum"],
        bad["electoral_votes"],
    )


@rule("state_results")
def state_percentages_sum_to_100(tables: ElectionTables) -> pd.DataFrame:
    """The candidates' published percentages add up to 100 ± 0.1."""
    results = tables.state_results[tables.state_results["pct"].notna()]
    sums = results.groupby("file").agg(pct=("pct", "sum"), line=("line", "max")).reset_index()
    bad = sums[(sums["pct"] - 100).abs().round(9) > PERCENT_SUM_TOLERANCE]
    return cells(bad, "Percentage (sum)", bad["pct"], "100.00 ± 0.1")


def _printed_rounding(frame: pd.DataFrame) -> pd.Series:
    """Half a unit of the last decimal each article prints in ``frame``'s ``pct`` column (the
    most decimals among its values, at most 2: parsing drops trailing zeros)."""
    pct = frame["pct"].astype("float64")
    whole, tenths = (pct - pct.round()).abs() < 1e-6, (pct * 10 - (pct * 10).round()).abs() < 1e-6
    decimals = np.select([whole, tenths], [0, 1], 2)
    printed = pd.Series(decimals, index=frame.index).groupby(frame["file"]).transform("max")
    return 0.5 * 10.0**-printed


@rule("state_results")
def state_percentages_match_votes(tables: ElectionTables) -> pd.DataFrame:
    """Each candidate's published statewide percentage is within rounding of votes ÷ the
    Totals row's votes: 0.005 points where the table prints 2 decimals, 0.05 for 1."""
    results = tables.state_results.merge(
        tables.elections[["file", "total_votes"]], on="file", how="left"
    )
    results = results[
        results["pct"].notna() & results["votes"].notna() & (results["total_votes"] > 0)
    ]
    published = results["pct"].astype("float64")
    computed = results["votes"].astype("float64") / results["total_votes"].astype("float64") * 100
    bad = results[(published - computed).abs().round(9) > _printed_rounding(results)]
    return cells(bad, "Percentage", bad["pct"], computed[bad.index])


# --- Across tables -----------------------------------------------------------------------


@rule("county_results")
def county_columns_match_statewide(tables: ElectionTables) -> pd.DataFrame:
    """Each candidate column of the by-county table adds up to that candidate's statewide
    votes; the 'Other' column adds up to the statewide votes of the candidates without a
    column."""
    results = tables.county_results
    column_sums = results.groupby(["file", "candidate"])["votes"].sum().rename("county_sum")
    state = tables.state_results
    with_column = state.merge(
        results[["file", "candidate"]].drop_duplicates(),
        on=["file", "candidate"],
        how="left",
        indicator=True,
    )
    has_column = with_column["_merge"] == "both"
    named = with_column[has_column].set_index(["file", "candidate"])["votes"]
    other = (
        with_column[~has_column]
        .groupby("file")["votes"]
        .sum()
        .reindex(results["file"].unique(), fill_value=0)
    )
    other.index = pd.MultiIndex.from_arrays(
        [other.index, [OTHER_CANDIDATE] * len(other)], names=["file", "candidate"]
    )
    statewide = pd.concat([named, other]).rename("statewide")
    compared = pd.concat([column_sums, statewide], axis=1, join="inner").reset_index()
    bad = compared[compared["county_sum"] != compared["statewide"]]
    totals_row = tables.county_table_totals.set_index(["file", "column"])["line"]
    lines = pd.Series(list(zip(bad["file"], bad["candidate"], strict=True))).map(totals_row)
    bad = bad.assign(line=lines.to_numpy())
    return cells(bad, bad["candidate"] + " # (county sum)", bad["county_sum"], bad["statewide"])


@rule("county_results")
def county_parties_match_statewide(tables: ElectionTables) -> pd.DataFrame:
    """Each candidate column of the by-county table names the candidate's party of the
    statewide results (a state affiliate counts as its national party): a misspelt header
    would otherwise publish a party that is not one."""
    results = tables.county_results[["file", "candidate", "party", "line"]]
    columns = results[results["candidate"] != OTHER_CANDIDATE].drop_duplicates(
        ["file", "candidate"]
    )
    state = tables.state_results[["file", "candidate", "party"]].drop_duplicates(
        ["file", "candidate"]
    )
    compared = columns.merge(state, on=["file", "candidate"], suffixes=("", "_statewide"))
    compared = compared[compared["party"].notna() & compared["party_statewide"].notna()]
    bad = compared[
        each_label(national_party, compared["party"])
        != each_label(national_party, compared["party_statewide"])
    ]
    return cells(bad, "Party of " + bad["candidate"], bad["party"], bad["party_statewide"])


@rule("nominees")
def infobox_matches_results(tables: ElectionTables) -> pd.DataFrame:
    """Popular votes, percentages (where the infobox has them) and electoral votes of each
    infobox nominee equal the statewide results table."""
    state = tables.state_results[["file", "candidate", "votes", "pct", "electoral_votes"]]
    nominees = tables.nominees.merge(state, on=["file", "candidate"], how="left", indicator=True)
    missing = nominees[nominees["_merge"] == "left_only"]
    found = nominees[nominees["_merge"] == "both"]
    parts = [cells(missing, "Nominee", missing["candidate"], "a candidate of the results table")]
    for column, published, expected in [
        ("Popular Vote", "popular_votes", "votes"),
        ("Percentage", "pct_x", "pct_y"),
        ("Electoral Vote", "electoral_votes_x", "electoral_votes_y"),
    ]:
        given = found[found[published].notna()]
        bad = given[given[published].astype("Float64") != given[expected].astype("Float64")]
        parts.append(
            cells(bad, column + bad["ordinal"].astype("str"), bad[published], bad[expected])
        )
    return _concat(parts)


def _state_electoral_votes(tables: ElectionTables) -> pd.Series:
    """Electoral votes of each article's state: its Totals row, else the candidates' sum."""
    results = tables.state_results[tables.state_results["electoral_votes"].notna()]
    sums = results.groupby("file")["electoral_votes"].sum()
    totals = tables.elections.set_index("file")["electoral_votes"]
    return totals.fillna(sums.reindex(totals.index)).rename("electoral_votes")


@rule("electors")
def electors_match_electoral_votes(tables: ElectionTables) -> pd.DataFrame:
    """The electors list has as many names as the state has electoral votes (its Totals
    row, else the candidates' sum)."""
    listed = tables.electors.groupby("file").agg(count=("ordinal", "size"), line=("line", "max"))
    compared = listed.join(_state_electoral_votes(tables)).reset_index()
    expected = compared["electoral_votes"]
    bad = compared[expected.notna() & (compared["count"] != expected)]
    return cells(bad, "Electors (count)", bad["count"], bad["electoral_votes"])


@rule("electors")
def electors_match_candidates(tables: ElectionTables) -> pd.DataFrame:
    """Where the article names the candidate of every elector, each candidate has as many
    electors as electoral votes in the statewide results."""
    electors = tables.electors
    unnamed = electors.loc[electors["candidate"].isna(), "file"].unique()
    electors = electors[~electors["file"].isin(unnamed)]
    listed = (
        electors.groupby(["file", "candidate"])
        .agg(count=("ordinal", "size"), line=("line", "max"))
        .reset_index()
    )
    state = tables.state_results
    state = state[state["file"].isin(electors["file"]) & (state["electoral_votes"].fillna(0) > 0)]
    won = state[["file", "candidate", "electoral_votes", "line"]].rename(
        columns={"line": "results_line"}
    )
    compared = listed.merge(won, on=["file", "candidate"], how="outer")
    compared["count"] = compared["count"].fillna(0).astype("int64")
    compared["electoral_votes"] = compared["electoral_votes"].fillna(0)
    compared["line"] = compared["line"].fillna(compared["results_line"]).astype("int64")
    bad = compared[compared["count"] != compared["electoral_votes"]]
    return cells(bad, "Electors of " + bad["candidate"], bad["count"], bad["electoral_votes"])


@rule("district_results", WARN)
def districts_match_electoral_votes(tables: ElectionTables) -> pd.DataFrame:
    """The district table has electoral votes − 2 districts (1 for an at-large state)."""
    districts = tables.district_results.groupby("file").agg(
        count=("district", "nunique"), line=("line", "max")
    )
    votes = tables.elections.set_index("file")["electoral_votes"]
    compared = districts.join(votes).reset_index()
    compared = compared[compared["electoral_votes"].notna()]
    expected = (compared["electoral_votes"] - 2).clip(lower=1)
    bad = compared[compared["count"] != expected]
    return cells(bad, "District (count)", bad["count"], expected[bad.index])


@rule("district_results")
def district_percentages_at_most_100(tables: ElectionTables) -> pd.DataFrame:
    """In each congressional district, the candidates' published percentages add up to at
    most 100, plus the rounding of each (0.5 points where the table prints whole
    percentages, 0.005 for 2 decimals)."""
    districts = tables.district_results[tables.district_results["pct"].notna()]
    districts = districts.assign(rounding=_printed_rounding(districts))
    sums = (
        districts.groupby(["file", "district"])
        .agg(pct=("pct", "sum"), rounding=("rounding", "sum"), line=("line", "min"))
        .reset_index()
    )
    limit = 100 + sums["rounding"]
    bad = sums[sums["pct"].astype("float64").round(9) > limit]
    return cells(bad, "Percentage (sum)", bad["pct"], limit[bad.index].map("at most {:.3f}".format))


@rule("district_results")
def district_electoral_votes_within_statewide(tables: ElectionTables) -> pd.DataFrame:
    """In a split state, no candidate wins more district electors (the district table's
    'Electoral vote' column) than electoral votes in the statewide results."""
    districts = tables.district_results[tables.district_results["electoral_votes"].notna()]
    won = districts.groupby(["file", "candidate"]).agg(
        districts=("electoral_votes", "sum"), line=("line", "max")
    )
    state = tables.state_results.set_index(["file", "candidate"])["electoral_votes"]
    compared = won.join(state).reset_index()
    bad = compared[compared["districts"] > compared["electoral_votes"].fillna(0)]
    return cells(
        bad,
        "Electoral vote of " + bad["candidate"] + " (districts)",
        bad["districts"],
        "at most " + bad["electoral_votes"].fillna(0).astype("int64").astype("str"),
    )


@rule("county_flips")
def flipped_counties_won_by_new_party(tables: ElectionTables) -> pd.DataFrame:
    """Every flipped county is a county of the by-county table, won there by the party it
    flipped to (a state affiliate counts as its national party: Minnesota's
    Democratic–Farmer–Labor is Democratic)."""
    flipped = tables.county_flips[["file", "county"]]
    # Only the columns read below are joined and sorted.
    results = tables.county_results[["file", "county", "candidate", "party", "votes"]]
    results = results.merge(flipped, on=["file", "county"])
    results = results[results["candidate"] != OTHER_CANDIDATE]
    winners = results.sort_values("votes", ascending=False).drop_duplicates(["file", "county"])
    flips = tables.county_flips.merge(
        winners[["file", "county", "party"]], on=["file", "county"], how="left", indicator=True
    )
    missing = flips[flips["_merge"] == "left_only"]
    present = flips[flips["_merge"] == "both"]
    winner = each_label(national_party, present["party"].fillna(""))
    wrong = present[winner != each_label(national_party, present["to_party"])]
    return _concat(
        [
            cells(missing, "County", missing["county"], "a county of the by-county table"),
            cells(wrong, "Winner", wrong["party"], wrong["to_party"]),
        ]
    )


def _unit_winners(
    results: pd.DataFrame, summaries: pd.DataFrame, nationals: dict[str, str]
) -> pd.DataFrame:
    """The national party with the most votes in each unit of ``summaries`` (year,
    state_po, current_fips), a tie having none: the votes of each candidate column but
    'Other' (of a known party), summed over the county rows of the unit's current FIPS
    code. A row of ``results`` counts in the unit of its county row (the summary of the
    same file and line).

    Half a million rows are summed here: by integer codes of their labels, into a matrix
    of units by parties, and only the winners are labelled again (a fifth of the time of
    grouping and joining the labels themselves). Codes are numbered in the order of their
    labels, so the units come out in the order a grouping of the labels gives."""
    file_codes = pd.factorize(pd.concat([summaries["file"], results["file"]], ignore_index=True))[0]
    lines = np.concatenate([summaries["line"].to_numpy("int64"), results["line"].to_numpy("int64")])
    rows = file_codes.astype("int64") << 32 | lines
    summary = pd.Index(rows[: len(summaries)]).get_indexer(rows[len(summaries) :])
    counted = (
        (summary >= 0)
        & (results["candidate"] != OTHER_CANDIDATE).to_numpy()
        & results["party"].notna().to_numpy()
    )
    summary = summary[counted]
    labels, label_names = pd.factorize(results["party"])
    party_of_label, parties = pd.factorize(label_names.map(nationals).to_numpy(), sort=True)
    party = party_of_label[labels[counted]]
    states, state_names = pd.factorize(summaries["state_po"], sort=True)
    fips, fips_names = pd.factorize(summaries["current_fips"], sort=True)
    years = summaries["year"].to_numpy("int64")
    unit_key = (years * len(state_names) + states) * len(fips_names) + fips
    unit_of_summary, unit_keys = pd.factorize(unit_key, sort=True)
    units = unit_of_summary[summary]
    votes = np.zeros((len(unit_keys), len(parties)), dtype="int64")
    np.add.at(votes, (units, party), results["votes"].to_numpy("int64")[counted])
    leading = (votes == votes.max(axis=1, keepdims=True, initial=0)) & (votes > 0)
    won = leading.sum(axis=1) == 1  # a tie has no winner
    year_state, fips_code = np.divmod(unit_keys[won], len(fips_names))
    year, state = np.divmod(year_state, len(state_names))
    return pd.DataFrame(
        {
            "year": year,
            "state_po": pd.array(state_names[state], dtype="str"),
            "current_fips": pd.array(fips_names[fips_code], dtype="str"),
            "party": pd.array(parties[leading[won].nonzero()[1]], dtype="str"),
        }
    )


@rule("county_flips", WARN)
def flipped_counties_match_computed_flips(tables: ElectionTables) -> pd.DataFrame:
    """Where an article lists flipped counties and the state's previous election with a
    by-county table is loaded too and is the article's Previous Year, the list holds the
    units whose winner changed since: the national party with the most votes, summed over
    each unit as it is today (current_fips; Bedford city with Bedford County), as county_flips
    computes them. A listed county that did not flip so, and a flipped one the list lacks,
    are named."""
    summaries = tables.county_summaries[tables.county_summaries["current_fips"].notna()]
    held = summaries[["year", "state_po"]].drop_duplicates().sort_values(["state_po", "year"])
    held["previous_year"] = held.groupby("state_po")["year"].shift().astype("Int64")
    elections = tables.elections[["file", "year", "state_po", "previous_year"]]
    listing = elections["file"].isin(tables.county_flips["file"].unique())
    compared = elections[listing].merge(held, on=["year", "state_po", "previous_year"])
    if compared.empty:  # no list to compare (most articles list no flipped county)
        return no_cells()
    # Only the elections compared, and those they are compared with, are read further.
    involved = pd.concat(
        [
            compared[["year", "state_po"]],
            compared[["previous_year", "state_po"]].rename(columns={"previous_year": "year"}),
        ]
    ).astype({"year": "int64"})
    summaries = summaries.merge(involved.drop_duplicates(), on=["year", "state_po"])
    flips = tables.county_flips
    labels = pd.concat([tables.county_results["party"], flips["from_party"], flips["to_party"]])
    labels = labels.dropna().unique()
    nationals = dict(zip(labels, each_label(national_party, pd.Series(labels)), strict=True))
    winners = _unit_winners(tables.county_results, summaries, nationals)
    pairs = (
        winners.rename(columns={"party": "to_party"})
        .merge(compared, on=["year", "state_po"])
        .merge(
            winners.rename(columns={"year": "previous_year", "party": "from_party"}).astype(
                {"previous_year": "Int64"}
            ),
            on=["previous_year", "state_po", "current_fips"],
        )
    )
    computed = pairs[pairs["from_party"] != pairs["to_party"]]
    listed = tables.county_flips.merge(
        summaries[["file", "county", "current_fips"]], on=["file", "county"]
    ).merge(pairs[["file", "current_fips"]], on=["file", "current_fips"])
    listed = listed.assign(
        from_party=listed["from_party"].map(nationals), to_party=listed["to_party"].map(nationals)
    )
    flip = ["file", "current_fips", "from_party", "to_party"]
    unlisted = rows_not_in(computed, listed, flip)
    uncomputed = rows_not_in(listed, computed, flip)
    if unlisted.empty and uncomputed.empty:  # the usual case: nothing more to name
        return no_cells()
    uncomputed = uncomputed.merge(
        pairs[["file", "current_fips", "year", "previous_year", "from_party", "to_party"]],
        on=["file", "current_fips"],
        suffixes=("", "_computed"),
    )
    # An unlisted unit by its rows of the by-county table (Bedford + Bedford City).
    rows = summaries.merge(unlisted[["file", "current_fips"]].drop_duplicates())
    rows = rows.sort_values("county")[["file", "current_fips", "county", "line"]]
    several = rows.duplicated(["file", "current_fips"], keep=False)
    merged = (
        rows[several]
        .groupby(["file", "current_fips"], as_index=False)
        .agg(county=("county", " + ".join), line=("line", "min"))
    )
    unlisted = unlisted.merge(
        pd.concat([rows[~several], merged], ignore_index=True), on=["file", "current_fips"]
    )
    return _concat(
        [
            cells(
                uncomputed,
                "Flipped county",
                uncomputed["county"]
                + ": "
                + uncomputed["from_party"]
                + " → "
                + uncomputed["to_party"],
                uncomputed["from_party_computed"]
                + " carried it in "
                + uncomputed["previous_year"].astype("str")
                + ", "
                + uncomputed["to_party_computed"]
                + " in "
                + uncomputed["year"].astype("str"),
            ),
            cells(
                unlisted,
                "County",
                unlisted["county"],
                "flipped from "
                + unlisted["from_party"]
                + " ("
                + unlisted["previous_year"].astype("str")
                + ") to "
                + unlisted["to_party"]
                + ": missing from the article's list of flipped counties",
            ),
        ]
    )


@rule("predictions", WARN)
def predictions_have_ratings(tables: ElectionTables) -> pd.DataFrame:
    """An article's predictions table gives at least one rating (the source sometimes lists
    the organizations with every rating cell empty)."""
    predictions = tables.predictions
    rated = (
        predictions.groupby("file")
        .agg(rated=("rating", "count"), rows=("source", "size"), line=("line", "min"))
        .reset_index()
    )
    bad = rated[rated["rated"] == 0]
    return cells(bad, "Ranking", "empty in all " + bad["rows"].astype("str") + " rows", "a rating")


@rule("elections")
def one_article_per_election(tables: ElectionTables) -> pd.DataFrame:
    """No two article files describe the same state and year; each of them is named, since
    either may be the one to remove."""
    elections = tables.elections
    duplicated = elections[elections.duplicated(["year", "state_po"], keep=False)]
    files = duplicated.groupby(["year", "state_po"])["file"].agg(", ".join).rename("files")
    duplicated = duplicated.join(files, on=["year", "state_po"])
    return cells(
        duplicated,
        "Title",
        duplicated["title"],
        "one article per state and year; these files describe the same: " + duplicated["files"],
    )


@rule("county_results", WARN)
def county_names_resolve_to_fips(tables: ElectionTables) -> pd.DataFrame:
    """Every county-equivalent name resolves to a FIPS code of its state (Census 2010 and
    2016 county files, and the units renamed or merged since: county_fips_changes.csv); a
    name that does not loads with a NULL county_fips. Wards, state house districts and
    towns have no FIPS code, and are not reported."""
    summaries = tables.county_summaries
    missing = summaries[
        summaries["county_fips"].isna() & summaries["unit_type"].isin(COUNTY_EQUIVALENTS)
    ]
    return cells(
        missing,
        "County",
        missing["county"],
        "a county-equivalent of " + missing["state_po"] + " in the Census county files",
    )


@rule("county_results", INFO)
def historical_units_have_no_fips(tables: ElectionTables) -> pd.DataFrame:
    """Counties that never had a FIPS code (abolished before the Census county numbering;
    county_fips_changes.csv lists them) load with a NULL county_fips and the code of their
    successor today as current_fips: noted, not a fault."""
    summaries = tables.county_summaries
    historical = summaries[summaries["unit_type"] == "historical"]
    return cells(
        historical,
        "County",
        historical["county"],
        "no FIPS code; today part of " + historical["current_fips"].fillna("(unknown)"),
    )


@rule("nominees", WARN)
def infobox_figures_are_clean(tables: ElectionTables) -> pd.DataFrame:
    """Every infobox figure (electoral vote, popular vote, percentage) is a number alone. A
    footnote leaked into a value ('9) instead of Kerry') is reported; the number before it
    is read and compared with the results table."""
    nominees = tables.nominees
    leaked = nominees[nominees["leaked_text"].notna()]
    return cells(leaked, "Infobox", leaked["leaked_text"], "a number alone")


COUNTIES_MATCH_REFERENCE = Rule(
    "counties_match_reference",
    "county_results",
    WARN,
    "Each county's Republican, Democratic and total votes equal those of an independent "
    "county-returns file (MEDSL's layout, ELECTIONS_REFERENCE_CSV), matched by FIPS code, "
    "for the elections both hold. A difference that a unit the reference reports apart "
    "(such as Kansas City, MO, 2938000) makes up exactly is named with that unit.",
    None,
)
MEASURES = [("Republican #", "REPUBLICAN"), ("Democratic #", "DEMOCRAT"), ("Total", "TOTAL")]


def _measures(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Republican, Democratic and total votes per ``keys`` from (party, votes) rows."""
    wide = frame.pivot_table(index=keys, columns="party", values="votes", aggfunc="sum")
    out = pd.DataFrame(index=wide.index)
    for party in ("REPUBLICAN", "DEMOCRAT"):
        out[party] = wide.get(party, 0)
    out["TOTAL"] = wide.sum(axis=1)
    return out.fillna(0).astype("int64").reset_index()


def reference_cells(tables: ElectionTables, returns: pd.DataFrame) -> pd.DataFrame:
    """Counties whose votes differ from the reference ``returns`` (see
    :func:`~pipeline.tables.reference.read_county_returns`), one cell per differing measure."""
    party_of = {"Republican": "REPUBLICAN", "Democratic": "DEMOCRAT"}
    results = tables.county_results[tables.county_results["county_fips"].notna()]
    keys = ["file", "year", "state_po", "county", "county_fips", "line"]
    article = _measures(
        results.assign(party=results["party"].map(party_of).fillna("OTHER")), keys
    ).drop(columns="TOTAL")
    totals = tables.county_summaries[["file", "county", "total_votes"]]
    article = article.merge(totals, on=["file", "county"]).rename(columns={"total_votes": "TOTAL"})
    # A 5-digit code is a county only where the reference names it as the Census does:
    # Alaska's state-house districts 02001-02040 reuse borough codes.
    names = county_name_keys()
    is_county = pd.Series(
        [
            isinstance(fips, str)
            and any(name_key(name).startswith(key) for key in names.get(fips, ()))
            for fips, name in zip(returns["fips"], returns["name"], strict=True)
        ],
        index=returns.index,
        dtype="bool",  # an empty list would select no column instead of no row
    )
    counties = _measures(returns[is_county], ["year", "state_po", "fips"])
    apart = _measures(
        returns[~is_county].fillna({"fips": "no code"}), ["year", "state_po", "fips", "name"]
    )
    # Compare the elections for which the reference reports counties at all.
    held = counties[["year", "state_po"]].drop_duplicates()
    article = article.merge(held, on=["year", "state_po"])
    compared = article.merge(
        counties.rename(columns={"fips": "county_fips"}),
        on=["year", "state_po", "county_fips"],
        how="left",
        suffixes=("", "_reference"),
        indicator=True,
    )
    missing = compared[compared["_merge"] == "left_only"]
    parts = [cells(missing, "County", missing["county"], "a county of the reference")]
    found = compared[compared["_merge"] == "both"]
    different = found[
        np.logical_or.reduce([found[m] != found[f"{m}_reference"] for _, m in MEASURES])
    ]
    for row in different.itertuples(index=False):
        frame = pd.DataFrame([row._asdict()])
        gap = {m: getattr(row, m) - getattr(row, f"{m}_reference") for _, m in MEASURES}
        unit = apart[
            (apart["year"] == row.year)
            & (apart["state_po"] == row.state_po)
            & np.logical_and.reduce([apart[m] == gap[m] for _, m in MEASURES])
        ]
        for column, measure in MEASURES:
            published, reference = getattr(row, measure), getattr(row, f"{measure}_reference")
            if published == reference and unit.empty:
                continue
            expected = f"{int(reference):,} in the reference"
            if not unit.empty:
                extra = unit.iloc[0]
                expected += (
                    f" + {extra[measure]:,} of {extra['name']} ({extra['fips']}), which the "
                    f"reference reports apart and the article counts inside {row.county} "
                    f"({row.county_fips})"
                )
            parts.append(cells(frame, column, published, expected))
    return _concat(parts)


def all_rules() -> list[Rule]:
    """Every rule: readability, the schema of each table, the row and table rules, then
    the comparison with a reference."""
    return (
        [ARTICLES_ARE_READABLE]
        + [schema_rule(table) for table in ASSET_TABLES]
        + RULES
        + [COUNTIES_MATCH_REFERENCE]
    )


# --- Evaluation ---------------------------------------------------------------------------


def evaluate(
    tables: ElectionTables,
    unreadable: Iterable[ArticleError] = (),
    reference: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every failing cell of every rule, located by file, section and line, beginning with
    the articles that could not be read at all. ``reference``: county returns of an
    independent source to compare with (the comparison passes without one)."""
    found_by_rule = {check.name: check.find(tables) for check in all_rules() if check.find}
    if reference is not None:
        found_by_rule[COUNTIES_MATCH_REFERENCE.name] = reference_cells(tables, reference)
    parts = [
        found.assign(check=check.name, table=check.table, severity=check.severity)
        for check in all_rules()
        if len(found := found_by_rule.get(check.name, ()))
    ]
    unread = pd.DataFrame(
        [
            {
                "check": ARTICLES_ARE_READABLE.name,
                "table": ARTICLES_ARE_READABLE.table,
                "severity": ERROR,
                "file": error.file,
                "section": error.section or "(file)",
                "line": error.line or 0,
                "column": "",
                "published": "(unreadable)",
                "expected": error.reason,
            }
            for error in unreadable
        ],
        columns=FINDING_COLUMNS,
    )
    frames = [unread]
    if parts:
        frames.append(locate(pd.concat(parts, ignore_index=True), tables.sections))
    columns = [c for c in FINDING_COLUMNS if c != "key"]
    findings = pd.concat([frame[columns] for frame in frames], ignore_index=True)
    findings = findings.astype({c: "str" for c in columns} | {"line": "int64"})
    return in_order(with_keys(findings, tables))


def in_order(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings in one order, however they were gathered (at once, or a group of states
    at a time): rules in their order, then file and line."""
    order = {check.name: number for number, check in enumerate(all_rules())}
    return findings.sort_values(
        ["check", "file", "line"],
        key=lambda column: column.map(order) if column.name == "check" else column,
        kind="stable",
    ).reset_index(drop=True)


def row_keys(tables: ElectionTables) -> pd.DataFrame:
    """What names each row of an article an analyst would look for, by file and line: a
    county by its name and FIPS code, a district by its number, a Totals row as 'Totals',
    a candidate, an elector or a news organization by name."""
    counties = tables.county_summaries
    county_keys = counties["county"].where(
        counties["county_fips"].isna(), counties["county"] + ", " + counties["county_fips"]
    )
    districts = tables.district_results
    parts = [
        (counties, county_keys),
        (tables.county_table_totals, "Totals"),
        (tables.elections.assign(line=tables.elections["totals_line"]), "Totals"),
        (tables.state_results, tables.state_results["candidate"]),
        (tables.nominees, tables.nominees["candidate"]),
        (districts, "district " + districts["district_label"]),
        (
            tables.district_representatives,
            "district " + tables.district_representatives["district"].astype("str"),
        ),
        (tables.electors, tables.electors["elector"]),
        (tables.predictions, tables.predictions["source"]),
        (tables.county_flips, tables.county_flips["county"]),
    ]
    keys = pd.concat(
        [
            pd.DataFrame({"file": frame["file"], "line": frame["line"], "key": key})
            for frame, key in parts
            if len(frame)
        ]
        or [pd.DataFrame({"file": [], "line": [], "key": []})],
        ignore_index=True,
    )
    keys = keys.astype({"file": "str", "line": "int64", "key": "str"})
    return keys.drop_duplicates(["file", "line"])


def with_keys(findings: pd.DataFrame, tables: ElectionTables) -> pd.DataFrame:
    """``findings`` with the key of the row each one stands on (empty where none)."""
    keyed = findings.merge(row_keys(tables), on=["file", "line"], how="left")
    return keyed.assign(key=keyed["key"].fillna("").astype("str"))


# Rules whose failure makes an article's other findings mere consequences of it.
ROOT_CAUSES = ("one_article_per_election",)


def without_consequences(findings: pd.DataFrame) -> pd.DataFrame:
    """One root cause, one finding: an article that fails a structural rule (the same
    election in two files) keeps that finding only; the others follow from it. (Applied
    to what a load reports, after the parse cache kept every finding: the duplicate may go
    away while the article stays.)"""
    rooted = findings.loc[findings["check"].isin(ROOT_CAUSES), "file"].unique()
    return findings[~findings["file"].isin(rooted) | findings["check"].isin(ROOT_CAUSES)]


def judge(
    tables: ElectionTables,
    files: Iterable[str],
    findings: pd.DataFrame,
    reference: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The verdict of every check on every article file: ``failed`` with its failing cells,
    ``skipped`` with the reason it could not run (never counted as passed), else ``passed``.

    A check is skipped on an article that could not be read, on one whose election fails a
    root-cause rule, on one without rows in the table the check guards, and, for the
    comparison with a reference, without a reference or an election the reference holds.
    """
    rules = pd.DataFrame(
        [(r.name, r.table, r.severity) for r in all_rules()],
        columns=["check_name", "asset", "severity"],
    )
    out = pd.DataFrame({"article": pd.Series(sorted(set(files)), dtype="str")}).merge(
        rules, how="cross"
    )
    failures = findings.groupby(["file", "check"]).size()
    failing = pd.Series(
        pd.MultiIndex.from_frame(out[["article", "check_name"]]).isin(failures.index)
    )
    read = set(tables.elections["file"])
    rooted = set(findings.loc[findings["check"].isin(ROOT_CAUSES), "file"])
    with_rows = pd.concat(
        pd.DataFrame({"article": getattr(tables, asset)["file"].unique(), "asset": asset})
        for asset in rules["asset"].unique()
    )
    has_rows = pd.MultiIndex.from_frame(out[["article", "asset"]]).isin(
        pd.MultiIndex.from_frame(with_rows)
    )
    readability = out["check_name"] == ARTICLES_ARE_READABLE.name
    comparison = out["check_name"] == COUNTIES_MATCH_REFERENCE.name
    held = _reference_elections(tables, reference)
    reasons = [
        (~readability & ~out["article"].isin(read), "the article could not be read"),
        (
            ~readability & ~out["check_name"].isin(ROOT_CAUSES) & out["article"].isin(rooted),
            "not checked: the same election is in another file (one_article_per_election)",
        ),
        (comparison & (reference is None), "no reference file given (ELECTIONS_REFERENCE_CSV)"),
        (comparison & ~out["article"].isin(held), "the reference has no returns of this election"),
        (~readability & ~has_rows, "no " + out["asset"] + " rows in this article"),
    ]
    reason = pd.Series(None, index=out.index, dtype="object")
    for condition, why in reversed(reasons):  # the first reason that applies wins
        reason = reason.mask(condition & ~failing.to_numpy(), why)
    status = np.select([failing.to_numpy(), reason.notna()], [FAILED, SKIPPED], PASSED)
    return out.assign(status=status, reason=reason.astype("str"))[VERDICT_COLUMNS]


def _reference_elections(tables: ElectionTables, reference: pd.DataFrame | None) -> set[str]:
    """Articles whose election the reference returns hold."""
    if reference is None:
        return set()
    held = reference[["year", "state_po"]].drop_duplicates()
    return set(tables.elections.merge(held, on=["year", "state_po"])["file"])


def locate(findings: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """Add the section each finding's line stands in (the nearest heading above it)."""
    headings = sections[["file", "line", "section"]].sort_values("line")
    ordered = findings.reset_index(drop=True).reset_index().sort_values("line")
    placed = pd.merge_asof(ordered, headings, on="line", by="file", direction="backward")
    placed["section"] = placed["section"].fillna("(lead)")
    return placed.sort_values("index").drop(columns="index").reset_index(drop=True)


def describe_finding(finding) -> str:
    """One finding as a sentence that says where the fault is and what it is."""
    key = f" ({finding.key})" if getattr(finding, "key", "") else ""
    where = f"{finding.file}, section '{finding.section}', line {finding.line}{key}"
    if finding.check == ARTICLES_ARE_READABLE.name:
        return f"{where}: {finding.expected}"
    return f"{where}, column '{finding.column}': {finding.published} (expected {finding.expected})"


def refused_files(findings: pd.DataFrame) -> list[str]:
    """Articles with at least one ERROR finding: they are not published."""
    errors = findings[findings["severity"] == ERROR]
    return sorted(errors["file"].dropna().unique())
