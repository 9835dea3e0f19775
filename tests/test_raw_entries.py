"""Odd entries of the raw folder: each is refused by name, most before a byte of it is read,
while the articles beside it publish. None hangs the load (a named pipe), fills its
memory (a link to /dev/zero), leaks a file from outside the folder, or crashes it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipeline.defs.automation import raw_folder_sensor
from pipeline.defs.resources import ArticleSource
from pipeline.text.article import ArticleError
from pipeline.text.source import read_article_bytes, read_source
from tests.conftest import PROJECT, SEED_NAME, edit
from tests.test_reload import article_for_year, rows

LIMIT = 100_000
HUGE = "100,000,000,000,000,000,000"
UNDECODABLE = os.fsdecode(b"bad\xff.txt")
# Root reads any file whatever its mode: the load that must meet an unreadable file runs
# as root without the capabilities that bypass file permissions.
UNPRIVILEGED = (
    ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
)
LOAD = """
import sys
from pathlib import Path
from tests.conftest import materialize_all
result = materialize_all(Path(sys.argv[1]), Path(sys.argv[2]), max_article_bytes=int(sys.argv[3]))
sys.exit(0 if result.success else 1)
"""


def refused(file: str, reason: str) -> tuple[str, str, str]:
    """A quarantine row (file, status, reason) of an entry that could not be read."""
    return (file, "refused", f"articles_are_readable: {file}, section '(file)', line 0: {reason}")


@pytest.fixture()
def raw(tmp_path, seed_text) -> Path:
    """The seed, its 2008 twin, and one odd entry of each kind beside them."""
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / SEED_NAME).write_text(seed_text)
    for year, name in [(2008, None), (2000, "locked.txt"), (1992, UNDECODABLE)]:
        default_name, text = article_for_year(seed_text, year)
        (folder / (name or default_name)).write_text(text)
    (folder / "locked.txt").chmod(0)
    os.mkfifo(folder / "pipe.txt")
    (folder / "folder.txt").mkdir()
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    name, text = article_for_year(seed_text, 1996)
    (folder / name).write_text(edit(text, "| Adair |", "6,367", HUGE))
    name, text = article_for_year(seed_text, 1988)
    (folder / name).write_text(text + "\n" + "Padding." * (LIMIT // 8))
    return folder


def test_each_odd_entry_refuses_one_file_and_the_others_publish(raw, tmp_path):
    assert not UNPRIVILEGED or shutil.which("setpriv"), "setpriv (util-linux) is needed as root"
    warehouse = tmp_path / "w.duckdb"
    load = subprocess.run(
        [*UNPRIVILEGED, sys.executable, "-c", LOAD, str(raw), str(warehouse), str(LIMIT)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,  # a load that waits on the pipe fails here instead of hanging
    )
    assert load.returncode == 0, load.stderr[-3000:]
    assert rows(warehouse, "SELECT year FROM dim_election ORDER BY year") == [(2004,), (2008,)]
    bush_1996 = "1996_United_States_presidential_election_in_Missouri.txt"
    assert rows(warehouse, "SELECT file, status, reason FROM quarantine ORDER BY file") == [
        refused(
            "1988_United_States_presidential_election_in_Missouri.txt",
            f"larger than {LIMIT:,} bytes, the limit of one article (ELECTIONS_MAX_ARTICLE_BYTES)",
        ),
        (
            bush_1996,
            "refused",
            f"articles_are_readable: {bush_1996}, section 'Results > By county', line 89: "
            f"column 'George W. Bush Republican #': '{HUGE}' is too large for a count "
            "(at most 9,223,372,036,854,775,807)",
        ),
        refused("bad\\xff.txt", "the file name is not UTF-8 (rename the file)"),
        refused("folder.txt", "not a regular file but a directory"),
        refused("locked.txt", "cannot be read: Permission denied"),
        refused("passwd.txt", "a symbolic link to /etc/passwd, outside the raw folder: not read"),
        refused("pipe.txt", "not a regular file but a named pipe (FIFO)"),
        refused("zero.txt", "a symbolic link to /dev/zero, outside the raw folder: not read"),
    ]
    # nothing of the file behind the link reached the warehouse
    assert rows(warehouse, "SELECT count(*) FROM article_versions WHERE text LIKE '%root:%'") == [
        (0,)
    ]


def test_a_link_inside_the_raw_folder_is_read(raw, seed_text):
    (raw / "alias.txt").symlink_to(raw / SEED_NAME)
    source = read_source(raw / "alias.txt")
    assert (source["file"], source["error"], source["text"]) == ("alias.txt", None, seed_text)


def test_the_sensor_notices_odd_entries_without_reading_them(raw):
    context = dg.build_sensor_context(
        instance=dg.DagsterInstance.ephemeral(),
        resources={"article_source": ArticleSource(raw_dir=str(raw), max_article_bytes=LIMIT)},
    )
    request = raw_folder_sensor(context)
    assert request.tags["elections/changes"] == "10 added"
    versions = {
        name: entry["sha256"] for name, entry in json.loads(context.cursor)["files"].items()
    }
    assert versions["pipe.txt"] == "not read: not a regular file but a named pipe (FIFO)"
    assert versions["zero.txt"] == (
        "not read: a symbolic link to /dev/zero, outside the raw folder: not read"
    )
    assert versions["bad\\xff.txt"] == "not read: the file name is not UTF-8 (rename the file)"
    assert len(versions[SEED_NAME]) == 64  # a SHA-256


def test_a_file_that_grows_while_it_is_read_is_read_to_its_end(tmp_path, monkeypatch):
    """The read asks for the size the file had a moment before, and one byte more: a file
    that grew meanwhile is read on, to its end or to the limit's byte."""
    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 1000)
    real_fstat = os.fstat

    def smaller(descriptor: int) -> os.stat_result:  # the size before it grew
        status = list(real_fstat(descriptor))
        status[6] = 400  # st_size
        return os.stat_result(status)

    monkeypatch.setattr(os, "fstat", smaller)
    assert read_article_bytes(path, 5000) == b"x" * 1000
    with pytest.raises(ArticleError, match="larger than 999 bytes"):
        read_article_bytes(path, 999)
