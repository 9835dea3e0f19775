"""Command line: ``python -m pipeline run|ui|sql|export|maps|docs`` (what ``make`` calls).

``run`` runs the reload job (every asset but the maps) in this process through the
Dagster instance, so the run shows in the UI, and ends with a short summary; it exits
non-zero when a step failed or an ERROR check refused an article.
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
from pipeline.checks import describe_finding
from pipeline.dictionary import render
from pipeline.export import export_warehouse
from pipeline.prompt import run_prompt
from pipeline.warehouse import CONTRACT_VIEWS, TABLES

# The console shows warnings and errors; the full run log is in the Dagster UI.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
# The analyst views of the public contract, and the refused articles.
SUMMARY_VIEWS = [*CONTRACT_VIEWS, "quarantine"]


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


def maps() -> int:
    """Draw the county maps of the elections whose article changed (job draw_county_maps)."""
    prepare_dagster_home()
    from pipeline.definitions import defs

    job = defs.resolve_job_def("draw_county_maps")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=QUIET)
    for event in result.get_step_failure_events():
        print(f"FAILED {event.step_key}: {event.step_failure_data.error.message}")
    for materialization in result.asset_materializations_for_node("county_maps"):
        meta = materialization.metadata
        print(
            f"{meta['folder'].value}: {meta['elections'].value} maps, {meta['drawn'].value} drawn"
        )
    return 0 if result.success else 1


def run() -> int:
    """Build the warehouse (job reload_warehouse); print the summary; 0 when every article
    loaded cleanly."""
    prepare_dagster_home()
    from pipeline.definitions import defs

    job = defs.resolve_job_def("reload_warehouse")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=QUIET,
        )
        stats = instance.get_run_stats(result.run_id)
        seconds = (stats.end_time or 0) - (stats.start_time or 0)
        print(summarize(result, project_path(os.environ["ELECTIONS_WAREHOUSE"]), seconds))
    return 0 if succeeded(result) else 1


def succeeded(result: dg.ExecuteInProcessResult) -> bool:
    """The run finished and no ERROR check failed (a refused article fails the run)."""
    return result.success and not any(
        not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
        for e in result.get_asset_check_evaluations()
    )


def summarize(result: dg.ExecuteInProcessResult, warehouse: Path, seconds: float) -> str:
    """What a run did, in a dozen lines: the warehouse, rows per table, checks, faults."""
    lines = []
    for event in result.get_step_failure_events():
        error = event.step_failure_data.user_failure_data
        message = error.description if error else event.step_failure_data.error.message
        lines.append(f"FAILED {event.step_key}: {message}")
    shown = (
        warehouse.relative_to(PROJECT_ROOT) if warehouse.is_relative_to(PROJECT_ROOT) else warehouse
    )
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            counts = {
                name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                for name in SUMMARY_VIEWS + TABLES
            }
        lines.append(f"warehouse {shown}: {counts['dim_election']} article(s)")
        names = list(counts)
        for left, right in zip_longest(names[::2], names[1::2]):
            cell = f"  {left:<28}{counts[left]:>9,}"
            lines.append(cell + (f"    {right:<28}{counts[right]:>9,}" if right else ""))
    else:
        lines.append(f"warehouse {shown}: not built")
    lines.extend(check_lines(result))
    outcome = "succeeded" if succeeded(result) else "FAILED"
    lines.append(f"run {result.run_id}: {outcome} in {seconds:.1f} s")
    return "\n".join(lines)


def check_lines(result: dg.ExecuteInProcessResult) -> list[str]:
    """The check tally, then each failing check with its first failing cell."""
    evaluations = result.get_asset_check_evaluations()
    failing = [e for e in evaluations if not e.passed]
    warned = sum(e.severity == dg.AssetCheckSeverity.WARN for e in failing)
    lines = [
        f"checks: {len(evaluations) - len(failing)} passed, {warned} warned, "
        f"{len(failing) - warned} failed"
    ]
    try:
        findings = result.output_for_node("extracted_tables", "quality_findings")
    except dg.DagsterInvariantViolationError:  # extraction did not run
        findings = None
    for evaluation in sorted(failing, key=lambda e: e.severity.value):
        count = evaluation.metadata.get("failures")
        cells = f": {count.value} cell(s)" if count else ""
        lines.append(
            f"  {evaluation.severity.value} {evaluation.check_name} "
            f"({evaluation.asset_key.to_user_string()}){cells}"
        )
        if findings is not None and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            for finding in (
                findings[findings["check"] == evaluation.check_name].head(3).itertuples()
            ):
                lines.append(f"    {describe_finding(finding)}")
    return lines


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


def docs() -> int:
    """Regenerate the README's data dictionary and check list."""
    readme = PROJECT_ROOT / "README.md"
    readme.write_text(render(readme.read_text()))
    print(f"{readme.relative_to(PROJECT_ROOT)}: tables, views and checks regenerated")
    return 0


def sql() -> int:
    """An interactive SQL prompt on the warehouse, read-only."""
    from pipeline.definitions import defs  # noqa: F401 (sets the default settings)

    warehouse = project_path(os.environ["ELECTIONS_WAREHOUSE"])
    if not warehouse.exists():
        print(f"{warehouse} does not exist yet: run `make run` first", file=sys.stderr)
        return 1
    return run_prompt(warehouse)


def export() -> int:
    """Parquet files of every table and view, and the MEDSL-shaped CSV."""
    from pipeline.definitions import defs  # noqa: F401 (sets the default settings)

    warehouse = project_path(os.environ["ELECTIONS_WAREHOUSE"])
    folder = warehouse.parent / "export"
    written = export_warehouse(warehouse, folder)
    shown = folder.relative_to(PROJECT_ROOT) if folder.is_relative_to(PROJECT_ROOT) else folder
    print(f"{shown}: {len(written)} files ({len(written) - 1} Parquet, 1 CSV in MEDSL's shape)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="build the warehouse from the raw folder")
    commands.add_parser("ui", help="start the Dagster UI on localhost")
    commands.add_parser("docs", help="regenerate the README's data dictionary")
    commands.add_parser("sql", help="an interactive SQL prompt on the warehouse, read-only")
    commands.add_parser("export", help="Parquet and MEDSL-shaped CSV into <warehouse>/export")
    commands.add_parser("maps", help="draw the county map of each election (PNG)")
    arguments = parser.parse_args(argv)
    commands = {"run": run, "ui": ui, "docs": docs, "sql": sql, "export": export, "maps": maps}
    return commands[arguments.command]()
