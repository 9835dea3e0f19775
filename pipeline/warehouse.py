"""Stage 4: typed tables → the DuckDB warehouse analysts query.

The schema lives in ``sql/``, one file per table or view. A load never writes into the
live file: it builds a complete new database beside it, checkpoints and closes it, and
renames it over the live file, so a reader sees either the old warehouse or the new
one, never a half-written one.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import PROJECT_ROOT
from pipeline.extract import ElectionTables
from pipeline.reference import all_states

SQL_DIR = PROJECT_ROOT / "sql"

# Creation order: every table after the tables it references, views last.
TABLES = [
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
]
VIEWS = [
    "state_results",
    "county_results",
    "district_results",
    "district_representatives",
    "electors",
    "predictions",
    "county_flips",
]
STAGING_SUFFIX = ".staging"


def election_ids(frame: pd.DataFrame) -> pd.Series:
    """Stable election key from the natural key: year * 100 + state FIPS (200429)."""
    fips = {state.postal_code: int(state.fips) for state in all_states()}
    return (frame["year"] * 100 + frame["state_po"].map(fips)).astype("int64")


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


def build_warehouse(tables: ElectionTables, path: Path) -> dict[str, int]:
    """Write a complete warehouse into a new file at ``path``; return rows per table."""
    frames = warehouse_frames(tables)
    with duckdb.connect(str(path)) as connection:
        create_schema(connection)
        connection.execute("BEGIN TRANSACTION")
        for name in TABLES:
            frame = frames[name]  # noqa: F841 (read by DuckDB's replacement scan)
            connection.execute(f"INSERT INTO {name} BY NAME SELECT * FROM frame")
        connection.execute("COMMIT")
        connection.execute("CHECKPOINT")
        return {
            name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in TABLES + VIEWS
        }


def publish_warehouse(tables: ElectionTables, live: Path) -> dict[str, int]:
    """Build the warehouse beside ``live`` and rename it over ``live`` in one step."""
    live.parent.mkdir(parents=True, exist_ok=True)
    remove_staging_leftovers(live)
    staging = live.with_name(f"{live.name}.{uuid.uuid4().hex}{STAGING_SUFFIX}")
    try:
        counts = build_warehouse(tables, staging)
        os.replace(staging, live)
    finally:
        for leftover in (staging, staging.with_name(staging.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return counts


def remove_staging_leftovers(live: Path) -> None:
    """Delete staging files a killed run left beside the live warehouse."""
    for leftover in live.parent.glob(f"{live.name}.*{STAGING_SUFFIX}*"):
        leftover.unlink(missing_ok=True)
