"""Stage 4: typed tables → the DuckDB warehouse analysts query.

The schema lives in ``sql/``, one file per table or view. A load never writes into the
live file: it builds a complete new database beside it, checkpoints and closes it, and
renames it over the live file, so a reader sees either the old warehouse or the new
one, never a half-written one.
"""

from __future__ import annotations

import fcntl
import os
import struct
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import PROJECT_ROOT
from pipeline.checks import (
    ARTICLES_ARE_READABLE,
    ERROR,
    all_rules,
    describe_finding,
    evaluate,
    refused_files,
)
from pipeline.extract import ElectionTables, extract_articles
from pipeline.reference import all_states, county_fips_changes

SQL_DIR = PROJECT_ROOT / "sql"

# Creation order: every table after the tables it references, views last.
TABLES = [
    "article_versions",
    "dim_state",
    "dim_county_fips_change",
    "dim_election",
    "dim_party",
    "dim_candidate",
    "dim_county",
    "dim_district",
    "fact_state_result",
    "fact_nominee",
    "fact_county_result",
    "fact_county_summary",
    "fact_district_result",
    "fact_district_representative",
    "fact_elector",
    "fact_prediction",
    "fact_county_flip",
    "fact_fundraising",
    "dq_check_results",
    "load_log",
]
VIEWS = [
    "state_results",
    "county_results",
    "district_results",
    "district_representatives",
    "electors",
    "predictions",
    "county_flips",
    "county_swing",
    "state_summary",
    "data_quality",
    "quarantine",
]
STAGING_SUFFIX = ".staging"


def election_ids(frame: pd.DataFrame) -> pd.Series:
    """Stable election key from the natural key: year * 100 + state FIPS (200429)."""
    fips = {state.postal_code: int(state.fips) for state in all_states()}
    return frame["year"].astype("int64") * 100 + frame["state_po"].map(fips).astype("int64")


