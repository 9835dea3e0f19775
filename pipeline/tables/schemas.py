"""The typed tables extracted from articles: one pandera model per table.

Each model is the contract of its table: column order, dtypes, nullability, ranges and
uniqueness. Extraction builds its DataFrames from these models (:func:`empty_frame`,
:func:`typed_frame`) and the quality checks validate them with ``validate(lazy=True)``.
"""

from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
from pandera import extensions
from pandera.dtypes import immutable
from pandera.engines import pandas_engine
from pandera.typing import Series


@immutable(init=True)
class Text(pandas_engine.STRING):
    """pandas' text dtype (:class:`pandas.StringDtype`), as pandera checks it, answering a
    match with one boolean for the column instead of one per row: given one per row,
    pandera builds and prints a table of the (no) failing rows of every text column at each
    validation, a tenth of the time of the checks of a group of articles."""

    def check(self, pandera_dtype: pa.DataType, data_container: pd.Series | None = None):
        matches = super().check(pandera_dtype, data_container)
        if isinstance(matches, np.ndarray) and matches.all():
            return True
        return matches


TEXT = Text()
COUNT = pd.Int64Dtype()
PERCENT = pd.Float64Dtype()
ELECTION_KEY = ["year", "state_po"]
# What a by-county table's rows are: county-equivalents (a historical one never had a
# FIPS code), and units that are not county-equivalents and carry no FIPS code.
COUNTY_EQUIVALENTS = ("county", "parish", "borough", "census area", "independent city")
UNIT_TYPES = (*COUNTY_EQUIVALENTS, "historical", "ward", "state house district", "town")


@extensions.register_check_method()
def at_most_two_decimals(series: pd.Series) -> pd.Series:
    """A published percentage has at most two decimals ('53.30%', '63.6%'): the warehouse
    stores it as DECIMAL(5,2), exactly as printed, and a third decimal would be lost."""
    return (series.astype("float64") * 100).round(6) % 1 == 0


def non_empty(description: str, **kwargs) -> pa.Field:
    """A text column that must hold at least one character in every row."""
    return pa.Field(description=description, str_length={"min_value": 1}, **kwargs)


class ArticleRow(pa.DataFrameModel):
    """Columns every extracted table starts with: where the row comes from, and its election."""

    file: Series[TEXT] = non_empty("Article file in the raw folder.")
    line: Series[int] = pa.Field(ge=1, description="Line of the article file the row comes from.")
    year: Series[int] = pa.Field(
        ge=1788, le=2100, description="Election year, from the article title."
    )
    state_po: Series[TEXT] = pa.Field(
        str_matches=r"^[A-Z]{2}$", description="Postal code of the state, from the title."
    )

    class Config:
        strict = True
        ordered = True


class Elections(ArticleRow):
    """One row per article: the election it describes, with the statewide totals row."""

    state: Series[TEXT] = non_empty("Full state name.")
    state_fips: Series[TEXT] = pa.Field(
        str_matches=r"^\d{2}$", description="Two-digit state FIPS code."
    )
    sha256: Series[TEXT] = pa.Field(
        str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the article file: its version."
    )
    title: Series[TEXT] = non_empty("Article title.")
    election_date: Series[pa.DateTime] = pa.Field(
        nullable=True, description="Election day from the infobox; null where not given."
    )
    electoral_votes: Series[COUNT] = pa.Field(
        ge=0, nullable=True, description="Electoral votes in the results table's Totals row."
    )
    totals_line: Series[int] = pa.Field(ge=1, description="Line of the results table's Totals row.")
    total_votes: Series[COUNT] = pa.Field(
        ge=0,
        nullable=True,
        description="Popular votes in the results table's Totals row; null where the "
        "legislature chose the electors (no popular vote).",
    )
    total_pct: Series[PERCENT] = pa.Field(
        ge=0,
        le=100.1,
        nullable=True,
        at_most_two_decimals=(),
        description="Percentage in that Totals row.",
    )
    turnout_pct: Series[PERCENT] = pa.Field(
        ge=0,
        le=100,
        nullable=True,
        at_most_two_decimals=(),
        description="Turnout from the results table's turnout row.",
    )
    turnout_basis: Series[TEXT] = pa.Field(
        nullable=True, description="What the turnout is measured against."
    )
    previous_year: Series[COUNT] = pa.Field(
        nullable=True, description="Previous election year, from the infobox."
    )
    next_year: Series[COUNT] = pa.Field(
        nullable=True, description="Next election year, from the infobox."
    )
    legislative_votes: Series[COUNT] = pa.Field(
        ge=0,
        nullable=True,
        description="Legislative votes in the Totals row, where a legislature chose the "
        "electors; null otherwise.",
    )

    class Config:
        unique = tuple(ELECTION_KEY)


