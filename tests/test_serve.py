"""`elections serve` for real: dagster-webserver and dagster-daemon as two processes (not
`dagster dev`) on a new instance, whose runs, events and schedules live in SQLite (the
default) or in a throwaway PostgreSQL server. An article dropped into the raw folder is
published by the sensor's run, the run is in the instance's run storage, and SIGTERM
stops both processes."""

import contextlib
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import psycopg2
import pytest

from pipeline.settings import POSTGRES_STORAGE, SQLITE_EVENT_LOG, event_log_folder
from tests.conftest import PROJECT, SEED, SEED_NAME
from tests.servers import finished_runs, free_port, graphql, stop, wait_for

POSTGRES_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))


@contextlib.contextmanager
def throwaway_postgres(database: str = "dagster"):
    """A PostgreSQL server of Debian's package in a temporary folder, on a free loopback
    port, with trust authentication; yields its URL and removes everything afterwards.

    PostgreSQL refuses to run as root, so as root it runs as the package's ``postgres``
    user, in a folder under /tmp that user can reach (pytest's tmp_path cannot be).
    """
    if not POSTGRES_BIN:
        missing = "PostgreSQL is missing: `apt-get install postgresql` (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"under CI the PostgreSQL test must run, never skip: {missing}")
        pytest.skip(f"serve test skipped: {missing}")
    bin_dir = POSTGRES_BIN[-1]
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    base = Path(tempfile.mkdtemp(prefix="elections-pg-"))
    if as_postgres:
        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
    data, port = base / "data", free_port()
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        subprocess.run(
            [
                *as_postgres,
                *(bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust"),
                *("-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *as_postgres,
                *(bin_dir / "pg_ctl", "-D", data, "-l", base / "server.log", "-w"),
                *("-o", options, "start"),
            ],
            check=True,
            capture_output=True,
        )
        try:
            with contextlib.closing(
                psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
            ) as connection:
                connection.autocommit = True
                connection.cursor().execute(f"CREATE DATABASE {database}")
            yield f"postgresql://postgres@127.0.0.1:{port}/{database}"
        finally:
            subprocess.run(
                [*as_postgres, bin_dir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"],
                capture_output=True,
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_url():
    with throwaway_postgres() as url:
        yield url


def runs_in_postgres(url: str) -> dict[str, str]:
    """run_id → status of every run in the instance's PostgreSQL run storage."""
    with contextlib.closing(psycopg2.connect(url)) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT run_id, status FROM runs")
        return dict(cursor.fetchall())


def runs_in_sqlite(home: Path) -> dict[str, str]:
    with contextlib.closing(sqlite3.connect(home / "history" / "runs.db")) as connection:
        return dict(connection.execute("SELECT run_id, status FROM runs").fetchall())


@pytest.mark.parametrize("storage", ["sqlite", "postgres"])
def test_serve_publishes_a_dropped_article(storage, request, tmp_path):
    raw, home = tmp_path / "raw", tmp_path / "home"
    raw.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DAGSTER_PORT": str(port),
        "ELECTIONS_RAW_DIR": str(raw),
        "ELECTIONS_WAREHOUSE": str(tmp_path / "elections.duckdb"),
        "ELECTIONS_SENSOR_INTERVAL": "5",
    }
    if storage == "postgres":
        env["ELECTIONS_DAGSTER_PG_URL"] = request.getfixturevalue("postgres_url")
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: graphql(url, "{ version }"), 90, "the webserver")
        template = (PROJECT / "dagster.yaml").read_text()
        expected = template + (
            POSTGRES_STORAGE
            if storage == "postgres"
            else SQLITE_EVENT_LOG.format(folder=f'"{event_log_folder(home)}"')
        )
        assert (home / "dagster.yaml").read_text() == expected
        shutil.copyfile(SEED, raw / SEED_NAME)
        (run,) = wait_for(
            lambda: finished_runs(url, "dagster/sensor_name"), 120, "the sensor's reload"
        )
        assert (run["jobName"], run["status"]) == ("reload_warehouse", "SUCCESS")
        with duckdb.connect(str(tmp_path / "elections.duckdb"), read_only=True) as db:
            assert db.execute("SELECT count(*) FROM county_results").fetchone() == (345,)
            assert db.execute("SELECT sum(votes) FROM state_results").fetchone() == (2731364,)
        if storage == "postgres":
            assert runs_in_postgres(env["ELECTIONS_DAGSTER_PG_URL"])[run["runId"]] == "SUCCESS"
            assert not (home / "history" / "runs.db").exists()
        else:
            assert runs_in_sqlite(home)[run["runId"]] == "SUCCESS"
    finally:
        seconds = stop(server)
        log.close()
    output = (tmp_path / "serve.log").read_text()
    shown = "PostgreSQL" if storage == "postgres" else f"SQLite in {home}"
    assert f"instance storage: {shown}" in output
    assert "webserver stopped (exit code 0)" in output, output[-3000:]
    assert "daemon stopped (exit code 0)" in output, output[-3000:]
    assert seconds < 30
    with pytest.raises(OSError):  # the webserver is gone with it
        graphql(url, "{ version }")
