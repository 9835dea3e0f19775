"""Bounded Dagster history: the instance keeps the latest runs of each job, as the warehouse
keeps the latest loads of quality history (``ELECTIONS_HISTORY_LOADS``).

Dagster keeps every run and its event log forever; at one reload per changed article that
grows without limit. Deleting a run removes its events; this also removes its asset-check
executions (which ``delete_run`` leaves behind in Dagster 1.13), its compute logs, and
with SQLite storage the run's own event-log file.
"""

import shutil
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable
from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage

from pipeline.defs.eventlog import release

FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


def prune_runs(instance: dg.DagsterInstance, job_name: str, keep: int) -> int:
    """Delete the finished runs of ``job_name`` but the newest ``keep``; how many went."""
    old = instance.get_run_records(
        filters=dg.RunsFilter(job_name=job_name, statuses=FINISHED),
        order_by="create_timestamp",
        ascending=False,
    )[keep:]
    for record in old:
        run_id = record.dagster_run.run_id
        instance.delete_run(run_id)
        storage = instance.event_log_storage
        if isinstance(storage, SqlEventLogStorage):  # SQLite and PostgreSQL
            with storage.index_connection() as connection:
                table = AssetCheckExecutionsTable
                connection.execute(table.delete().where(table.c.run_id == run_id))
        shard = getattr(instance.event_log_storage, "path_for_shard", None)
        if shard is not None:  # SQLite: one event-log file per run
            release(shard(run_id))
            Path(shard(run_id)).unlink(missing_ok=True)
        shutil.rmtree(Path(instance.storage_directory()) / run_id, ignore_errors=True)
    return len(old)
