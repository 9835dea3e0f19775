"""Stage 2: document model → typed tables.

Recognizers find each table by its section heading and its header text (never by its
position in the file), resolve its header rows and turn its cells into typed values.
Every row keeps the file and line it came from, so checks downstream can point at the
exact cell. A cell that cannot be read raises :class:`~pipeline.text.article.ArticleError`
naming the file, the section, the line and the column.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import cache
from itertools import chain, compress
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.processes import map_chunks
from pipeline.tables.reference import UNRESOLVED, Resolution, find_state, resolve_counties
from pipeline.tables.schemas import MODELS, dtypes, typed_frame
from pipeline.text.article import (
    Article,
    ArticleError,
    ListItem,
    Row,
    Section,
    Table,
    parse_article,
    read_title,
)

DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2012": "-"})
PLAIN_COUNT = re.compile(r"-?\d{1,3}(?:,\d{3})*\Z")
PLAIN_PERCENT = re.compile(r"-?\d+\.\d+%\Z")
# The common spellings of counts and percentages, read column by column: a cell's shape is
# its text with every ASCII digit written 9. A count has at most 18 digits there, so that it
# always fits an int64; a percentage at most 3 digits before the point and 4 after (or no
# point: district tables often write '25%').
DIGIT_SHAPE = str.maketrans("0123456789", "9" * 10)
COUNT_SHAPES = frozenset(
    sign + head + ",999" * groups
    for sign in ("", "-")
    for head in ("9", "99", "999")
    for groups in range(6)
)
PERCENT_SHAPES = frozenset(
    f"{sign}{'9' * whole}{decimals}%"
    for sign in ("", "-")
    for whole in (1, 2, 3)
    for decimals in ("", ".9", ".99", ".999", ".9999")
)
# The largest count the warehouse stores (DuckDB BIGINT, pandas int64).
BIGINT_MAX = 2**63 - 1
COUNT_PATTERN = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)$")
PERCENT_PATTERN = re.compile(r"^(?P<value>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*%?$")
NOTE_PATTERN = re.compile(r"\s*\((?P<note>[^()]*)\)$")
PARTY_COUNTRY = re.compile(r"\s*\((?:United States|US|U\.S\.)\)$")
PARTY_WORD = re.compile(r"\s+Party$", re.I)
WRITE_IN = re.compile(r"write[- ]?in", re.I)
NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}

RESULTS_HEADING = re.compile(r"^(?:results|general election|statewide results?)\b", re.I)
COUNTY_HEADING = re.compile(
    r"\bby (?:county|parish|borough|county[- ]equivalent|county and independent city"
    r"|municipality|census area|city|ward|(?:state )?(?:house|legislative) district"
    r"|town(?:ship)?)",
    re.I,
)
# First header cell of a by-county table: County, Parish, Borough, County or city,
# Borough/Census area, Locality, Jurisdiction… (the table also has a Margin group).
COUNTY_FIRST_HEADER = re.compile(
    r"^(?:counties|county|parish|borough|census area|municipality|city|independent city|locality"
    r"|jurisdiction|county[- ]equivalent|ward|town|township"
    r"|(?:state )?(?:house|legislative) district)s?"
    r"(?:\s*(?:/|or|and)\s*(?:county|parish|borough|census area|independent city|city"
    r"|equivalent)s?)?$",
    re.I,
)
INFOBOX_TURNOUT = re.compile(r"(?P<pct>[\d.]+)\s*%\s*(?:\((?:of )?(?P<basis>[^)]*)\))?")
DISTRICT_HEADING = re.compile(r"\bby congressional district\b", re.I)
ELECTORS_HEADING = re.compile(r"\belectors?\b|\belectoral college\b", re.I)
PREDICTIONS_HEADING = re.compile(r"\bpredictions?\b", re.I)
FLIP_HEADING = re.compile(
    r"^(?:counties|parishes|boroughs) that flipped from (?P<from>.+?) to (?P<to>.+)$", re.I
)
FUNDRAISING_HEADING = re.compile(r"\bfund-?raising\b", re.I)
# "Bush raised $4,026,802." — the only place the article gives these figures.
RAISED = re.compile(
    r"(?P<name>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*) raised \$(?P<amount>\d{1,3}(?:,\d{3})+|\d+)"
)
FLIP_ITEM = re.compile(
    r"^(?P<county>.+?)(?:\s*\(Largest (?:city|town|community): (?P<city>[^)]*)\))?$", re.I
)
TOTAL_LABEL = re.compile(r"^totals?(?: votes?(?: cast)?)?$", re.I)
TURNOUT_LABEL = re.compile(r"^(?:voter )?turnout\b(?:\s*\((?P<basis>[^)]*)\))?", re.I)
OTHER_COLUMN = re.compile(r"\b(?:various|others?|write[- ]?ins?|all others)\b", re.I)
AT_LARGE = re.compile(r"^at[- ]large$", re.I)
DIGIT = re.compile(r"\d")
NUMBER = re.compile(r"\d+")
ELECTORAL_VOTE_COLUMN = re.compile(r"^electoral votes?$", re.I)
LEGISLATIVE_COLUMNS = ("legislative vote", "legislative votes")
# Every column a statewide results table may have ('' for a merged, empty header cell).
RESULTS_COLUMNS = {
    "",
    "party",
    "candidate",
    "votes",
    "percentage",
    "%",
    "electoral votes",
    *LEGISLATIVE_COLUMNS,
}
ELECTOR_NOTE = re.compile(r"^(?:voted for|pledged to)\s+", re.I)
# Reporting units that are not county-equivalents, by the first header cell of their
# table: they carry no FIPS code. Alaska's municipalities are boroughs, not towns.
WARD_HEADER = re.compile(r"^wards?$", re.I)
HOUSE_DISTRICT_HEADER = re.compile(r"^(?:state )?(?:house|legislative) districts?$", re.I)
TOWN_HEADER = re.compile(r"^(?:towns?|townships?|municipalit(?:y|ies))$", re.I)
# State affiliates of a national party: Minnesota's DFL is the Democratic party there.
STATE_AFFILIATES = {
    "democratic-farmer-labor": "Democratic",
    "dfl": "Democratic",
    "democratic-nonpartisan league": "Democratic",
    "democratic-npl": "Democratic",
}

# The families margins compare; every other party is in the family ``Other``.
PARTY_FAMILIES = ("Republican", "Democratic")

# The rows of one table of one article, column by column: column name → values (a list, or
# a NumPy array for numbers read column by column), every column as long as the others.
Columns = dict[str, Sequence]


class Indexed(NamedTuple):
    """A text column given as its distinct values and, for each row, the index of its value:
    how a table repeats few values over many rows (a county's name over its candidate
    columns, the candidates over the counties), without a Python object per row."""

    values: list[str | None]
    index: np.ndarray

    def __len__(self) -> int:
        return len(self.index)

    @staticmethod
    def stacked(pieces: list[Indexed]) -> pa.Array:
        """The rows of many indexed columns, one after the other, as Arrow text."""
        starts = np.cumsum([0] + [len(piece.values) for piece in pieces[:-1]])
        index = np.concatenate(
            [piece.index + start for piece, start in zip(pieces, starts, strict=True)]
        )
        values = list(chain.from_iterable(piece.values for piece in pieces))
        return pc.take(pa.array(values, pa.large_string()), pa.array(index))


class ElectionKey(NamedTuple):
    """What every row of an article's tables starts with: its file and its election."""

    file: str
    year: int
    state_po: str


