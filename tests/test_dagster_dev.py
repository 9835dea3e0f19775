"""The reload automation really runs under `dagster dev` (what `make ui` starts): the
sensor reloads when an article appears, the schedule fires, both runs succeed."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT, SEED, SEED_NAME

RUNS = """
{ runsOrError { ... on Runs { results { runId status tags { key value } } } } }
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def graphql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["data"]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = condition()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="session")
def dagster_dev(tmp_path_factory):
    """`python -m pipeline ui` on a free port with its own instance, raw folder and
    warehouse; the sensor ticks every 5 s and the schedule every minute."""
    root = tmp_path_factory.mktemp("dagster_dev")
    home, raw = root / "home", root / "raw"
    home.mkdir()
    raw.mkdir()
    shutil.copyfile(PROJECT / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DAGSTER_PORT": str(port),
        "ELECTIONS_RAW_DIR": str(raw),
        "ELECTIONS_WAREHOUSE": str(root / "elections.duckdb"),
        "ELECTIONS_SENSOR_INTERVAL": "5",
        "ELECTIONS_RELOAD_CRON": "* * * * *",
    }
    log = (root / "dagster.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "ui"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: graphql(url, "{ version }"), 90, "the Dagster webserver")
        yield {"url": url, "raw": raw, "warehouse": root / "elections.duckdb"}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def finished_runs(url: str, tag: str) -> list[dict]:
    runs = graphql(url, RUNS)["runsOrError"]["results"]
    return [
        run
        for run in runs
        if any(t["key"] == tag for t in run["tags"]) and run["status"] in ("SUCCESS", "FAILURE")
    ]


def test_sensor_and_schedule_fire_under_dagster_dev(dagster_dev):
    url = dagster_dev["url"]
    shutil.copyfile(SEED, Path(dagster_dev["raw"]) / SEED_NAME)
    sensor_runs = wait_for(
        lambda: finished_runs(url, "dagster/sensor_name"), 120, "a run started by the sensor"
    )
    assert [run["status"] for run in sensor_runs] == ["SUCCESS"]
    with duckdb.connect(str(dagster_dev["warehouse"]), read_only=True) as db:
        assert db.execute("SELECT sum(votes) FROM state_results").fetchone() == (2731364,)
    schedule_runs = wait_for(
        lambda: finished_runs(url, "dagster/schedule_name"), 150, "a run started by the schedule"
    )
    assert schedule_runs[0]["status"] == "SUCCESS"
    # nothing changed in the raw folder since: the sensor started exactly one reload
    assert len(finished_runs(url, "dagster/sensor_name")) == 1
