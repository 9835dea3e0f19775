"""The parse cache: the extracted tables of the last load, their per-article findings
and the articles refused when parsed, so that a reload parses and checks again only the
articles that changed.

An article's tables depend on its text and on the code that reads it, so the cache is
keyed by file name and content hash (SHA-256) and is valid only for the code that wrote
it (:func:`code_fingerprint`). It lives beside the warehouse and is replaced atomically;
losing it costs one full parse, never a wrong row.

A refusal is a finding like any other: an article whose text cannot be parsed is kept
with its error (section, line, reason) under its content hash, and is parsed again only
once its text changes. Entries refused before their text is read (too large, not a
regular file, ...) are not kept: that depends on the settings too, and costs no parsing.
"""

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import feather

from pipeline.checks.rules import KnownFindings, known_findings
from pipeline.settings import PACKAGE
from pipeline.tables.extract import ElectionTables, extract_articles
from pipeline.text.article import ArticleError

FINDINGS = "findings"
REFUSED = "refused"
REFUSED_TYPES = {"file": "str", "sha256": "str", "section": "str", "line": "Int64", "reason": "str"}


@cache
def code_fingerprint() -> str:
    """SHA-256 of the pipeline's code, data and SQL: what extracted rows and the warehouse
    schema depend on besides the articles."""
    digest = hashlib.sha256()
    for folder in (PACKAGE, PACKAGE / "sql"):  # sql/ is a link: rglob does not enter it
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".sql", ".csv"):
                digest.update(path.relative_to(PACKAGE).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


class ParseCache:
    """Extracted tables, per-article findings and parse refusals of the last load, in
    the folder ``<warehouse>.parse-cache``.

    Each save writes a new generation folder of Arrow IPC files (one per table), then
    points ``CURRENT`` at it with an atomic rename: a reader sees one generation whole,
    or none, and falls back to parsing. The files are compressed with LZ4: the file name
    and the other cells repeated on every row shrink fivefold (3,009 articles: 41 MB,
    against 198 MB uncompressed). zstd packs them into 16 MB, but a reload then takes
    half a second more to read them.
    """

    def __init__(self, warehouse: Path):
        self.folder = warehouse.with_name(warehouse.name + ".parse-cache")
        self.pointer = self.folder / "CURRENT"

    def load(self) -> dict[str, pa.Table] | None:
        """The cached tables, findings (``findings``) and refusals (``refused``) by name, as
        Arrow tables, or None when there are none for this code."""
        try:
            code, generation = self.pointer.read_text().split()
            if code != code_fingerprint():
                return None
            return {
                name: feather.read_table(self.folder / generation / f"{name}.arrow")
                for name in [*ElectionTables.names(), FINDINGS, REFUSED]
            }
        except (OSError, ValueError, pa.ArrowException):
            return None

    def save(self, tables: ElectionTables, findings: pd.DataFrame, refused: pd.DataFrame) -> None:
        """Cache ``tables``, the per-article ``findings`` of their articles and the
        articles ``refused`` when parsed (see :func:`parse_refusals`)."""
        if self.folder.exists() and not self.folder.is_dir():  # not ours: start afresh
            self.folder.unlink()
        generation = uuid.uuid4().hex
        partial = self.folder / f"CURRENT.{generation}"
        try:
            (self.folder / generation).mkdir(parents=True)
            for name, frame in {**tables.frames(), FINDINGS: findings, REFUSED: refused}.items():
                feather.write_feather(
                    frame, self.folder / generation / f"{name}.arrow", compression="lz4"
                )
            partial.write_text(f"{code_fingerprint()} {generation}\n")
            os.replace(partial, self.pointer)
        except BaseException:  # a full disk, a kill: leave the cache as it was
            shutil.rmtree(self.folder / generation, ignore_errors=True)
            partial.unlink(missing_ok=True)
            if self.folder.is_dir() and not any(self.folder.iterdir()):
                self.folder.rmdir()
            raise
        for old in self.folder.iterdir():  # older generations, a killed save's leftovers
            if old.name not in (generation, self.pointer.name):
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    old.unlink(missing_ok=True)


@dataclass
class Extraction:
    """Tables of every readable article, the unreadable ones, and what came from the
    cache: the findings of the reused articles, and whether the cache needs saving.
    ``refused``: the articles refused when parsed, by content hash, as the cache keeps them."""

    tables: ElectionTables
    unreadable: list[ArticleError]
    refused: pd.DataFrame
    parsed: int
    known: KnownFindings | None
    changed: bool


def parse_refusals(errors: list[ArticleError], files: pd.DataFrame) -> pd.DataFrame:
    """File, content hash and error of each article of ``errors`` refused when parsed
    (those refused when read carry their ``error`` in ``files`` already)."""
    refused = pd.DataFrame(
        [(error.file, error.section, error.line, error.reason) for error in errors],
        columns=["file", "section", "line", "reason"],
    )
    parsed = files.loc[files["error"].isna(), ["file", "sha256"]]
    return parsed.merge(refused, on="file")[list(REFUSED_TYPES)].astype(REFUSED_TYPES)


def refusal_errors(refused: pd.DataFrame) -> list[ArticleError]:
    """The errors of cached refusals, as parsing the same text raised them."""
    return [
        ArticleError(
            row.file,
            row.reason,
            section=None if pd.isna(row.section) else row.section,
            line=None if pd.isna(row.line) else int(row.line),
        )
        for row in refused.itertuples(index=False)
    ]


def without_files(table: pa.Table, files: set[str]) -> pd.DataFrame:
    """The rows of ``table`` but those of ``files``, as a DataFrame (Arrow filters rows
    several times faster than pandas, and converts only the rows kept)."""
    if files:
        stale = pa.array(sorted(files), table.schema.field("file").type)
        table = table.filter(pc.invert(pc.is_in(table["file"], value_set=stale)))
    return table.to_pandas()


def extract_with_cache(files: pd.DataFrame, cache: ParseCache) -> Extraction:
    """:func:`~pipeline.tables.extract.extract_articles`, reusing the cached tables, findings
    and refusals of every file whose name and content are unchanged."""
    cached = cache.load()
    if cached is None:
        tables, unreadable = extract_articles(files)
        refused = parse_refusals(unreadable, files)
        return Extraction(tables, unreadable, refused, len(files), None, changed=True)
    cached_refused = cached[REFUSED].to_pandas()
    known = pd.concat([cached["elections"].select(["file", "sha256"]).to_pandas(), cached_refused])[
        ["file", "sha256"]
    ]
    readable = files[files["error"].isna()]
    reusable = frozenset(readable.merge(known, on=["file", "sha256"])["file"])
    to_parse = files[~files["file"].isin(reusable)]
    parsed, unreadable = extract_articles(to_parse)
    # Few files change between loads: drop theirs rather than match every unchanged one.
    stale = set(known["file"]) - reusable
    kept = {name: without_files(cached[name], stale) for name in ElectionTables.names()}
    tables = ElectionTables.concat([ElectionTables(**kept), parsed])
    cached_elections = cached["elections"].select(["file", "state_po"]).to_pandas()
    changed_states = frozenset(
        cached_elections.loc[cached_elections["file"].isin(stale), "state_po"]
    ) | frozenset(parsed.elections["state_po"])
    known_now = known_findings(
        without_files(cached[FINDINGS], stale), reusable, kept["elections"], changed_states
    )
    refused_again = cached_refused[cached_refused["file"].isin(reusable)]
    return Extraction(
        tables,
        refusal_errors(refused_again) + unreadable,
        pd.concat([refused_again, parse_refusals(unreadable, to_parse)], ignore_index=True),
        len(to_parse),
        known_now,
        changed=bool(stale or to_parse["error"].isna().any()),
    )
