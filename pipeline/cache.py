"""The parse cache: the typed tables, findings and verdicts of the last load, one segment
per group of states, so that a reload parses and checks again only the states whose
articles changed, and a load never holds the tables of every article at once.

A segment is a folder of Arrow IPC files: one per typed table, the articles it
holds (file, content hash, state), the text of those with tables (what the warehouse
publishes as their version), the articles refused when parsed (with their error), the
findings and verdicts of every check on its articles, and the rows its accepted
articles add to each warehouse table (:mod:`pipeline.warehouse.rows`). A segment's rows depend
on the text of its articles, the code that reads them (:func:`code_fingerprint`) and the
reference returns compared with (a hash of the reference file): the cache is valid only
for the code and reference that wrote it.

A segment may serve only some of the articles it holds: a reload that redid some of its
states keeps it for the others (:meth:`Segment.part`), and every read leaves out the
rows of the articles it no longer serves.

``CURRENT`` lists the segments of the last load (JSON); it is replaced atomically, then
the segments it no longer lists are deleted. A reader sees one load's segments whole, or
none, and falls back to parsing: losing the cache costs one full parse, never a wrong row.

A refusal is a finding like any other: an article whose text cannot be parsed is kept
with its error (section, line, reason) under its content hash, and is parsed again only
once its text changes. Entries refused before their text is read (too large, not a
regular file, ...) are not kept: that depends on the settings too, and costs no parsing.
"""

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import feather

from pipeline.settings import PACKAGE
from pipeline.tables.extract import ElectionTables
from pipeline.text.article import ArticleError

ARTICLES, TEXTS, REFUSED = "articles", "texts", "refused"
FINDINGS, VERDICTS = "findings", "verdicts"
ROWS = "rows."  # + a warehouse table: the rows its accepted articles add to it
REFUSED_TYPES = {"file": "str", "sha256": "str", "section": "str", "line": "Int64", "reason": "str"}
POINTER = "CURRENT"


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


class SegmentLost(RuntimeError):
    """A segment a load is reading is gone or damaged: deleted, or replaced by another
    load meanwhile. Nothing is published; the next load parses again."""


@dataclass(frozen=True)
class Segment:
    """The cached files of the articles of ``states`` (postal codes; '' for articles
    whose title names no state), in ``folder`` (see the module's docstring); ``rows``:
    rows per typed table; ``sizes``: bytes per file; ``files``: the articles it serves,
    where a reload redid some of the states it was written for (see :meth:`part`), else
    None (all it holds)."""

    folder: Path
    states: tuple[str, ...]
    rows: dict[str, int] = field(hash=False)
    sizes: dict[str, int] = field(hash=False, default_factory=dict)  # bytes of each file
    files: frozenset[str] | None = field(hash=False, default=None)

    def intact(self) -> bool:
        """Whether every file of the segment is there, as large as when it was written."""
        try:
            return all(
                (self.folder / f"{name}.arrow").stat().st_size == size
                for name, size in self.sizes.items()
            )
        except OSError:
            return False

    def read(
        self, name: str, columns: list[str] | None = None, files: set[str] | None = None
    ) -> pa.Table:
        """One of the segment's files as an Arrow table (``columns`` only, if given): the
        rows of the articles it serves (of ``files`` only, if given), where they name their
        article."""
        path = self.folder / f"{name}.arrow"
        try:
            table = feather.read_table(path, columns=columns)
        except (OSError, pa.ArrowException) as error:
            raise SegmentLost(
                f"the parse cache's {path} is gone or damaged ({error}): was the cache "
                "deleted, or replaced by another load, while this load ran? Nothing was "
                "published; load again."
            ) from None
        if self.files is not None:
            table = _of_files(table, self.files)
        return _of_files(table, files) if files is not None else table

    def part(self, states: set[str]) -> "Segment":
        """This segment serving only the articles of ``states``: a reload that redoes
        its other states (an article of theirs changed) keeps the rest as it is, without
        checking its articles again. Its files keep the other states' rows, unread."""
        articles = self.read(ARTICLES, ["file", "state"])
        served = pc.is_in(articles["state"], value_set=pa.array(sorted(states), pa.string()))
        files = frozenset(articles.filter(served)["file"].to_pylist())
        part = replace(self, states=tuple(s for s in self.states if s in states), files=files)
        rows = {name: part.read(name, ["file"]).num_rows for name in self.rows}
        return replace(part, rows=rows)

    def frame(self, name: str, files: set[str] | None = None) -> pd.DataFrame:
        """One of the segment's files as a DataFrame, only the rows of ``files`` if given
        (Arrow filters rows several times faster than pandas, and converts only those kept)."""
        return self.read(name, files=files).to_pandas()

    def warehouse_tables(self) -> list[str]:
        """The warehouse tables the segment holds rows for."""
        return [name.removeprefix(ROWS) for name in self.sizes if name.startswith(ROWS)]

    def warehouse_rows(self, table: str, elections: pa.Array) -> pa.Table:
        """The rows the given elections (ids, int64) add to the warehouse table ``table``,
        the names (party, candidate) they use included."""
        rows = self.read(ROWS + table)
        kept = pc.is_in(pc.cast(rows["election_id"], pa.int64()), value_set=elections)
        return rows if pc.all(kept).as_py() else rows.filter(kept)  # a filter copies

    def tables(self, files: set[str] | None = None) -> ElectionTables:
        """The typed tables of the segment's articles (of ``files`` only, if given)."""
        return ElectionTables(**{name: self.frame(name, files) for name in ElectionTables.names()})


