"""Fuzz test: mutants of the seed article are either published exactly as the seed is, or
refused with a finding that names their file; never loaded with silently wrong or lost data.

The mutants are evaluated in process, in batches (one extraction, one evaluation each),
beside the seed itself and a good article of another election, which must stay
publishable. All mutants describe the seed's election; so that the tables' uniqueness over
(year, state) does not refuse them for each other, each mutant's rows get a year of their
own after extraction (no rule reads the year but the comparison with a reference, which is
not run here).
"""

import hashlib
import random
import re
from collections import Counter
from collections.abc import Callable

import duckdb
import pandas as pd

from pipeline.checks.rules import ERROR, evaluate
from pipeline.tables.extract import ElectionTables, extract_articles
from tests.conftest import FIXTURES, SEED_NAME, materialize_all

SEED_VALUE = 14
MUTANTS = 320
BATCH = 160
GOOD_NAME = "2008_United_States_presidential_election_in_Missouri.txt"
# What a row is, wherever it stands; file, line and (see above) year differ by design.
WHERE = {"file", "line", "totals_line", "sha256", "year"}
# Rows no rule can miss: the article says nowhere how many news organizations it lists,
# and a district table's row count is checked by a WARN rule only (districts_match_
# electoral_votes: the family's district tables do not always follow the apportionment).
# Rows of these tables are not deleted or duplicated; their headers and cells are mutated.
# Nor is the results table's turnout row: the article has no count of eligible voters.
UNCOUNTED_TABLES = re.compile(r"predictions|by congressional district", re.I)
UNCOUNTED_ROW = re.compile(r"^\| Voter turnout", re.I)
# Infobox values with something to check them against: figures (the results table) and
# the election's date and neighbours (the title's year). Names and places are free text.
CHECKED_INFOBOX = re.compile(
    r"^- (?:(?:Electoral Vote|Popular Vote|Percentage)\d+|Election Date|Previous Year|Next Year):"
)

Lines = list[str]


def _table_lines(lines: Lines) -> list[int]:
    return [i for i, line in enumerate(lines) if line.startswith("|")]


def _counted_rows(lines: Lines) -> list[int]:
    """Table rows outside the tables of UNCOUNTED_TABLES, and list items."""
    heading, rows = "", []
    for i, line in enumerate(lines):
        if line.startswith("=="):
            heading = line
        elif (
            line.startswith("|")
            and not UNCOUNTED_TABLES.search(heading)
            and not UNCOUNTED_ROW.match(line)
        ):
            rows.append(i)
    return rows + _list_items(lines)


def _header_lines(lines: Lines) -> list[int]:
    """The first row of each table, and the '# | %' row under a by-county header."""
    rows = set(_table_lines(lines))
    firsts = [i for i in sorted(rows) if i - 1 not in rows]
    return firsts + [i + 1 for i in firsts if "| # |" in lines[i + 1]]


def _infobox_lines(lines: Lines) -> list[int]:
    end = lines.index("", 3)
    return [i for i in range(3, end) if lines[i].startswith("- ") and ": " in lines[i]]


def _list_items(lines: Lines) -> list[int]:
    return [i for i, line in enumerate(lines) if line[:1].isdigit() and ". " in line[:5]]


def _cells(line: str) -> list[str]:
    return line.strip().strip("|").split("|")


def change_digit(lines: Lines, rng: random.Random) -> Lines:
    """A digit of a count or percentage (a table cell or an infobox value) changed."""
    candidates = [
        i for i in _table_lines(lines) + _infobox_lines(lines) if any(c.isdigit() for c in lines[i])
    ]
    i = rng.choice(candidates)
    positions = [p for p, c in enumerate(lines[i]) if c.isdigit()]
    p = rng.choice(positions)
    digit = rng.choice([d for d in "0123456789" if d != lines[i][p]])
    return [*lines[:i], lines[i][:p] + digit + lines[i][p + 1 :], *lines[i + 1 :]]


def delete_row(lines: Lines, rng: random.Random) -> Lines:
    """A table row or a list item deleted."""
    i = rng.choice(_counted_rows(lines))
    return lines[:i] + lines[i + 1 :]


def duplicate_row(lines: Lines, rng: random.Random) -> Lines:
    """A table row or a list item written twice."""
    i = rng.choice(_counted_rows(lines))
    return [*lines[: i + 1], lines[i], *lines[i + 1 :]]


