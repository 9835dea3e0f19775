"""Stage 4: typed tables → the DuckDB warehouse analysts query.

The schema lives in ``sql/``, one file per table or view. :func:`build_warehouse` brings
a warehouse file up to date with a load: it removes the article versions the load no
longer publishes, adds the new ones, and appends the load's data-quality results and
log. The file it works on is never the live one (see :mod:`pipeline.warehouse.publish`).
"""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.cache import TEXTS, Segment, TableStore, code_fingerprint
from pipeline.checks.rules import (
    ERROR,
    describe_finding,
    evaluate,
    refused_files,
)
from pipeline.settings import SQL_DIR
from pipeline.tables.extract import ElectionTables, extract_articles
from pipeline.tables.reference import county_fips_changes, county_units
from pipeline.warehouse.rows import STATE_FIPS, STATES, election_frames, election_ids

# Creation order: table_keys first (every table's file declares its keys in it), every
# table after the tables it references, views last.
TABLES = [
    "table_keys",
    "build_info",
    "article_versions",
    "dim_state",
    "dim_county",
    "dim_county_fips_change",
    "dim_election",
    "dim_party",
    "dim_candidate",
    "dim_district",
    "fact_state_result",
    "fact_nominee",
    "fact_county_summary",
    "fact_county_result",
    "fact_district_result",
    "fact_district_representative",
    "fact_elector",
    "fact_prediction",
    "fact_county_flip",
    "fact_fundraising",
    "dq_check_results",
    "load_log",
]
# The analyst views of the public contract: names and leading columns never change.
CONTRACT_VIEWS = [
    "state_results",
    "county_results",
    "district_results",
    "district_representatives",
    "electors",
    "predictions",
    "county_flips",
]
# Every view, each after the views it reads: the analyst views, then the quality views.
VIEWS = [
    "state_results",
    "county_results",
    "district_results",
    "district_representatives",
    "electors",
    "predictions",
    "county_margins",
    "successor_margins",
    "county_flips",
    "county_swing",
    "state_summary",
    "medsl_county_returns",
    "data_quality",
    "data_quality_changes",
    "quarantine",
    "dictionary",
]
# SQL macros the views use, created first.
MACROS = ["percent_of"]
# Tables keyed by election, children first: the order to delete an election's rows in.
ELECTION_TABLES = [
    name
    for name in reversed(TABLES)
    if name.startswith("fact_") or name in ("dim_district", "dim_election")
]
HISTORY_TABLES = ["dq_check_results", "load_log"]
# DuckDB's memory for a build: rows inserted beyond it go to the file (and its temporary
# files) instead of memory, so a load's memory does not grow with the corpus.
BUILD_MEMORY = "256MB"


def reference_frames() -> dict[str, pd.DataFrame]:
    """The reference tables: states, county-equivalents and county code changes."""
    units = {}
    for unit in county_units():  # one row per code of the 50 states and DC, current name first
        if (
            unit.fips is not None
            and unit.state_fips in STATE_FIPS
            and (unit.fips not in units or unit.current)
        ):
            units[unit.fips] = unit
    return {
        "dim_state": pd.DataFrame(
            [(s.fips, s.name, s.postal_code) for s in STATES],
            columns=["state_fips", "state", "state_po"],
        ),
        "dim_county": pd.DataFrame(
            [(u.fips, u.state_fips, u.name, u.is_city, u.current) for u in units.values()],
            columns=["county_fips", "state_fips", "name", "is_city", "current"],
        ),
        "dim_county_fips_change": pd.DataFrame(county_fips_changes())
        .drop(columns="is_city")
        .replace({"fips": {"": None}, "since": {"": None}})
        .astype({"since": "Int64", "until": "int64"}),
    }


