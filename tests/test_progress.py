"""Progress of long runs: stage, count and elapsed time, on the terminal and in the
Dagster run log."""

import subprocess
import sys

import dagster as dg

from pipeline.progress import Step, Throttled, listening, report
from tests.conftest import RAW, materialize_all


def test_throttled_lines_come_at_each_stage_and_completion():
    lines = []
    throttled = Throttled(lines.append, seconds=3600)
    with listening(throttled):
        for done in range(1, 101):
            report("parse", done, 100)
        report("checks")
        report("load")
    assert [line.split("] ", 1)[1] for line in lines] == [
        "parse 1 of 100 articles",
        "parse 100 of 100 articles",
        "checks",
        "load",
    ]


def test_nothing_is_reported_to_nobody():
    report("parse", 1, 2)  # no listener: no error, no output
    assert str(Step("read", 3, 3, "files")) == "read 3 of 3 files"


def test_elections_run_piped_prints_each_stage(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "ELECTIONS_RAW_DIR": str(RAW)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    stages = [line.split("] ", 1)[1] for line in done.stderr.splitlines() if line.startswith("[")]
    assert stages == [
        "read 1 of 1 files",
        "parse and check 1 of 1 articles",
        "load",
        "verify",
        "swap",
    ]


def test_the_run_log_shows_the_same_progress(tmp_path):
    instance = dg.DagsterInstance.ephemeral()
    result = materialize_all(RAW, tmp_path / "w.duckdb", instance=instance)
    messages = [
        entry.user_message.split("] ", 1)[1]
        for entry in instance.all_logs(result.run_id)
        if entry.user_message.startswith("[") and " s] " in entry.user_message
    ]
    assert messages == ["parse and check 1 of 1 articles", "load", "verify", "swap"]
