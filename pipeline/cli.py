"""The ``elections`` command (``python -m pipeline`` is the same): what ``make`` calls.

``run`` runs the reload job (every asset but the maps) in this process through the
Dagster instance, so the run shows in the UI, and ends with a short summary; it exits
non-zero when a step failed or an ERROR check refused an article. ``ui`` is Dagster's
development server; ``serve`` is the production pair, webserver and daemon.

Each command imports only what it uses: ``elections --help`` starts in a blink, and
``sql`` or ``export`` never import Dagster.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import settings

if TYPE_CHECKING:
    import dagster as dg

# The console shows warnings and errors; the full run log is in the Dagster UI.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
# How long the webserver and the daemon get to stop before they are killed.
STOP_SECONDS = 20
RUN_SETTINGS = [
    "ELECTIONS_RAW_DIR",
    "ELECTIONS_MAX_ARTICLE_BYTES",
    "ELECTIONS_WAREHOUSE",
    "ELECTIONS_REFERENCE_CSV",
    "ELECTIONS_PARSE_WORKERS",
    "DAGSTER_HOME",
    "ELECTIONS_DAGSTER_PG_URL",
]
SERVER_SETTINGS = [
    *RUN_SETTINGS,
    "DAGSTER_HOST",
    "DAGSTER_PORT",
    "ELECTIONS_SENSOR_INTERVAL",
    "ELECTIONS_RELOAD_CRON",
]


def shown(path: Path) -> Path:
    """A path as the user would type it: relative to the current directory when inside it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def warehouse_path() -> Path:
    return settings.resolve(settings.get("ELECTIONS_WAREHOUSE"))


@contextmanager
def importing() -> Iterator[None]:
    """Importing the pipeline (Dagster, pandas, pandera) makes about a million objects and
    no garbage: the garbage collector pauses meanwhile, then ignores them (frozen), instead
    of traversing them again and again. Half a second less to start a run."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def definitions() -> dg.Definitions:
    """The project's Dagster definitions (imported as :func:`importing` says)."""
    with importing():
        from pipeline.definitions import defs
    return defs


def run(arguments: argparse.Namespace) -> int:
    """Build the warehouse (job reload_warehouse); print the summary; 0 when every article
    loaded cleanly."""
    raw = settings.resolve(settings.get("ELECTIONS_RAW_DIR"))
    if not raw.is_dir():
        print(
            f"raw folder {raw} does not exist: put article files (*.txt) there, "
            "or set ELECTIONS_RAW_DIR",
            file=sys.stderr,
        )
        return 1
    settings.prepare_dagster_home()
    with importing():  # Arrow, pandas and the pipeline, for the processes and the cache
        from pipeline import loadlock, processes

        storage = settings.resolve(settings.get("DAGSTER_HOME")) / "storage"
        ahead = holds_many_articles(raw) and loadlock.take_early(storage)
        if ahead:  # they import the pipeline while this one does
            processes.start("pipeline.checks.by_state")
        from pipeline.checks import by_state
    try:
        if ahead:
            # The load's groups (all of them, or the changed states') begin in the other
            # processes while this one imports Dagster and starts the run, which holds the
            # load lock taken above.
            start_ahead(raw, warehouse_path())
        return _run_job(definitions())
    finally:
        by_state.stop_ahead()
        processes.stop()
        loadlock.release_early()


def holds_many_articles(raw: Path) -> bool:
    """Whether the raw folder holds enough articles for a load to use other processes
    (:data:`~pipeline.processes.PARALLEL_MIN_ARTICLES`). A reload of them parses and
    checks only the states that changed, but on the other core, while this one starts
    the run: nothing else would use it."""
    from pipeline.processes import PARALLEL_MIN_ARTICLES
    from pipeline.text.source import ARTICLE_PATTERN

    articles = raw.glob(ARTICLE_PATTERN)
    enough = sum(1 for _ in zip(articles, range(PARALLEL_MIN_ARTICLES), strict=False))
    return enough == PARALLEL_MIN_ARTICLES


