"""Stage 4, the swap: the live warehouse is only ever replaced whole, never written.

A load works on a staging file beside the live one (a copy of it, when the same code
built it; else a new file), verifies it, and renames it over the live file. Readers
holding the live file open read-only keep their snapshot; new connections see the new
data. A failure at any point, a killed process included, leaves the live file as it
was: only the rename changes it, and the rename is atomic.
"""

import fcntl
import os
import shutil
import struct
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import progress
from pipeline.tables.extract import ElectionTables
from pipeline.warehouse.build import BuildReport, build_warehouse, built_by_this_code

STAGING_SUFFIX = ".staging"
# struct flock on Linux: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid.
FLOCK = "hhqqi4x"


class WarehouseBusy(RuntimeError):
    """The live warehouse is open read-write by another process: it cannot be replaced."""


def publish_warehouse(
    tables: ElectionTables,
    findings: pd.DataFrame,
    verdicts: pd.DataFrame,
    files: pd.DataFrame,
    live: Path,
    run_id: str,
    history_loads: int,
) -> BuildReport:
    """Bring a staging copy of ``live`` up to date with the load, verify it, and rename
    it over ``live`` (see :func:`~pipeline.warehouse.build.build_warehouse`)."""
    live.parent.mkdir(parents=True, exist_ok=True)
    with reload_lock(live.parent):
        remove_staging_leftovers(live)
        refuse_if_written(live)
        staging = live.with_name(f"{live.name}.{uuid.uuid4().hex}{STAGING_SUFFIX}")
        wal = live.with_name(live.name + ".wal")
        try:
            # A write-ahead log beside the live file holds changes of a writer that died:
            # the file alone is then not the whole warehouse, so build afresh.
            progress.report("load")
            if live.exists() and not wal.exists() and built_by_this_code(live):
                shutil.copyfile(live, staging)
            report = build_warehouse(
                tables, findings, verdicts, files, staging, live, run_id, history_loads
            )
            progress.report("verify")
            verify_warehouse(staging, report.counts)
            refuse_if_written(live)
            progress.report("swap")
            os.replace(staging, live)
            wal.unlink(missing_ok=True)  # belonged to the replaced file
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
    """Reopen the closed staging file and check that every table reads back whole."""
    with duckdb.connect(str(path), read_only=True) as connection:
        for name, expected in counts.items():
            found = connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            if found != expected:
                raise RuntimeError(
                    f"new warehouse {path}: {name} has {found} rows, wrote {expected}"
                )


def remove_staging_leftovers(live: Path) -> None:
    """Delete staging files a killed run left beside the live warehouse."""
    for leftover in live.parent.glob(f"{live.name}.*{STAGING_SUFFIX}*"):
        leftover.unlink(missing_ok=True)
