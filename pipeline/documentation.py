"""Generated documentation, so that it cannot drift from the code: the data dictionary from
the warehouse's own comments, the check list from the rules' docstrings, the settings from
:mod:`pipeline.settings`, and every command output the README shows, from a real run.

``make docs`` rewrites the parts of the files of :data:`GENERATED` between
``<!-- BEGIN name -->`` and ``<!-- END name -->``; a test fails when they are out of date.
Outputs differ from run to run only in run ids and durations (see :func:`mask`).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from pipeline import settings
from pipeline.checks.rules import ERROR, INFO, all_rules
from pipeline.defs.assets import RAW_FOLDER_HAS_ARTICLES
from pipeline.warehouse.build import TABLES, VIEWS, create_schema


def tables_and_views() -> str:
    """Every view and table with its comment, and every column with its type and comment."""
    with duckdb.connect() as connection:
        create_schema(connection)
        comments = dict(
            connection.execute(
                "SELECT table_name, comment FROM duckdb_tables() UNION ALL "
                "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        )
        columns = connection.execute(
            "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
            "WHERE NOT internal ORDER BY table_name, column_index"
        ).fetchall()
        keys = connection.execute(
            "SELECT table_name, kind, columns, referenced_table, referenced_columns "
            "FROM table_keys ORDER BY table_name, kind = 'foreign key', kind, columns"
        ).fetchall()
    parts = []
    for kind, names in (("view", VIEWS), ("table", TABLES)):
        for name in names:
            parts.append(f"#### `{name}` ({kind})\n\n{comments[name]}\n")
            declared = [_key(*key[1:]) for key in keys if key[0] == name]
            if declared:
                parts.append(f"Keys (proven on each load): {'; '.join(declared)}.\n")
            parts.append("| column | type | meaning |\n| --- | --- | --- |")
            parts.extend(
                f"| `{column}` | {data_type} | {_cell(comment)} |"
                for table, column, data_type, comment in columns
                if table == name
            )
            parts.append("")
    return "\n".join(parts)


def _key(kind: str, columns: list[str], referenced: str | None, to: list[str] | None) -> str:
    """``primary key (election_id, county)``; ``(party) → dim_party (party)``."""
    listed = f"({', '.join(columns)})"
    if referenced is None:
        return f"{kind} {listed}"
    return f"{listed} → `{referenced}` ({', '.join(to)})"


def data_quality_checks() -> str:
    """Every data-quality check: the asset it guards, its severity and what it proves."""
    lines = ["| check | asset | severity | rule |", "| --- | --- | --- | --- |"]
    spec = RAW_FOLDER_HAS_ARTICLES
    lines.append(
        f"| `{spec.name}` | `{spec.asset_key.to_user_string()}` | ERROR, blocking "
        f"(stops the reload) | {_cell(spec.description)} |"
    )
    for rule in all_rules():
        consequence = {ERROR: " (refuses the article)", INFO: " (a note, never a failure)"}.get(
            rule.severity, ""
        )
        lines.append(
            f"| `{rule.name}` | `{rule.table}` | {rule.severity}{consequence} | "
            f"{_cell(rule.description)} |"
        )
    return "\n".join(lines) + "\n"


def settings_table() -> str:
    """Every setting with its default and meaning."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for setting in settings.SETTINGS.values():
        default = f"`{setting.default}`" if setting.default else "(empty)"
        lines.append(f"| `{setting.name}` | {default} | {_cell(setting.meaning)} |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Example:
    """A command the README shows with its output, as a reader types it in a checkout."""

    shown: str  # the command line shown after "$ "
    arguments: list[str]  # what ``elections`` is run with
    folder: str = "seed"  # "seed": raw/ as it is; "refused": the seed with one bad cell
    stdin: str = ""


FIRST_QUERY = "SELECT candidate, votes FROM state_results ORDER BY votes DESC LIMIT 2;"
EXAMPLES = {
    "output-run": Example("make run", ["run"]),
    "output-query": Example(f'echo "{FIRST_QUERY}" | make sql', ["sql"], stdin=FIRST_QUERY),
    "output-export": Example("make export", ["export"]),
    "output-refused": Example("make run", ["run"], folder="refused"),
    "output-help": Example("elections --help", ["--help"]),
}
# The refused example: the seed with Adair County's total changed from 11,404 to 11,504.
ADAIR = ("| Adair |", "11,404", "11,504")


@cache
def command_outputs(repo: Path) -> dict[str, str]:
    """Run every example in scratch folders laid out like a checkout (``raw/`` with the
    repository's articles; the default warehouse and instance) and keep what it prints."""
    outputs = {}
    with tempfile.TemporaryDirectory(prefix="elections-docs-") as scratch:
        folders = {"seed": Path(scratch) / "seed", "refused": Path(scratch) / "refused"}
        for folder in folders.values():
            shutil.copytree(repo / "raw", folder / "raw")
        (seed,) = (folders["refused"] / "raw").glob("2004_*_Missouri.txt")
        row, old, new = ADAIR
        text = seed.read_text()
        (line,) = [line for line in text.split("\n") if line.startswith(row)]
        seed.write_text(text.replace(line, line.replace(old, new)))
        environment = {
            name: value
            for name, value in os.environ.items()
            if name not in settings.SETTINGS and not name.startswith("PYTHON")
        }
        for name, example in EXAMPLES.items():
            done = subprocess.run(
                [sys.executable, "-m", "pipeline", *example.arguments],
                cwd=folders[example.folder],
                env=environment,
                input=example.stdin,
                capture_output=True,
                text=True,
            )
            outputs[name] = f"$ {example.shown}\n{done.stdout}"
    return outputs


def mask(text: str) -> str:
    """``text`` without what changes from one run to the next: run ids and durations."""
    text = re.sub(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "RUN", text)
    return re.sub(r"\b\d+\.\d s\b", "N s", text)


SECTIONS: dict[str, Callable[[Path], str]] = {
    "tables-and-views": lambda repo: tables_and_views(),
    "data-quality-checks": lambda repo: data_quality_checks(),
    "settings": lambda repo: settings_table(),
    **{
        name: (lambda repo, name=name: f"```console\n{command_outputs(repo)[name]}```\n")
        for name in EXAMPLES
    },
}
# Where each generated section lives, relative to the repository root.
GENERATED = {
    "README.md": ["settings", *EXAMPLES],
    "docs/data-dictionary.md": ["tables-and-views"],
    "docs/data-quality.md": ["data-quality-checks"],
}


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def render(text: str, names: list[str], repo: Path) -> str:
    """``text`` with the generated sections ``names`` rewritten (``repo``: the checkout)."""
    for name in names:
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", flags=re.S)
        if not pattern.search(text):
            raise ValueError(f"no '<!-- BEGIN {name} -->' section")
        generated = SECTIONS[name](repo)
        text = pattern.sub(lambda match, g=generated: match[1] + g + match[2], text)
    return text