def title_election(text: str, file: str) -> tuple[int, str] | None:
    """The year and state (postal code) of the election an article's title names, read
    from its first line alone, or None when the title names none. Every row the article
    gives carries them (:func:`_article_tables`): articles can be grouped by election
    before they are parsed."""
    try:
        _, year, name = read_title(text.partition("\n")[0], file)
    except ArticleError:
        return None
    state = find_state(name)
    return None if state is None else (year, state.postal_code)


# An article's election key and the columns of each of its tables (without the key).
ArticleTables = tuple[ElectionKey, dict[str, Columns]]

CHUNK_ARTICLES = 250
# What extract_articles reads of each file (see pipeline.text.source.read_source).
SOURCE_COLUMNS = ("file", "text", "sha256", "error", "error_line")
OTHER_CANDIDATE = "Other"
OTHER_PARTY = "Other"


@dataclass(eq=False)  # compared and hashed by identity: checks memoize per set of tables
class ElectionTables:
    """The typed tables of one or many articles, one DataFrame per table.

    Every frame carries ``file`` and ``line`` (where the row stands in its article)
    and the election's natural key ``year`` + ``state_po``.
    """

    elections: pd.DataFrame
    nominees: pd.DataFrame
    state_results: pd.DataFrame
    county_results: pd.DataFrame
    county_summaries: pd.DataFrame
    county_table_totals: pd.DataFrame
    district_results: pd.DataFrame
    district_representatives: pd.DataFrame
    electors: pd.DataFrame
    predictions: pd.DataFrame
    county_flips: pd.DataFrame
    fundraising: pd.DataFrame
    sections: pd.DataFrame

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def select(self, files: pd.Series | list[str], keep: bool = True) -> ElectionTables:
        """The rows of the given article files (``keep=False``: of every other file)."""
        wanted = set(files)
        if not wanted and not keep:
            return self
        return ElectionTables(
            **{
                name: frame[frame["file"].isin(wanted) == keep].reset_index(drop=True)
                for name, frame in self.frames().items()
            }
        )

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in self.names()}

    @classmethod
    def concat(cls, parts: list[ElectionTables]) -> ElectionTables:
        """Stack the tables of many articles; an empty list gives empty typed frames."""
        if not parts:
            return cls(**{name: frame.copy() for name, frame in _no_tables().frames().items()})
        return cls(
            **{
                name: pd.concat([getattr(part, name) for part in parts], ignore_index=True)
                for name in cls.names()
            }
        )


@cache
def _no_tables() -> ElectionTables:
    """Empty typed tables, made once (typing the columns of 13 tables takes 80 ms)."""
    return _typed_tables([])


def extract_articles(files: pd.DataFrame) -> tuple[ElectionTables, list[ArticleError]]:
    """Tables of every readable article of ``files`` (see
    :func:`~pipeline.text.source.read_source`), and the error of each article that could
    not be read, both in the order of ``files``.

    Articles are parsed in chunks: each article's rows are gathered column by column and
    typed once per chunk (a DataFrame per article would cost more than parsing it, and the
    columns of every article at once would hold several times the memory of the typed
    frames). Where there are several chunks and ``ELECTIONS_PARSE_WORKERS`` allows, other
    processes parse chunks too.
    """
    sources = list(files[list(SOURCE_COLUMNS)].itertuples(index=False, name=None))
    chunks = [
        sources[start : start + CHUNK_ARTICLES] for start in range(0, len(sources), CHUNK_ARTICLES)
    ]
    results = map_chunks(extract_chunk, chunks, [len(chunk) for chunk in chunks], "parse")
    errors = [error for _, chunk_errors in results for error in chunk_errors]
    return ElectionTables.concat([tables for tables, _ in results]), errors