class Nominees(ArticleRow):
    """Nominees of the infobox (``Nominee1``, ``Nominee2``…) and the figures it gives."""

    ordinal: Series[int] = pa.Field(ge=1, description="N of the NomineeN key.")
    candidate: Series[TEXT] = non_empty("Nominee, spelled as in the results table.")
    party: Series[TEXT] = pa.Field(nullable=True, description="Short party name.")
    home_state: Series[TEXT] = pa.Field(nullable=True, description="Home state.")
    running_mate: Series[TEXT] = pa.Field(nullable=True, description="Running mate.")
    electoral_votes: Series[COUNT] = pa.Field(
        ge=0, nullable=True, description="Electoral votes; null where missing or broken."
    )
    popular_votes: Series[COUNT] = pa.Field(
        ge=0, nullable=True, description="Popular votes; null where missing or broken."
    )
    pct: Series[PERCENT] = pa.Field(
        ge=0,
        le=100,
        nullable=True,
        at_most_two_decimals=(),
        description="Percentage; null where missing or broken.",
    )
    leaked_text: Series[TEXT] = pa.Field(
        nullable=True,
        description="Infobox figures with text after their number, as written (a leaked "
        "footnote: 'Electoral Vote1: 9) instead of Kerry'); null where clean.",
    )

    class Config:
        unique = (*ELECTION_KEY, "ordinal")


class StateResults(ArticleRow):
    """Candidate rows of the statewide results table."""

    ballot_order: Series[int] = pa.Field(ge=1, description="Row position in the table.")
    candidate: Series[TEXT] = non_empty("Candidate name without notes.")
    party: Series[TEXT] = pa.Field(nullable=True, description="Short party name.")
    votes: Series[COUNT] = pa.Field(
        ge=0, nullable=True, description="Popular votes as published; null without a popular vote."
    )
    pct: Series[PERCENT] = pa.Field(
        ge=0, le=100, nullable=True, at_most_two_decimals=(), description="Published percentage."
    )
    electoral_votes: Series[COUNT] = pa.Field(
        ge=0, nullable=True, description="Electoral votes won."
    )
    incumbent: Series[bool] = pa.Field(description="Marked '(incumbent)' in the article.")
    legislative_votes: Series[COUNT] = pa.Field(
        ge=0,
        nullable=True,
        description="Votes of the legislature that chose the electors, where it did.",
    )

    class Config:
        unique = (*ELECTION_KEY, "candidate")


class CountyResults(ArticleRow):
    """One row per county and candidate column of the by-county table."""

    county: Series[TEXT] = non_empty("County-equivalent as written.")
    county_fips: Series[TEXT] = pa.Field(
        str_matches=r"^\d{5}$",
        nullable=True,
        description="Five-digit FIPS of the unit in the election's year; null if it has none.",
    )
    column_order: Series[int] = pa.Field(ge=1, description="Position of the column group.")
    candidate: Series[TEXT] = non_empty("Candidate of the column; 'Other' for the aggregate.")
    party: Series[TEXT] = pa.Field(nullable=True, description="Party of the column.")
    votes: Series[int] = pa.Field(ge=0, description="Votes as published.")
    pct: Series[PERCENT] = pa.Field(
        ge=0,
        le=100,
        nullable=True,
        at_most_two_decimals=(),
        description="Published percentage of the county total.",
    )

    class Config:
        unique = (*ELECTION_KEY, "county", "candidate")


