"""Reloads that never lose data: readers during a swap, a read-write holder, a killed
load, quarantine beside good articles, removed files, the sensor and the schedule."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.defs.automation import nightly_reload, raw_folder_sensor
from pipeline.defs.resources import ArticleSource
from pipeline.warehouse.publish import STAGING_SUFFIX, writer_pid
from tests.conftest import PROJECT, REFERENCE_CSV, SEED_NAME, edit, materialize_all

BAD_CELL = ("| Adair |", "| 11,404 |", "| 11,405 |")


def article_for_year(seed_text: str, year: int) -> tuple[str, str]:
    """The seed as the article of another year, its infobox's date and neighbouring years
    with it: (file name, text)."""
    text = (
        seed_text.replace(
            "2004 United States presidential election in Missouri",
            f"{year} United States presidential election in Missouri",
        )
        .replace("- Election Date: November 2, 2004", f"- Election Date: November 2, {year}")
        .replace("- Previous Year: 2000", f"- Previous Year: {year - 4}")
        .replace("- Next Year: 2008", f"- Next Year: {year + 4}")
    )
    return SEED_NAME.replace("2004", str(year)), text


def rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as db:
        return db.execute(sql).fetchall()


@pytest.fixture()
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


def holder(path: Path, read_only: bool) -> subprocess.Popen:
    """A separate process holding a connection to ``path``; it reports on stdin commands."""
    script = f"""
import duckdb, sys
db = duckdb.connect({str(path)!r}, read_only={read_only})
print("ready", flush=True)
for line in sys.stdin:
    print(db.execute("SELECT count(*) FROM dim_election").fetchone()[0], flush=True)
