"""Dagster's SQLite storage during a load: every event is stored, without a commit that
waits for the disk nor a write-ahead log folded back after each event; afterwards the
databases are whole, their logs folded back."""

import shutil
from pathlib import Path

import dagster as dg
from sqlalchemy.engine import Engine

from pipeline import settings
from pipeline.defs.eventlog import KEPT_ENGINES, SqliteEventLog, kept_open
from tests.conftest import PROJECT


def synchronous_of_a_new_connection(instance: dg.DagsterInstance) -> int:
    """``PRAGMA synchronous`` of a connection Dagster opens to its index database."""
    with instance.event_log_storage.index_connection() as connection:
        return connection.exec_driver_sql("PRAGMA synchronous").scalar()


def test_events_stored_in_a_kept_open_block_are_whole_after_it(tmp_path):
    home = tmp_path / "dagster"
    home.mkdir()
    shutil.copyfile(PROJECT / "dagster.yaml", home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.create_run_for_job(dg.GraphDefinition("empty").to_job())
        shard = Path(instance.event_log_storage.path_for_shard(run.run_id))
        assert synchronous_of_a_new_connection(instance) == 2  # FULL: Dagster's default
        assert not shard.with_name(shard.name + "-wal").exists()  # folded back at each close
        with kept_open():
            for number in range(20):
                instance.report_engine_event(f"event {number}", run)
            assert synchronous_of_a_new_connection(instance) == 1  # NORMAL: no fsync per commit
            assert shard.with_name(shard.name + "-wal").exists()  # kept between events
        assert not shard.with_name(shard.name + "-wal").exists()  # folded back at the end
        assert synchronous_of_a_new_connection(instance) == 2
    with dg.DagsterInstance.from_config(str(home)) as instance:
        messages = [
            record.event_log_entry.message
            for record in instance.get_records_for_run(run.run_id).records
        ]
        assert messages[-20:] == [f"event {number}" for number in range(20)]


def test_the_project_instance_stores_events_with_an_engine_per_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    home = settings.prepare_dagster_home()
    runs = []
    with dg.DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, SqliteEventLog)
        job = dg.GraphDefinition("empty").to_job()
        for number in range(KEPT_ENGINES + 4):
            run = instance.create_run_for_job(job)
            runs.append(run.run_id)
            for event in range(3):
                instance.report_engine_event(f"run {number} event {event}", run)
        # the index's and the latest runs' engines, no more
        assert len(storage._engines) == KEPT_ENGINES
        assert runs[-1] in storage._engines and runs[0] not in storage._engines
        assert Path(storage.path_for_shard(runs[0])).parent == home / "history" / "runs"
    with dg.DagsterInstance.from_config(str(home)) as instance:  # read back by another
        for number, run_id in enumerate(runs):
            messages = [
                record.event_log_entry.message
                for record in instance.get_records_for_run(run_id).records
            ]
            assert messages[-3:] == [f"run {number} event {event}" for event in range(3)]


def test_a_table_of_the_index_found_is_not_looked_for_again(tmp_path, monkeypatch):
    """Dagster asks whether the index has a table before storing each asset event (a new
    connection each time): one found stays found; one missing is looked for again."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    home = settings.prepare_dagster_home()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        connections = []
        monkeypatch.setattr(Engine, "connect", _counting(Engine.connect, connections))
        assert storage.has_table("asset_event_tags")
        assert storage.has_table("asset_event_tags")
        assert not storage.has_table("no_such_table")
        assert not storage.has_table("no_such_table")
        assert len(connections) == 3  # the table found once, the missing one twice


def _counting(connect, calls: list):
    def counted(engine, *args, **kwargs):
        calls.append(engine)
        return connect(engine, *args, **kwargs)

    return counted
