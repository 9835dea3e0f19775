"""The Dagster code location: every asset, resource and executor in one place."""

import os

import dagster as dg
import pyarrow as pa

from pipeline.assets import (
    ArrowFrames,
    ArticleSource,
    ReferenceReturns,
    Warehouse,
    article_files,
    county_maps,
    extracted_tables,
    warehouse,
)
from pipeline.automation import (
    draw_county_maps,
    maps_after_reload,
    nightly_reload,
    raw_folder_sensor,
    reload_warehouse,
)

# Defaults of the two settings; relative paths are read from the repository root.
# Setting the variables overrides them.
os.environ.setdefault("ELECTIONS_RAW_DIR", "raw")
os.environ.setdefault("ELECTIONS_WAREHOUSE", "warehouse/elections.duckdb")
os.environ.setdefault("ELECTIONS_REFERENCE_CSV", "")

# Arrow's default allocator keeps freed memory for reuse; with the system allocator a
# full rebuild of 3,000 articles peaks about 100 MB lower (docs/benchmarks.md).
pa.set_memory_pool(pa.system_memory_pool())

defs = dg.Definitions(
    assets=[article_files, extracted_tables, warehouse, county_maps],
    jobs=[reload_warehouse, draw_county_maps],
    sensors=[raw_folder_sensor, maps_after_reload],
    schedules=[nightly_reload],
    resources={
        "article_source": ArticleSource(raw_dir=dg.EnvVar("ELECTIONS_RAW_DIR")),
        "warehouse_file": Warehouse(path=dg.EnvVar("ELECTIONS_WAREHOUSE")),
        "reference_returns": ReferenceReturns(path=dg.EnvVar("ELECTIONS_REFERENCE_CSV")),
        "io_manager": ArrowFrames(),
    },
    # One process: the multiprocess executor spends ~12 s starting processes.
    executor=dg.in_process_executor,
)