class CountySummaries(ArticleRow):
    """One row per county of the by-county table: its margin and total."""

    county: Series[TEXT] = pa.Field(
        str_length={"min_value": 1},
        str_matches=r"^(?!(?i:totals?)\b)",
        description="County-equivalent as written; never the table's Totals row.",
    )
    county_fips: Series[TEXT] = pa.Field(
        str_matches=r"^\d{5}$",
        nullable=True,
        description="Five-digit FIPS of the unit in the election's year; null if it has none.",
    )
    margin_votes: Series[COUNT] = pa.Field(
        nullable=True, description="Published margin: first column minus second."
    )
    margin_pct: Series[PERCENT] = pa.Field(
        ge=-100,
        le=100,
        nullable=True,
        at_most_two_decimals=(),
        description="Published margin in points.",
    )
    total_votes: Series[int] = pa.Field(ge=0, description="Published county total.")
    unit_type: Series[TEXT] = pa.Field(
        isin=list(UNIT_TYPES),
        description="What the row is: a county-equivalent (county, parish, borough, census "
        "area, independent city; historical: one that never had a FIPS code) or a ward, "
        "state house district or town.",
    )
    current_fips: Series[TEXT] = pa.Field(
        str_matches=r"^\d{5}$",
        nullable=True,
        description="FIPS code of the unit's successor today (itself where unchanged).",
    )

    class Config:
        unique = (*ELECTION_KEY, "county")


class CountyTableTotals(ArticleRow):
    """The by-county table's Totals row, one row per column group."""

    column: Series[TEXT] = non_empty("Candidate of the column, 'Margin' or 'Total'.")
    votes: Series[int] = pa.Field(description="Published count (the margin may be negative).")
    pct: Series[PERCENT] = pa.Field(
        ge=-100, le=100, nullable=True, at_most_two_decimals=(), description="Published percentage."
    )

    class Config:
        unique = (*ELECTION_KEY, "column")


class DistrictResults(ArticleRow):
    """Percentage of each candidate in each congressional district."""

    district: Series[int] = pa.Field(ge=1, description="District number, 1 for at-large.")
    district_label: Series[TEXT] = non_empty("The number as text, or 'At-large'.")
    candidate: Series[TEXT] = non_empty("Candidate, matched from the column header.")
    pct: Series[PERCENT] = pa.Field(
        ge=0, le=100, nullable=True, at_most_two_decimals=(), description="Published percentage."
    )
    electoral_votes: Series[COUNT] = pa.Field(
        ge=0,
        le=1,
        nullable=True,
        description="The district's elector (split states): 1 for the candidate the table's "
        "'Electoral vote' column names, 0 for the others; null without that column.",
    )

    class Config:
        unique = (*ELECTION_KEY, "district", "candidate")

    @pa.dataframe_check(error="district numbered 1..N in each article")
    def districts_numbered_from_one(cls, frame: pd.DataFrame) -> pd.Series:
        return frame.groupby("file")["district"].rank(method="dense") == frame["district"]


class DistrictRepresentatives(ArticleRow):
    """Representatives of each district; a continuation row adds a second one."""

    district: Series[int] = pa.Field(ge=1, description="District number.")
    ordinal: Series[int] = pa.Field(ge=1, description="1 for the first representative.")
    representative: Series[TEXT] = non_empty("Name as written.")

    class Config:
        unique = (*ELECTION_KEY, "district", "ordinal")


class Electors(ArticleRow):
    """Members of the Electoral College, from the numbered list."""

    ordinal: Series[int] = pa.Field(ge=1, description="Number of the list item.")
    elector: Series[TEXT] = non_empty("Elector name.")
    candidate: Series[TEXT] = pa.Field(
        nullable=True,
        description="Candidate the elector voted for, where the article says it; null elsewhere.",
    )

    class Config:
        unique = (*ELECTION_KEY, "ordinal")

    @pa.dataframe_check(error="ordinal numbered 1..N in list order")
    def electors_numbered_from_one(cls, frame: pd.DataFrame) -> pd.Series:
        return frame["ordinal"] == frame.groupby("file").cumcount() + 1


