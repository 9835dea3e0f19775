"""Runs of one Dagster instance: concurrent loads into different warehouses never mix, and a
killed run no longer wedges automation (the sensor's next run launches)."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipeline.definitions import defs
from pipeline.defs.runs import PROCESS_TAG, process_is_gone, process_token
from pipeline.loadlock import LOCK_FILE
from tests.conftest import PROJECT
from tests.servers import wait_for
from tests.test_reload import article_for_year, rows

# Each worker loads its own raw folder into its own warehouse this many times, in a loop,
# beside the other worker: 2 × 4 loads on one instance.
LOADS_PER_WORKER = 4
WORKER = """
import json, sys
import duckdb
from pipeline.cli import main
for _ in range(int(sys.argv[1])):
    code = main(["run"])
    with duckdb.connect(sys.argv[2], read_only=True) as db:
        found = db.execute("SELECT year FROM dim_election ORDER BY year").fetchall()
    years = [year for (year,) in found]
    print("RESULT " + json.dumps({"code": code, "years": years}), flush=True)
"""


def instance_home(tmp_path: Path) -> Path:
    """A Dagster instance with the project's configuration and its storage created (two
    processes that both create a new SQLite storage at once collide in Dagster itself)."""
    home = tmp_path / "dagster"
    home.mkdir()
    shutil.copyfile(PROJECT / "dagster.yaml", home / "dagster.yaml")
    dg.DagsterInstance.from_config(str(home)).dispose()
    return home


def raw_folder(folder: Path, seed_text: str, years: list[int]) -> Path:
    folder.mkdir()
    for year in years:
        name, text = article_for_year(seed_text, year)
        (folder / name).write_text(text)
    return folder


def environment(home: Path, raw: Path, warehouse: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ELECTIONS_RAW_DIR": str(raw),
        "ELECTIONS_WAREHOUSE": str(warehouse),
        **extra,
    }


def test_concurrent_loads_into_two_warehouses_never_mix(tmp_path, seed_text):
    home = instance_home(tmp_path)
    years = {"a": [1900, 1904, 1908], "b": [1960, 1964]}
    workers = {}
    for name, its_years in years.items():
        raw = raw_folder(tmp_path / f"raw_{name}", seed_text, its_years)
        warehouse = tmp_path / f"{name}.duckdb"
        workers[name] = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(LOADS_PER_WORKER), str(warehouse)],
            cwd=PROJECT,
            env=environment(home, raw, warehouse),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    waits = 0
    for name, worker in workers.items():
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err[-3000:]
        results = [json.loads(line[7:]) for line in out.splitlines() if line.startswith("RESULT ")]
        assert results == [{"code": 0, "years": years[name]}] * LOADS_PER_WORKER
        own_files = {article_for_year(seed_text, year)[0] for year in years[name]}
        logged = rows(tmp_path / f"{name}.duckdb", "SELECT DISTINCT file, status FROM load_log")
        assert set(logged) == {(file, "published") for file in own_files}
        waits += err.count("one load at a time per Dagster instance")
    assert waits >= 1  # the loads did meet, and one waited for the other


def test_a_process_token_tells_a_live_process_from_a_dead_one():
    sleeper = subprocess.Popen(["sleep", "60"])
    token = process_token(sleeper.pid)
    assert not process_is_gone(token) and not process_is_gone(process_token())
    sleeper.kill()
    sleeper.wait()
    assert process_is_gone(token)
    host, boot, pid, ticks = token.split()
    assert not process_is_gone(f"another-{host} {boot} {pid} {ticks}")  # cannot tell: alive
    assert process_is_gone(f"{host} another-boot {os.getpid()} {ticks}")  # machine restarted


@pytest.fixture()
def instance(tmp_path, monkeypatch):
    home = instance_home(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        yield instance


def test_frames_last_as_long_as_their_run(instance, tmp_path, seed_text, monkeypatch):
    monkeypatch.setenv("ELECTIONS_RAW_DIR", str(raw_folder(tmp_path / "raw", seed_text, [1904])))
    monkeypatch.setenv("ELECTIONS_WAREHOUSE", str(tmp_path / "w.duckdb"))
    reload = defs.resolve_job_def("reload_warehouse")
    assert reload.execute_in_process(instance=instance).success
    # The warehouse alone cannot read the frames of the run before: it fails, saying so.
    alone = reload.execute_in_process(
        instance=instance, asset_selection=[dg.AssetKey("warehouse")], raise_on_error=False
    )
    (failure,) = alone.get_step_failure_events()
    assert failure.step_failure_data.user_failure_data.description == (
        "no frame of article_files in this run: frames last as long as the run that made "
        "them. Run the whole reload_warehouse job."
    )
    # What the runs left in the instance's storage: the load lock and their captured logs.
    stored = [path for path in Path(instance.storage_directory()).rglob("*") if path.is_file()]
    assert {path.name for path in stored if path.parent.name != "compute_logs"} == {LOCK_FILE}


def started_run(instance: dg.DagsterInstance) -> dg.DagsterRun | None:
    runs = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
    return next((run for run in runs if PROCESS_TAG in run.tags), None)


def test_after_a_killed_run_the_sensors_next_run_launches(instance, tmp_path, seed_text):
    home = Path(instance.root_directory)
    raw = raw_folder(tmp_path / "raw", seed_text, list(range(1900, 1940, 2)))
    warehouse = tmp_path / "w.duckdb"
    env = environment(home, raw, warehouse, ELECTIONS_SENSOR_INTERVAL="1")
    load = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    killed = wait_for(lambda: started_run(instance), 120, "the CLI run to start")
    load.send_signal(signal.SIGKILL)
    load.wait()
    assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.STARTED
    daemon = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("dagster-daemon")),
            "run",
            "-m",
            "pipeline.definitions",
        ],
        cwd=home,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        sensor_runs = dg.RunsFilter(tags={"dagster/sensor_name": "raw_folder_sensor"})

        def sensor_run_ended() -> list[dg.DagsterRun]:
            return [run for run in instance.get_runs(filters=sensor_runs) if run.is_finished]

        (reload,) = wait_for(sensor_run_ended, 240, "the sensor's run to launch and end")
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=60)
    assert reload.status == dg.DagsterRunStatus.SUCCESS
    assert reload.tags["elections/changes"] == "20 added"
    failed = instance.get_run_by_id(killed.run_id)
    assert failed.status == dg.DagsterRunStatus.FAILURE
    assert rows(warehouse, "SELECT count(*) FROM dim_election") == [(20,)]