def create_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Run the DDL of ``sql/``: the macros, tables in dependency order, then the views."""
    for name in MACROS + TABLES + VIEWS:
        connection.execute((SQL_DIR / f"{name}.sql").read_text())


@dataclass
class BuildReport:
    """What a load published: rows per table, and what it did with each file."""

    counts: dict[str, int]
    load_log: pd.DataFrame  # file, sha256, status, published_sha256, reason
    added: int  # article versions added to the file
    removed: int  # article versions removed from it

    @property
    def refused(self) -> pd.DataFrame:
        return self.load_log[self.load_log["status"].isin(["kept_previous", "refused"])]


# One row per article and check of this run: its verdict, with the failing cells (gathered
# per article and check first: few verdicts have any, and grouping every verdict by all
# its columns took twice the time).
QUALITY_ROWS = """
INSERT INTO dq_check_results BY NAME
WITH failing AS (
    SELECT f.file, f."check", count(*) AS failure_count,
           list({'section': f.section, 'line': f.line, 'key': nullif(f.key, ''),
                 'column': f."column", 'published': f.published, 'expected': f.expected}
                ORDER BY f.line)[1:100] AS details
    FROM findings f
    GROUP BY f.file, f."check"
)
SELECT $run_id AS run_id, $loaded_at AS evaluated_at, v.article, v.check_name, v.asset,
       v.severity, v.status, v.reason, v.status = 'passed' AS passed,
       coalesce(f.failure_count, 0) AS failure_count, coalesce(f.details, []) AS details
FROM verdicts v
LEFT JOIN failing f ON f.file = v.article AND f."check" = v.check_name
"""
# History stays bounded: the rows of the latest ``loads`` loads are kept.
KEEP_LOADS = """
DELETE FROM {table} WHERE run_id NOT IN (
    SELECT run_id FROM load_log GROUP BY run_id ORDER BY max(loaded_at) DESC LIMIT $loads)
