"""Runs of one Dagster instance: one load at a time, each with its own intermediate data,
and runs whose process died marked failed.

A load may start from the CLI (``elections run`` executes in its own process and
bypasses the instance's run queue), the UI, the sensor or the schedule. Whatever
started it, the :class:`LoadSlot` resource holds the instance's load lock
(:mod:`pipeline.loadlock`) for the whole run, so two loads never interleave, even into
different warehouses.

A run whose process is killed (SIGKILL, the OOM killer) never records its end: it
stays STARTED, holds the queue's only slot (``max_concurrent_runs: 1``) and no sensor
or schedule run launches again. Dagster's run monitoring cannot see this with the
default run launcher, which does not support run-worker health checks, so every run
records its process in a tag and :func:`fail_abandoned_runs` (called when a load
starts, and by the sensor and the schedule on every tick) marks failed each run
whose process is gone.
"""

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from pipeline.defs.eventlog import kept_open
from pipeline.loadlock import holding

PROCESS_TAG = "elections/process"


def _start_ticks(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), or None if there is none.
    With the boot, it tells a process from a later one that reuses its PID."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count after the last ')'.
    return stat[stat.rindex(")") + 2 :].split()[19]


def _boot_id() -> str:
    return Path("/proc/sys/kernel/random/boot_id").read_text().strip()


def process_token(pid: int | None = None) -> str:
    """Host, boot, PID and start time of a process (this one by default): what
    :func:`process_is_gone` needs to tell, later, whether it still runs."""
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()} {_boot_id()} {pid} {_start_ticks(pid)}"


def process_is_gone(token: str) -> bool:
    """Whether the process a :func:`process_token` named has ended. A process of another
    host is never taken for gone: nothing here can see it."""
    host, boot, pid, ticks = token.split()
    if host != socket.gethostname():
        return False
    return boot != _boot_id() or _start_ticks(int(pid)) != ticks


def fail_abandoned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed every started run whose process has ended; their IDs.

    Such a run was killed before it could record its end. Runs that never recorded
    their process (another job's, another host's) are left alone.
    """
    failed = []
    statuses = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=statuses)):
        token = run.tags.get(PROCESS_TAG)
        if token and process_is_gone(token):
            pid = token.split()[2]
            instance.report_run_failed(
                run,
                f"The process of this run (PID {pid}) ended without finishing it: it was "
                "killed (SIGKILL, out of memory) or its machine restarted.",
            )
            failed.append(run.run_id)
    return failed


@contextmanager
def exclusive_load(
    instance: dg.DagsterInstance, run_id: str, log: dg.DagsterLogManager
) -> Iterator[None]:
    """Hold the instance's load lock (:mod:`pipeline.loadlock`; waiting for the load that
    holds it) until the run ends."""

    def waiting(holder: str) -> None:
        log.warning(f"waiting for {holder} to end: one load at a time per Dagster instance")

    storage = Path(instance.storage_directory())
    with holding(storage, f"run {run_id} (PID {os.getpid()})", waiting):
        yield


class LoadSlot(dg.ConfigurableResource):
    """A load's place in its Dagster instance, held from the run's start to its end:
    the run records its process, marks abandoned runs failed, then waits for the
    instance's load lock (see :mod:`pipeline.defs.runs`). Every step of a load requires it."""

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["LoadSlot"]:
        instance, run_id = context.instance, context.run.run_id
        with kept_open():  # a run the UI, the sensor or the schedule started, too
            instance.add_run_tags(run_id, {PROCESS_TAG: process_token()})
            for failed in fail_abandoned_runs(instance):
                context.log.warning(
                    f"run {failed} was left behind by a killed process: marked failed"
                )
            with exclusive_load(instance, run_id, context.log):
                yield self
