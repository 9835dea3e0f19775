"""Shared fixtures: the seed article (from raw/), its tables, and a warehouse built from it."""

import hashlib
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipeline.checks.rules import evaluate
from pipeline.definitions import defs
from pipeline.defs.assets import county_maps
from pipeline.defs.resources import ArticleSource, ReferenceReturns, RunFrames, Warehouse
from pipeline.defs.runs import LoadSlot
from pipeline.settings import SETTINGS
from pipeline.tables.extract import ElectionTables, extract_articles, extract_tables
from pipeline.text.article import Article, parse_article

PROJECT = Path(__file__).resolve().parent.parent
RAW = PROJECT / "raw"
SEED = RAW / "2004_United_States_presidential_election_in_Missouri.txt"
SEED_NAME = SEED.name
FIXTURES = PROJECT / "tests" / "fixtures"
# MEDSL's county returns for the elections of the fixtures and the seed (see its README).
REFERENCE_CSV = FIXTURES / "reference" / "medsl_countypres_fixtures.csv"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_lines(seed_text) -> list[str]:
    return seed_text.split("\n")


@pytest.fixture(scope="session")
def seed_article(seed_text) -> Article:
    return parse_article(seed_text, SEED_NAME)


@pytest.fixture(scope="session")
def seed_tables(seed_article) -> ElectionTables:
    return extract_tables(seed_article)


def checkout_files() -> list[str]:
    """The files of the checkout: tracked or new, not what .gitignore leaves out."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(name for name in listed.split("\0") if name and (PROJECT / name).exists())


def copy_checkout(destination: Path) -> Path:
    """A copy of the checkout's files (links kept as links), as a fresh clone would hold."""
    for name in checkout_files():
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, destination / name, follow_symlinks=False)
    return destination


def tables_from_text(text: str, file: str = SEED_NAME) -> ElectionTables:
    """Typed tables of an article given as text (for tests that edit the seed)."""
    return extract_tables(parse_article(text, file))


def findings_of(text: str, file: str = SEED_NAME, **others: str) -> pd.DataFrame:
    """Every data-quality finding for articles given as text (``others``: more files by
    name), unreadable ones included."""
    articles = {file: text, **others}
    sources = pd.DataFrame(
        [
            {
                "file": name,
                "sha256": hashlib.sha256(body.encode()).hexdigest(),
                "bytes": len(body),
                "text": body,
                "error": None,
                "error_line": None,
            }
            for name, body in articles.items()
        ]
    )
    tables, unreadable = extract_articles(sources)
    return evaluate(tables, unreadable)


def edit(text: str, line_start: str, old: str, new: str) -> str:
    """The text with ``old`` replaced by ``new`` on the one line that starts with ``line_start``."""
    lines = text.split("\n")
    (index,) = [i for i, line in enumerate(lines) if line.startswith(line_start)]
    assert old in lines[index], (old, lines[index])
    lines[index] = lines[index].replace(old, new, 1)
    return "\n".join(lines)


def materialize_all(
    raw_dir: Path,
    warehouse: Path,
    reference: Path | None = None,
    max_article_bytes: int = int(SETTINGS["ELECTIONS_MAX_ARTICLE_BYTES"].default),
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """Run the reload (every asset and check but the maps) in process against a raw
    folder and a warehouse file (and a reference county-returns file)."""
    return dg.materialize(
        [asset for asset in defs.assets if asset is not county_maps],  # as reload_warehouse
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        resources={
            "article_source": ArticleSource(
                raw_dir=str(raw_dir), max_article_bytes=max_article_bytes
            ),
            "warehouse_file": Warehouse(path=str(warehouse)),
            "reference_returns": ReferenceReturns(path=str(reference or "")),
            "io_manager": RunFrames(),
            "load_slot": LoadSlot(),
        },
    )


@pytest.fixture(scope="session")
def seed_warehouse(tmp_path_factory) -> Path:
    """The warehouse built from raw/ (the seed) by a full Dagster run."""
    path = tmp_path_factory.mktemp("warehouse") / "elections.duckdb"
    result = materialize_all(RAW, path)
    assert result.success
    return path


@pytest.fixture()
def seed_db(seed_warehouse):
    with duckdb.connect(str(seed_warehouse), read_only=True) as connection:
        yield connection
