"""`make bench`: the whole `make run` command on a generated corpus of the family, against
the physical floors measured in the same run (benchmarks/floors.py), and its peak memory at
several corpus sizes.

    python -m benchmarks.run [--articles 3009] [--sizes 1000,2000,4000] [--seed 2004]
                             [--runs 3] [--workdir DIR] [--flame FILE.svg]

Every figure is measured here, on this machine, and printed as one table (docs/benchmarks.md
holds the last one). "The whole command" is `make run` in a child process with the corpus
as ELECTIONS_RAW_DIR: interpreter start, imports, the Dagster run and exit included. Its
peak RSS is that of its whole process tree (parse workers included), sampled every 20 ms.
The cold run and the one-article reload are timed ``--runs`` times each: the machine's
speed drifts by 10 % and more from one run to the next, so the table gives their median
and range. Timing targets live here, never in the tests.
"""

import argparse
import itertools
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd

from benchmarks import floors
from benchmarks.corpus import generate_corpus
from pipeline.cache import ParseCache
from pipeline.checks.by_state import extract_and_check
from pipeline.checks.rules import evaluate
from pipeline.tables.extract import extract_articles
from pipeline.text.source import max_article_bytes, read_source, read_version
from pipeline.warehouse.build import NAME_TABLES, build_warehouse, reference_frames
from pipeline.warehouse.rows import election_frames

PROJECT = Path(__file__).resolve().parent.parent
COLD_TARGET_S, RELOAD_TARGET_S, RSS_TARGET_MB, RSS_GROWTH = 9.0, 3.5, 700, 1.25
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def say(what: str) -> None:
    """What the benchmark is doing now, on standard error (the table goes to standard output)."""
    print(f"bench: {what}", file=sys.stderr, flush=True)


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def write_corpus(raw: Path, articles: int, seed: int) -> int:
    """The corpus of ``articles`` articles in ``raw`` (kept when already there); its bytes."""
    if raw.is_dir() and len(list(raw.glob("*.txt"))) == articles:
        return sum(path.stat().st_size for path in raw.glob("*.txt"))
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)
    size = 0
    for name, text in generate_corpus(articles, seed):
        size += (raw / name).write_bytes(text.encode())
    return size


