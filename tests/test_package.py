"""The installable package: a wheel that carries the SQL, the instance template and the
``elections`` command, and that builds the seed's warehouse from any directory."""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipeline.settings import SQLITE_EVENT_LOG, event_log_folder
from pipeline.warehouse.build import MACROS, TABLES, VIEWS
from tests.conftest import PROJECT, SEED, copy_checkout

COMMANDS = ["run", "sql", "export", "maps", "docs", "ui", "serve"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """``pip wheel .`` of a copy of the checkout (without a fetched build environment; a
    copy, so that no build/ folder of earlier builds can slip into the wheel)."""
    source = copy_checkout(tmp_path_factory.mktemp("source"))
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = folder.glob("election_warehouse-*.whl")
    return path


def test_the_wheel_carries_the_sql_the_instance_template_and_the_command(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    sql = {name for name in names if name.startswith("pipeline/sql/")}
    assert sql == {f"pipeline/sql/{name}.sql" for name in MACROS + TABLES + VIEWS}
    assert {"pipeline/defs/dagster.yaml", "pipeline/tables/data/county_fips_changes.csv"} <= names
    template = zipfile.ZipFile(wheel).read("pipeline/defs/dagster.yaml")
    assert template == (PROJECT / "dagster.yaml").read_bytes()
    (entry_points,) = [name for name in names if name.endswith("entry_points.txt")]
    scripts = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "elections = pipeline.cli:main" in scripts


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A new virtual environment with the wheel installed: its ``bin/``.

    The dependencies are not installed again (that would need the network and a minute):
    the environment sees this interpreter's site-packages through a ``.pth`` line, placed
    after its own, so ``pipeline`` comes from the wheel and not from the checkout.
    """
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    (site,) = venv.glob("lib/python3.*/site-packages")
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            venv / "bin" / "python",
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return venv / "bin"


def run_installed(folder: Path, *command: str, **settings: str) -> subprocess.CompletedProcess:
    """A command of the installed environment run in ``folder``, with no setting of the
    project's in the environment but ``settings``."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("ELECTIONS_", "DAGSTER_", "PYTHON"))
    }
    return subprocess.run(
        command, cwd=folder, capture_output=True, text=True, env=environment | settings
    )


def test_elections_help_lists_every_command(installed, tmp_path):
    shown = run_installed(tmp_path, installed / "elections", "--help").stdout
    for command in COMMANDS:
        assert f"    {command} " in shown
    run_help = run_installed(tmp_path, installed / "elections", "run", "--help").stdout
    assert "ELECTIONS_RAW_DIR" in run_help
    assert "default: warehouse/elections.duckdb" in run_help


def test_installed_elections_run_builds_the_seed_from_another_directory(installed, tmp_path):
    (tmp_path / "articles").mkdir()
    shutil.copyfile(SEED, tmp_path / "articles" / SEED.name)
    done = run_installed(
        tmp_path,
        installed / "elections",
        "run",
        ELECTIONS_RAW_DIR="articles",
        ELECTIONS_WAREHOUSE="w/e.duckdb",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warehouse w/e.duckdb: 1 article(s)" in done.stdout
    with duckdb.connect(str(tmp_path / "w" / "e.duckdb"), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM county_results").fetchone() == (345,)
        assert db.execute(
            "SELECT votes FROM county_results WHERE county = 'Jackson' AND candidate = 'John Kerry'"
        ).fetchone() == (183654,)
    # the instance the run used is the default one, in the current directory
    home = tmp_path / ".dagster"
    assert (home / "dagster.yaml").read_text() == (
        PROJECT / "dagster.yaml"
    ).read_text() + SQLITE_EVENT_LOG.format(folder=f'"{event_log_folder(home)}"')
    where = run_installed(
        tmp_path, installed / "python", "-c", "import pipeline; print(pipeline.__file__)"
    ).stdout
    assert not Path(where.strip()).is_relative_to(PROJECT)
