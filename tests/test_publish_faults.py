"""Faults around the publish: too little disk, a write that fails half-way, a warehouse path
that names another file, a read-only warehouse. The live file stays as it was, and
nothing partial (staging file, parse-cache segment) is left beside it."""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.defs import assets
from pipeline.warehouse import publish
from tests.conftest import PROJECT, SEED_NAME, materialize_all
from tests.test_reload import article_for_year, rows

# A load whose process may write no file beyond a size: the write past it fails (EFBIG),
# as a write to a full disk fails, at whatever point the load has reached.
LIMITED_LOAD = """
import resource, signal, sys
from pathlib import Path
from tests.conftest import materialize_all
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing the process
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
result = materialize_all(Path(sys.argv[1]), Path(sys.argv[2]))
for event in result.get_step_failure_events():
    print(event.step_key, event.step_failure_data.error.to_string())
sys.exit(0 if result.success else 1)
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.fixture()
def loaded(tmp_path, seed_text) -> tuple[Path, Path]:
    """A raw folder and the warehouse built from it (the seed), then a second article
    added to the folder: the next load has work to do."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / SEED_NAME).write_text(seed_text)
    warehouse = tmp_path / "out" / "w.duckdb"
    assert materialize_all(raw, warehouse).success
    name, text = article_for_year(seed_text, 2008)
    (raw / name).write_text(text)
    return raw, warehouse


def test_too_little_free_space_refuses_before_writing(loaded, monkeypatch):
    raw, warehouse = loaded
    before, listed = digest(warehouse), listing(warehouse.parent)
    monkeypatch.setattr(publish, "free_bytes", lambda folder: 5_000_000)
    result = materialize_all(raw, warehouse)
    (failure,) = result.get_step_failure_events()
    assert failure.step_key == "extracted_tables"  # before the parse cache and the build
    size = warehouse.stat().st_size
    needed = 2 * max(
        size, publish.EMPTY_WAREHOUSE_BYTES + 7 * 2 * len((raw / SEED_NAME).read_bytes())
    )
    assert failure.step_failure_data.user_failure_data.description == (
        f"not enough free space in {warehouse.parent}: 5.0 MB free, a reload needs about "
        f"{needed / 1e6:,.1f} MB (a new copy of the warehouse and its write-ahead log, about "
        "twice its size). Free some space, or point ELECTIONS_WAREHOUSE at a larger disk."
    )
    assert (digest(warehouse), listing(warehouse.parent)) == (before, listed)


@pytest.mark.parametrize(
    ("limit", "failed_step"),
    [(1_000_000, "warehouse"), (12_000, "extracted_tables")],
    ids=["the staging copy fails", "the parse cache fails"],
)
def test_a_failed_write_leaves_nothing_partial(loaded, limit, failed_step):
    raw, warehouse = loaded
    before, listed = digest(warehouse), listing(warehouse.parent)
    load = subprocess.run(
        [sys.executable, "-c", LIMITED_LOAD, str(raw), str(warehouse), str(limit)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert load.returncode == 1, load.stderr[-3000:]
    assert load.stdout.startswith(f"{failed_step} ") and "File too large" in load.stdout
    assert digest(warehouse) == before
    cache = warehouse.with_name("w.duckdb.parse-cache")
    segments = {path.name for path in cache.iterdir() if path.is_dir()}
    assert segments == set(json.loads((cache / "CURRENT").read_text())["segments"])
    if failed_step == "warehouse":  # the cache holds the new articles; no staging file is
        # left, and the record of the load the live file holds is still the first load's
        assert sorted(p.name for p in warehouse.parent.iterdir()) == [
            "w.duckdb",
            "w.duckdb.parse-cache",
            "w.duckdb.published",
        ]
    else:  # the segment it began is gone; the cache is the first load's
        assert listing(warehouse.parent) == listed


def test_a_warehouse_path_naming_another_file_is_refused_untouched(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / SEED_NAME).write_bytes((PROJECT / "raw" / SEED_NAME).read_bytes())
    readme = tmp_path / "README.md"
    readme.write_text("# A project\n")
    result = materialize_all(raw, readme)
    (failure,) = result.get_step_failure_events()
    assert failure.step_failure_data.user_failure_data.description == (
        f"{readme} is not a DuckDB database: ELECTIONS_WAREHOUSE must name a warehouse "
        "or a new file"
    )
    assert readme.read_text() == "# A project\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "raw"]


def test_a_read_only_warehouse_stays_read_only(loaded):
    raw, warehouse = loaded
    warehouse.chmod(0o444)
    assert materialize_all(raw, warehouse).success
    assert warehouse.stat().st_mode & 0o777 == 0o444
    assert rows(warehouse, "SELECT year FROM dim_election ORDER BY year") == [(2004,), (2008,)]


def test_a_parse_cache_deleted_during_the_load_fails_it_and_publishes_nothing(loaded, monkeypatch):
    """The warehouse reads the new articles' tables from the parse cache's segments: a
    cache deleted between the checks and the build fails the load, naming the cause,
    and the live warehouse stays as it was."""
    raw, warehouse = loaded
    before = digest(warehouse)
    publish_warehouse = assets.publish_warehouse

    def deleting_the_cache_first(*arguments, **keywords):
        shutil.rmtree(warehouse.with_name("w.duckdb.parse-cache"))
        return publish_warehouse(*arguments, **keywords)

    monkeypatch.setattr(assets, "publish_warehouse", deleting_the_cache_first)
    result = materialize_all(raw, warehouse)
    (failure,) = result.get_step_failure_events()
    assert failure.step_key == "warehouse"
    description = failure.step_failure_data.user_failure_data.description
    assert description.startswith(f"the parse cache's {warehouse}.parse-cache/")
    assert description.endswith(
        "was the cache deleted, or replaced by another load, while this load ran? Nothing "
        "was published; load again."
    )
    assert digest(warehouse) == before
    assert sorted(p.name for p in warehouse.parent.iterdir()) == ["w.duckdb", "w.duckdb.published"]
    monkeypatch.undo()
    assert materialize_all(raw, warehouse).success  # the next load parses again
