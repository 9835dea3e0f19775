"""Generated documentation: the data dictionary from the warehouse's own comments and the
check list from the rules' docstrings, so the documentation cannot drift from the code.

``make docs`` rewrites the parts of the files of :data:`GENERATED` between
``<!-- BEGIN name -->`` and ``<!-- END name -->``; a test fails when they are out of date.
"""

import re

import duckdb

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
    parts = []
    for kind, names in (("view", VIEWS), ("table", TABLES)):
        for name in names:
            parts.append(f"#### `{name}` ({kind})\n\n{comments[name]}\n")
            parts.append("| column | type | meaning |\n| --- | --- | --- |")
            parts.extend(
                f"| `{column}` | {data_type} | {_cell(comment)} |"
                for table, column, data_type, comment in columns
                if table == name
            )
            parts.append("")
    return "\n".join(parts)


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


SECTIONS = {"tables-and-views": tables_and_views, "data-quality-checks": data_quality_checks}


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


# Where each generated section lives, relative to the repository root.
GENERATED = {
    "docs/data-dictionary.md": ["tables-and-views"],
    "docs/data-quality.md": ["data-quality-checks"],
}


def render(text: str, names: list[str]) -> str:
    """``text`` with the generated sections ``names`` rewritten."""
    for name in names:
        generate = SECTIONS[name]
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", flags=re.S)
        if not pattern.search(text):
            raise ValueError(f"no '<!-- BEGIN {name} -->' section")
        text = pattern.sub(lambda match, g=generate: match[1] + g() + match[2], text)
    return text