def extract_chunk(sources: list[tuple]) -> tuple[ElectionTables, list[ArticleError]]:
    """Tables and errors of a chunk of articles (tuples of :data:`SOURCE_COLUMNS`).

    The cyclic garbage collector pauses meanwhile (in the whole process): parsing makes
    millions of objects that live until the chunk's frames are made, and the collector
    would walk them again and again (a quarter of the parsing time) to find nothing, since
    they hold no cycles. They are freed, as they are made, by reference counting."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _chunk_tables(sources)
    finally:
        if collecting:
            gc.enable()


def _chunk_tables(sources: list[tuple]) -> tuple[ElectionTables, list[ArticleError]]:
    errors = []
    articles = []
    for file, text, sha256, error, error_line in sources:
        try:
            if pd.notna(error):
                line = None if pd.isna(error_line) else int(error_line)
                raise ArticleError(file, error, line=line)
            articles.append(_article_tables(parse_article(text, file, sha256)))
        except ArticleError as refused:
            errors.append(refused)
    return _typed_tables(articles), errors


def extract_tables(article: Article) -> ElectionTables:
    """All typed tables of one article. Raises ArticleError on an unreadable table."""
    return _typed_tables([_article_tables(article)])


def _typed_tables(articles: list[ArticleTables]) -> ElectionTables:
    """Typed DataFrames, with the columns of :mod:`pipeline.tables.schemas`, of the tables
    of many articles."""
    return ElectionTables(**{name: typed_frame(name, _stacked(name, articles)) for name in MODELS})


def _stacked(table: str, articles: list[ArticleTables]) -> Columns:
    """The columns of a table of many articles, their rows one article after the other,
    with the election key of each; a column an article does not give is null in its rows.

    The key columns repeat one value per article: they are made by Arrow, without a Python
    object per row."""
    parts = [
        (key, columns, height)
        for key, tables in articles
        if (height := _height(columns := tables[table]))
    ]
    article = pa.array(np.repeat(np.arange(len(parts)), [height for _, _, height in parts]))
    stacked: Columns = {
        "file": pc.take(pa.array([key.file for key, _, _ in parts], pa.large_string()), article),
        "year": pc.take(pa.array([key.year for key, _, _ in parts], pa.int64()), article),
        "state_po": pc.take(
            pa.array([key.state_po for key, _, _ in parts], pa.large_string()), article
        ),
    }
    for name in dtypes(table):
        if name in stacked:
            continue
        pieces = [
            columns[name] if name in columns else [None] * height for _, columns, height in parts
        ]
        if pieces and all(isinstance(piece, Indexed) for piece in pieces):
            stacked[name] = Indexed.stacked(pieces)
        elif pieces and all(isinstance(piece, np.ndarray) for piece in pieces):
            stacked[name] = np.concatenate(pieces)
        else:
            stacked[name] = list(
                chain.from_iterable(
                    piece.tolist() if isinstance(piece, np.ndarray) else piece for piece in pieces
                )
            )
    return stacked


def _height(columns: Columns) -> int:
    return len(next(iter(columns.values()))) if columns else 0


def _columns(rows: list[dict]) -> Columns:
    """Row dicts (with the same keys) as columns."""
    return {name: [row[name] for row in rows] for name in rows[0]} if rows else {}


# --- Cell values --------------------------------------------------------------------


def parse_count(text: str) -> int:
    """``1,455,713`` → 1455713; ``-53,154`` and ``−53,154`` → -53154. Raises ValueError,
    also for a number beyond the warehouse's BIGINT."""
    if PLAIN_COUNT.match(text):  # the common spelling, without the general clean-up
        count = int(text.replace(",", ""))
    else:
        value = text.translate(DASHES).replace(" ", "")
        if not COUNT_PATTERN.match(value):
            raise ValueError(f"'{text}' is not a whole number")
        count = int(value.replace(",", ""))
    if abs(count) > BIGINT_MAX:
        raise ValueError(f"'{text}' is too large for a count (at most {BIGINT_MAX:,})")
    return count


def parse_counts(texts: list[str]) -> np.ndarray:
    """:func:`parse_count` of every text, as int64: the texts in a common spelling
    (:data:`COUNT_SHAPES`) in one vectorised pass, the others through :func:`parse_count`,
    whose ValueError it raises."""
    common, where = _common(texts, COUNT_SHAPES)
    values = np.empty(len(texts), np.int64)
    values[where] = np.fromstring("\n".join(common).replace(",", ""), dtype=np.int64, sep="\n")
    for index in np.flatnonzero(~where):
        values[index] = parse_count(texts[index])
    return values


def parse_percents(texts: list[str]) -> np.ndarray:
    """:func:`parse_percent` of every text, as float64: the texts in a common spelling
    (:data:`PERCENT_SHAPES`) checked and read in one vectorised pass without their ``%``
    (NumPy reads decimals as ``float`` does, correctly rounded), the others through
    :func:`parse_percent`, whose ValueError it raises."""
    common, where = _common(texts, PERCENT_SHAPES)
    values = np.empty(len(texts), np.float64)
    values[where] = np.fromstring("\n".join(common).replace("%", ""), dtype=np.float64, sep="\n")
    for index in np.flatnonzero(~where):
        values[index] = parse_percent(texts[index])
    return values


def _common(texts: list[str], shapes: frozenset[str]) -> tuple[list[str], np.ndarray]:
    """The texts that have one of the ``shapes`` (each digit written 9), and which they are."""
    written = "\n".join(texts).translate(DIGIT_SHAPE).split("\n") if texts else []
    if shapes.issuperset(written):  # the usual case, quicker to tell
        return texts, np.ones(len(texts), bool)
    where = np.fromiter((shape in shapes for shape in written), bool, len(texts))
    return list(compress(texts, where)), where


def parse_percent(text: str) -> float:
    """``53.30%`` → 53.3; ``-16.82%`` → -16.82. Raises ValueError."""
    if PLAIN_PERCENT.match(text):
        return float(text[:-1])
    match = PERCENT_PATTERN.match(text.translate(DASHES).replace(" ", ""))
    if not match:
        raise ValueError(f"'{text}' is not a percentage")
    return float(match["value"])


def split_note(name: str) -> tuple[str, str | None]:
    """``George W. Bush (incumbent)`` → (``George W. Bush``, ``incumbent``)."""
    match = NOTE_PATTERN.search(name)
    if not match:
        return name, None
    return name[: match.start()].strip(), match["note"].strip()


@cache  # an article repeats its few party names in every table
def party_name(text: str) -> str | None:
    """A party as the warehouse names it: ``Republican Party (United States)`` → ``Republican``."""
    name = PARTY_COUNTRY.sub("", text.strip())
    name = PARTY_WORD.sub("", name).strip()
    if WRITE_IN.fullmatch(name):
        return "Write-in"
    return name or None


def national_party(party: str) -> str:
    """The national party a party name stands for, so that parties compare across tables
    and states: ``Democratic–Farmer–Labor`` and ``Minnesota Democratic-Farmer-Labor`` →
    ``Democratic``; ``Republican Party of Minnesota`` → ``Republican``; others unchanged."""
    name = re.sub(r"\s+party of .+$", "", party.strip(), flags=re.I)
    key = name.translate(DASHES).lower()
    for affiliate, national in STATE_AFFILIATES.items():
        if key == affiliate or key.endswith(" " + affiliate):
            return national
    return name


def each_label(function: Callable[[str], str], labels: pd.Series) -> pd.Series:
    """``function`` of each label (a party's, say; null stays null), computed once per
    distinct label: a few dozen labels stand in hundreds of thousands of rows."""
    distinct = labels.dropna().unique()
    return labels.map(dict(zip(distinct, map(function, distinct), strict=True)))


def party_family(party: str) -> str:
    """The family a party counts in for margins (docs/margins.md): ``Republican`` or
    ``Democratic`` where its national party is one of them (Minnesota's
    ``Democratic–Farmer–Labor`` and North Dakota's ``Democratic–NPL`` are Democratic),
    ``Other`` for every other party."""
    national = national_party(party)
    return national if national in PARTY_FAMILIES else OTHER_PARTY


@cache  # every name of a table's header is matched against the same candidates
def surname(name: str) -> str:
    words = [word for word in name.replace(",", " ").split() if word.lower() not in NAME_SUFFIXES]
    return words[-1].lower() if words else ""