def _of_files(table: pa.Table, files: Iterable[str]) -> pa.Table:
    """The rows of ``table`` of the given articles, by its ``file`` column (``article`` in
    the verdicts); a table without one (a warehouse table's rows) as it is."""
    column = next((name for name in ("file", "article") if name in table.column_names), None)
    if column is None:
        return table
    wanted = pa.array(sorted(files), table.schema.field(column).type)
    return table.filter(pc.is_in(table[column], value_set=wanted))


# Compressed in Arrow's threads, a group's files left its process about 25 MB more of
# heap, never given back (none, written uncompressed or in the calling thread): the
# group's peak, above that of its rules.
WRITE_OPTIONS = pa.ipc.IpcWriteOptions(compression=pa.Codec("zstd", 1), use_threads=False)
WRITE_CHUNK_ROWS = 65_536  # record batches of the size Feather writes


def write_segment(
    folder: Path,
    states: tuple[str, ...],
    frames: dict[str, pd.DataFrame],
) -> Segment:
    """Write a segment of ``states``: ``frames`` holds each typed table and the articles,
    texts, refusals, findings and verdicts (see the module's docstring).

    The files are Arrow IPC files (Feather's format) compressed with zstd at its fastest
    level: half the size of LZ4 (the typed tables and texts of 3,009 articles: 27 MB
    against 57 MB, 245 MB uncompressed), written as fast (less to write) and read back
    about 15 % slower, which a reload pays for the segments it reads only. With the rows
    and findings, 3,009 articles take 39 MB. They are compressed in the calling thread
    (:data:`WRITE_OPTIONS`)."""
    shutil.rmtree(folder, ignore_errors=True)  # what a process that died writing it left
    folder.mkdir(parents=True)
    sizes = {}
    for name, frame in frames.items():
        path = folder / f"{name}.arrow"
        table = pa.Table.from_pandas(frame, preserve_index=False)  # rows, not their labels
        with (
            pa.OSFile(str(path), "wb") as sink,
            pa.ipc.new_file(sink, table.schema, options=WRITE_OPTIONS) as file,
        ):
            file.write_table(table, max_chunksize=WRITE_CHUNK_ROWS)
        sizes[name] = path.stat().st_size
    rows = {name: len(frames[name]) for name in ElectionTables.names()}
    return Segment(folder, states, rows, sizes)


