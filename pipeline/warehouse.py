"""Stage 4: typed tables → the DuckDB warehouse analysts query.

The schema lives in ``sql/``, one file per table or view. A load never writes into the
live file: it builds a complete new database beside it, checkpoints and closes it, and
renames it over the live file, so a reader sees either the old warehouse or the new
one, never a half-written one.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import PROJECT_ROOT
from pipeline.checks import (
    ARTICLES_ARE_READABLE,
    ERROR,
    all_rules,
    describe_finding,
    evaluate,
    refused_files,
)
from pipeline.extract import ElectionTables, extract_articles
from pipeline.reference import all_states

SQL_DIR = PROJECT_ROOT / "sql"

# Creation order: every table after the tables it references, views last.
TABLES = [
    "article_versions",
    "dim_state",
    "dim_election",
    "dim_party",
    "dim_candidate",
    "dim_county",
    "dim_district",
    "fact_state_result",
    "fact_nominee",
    "fact_county_result",
    "fact_county_summary",
    "fact_district_result",
    "fact_district_representative",
    "fact_elector",
    "fact_prediction",
    "fact_county_flip",
    "fact_fundraising",
    "dq_check_results",
]
VIEWS = [
    "state_results",
    "county_results",
    "district_results",
    "district_representatives",
    "electors",
    "predictions",
    "county_flips",
    "data_quality",
]
STAGING_SUFFIX = ".staging"


def election_ids(frame: pd.DataFrame) -> pd.Series:
    """Stable election key from the natural key: year * 100 + state FIPS (200429)."""
    fips = {state.postal_code: int(state.fips) for state in all_states()}
    return frame["year"].astype("int64") * 100 + frame["state_po"].map(fips).astype("int64")


def warehouse_frames(tables: ElectionTables) -> dict[str, pd.DataFrame]:
    """The rows of every warehouse table, named as in ``sql/``, from the typed tables."""
    states = pd.DataFrame(
        [(s.fips, s.name, s.postal_code) for s in all_states()],
        columns=["state_fips", "state", "state_po"],
    )
    fips_of = dict(zip(states["state_po"], states["state_fips"], strict=True))

    def keyed(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
        out = frame.assign(election_id=election_ids(frame), source_line=frame["line"])
        return out[["election_id", *columns]]

    elections = tables.elections.assign(
        election_id=election_ids(tables.elections),
        source_file=tables.elections["file"],
        source_sha256=tables.elections["sha256"],
    )
    counties = tables.county_summaries.drop_duplicates(["state_po", "county"])
    counties = counties.assign(state_fips=counties["state_po"].map(fips_of))
    parties = pd.concat(
        [
            tables.state_results["party"],
            tables.nominees["party"],
            tables.county_results["party"],
            tables.county_flips["from_party"],
            tables.county_flips["to_party"],
        ]
    ).dropna()
    candidates = pd.concat(
        [
            tables.state_results["candidate"],
            tables.nominees["candidate"],
            tables.county_results["candidate"],
            tables.district_results["candidate"],
            tables.fundraising["candidate"],
        ]
    ).dropna()
    districts = pd.concat(
        [
            tables.district_results[["year", "state_po", "district", "district_label"]],
            tables.district_representatives[["year", "state_po", "district"]].assign(
                district_label=tables.district_representatives["district"].astype("string")
            ),
        ]
    ).drop_duplicates(["year", "state_po", "district"])

    def with_state(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(state_fips=frame["state_po"].map(fips_of))

    return {
        "dim_state": states,
        "dim_election": elections[
            [
                "election_id",
                "year",
                "state_fips",
                "title",
                "election_date",
                "electoral_votes",
                "total_votes",
                "total_pct",
                "turnout_pct",
                "turnout_basis",
                "previous_year",
                "next_year",
                "source_file",
                "source_sha256",
            ]
        ],
        "dim_party": pd.DataFrame({"party": sorted(set(parties))}),
        "dim_candidate": pd.DataFrame({"candidate": sorted(set(candidates))}),
        "dim_county": counties[["state_fips", "county", "county_fips"]],
        "dim_district": keyed(districts.assign(line=0), "district", "district_label"),
        "fact_state_result": keyed(
            tables.state_results,
            "candidate",
            "party",
            "ballot_order",
            "votes",
            "pct",
            "electoral_votes",
            "incumbent",
            "source_line",
        ),
        "fact_nominee": keyed(
            tables.nominees,
            "ordinal",
            "candidate",
            "party",
            "home_state",
            "running_mate",
            "electoral_votes",
            "popular_votes",
            "pct",
            "source_line",
        ),
        "fact_county_result": keyed(
            with_state(tables.county_results),
            "state_fips",
            "county",
            "candidate",
            "party",
            "column_order",
            "votes",
            "pct",
            "source_line",
        ),
        "fact_county_summary": keyed(
            with_state(tables.county_summaries),
            "state_fips",
            "county",
            "margin_votes",
            "margin_pct",
            "total_votes",
            "source_line",
        ),
        "fact_district_result": keyed(
            tables.district_results, "district", "candidate", "pct", "source_line"
        ),
        "fact_district_representative": keyed(
            tables.district_representatives,
            "district",
            "ordinal",
            "representative",
            "source_line",
        ),
        "fact_elector": keyed(tables.electors, "ordinal", "elector", "source_line"),
        "fact_prediction": keyed(tables.predictions, "source", "rating", "source_line"),
        "fact_county_flip": keyed(
            with_state(tables.county_flips),
            "state_fips",
            "county",
            "from_party",
            "to_party",
            "largest_city",
            "source_line",
        ),
        "fact_fundraising": keyed(tables.fundraising, "candidate", "raised_usd", "source_line"),
    }


def create_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Run the DDL of ``sql/``: tables in dependency order, then the analyst views."""
    for name in TABLES + VIEWS:
        connection.execute((SQL_DIR / f"{name}.sql").read_text())


