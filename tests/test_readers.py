"""Readers in one process: connect() sees each newly published file, even while the
process holds a connection to the old one (docs/readers.md)."""

import duckdb
import pytest

from pipeline.warehouse import connect
from tests.conftest import SEED_NAME, materialize_all
from tests.test_reload import article_for_year

ELECTIONS = "SELECT count(*) FROM dim_election"


def count(connection: duckdb.DuckDBPyConnection) -> int:
    return connection.execute(ELECTIONS).fetchone()[0]


def test_one_process_holding_a_connection_sees_each_reload(tmp_path, seed_text):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / SEED_NAME).write_text(seed_text)
    warehouse = tmp_path / "w.duckdb"
    assert materialize_all(raw, warehouse).success
    held_plain = duckdb.connect(str(warehouse), read_only=True)
    held = connect(warehouse)
    for articles, year in [(2, 2008), (3, 2012)]:
        name, text = article_for_year(seed_text, year)
        (raw / name).write_text(text)
        assert materialize_all(raw, warehouse).success
        with connect(warehouse) as latest:
            assert count(latest) == articles
        # what connect() avoids: DuckDB hands this process its cached instance of the old file
        with duckdb.connect(str(warehouse), read_only=True) as cached:
            assert count(cached) == 1
    assert (count(held), count(held_plain)) == (1, 1)  # each keeps its snapshot
    held.close()
    held_plain.close()
    with duckdb.connect(str(warehouse), read_only=True) as reopened:
        assert count(reopened) == 3  # no connection left open: the cache let go


def test_connect_reads_the_warehouse_of_the_settings(seed_warehouse, monkeypatch):
    monkeypatch.setenv("ELECTIONS_WAREHOUSE", str(seed_warehouse))
    with connect() as db:
        assert db.execute("SELECT sum(votes) FROM state_results").fetchone()[0] == 2731364
        with pytest.raises(duckdb.Error, match="read-only"):
            db.execute("DELETE FROM fact_elector")


def test_connect_refuses_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no warehouse there"):
        connect(tmp_path / "missing.duckdb")