def start_ahead(raw: Path, warehouse: Path) -> None:
    """Hand the load's groups to the other processes now, with the files and the settings
    the run will read (:func:`pipeline.checks.by_state.start_ahead`). Where the settings
    or the warehouse would stop the run, nothing is begun: the run says why."""
    from pipeline.cache import ParseCache
    from pipeline.checks.by_state import read_versions
    from pipeline.checks.by_state import start_ahead as begin_load
    from pipeline.text.source import article_paths
    from pipeline.warehouse.publish import WarehouseRefused, check_before_build

    reference = settings.get("ELECTIONS_REFERENCE_CSV")
    reference_file = settings.resolve(reference) if reference else None
    try:
        limit = int(settings.get("ELECTIONS_MAX_ARTICLE_BYTES"))
        files = read_versions(article_paths(raw), limit)
        check_before_build(warehouse, int(files["bytes"].sum()))
    except (ValueError, WarehouseRefused):
        return
    if reference_file is None or reference_file.is_file():
        begin_load(files, ParseCache(warehouse), reference_file, limit)


def _run_job(defs: dg.Definitions) -> int:
    """Run job reload_warehouse in this process; print the summary; the exit status."""
    import dagster as dg

    from pipeline.defs.eventlog import kept_open
    from pipeline.defs.runs import PROCESS_TAG, process_token
    from pipeline.progress import TerminalProgress

    job = defs.resolve_job_def("reload_warehouse")
    with dg.DagsterInstance.get() as instance, TerminalProgress().shown(), kept_open():
        # The run bypasses the run queue: its process tag lets a later run or tick mark it
        # failed, should this process be killed (pipeline.defs.runs).
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=QUIET,
            tags={PROCESS_TAG: process_token()},
        )
        stats = instance.get_run_stats(result.run_id)
        seconds = (stats.end_time or 0) - (stats.start_time or 0)
        print(summarize(result, warehouse_path(), seconds))
    return 0 if succeeded(result) else 1


def succeeded(result: dg.ExecuteInProcessResult) -> bool:
    """The run finished and no ERROR check failed (a refused article fails the run)."""
    import dagster as dg

    return result.success and not any(
        not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
        for e in result.get_asset_check_evaluations()
    )


def summarize(result: dg.ExecuteInProcessResult, warehouse: Path, seconds: float) -> str:
    """What a run did, in a dozen lines: the warehouse, rows per table and the articles
    refused (quarantine), checks, faults. (The analyst views are not counted: counting
    county_flips computes every flip of the warehouse, half a second at 3,000 articles.)"""
    from pipeline.warehouse.build import TABLES
    from pipeline.warehouse.readers import connect

    lines = []
    for event in result.get_step_failure_events():
        error = event.step_failure_data.user_failure_data
        message = error.description if error else event.step_failure_data.error.message
        lines.append(f"FAILED {event.step_key}: {message}")
    if warehouse.exists():
        with connect(warehouse) as connection:
            counts = {
                name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                for name in ["quarantine", *TABLES]
            }
        lines.append(f"warehouse {shown(warehouse)}: {counts['dim_election']} article(s)")
        if left_as_it_is(result):
            lines.append(
                "nothing changed since the last load (same article files, code and findings): "
                "the warehouse was left as it is"
            )
        names = list(counts)
        for left, right in zip_longest(names[::2], names[1::2]):
            cell = f"  {left:<28}{counts[left]:>9,}"
            lines.append(cell + (f"    {right:<28}{counts[right]:>9,}" if right else ""))
    else:
        lines.append(f"warehouse {shown(warehouse)}: not built")
    lines.extend(check_lines(result))
    outcome = "succeeded" if succeeded(result) else "FAILED"
    lines.append(f"run {result.run_id}: {outcome} in {seconds:.1f} s")
    return "\n".join(lines)


def left_as_it_is(result: dg.ExecuteInProcessResult) -> bool:
    """Whether the run's load would have published what the warehouse held already, and
    so left it as it was (see :mod:`pipeline.warehouse.publish`)."""
    return any(
        materialization.metadata["unchanged"].value
        for materialization in result.asset_materializations_for_node("warehouse")
    )


