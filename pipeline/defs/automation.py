"""When reloads run: a job, a sensor on the raw folder and a nightly schedule.

The sensor keeps, as its cursor, the version (SHA-256) of every article file it last
saw; a new, changed or removed file makes exactly one run request. Files are hashed
again only when their size or modification time changed, so a tick over thousands of
unchanged files costs a directory listing.

Each tick of the sensor and of the schedule first marks failed the runs that a killed
process left STARTED (:func:`~pipeline.defs.runs.fail_abandoned_runs`): such a run would
hold the run queue's only slot, and no requested run would ever launch.
"""

import hashlib
import json
from pathlib import Path

import dagster as dg

from pipeline import settings
from pipeline.defs.assets import county_maps
from pipeline.defs.resources import ArticleSource
from pipeline.defs.runs import fail_abandoned_runs
from pipeline.text.article import ArticleError
from pipeline.text.source import article_paths, shown_name

# Runs are serialized by the instance's run queue (dagster.yaml: one run at a time) and,
# with CLI runs, by the instance's load lock (pipeline.defs.runs).
# The maps are not part of a reload: they follow it (county_maps is eager), so drawing
# a map per election never slows the warehouse down.
reload_warehouse = dg.define_asset_job(
    "reload_warehouse",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(county_maps),
    description="Rebuild the warehouse from every article of the raw folder.",
    executor_def=dg.in_process_executor,
)
draw_county_maps = dg.define_asset_job(
    "draw_county_maps",
    selection=dg.AssetSelection.assets(county_maps),
    description="Draw the county map of every election whose article changed.",
    executor_def=dg.in_process_executor,
)

SENSOR_INTERVAL_SECONDS = int(settings.get("ELECTIONS_SENSOR_INTERVAL"))

# Draws the maps of a reload once it is done (county_maps is eager on the warehouse).
maps_after_reload = dg.AutomationConditionSensorDefinition(
    "maps_after_reload",
    target=dg.AssetSelection.assets(county_maps),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    description="Draw the county maps after each reload of the warehouse.",
)


@dg.schedule(
    job=reload_warehouse,
    cron_schedule=settings.get("ELECTIONS_RELOAD_CRON"),
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Reload everything every night (cron in ELECTIONS_RELOAD_CRON, UTC).",
)
def nightly_reload(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    # A run killed earlier would hold the queue's only slot: this one could never start.
    fail_abandoned_runs(context.instance)
    return dg.RunRequest()


def scan_folder(folder: Path, known: dict[str, dict], article_source: ArticleSource) -> dict:
    """Size, modification time and SHA-256 of each article file, reusing the hashes of
    ``known`` files whose size and modification time have not changed. An entry that may
    not be read (:func:`~pipeline.text.source.read_article_bytes`) is never read: its
    version is the reason, so that a reload reports it once."""
    state = {}
    for path in article_paths(folder):
        try:
            status = path.stat()
        except OSError:  # a dangling link
            status = path.lstat()
        entry = {"size": status.st_size, "mtime_ns": status.st_mtime_ns}
        name = shown_name(path)
        previous = known.get(name)
        if previous and all(previous[key] == entry[key] for key in entry):
            entry["sha256"] = previous["sha256"]
        else:
            try:
                entry["sha256"] = hashlib.sha256(article_source.read_bytes(path)).hexdigest()
            except ArticleError as error:
                entry["sha256"] = f"not read: {error.reason}"
        state[name] = entry
    return state


def describe_changes(before: dict[str, dict], after: dict[str, dict]) -> dict[str, list[str]]:
    """Files added, changed (other content) and removed between two scans."""
    return {
        "added": sorted(set(after) - set(before)),
        "changed": sorted(
            name
            for name in set(after) & set(before)
            if after[name]["sha256"] != before[name]["sha256"]
        ),
        "removed": sorted(set(before) - set(after)),
    }


@dg.sensor(
    job=reload_warehouse,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reload when an article file of ELECTIONS_RAW_DIR is added, changed or removed.",
)
def raw_folder_sensor(context: dg.SensorEvaluationContext, article_source: ArticleSource):
    fail_abandoned_runs(context.instance)  # else a killed run holds the queue's only slot
    folder = article_source.folder()
    if not folder.is_dir():
        return dg.SkipReason(f"raw folder {folder} does not exist (ELECTIONS_RAW_DIR)")
    cursor = json.loads(context.cursor) if context.cursor else {"reloads": 0, "files": {}}
    state = scan_folder(folder, cursor["files"], article_source)
    changes = describe_changes(cursor["files"], state)
    new_cursor = {"reloads": cursor["reloads"], "files": state}
    if not any(changes.values()):
        context.update_cursor(json.dumps(new_cursor))
        return dg.SkipReason("no article file was added, changed or removed")
    new_cursor["reloads"] += 1
    context.update_cursor(json.dumps(new_cursor))
    summary = ", ".join(f"{len(files)} {kind}" for kind, files in changes.items() if files)
    return dg.RunRequest(
        run_key=f"raw-folder-change-{new_cursor['reloads']}",
        tags={"elections/changes": summary},
    )
