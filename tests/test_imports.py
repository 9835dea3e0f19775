"""Each command imports only what it uses: ``elections --help`` starts without Dagster or
pandas, and a whole ``elections run`` imports neither the plotting of the maps (their own
job) nor the tools of the other commands (Harlequin, the Dagster webserver, ``dg``)."""

import os
import subprocess
import sys

from tests.conftest import RAW

# Print the top-level packages the process imported, once the command is done.
IMPORTED = """
import sys
from pipeline.cli import main
try:
    code = main(sys.argv[1:])
finally:
    print("IMPORTED", " ".join(sorted({name.split(".")[0] for name in sys.modules})))
sys.exit(code)
"""
NOT_FOR_A_RUN = {
    "matplotlib",
    "PIL",
    "shapely",
    "harlequin",
    "textual",
    "playwright",
    "dagster_webserver",
    "dagster_dg_cli",
}


def imported_by(arguments: list[str], tmp_path) -> set[str]:
    env = {
        **os.environ,
        "ELECTIONS_RAW_DIR": str(RAW),
        "ELECTIONS_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    done = subprocess.run(
        [sys.executable, "-c", IMPORTED, *arguments],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("IMPORTED ")]
    assert done.returncode == 0, done.stdout + done.stderr
    return set(line.split()[1:])


def test_help_imports_neither_dagster_nor_pandas(tmp_path):
    modules = imported_by(["--help"], tmp_path)
    assert "pipeline" in modules
    assert not modules & {"dagster", "pandas", "pyarrow", "duckdb", "numpy", *NOT_FOR_A_RUN}


def test_a_run_imports_no_plotting_nor_the_tools_of_other_commands(tmp_path):
    modules = imported_by(["run"], tmp_path)
    assert (tmp_path / "w.duckdb").is_file()  # the run did build the warehouse
    assert {"dagster", "duckdb", "pandas", "pandera", "pyarrow"} <= modules
    assert not modules & NOT_FOR_A_RUN
