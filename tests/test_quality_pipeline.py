"""Data quality through Dagster: checks in the run's results, refused articles kept out of
(or kept at their last good version in) the warehouse, the quality history in SQL."""

import os
import shutil
import subprocess
import sys

import dagster as dg
import duckdb
import pytest

from pipeline.checks.rules import all_rules
from tests.conftest import PROJECT, SEED_NAME, edit, materialize_all

BAD_CELL = ("| Adair |", "| 11,404 |", "| 11,405 |")


def check_evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def count(path, sql):
    with duckdb.connect(str(path), read_only=True) as db:
        return db.execute(sql).fetchall()


@pytest.fixture()
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


def test_missing_raw_folder_fails_with_its_name(tmp_path):
    result = materialize_all(tmp_path / "missing", tmp_path / "w.duckdb")
    assert not result.success
    (failure,) = result.get_step_failure_events()
    assert (
        "missing does not exist (ELECTIONS_RAW_DIR)"
        in failure.step_failure_data.user_failure_data.description
    )
    assert not (tmp_path / "w.duckdb").exists()


def test_failing_check_shows_its_cells_in_dagster(raw, tmp_path, seed_text):
    (raw / SEED_NAME).write_text(edit(seed_text, *BAD_CELL))
    result = materialize_all(raw, tmp_path / "w.duckdb")
    evaluations = check_evaluations(result)
    failing = evaluations["county_columns_sum_to_total"]
    assert not failing.passed
    assert failing.severity == dg.AssetCheckSeverity.ERROR
    assert failing.asset_key == dg.AssetKey("county_results")
    assert failing.metadata["failures"].value == 1
    table = failing.metadata["failing cells"]  # a table the UI draws, with its schema
    assert [column.name for column in table.schema.columns] == [
        "file",
        "section",
        "row (line)",
        "row",
        "column",
        "published",
        "expected",
    ]
    assert [record.data for record in table.records] == [
        {
            "file": SEED_NAME,
            "section": "Results > By county",
            "row (line)": 89,
            "row": "Adair, 29001",
            "column": "Total",
            "published": "11,405",
            "expected": "11,404",
        }
    ]
    rounding = evaluations["county_percentages_rounding_drift"]
    assert (rounding.passed, rounding.severity, rounding.metadata["failures"].value) == (
        False,
        dg.AssetCheckSeverity.WARN,
        42,
    )
    assert evaluations["state_votes_sum_to_total"].passed


def test_refused_article_never_reaches_the_warehouse(raw, tmp_path, seed_text):
    (raw / SEED_NAME).write_text(edit(seed_text, *BAD_CELL))
    warehouse = tmp_path / "w.duckdb"
    assert materialize_all(raw, warehouse).success  # the run publishes what passed
    assert count(warehouse, "SELECT count(*) FROM dim_election") == [(0,)]
    assert count(warehouse, "SELECT count(*) FROM fact_county_result") == [(0,)]
    assert count(
        warehouse,
        "SELECT passed, failure_count, details[1].line, details[1].published "
        "FROM dq_check_results WHERE check_name = 'county_columns_sum_to_total'",
    ) == [(False, 1, 89, "11,405")]


def test_bad_new_version_keeps_the_last_good_one(raw, tmp_path, seed_text):
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)
    assert materialize_all(raw, warehouse).success
    (raw / SEED_NAME).write_text(edit(seed_text, *BAD_CELL))
    assert materialize_all(raw, warehouse).success
    assert count(
        warehouse,
        "SELECT votes FROM county_results WHERE county = 'Jackson' AND candidate = 'John Kerry'",
    ) == [(183654,)]
    assert count(
        warehouse, "SELECT total_votes FROM county_results WHERE county = 'Adair' LIMIT 1"
    ) == [(11404,)]
    quality = count(
        warehouse,
        "SELECT passed, articles_failed, failing_articles FROM data_quality "
        "WHERE check_name = 'county_columns_sum_to_total'",
    )
    assert quality == [(False, 1, [SEED_NAME])]
    runs = count(warehouse, "SELECT count(DISTINCT run_id) FROM dq_check_results")
    assert runs == [(2,)]  # the first load's evaluations are kept as history


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "the file is empty"), ("= x =\nGenevi\u00e8ve\n".encode("latin-1"), "not UTF-8 text")],
    ids=["empty", "latin-1"],
)
def test_unreadable_files_are_refused_by_name(raw, tmp_path, content, reason):
    (raw / "broken.txt").write_bytes(content)
    result = materialize_all(raw, tmp_path / "w.duckdb")
    readable = check_evaluations(result)["articles_are_readable"]
    assert not readable.passed
    (cell,) = rows(readable.metadata["failing cells"])
    assert cell["file"] == "broken.txt"
    assert reason in cell["expected"]


def test_empty_raw_folder_never_replaces_the_warehouse(raw, tmp_path, seed_text):
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)
    assert materialize_all(raw, warehouse).success
    (raw / SEED_NAME).unlink()
    result = materialize_all(raw, warehouse)
    assert not check_evaluations(result)["raw_folder_has_articles"].passed
    assert result.is_node_skipped("warehouse") or not result.is_node_success("warehouse")
    assert count(warehouse, "SELECT count(*) FROM dim_election") == [(1,)]


