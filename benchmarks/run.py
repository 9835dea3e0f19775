"""`make bench`: the pipeline on a generated corpus of the whole family, stage by stage,
against the floor of DuckDB ingesting the same final tables.

    python -m benchmarks.run [--articles 3009] [--seed 2004] [--workdir DIR]

Every figure is measured here, on this machine, and printed as one table. The full
rebuild and the one-article reload run the real `elections run` (the Dagster
job, in process) in a child process. Two wall times are reported: the Dagster run's own
(run start to run end, as the UI shows it: the reload proper), and the whole command
without the interpreter's start and imports (instance set-up and summary included).
The peak RSS is the child's.
"""

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from benchmarks.corpus import generate_corpus
from pipeline.checks.rules import evaluate, judge
from pipeline.tables.extract import extract_articles
from pipeline.text.source import read_source
from pipeline.warehouse.build import (
    TABLES,
    build_warehouse,
    create_schema,
    election_frames,
    reference_frames,
)

CHILD = """
import os, sys, time, resource
from pipeline.cli import main
import pipeline.definitions  # imports done: the interpreter has started
start = time.perf_counter()
code = main(["run"])
print(f"BENCH process={time.perf_counter() - start:.3f} "
      f"rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", flush=True)
sys.exit(code)
"""
RUN_SECONDS = re.compile(r"^run \S+: succeeded in (?P<seconds>[\d.]+) s$", re.M)


def say(what: str) -> None:
    """What the benchmark is doing now, on standard error (the table goes to standard output)."""
    print(f"bench: {what}", file=sys.stderr, flush=True)


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def write_corpus(raw: Path, articles: int, seed: int) -> int:
    raw.mkdir(parents=True, exist_ok=True)
    size = 0
    for name, text in generate_corpus(articles, seed):
        (raw / name).write_text(text, encoding="utf-8")
        size += len(text.encode())
    return size


