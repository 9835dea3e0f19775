"""Stage 4, the swap: the live warehouse is only ever replaced whole, never written.

A load works on a staging file beside the live one (a copy of it, when the same code
built it; else a new file), verifies it, and renames it over the live file. Readers
holding the live file open read-only keep their snapshot; new connections see the new
data. A failure at any point, a killed process included, leaves the live file as it
was: only the rename changes it, and the rename is atomic.

A load that would publish what the live file holds already publishes nothing: no copy,
no new file, no history rows (the quality history then still compares the last two
loads that changed something). What a load would publish is summed up in one hash
(:func:`load_fingerprint`), recorded beside the live file after each swap with the
identity of the file it left there (``<warehouse>.published``); a live file replaced or
written since by anything else does not match the record, and is replaced as usual.
"""

import fcntl
import hashlib
import os
import shutil
import struct
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import progress
from pipeline.cache import TableStore, code_fingerprint
from pipeline.warehouse.build import TABLES, BuildReport, build_warehouse, built_by_this_code
from pipeline.warehouse.keys import key_violations

STAGING_SUFFIX = ".staging"
PUBLISHED_SUFFIX = ".published"
# struct flock on Linux: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid.
FLOCK = "hhqqi4x"


# A DuckDB database file carries these bytes at this offset (its header's magic).
DUCKDB_MAGIC = (8, b"DUCK")
# A new warehouse takes about 19 MB (the schema and the county reference), and 7 bytes
# more per byte of article text (docs/benchmarks.md: 3,009 articles, 27.4 MB, 190 MB of
# warehouse). A build writes about twice the file's size: the file, and its write-ahead
# log until the checkpoint.
EMPTY_WAREHOUSE_BYTES = 19_000_000
WAREHOUSE_BYTES_PER_ARTICLE_BYTE = 7
BUILD_ROOM_FACTOR = 2


class WarehouseRefused(RuntimeError):
    """The load cannot publish at this path; nothing was written."""


class WarehouseBusy(WarehouseRefused):
    """The live warehouse is open read-write by another process: it cannot be replaced."""


@dataclass
class Publication:
    """What a load left at the warehouse path: the report of the load the live file holds,
    that load's fingerprint, and whether this load replaced the file (False: the file held
    this very load already, and was left as it is)."""

    report: BuildReport
    load: str
    replaced: bool


def publish_warehouse(
    store: TableStore,
    findings: pd.DataFrame,
    verdicts: pd.DataFrame,
    files: pd.DataFrame,
    live: Path,
    run_id: str,
    history_loads: int,
) -> Publication:
    """Bring a staging copy of ``live`` up to date with the load, verify it, and rename
    it over ``live`` (see :func:`~pipeline.warehouse.build.build_warehouse`); or, when
    ``live`` holds this load already, leave it as it is."""
    load = load_fingerprint(files, findings, verdicts, history_loads)
    live.parent.mkdir(parents=True, exist_ok=True)
    with reload_lock(live.parent):
        if holds_load(live, load):
            return Publication(live_report(live), load, replaced=False)
        remove_staging_leftovers(live)
        refuse_if_written(live)
        check_before_build(live, int(files["bytes"].sum()))
        staging = live.with_name(f"{live.name}.{uuid.uuid4().hex}{STAGING_SUFFIX}")
        wal = live.with_name(live.name + ".wal")
        try:
            # A write-ahead log beside the live file holds changes of a writer that died:
            # the file alone is then not the whole warehouse, so build afresh.
            progress.report("load")
            if live.exists() and not wal.exists() and built_by_this_code(live):
                shutil.copyfile(live, staging)
            report = build_warehouse(
                store, findings, verdicts, files, staging, live, run_id, history_loads
            )
            progress.report("verify")
            verify_warehouse(staging, report.counts)
            refuse_if_written(live)
            if live.exists():  # a warehouse made read-only (0444) stays so
                shutil.copymode(live, staging)
            progress.report("swap")
            published_record(live).unlink(missing_ok=True)
            os.replace(staging, live)
            wal.unlink(missing_ok=True)  # belonged to the replaced file
            record_load(live, load)
        finally:
            for leftover in (staging, staging.with_name(staging.name + ".wal")):
                leftover.unlink(missing_ok=True)
    return Publication(report, load, replaced=True)