def match_candidate(text: str, candidates: list[str]) -> str | None:
    """The statewide candidate a header or infobox name refers to.

    ``George W. Bush Republican`` (a by-county column group: name + party),
    ``Bush`` (a district column) and ``John F. Kerry`` (an infobox spelling) all
    resolve to the name of the statewide results table, so each candidate is spelled
    the same in every table.
    """
    lowered = text.lower().strip()
    for candidate in sorted(candidates, key=len, reverse=True):
        name = candidate.lower()
        if lowered == name or lowered.startswith(name + " "):
            return candidate
    by_surname = [c for c in candidates if surname(c) and surname(c) in lowered.split()]
    return by_surname[0] if len(by_surname) == 1 else None


class _Cells:
    """Typed reads of one table row, with errors that point at the cell."""

    def __init__(self, article: Article, section: Section, row: Row):
        self.article, self.section, self.row = article, section, row

    def error(self, message: str):
        return self.article.error(message, self.section, self.row.line)

    def count(self, text: str, column: str) -> int:
        try:
            return parse_count(text)
        except ValueError as error:
            raise self.error(f"column '{column}': {error}") from None

    def percent(self, text: str, column: str) -> float:
        try:
            return parse_percent(text)
        except ValueError as error:
            raise self.error(f"column '{column}': {error}") from None

    def optional_count(self, text: str, column: str) -> int | None:
        return self.count(text, column) if text else None

    def optional_percent(self, text: str, column: str) -> float | None:
        return self.percent(text, column) if text else None


# --- Finding tables -----------------------------------------------------------------


def find_table(
    article: Article, heading: re.Pattern, is_header: Callable[[Row], bool]
) -> tuple[Section, Table, int] | None:
    """The first table with a header row that ``is_header`` accepts, looked for under
    headings that match ``heading`` first and then anywhere: (section, table, header index).
    """
    preferred: list[Section] = []
    others: list[Section] = []
    for section in article.sections():
        (preferred if heading.search(section.name) else others).append(section)
    for section in preferred + others:
        for table in section.tables():
            for index, row in enumerate(table.rows[:3]):
                if is_header(row):
                    return section, table, index
    return None


def refuse_unrecognised_table(article: Article, heading: re.Pattern, expected: str) -> None:
    """Raise when a section named like ``heading`` holds a table that no recognizer took:
    its header drifted (``Source`` → ``Sources``), and the table would be lost silently."""
    for section in article.sections():
        if heading.search(section.name) and (tables := section.tables()):
            header = tables[0].rows[0]
            shown = " | ".join(header.cells)
            raise article.error(
                f"the table's header '{shown}' is not recognised (expected {expected}): "
                "its rows would be lost",
                section,
                header.line,
            )


def _lower_cells(row: Row) -> list[str]:
    return [cell.lower() for cell in row.cells]


def _is_results_header(row: Row) -> bool:
    """A statewide results header: candidates with popular votes, or with the votes of
    the legislature that chose the electors."""
    cells = _lower_cells(row)
    return "candidate" in cells and any(c == "votes" or c in LEGISLATIVE_COLUMNS for c in cells)


def _is_county_header(row: Row) -> bool:
    return bool(row.cells and COUNTY_FIRST_HEADER.match(row.cells[0])) and any(
        cell.lower() == "margin" for cell in row.cells
    )


def _is_district_header(row: Row) -> bool:
    return bool(row.cells) and row.cells[0].lower() == "district"


def _is_predictions_header(row: Row) -> bool:
    return bool(row.cells) and row.cells[0].lower() == "source"


# --- Recognizers --------------------------------------------------------------------


def _article_tables(article: Article) -> ArticleTables:
    """The election's key and the columns of every table of one article."""
    state = find_state(article.state)
    if state is None:
        raise article.error(f"'{article.state}' in the title is not a US state or DC", line=1)

    results, totals = _state_results(article)
    candidates = [row["candidate"] for row in results]
    popular = totals["total_votes"] is not None
    county = _county_table(article, candidates, required=popular)
    flips = _county_flips(article)
    units = county.names if county else []
    table_unit = unit_of_table(county.header if county else None)
    names = units + [row["county"] for row in flips]
    resolved = (
        resolve_counties(state.fips, names, article.year)
        if table_unit is None
        else dict.fromkeys(names, UNRESOLVED)
    )
    for row in flips:
        row["county_fips"] = resolved[row["county"]].fips
    district_results, representatives = _districts(article, candidates)

    if totals["turnout_pct"] is None:
        totals.update(_infobox_turnout(article))
    election = {
        "line": 1,
        "state": state.name,
        "state_fips": state.fips,
        "sha256": article.sha256,
        "title": article.title,
        "election_date": _election_date(article),
        "previous_year": _infobox_year(article, "Previous Year"),
        "next_year": _infobox_year(article, "Next Year"),
        **totals,
    }
    tables = {
        "elections": _columns([election]),
        "nominees": _columns(_nominees(article, candidates)),
        "state_results": _columns(results),
        "county_results": {},
        "county_summaries": {},
        "county_table_totals": {},
        "district_results": district_results,
        "district_representatives": _columns(representatives),
        "electors": _columns(_electors(article, candidates)),
        "predictions": _columns(_predictions(article)),
        "county_flips": _columns(flips),
        "fundraising": _columns(_fundraising(article, candidates)),
        "sections": _columns(
            [{"line": section.line, "section": section.path} for section in article.sections()]
        ),
    }
    if county is not None:
        resolutions = [resolved[name] for name in units]
        kinds = [
            table_unit or unit_type(state.postal_code, name, resolution)
            for name, resolution in zip(units, resolutions, strict=True)
        ]
        tables["county_results"] = county.results([unit.fips for unit in resolutions])
        tables["county_summaries"] = county.summaries(resolutions, kinds)
        tables["county_table_totals"] = county.table_totals()
    return ElectionKey(article.file, article.year, state.postal_code), tables


def unit_of_table(header: str | None) -> str | None:
    """The reporting unit of a results table whose units are not county-equivalents (ward,
    state house district, town), from its first header cell; None for county-equivalents."""
    if header is None:
        return None
    if WARD_HEADER.match(header):
        return "ward"
    if HOUSE_DISTRICT_HEADER.match(header):
        return "state house district"
    if TOWN_HEADER.match(header):
        return "town"
    return None