class Predictions(ArticleRow):
    """Pre-election ratings of news organizations."""

    source: Series[TEXT] = non_empty("News organization.")
    rating: Series[TEXT] = pa.Field(nullable=True, description="Rating; null where empty.")

    class Config:
        unique = (*ELECTION_KEY, "source")


class CountyFlips(ArticleRow):
    """Counties listed under 'Counties that flipped from X to Y'."""

    county: Series[TEXT] = non_empty("County-equivalent as written.")
    county_fips: Series[TEXT] = pa.Field(
        str_matches=r"^\d{5}$",
        nullable=True,
        description="Five-digit FIPS of the unit in the election's year; null if it has none.",
    )
    from_party: Series[TEXT] = non_empty("Party that carried the county before.")
    to_party: Series[TEXT] = non_empty("Party that carried it at this election.")
    largest_city: Series[TEXT] = pa.Field(nullable=True, description="Largest city, if given.")

    class Config:
        unique = (*ELECTION_KEY, "county")


class Fundraising(ArticleRow):
    """Money raised per candidate, from the Fundraising section's sentences."""

    candidate: Series[TEXT] = non_empty("Candidate named in the sentence.")
    raised_usd: Series[int] = pa.Field(ge=0, description="US dollars raised.")

    class Config:
        unique = (*ELECTION_KEY, "candidate")


class Sections(ArticleRow):
    """Headings of each article with their lines: where checks say a failing row stands."""

    section: Series[TEXT] = non_empty("Heading path, e.g. 'Results > By county'.")

    class Config:
        unique = ("file", "line")


MODELS: dict[str, type[ArticleRow]] = {
    "elections": Elections,
    "nominees": Nominees,
    "state_results": StateResults,
    "county_results": CountyResults,
    "county_summaries": CountySummaries,
    "county_table_totals": CountyTableTotals,
    "district_results": DistrictResults,
    "district_representatives": DistrictRepresentatives,
    "electors": Electors,
    "predictions": Predictions,
    "county_flips": CountyFlips,
    "fundraising": Fundraising,
    "sections": Sections,
}


# The tables of articles that are Dagster assets, with a schema check each; `sections`
# only places findings in their section, and no rule or load reads it otherwise.
ASSET_TABLES = [name for name in MODELS if name != "sections"]


def dtypes(table: str) -> dict[str, object]:
    """Column → pandas dtype of a table, in the model's column order."""
    return dict(_dtypes(table))


@cache
def _dtypes(table: str) -> tuple[tuple[str, object], ...]:
    return tuple(
        (name, column.dtype.type) for name, column in MODELS[table].to_schema().columns.items()
    )


def typed_frame(table: str, rows: list[dict] | Mapping[str, Sequence]) -> pd.DataFrame:
    """A DataFrame of a table, with the model's columns and dtypes, from row dicts or from
    columns (column name → values: a list, a NumPy or an Arrow array, all of one length).
    A column or key left out is null.

    Each column is made with its dtype at once: letting pandas guess a column's type before
    converting it costs more than parsing the articles' cells."""
    types = dtypes(table)
    if not isinstance(rows, Mapping):
        rows = {name: [row.get(name) for row in rows] for name in types}
    height = len(next(iter(rows.values()))) if rows else 0
    return pd.DataFrame(
        {
            name: typed_column(rows[name] if name in rows else [None] * height, dtype)
            for name, dtype in types.items()
        }
    )


def typed_column(values: Sequence, dtype: object) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """``values`` (a list, a NumPy or an Arrow array) as an array of ``dtype`` (NumPy's, or a
    pandas extension type).

    Text (str or None) goes through Arrow, which pandas' string arrays hold: three times
    quicker than pandas' own conversion, which also accepts and converts other types."""
    if isinstance(dtype, np.dtype):
        return np.asarray(values, dtype=dtype)
    if isinstance(values, pyarrow.Array):
        return pd.array(values, dtype=dtype)
    if isinstance(dtype, pd.StringDtype):
        return pd.array(pyarrow.array(values, pyarrow.large_string()), dtype=dtype)
    return pd.array(values, dtype=dtype)


def describe(table: str) -> str:
    """The model's docstring: what one row of the table is."""
    return " ".join((MODELS[table].__doc__ or "").split())
