"""The code location in Dagster's project layout: `dg check defs` loads it, and it holds
every asset, check, job, sensor and schedule the pipeline needs."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipeline.definitions import defs
from tests.conftest import PROJECT


def test_dg_check_defs_passes(tmp_path):
    shutil.copyfile(PROJECT / "dagster.yaml", tmp_path / "dagster.yaml")  # telemetry off
    done = subprocess.run(
        [Path(sys.executable).with_name("dg"), "check", "defs"],
        cwd=PROJECT,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All definitions loaded successfully." in done.stdout


def test_the_code_location_holds_the_reload_and_its_automation():
    repository = defs.get_repository_def()
    assert sorted(
        job.name for job in repository.get_all_jobs() if not job.name.startswith("__")
    ) == [
        "draw_county_maps",
        "reload_warehouse",
    ]
    assert sorted(sensor.name for sensor in repository.sensor_defs) == [
        "maps_after_reload",
        "raw_folder_sensor",
    ]
    assert [schedule.name for schedule in repository.schedule_defs] == ["nightly_reload"]
    assert sorted(key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()) == [
        "article_files",
        "county_flips",
        "county_maps",
        "county_results",
        "county_summaries",
        "county_table_totals",
        "data_quality_report",
        "district_representatives",
        "district_results",
        "elections",
        "electors",
        "fundraising",
        "nominees",
        "predictions",
        "quality_findings",
        "quality_verdicts",
        "state_results",
        "warehouse",
    ]