"""
PUBLISHED_VERSIONS = """
SELECT v.sha256, v.file, v.bytes, e.election_id
FROM {db}.article_versions v JOIN {db}.dim_election e ON e.source_sha256 = v.sha256
"""


def built_by_this_code(path: Path) -> bool:
    """Whether the warehouse file at ``path`` was built by the running code (same SQL,
    same extraction), so a load may update a copy of it instead of starting afresh."""
    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            row = connection.execute("SELECT code_sha256 FROM build_info").fetchone()
    except duckdb.Error:
        return False
    return row is not None and row[0] == code_fingerprint()


def build_warehouse(
    store: TableStore,
    findings: pd.DataFrame,
    verdicts: pd.DataFrame,
    files: pd.DataFrame,
    path: Path,
    previous: Path | None,
    run_id: str,
    history_loads: int,
) -> BuildReport:
    """Bring the warehouse file ``path`` up to date with a load (``store``: the parse
    cache's segments, whose rows of the new article versions it inserts a segment at a
    time).

    ``path`` is either a copy of the live warehouse built by this code, or a new file
    (then the schema is created, and the history and the last good versions of refused
    articles are taken from ``previous``, the live warehouse, if there is one).

    The file publishes the current version of every article without an ERROR finding
    and, for a refused article, the version it published before (if that still passes
    every rule). Versions it holds that are no longer published are deleted, missing
    ones inserted: a reload after one changed article touches one election.
    """
    refused = refused_files(findings)
    elections = store.elections()
    accepted = elections[~elections["file"].isin(refused)]
    loaded_at = datetime.now(UTC)
    with duckdb.connect(str(path), config={"memory_limit": BUILD_MEMORY}) as connection:
        fresh = not _has_table(connection, "main", "build_info")
        attached = fresh and previous is not None and previous.exists()
        if attached:
            connection.execute("ATTACH ? AS previous (READ_ONLY)", [str(previous)])
        # One transaction, the schema's statements included (each would commit on its
        # own: twice the time).
        connection.execute("BEGIN TRANSACTION")
        if fresh:
            create_schema(connection)
        held = _published_versions(connection, "main")
        before = _published_versions(connection, "previous") if attached else held
        kept_versions = before[before["file"].isin(refused)]
        target = pd.concat([accepted[["file", "sha256"]], kept_versions[["file", "sha256"]]])
        stale = held.merge(target, on=["file", "sha256"], how="left", indicator=True)
        stale = stale[stale["_merge"] == "left_only"]
        # New: a version the file does not hold under this name (a renamed file's rows were
        # deleted with its old name above).
        new_accepted = accepted.merge(held[["file", "sha256"]], how="left", indicator=True)
        new_accepted = new_accepted[new_accepted["_merge"] == "left_only"]
        kept_new = _with_text(
            connection, "previous", kept_versions[~kept_versions["sha256"].isin(held["sha256"])]
        )
        kept = _passing(kept_new)
        kept_texts = kept_new[kept_new["sha256"].isin(kept.elections["sha256"])]
        versions = pd.concat([new_accepted[["file", "sha256"]], kept_texts[["file", "sha256"]]])

        if len(stale):
            _delete_versions(connection, stale)
        frames = {"article_versions": kept_texts[["sha256", "file", "bytes", "text"]]}
        if fresh:
            frames |= reference_frames()
            frames["build_info"] = pd.DataFrame(
                {"code_sha256": [code_fingerprint()], "built_at": [loaded_at]}
            )
        remaining = held[~held["sha256"].isin(stale["sha256"])]
        published = pd.concat([remaining[["file", "sha256"]], versions[["file", "sha256"]]])
        log = _load_log(findings, files, refused, published, before)
        frames["load_log"] = log.assign(run_id=run_id, loaded_at=loaded_at)
        for name in TABLES:
            if name in frames:
                _insert(connection, name, frames[name])
        # The new versions' texts and rows, as the parse cache's segments hold them: one
        # statement per table reading every segment in turn (see _insert_streamed).
        new_versions = _new_versions(store, new_accepted)
        if new_versions:
            sizes = files.set_index(["file", "sha256"])["bytes"].to_dict()
            _insert_streamed(connection, "article_versions", _texts, new_versions, sizes)
            for name in new_versions[0].segment.warehouse_tables():
                _insert_streamed(connection, name, _rows, new_versions, name)
        if len(kept.elections):  # refused articles keeping their last good version
            for name, frame in election_frames(kept).items():
                _insert(connection, name, frame)
        connection.execute(QUALITY_ROWS, {"run_id": run_id, "loaded_at": loaded_at})
        if attached:
            for name in HISTORY_TABLES:
                if _has_table(connection, "previous", name):
                    _carry_history(connection, name)
        for name in HISTORY_TABLES:  # load_log last: it names the loads to keep
            connection.execute(KEEP_LOADS.format(table=name), {"loads": history_loads})
        connection.execute("COMMIT")
        if attached:
            connection.execute("DETACH previous")
        connection.execute("CHECKPOINT")
        counts = {
            name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in TABLES
        }
    return BuildReport(counts, log, added=len(versions), removed=len(stale))


class NewVersions(NamedTuple):
    """A segment holding new article versions: their files and elections (ids)."""

    segment: Segment
    files: set[str]
    elections: pa.Array


def _new_versions(store: TableStore, new_accepted: pd.DataFrame) -> list[NewVersions]:
    """The segments holding new versions (of ``new_accepted``), with their files and
    elections."""
    new_files = set(new_accepted["file"])
    found = []
    for segment in store.segments:
        files = new_files.intersection(segment.read("elections").column("file").to_pylist())
        if files:
            ids = election_ids(new_accepted[new_accepted["file"].isin(files)])
            found.append(NewVersions(segment, files, pa.array(ids, pa.int64())))
    return found


def _texts(versions: NewVersions, sizes: dict[tuple[str, str], int]) -> pa.Table:
    """The rows of ``article_versions`` of a segment's new versions, with their sizes
    (``sizes``: bytes by file and version): texts are most of a segment, read only where a
    new version is, and kept in Arrow (through a DataFrame, the texts of 3,009 articles
    took twice the time)."""
    texts = versions.segment.read(TEXTS, files=versions.files)
    keys = zip(texts["file"].to_pylist(), texts["sha256"].to_pylist(), strict=True)
    size = pa.array([sizes.get(key) for key in keys], pa.int64())
    texts = texts.append_column("bytes", size).filter(pc.is_valid(size))
    return texts.select(["sha256", "file", "bytes", "text"])


def _rows(versions: NewVersions, table: str) -> pa.Table:
    """The rows a segment's new versions add to the warehouse table ``table``."""
    return versions.segment.warehouse_rows(table, versions.elections)