def unit_type(state_po: str, name: str, resolution: Resolution) -> str:
    """The kind of a county-equivalent: that of the unit it resolves to (county, parish,
    borough, census area, independent city, historical), else what the state and the name
    say (Louisiana has parishes; Alaska boroughs and census areas)."""
    if resolution.kind is not None:
        return resolution.kind
    if state_po == "LA":
        return "parish"
    if state_po == "AK":
        return "census area" if name.lower().endswith("census area") else "borough"
    return "county"


def _election_date(article: Article) -> date | None:
    """The infobox's election date; one that does not read as a date of the title's year is
    refused rather than loaded as NULL."""
    value = article.infobox.get("Election Date")
    if value is None or not value.text:
        return None
    day = _read_date(value.text)
    if day is None or day.year != article.year:
        raise article.error(
            f"infobox 'Election Date: {value.text}' is not a date of {article.year} "
            "('November 2, 2004')",
            "Infobox",
            value.line,
        )
    return day


@cache  # strptime is slow, and the articles of a year share their election date
def _read_date(text: str) -> date | None:
    """``November 2, 2004`` → that date; None for text that is not a date so written."""
    try:
        return datetime.strptime(text, "%B %d, %Y").date()
    except ValueError:
        return None


def _infobox_year(article: Article, key: str) -> int | None:
    """The previous or next election's year; one that is not a year before (previous) or
    after (next) the title's is refused rather than loaded as NULL."""
    value = article.infobox.get(key)
    if value is None or not value.text:
        return None
    year = int(value.text) if re.fullmatch(r"\d{4}", value.text) else None
    before = key.startswith("Previous")
    if year is None or (year < article.year) != before or year == article.year:
        raise article.error(
            f"infobox '{key}: {value.text}' is not a year "
            f"{'before' if before else 'after'} {article.year}",
            "Infobox",
            value.line,
        )
    return year


def _infobox_turnout(article: Article) -> dict:
    """Turnout from the infobox when the results table has no turnout row:
    ``66.56% 0.61 pp`` → 66.56; ``70.1% (of registered voters) , 58.6% (…)`` → 70.1."""
    value = article.infobox.get("Turnout")
    match = INFOBOX_TURNOUT.search(value.text) if value else None
    if match is None:
        return {}
    try:
        return {"turnout_pct": parse_percent(match["pct"]), "turnout_basis": match["basis"]}
    except ValueError:
        return {}


INFOBOX_FIGURE = re.compile(r"^[^\d+\-\u2212]*([+\-\u2212]?[\d,.]+%?)")
INFOBOX_FIGURE_KEYS = ("Electoral Vote", "Popular Vote", "Percentage")
# The infobox keys of a nominee, numbered by the nominee's ordinal.
NOMINEE_KEY = re.compile(
    r"^(?:Nominee|Party|Home State|Running Mate|Electoral Vote|Popular Vote|Percentage)"
    r"(?P<ordinal>\d+)$"
)


def _infobox_number(article: Article, key: str, parse: Callable[[str], float]):
    """An infobox figure, or None where the value is missing or holds no number
    (``Percentage1: '``, reported by :func:`_leaked_text`). Text after the number (a leaked
    footnote, ``9) instead of Kerry``) is left aside and reported too. A number that does
    not read (``1,25,171``) refuses the article."""
    value = article.infobox.get(key)
    if value is None:
        return None
    match = INFOBOX_FIGURE.match(value.text)
    if not match:
        return None
    try:
        return parse(match[1])
    except ValueError as error:
        raise article.error(f"infobox '{key}': {error}", "Infobox", value.line) from None


def _leaked_text(article: Article, ordinal: int) -> str | None:
    """The nominee's infobox figures that carry text after their number, or no number at
    all, as written (``Electoral Vote1: 9) instead of Kerry``, ``Percentage1: '``); None
    where every figure is clean. A figure without a number loads as NULL: reported, never
    silent."""
    leaks = []
    for name in INFOBOX_FIGURE_KEYS:
        value = article.infobox.get(f"{name}{ordinal}")
        if value is None:
            continue
        match = INFOBOX_FIGURE.match(value.text)
        if not match or value.text[match.end() :].strip():
            leaks.append(f"{name}{ordinal}: {value.text}")
    return "; ".join(leaks) or None


def _nominees(article: Article, candidates: list[str]) -> list[dict]:
    rows = []
    ordinal = 1
    while (name := article.infobox.get(f"Nominee{ordinal}")) is not None:
        written, _ = split_note(name.text)
        party = article.infobox.get(f"Party{ordinal}")
        home = article.infobox.get(f"Home State{ordinal}")
        mate = article.infobox.get(f"Running Mate{ordinal}")
        rows.append(
            {
                "line": name.line,
                "ordinal": ordinal,
                "candidate": match_candidate(written, candidates) or written,
                "party": party_name(party.text) if party else None,
                "home_state": home.text if home and home.text else None,
                "running_mate": mate.text if mate and mate.text else None,
                "electoral_votes": _infobox_number(
                    article, f"Electoral Vote{ordinal}", parse_count
                ),
                "popular_votes": _infobox_number(article, f"Popular Vote{ordinal}", parse_count),
                "pct": _infobox_number(article, f"Percentage{ordinal}", parse_percent),
                "leaked_text": _leaked_text(article, ordinal),
            }
        )
        ordinal += 1
    for key, value in article.infobox.items():
        numbered = NOMINEE_KEY.match(key)
        if numbered and not 1 <= int(numbered["ordinal"]) < ordinal:
            raise article.error(
                f"infobox key '{key}' is numbered outside the nominees 1 to {ordinal - 1} "
                "(a gap in the numbering): its value would be lost",
                "Infobox",
                value.line,
            )
    return rows


