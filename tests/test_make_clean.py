"""`make clean` removes everything the project generates, and nothing else."""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import checkout_files, copy_checkout


def files_and_links(folder: Path) -> list[str]:
    """Every file and link under ``folder`` (links not followed), relative to it."""
    return sorted(
        str((Path(parent) / name).relative_to(folder))
        for parent, folders, files in os.walk(folder)
        for name in files + [name for name in folders if (Path(parent) / name).is_symlink()]
    )


def test_make_clean_leaves_only_the_repository(tmp_path):
    copy = copy_checkout(tmp_path / "repo")
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    for command in (["run"], ["export"]):
        subprocess.run(
            [sys.executable, "-m", "pipeline", *command], cwd=copy, env=environment, check=True
        )
    (copy / ".venv" / "bin").mkdir(parents=True)
    (copy / ".venv" / "bin" / "python").touch()
    (copy / "tests" / "__pycache__").mkdir(exist_ok=True)
    generated = {name.split("/")[0] for name in files_and_links(copy)} - {
        name.split("/")[0] for name in checkout_files()
    }
    assert generated == {".dagster", ".venv"}
    assert (copy / "warehouse" / "elections.duckdb").exists()
    assert (copy / "warehouse" / "export" / "countypres_medsl.csv").exists()
    subprocess.run(["make", "clean"], cwd=copy, env=environment, check=True, capture_output=True)
    assert files_and_links(copy) == checkout_files()
