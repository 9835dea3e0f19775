"""The physical floors of a load, each measured on the corpus the benchmark runs on: what
no implementation of this pipeline can avoid, so that `make bench` can say how far the
project is from them (issue 13's yardstick).

- imports: the interpreter starting, importing the four libraries the pipeline stands on,
  and exiting;
- reading the article files;
- a minimal pipe-table tokenizer: every table line split into stripped cells;
- pandera validating every typed table;
- DuckDB ingesting the final tables from Arrow without keys (``CREATE TABLE AS``);
- a no-op Dagster job of the project's shape: the same assets, outputs and checks, doing
  nothing, run in process.
"""

import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.checks.rules import all_rules
from pipeline.tables.extract import ElectionTables
from pipeline.tables.schemas import ASSET_TABLES, MODELS

IMPORTS = "import dagster, duckdb, pandas, pandera.pandas"


def imports() -> float:
    """A child interpreter importing Dagster, DuckDB, pandas and pandera, start to exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", IMPORTS], check=True)
    return time.perf_counter() - start


def read_files(paths: list[Path]) -> list[bytes]:
    return [path.read_bytes() for path in paths]


def tokenize(texts: list[str]) -> int:
    """Split every pipe-table line into its stripped cells; the number of cells."""
    cells = 0
    for text in texts:
        for line in text.split("\n"):
            if line.startswith("|"):
                cells += len([cell.strip() for cell in line.strip("|").split("|")])
    return cells


def validate(tables: ElectionTables) -> None:
    """pandera's checks of every typed table (collecting every failure, as the rules do)."""
    for name in MODELS:
        MODELS[name].validate(getattr(tables, name), lazy=True)


def ingest(frames: dict[str, pd.DataFrame], path: Path) -> float:
    """DuckDB creating one key-less table per final frame from Arrow, then a checkpoint;
    the Arrow conversion is not timed."""
    arrow = {
        name: pa.Table.from_pandas(frame, preserve_index=False) for name, frame in frames.items()
    }
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    with duckdb.connect(str(path)) as connection:
        for name, table in arrow.items():
            connection.register("arrow_table", table)
            connection.execute(f"CREATE TABLE {name} AS SELECT * FROM arrow_table")
            connection.unregister("arrow_table")
        connection.execute("CHECKPOINT")
    return time.perf_counter() - start


def noop_job() -> float:
    """The project's asset graph (article files → the extracted tables with every check →
    warehouse → quality report), each asset doing nothing, materialized in process."""

    @dg.asset
    def article_files() -> None:
        return None

    outs = {name: dg.AssetOut() for name in [*ASSET_TABLES, "quality_findings", "quality_verdicts"]}
    specs = [dg.AssetCheckSpec(rule.name, asset=rule.table) for rule in all_rules()]

    @dg.multi_asset(outs=outs, check_specs=specs, deps=[article_files])
    def extracted_tables():
        for name in outs:
            yield dg.Output(None, output_name=name)
        for spec in specs:
            yield dg.AssetCheckResult(asset_key=spec.asset_key, check_name=spec.name, passed=True)

    @dg.asset(deps=list(outs))
    def warehouse() -> None:
        return None

    @dg.asset(deps=[warehouse])
    def data_quality_report() -> None:
        return None

    assets = [article_files, extracted_tables, warehouse, data_quality_report]
    start = time.perf_counter()
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize_to_memory(assets, instance=instance)
    assert result.success
    return time.perf_counter() - start