def _state_results(article: Article) -> tuple[list[dict], dict]:
    """The statewide results table: candidate rows, and the totals and turnout rows.

    Where a legislature chose the electors, the table has a ``Legislative vote`` column
    instead of ``Votes``: popular votes are then NULL, and nothing else is required."""
    found = find_table(article, RESULTS_HEADING, _is_results_header)
    if found is None:
        raise article.error(
            "no statewide results table (a table with 'Candidate' and 'Votes' or "
            "'Legislative vote')"
        )
    section, table, header_index = found
    header = [cell.lower() for cell in table.rows[header_index].cells]
    while header and not header[-1]:
        header.pop()
    for cell in header:  # a drifted header would empty its column silently
        if cell not in RESULTS_COLUMNS:
            raise article.error(
                f"statewide results header '{cell}' is not recognised (expected one of "
                f"{', '.join(sorted(RESULTS_COLUMNS - {''}))})",
                section.path,
                table.rows[header_index].line,
            )
    numeric = [
        c
        for c in header[header.index("candidate") + 1 :]
        if c in ("votes", "percentage", "%", "electoral votes", *LEGISLATIVE_COLUMNS)
    ]
    popular = "votes" in numeric
    legislative = next((c for c in numeric if c in LEGISLATIVE_COLUMNS), None)
    results: list[dict] = []
    totals: dict = {
        "totals_line": None,
        "total_votes": None,
        "total_pct": None,
        "electoral_votes": None,
        "turnout_pct": None,
        "turnout_basis": None,
        "legislative_votes": None,
    }
    for row in table.rows[header_index + 1 :]:
        cells = _Cells(article, section, row)
        filled = row.filled
        if not filled:
            continue
        label = row.cells[0]
        if TOTAL_LABEL.match(label):
            values = dict(zip(numeric, filled[1:], strict=False))
            totals["totals_line"] = row.line
            if popular:
                totals["total_votes"] = cells.count(values.get("votes", ""), "Votes")
            if legislative:
                totals["legislative_votes"] = cells.count(
                    values.get(legislative, ""), "Legislative vote"
                )
            totals["total_pct"] = cells.optional_percent(
                values.get("percentage", values.get("%", "")), "Percentage"
            )
            totals["electoral_votes"] = cells.optional_count(
                values.get("electoral votes", ""), "Electoral votes"
            )
        elif turnout := TURNOUT_LABEL.match(label):
            totals["turnout_pct"] = cells.optional_percent(
                filled[1] if len(filled) > 1 else "", "Turnout"
            )
            totals["turnout_basis"] = turnout["basis"]
        else:
            data = row.cells[1:] if label == "" else row.cells
            if len(data) < len(header):
                raise cells.error(
                    f"results row has {len(data)} cells where the header has {len(header)}"
                )
            values = dict(zip(header, data, strict=False))
            name, note = split_note(values["candidate"])
            if not name:
                raise cells.error("results row without a candidate name")
            results.append(
                {
                    "line": row.line,
                    "ballot_order": len(results) + 1,
                    "candidate": name,
                    "party": party_name(values.get("party", "")),
                    "votes": cells.count(values["votes"], "Votes") if popular else None,
                    "pct": cells.optional_percent(
                        values.get("percentage", values.get("%", "")), "Percentage"
                    ),
                    "electoral_votes": cells.optional_count(
                        values.get("electoral votes", ""), "Electoral votes"
                    ),
                    "incumbent": bool(note and "incumbent" in note.lower()),
                    "legislative_votes": cells.count(values[legislative], "Legislative vote")
                    if legislative
                    else None,
                }
            )
    if not results:
        raise article.error(
            "the statewide results table has no candidate rows", section, table.line
        )
    if totals["totals_line"] is None:
        raise article.error(
            "the statewide results table has no 'Totals' row (is the file cut off?)",
            section,
            table.rows[-1].line,
        )
    return results, totals


@dataclass(frozen=True)
class _CountyColumn:
    """One column group of the by-county table, and where its cells stand in a row."""

    label: str
    kind: str  # "candidate", "margin" or "total"
    candidate: str | None
    party: str | None
    count_index: int
    percent_index: int | None


def _county_columns(
    article: Article, section: Section, table: Table, header_index: int, candidates: list[str]
) -> tuple[list[_CountyColumn], int]:
    """Resolve the two header rows: group names, then the ``#``/``%`` sub-headers."""
    groups = [cell for cell in table.rows[header_index].cells[1:] if cell]
    first_data = header_index + 1
    sub_headers: list[str] = []
    if first_data < len(table.rows) and table.rows[first_data].cells[0] in ("#", "%"):
        sub_headers = [cell for cell in table.rows[first_data].cells if cell]
        first_data += 1
    columns = []
    position = 1
    tokens = iter(sub_headers)
    pending = next(tokens, None)
    for label in groups:
        if TOTAL_LABEL.match(label):
            kind, candidate, party = "total", None, None
        elif label.lower() == "margin":
            kind, candidate, party = "margin", None, None
        else:
            kind = "candidate"
            candidate = match_candidate(label, candidates)
            if candidate is not None and label.lower().startswith(candidate.lower()):
                party = party_name(label[len(candidate) :]) or None
            elif OTHER_COLUMN.search(label):
                candidate, party = OTHER_CANDIDATE, OTHER_PARTY
            elif candidate is None:
                raise article.error(
                    f"column group '{label}' names no candidate of the statewide results table",
                    section,
                    table.rows[header_index].line,
                )
            else:
                party = None
        # Each group takes a '#' and then a '%' sub-header; groups left without
        # sub-headers (the flattened 'Total') hold a count only.
        has_percent = False
        if sub_headers:
            if pending == "#":
                pending = next(tokens, None)
                if pending == "%":
                    has_percent = True
                    pending = next(tokens, None)
        else:
            has_percent = kind != "total"
        columns.append(
            _CountyColumn(
                label, kind, candidate, party, position, position + 1 if has_percent else None
            )
        )
        position += 2 if has_percent else 1
    if (
        sum(c.kind == "candidate" for c in columns) == 0
        or sum(c.kind == "total" for c in columns) != 1
    ):
        raise article.error(
            "the by-county header needs candidate column groups and one 'Total' group",
            section,
            table.rows[header_index].line,
        )
    return columns, first_data