def check_lines(result: dg.ExecuteInProcessResult) -> list[str]:
    """The check tally, then each failing check with its first failing cells, then each
    check that could not run, with why. Skipped checks are never counted as passed."""
    import dagster as dg

    from pipeline.checks.rules import describe_finding

    evaluations = result.get_asset_check_evaluations()
    failing = [e for e in evaluations if not e.passed]
    warned = sum(e.severity == dg.AssetCheckSeverity.WARN for e in failing)
    try:
        findings = result.output_for_node("extracted_tables", "quality_findings")
        verdicts = result.output_for_node("extracted_tables", "quality_verdicts")
    except dg.DagsterInvariantViolationError:  # extraction did not run
        findings = verdicts = None
    evaluated = {e.check_name for e in evaluations}
    skipped = (
        verdicts[~verdicts["check_name"].isin(evaluated)]
        .groupby("check_name")["reason"]
        .agg(lambda reasons: reasons.mode().iat[0])
        if verdicts is not None
        else {}
    )
    lines = [
        f"checks: {len(evaluations) - len(failing)} passed, {warned} warned, "
        f"{len(failing) - warned} failed, {len(skipped)} skipped"
    ]
    for evaluation in sorted(failing, key=lambda e: e.severity.value):
        count = evaluation.metadata.get("failures")
        cells = f": {count.value} cell(s)" if count else ""
        lines.append(
            f"  {evaluation.severity.value} {evaluation.check_name} "
            f"({evaluation.asset_key.to_user_string()}){cells}"
        )
        if findings is not None and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            cells = findings[findings["check"] == evaluation.check_name]
            # One line per fault: the files of one duplicated election share theirs.
            cells = cells.drop_duplicates(["key", "column", "published", "expected"])
            lines.extend(f"    {describe_finding(cell)}" for cell in cells.head(3).itertuples())
    by_reason: dict[str, list[str]] = {}
    for name, reason in skipped.items():
        by_reason.setdefault(reason, []).append(name)
    for reason, names in by_reason.items():
        checks = ", ".join(names) if len(names) <= 3 else f"{len(names)} checks"
        lines.append(f"  SKIPPED {checks}: {reason}")
    return lines


def maps(arguments: argparse.Namespace) -> int:
    """Draw the county maps of the elections whose article changed (job draw_county_maps)."""
    settings.prepare_dagster_home()
    defs = definitions()
    import dagster as dg

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


def sql(arguments: argparse.Namespace) -> int:
    """SQL on the warehouse, read-only: Harlequin (a terminal SQL IDE for DuckDB) at a
    terminal; piped statements, or STATEMENTS given here, print every row of each result."""
    import tempfile

    from pipeline.warehouse.query import harlequin_command, run_queries, write_sealing_script

    warehouse = warehouse_path()
    if not warehouse.exists():
        print(f"{warehouse} does not exist yet: run `elections run` first", file=sys.stderr)
        return 1
    if arguments.statements is not None or not sys.stdin.isatty():
        text = arguments.statements if arguments.statements is not None else sys.stdin.read()
        return run_queries(warehouse, text, arguments.format)
    with tempfile.TemporaryDirectory(prefix="elections-sql-") as folder:
        init = write_sealing_script(Path(folder) / "init.sql")
        return subprocess.run(harlequin_command(warehouse, init), check=False).returncode


def export(arguments: argparse.Namespace) -> int:
    """Parquet files of every table and view, and the MEDSL-shaped CSV."""
    from pipeline.warehouse.export import export_warehouse

    warehouse = warehouse_path()
    if not warehouse.exists():
        print(f"{warehouse} does not exist yet: run `elections run` first", file=sys.stderr)
        return 1
    folder = warehouse.parent / "export"
    written = export_warehouse(warehouse, folder)
    parquet = sum(path.suffix == ".parquet" for path in written)
    print(
        f"{shown(folder)}: {len(written)} files ({parquet} Parquet, 1 CSV in MEDSL's shape "
        "with its README)"
    )
    return 0


def docs(arguments: argparse.Namespace) -> int:
    """Regenerate the generated parts of a checkout's documentation."""
    from pipeline.documentation import GENERATED, render

    for name, sections in GENERATED.items():
        path = arguments.repo / name
        if not path.is_file():
            print(f"{path} does not exist: run `elections docs` in a checkout", file=sys.stderr)
            return 1
        path.write_text(render(path.read_text(), sections, arguments.repo))
        print(f"{shown(path)}: {', '.join(sections)} regenerated")
    return 0


