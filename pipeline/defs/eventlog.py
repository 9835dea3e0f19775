"""Dagster's SQLite storage, written cheaply while a load runs.

With SQLite storage, Dagster opens a database connection for every event it stores,
commits, and closes it. Each commit waits for the disk (``fsync``), and each close of
the last connection to a database folds its write-ahead log back into it and deletes
it (more ``fsync``). A load stores some 230 events (steps, outputs, materializations,
checks), about half of them in two databases (the run's and the index): some 2,200
``fsync`` calls, one to several seconds per load, all of it when the disk is busy.

While :func:`kept_open` is active, every SQLite database in write-ahead-log mode that
Dagster connects to gets one more connection of ours, held until the block ends, so
that closing Dagster's connections folds nothing back; and those connections commit
with ``synchronous = NORMAL``, which in that mode skips the ``fsync`` of each commit.
The databases stay consistent whatever happens; a power cut (not a killed process) may
lose the last events, and a run whose end was lost is marked failed by the next load
(:func:`~pipeline.defs.runs.fail_abandoned_runs`). PostgreSQL storage is left alone.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

_held: dict[str, sqlite3.Connection] = {}
_depth = 0


def _on_connect(connection: object, record: object) -> None:
    """On each new connection of a SQLAlchemy engine, inside :func:`kept_open`."""
    if not _depth or not isinstance(connection, sqlite3.Connection):
        return
    if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        return  # a rollback journal: left as Dagster made it
    connection.execute("PRAGMA synchronous = NORMAL")
    path = connection.execute("PRAGMA database_list").fetchone()[2]
    if path and path not in _held:
        holder = sqlite3.connect(path, check_same_thread=False)
        holder.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the log
        _held[path] = holder


def release(path: str) -> None:
    """Close our connection to the database at ``path``, if any: before the database is
    deleted, else its write-ahead log would outlive it."""
    holder = _held.pop(path, None)
    if holder is not None:
        holder.close()


@contextmanager
def kept_open() -> Iterator[None]:
    """Store Dagster's events without an ``fsync`` per event while the block runs (blocks
    may nest: the CLI's run holds one, its load's resource another)."""
    global _depth
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth:
            while _held:
                _held.popitem()[1].close()