def swap_cells(lines: Lines, rng: random.Random) -> Lines:
    """Two different cells of a table row swapped."""
    candidates = [i for i in _table_lines(lines) if len(set(_cells(lines[i]))) > 1]
    i = rng.choice(candidates)
    cells = _cells(lines[i])
    a, b = rng.sample([n for n, cell in enumerate(cells)], 2)
    while cells[a] == cells[b]:
        a, b = rng.sample(range(len(cells)), 2)
    cells[a], cells[b] = cells[b], cells[a]
    return [*lines[:i], "|" + "|".join(cells) + "|", *lines[i + 1 :]]


def misspell_header(lines: Lines, rng: random.Random) -> Lines:
    """A letter of a table's header cell deleted or replaced."""
    i = rng.choice(_header_lines(lines))
    letters = [p for p, c in enumerate(lines[i]) if c.isalpha() or c in "#%"]
    p = rng.choice(letters)
    replacement = rng.choice(["", "x", "s", lines[i][p] * 2])
    return [*lines[:i], lines[i][:p] + replacement + lines[i][p + 1 :], *lines[i + 1 :]]


def truncate(lines: Lines, rng: random.Random) -> Lines:
    """The file cut at a random character (the mutant is the text up to it)."""
    text = "\n".join(lines)
    return text[: rng.randrange(1, len(text) - 1)].split("\n")


def edit_infobox(lines: Lines, rng: random.Random) -> Lines:
    """A character of a checked infobox value deleted, or a stray one inserted."""
    i = rng.choice([i for i in _infobox_lines(lines) if CHECKED_INFOBOX.match(lines[i])])
    start = lines[i].index(": ") + 2
    p = rng.randrange(start, len(lines[i]) + 1)
    if rng.random() < 0.5 and p < len(lines[i]):
        line = lines[i][:p] + lines[i][p + 1 :]
    else:
        line = lines[i][:p] + rng.choice("x7.,%-") + lines[i][p:]
    return [*lines[:i], line, *lines[i + 1 :]]


def renumber_infobox(lines: Lines, rng: random.Random) -> Lines:
    """An infobox key's number changed (``Nominee2`` → ``Nominee4``)."""
    numbered = [
        i
        for i in _infobox_lines(lines)
        if lines[i].split(":")[0][-1].isdigit() and not lines[i].startswith("- Image")
    ]
    i = rng.choice(numbered)
    key, value = lines[i].split(":", 1)
    return [*lines[:i], key[:-1] + rng.choice("3456789") + ":" + value, *lines[i + 1 :]]


MUTATIONS: list[Callable[[Lines, random.Random], Lines]] = [
    change_digit,
    delete_row,
    duplicate_row,
    swap_cells,
    misspell_header,
    truncate,
    edit_infobox,
    renumber_infobox,
]


def mutants(seed_text: str) -> list[tuple[str, str, str]]:
    """(file name, mutation kind, text) of every mutant, from a fixed random seed; a
    mutation that leaves the text as it was is drawn again."""
    rng = random.Random(SEED_VALUE)
    lines = seed_text.split("\n")
    out = []
    while len(out) < MUTANTS:
        mutate = rng.choice(MUTATIONS)
        text = "\n".join(mutate(lines, rng))
        if text != seed_text:
            out.append((f"fuzz-{len(out):03d}_{SEED_NAME}", mutate.__name__, text))
    return out


def _source(name: str, text: str) -> dict:
    return {
        "file": name,
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "bytes": len(text.encode()),
        "text": text,
        "error": None,
        "error_line": None,
    }


def published_tables(tables: ElectionTables, file: str) -> dict[str, list[tuple]]:
    """The rows of one article, without where they stand, as sorted tuples per table."""
    out = {}
    for name, frame in tables.select([file]).frames().items():
        frame = frame.drop(columns=[c for c in frame.columns if c in WHERE])
        out[name] = sorted(
            frame.astype("object").where(frame.notna(), None).itertuples(index=False, name=None),
            key=repr,
        )
    return out


def with_own_years(tables: ElectionTables, years: dict[str, int]) -> ElectionTables:
    """``tables`` with the rows of each file of ``years`` moved to that year."""
    frames = {}
    for name, frame in tables.frames().items():
        if "year" in frame.columns:
            year = frame["file"].map(years).fillna(frame["year"]).astype(frame["year"].dtype)
            frame = frame.assign(year=year)
        frames[name] = frame
    return ElectionTables(**frames)