def _insert_streamed(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    read: Callable[..., pa.Table],
    new_versions: list[NewVersions],
    *args,
) -> None:
    """Insert into ``table`` ``read(versions, *args)`` of each segment with new versions
    (at least one), as one stream of rows read a segment at a time: one statement, with a
    segment's rows in memory at most. DuckDB writes the row groups of a large insert
    straight to the file; inserted a segment at a time, the rows went through its
    write-ahead log first (the rows of 3,009 articles: 0.9 → 0.7 s). An error of ``read``
    (a segment lost) is raised as it is, not as DuckDB's error about the stream."""
    failures: list[BaseException] = []

    def batches(schema: pa.Schema, tables: Iterator[pa.Table]) -> Iterator[pa.RecordBatch]:
        try:
            for rows in tables:
                yield from rows.cast(schema).to_batches()
        except BaseException as error:
            failures.append(error)
            raise

    tables = (read(versions, *args) for versions in new_versions)
    first = next(tables)
    stream = pa.RecordBatchReader.from_batches(
        first.schema, batches(first.schema, itertools.chain([first], tables))
    )
    try:
        _insert(connection, table, stream)
    except duckdb.Error:
        if failures:
            raise failures[0] from None
        raise


# The tables of names, by their key: many articles name the same party or candidate.
NAME_TABLES = {"dim_party": "party", "dim_candidate": "candidate"}


def _insert(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    frame: pd.DataFrame | pa.Table | pa.RecordBatchReader,
) -> None:
    """Append ``frame``'s rows to ``table``; to the tables of names only the names it lacks
    (``frame`` names them once per election)."""
    if table in NAME_TABLES:
        column = NAME_TABLES[table]
        connection.execute(
            f"INSERT INTO {table} BY NAME SELECT DISTINCT * EXCLUDE (election_id) FROM frame "
            f"WHERE {column} NOT IN (SELECT {column} FROM {table})"
        )
    else:
        connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")


def _has_table(connection: duckdb.DuckDBPyConnection, database: str, table: str) -> bool:
    """Whether ``database`` (``main``: the file the connection opened) has ``table``."""
    return bool(
        connection.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = ?",
            [table, _database(connection, database)],
        ).fetchone()[0]
    )


def _delete_versions(connection: duckdb.DuckDBPyConnection, stale: pd.DataFrame) -> None:
    """Delete the rows of the given article versions (sha256, election_id) and the names
    only they used."""
    for name in ELECTION_TABLES:
        connection.execute(
            f"DELETE FROM {name} WHERE election_id IN (SELECT unnest($ids::INTEGER[]))",
            {"ids": stale["election_id"].tolist()},
        )
    connection.execute(
        "DELETE FROM article_versions WHERE sha256 IN (SELECT unnest($shas::VARCHAR[]))",
        {"shas": stale["sha256"].tolist()},
    )
    _remove_unused_names(connection)


# Columns a warehouse of an earlier version of the pipeline lacks, computed from what it has.
HISTORY_UPGRADES = {
    ("dq_check_results", "status"): "CASE WHEN passed THEN 'passed' ELSE 'failed' END",
    ("dq_check_results", "details"): """list_transform(details, lambda d: {
        'section': d.section, 'line': d.line, 'key': NULL::VARCHAR, 'column': d."column",
        'published': d.published, 'expected': d.expected})""",
}


