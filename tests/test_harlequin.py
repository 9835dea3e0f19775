"""`make sql` at a terminal for real: Harlequin on the warehouse, driven through tmux as a
person would type. It browses the warehouse, runs a query, and refuses to write a file."""

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.servers import wait_for


def screen(session: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
    ).stdout


def type_and_run(session: str, statement: str, attempts: int = 3) -> None:
    """Focus the editor (F2), replace its text with ``statement`` and run it (Ctrl-J).

    On a loaded machine the keys may reach Harlequin before its editor takes the focus:
    the statement is then typed again, as a person would."""
    for attempt in range(attempts):
        subprocess.run(["tmux", "send-keys", "-t", session, "F2"], check=True)
        time.sleep(0.5)
        subprocess.run(["tmux", "send-keys", "-t", session, "C-a", statement], check=True)
        try:
            wait_for(lambda: statement[-30:] in screen(session), 20, "the statement in the editor")
            break
        except AssertionError:
            if attempt == attempts - 1:
                raise
    subprocess.run(["tmux", "send-keys", "-t", session, "C-j"], check=True)


@pytest.fixture()
def harlequin(seed_warehouse, tmp_path):
    if shutil.which("tmux") is None:
        missing = "tmux is missing: `apt-get install tmux` (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"under CI the Harlequin test must run, never skip: {missing}")
        pytest.skip(f"Harlequin test skipped: {missing}")
    session = f"elections-sql-{uuid.uuid4().hex[:8]}"
    command = f"{sys.executable} -m pipeline sql"
    subprocess.run(
        [
            *("tmux", "new-session", "-d", "-s", session),
            *("-c", str(tmp_path), "-e", f"ELECTIONS_WAREHOUSE={seed_warehouse}", command),
        ],
        check=True,
    )
    try:
        wait_for(
            lambda: "Data Catalog" in screen(session) and "Run Query" in screen(session),
            60,
            "Harlequin's catalog and editor",
        )
        time.sleep(3)  # the editor takes the focus once the catalog has loaded
        yield session
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_harlequin_runs_queries_and_refuses_to_write_files(harlequin, tmp_path):
    type_and_run(harlequin, "SELECT votes FROM county_results WHERE county = 'Jackson' LIMIT 1")
    wait_for(lambda: "130500" in screen(harlequin), 60, "the query's result")

    target = tmp_path / "leak.csv"
    type_and_run(harlequin, f"COPY (SELECT 1) TO '{target}'")
    wait_for(lambda: "DuckDB raised an error" in screen(harlequin), 60, "the refusal")
    assert not target.exists()