@dataclass(frozen=True)
class _CountyTable:
    """The by-county table, read column by column: the reporting units (every row but the
    Totals row) and the count and percentage of each column group in each row."""

    columns: list[_CountyColumn]
    header: str  # the first header cell: what the units are
    lines: list[int]  # of the units, then of the Totals row
    names: list[str]  # of the units
    counts: np.ndarray  # int64, one row per column group, one column per line
    percents: np.ndarray  # float64, the same shape, NaN where a group has no percentage

    def _at(self, kind: str) -> list[int]:
        return [at for at, column in enumerate(self.columns) if column.kind == kind]

    def results(self, fips: list[str | None]) -> Columns:
        """county_results: one row per unit and candidate column (county_fips: of each unit)."""
        candidate_at = self._at("candidate")
        width, units = len(candidate_at), len(self.names)
        unit = np.repeat(np.arange(units), width)  # of each row
        column = np.tile(np.arange(width), units)
        return {
            "line": np.repeat(self.lines[:units], width),
            "county": Indexed(self.names, unit),
            "county_fips": Indexed(fips, unit),
            "column_order": column + 1,
            "candidate": Indexed([self.columns[at].candidate for at in candidate_at], column),
            "party": Indexed([self.columns[at].party for at in candidate_at], column),
            "votes": self.counts[candidate_at, :units].T.ravel(),
            "pct": self.percents[candidate_at, :units].T.ravel(),
        }

    def summaries(self, resolutions: list[Resolution], kinds: list[str]) -> Columns:
        """county_summaries: the margin and total of each unit, its codes and its kind."""
        units = len(self.names)
        margin = self._at("margin")
        return {
            "line": np.array(self.lines[:units]),
            "county": self.names,
            "county_fips": [resolution.fips for resolution in resolutions],
            "margin_votes": self.counts[margin[0], :units] if margin else [None] * units,
            "margin_pct": self.percents[margin[0], :units] if margin else [None] * units,
            "total_votes": self.counts[self._at("total")[0], :units],
            "unit_type": kinds,
            "current_fips": [resolution.current_fips for resolution in resolutions],
        }

    def table_totals(self) -> Columns:
        """county_table_totals: the Totals row, one row per column group."""
        return {
            "line": [self.lines[-1]] * len(self.columns),
            "column": [column.candidate or column.kind.capitalize() for column in self.columns],
            "votes": self.counts[:, -1],
            "pct": self.percents[:, -1],
        }


def _county_table(article: Article, candidates: list[str], required: bool) -> _CountyTable | None:
    """The by-county table (by county-equivalent, ward, state house district or town):
    candidate columns, margin and total of each unit, and the Totals row. Required of every
    article with popular votes.

    The rows are checked one by one, their numbers read column by column; a row that breaks
    the table's shape refuses the article once the numbers of the rows above it are read,
    so that the error names the first faulty row, as reading row by row would."""
    found = find_table(article, COUNTY_HEADING, _is_county_header)
    if found is None:
        if not required:
            return None
        raise article.error("no by-county table (a table whose header has 'County' and 'Margin')")
    section, table, header_index = found
    columns, first_data = _county_columns(article, section, table, header_index, candidates)
    width = 1 + sum(1 if c.percent_index is None else 2 for c in columns)
    units: list[Row] = []
    totals: Row | None = None
    refusal: ArticleError | None = None
    for row in table.rows[first_data:]:
        if not any(row.cells):
            continue
        name = row.cells[0]
        if totals is not None:
            refusal = article.error(
                f"row '{name}' follows the by-county table's Totals row", section, row.line
            )
            break
        # The county name and every count and percentage cell must be filled.
        if len(row.cells) < width or not all(row.cells[:width]):
            filled = len(row.filled)
            problem = (
                f"has {filled} filled cells where the header needs {width}"
                if filled < width  # else a cell is empty and a value stands beyond the table
                else f"has an empty cell (cell {row.cells.index('') + 1} of the {width} "
                "the header needs)"
            )
            refusal = article.error(
                f"row '{name}' {problem} (a missing cell, or the file is cut off mid-table)",
                section,
                row.line,
            )
            break
        if TOTAL_LABEL.match(name):
            totals = row
        else:
            units.append(row)
    read = units if totals is None else [*units, totals]
    counts, percents = _county_values(article, section, read, columns)
    if refusal is not None:
        raise refusal
    if totals is None:
        last = table.rows[-1].line
        raise article.error(
            "the by-county table ends without its 'Totals' row (is the file cut off?)",
            section,
            last,
        )
    if not units:
        raise article.error("the by-county table has no county rows", section, table.line)
    return _CountyTable(
        columns,
        table.rows[header_index].cells[0],
        [row.line for row in read],
        [row.cells[0] for row in units],
        counts,
        percents,
    )


def _county_values(
    article: Article, section: Section, rows: list[Row], columns: list[_CountyColumn]
) -> tuple[np.ndarray, np.ndarray]:
    """The counts and percentages of every column group in every row (see
    :class:`_CountyTable`), read column by column. A cell that does not read raises the
    error of the first faulty cell, row by row."""
    if not rows:
        return np.empty((len(columns), 0), np.int64), np.empty((len(columns), 0))
    cells_at = list(zip(*(row.cells for row in rows), strict=False))
    with_percent = [at for at, column in enumerate(columns) if column.percent_index is not None]
    try:
        counts = parse_counts(
            list(chain.from_iterable(cells_at[column.count_index] for column in columns))
        ).reshape(len(columns), len(rows))
        percents = np.full((len(columns), len(rows)), np.nan)
        percents[with_percent] = parse_percents(
            list(chain.from_iterable(cells_at[columns[at].percent_index] for at in with_percent))
        ).reshape(len(with_percent), len(rows))
    except ValueError:  # read the rows again, cell by cell, to name the faulty one
        for row in rows:
            cells = _Cells(article, section, row)
            for column in columns:
                cells.count(row.cells[column.count_index], f"{column.label} #")
                if column.percent_index is not None:
                    cells.percent(row.cells[column.percent_index], f"{column.label} %")
        raise
    return counts, percents