@dataclass
class PublishReport:
    """What a load published: rows per table and view, and the refused articles."""

    counts: dict[str, int]
    refused: pd.DataFrame  # file, reason, kept_version


# One row per article and check of this run, with the article's failing cells.
QUALITY_ROWS = """
INSERT INTO dq_check_results
SELECT $run_id, $evaluated_at, e.article, e.check_name, e.asset, e.severity,
       count(f."check") = 0, count(f."check"),
       coalesce(
           list({'section': f.section, 'line': f.line, 'column': f."column",
                 'published': f.published, 'expected': f.expected} ORDER BY f.line)
               FILTER (WHERE f."check" IS NOT NULL)[1:100],
           [])
FROM evaluations e
LEFT JOIN findings f ON f.file = e.article AND f."check" = e.check_name
GROUP BY ALL
"""


def publish_warehouse(
    tables: ElectionTables,
    findings: pd.DataFrame,
    files: pd.DataFrame,
    live: Path,
    run_id: str,
) -> PublishReport:
    """Build the new warehouse beside ``live`` and rename it over ``live`` in one step.

    Articles with an ERROR finding are left out; where the live warehouse holds an
    earlier version of such an article that still passes every rule, that version is
    published again, so a bad edit never removes an election analysts had.
    """
    live.parent.mkdir(parents=True, exist_ok=True)
    remove_staging_leftovers(live)
    staging = live.with_name(f"{live.name}.{uuid.uuid4().hex}{STAGING_SUFFIX}")
    try:
        report = build_warehouse(tables, findings, files, staging, live, run_id)
        os.replace(staging, live)
    finally:
        for leftover in (staging, staging.with_name(staging.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return report


def build_warehouse(
    tables: ElectionTables,
    findings: pd.DataFrame,
    files: pd.DataFrame,
    path: Path,
    previous: Path | None,
    run_id: str,
) -> PublishReport:
    """Write a complete warehouse into the new file ``path``."""
    refused = refused_files(findings)
    accepted = tables.select(refused, keep=False)
    versions = files[files["file"].isin(accepted.elections["file"])][
        ["sha256", "file", "bytes", "text"]
    ]
    with duckdb.connect(str(path)) as connection:
        create_schema(connection)
        has_previous = previous is not None and previous.exists()
        if has_previous:
            connection.execute("ATTACH ? AS previous (READ_ONLY)", [str(previous)])
        kept_versions = _previous_versions(connection, refused) if has_previous else versions[:0]
        kept = _passing(kept_versions)
        published = ElectionTables.concat([accepted, kept])
        versions = pd.concat(
            [versions, kept_versions[kept_versions["file"].isin(kept.elections["file"])]]
        )
        frames = {"article_versions": versions, **warehouse_frames(published)}
        connection.execute("BEGIN TRANSACTION")
        for name in TABLES:
            if name in frames:
                frame = frames[name]  # noqa: F841 (read by DuckDB's replacement scan)
                connection.execute(f"INSERT INTO {name} BY NAME SELECT * FROM frame")
        evaluations = _evaluations(tables, files)  # noqa: F841 (read by QUALITY_ROWS)
        connection.execute(QUALITY_ROWS, {"run_id": run_id, "evaluated_at": datetime.now(UTC)})
        if has_previous and _has_table(connection, "previous", "dq_check_results"):
            connection.execute(
                "INSERT INTO dq_check_results BY NAME SELECT * FROM previous.dq_check_results"
            )
        connection.execute("COMMIT")
        if has_previous:
            connection.execute("DETACH previous")
        connection.execute("CHECKPOINT")
        counts = {
            name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in TABLES + VIEWS
        }
    return PublishReport(counts, _refusals(findings, refused, kept_versions, kept))


def _has_table(connection: duckdb.DuckDBPyConnection, database: str, table: str) -> bool:
    return bool(
        connection.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
            [database, table],
        ).fetchone()[0]
    )


def _previous_versions(connection: duckdb.DuckDBPyConnection, files: list[str]) -> pd.DataFrame:
    """The published versions of ``files`` in the live warehouse (none if it predates them)."""
    columns = ["sha256", "file", "bytes", "text"]
    if not files or not _has_table(connection, "previous", "article_versions"):
        return pd.DataFrame(columns=columns)
    return connection.execute(
        """
        SELECT v.sha256, v.file, v.bytes, v.text
        FROM previous.article_versions v
        JOIN previous.dim_election e ON e.source_sha256 = v.sha256
        WHERE v.file IN (SELECT unnest($files))
        """,
        {"files": files},
    ).df()


def _passing(versions: pd.DataFrame) -> ElectionTables:
    """Tables of the given article versions that pass every ERROR rule today."""
    sources = versions.assign(error=None, error_line=None)
    tables, unreadable = extract_articles(sources)
    refused = refused_files(evaluate(tables, unreadable))
    return tables.select(refused, keep=False)


def _evaluations(tables: ElectionTables, files: pd.DataFrame) -> pd.DataFrame:
    """Every (article, check) pair this run evaluated: readability for every file, the
    other rules for every article that could be read."""
    rules = pd.DataFrame(
        [(rule.name, rule.table, rule.severity) for rule in all_rules()],
        columns=["check_name", "asset", "severity"],
    )
    readable = rules["check_name"] == ARTICLES_ARE_READABLE.name
    return pd.concat(
        [
            files[["file"]].merge(rules[readable], how="cross"),
            tables.elections[["file"]].merge(rules[~readable], how="cross"),
        ],
        ignore_index=True,
    ).rename(columns={"file": "article"})


def _refusals(
    findings: pd.DataFrame, refused: list[str], versions: pd.DataFrame, kept: ElectionTables
) -> pd.DataFrame:
    """One line per refused article: its first ERROR and the version still published."""
    errors = findings[(findings["severity"] == ERROR) & findings["file"].isin(refused)]
    first = errors.drop_duplicates("file").set_index("file")
    kept_sha = kept.elections.set_index("file")["sha256"]
    return pd.DataFrame(
        {
            "file": refused,
            "reason": [
                f"{row.check}: {describe_finding(row)}"
                for row in first.reset_index()
                .set_index("file", drop=False)
                .loc[refused]
                .itertuples()
            ],
            "kept_version": [kept_sha.get(file) for file in refused],
        },
        columns=["file", "reason", "kept_version"],
    )


def remove_staging_leftovers(live: Path) -> None:
    """Delete staging files a killed run left beside the live warehouse."""
    for leftover in live.parent.glob(f"{live.name}.*{STAGING_SUFFIX}*"):
        leftover.unlink(missing_ok=True)