"""
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "ready"
    return process


def ask(process: subprocess.Popen) -> str:
    process.stdin.write("count\n")
    process.stdin.flush()
    return process.stdout.readline().strip()


def test_reload_under_an_open_reader(raw, tmp_path, seed_text):
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)
    assert materialize_all(raw, warehouse).success
    reader = holder(warehouse, read_only=True)
    try:
        assert ask(reader) == "1"
        name, text = article_for_year(seed_text, 2008)
        (raw / name).write_text(text)
        assert materialize_all(raw, warehouse).success
        assert ask(reader) == "1"  # its snapshot is intact
        assert rows(warehouse, "SELECT count(*) FROM dim_election") == [(2,)]  # new connections
    finally:
        reader.kill()
    # no staging file, write-ahead log or partial cache left; the parse cache stays
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "raw",
        "w.duckdb",
        "w.duckdb.parse-cache",
        "w.duckdb.published",
    ]


def test_read_write_holder_stops_the_swap_and_is_named(raw, tmp_path, seed_text):
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)
    assert materialize_all(raw, warehouse).success
    writer = holder(warehouse, read_only=False)
    try:
        assert writer_pid(warehouse) == writer.pid
        name, text = article_for_year(seed_text, 2008)
        (raw / name).write_text(text)
        result = materialize_all(raw, warehouse)
        assert not result.success
        (failure,) = result.get_step_failure_events()
        message = failure.step_failure_data.user_failure_data.description
        assert f"open read-write by process {writer.pid}" in message
        assert "connect read-only" in message
        assert ask(writer) == "1"
    finally:
        writer.kill()
        writer.wait()
    assert writer_pid(warehouse) is None
    assert rows(warehouse, "SELECT count(*) FROM dim_election") == [(1,)]  # still opens, unchanged


NOTHING_CHANGED = (
    "nothing changed since the last load (same article files, code and findings): "
    "the warehouse was left as it is"
)


def identity(path: Path) -> tuple[int, int, int]:
    status = path.stat()
    return status.st_ino, status.st_size, status.st_mtime_ns


def elections_run(raw: Path, warehouse: Path, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "run"],
        cwd=PROJECT,
        env={
            **os.environ,
            "ELECTIONS_RAW_DIR": str(raw),
            "ELECTIONS_WAREHOUSE": str(warehouse),
            "DAGSTER_HOME": str(home),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_reload_that_changes_nothing_publishes_nothing(raw, tmp_path, seed_text):
    warehouse, home = tmp_path / "w.duckdb", tmp_path / "dagster"
    (raw / SEED_NAME).write_text(seed_text)
    first = elections_run(raw, warehouse, home)
    assert first.returncode == 0, first.stderr[-3000:]
    assert NOTHING_CHANGED not in first.stdout
    before = identity(warehouse)
    (raw / SEED_NAME).touch()  # a new modification time, the same text
    second = elections_run(raw, warehouse, home)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"warehouse {warehouse}: 1 article(s)\n{NOTHING_CHANGED}\n" in second.stdout
    assert identity(warehouse) == before  # not replaced, not written
    assert rows(warehouse, "SELECT count(DISTINCT run_id) FROM load_log") == [(1,)]
    assert rows(warehouse, "SELECT count(DISTINCT run_id) FROM dq_check_results") == [(1,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dagster",
        "raw",
        "w.duckdb",
        "w.duckdb.parse-cache",
        "w.duckdb.published",
    ]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS] * 2

        def latest(asset: str) -> list:
            records = instance.fetch_materializations(dg.AssetKey(asset), limit=2).records
            return [record.asset_materialization for record in records]

        published, unchanged = reversed(latest("warehouse"))
        assert (published.metadata["unchanged"].value, unchanged.metadata["unchanged"].value) == (
            False,
            True,
        )
        assert unchanged.metadata["articles"].value == 1
        assert unchanged.metadata["versions added"].value == 0
        assert published.tags["dagster/data_version"] == unchanged.tags["dagster/data_version"]
        # The quality report of the unchanged run reads the same load from the same file.
        reports = [m.metadata["summary"].value for m in latest("data_quality_report")]
        assert reports[0] == reports[1]
        assert reports[0] == (
            "38 checks over 1 articles: 2 failing (0 ERROR), 1 skipped; 2 new failures and "
            "0 fixed since the load before; 0 articles refused"
        )
    name, text = article_for_year(seed_text, 2008)
    (raw / name).write_text(text)
    third = elections_run(raw, warehouse, home)
    assert third.returncode == 0, third.stderr[-3000:]
    assert f"warehouse {warehouse}: 2 article(s)\n  quarantine" in third.stdout
    assert identity(warehouse) != before
    assert rows(warehouse, "SELECT count(DISTINCT run_id) FROM load_log") == [(2,)]


def test_a_load_publishes_again_when_its_findings_or_the_file_changed(raw, tmp_path, seed_text):
    """Besides the articles and the code, what a load publishes depends on the reference
    returns it compares with; and a live file written since its load is not that load."""
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)

    def load(reference=None) -> bool:
        result = materialize_all(raw, warehouse, reference)
        assert result.success
        (materialization,) = result.asset_materializations_for_node("warehouse")
        return materialization.metadata["unchanged"].value

    assert [load(), load(), load(REFERENCE_CSV), load(REFERENCE_CSV)] == [False, True, False, True]
    loads = "SELECT count(DISTINCT run_id) FROM dq_check_results WHERE check_name = ?"
    assert rows(warehouse, loads.replace("?", "'counties_match_reference'")) == [(2,)]
    os.utime(warehouse)  # as a write by another process would
    assert [load(REFERENCE_CSV), load(REFERENCE_CSV)] == [False, True]
    assert rows(warehouse, "SELECT count(DISTINCT run_id) FROM load_log") == [(3,)]


def run_cli(raw: Path, warehouse: Path, home: Path) -> subprocess.Popen:
    home.mkdir(exist_ok=True)
    shutil.copyfile(PROJECT / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "ELECTIONS_RAW_DIR": str(raw),
        "ELECTIONS_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(home),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_load_killed_mid_build_leaves_the_warehouse_intact(raw, tmp_path, seed_text):
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)
    assert materialize_all(raw, warehouse).success
    before = rows(warehouse, "SELECT * FROM fact_county_result ORDER BY ALL")
    for year in range(1900, 1940):  # enough articles for a build that lasts
        name, text = article_for_year(seed_text, year)
        (raw / name).write_text(text)
    load = run_cli(raw, warehouse, tmp_path / "dagster")
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(f"w.duckdb.*{STAGING_SUFFIX}")):
        assert load.poll() is None, "the load ended before its staging file was seen"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    load.send_signal(signal.SIGKILL)
    load.wait()
    assert list(tmp_path.glob(f"w.duckdb.*{STAGING_SUFFIX}"))  # the killed load's leftover
    assert rows(warehouse, "SELECT * FROM fact_county_result ORDER BY ALL") == before
    assert rows(warehouse, "SELECT count(*) FROM dim_election") == [(1,)]
    # the next load cleans the leftover and publishes everything
    assert materialize_all(raw, warehouse).success
    assert not list(tmp_path.glob(f"w.duckdb.*{STAGING_SUFFIX}*"))
    assert rows(warehouse, "SELECT count(*) FROM dim_election") == [(41,)]


def test_bad_article_is_quarantined_while_the_good_one_publishes(raw, tmp_path, seed_text):
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)
    bad_name, bad_text = article_for_year(seed_text, 2008)
    (raw / bad_name).write_text(edit(bad_text, *BAD_CELL))
    result = materialize_all(raw, warehouse)
    assert result.success
    assert rows(warehouse, "SELECT year FROM dim_election") == [(2004,)]
    assert rows(warehouse, "SELECT file, status, kept_sha256, reason FROM quarantine") == [
        (
            bad_name,
            "refused",
            None,
            f"county_columns_sum_to_total: {bad_name}, section 'Results > By county', line 89 "
            "(Adair, 29001), "
            "column 'Total': 11,405 (expected 11,404)",
        )
    ]


def test_bad_new_version_is_quarantined_with_its_kept_version(raw, tmp_path, seed_text):
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)
    assert materialize_all(raw, warehouse).success
    (good_sha,) = rows(warehouse, "SELECT source_sha256 FROM dim_election")[0]
    (raw / SEED_NAME).write_text(edit(seed_text, *BAD_CELL))
    assert materialize_all(raw, warehouse).success
    assert rows(warehouse, "SELECT file, status, kept_sha256 FROM quarantine") == [
        (SEED_NAME, "kept_previous", good_sha)
    ]
    assert rows(warehouse, "SELECT source_sha256 FROM dim_election") == [(good_sha,)]
    # once the file is mended, it publishes and leaves the quarantine
    (raw / SEED_NAME).write_text(seed_text)
    assert materialize_all(raw, warehouse).success
    assert rows(warehouse, "SELECT count(*) FROM quarantine") == [(0,)]


def test_removed_article_disappears(raw, tmp_path, seed_text):
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)
    name, text = article_for_year(seed_text, 2008)
    (raw / name).write_text(text)
    assert materialize_all(raw, warehouse).success
    (raw / name).unlink()
    assert materialize_all(raw, warehouse).success
    assert rows(warehouse, "SELECT year FROM state_results GROUP BY year") == [(2004,)]
    latest = (
        "SELECT file, status FROM load_log "
        "WHERE loaded_at = (SELECT max(loaded_at) FROM load_log) ORDER BY file"
    )
    assert rows(warehouse, latest) == [(SEED_NAME, "published"), (name, "removed")]


def test_a_renamed_article_stays_published_under_its_new_name(raw, tmp_path, seed_text):
    """Renaming a file changes the version's name, not its text: the election's rows are
    deleted under the old name and inserted again under the new one."""
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)
    assert materialize_all(raw, warehouse).success
    counties = "SELECT count(*), sum(votes) FROM county_results WHERE year = 2004"
    assert rows(warehouse, counties) == [(345, 2_731_364)]
    (raw / SEED_NAME).rename(raw / "missouri_2004.txt")
    assert materialize_all(raw, warehouse).success
    assert rows(warehouse, counties) == [(345, 2_731_364)]
    assert rows(warehouse, "SELECT file FROM article_versions") == [("missouri_2004.txt",)]
    assert rows(warehouse, "SELECT source_file FROM dim_election") == [("missouri_2004.txt",)]


def test_lineage_traces_facts_to_the_article_version(raw, tmp_path, seed_text):
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)
    assert materialize_all(raw, warehouse).success
    traced = rows(
        warehouse,
        """
        SELECT v.file, split(v.text, chr(10))[f.source_line]
        FROM fact_county_result f
        JOIN dim_election e USING (election_id)
        JOIN article_versions v ON v.sha256 = e.source_sha256
        WHERE f.county = 'Jackson' AND f.candidate = 'John Kerry'
        """,
    )
    assert traced == [
        (
            SEED_NAME,
            "| Jackson | 130,500 | 41.30% | 183,654 | 58.12% | 1,839 | 0.58% "
            "| -53,154 | -16.82% | 315,993 |",
        )
    ]


# --- Sensor and schedule ----------------------------------------------------------------


def tick(raw: Path, cursor: str | None):
    context = dg.build_sensor_context(
        cursor=cursor,
        instance=dg.DagsterInstance.ephemeral(),
        resources={"article_source": ArticleSource(raw_dir=str(raw))},
    )
    result = raw_folder_sensor(context)
    return result, context.cursor


def test_sensor_requests_one_reload_per_change(raw, seed_text):
    (raw / SEED_NAME).write_text(seed_text)
    first, cursor = tick(raw, None)
    assert isinstance(first, dg.RunRequest) and first.tags["elections/changes"] == "1 added"
    unchanged, cursor = tick(raw, cursor)
    assert isinstance(unchanged, dg.SkipReason)
    os.utime(raw / SEED_NAME)  # touched, same content
    touched, cursor = tick(raw, cursor)
    assert isinstance(touched, dg.SkipReason)
    (raw / SEED_NAME).write_text(edit(seed_text, *BAD_CELL))
    changed, cursor = tick(raw, cursor)
    assert changed.tags["elections/changes"] == "1 changed"
    name, text = article_for_year(seed_text, 2008)
    (raw / name).write_text(text)
    added, cursor = tick(raw, cursor)
    assert added.tags["elections/changes"] == "1 added"
    (raw / name).unlink()
    removed, cursor = tick(raw, cursor)
    assert removed.tags["elections/changes"] == "1 removed"
    (raw / name).write_text(text)  # back to a state seen before: still a new reload
    again, cursor = tick(raw, cursor)
    keys = [r.run_key for r in (first, changed, added, removed, again)]
    assert len(set(keys)) == 5
    assert json.loads(cursor)["reloads"] == 5


def test_sensor_skips_a_missing_folder(tmp_path):
    result, _ = tick(tmp_path / "missing", None)
    assert isinstance(result, dg.SkipReason) and "does not exist" in result.skip_message


def test_nightly_schedule_requests_a_full_reload():
    assert nightly_reload.cron_schedule == "0 3 * * *"
    assert nightly_reload.default_status == dg.DefaultScheduleStatus.RUNNING
    assert nightly_reload.job_name == "reload_warehouse"
    with (
        dg.instance_for_test() as instance,
        dg.build_schedule_context(instance=instance, scheduled_execution_time=None) as context,
    ):
        (request,) = nightly_reload.evaluate_tick(context).run_requests
    assert request.job_name in (None, "reload_warehouse")