def run_cli(raw, tmp_path):
    env = {
        **os.environ,
        "ELECTIONS_RAW_DIR": str(raw),
        "ELECTIONS_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    (tmp_path / "dagster").mkdir(exist_ok=True)
    shutil.copyfile(PROJECT / "dagster.yaml", tmp_path / "dagster" / "dagster.yaml")
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "run"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_make_run_exits_non_zero_and_names_the_cell(raw, tmp_path, seed_text):
    (raw / SEED_NAME).write_text(edit(seed_text, *BAD_CELL))
    done = run_cli(raw, tmp_path)
    assert done.returncode == 1, done.stderr
    assert (
        f"    {SEED_NAME}, section 'Results > By county', line 89 (Adair, 29001), column 'Total': "
        "11,405 (expected 11,404)"
    ) in done.stdout
    assert "ERROR county_columns_sum_to_total (county_results): 1 cell(s)" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_make_run_on_the_seed(raw, tmp_path, seed_text):
    (raw / SEED_NAME).write_text(seed_text)
    done = run_cli(raw, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 article(s)" in done.stdout
    assert "checks: 36 passed, 2 warned, 0 failed, 1 skipped" in done.stdout
    assert (
        "  SKIPPED counties_match_reference: no reference file given (ELECTIONS_REFERENCE_CSV)"
        in done.stdout
    )


def test_findings_name_their_row_in_the_warehouse(raw, tmp_path, seed_text):
    (raw / SEED_NAME).write_text(edit(seed_text, *BAD_CELL))
    warehouse = tmp_path / "w.duckdb"
    materialize_all(raw, warehouse)
    assert count(
        warehouse,
        "SELECT status, unnest(details, recursive := true) FROM dq_check_results "
        "WHERE check_name IN ('county_columns_sum_to_total', 'county_totals_row_matches_sums') "
        "ORDER BY check_name",
    ) == [
        ("failed", "Results > By county", 89, "Adair, 29001", "Total", "11,405", "11,404"),
        ("failed", "Results > By county", 204, "Totals", "Total #", "2,731,364", "2,731,365"),
    ]


def test_a_check_without_a_reference_is_skipped_not_passed(raw, tmp_path, seed_text):
    (raw / SEED_NAME).write_text(seed_text)
    warehouse = tmp_path / "w.duckdb"
    result = materialize_all(raw, warehouse)
    assert "counties_match_reference" not in check_evaluations(result)  # Dagster: skipped
    assert count(
        warehouse,
        "SELECT status, passed, articles_checked, articles_skipped, skipped_because "
        "FROM data_quality WHERE check_name = 'counties_match_reference'",
    ) == [("skipped", False, 0, 1, "no reference file given (ELECTIONS_REFERENCE_CSV)")]


def test_one_election_twice_is_one_error(raw, tmp_path, seed_text):
    (raw / SEED_NAME).write_text(seed_text)
    (raw / "copy_of_the_seed.txt").write_text(seed_text)
    result = materialize_all(raw, tmp_path / "w.duckdb")
    errors = [
        e.check_name
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    assert errors == ["one_article_per_election"]
    done = run_cli(raw, tmp_path)
    error_lines = [line for line in done.stdout.splitlines() if line.startswith("    ")]
    assert error_lines == [
        f"    {SEED_NAME}, section '(lead)', line 1, column 'Title': 2004 United States "
        "presidential election in Missouri (expected one article per state and year; these "
        f"files describe the same: {SEED_NAME}, copy_of_the_seed.txt)"
    ]


def report_of(result: dg.ExecuteInProcessResult) -> dict[str, dg.MetadataValue]:
    (materialization,) = result.asset_materializations_for_node("data_quality_report")
    return materialization.metadata


def rows(value: dg.MetadataValue) -> list[dict]:
    return [record.data for record in value.records]


def test_quality_report_shows_new_failures_refusals_and_fixes(raw, tmp_path, seed_text):
    warehouse = tmp_path / "w.duckdb"
    (raw / SEED_NAME).write_text(seed_text)
    first = report_of(materialize_all(raw, warehouse))
    assert first["summary"].value == (
        f"{len(all_rules())} checks over 1 articles: 2 failing (0 ERROR), 1 skipped; 2 new "
        "failures and 0 fixed since the load before; 0 articles refused"
    )
    good_sha = count(warehouse, "SELECT source_sha256 FROM dim_election")[0][0]

    (raw / SEED_NAME).write_text(edit(seed_text, *BAD_CELL))
    second = report_of(materialize_all(raw, warehouse))
    assert [
        (r["check_name"], r["change"]) for r in rows(second["changes since the load before"])
    ] == [
        ("county_columns_sum_to_total", "new failure"),
        ("county_totals_row_matches_sums", "new failure"),
    ]
    (refused,) = rows(second["refused articles"])
    assert (refused["file"], refused["status"], refused["kept_sha256"]) == (
        SEED_NAME,
        "kept_previous",
        good_sha,
    )
    checks = {r["check_name"]: r for r in rows(second["checks × articles"])}
    assert (
        checks["county_columns_sum_to_total"]["failures"],
        checks["county_columns_sum_to_total"]["status"],
    ) == (1, "failed")
    assert checks["counties_match_reference"]["status"] == "skipped"

    (raw / SEED_NAME).write_text(seed_text)
    third = report_of(materialize_all(raw, warehouse))
    assert [
        (r["check_name"], r["change"]) for r in rows(third["changes since the load before"])
    ] == [
        ("county_columns_sum_to_total", "fixed"),
        ("county_totals_row_matches_sums", "fixed"),
    ]
    assert rows(third["refused articles"]) == []
