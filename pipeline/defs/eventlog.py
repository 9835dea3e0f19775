"""Dagster's SQLite storage, written cheaply.

Dagster's SQLite event log makes a new SQLAlchemy engine for every event it stores (some
230 per load), opens a connection, commits, closes it and disposes of the engine.
:class:`SqliteEventLog`, the event log the instance configuration the CLI writes names,
keeps one engine per database instead (connections are still opened and closed per event),
and remembers the tables of the index it found: Dagster asks for one before storing each
asset event and check result, a connection each time.

Each commit waits for the disk (``fsync``), and each close of the last connection to a
database folds its write-ahead log back into it and deletes it (more ``fsync``). A load
stores about half of its events in two databases (the run's and the index): some 2,200
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
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import StringSource
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
)
from dagster._core.storage.sql import create_engine
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

# Engines kept: the index's and the latest runs'. A UI reading the events of hundreds of
# runs makes an engine for each again once it falls out.
KEPT_ENGINES = 16


class SqliteEventLog(SqliteEventLogStorage):
    """Dagster's SQLite event log (the same files, one per run and an index, in
    ``history/runs`` of the instance's folder), with one SQLAlchemy engine per database,
    made once: making and disposing of an engine per event was a third of the time a
    reload spent storing its events."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        self._tables: set[str] = set()  # tables of the index found (see has_table)
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> dict:
        return {"base_dir": StringSource}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> "SqliteEventLog":
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        """The engine of database ``shard`` (a run id, or the index)."""
        with self._engines_lock:
            engine = self._engines.pop(shard, None) or create_engine(
                self.conn_string_for_shard(shard),
                poolclass=NullPool,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            self._engines[shard] = engine
            while len(self._engines) > KEPT_ENGINES:
                self._engines.popitem(last=False)[1].dispose()
            return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as connection, connection.begin():
                yield connection

    def has_table(self, table_name: str) -> bool:
        """Whether the index has ``table_name``. Dagster asks before storing each asset
        event and check result (a connection each time); tables are only ever added (by
        migrations), so one found is not looked for again."""
        if table_name in self._tables:
            return True
        engine = self._engine(INDEX_SHARD_NAME)
        with engine.connect() as connection:
            found = bool(engine.dialect.has_table(connection, table_name))
        if found:
            self._tables.add(table_name)
        return found

    def dispose(self) -> None:
        super().dispose()
        with self._engines_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()


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