def run_pipeline(raw: Path, warehouse: Path, home: Path) -> dict[str, float]:
    """`elections run` in a child; its job wall time (no interpreter start), RSS."""
    env = {
        **os.environ,
        "ELECTIONS_RAW_DIR": str(raw),
        "ELECTIONS_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(home),
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        cwd=home.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((row for row in done.stdout.splitlines() if row.startswith("BENCH ")), None)
    run = RUN_SECONDS.search(done.stdout)
    if done.returncode != 0 or line is None or run is None:
        raise SystemExit(f"pipeline run failed:\n{done.stdout}\n{done.stderr}")
    measures = {key: float(value) for key, value in (part.split("=") for part in line.split()[1:])}
    return measures | {"run": float(run["seconds"])}


def duckdb_floor(frames: dict[str, pd.DataFrame], path: Path, keys: bool) -> float:
    """DuckDB alone writing the same final rows: into the tables of ``sql/`` (``keys``),
    or into tables created from the frames, without keys."""
    start = time.perf_counter()
    with duckdb.connect(str(path)) as connection:
        if keys:
            create_schema(connection)
        for name in TABLES:
            if name not in frames:
                continue
            connection.register("frame", frames[name])
            if keys:
                connection.execute(f"INSERT INTO {name} BY NAME SELECT * FROM frame")
            else:
                connection.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
            connection.unregister("frame")
        connection.execute("CHECKPOINT")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3009)
    parser.add_argument("--seed", type=int, default=2004)
    parser.add_argument("--workdir", type=Path, default=None)
    arguments = parser.parse_args()
    work = arguments.workdir or Path(tempfile.mkdtemp(prefix="election-bench-"))
    raw, home = work / "raw", work / "dagster"
    rows = []

    say(f"writing a corpus of {arguments.articles:,} articles into {raw}")
    size, seconds = timed(write_corpus, raw, arguments.articles, arguments.seed)
    rows.append(
        (
            "corpus",
            f"{arguments.articles:,} articles, {size / 1e6:.1f} MB",
            f"written in {seconds:.1f} s",
        )
    )

    say("parsing every article (text → typed tables)")
    files = pd.DataFrame([read_source(path) for path in sorted(raw.glob("*.txt"))])
    (tables, unreadable), parse_s = timed(extract_articles, files)
    county_rows = len(tables.county_summaries)
    fact_rows = sum(len(tables.frames()[name]) for name in tables.names() if name != "sections")
    rows.append(("county rows / extracted rows", f"{county_rows:,} / {fact_rows:,}", ""))
    rows.append(
        ("parse (text → typed tables)", f"{size / 1e6 / parse_s:.1f} MB/s", f"{parse_s:.2f} s")
    )

    say("running every data-quality rule")
    findings, check_s = timed(evaluate, tables, unreadable)
    rows.append(
        (
            "validation (every rule)",
            f"{fact_rows / check_s / 1e6:.2f} M rows/s",
            f"{check_s:.2f} s, {len(findings):,} findings",
        )
    )

    frames = {
        **reference_frames(),
        **election_frames(tables),
        "article_versions": files[["sha256", "file", "bytes", "text"]],
    }
    loaded_rows = sum(len(frames[name]) for name in TABLES if name in frames)
    say("loading the warehouse, then DuckDB alone with and without keys")
    verdicts = judge(tables, files["file"], findings)
    load = (tables, findings, verdicts, files, work / "load.duckdb", None, "bench", 1)
    _, load_s = timed(build_warehouse, *load)
    keyed_s = duckdb_floor(frames, work / "keyed.duckdb", keys=True)
    raw_s = duckdb_floor(frames, work / "raw.duckdb", keys=False)
    rows.append(
        (
            "load (build the warehouse file)",
            f"{loaded_rows / load_s / 1e6:.2f} M rows/s",
            f"{load_s:.2f} s for {loaded_rows:,} rows, quality and lineage rows included",
        )
    )
    rows.append(
        (
            "DuckDB floor: same tables, same keys",
            f"{loaded_rows / keyed_s / 1e6:.2f} M rows/s",
            f"{keyed_s:.2f} s: the DDL of sql/, one INSERT per table",
        )
    )
    rows.append(
        (
            "DuckDB raw ingest: no keys",
            f"{loaded_rows / raw_s / 1e6:.2f} M rows/s",
            f"{raw_s:.2f} s: CREATE TABLE AS per table",
        )
    )
    rows.append(("load ÷ floor (keys)", f"{load_s / keyed_s:.1f}×", "target ≤ 3×"))
    rows.append(
        ("load ÷ raw ingest", f"{load_s / raw_s:.1f}×", "PK and FK indexes cost most of it")
    )

    warehouse = work / "elections.duckdb"
    say("full rebuild: `elections run` in a child process")
    full = run_pipeline(raw, warehouse, home)
    rows.append(
        (
            "full rebuild: Dagster run",
            f"{full['run']:.1f} s",
            "target ≤ 30 s; no parse cache, no warehouse yet",
        )
    )
    rows.append(
        (
            "full rebuild: `elections run`",
            f"{full['process']:.1f} s",
            "instance set-up and summary included; interpreter start and imports not",
        )
    )
    rows.append(("peak RSS of that run", f"{full['rss_mb']:.0f} MB", "target ≤ 1,536 MB"))
    say("reload with nothing changed")
    again = run_pipeline(raw, warehouse, home)
    rows.append(("reload, nothing changed: Dagster run", f"{again['run']:.1f} s", ""))
    changed = sorted(raw.glob("*.txt"))[len(files) // 2]
    changed.write_text(changed.read_text().replace("Voters chose", "Voters then chose"))
    say("reload after one changed article")
    one = run_pipeline(raw, warehouse, home)
    rows.append(
        ("reload after one changed article: Dagster run", f"{one['run']:.1f} s", "target ≤ 5 s")
    )
    rows.append(
        (
            "reload after one changed article: `elections run`",
            f"{one['process']:.1f} s",
            "instance set-up and summary included",
        )
    )

    versions = (
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, pandas {pd.__version__}"
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {versions}")
    if arguments.workdir:
        print(f"work folder (kept): {work}\n")
    else:
        shutil.rmtree(work)
        print()
    print("| measure | value | detail |\n| --- | ---: | --- |")
    for measure, value, detail in rows:
        print(f"| {measure} | {value} | {detail} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nbenchmark process peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
