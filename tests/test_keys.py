"""The warehouse's keys: declared beside each table in sql/ (rows of table_keys), proven
on every load before the swap, and a load that breaks one is not published."""

import shutil

import duckdb
import pytest

from pipeline.warehouse.build import TABLES
from pipeline.warehouse.keys import key_violations
from pipeline.warehouse.publish import WarehouseRefused, verify_warehouse


def test_fact_county_result_declares_its_keys(seed_db):
    keys = seed_db.execute(
        "SELECT kind, columns, referenced_table, referenced_columns FROM table_keys "
        "WHERE table_name = 'fact_county_result' ORDER BY ALL"
    ).fetchall()
    assert keys == [
        ("foreign key", ["candidate"], "dim_candidate", ["candidate"]),
        ("foreign key", ["election_id"], "dim_election", ["election_id"]),
        (
            "foreign key",
            ["election_id", "county"],
            "fact_county_summary",
            ["election_id", "county"],
        ),
        ("foreign key", ["party"], "dim_party", ["party"]),
        ("primary key", ["election_id", "county", "candidate"], None, None),
    ]


def test_every_star_table_has_one_primary_key_of_not_null_columns(seed_db):
    star = [name for name in TABLES if name.startswith(("dim_", "fact_"))]
    primary = dict(
        seed_db.execute(
            "SELECT table_name, list(columns) FROM table_keys WHERE kind = 'primary key' "
            "GROUP BY ALL"
        ).fetchall()
    )
    assert sorted(name for name in star if len(primary.get(name, [])) != 1) == []
    nullable = seed_db.execute(
        """WITH keyed AS (
               SELECT table_name, unnest(columns) AS column_name FROM table_keys
               WHERE kind = 'primary key')
           SELECT table_name, column_name FROM keyed
           JOIN duckdb_columns() c USING (table_name, column_name) WHERE c.is_nullable"""
    ).fetchall()
    assert nullable == []


def test_every_key_names_columns_that_exist(seed_db):
    missing = seed_db.execute(
        """WITH named AS (
               SELECT table_name, unnest(columns) AS column_name FROM table_keys
               UNION ALL
               SELECT referenced_table, unnest(referenced_columns) FROM table_keys
               WHERE kind = 'foreign key')
           SELECT n.* FROM named n ANTI JOIN duckdb_columns() c USING (table_name, column_name)"""
    ).fetchall()
    assert missing == []


def test_the_seed_warehouse_keeps_every_key(seed_db):
    assert seed_db.execute("SELECT count(*) FROM table_keys").fetchone()[0] == 51
    assert key_violations(seed_db) == []


@pytest.fixture()
def broken_copy(seed_warehouse, tmp_path):
    """A copy of the seed warehouse with one county row twice and one orphan party."""
    path = tmp_path / "broken.duckdb"
    shutil.copyfile(seed_warehouse, path)
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "INSERT INTO fact_county_result SELECT * FROM fact_county_result "
            "WHERE county = 'Adair' AND column_order = 1"
        )
        connection.execute(
            "UPDATE fact_state_result SET party = 'Whig' WHERE candidate = 'Michael Badnarik'"
        )
    return path


def test_a_broken_key_is_named_with_its_values(broken_copy):
    with duckdb.connect(str(broken_copy), read_only=True) as connection:
        assert key_violations(connection) == [
            "fact_county_result: 1 values of its primary key (election_id, county, candidate) "
            "are held by more than one row, e.g. (200429, 'Adair', 'George W. Bush')",
            "fact_state_result: 1 rows have a (party) that is not in dim_party, e.g. ('Whig',)",
        ]


def test_a_warehouse_that_breaks_a_key_is_not_published(broken_copy):
    with duckdb.connect(str(broken_copy), read_only=True) as connection:
        counts = {
            name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in TABLES
        }
    with pytest.raises(WarehouseRefused, match=r"breaks its keys.*\nfact_county_result: 1 values"):
        verify_warehouse(broken_copy, counts)