def _carry_history(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    """Copy ``table``'s rows from the previous warehouse, whichever version of the pipeline
    wrote it: a column it lacks, or has in another type, is upgraded, else NULL."""
    types = """SELECT column_name, data_type FROM duckdb_columns()
               WHERE table_name = ? AND database_name = ?"""
    now = connection.execute(types, [table, _database(connection, "main")]).fetchall()
    then = dict(connection.execute(types, [table, "previous"]).fetchall())
    columns = [
        f'"{column}"'
        if then.get(column) == data_type
        else f'{HISTORY_UPGRADES.get((table, column), "NULL")} AS "{column}"'
        for column, data_type in now
    ]
    connection.execute(
        f"INSERT INTO {table} BY NAME SELECT {', '.join(columns)} FROM previous.{table}"
    )


def _database(connection: duckdb.DuckDBPyConnection, database: str) -> str:
    """The catalog name of ``database``: ``main`` is the file the connection opened."""
    if database != "main":
        return database
    return connection.execute("SELECT current_database()").fetchone()[0]


def _published_versions(connection: duckdb.DuckDBPyConnection, database: str) -> pd.DataFrame:
    """The article versions a warehouse publishes, with their text and election."""
    if not _has_table(connection, database, "article_versions"):
        return pd.DataFrame({"sha256": [], "file": [], "bytes": [], "election_id": []}).astype(
            {"sha256": "str", "file": "str", "bytes": "int64", "election_id": "int64"}
        )
    return connection.execute(PUBLISHED_VERSIONS.format(db=database)).df()


def _with_text(
    connection: duckdb.DuckDBPyConnection, database: str, versions: pd.DataFrame
) -> pd.DataFrame:
    """``versions`` with the text of each (read only for the few versions that need it)."""
    if versions.empty:
        return versions.assign(text=pd.Series(dtype="str"))
    texts = connection.execute(
        f"SELECT sha256, text FROM {database}.article_versions "
        "WHERE sha256 IN (SELECT unnest($shas::VARCHAR[]))",
        {"shas": versions["sha256"].tolist()},
    ).df()
    return versions.merge(texts, on="sha256")


def _passing(versions: pd.DataFrame) -> ElectionTables:
    """Tables of the given article versions that pass every ERROR rule today."""
    if versions.empty:
        return ElectionTables.concat([])
    sources = versions.assign(error=None, error_line=None)
    tables, unreadable = extract_articles(sources)
    refused = refused_files(evaluate(tables, unreadable))
    return tables.select(refused, keep=False)


def _remove_unused_names(connection: duckdb.DuckDBPyConnection) -> None:
    """Drop parties and candidates no published row names any more."""
    connection.execute(
        """
        DELETE FROM dim_party WHERE party NOT IN (
            SELECT party FROM fact_state_result WHERE party IS NOT NULL
            UNION SELECT party FROM fact_nominee WHERE party IS NOT NULL
            UNION SELECT party FROM fact_county_result WHERE party IS NOT NULL
            UNION SELECT from_party FROM fact_county_flip
            UNION SELECT to_party FROM fact_county_flip)
        """
    )
    connection.execute(
        """
        DELETE FROM dim_candidate WHERE candidate NOT IN (
            SELECT candidate FROM fact_state_result
            UNION SELECT candidate FROM fact_nominee
            UNION SELECT candidate FROM fact_county_result
            UNION SELECT candidate FROM fact_district_result
            UNION SELECT candidate FROM fact_fundraising
            UNION SELECT candidate FROM fact_elector WHERE candidate IS NOT NULL)
        """
    )


def _load_log(
    findings: pd.DataFrame,
    files: pd.DataFrame,
    refused: list[str],
    published: pd.DataFrame,
    previous_versions: pd.DataFrame,
) -> pd.DataFrame:
    """What this load does with each file: published, kept_previous, refused or removed.
    ``published``: file and sha256 of every version the warehouse publishes after it."""
    published_sha = dict(zip(published["file"], published["sha256"], strict=True))
    refused_set = set(refused)
    errors = findings[findings["severity"] == ERROR].drop_duplicates("file")
    first_error = {row.file: f"{row.check}: {describe_finding(row)}" for row in errors.itertuples()}
    rows = []
    for file, sha256 in zip(files["file"], files["sha256"], strict=True):
        kept = published_sha.get(file)
        if file not in refused_set:
            rows.append((file, sha256, "published", kept, None))
        else:
            status = "kept_previous" if kept is not None else "refused"
            rows.append((file, sha256, status, kept, first_error[file]))
    for file in sorted(set(previous_versions["file"]) - set(files["file"])):
        rows.append((file, None, "removed", None, None))
    return pd.DataFrame(rows, columns=["file", "sha256", "status", "published_sha256", "reason"])
