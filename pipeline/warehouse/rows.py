"""Stage 4a: the rows each article adds to the warehouse's tables, from its typed tables.

They are made where the article is checked (:mod:`pipeline.checks.by_state`), a group of
states at a time, and kept in the group's segment of the parse cache: a load then inserts
the rows of its new article versions as they are (:mod:`pipeline.warehouse.build`).
"""

import numpy as np
import pandas as pd

from pipeline.tables.extract import ElectionTables, each_label, national_party, party_family
from pipeline.tables.reference import all_states

STATES = all_states()
POSTAL_CODES = pd.Index([state.postal_code for state in STATES])
STATE_FIPS = np.array([state.fips for state in STATES], dtype=object)
STATE_NUMBERS = STATE_FIPS.astype("int64")


def state_fips(postal_codes: pd.Series) -> np.ndarray:
    """State FIPS codes of postal codes (a vectorized lookup)."""
    return STATE_FIPS[_state_positions(postal_codes)]


def _state_positions(postal_codes: pd.Series) -> np.ndarray:
    """Positions in :data:`STATES` of postal codes, looked up once per distinct code (a
    table names a few states in hundreds of thousands of rows)."""
    codes, distinct = pd.factorize(postal_codes, use_na_sentinel=False)
    return POSTAL_CODES.get_indexer(distinct)[codes]


def election_ids(frame: pd.DataFrame) -> np.ndarray:
    """Stable election key from the natural key: year * 100 + state FIPS (200429)."""
    return (
        frame["year"].to_numpy("int64") * 100 + STATE_NUMBERS[_state_positions(frame["state_po"])]
    )


def election_frames(tables: ElectionTables) -> dict[str, pd.DataFrame]:
    """The rows the given articles add to each table of ``sql/``, from their typed tables
    (the reference tables excluded). The parties and candidates they name come once per
    election, with its ``election_id`` (which the tables of names lack), so that the rows
    of some of the elections are their names too (see
    :meth:`pipeline.cache.Segment.warehouse_rows`)."""

    def keyed(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
        out = frame[[c for c in columns if c in frame]]  # copy-on-write: no data copied
        out.insert(0, "election_id", election_ids(frame))
        if "source_line" in columns:
            out["source_line"] = frame["line"].to_numpy()
        return out[["election_id", *columns]]

    parties = _names(
        "party",
        (tables.state_results, "party"),
        (tables.nominees, "party"),
        (tables.county_results, "party"),
        (tables.county_flips, "from_party"),
        (tables.county_flips, "to_party"),
    )
    parties["national_party"] = each_label(national_party, parties["party"])
    parties["family"] = each_label(party_family, parties["party"])
    candidates = _names(
        "candidate",
        *[
            (getattr(tables, table), "candidate")
            for table in (
                "state_results",
                "nominees",
                "county_results",
                "district_results",
                "fundraising",
                "electors",
            )
        ],
    )
    districts = pd.concat(
        [
            tables.district_results[["year", "state_po", "district", "district_label"]],
            tables.district_representatives[["year", "state_po", "district"]].assign(
                district_label=tables.district_representatives["district"].astype("str")
            ),
        ]
    ).drop_duplicates(["year", "state_po", "district"])
    elections = tables.elections
    return {
        "dim_election": elections.assign(
            election_id=election_ids(elections),
            source_file=elections["file"],
            source_sha256=elections["sha256"],
        )[
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
                "legislative_votes",
            ]
        ],
        "dim_party": keyed(parties, "party", "national_party", "family"),
        "dim_candidate": keyed(candidates, "candidate"),
        "dim_district": keyed(districts, "district", "district_label"),
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
            "legislative_votes",
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
        "fact_county_summary": keyed(
            tables.county_summaries.assign(
                state_fips=state_fips(tables.county_summaries["state_po"])
            ),
            "state_fips",
            "county",
            "county_fips",
            "margin_votes",
            "margin_pct",
            "total_votes",
            "source_line",
            "unit_type",
            "current_fips",
        ),
        "fact_county_result": keyed(
            tables.county_results,
            "county",
            "candidate",
            "party",
            "column_order",
            "votes",
            "pct",
            "source_line",
        ),
        "fact_district_result": keyed(
            tables.district_results,
            "district",
            "candidate",
            "pct",
            "source_line",
            "electoral_votes",
        ),
        "fact_district_representative": keyed(
            tables.district_representatives,
            "district",
            "ordinal",
            "representative",
            "source_line",
        ),
        "fact_elector": keyed(tables.electors, "ordinal", "elector", "source_line", "candidate"),
        "fact_prediction": keyed(tables.predictions, "source", "rating", "source_line"),
        "fact_county_flip": keyed(
            tables.county_flips, "county", "from_party", "to_party", "largest_city", "source_line"
        ),
        "fact_fundraising": keyed(tables.fundraising, "candidate", "raised_usd", "source_line"),
    }


def _names(column: str, *sources: tuple[pd.DataFrame, str]) -> pd.DataFrame:
    """The names the given columns of typed tables (table, column) hold, once per election
    (year, state_po) that names them, as ``column``. Rows are told apart by the number of
    their election and of their name (half the time of comparing the labels on the half a
    million rows of a by-county table)."""
    parts = [
        table.loc[table[name].notna(), ["year", "state_po", name]].rename(columns={name: column})
        for table, name in sources
    ]
    names = pd.concat(parts, ignore_index=True)
    codes, distinct = pd.factorize(names[column])
    named = pd.Index(election_ids(names) * len(distinct) + codes)
    return names[~named.duplicated()].reset_index(drop=True)
