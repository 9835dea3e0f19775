"""The Dagster code location: every asset, check, job, sensor, schedule and resource, in one
``Definitions`` object built from ``pipeline/defs/``."""

import dagster as dg
import pyarrow as pa

from pipeline import settings
from pipeline.defs.assets import (
    article_files,
    county_maps,
    data_quality_report,
    extracted_tables,
    warehouse,
)
from pipeline.defs.automation import (
    draw_county_maps,
    maps_after_reload,
    nightly_reload,
    raw_folder_sensor,
    reload_warehouse,
)
from pipeline.defs.resources import ArticleSource, ReferenceReturns, RunFrames, Warehouse
from pipeline.defs.runs import LoadSlot

# A code server started without the CLI (`dg dev` by hand, a deployment's own workspace)
# reads the same defaults the CLI would give it.
settings.apply()

# Arrow's default allocator keeps freed memory for reuse; with the system allocator a
# full rebuild of 3,000 articles peaks about 100 MB lower (docs/benchmarks.md).
pa.set_memory_pool(pa.system_memory_pool())

defs = dg.Definitions(
    assets=[article_files, extracted_tables, warehouse, data_quality_report, county_maps],
    jobs=[reload_warehouse, draw_county_maps],
    sensors=[raw_folder_sensor, maps_after_reload],
    schedules=[nightly_reload],
    resources={
        "article_source": ArticleSource(
            raw_dir=dg.EnvVar("ELECTIONS_RAW_DIR"),
            max_article_bytes=dg.EnvVar.int("ELECTIONS_MAX_ARTICLE_BYTES"),
        ),
        "warehouse_file": Warehouse(
            path=dg.EnvVar("ELECTIONS_WAREHOUSE"),
            history_loads=dg.EnvVar.int("ELECTIONS_HISTORY_LOADS"),
        ),
        "reference_returns": ReferenceReturns(path=dg.EnvVar("ELECTIONS_REFERENCE_CSV")),
        "io_manager": RunFrames(),
        "load_slot": LoadSlot(),
    },
    # One process: the multiprocess executor spends ~12 s starting processes.
    executor=dg.in_process_executor,
)