@dataclass(frozen=True)
class TableStore:
    """The typed tables of a load, as the segments of the parse cache hold them."""

    segments: tuple[Segment, ...]

    def rows(self, name: str) -> int:
        """Rows of a typed table over every article."""
        return sum(segment.rows[name] for segment in self.segments)

    def frame(self, name: str) -> pd.DataFrame:
        """A whole typed table of every article, for a reader that wants it whole (a load
        reads a segment at a time: :meth:`Segment.warehouse_rows`)."""
        return pd.concat([segment.frame(name) for segment in self.segments], ignore_index=True)

    def elections(self) -> pd.DataFrame:
        """File, content hash and election (year, state_po) of every article with tables."""
        columns = ["file", "sha256", "year", "state_po"]
        return pd.concat(
            [segment.read("elections").select(columns).to_pandas() for segment in self.segments]
            or [ElectionTables.concat([]).elections[columns]],
            ignore_index=True,
        )


@dataclass(frozen=True)
class StoredTable:
    """One typed table of a load, where the parse cache's segments hold it: what an
    extracted asset hands to the warehouse, instead of the rows of every article."""

    store: TableStore
    name: str

    def __len__(self) -> int:
        return self.store.rows(self.name)


class ParseCache:
    """The segments of the last load, in the folder ``<warehouse>.parse-cache``."""

    def __init__(self, warehouse: Path):
        self.folder = warehouse.with_name(warehouse.name + ".parse-cache")
        self.pointer = self.folder / POINTER

    def segments(self, reference: str) -> list[Segment]:
        """The segments of the last load, if it ran this code and compared with the
        reference whose fingerprint is ``reference``, and all are intact; else none."""
        try:
            listed = json.loads(self.pointer.read_text())
            if listed["code"] != code_fingerprint() or listed["reference"] != reference:
                return []
            segments = [
                Segment(
                    self.folder / name,
                    tuple(entry["states"]),
                    entry["rows"],
                    entry["sizes"],
                    None if entry["files"] is None else frozenset(entry["files"]),
                )
                for name, entry in listed["segments"].items()
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return []
        return segments if all(segment.intact() for segment in segments) else []

    def last_load(self) -> str:
        """What ``CURRENT`` says of the last load ('' where it says nothing): the same
        text, the same segments."""
        try:
            return self.pointer.read_text()
        except OSError:
            return ""

    def holds_this_code(self) -> bool:
        """Whether the cache holds the last load's segments, written by this code."""
        try:
            return json.loads(self.pointer.read_text())["code"] == code_fingerprint()
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def new_folder(self) -> Path:
        """A folder for a new segment (not created)."""
        if self.folder.exists() and not self.folder.is_dir():  # not ours: start afresh
            self.folder.unlink()
        return self.folder / uuid.uuid4().hex

    def keep(self, segments: list[Segment], reference: str) -> None:
        """Make ``segments`` the cache's, atomically, and delete every other segment."""
        listed = {
            "code": code_fingerprint(),
            "reference": reference,
            "segments": {
                segment.folder.name: {
                    "states": list(segment.states),
                    "rows": segment.rows,
                    "sizes": segment.sizes,
                    "files": None if segment.files is None else sorted(segment.files),
                }
                for segment in segments
            },
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f"{POINTER}.{uuid.uuid4().hex}"
        try:
            partial.write_text(json.dumps(listed))
            os.replace(partial, self.pointer)
        finally:
            partial.unlink(missing_ok=True)
        self.sweep()

    def sweep(self) -> None:
        """Delete what ``CURRENT`` does not list: replaced segments, a killed load's
        leftovers."""
        try:
            listed = set(json.loads(self.pointer.read_text())["segments"])
            entries = list(self.folder.iterdir())
        except (OSError, ValueError, KeyError, TypeError):
            return
        for entry in entries:
            if entry.name not in listed | {POINTER}:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)

    def discard(self, segments: list[Segment]) -> None:
        """Delete segments written for a load that failed before :meth:`keep`."""
        for segment in segments:
            shutil.rmtree(segment.folder, ignore_errors=True)


def parse_refusals(errors: list[ArticleError], sources: pd.DataFrame) -> pd.DataFrame:
    """File, content hash and error of each article of ``errors`` refused when parsed;
    ``sources``: file and sha256 of the articles parsed."""
    refused = pd.DataFrame(
        [(error.file, error.section, error.line, error.reason) for error in errors],
        columns=["file", "section", "line", "reason"],
    )
    return (
        sources[["file", "sha256"]]
        .merge(refused, on="file")[list(REFUSED_TYPES)]
        .astype(REFUSED_TYPES)
    )


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