class TemplateWarningFilter(logging.Filter):
    """Drops dagster dev's warning about a ``dagster.yaml`` in the folder it runs in.

    ``dg dev`` runs in the project root, where the repository keeps ``dagster.yaml`` as the
    template of the instance configuration; the CLI writes it into ``DAGSTER_HOME``, so
    the warning's "will not be used" is not true here.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "will not be used to configure Dagster" not in record.getMessage()


def ui(arguments: argparse.Namespace) -> int:
    """Dagster's development server, ``dg dev`` (webserver, daemon and code server in one
    command), for the checkout's project, or for the installed package elsewhere."""
    from dagster_dg_cli.cli import ENV_PREFIX, cli

    settings.prepare_dagster_home()
    pyproject = settings.PACKAGE.parent / "pyproject.toml"  # in a checkout, the project's
    in_checkout = pyproject.is_file() and "[tool.dg]" in pyproject.read_text()
    if in_checkout:
        target = ["--target-path", str(pyproject.parent)]
    else:
        target = ["-m", "pipeline.definitions"]
    logging.getLogger("dagster").addFilter(TemplateWarningFilter())
    # dg stops on SIGTERM as it does on SIGINT: a shell that started it in the background
    # set SIGINT to ignored, which would make it ignore SIGTERM too.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    host, port = settings.get("DAGSTER_HOST"), settings.get("DAGSTER_PORT")
    return cli(["dev", "-h", host, "-p", port, *target], "dg", auto_envvar_prefix=ENV_PREFIX)


def serve(arguments: argparse.Namespace) -> int:
    """Production mode: ``dagster-webserver`` and ``dagster-daemon`` as two processes on one
    instance, until either stops or this process gets SIGINT or SIGTERM (then both stop)."""
    import dagster as dg

    home = settings.prepare_dagster_home()
    # Create the instance's storage here, once: on a new DAGSTER_HOME the webserver and the
    # daemon would otherwise both create the same tables at once, and one of them fail.
    with dg.DagsterInstance.get():
        pass
    bin_dir = Path(sys.executable).parent
    target = ["-m", "pipeline.definitions"]
    commands = {
        "webserver": [
            str(bin_dir / "dagster-webserver"),
            "-h",
            settings.get("DAGSTER_HOST"),
            "-p",
            settings.get("DAGSTER_PORT"),
            *target,
        ],
        "daemon": [str(bin_dir / "dagster-daemon"), "run", *target],
    }
    processes = {
        name: subprocess.Popen(command, cwd=home, start_new_session=True)
        for name, command in commands.items()
    }
    storage = "PostgreSQL" if settings.get("ELECTIONS_DAGSTER_PG_URL") else f"SQLite in {home}"
    print(
        f"serving http://{settings.get('DAGSTER_HOST')}:{settings.get('DAGSTER_PORT')} "
        f"(webserver pid {processes['webserver'].pid}, daemon pid {processes['daemon'].pid}; "
        f"instance storage: {storage}); Ctrl-C stops both",
        flush=True,
    )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    interrupted = False
    try:
        while all(process.poll() is None for process in processes.values()):
            time.sleep(0.5)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name, process in processes.items():
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            print(f"{name} stopped (exit code {process.returncode})", flush=True)
    return 0 if interrupted else 1


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str, list[str]]] = {
    "run": (run, "build the warehouse from the raw folder", RUN_SETTINGS),
    "sql": (sql, "read-only SQL on the warehouse (Harlequin, or piped)", ["ELECTIONS_WAREHOUSE"]),
    "export": (
        export,
        "Parquet of every table and view, and a MEDSL-shaped CSV, beside the warehouse",
        ["ELECTIONS_WAREHOUSE"],
    ),
    "maps": (maps, "draw the county map of each election (PNG)", RUN_SETTINGS),
    "docs": (docs, "regenerate the generated parts of the documentation", []),
    "ui": (ui, "Dagster's development UI, with the sensor and the schedule", SERVER_SETTINGS),
    "serve": (serve, "production: dagster-webserver and dagster-daemon", SERVER_SETTINGS),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="elections",
        description="Election articles into a validated DuckDB warehouse, run by Dagster.",
        epilog="Relative paths are read from the current directory.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (function, summary, names) in COMMANDS.items():
        command = commands.add_parser(
            name,
            help=summary,
            description=inspect.cleandoc(function.__doc__),
            epilog=settings.describe(names) if names else None,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name == "sql":
            command.add_argument(
                "statements", nargs="?", help="SQL to run (default: standard input, or Harlequin)"
            )
            command.add_argument(
                "--format",
                choices=["table", "csv", "json"],
                default="table",
                help="how results are printed: aligned columns, CSV, or JSON lines",
            )
        if name == "docs":
            command.add_argument(
                "--repo", type=Path, default=Path("."), help="the checkout (default: here)"
            )
    return top


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    function = COMMANDS[arguments.command][0]
    code = function(arguments)
    # What remains is freed as the interpreter exits; frozen, the collector's passes at exit
    # skip it (after a run, they would take over half a second).
    gc.freeze()
    return code
