"""Starting and asking Dagster's servers in tests: a free port, the GraphQL API, waiting for
a condition, finished runs by tag, and a process group stopped as a user would."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

RUNS = """
{ runsOrError { ... on Runs { results { runId status jobName tags { key value } } } } }
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


def finished_runs(url: str, tag: str) -> list[dict]:
    """Runs that ended (SUCCESS or FAILURE) and carry the tag ``tag``."""
    runs = graphql(url, RUNS)["runsOrError"]["results"]
    return [
        run
        for run in runs
        if any(t["key"] == tag for t in run["tags"]) and run["status"] in ("SUCCESS", "FAILURE")
    ]


def stop(process: subprocess.Popen, seconds: float = 30) -> float:
    """SIGTERM to the process alone (as systemd or Ctrl-C would send it); SIGKILL to its
    group if it is still there after ``seconds``. Returns how long it took to stop."""
    start = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return time.monotonic() - start
