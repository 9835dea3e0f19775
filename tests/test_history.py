"""Bounded history: after many loads the warehouse keeps ELECTIONS_HISTORY_LOADS loads of
quality results and load log, the Dagster instance as many runs, and neither grows."""

import os
import subprocess
import sys

import duckdb

from pipeline.checks.rules import all_rules
from tests.conftest import SEED, SEED_NAME, edit


def test_history_stops_growing_after_the_loads_it_keeps(tmp_path):
    raw, home = tmp_path / "raw", tmp_path / "home"
    raw.mkdir()
    warehouse = tmp_path / "elections.duckdb"
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ELECTIONS_RAW_DIR": str(raw),
        "ELECTIONS_WAREHOUSE": str(warehouse),
        "ELECTIONS_HISTORY_LOADS": "3",
    }
    text = SEED.read_text()
    sizes, event_logs = [], []
    for load in range(8):
        # every load publishes a new version of the article: a real change each time
        changed = edit(
            text, "The 2004 United States", "Voters chose", "Voters" + " " * load + " chose"
        )
        (raw / SEED_NAME).write_text(changed)
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", "run"], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
        sizes.append(warehouse.stat().st_size)
        event_logs.append(sum(path.stat().st_size for path in (home / "history").rglob("*")))
    with duckdb.connect(str(warehouse), read_only=True) as db:
        loads = db.execute("SELECT count(DISTINCT run_id) FROM load_log").fetchone()[0]
        checked = db.execute("SELECT count(DISTINCT run_id) FROM dq_check_results").fetchone()[0]
        rows = db.execute("SELECT count(*) FROM dq_check_results").fetchone()[0]
        kept = db.execute("SELECT list(DISTINCT run_id) FROM load_log").fetchone()[0]
    assert (loads, checked) == (3, 3)
    assert rows == 3 * len(all_rules())  # every check of the one article, for each kept load
    runs = sorted(path.stem for path in (home / "history" / "runs").glob("*.db"))
    assert sorted([*kept, "index"]) == runs  # the same three loads, and Dagster's index
    assert max(sizes[4:]) <= max(sizes[:4])  # the warehouse file stopped growing
    assert max(event_logs[4:]) <= max(event_logs[:4]) * 1.1  # and the Dagster history