def evaluate_batch(
    seed_text: str, good_text: str, batch: list[tuple[str, str, str]]
) -> tuple[set[str], dict[str, dict], dict[str, list[tuple]]]:
    """Refused files and every file's published tables, for the seed, the good article and
    one batch of mutants."""
    sources = [_source(SEED_NAME, seed_text), _source(GOOD_NAME, good_text)]
    sources += [_source(name, text) for name, _, text in batch]
    tables, unreadable = extract_articles(pd.DataFrame(sources))
    free_years = (y for y in range(1788, 2101) if y not in (2004, 2008))
    tables = with_own_years(tables, {name: next(free_years) for name, _, _ in batch})
    findings = evaluate(tables, unreadable)
    refused = set(findings.loc[findings["severity"] == ERROR, "file"])
    warned = set(findings.loc[findings["check"] == "infobox_figures_are_clean", "file"])
    files = [SEED_NAME, GOOD_NAME] + [name for name, _, _ in batch]
    return refused, warned, {file: published_tables(tables, file) for file in files}


def _differ_in_nominees_only(tables: dict, seed: dict) -> bool:
    return [name for name in seed if tables[name] != seed[name]] == ["nominees"]


def test_every_mutant_is_published_identical_or_refused(seed_text):
    cases = mutants(seed_text)
    good_text = (FIXTURES / GOOD_NAME).read_text(encoding="utf-8")
    refused, warned, published = set(), set(), {}
    for start in range(0, len(cases), BATCH):
        batch_refused, batch_warned, batch_published = evaluate_batch(
            seed_text, good_text, cases[start : start + BATCH]
        )
        assert GOOD_NAME not in batch_refused and SEED_NAME not in batch_refused
        assert GOOD_NAME in batch_published and batch_published[GOOD_NAME]["elections"]
        refused |= batch_refused
        warned |= batch_warned
        published |= batch_published
    seed = published[SEED_NAME]
    outcome: Counter = Counter()
    leaked = []
    for name, kind, text in cases:
        if name in refused:
            outcome[kind, "refused"] += 1
        elif published[name] == seed:
            outcome[kind, "identical"] += 1
        elif name in warned and _differ_in_nominees_only(published[name], seed):
            # An infobox figure with no number, or text after it: loaded (NULL, or the
            # number before the text) and reported by the WARN rule infobox_figures_are_clean.
            outcome[kind, "warned"] += 1
        else:
            leaked.append((kind, name, text))
            outcome[kind, "LEAKED"] += 1
    kinds = sorted({kind for _, kind, _ in cases})
    print(
        f"\nfuzz: {len(cases)} mutants (seed {SEED_VALUE}): "
        f"{sum(n for (_, o), n in outcome.items() if o == 'identical')} identical, "
        f"{sum(n for (_, o), n in outcome.items() if o == 'refused')} refused, "
        f"{sum(n for (_, o), n in outcome.items() if o == 'warned')} warned, "
        f"{len(leaked)} leaked"
    )
    for kind in kinds:
        print(
            f"  {kind:18} identical {outcome[kind, 'identical']:3}  "
            f"refused {outcome[kind, 'refused']:3}  warned {outcome[kind, 'warned']:3}  "
            f"leaked {outcome[kind, 'LEAKED']}"
        )
    assert not leaked, [(kind, name) for kind, name, _ in leaked]


def test_a_refused_mutant_beside_a_good_article_in_a_real_load(seed_text, tmp_path):
    """One real load (Dagster, in process): a mutant the rules refuse is quarantined with
    its reason, and the good article beside it is published."""
    name, kind, text = next(case for case in mutants(seed_text) if case[1] == "misspell_header")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / name).write_text(text, encoding="utf-8")
    (raw / GOOD_NAME).write_bytes((FIXTURES / GOOD_NAME).read_bytes())
    warehouse = tmp_path / "w.duckdb"
    assert materialize_all(raw, warehouse).success
    with duckdb.connect(str(warehouse), read_only=True) as db:
        assert db.execute("SELECT year, title FROM dim_election").fetchall() == [
            (2008, "2008 United States presidential election in Missouri")
        ]
        quarantined = db.execute("SELECT file, status FROM quarantine").fetchall()
    assert quarantined == [(name, "refused")], kind