def _districts(article: Article, candidates: list[str]) -> tuple[Columns, list[dict]]:
    """The congressional-district table: the columns of its results, a percentage per
    district and candidate, and its representatives.

    District numbers are often lost (empty cells): districts are then numbered in
    order. A row holding only a name continues the district above it (a
    representative who replaced another during the term). The results are gathered
    column by column, a table's candidates at once: a row dict per district and candidate
    would cost more than reading them.
    """
    found = find_table(article, DISTRICT_HEADING, _is_district_header)
    if found is None:
        refuse_unrecognised_table(article, DISTRICT_HEADING, "a first column 'District'")
        return {}, []
    section, table, header_index = found
    header = list(table.rows[header_index].cells)
    candidate_columns = {}
    representative_index = None
    electoral_index = None
    for index, label in enumerate(header[1:], start=1):
        if label.lower().startswith("representative"):
            representative_index = index
        elif ELECTORAL_VOTE_COLUMN.match(label):
            electoral_index = index
        elif label:
            candidate = match_candidate(label, candidates)
            if candidate is None:  # its percentages would be lost: refuse the table
                raise article.error(
                    f"district column '{label}' names no candidate of the statewide results table",
                    section,
                    table.rows[header_index].line,
                )
            candidate_columns[index] = candidate
    names = list(candidate_columns.values())
    lines: list[int] = []
    districts: list[int] = []
    labels: list[str] = []
    electoral_votes: list[int | None] = []
    representatives: list[dict] = []
    percents: list[_PercentCell] = []
    refusal: ArticleError | None = None
    district = 0
    label = ""
    for row in table.rows[header_index + 1 :]:
        if not any(row.cells):
            continue
        cells = _Cells(article, section, row)
        first, rest = row.cells[0], row.cells[1:]
        if (
            first
            and not any(rest)
            and district
            and not AT_LARGE.match(first)
            and not DIGIT.search(first)
        ):
            ordinal = sum(r["district"] == district for r in representatives) + 1
            representatives.append(
                {
                    "line": row.line,
                    "district": district,
                    "ordinal": ordinal,
                    "representative": first,
                }
            )
            continue
        try:
            if not first:
                district += 1
                label = str(district)
            elif AT_LARGE.match(first):
                district, label = 1, "At-large"
            else:
                number = NUMBER.search(first)
                if number is None:
                    raise cells.error(f"district cell '{first}' is neither a number nor 'At-large'")
                district = cells.count(number[0], "District")
                label = str(district)
            elector = _district_elector(cells, row, electoral_index, candidates)
        except ArticleError as error:  # raised once the percentages above are read
            refusal = error
            break
        for index in candidate_columns:
            text = row.cells[index] if index < len(row.cells) else ""
            if text:
                percents.append(_PercentCell(len(lines), row, header[index], text))
            lines.append(row.line)
        districts += [district] * len(names)
        labels += [label] * len(names)
        electoral_votes += (
            [None] * len(names) if elector is None else [int(name == elector) for name in names]
        )
        if representative_index is not None and representative_index < len(row.cells):
            name = row.cells[representative_index]
            if name:
                representatives.append(
                    {"line": row.line, "district": district, "ordinal": 1, "representative": name}
                )
    pcts = _read_percents(article, section, percents, len(lines))
    if refusal is not None:
        raise refusal
    if not lines:
        return {}, representatives
    results = {
        "line": lines,
        "district": districts,
        "district_label": labels,
        "candidate": names * (len(lines) // len(names)),
        "pct": pcts,
        "electoral_votes": electoral_votes,
    }
    return results, representatives


class _PercentCell(NamedTuple):
    """A percentage cell of a table, read with the others of its table; ``at`` is the
    index of its row in the table's results."""

    at: int
    row: Row
    column: str
    text: str


def _read_percents(
    article: Article, section: Section, cells: list[_PercentCell], height: int
) -> list[float | None]:
    """The percentage of each of ``height`` result rows, None where its cell is empty,
    reading them column by column; a cell that does not read raises the error naming it
    (the first faulty one, row by row)."""
    try:
        values = parse_percents([cell.text for cell in cells])
    except ValueError:  # read them again, one by one, to name the faulty one
        for cell in cells:
            _Cells(article, section, cell.row).percent(cell.text, cell.column)
        raise
    pcts: list[float | None] = [None] * height
    for cell, value in zip(cells, values.tolist(), strict=True):
        pcts[cell.at] = value
    return pcts


def _district_elector(
    cells: _Cells, row: Row, index: int | None, candidates: list[str]
) -> str | None:
    """The candidate a split state's district gave its elector to: the cell of the
    district table's ``Electoral vote`` column names the district's winner. None where
    the table has no such column or the cell is empty."""
    text = row.cells[index] if index is not None and index < len(row.cells) else ""
    if not text:
        return None
    candidate = match_candidate(text, candidates)
    if candidate is None:
        raise cells.error(
            f"column 'Electoral vote': '{text}' names no candidate of the statewide results table"
        )
    return candidate


def _section_items(article: Article, heading: re.Pattern) -> Iterator[tuple[Section, ListItem]]:
    for section in article.sections():
        if heading.search(section.name):
            for item in section.list_items():
                yield section, item


def _electors(article: Article, candidates: list[str]) -> list[dict]:
    """The numbered list of electors; an elector's note names the candidate the elector
    voted for where the article says it (``Frank M. Dixon (Harry F. Byrd)``)."""
    rows = []
    for _, item in _section_items(article, ELECTORS_HEADING):
        if item.number is None:
            continue
        name, note = split_note(item.text)
        voted_for = match_candidate(ELECTOR_NOTE.sub("", note), candidates) if note else None
        rows.append(
            {"line": item.line, "ordinal": item.number, "elector": name, "candidate": voted_for}
        )
    return rows


def _predictions(article: Article) -> list[dict]:
    found = find_table(article, PREDICTIONS_HEADING, _is_predictions_header)
    if found is None:
        refuse_unrecognised_table(article, PREDICTIONS_HEADING, "a first column 'Source'")
        return []
    section, table, header_index = found
    header = [cell.lower() for cell in table.rows[header_index].cells]
    rating_index = next(
        (i for i, cell in enumerate(header) if cell.startswith(("rank", "rating"))), 1
    )
    rows = []
    for row in table.rows[header_index + 1 :]:
        if not any(row.cells):
            continue
        if not row.cells[0]:
            raise article.error(
                f"predictions row '{' | '.join(row.cells)}' has no source (first cell)",
                section,
                row.line,
            )
        rating = row.cells[rating_index] if rating_index < len(row.cells) else ""
        rows.append({"line": row.line, "source": row.cells[0], "rating": rating or None})
    return rows


def _county_flips(article: Article) -> list[dict]:
    rows = []
    for section in article.sections():
        heading = FLIP_HEADING.match(section.name)
        if not heading:
            continue
        from_party, to_party = party_name(heading["from"]), party_name(heading["to"])
        for item in section.list_items():
            if item.number is not None:
                continue
            match = FLIP_ITEM.match(item.text)
            assert match is not None  # the pattern accepts any non-empty text
            rows.append(
                {
                    "line": item.line,
                    "county": match["county"].strip(),
                    "from_party": from_party,
                    "to_party": to_party,
                    "largest_city": (match["city"] or "").strip() or None,
                }
            )
    return rows


def _fundraising(article: Article, candidates: list[str]) -> list[dict]:
    """Money raised per candidate, from sentences of the Fundraising section."""
    rows = []
    for section in article.sections():
        if not FUNDRAISING_HEADING.search(section.name):
            continue
        for paragraph in section.paragraphs():
            for match in RAISED.finditer(paragraph.text):
                try:
                    raised = parse_count(match["amount"])
                except ValueError as error:
                    raise article.error(
                        f"amount raised: {error}", section, paragraph.line
                    ) from None
                rows.append(
                    {
                        "line": paragraph.line,
                        "candidate": match_candidate(match["name"], candidates) or match["name"],
                        "raised_usd": raised,
                    }
                )
    return rows
