"""The repository needs nothing beside it: no code, test or benchmark reads a path outside
it (a user's clone has no ``shared/`` folder next to it), and every link stays inside."""

import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT

FOLDERS = ["pipeline", "tests", "benchmarks"]
# This file names the patterns it looks for, so it is the one file not read for them.
THIS = Path(__file__).resolve()
OUTSIDE = [
    (re.compile(r"\.\./+shared|[\"']shared[\"']|/shared/"), "the shared/ folder beside the repo"),
    (re.compile(r"(?<![\w.])/(?:work|home|root|mnt)/\w"), "an absolute path of one machine"),
]
PARENTS = re.compile(r"parents\[(\d+)\]")
CLIMB = re.compile(r"(?:\.\./)+")


def files() -> list[Path]:
    return sorted(
        path
        for folder in FOLDERS
        for path in (PROJECT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.resolve() != THIS
    )


def escapes(path: Path, text: str) -> list[str]:
    """What in ``text`` (the file at ``path``) reaches outside the repository."""
    depth = len(path.relative_to(PROJECT).parts) - 1  # folders between the root and the file
    found = [why for pattern, why in OUTSIDE if pattern.search(text)]
    found += [
        f"Path(__file__).parents[{match[1]}] is above the repository root"
        for match in PARENTS.finditer(text)
        if int(match[1]) > depth
    ]
    found += [
        f"'{match[0]}' climbs above the repository root"
        for match in CLIMB.finditer(text)
        if match[0].count("../") > depth
    ]
    return found


def test_no_file_reaches_outside_the_repository():
    found = {}
    for path in files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a binary file names no path
        if escapes(path, text):
            found[str(path.relative_to(PROJECT))] = escapes(path, text)
    assert found == {}


def test_every_link_points_inside_the_repository():
    links = [path for path in PROJECT.rglob("*") if path.is_symlink() and ".venv" not in path.parts]
    assert {str(link.relative_to(PROJECT)) for link in links} >= {
        "pipeline/sql",
        "pipeline/defs/dagster.yaml",
    }
    for link in links:
        assert link.resolve().is_relative_to(PROJECT), f"{link} points to {link.resolve()}"


@pytest.mark.parametrize(
    ("file", "text", "found"),
    [
        ("tests/x.py", 'Path(__file__).resolve().parents[2] / "shared"', 2),
        ("tests/x.py", "open('../../data.csv')", 1),
        ("benchmarks/x.py", "Path('/work/main/raw')", 1),
        ("tests/x.py", "Path(__file__).resolve().parents[1] / 'raw'", 0),
        ("pipeline/defs/x.py", "Path('../sql')", 0),
    ],
)
def test_the_scan_finds_what_leaves_the_repository(file, text, found):
    assert len(escapes(PROJECT / file, text)) == found