def process_tree(root: int) -> set[int]:
    """``root`` and its descendants, by the parent each process of the machine names in
    /proc."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_bytes()
            except OSError:
                continue
            parents[int(name)] = int(stat.rsplit(b")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return tree


def sample_tree(tree: set[int]) -> dict[int, tuple[int, int]]:
    """Resident memory (kB) and bytes written to the disk so far (pages dirtied, less those
    of files deleted before they reached the disk) of each process of ``tree`` still
    running, from /proc."""
    measures = {}
    for pid in tree:
        try:
            resident_pages = int(Path(f"/proc/{pid}/statm").read_bytes().split()[1])
            io = Path(f"/proc/{pid}/io").read_text()
        except OSError:
            continue
        counters = dict(line.split(": ") for line in io.splitlines())
        written = int(counters["write_bytes"]) - int(counters["cancelled_write_bytes"])
        measures[pid] = (resident_pages * PAGE_KB, written)
    return measures


def make_run(raw: Path, warehouse: Path, home: Path, flame: Path | None = None) -> dict:
    """`make run` on ``raw`` in a child: wall seconds, peak RSS of its process tree (MB)."""
    env = {
        **os.environ,
        "ELECTIONS_RAW_DIR": str(raw),
        "ELECTIONS_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(home),
    }
    command = ["make", "-s", "--no-print-directory", "-C", str(PROJECT), "run"]
    if flame is not None:
        profiler = PROJECT / ".venv" / "bin" / "py-spy"
        command = [str(profiler), "record", "--subprocesses", "-o", str(flame), "--", *command]
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak, written, done = 0, {}, threading.Event()

    def sample() -> None:
        """Every 20 ms, the tree's memory; every 100 ms, which processes the tree holds
        (scanning every process of the machine each time took 4.5 ms a sample, a fifth of
        one of the two cores the command is timed on)."""
        nonlocal peak
        tree: set[int] = set()
        for count in itertools.count():
            if done.wait(0.02):
                return
            if count % 5 == 0:
                tree = process_tree(child.pid)
            measures = sample_tree(tree)
            peak = max(peak, sum(rss for rss, _ in measures.values()))
            written.update({pid: disk for pid, (_, disk) in measures.items()})

    sampler = threading.Thread(target=sample)
    sampler.start()
    output = child.stdout.read().decode()
    child.wait()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"`make run` failed:\n{output}")
    return {
        "wall": wall,
        "rss_mb": peak / 1024,
        "written_mb": sum(written.values()) / 1e6,
        "output": output,
    }


def median_run(runs: list[dict]) -> dict:
    """The run of median wall time (the later of the two middle ones, for an even count)."""
    return sorted(runs, key=lambda run: run["wall"])[len(runs) // 2]


def spread(runs: list[dict]) -> str:
    """How many runs, and the range of their wall times."""
    walls = [run["wall"] for run in runs]
    return f"median of {len(runs)} runs ({min(walls):.2f}–{max(walls):.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3009)
    # The generated family holds 4,029 distinct elections (51 states, 1788 to 2100, the
    # schema's last year): 10,000 articles would repeat elections, which a load refuses.
    parser.add_argument("--sizes", default="1000,2000,4000", help="corpus sizes for the RSS")
    parser.add_argument("--seed", type=int, default=2004)
    parser.add_argument("--runs", type=int, default=3, help="cold runs and reloads timed")
    parser.add_argument("--workdir", type=Path, default=None, help="kept; corpora reused")
    parser.add_argument("--flame", type=Path, default=None, help="py-spy flame graph (SVG)")
    arguments = parser.parse_args()
    if arguments.runs < 1:
        parser.error("--runs must be at least 1")
    work = arguments.workdir or Path(tempfile.mkdtemp(prefix="election-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    raw = work / f"raw-{arguments.articles}"
    rows = []

    say(f"writing a corpus of {arguments.articles:,} articles into {raw}")
    size = write_corpus(raw, arguments.articles, arguments.seed)
    paths = sorted(raw.glob("*.txt"))
    rows.append(("corpus", f"{arguments.articles:,} articles, {size / 1e6:.1f} MB", ""))

    say("the floors")
    imports_s = floors.imports()
    data, read_s = timed(floors.read_files, paths)
    texts = [item.decode() for item in data]
    cells, tokenize_s = timed(floors.tokenize, texts)
    files = pd.DataFrame([read_source(path) for path in paths])
    (tables, unreadable), parse_s = timed(extract_articles, files)
    _, validate_s = timed(floors.validate, tables)
    frames = {
        **reference_frames(),
        **election_frames(tables),
        "article_versions": files[["sha256", "file", "bytes", "text"]],
    }
    for name in NAME_TABLES:  # named once per election; the warehouse holds each name once
        frames[name] = frames[name].drop(columns="election_id").drop_duplicates()
    loaded_rows = sum(len(frame) for frame in frames.values())
    ingest_s = floors.ingest(frames, work / "floor.duckdb")
    noop_s = floors.noop_job()
    floor_rows = [
        ("imports (child interpreter: start, import, exit)", imports_s, floors.IMPORTS),
        ("reading the files", read_s, f"{size / 1e6 / read_s:.0f} MB/s"),
        (
            "pipe-table tokenizer",
            tokenize_s,
            f"{size / 1e6 / tokenize_s:.0f} MB/s, {cells:,} cells",
        ),
        ("pandera on every table", validate_s, f"{sum(map(len, tables.frames().values())):,} rows"),
        ("DuckDB ingest from Arrow, no keys", ingest_s, f"{loaded_rows:,} rows"),
        ("no-op Dagster job of the project's shape", noop_s, "in process"),
    ]
    floor_s = sum(seconds for _, seconds, _ in floor_rows)
    rows += [(f"floor: {name}", f"{seconds:.2f} s", detail) for name, seconds, detail in floor_rows]
    rows.append(("sum of the floors", f"{floor_s:.2f} s", ""))

    say("the project's stages, in this process")
    findings, check_s = timed(evaluate, tables, unreadable)
    versions = pd.DataFrame([read_version(path) for path in paths])
    cache = ParseCache(work / "stage.duckdb")
    shutil.rmtree(cache.folder, ignore_errors=True)
    extraction, groups_s = timed(extract_and_check, versions, cache, None, max_article_bytes())
    (work / "stage.duckdb").unlink(missing_ok=True)
    load = (
        extraction.store,
        extraction.findings,
        extraction.verdicts,
        versions,
        work / "stage.duckdb",
        None,
        "bench",
        1,
    )
    _, load_s = timed(build_warehouse, *load)
    rows += [
        (
            "stage: parse (text → typed tables)",
            f"{parse_s:.2f} s",
            f"{size / 1e6 / parse_s:.1f} MB/s, every article in chunks of 250",
        ),
        (
            "stage: every data-quality rule",
            f"{check_s:.2f} s",
            f"{len(findings):,} findings, on every article at once",
        ),
        (
            "stage: parse and check by groups of states",
            f"{groups_s:.2f} s",
            f"{len(extraction.store.segments)} groups in processes, as a load does; "
            "segments written",
        ),
        (
            "stage: load (build the warehouse file)",
            f"{load_s:.2f} s",
            f"{load_s / ingest_s:.1f}× the ingest floor; tables read a segment at a time",
        ),
    ]
    del tables, findings, extraction, frames, files, texts, data

    warehouse, home = work / "elections.duckdb", work / "dagster"
    colds = []
    for run in range(arguments.runs):
        for leftover in (home, warehouse.with_name(warehouse.name + ".parse-cache")):
            shutil.rmtree(leftover, ignore_errors=True)
        warehouse.unlink(missing_ok=True)
        say(f"cold `make run` (no warehouse, no parse cache), {run + 1} of {arguments.runs}")
        colds.append(make_run(raw, warehouse, home))
    cold = median_run(colds)
    rows.append(
        (
            "cold `make run`, whole command",
            f"{cold['wall']:.2f} s",
            f"{spread(colds)}; target ≤ {COLD_TARGET_S:g} s",
        )
    )
    rows.append(("project ÷ floors", f"{cold['wall'] / floor_s:.1f}×", "target ≤ 2×"))
    rows.append(
        (
            "peak RSS of those runs",
            f"{max(run['rss_mb'] for run in colds):.0f} MB",
            f"the highest; target ≤ {RSS_TARGET_MB} MB",
        )
    )
    rows.append(
        (
            "written to disk by the median run",
            f"{cold['written_mb']:.0f} MB",
            f"{cold['written_mb'] / (size / 1e6):.1f}× the input; the warehouse file is "
            f"{warehouse.stat().st_size / 1e6:.0f} MB of it (target: the rest ≤ 3× the input)",
        )
    )
    say("`make run` again, nothing changed")
    again = make_run(raw, warehouse, home)
    rows.append(("reload, nothing changed, whole command", f"{again['wall']:.2f} s", ""))
    changed, reloads = paths[len(paths) // 2], []
    # As first written, even where a bench stopped with the article edited (--workdir).
    original = changed.read_text().replace("Voters then chose", "Voters chose")
    edited = original.replace("Voters chose", "Voters then chose")
    if edited == original:
        raise SystemExit(f"{changed.name} lacks the sentence the benchmark edits")
    for run in range(arguments.runs):  # the article's text alternates: each run a change
        changed.write_text(edited if run % 2 == 0 else original)
        say(f"`make run` after one changed article, {run + 1} of {arguments.runs}")
        reloads.append(make_run(raw, warehouse, home))
    changed.write_text(original)
    rows.append(
        (
            "reload after one changed article, whole command",
            f"{median_run(reloads)['wall']:.2f} s",
            f"{spread(reloads)}; target ≤ {RELOAD_TARGET_S:g} s",
        )
    )

    sizes = [int(size) for size in arguments.sizes.split(",") if size]
    peaks = {}
    for articles in sizes:
        corpus = work / f"raw-{articles}"
        say(f"peak RSS: cold `make run` on {articles:,} articles")
        write_corpus(corpus, articles, arguments.seed)
        target = work / f"rss-{articles}" / "elections.duckdb"
        shutil.rmtree(target.parent, ignore_errors=True)
        target.parent.mkdir()
        measured = make_run(corpus, target, target.parent / "dagster")
        peaks[articles] = measured["rss_mb"]
        rows.append(
            (
                f"peak RSS, {articles:,} articles",
                f"{measured['rss_mb']:.0f} MB",
                f"cold run {measured['wall']:.1f} s",
            )
        )
        shutil.rmtree(target.parent)
    if len(peaks) > 1:
        smallest, largest = min(peaks), max(peaks)
        rows.append(
            (
                f"RSS {largest:,} ÷ RSS {smallest:,} articles",
                f"{peaks[largest] / peaks[smallest]:.2f}×",
                f"target ≤ {RSS_GROWTH}×",
            )
        )

    if arguments.flame:
        say(f"flame graph of a cold `make run` into {arguments.flame}")
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(warehouse.with_name(warehouse.name + ".parse-cache"), ignore_errors=True)
        warehouse.unlink(missing_ok=True)
        make_run(raw, warehouse, home, flame=arguments.flame.resolve())
        # paths relative to the checkout: the graph is committed in docs/
        graph = arguments.flame.read_text().replace(f"{PROJECT}/", "").replace(str(PROJECT), ".")
        arguments.flame.write_text(graph)

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


if __name__ == "__main__":
    main()
