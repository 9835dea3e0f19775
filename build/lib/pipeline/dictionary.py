"""The data dictionary: README sections generated from the warehouse's own comments and
from the check rules' docstrings, so the documentation cannot drift from the code.

``make docs`` rewrites the parts of README.md between ``<!-- BEGIN name -->`` and
``<!-- END name -->``; a test fails when they are out of date.
"""

import re

import duckdb

from pipeline.checks.rules import ERROR, all_rules
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
        consequence = " (refuses the article)" if rule.severity == ERROR else ""
        lines.append(
            f"| `{rule.name}` | `{rule.table}` | {rule.severity}{consequence} | "
            f"{_cell(rule.description)} |"
        )
    return "\n".join(lines) + "\n"


SECTIONS = {"tables-and-views": tables_and_views, "data-quality-checks": data_quality_checks}


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def render(readme: str) -> str:
    """README text with every generated section rewritten."""
    for name, generate in SECTIONS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", flags=re.S)
        if not pattern.search(readme):
            raise ValueError(f"README.md has no '<!-- BEGIN {name} -->' section")
        readme = pattern.sub(lambda match, g=generate: match[1] + g() + match[2], readme)
    return readme
