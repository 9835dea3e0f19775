"""Command line: ``python -m pipeline run|ui`` (what ``make run`` and ``make ui`` call).

``run`` materializes every asset in this process through the Dagster instance (so the
run shows in the UI) and ends with a short summary; it exits non-zero when any step
or blocking check failed.
"""

import argparse
import os
import shutil
import sys
from itertools import zip_longest
from pathlib import Path

import dagster as dg
import duckdb

from pipeline import PROJECT_ROOT
from pipeline.assets import project_path
from pipeline.warehouse import TABLES, VIEWS


def prepare_dagster_home() -> Path:
    """``DAGSTER_HOME``, defaulting to ``.dagster/`` in the repo with its ``dagster.yaml``.

    A ``DAGSTER_HOME`` set by the user is theirs: it is used as it is.
    """
    if "DAGSTER_HOME" in os.environ:
        return Path(os.environ["DAGSTER_HOME"])
    home = PROJECT_ROOT / ".dagster"
    home.mkdir(exist_ok=True)
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def run() -> int:
    """Materialize every asset; print the summary; 0 on success, 1 on failure."""
    prepare_dagster_home()
    from pipeline.definitions import defs

    job = defs.resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    print(summarize(result, project_path(os.environ["ELECTIONS_WAREHOUSE"])))
    return 0 if result.success else 1


def summarize(result: dg.ExecuteInProcessResult, warehouse: Path) -> str:
    """What a run did, in a dozen lines: articles, rows per table, checks, failures."""
    lines = []
    for event in result.get_step_failure_events():
        error = event.step_failure_data.user_failure_data
        message = error.description if error else event.step_failure_data.error.message
        lines.append(f"FAILED {event.step_key}: {message}")
    evaluations = result.get_asset_check_evaluations()
    passed = sum(e.passed for e in evaluations)
    warned = sum(not e.passed and e.severity == dg.AssetCheckSeverity.WARN for e in evaluations)
    failed = len(evaluations) - passed - warned
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            counts = {
                name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                for name in VIEWS + TABLES
            }
        lines.append(f"warehouse {warehouse}: {counts['dim_election']} article(s) loaded")
        names = list(counts)
        for left, right in zip_longest(names[::2], names[1::2]):
            cell = f"  {left:<28}{counts[left]:>9,}"
            lines.append(cell + (f"    {right:<28}{counts[right]:>9,}" if right else ""))
    else:
        lines.append(f"warehouse {warehouse}: not built")
    lines.append(f"checks: {passed} passed, {warned} warned, {failed} failed")
    lines.append(f"run {result.run_id}: {'succeeded' if result.success else 'FAILED'}")
    return "\n".join(lines)


def ui() -> int:
    """Start ``dagster dev`` on localhost with the project's instance.

    It runs inside ``DAGSTER_HOME`` so that Dagster does not mistake the repo's
    ``dagster.yaml`` (the template copied there) for a misplaced instance config.
    """
    os.chdir(prepare_dagster_home())
    port = os.environ.get("DAGSTER_PORT", "3000")
    dagster = Path(sys.executable).with_name("dagster")
    os.execv(
        dagster, [str(dagster), "dev", "-h", "127.0.0.1", "-p", port, "-m", "pipeline.definitions"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="build the warehouse from the raw folder")
    commands.add_parser("ui", help="start the Dagster UI on localhost")
    arguments = parser.parse_args(argv)
    return {"run": run, "ui": ui}[arguments.command]()