def load_fingerprint(
    files: pd.DataFrame, findings: pd.DataFrame, verdicts: pd.DataFrame, history_loads: int
) -> str:
    """What a load publishes, as one hash: the code, the name and version of every file,
    every finding and verdict, and the loads of history kept. Loads with the same
    fingerprint publish the same rows (the tables follow from the files and the code)."""
    digest = hashlib.sha256(f"{code_fingerprint()} {history_loads}".encode())
    # Findings reused from the parse cache come in another order than fresh ones.
    ordered = findings.sort_values(list(findings.columns), kind="stable")
    for frame in (files[["file", "sha256"]], ordered, verdicts):
        digest.update(" ".join(frame.columns).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def published_record(live: Path) -> Path:
    """The file that records the load ``live`` holds (see :func:`record_load`)."""
    return live.with_name(live.name + PUBLISHED_SUFFIX)


def file_identity(path: Path) -> str:
    """Device, inode, size and modification time: they change when anything replaces or
    writes the file."""
    status = path.stat()
    return f"{status.st_dev} {status.st_ino} {status.st_size} {status.st_mtime_ns}"


def record_load(live: Path, load: str) -> None:
    """Record that ``live``, as it is now, holds the load ``load``. The record only saves
    work: when it cannot be written, the next load publishes again."""
    record = published_record(live)
    partial = record.with_name(f"{record.name}.{uuid.uuid4().hex}{STAGING_SUFFIX}")
    try:
        partial.write_text(f"{load} {file_identity(live)}\n")
        os.replace(partial, record)
    except OSError:
        partial.unlink(missing_ok=True)


def holds_load(live: Path, load: str) -> bool:
    """Whether ``live`` is the file a load with fingerprint ``load`` left, untouched since
    (and without a write-ahead log of another writer beside it)."""
    try:
        recorded = published_record(live).read_text().strip()
        current = f"{load} {file_identity(live)}"
    except OSError:
        return False
    return recorded == current and not live.with_name(live.name + ".wal").exists()


def live_report(live: Path) -> BuildReport:
    """The report of the load the live file holds: its rows per table and its load log."""
    with duckdb.connect(str(live), read_only=True) as connection:
        counts = {
            name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in TABLES
        }
        log = connection.execute(
            """SELECT file, sha256, status, published_sha256, reason FROM load_log
               WHERE run_id = (SELECT run_id FROM load_log ORDER BY loaded_at DESC LIMIT 1)
               ORDER BY file"""
        ).df()
    return BuildReport(counts, log, added=0, removed=0)


def check_before_build(live: Path, article_bytes: int) -> None:
    """Refuse, before anything is written: a warehouse path that holds something other
    than a DuckDB database, and a folder without room for the build (see
    :func:`room_needed`)."""
    if live.exists():
        if not live.is_file():
            raise WarehouseRefused(f"{live} is not a file (ELECTIONS_WAREHOUSE)")
        offset, magic = DUCKDB_MAGIC
        with live.open("rb") as file:
            header = file.read(offset + len(magic))
        if header[offset:] != magic:
            raise WarehouseRefused(
                f"{live} is not a DuckDB database: ELECTIONS_WAREHOUSE must name a warehouse "
                "or a new file"
            )
    needed, free = room_needed(live, article_bytes), free_bytes(live.parent)
    if free < needed:
        raise WarehouseRefused(
            f"not enough free space in {live.parent}: {free / 1e6:,.1f} MB free, a reload "
            f"needs about {needed / 1e6:,.1f} MB (a new copy of the warehouse and its "
            "write-ahead log, about twice its size). Free some space, or point "
            "ELECTIONS_WAREHOUSE at a larger disk."
        )


def room_needed(live: Path, article_bytes: int) -> int:
    """Bytes a build writes beside the live file: about twice the size of the new
    warehouse, estimated from the live one or, when larger, from the article text."""
    current = live.stat().st_size if live.exists() else 0
    estimate = EMPTY_WAREHOUSE_BYTES + WAREHOUSE_BYTES_PER_ARTICLE_BYTE * article_bytes
    return BUILD_ROOM_FACTOR * max(current, estimate)


def free_bytes(folder: Path) -> int:
    """Bytes this process may still write in the file system ``folder`` is (or, when it
    does not exist yet, will be) on."""
    while not folder.exists():
        folder = folder.parent
    return shutil.disk_usage(folder).free


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
            f"(pipeline.warehouse.connect('{live}'), or `make sql`), then reload."
        )


def verify_warehouse(path: Path, counts: dict[str, int]) -> None:
    """Reopen the closed staging file and check that every table reads back whole and
    that every declared key holds (:mod:`pipeline.warehouse.keys`)."""
    with duckdb.connect(str(path), read_only=True) as connection:
        for name, expected in counts.items():
            found = connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            if found != expected:
                raise RuntimeError(
                    f"new warehouse {path}: {name} has {found} rows, wrote {expected}"
                )
        broken = key_violations(connection)
    if broken:
        raise WarehouseRefused(
            "the new warehouse breaks its keys, so it is not published:\n" + "\n".join(broken)
        )


def remove_staging_leftovers(live: Path) -> None:
    """Delete staging files a killed run left beside the live warehouse."""
    for leftover in live.parent.glob(f"{live.name}.*{STAGING_SUFFIX}*"):
        leftover.unlink(missing_ok=True)