def warehouse_frames(tables: ElectionTables) -> dict[str, pd.DataFrame]:
    """The rows of every warehouse table, named as in ``sql/``, from the typed tables."""
    states = pd.DataFrame(
        [(s.fips, s.name, s.postal_code) for s in all_states()],
        columns=["state_fips", "state", "state_po"],
    )
    fips_of = dict(zip(states["state_po"], states["state_fips"], strict=True))

    def keyed(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
        out = frame.assign(election_id=election_ids(frame), source_line=frame["line"])
        return out[["election_id", *columns]]

    elections = tables.elections.assign(
        election_id=election_ids(tables.elections),
        source_file=tables.elections["file"],
        source_sha256=tables.elections["sha256"],
    )
    counties = tables.county_summaries.drop_duplicates(["state_po", "county"])
    counties = counties.assign(state_fips=counties["state_po"].map(fips_of))
    parties = pd.concat(
        [
            tables.state_results["party"],
            tables.nominees["party"],
            tables.county_results["party"],
            tables.county_flips["from_party"],
            tables.county_flips["to_party"],
        ]
    ).dropna()
    candidates = pd.concat(
        [
            tables.state_results["candidate"],
            tables.nominees["candidate"],
            tables.county_results["candidate"],
            tables.district_results["candidate"],
            tables.fundraising["candidate"],
        ]
    ).dropna()
    districts = pd.concat(
        [
            tables.district_results[["year", "state_po", "district", "district_label"]],
            tables.district_representatives[["year", "state_po", "district"]].assign(
                district_label=tables.district_representatives["district"].astype("string")
            ),
        ]
    ).drop_duplicates(["year", "state_po", "district"])

    def with_state(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(state_fips=frame["state_po"].map(fips_of))

    changes = pd.DataFrame(county_fips_changes()).drop(columns="is_city").astype({"year": "int64"})
    return {
        "dim_state": states,
        "dim_county_fips_change": changes,
        "dim_election": elections[
            [
                "election_id",
                "year",
                "state_fips",
                "title",
                "election_date",
                "electoral_votes",
                "total_votes",
                "total_pct",
                "turnout_pct",
                "turnout_basis",
                "previous_year",
                "next_year",
                "source_file",
                "source_sha256",
            ]
        ],
        "dim_party": pd.DataFrame({"party": sorted(set(parties))}),
        "dim_candidate": pd.DataFrame({"candidate": sorted(set(candidates))}),
        "dim_county": counties[["state_fips", "county", "county_fips"]],
        "dim_district": keyed(districts.assign(line=0), "district", "district_label"),
        "fact_state_result": keyed(
            tables.state_results,
            "candidate",
            "party",
            "ballot_order",
            "votes",
            "pct",
            "electoral_votes",
            "incumbent",
            "source_line",
        ),
        "fact_nominee": keyed(
            tables.nominees,
            "ordinal",
            "candidate",
            "party",
            "home_state",
            "running_mate",
            "electoral_votes",
            "popular_votes",
            "pct",
            "source_line",
        ),
        "fact_county_result": keyed(
            with_state(tables.county_results),
            "state_fips",
            "county",
            "candidate",
            "party",
            "column_order",
            "votes",
            "pct",
            "source_line",
        ),
        "fact_county_summary": keyed(
            with_state(tables.county_summaries),
            "state_fips",
            "county",
            "margin_votes",
            "margin_pct",
            "total_votes",
            "source_line",
        ),
        "fact_district_result": keyed(
            tables.district_results, "district", "candidate", "pct", "source_line"
        ),
        "fact_district_representative": keyed(
            tables.district_representatives,
            "district",
            "ordinal",
            "representative",
            "source_line",
        ),
        "fact_elector": keyed(tables.electors, "ordinal", "elector", "source_line"),
        "fact_prediction": keyed(tables.predictions, "source", "rating", "source_line"),
        "fact_county_flip": keyed(
            with_state(tables.county_flips),
            "state_fips",
            "county",
            "from_party",
            "to_party",
            "largest_city",
            "source_line",
        ),
        "fact_fundraising": keyed(tables.fundraising, "candidate", "raised_usd", "source_line"),
    }


def create_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Run the DDL of ``sql/``: tables in dependency order, then the analyst views."""
    for name in TABLES + VIEWS:
        connection.execute((SQL_DIR / f"{name}.sql").read_text())


@dataclass
class PublishReport:
    """What a load published: rows per table and view, and what it did with each file."""

    counts: dict[str, int]
    load_log: pd.DataFrame  # file, sha256, status, published_sha256, reason

    @property
    def refused(self) -> pd.DataFrame:
        return self.load_log[self.load_log["status"].isin(["kept_previous", "refused"])]


class WarehouseBusy(RuntimeError):
    """The live warehouse is open read-write by another process: it cannot be replaced."""


# One row per article and check of this run, with the article's failing cells.
QUALITY_ROWS = """
INSERT INTO dq_check_results
SELECT $run_id, $loaded_at, e.article, e.check_name, e.asset, e.severity,
       count(f."check") = 0, count(f."check"),
       coalesce(
           list({'section': f.section, 'line': f.line, 'column': f."column",
                 'published': f.published, 'expected': f.expected} ORDER BY f.line)
               FILTER (WHERE f."check" IS NOT NULL)[1:100],
           [])
FROM evaluations e
LEFT JOIN findings f ON f.file = e.article AND f."check" = e.check_name
GROUP BY ALL
"""
HISTORY_TABLES = ["dq_check_results", "load_log"]


def publish_warehouse(
    tables: ElectionTables,
    findings: pd.DataFrame,
    files: pd.DataFrame,
    live: Path,
    run_id: str,
) -> PublishReport:
    """Build the new warehouse beside ``live``, verify it, and rename it over ``live``.

    Readers holding ``live`` open read-only keep their snapshot; new connections see the
    new file. A failure at any point, a killed process included, leaves ``live`` as it
    was: only the rename changes it, and the rename is atomic. Articles with an ERROR
    finding are left out; where ``live`` holds an earlier version of such an article
    that still passes every rule, that version is published again.
    """
    live.parent.mkdir(parents=True, exist_ok=True)
    with reload_lock(live.parent):
        remove_staging_leftovers(live)
        refuse_if_written(live)
        staging = live.with_name(f"{live.name}.{uuid.uuid4().hex}{STAGING_SUFFIX}")
        try:
            report = build_warehouse(tables, findings, files, staging, live, run_id)
            verify_warehouse(staging, report.counts)
            refuse_if_written(live)
            os.replace(staging, live)
            # A write-ahead log left by a writer that died belonged to the old file.
            live.with_name(live.name + ".wal").unlink(missing_ok=True)
        finally:
            for leftover in (staging, staging.with_name(staging.name + ".wal")):
                leftover.unlink(missing_ok=True)
    return report


@contextmanager
def reload_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the warehouse folder, so two loads (a scheduled run and
    ``make run``) never build and swap at the same time; the second waits."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def writer_pid(path: Path) -> int | None:
    """PID of a process holding ``path`` open read-write, else None.

    DuckDB takes an exclusive fcntl lock on the database file for a read-write
    connection and a shared one for a read-only connection. Asking whether a shared
    lock could be taken therefore finds exactly the read-write holders.
    """
    if not path.exists():
        return None
    descriptor = os.open(path, os.O_RDONLY)
    try:
        request = struct.pack(FLOCK, fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)
        answer = fcntl.fcntl(descriptor, fcntl.F_GETLK, request)
    finally:
        os.close(descriptor)
    kind, _, _, _, pid = struct.unpack(FLOCK, answer)
    return pid if kind != fcntl.F_UNLCK else None


# struct flock on Linux: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid.
FLOCK = "hhqqi4x"


def refuse_if_written(live: Path) -> None:
    """Stop the load while a process holds the live file read-write.

    Renaming a new file over it would orphan that process's write-ahead log (its name
    follows the path), and the new file would then refuse to open.
    """
    pid = writer_pid(live)
    if pid is not None:
        raise WarehouseBusy(
            f"{live} is open read-write by process {pid}; the reload would corrupt that "
            "connection's write-ahead log. Close it and connect read-only "
            f"(duckdb.connect('{live}', read_only=True), or `make sql`), then reload."
        )


def verify_warehouse(path: Path, counts: dict[str, int]) -> None:
    """Reopen the closed new file and check that every table and view reads back whole."""
    with duckdb.connect(str(path), read_only=True) as connection:
        for name, expected in counts.items():
            found = connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            if found != expected:
                raise RuntimeError(
                    f"new warehouse {path}: {name} has {found} rows, wrote {expected}"
                )


def build_warehouse(
    tables: ElectionTables,
    findings: pd.DataFrame,
    files: pd.DataFrame,
    path: Path,
    previous: Path | None,
    run_id: str,
) -> PublishReport:
    """Write a complete warehouse into the new file ``path``, carrying over from the
    ``previous`` one the history tables and the last good version of refused articles."""
    refused = refused_files(findings)
    accepted = tables.select(refused, keep=False)
    loaded_at = datetime.now(UTC)
    with duckdb.connect(str(path)) as connection:
        create_schema(connection)
        carried = previous is not None and previous.exists()
        if carried:
            connection.execute("ATTACH ? AS previous (READ_ONLY)", [str(previous)])
        previous_versions = _previous_versions(connection) if carried else _no_versions()
        kept = _passing(previous_versions[previous_versions["file"].isin(refused)])
        published = ElectionTables.concat([accepted, kept])
        versions = pd.concat(
            [
                files[files["file"].isin(accepted.elections["file"])],
                previous_versions[previous_versions["file"].isin(kept.elections["file"])],
            ]
        )[["sha256", "file", "bytes", "text"]]
        log = _load_log(findings, files, refused, published, previous_versions)
        frames = {
            "article_versions": versions,
            **warehouse_frames(published),
            "load_log": log.assign(run_id=run_id, loaded_at=loaded_at),
        }
        connection.execute("BEGIN TRANSACTION")
        for name in TABLES:
            if name in frames:
                frame = frames[name]  # noqa: F841 (read by DuckDB's replacement scan)
                connection.execute(f"INSERT INTO {name} BY NAME SELECT * FROM frame")
        evaluations = _evaluations(tables, files)  # noqa: F841 (read by QUALITY_ROWS)
        connection.execute(QUALITY_ROWS, {"run_id": run_id, "loaded_at": loaded_at})
        for name in HISTORY_TABLES:
            if carried and _has_table(connection, "previous", name):
                connection.execute(f"INSERT INTO {name} BY NAME SELECT * FROM previous.{name}")
        connection.execute("COMMIT")
        if carried:
            connection.execute("DETACH previous")
        connection.execute("CHECKPOINT")
        counts = {
            name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in TABLES + VIEWS
        }
    return PublishReport(counts, log)


def _has_table(connection: duckdb.DuckDBPyConnection, database: str, table: str) -> bool:
    return bool(
        connection.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
            [database, table],
        ).fetchone()[0]
    )


def _no_versions() -> pd.DataFrame:
    return pd.DataFrame({"sha256": [], "file": [], "bytes": [], "text": []}).astype(
        {"sha256": "str", "file": "str", "bytes": "int64", "text": "str"}
    )


def _previous_versions(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The article versions the live warehouse publishes (none if it predates them)."""
    if not _has_table(connection, "previous", "article_versions"):
        return _no_versions()
    return connection.execute(
        """
        SELECT v.sha256, v.file, v.bytes, v.text
        FROM previous.article_versions v
        JOIN previous.dim_election e ON e.source_sha256 = v.sha256
        """
    ).df()


def _passing(versions: pd.DataFrame) -> ElectionTables:
    """Tables of the given article versions that pass every ERROR rule today."""
    sources = versions.assign(error=None, error_line=None)
    tables, unreadable = extract_articles(sources)
    refused = refused_files(evaluate(tables, unreadable))
    return tables.select(refused, keep=False)


def _evaluations(tables: ElectionTables, files: pd.DataFrame) -> pd.DataFrame:
    """Every (article, check) pair this run evaluated: readability for every file, the
    other rules for every article that could be read."""
    rules = pd.DataFrame(
        [(rule.name, rule.table, rule.severity) for rule in all_rules()],
        columns=["check_name", "asset", "severity"],
    )
    readable = rules["check_name"] == ARTICLES_ARE_READABLE.name
    return pd.concat(
        [
            files[["file"]].merge(rules[readable], how="cross"),
            tables.elections[["file"]].merge(rules[~readable], how="cross"),
        ],
        ignore_index=True,
    ).rename(columns={"file": "article"})


def _load_log(
    findings: pd.DataFrame,
    files: pd.DataFrame,
    refused: list[str],
    published: ElectionTables,
    previous_versions: pd.DataFrame,
) -> pd.DataFrame:
    """What this load does with each file: published, kept_previous, refused or removed."""
    published_sha = published.elections.set_index("file")["sha256"]
    errors = findings[findings["severity"] == ERROR].drop_duplicates("file")
    first_error = {row.file: f"{row.check}: {describe_finding(row)}" for row in errors.itertuples()}
    rows = []
    for file, sha256 in zip(files["file"], files["sha256"], strict=True):
        kept = published_sha.get(file)
        if file not in refused:
            rows.append((file, sha256, "published", kept, None))
        else:
            status = "kept_previous" if kept is not None else "refused"
            rows.append((file, sha256, status, kept, first_error[file]))
    for file in sorted(set(previous_versions["file"]) - set(files["file"])):
        rows.append((file, None, "removed", None, None))
    return pd.DataFrame(rows, columns=["file", "sha256", "status", "published_sha256", "reason"])


def remove_staging_leftovers(live: Path) -> None:
    """Delete staging files a killed run left beside the live warehouse."""
    for leftover in live.parent.glob(f"{live.name}.*{STAGING_SUFFIX}*"):
        leftover.unlink(missing_ok=True)
