"""Dagster assets: thin wrappers that run each stage and describe its output in the UI.

article files (raw/) → extracted tables (one asset per table) → warehouse (DuckDB).
"""

import hashlib
from pathlib import Path

import dagster as dg
import pandas as pd

from pipeline import PROJECT_ROOT
from pipeline.article import ArticleError, read_article
from pipeline.extract import ElectionTables, extract_tables
from pipeline.warehouse import publish_warehouse

SOURCE_GROUP = "source"
EXTRACTED_GROUP = "extracted"
WAREHOUSE_GROUP = "warehouse"

TABLE_DESCRIPTIONS = {
    "elections": "One row per article: year, state, date, totals and turnout.",
    "nominees": "Nominees of each article's infobox with the figures it gives.",
    "state_results": "Candidate rows of each statewide results table.",
    "county_results": "One row per county and candidate column of each by-county table.",
    "county_summaries": "Margin and total of each county of each by-county table.",
    "county_table_totals": "The 'Totals' row of each by-county table, one row per column.",
    "district_results": "Percentage of each candidate in each congressional district.",
    "district_representatives": "Representatives of each congressional district.",
    "electors": "Members of the Electoral College, from the numbered electors list.",
    "predictions": "News organizations' ratings, empty ratings as NULL.",
    "county_flips": "Counties listed as flipped from one party to another.",
    "fundraising": "Money raised per candidate, from the Fundraising section's prose.",
}


def project_path(setting: str) -> Path:
    """A path setting; a relative one is relative to the repository root."""
    return PROJECT_ROOT / setting


class ArticleSource(dg.ConfigurableResource):
    """The folder of article files (``ELECTIONS_RAW_DIR``)."""

    raw_dir: str

    def paths(self) -> list[Path]:
        folder = project_path(self.raw_dir)
        if not folder.is_dir():
            raise dg.Failure(f"raw folder {folder} does not exist (ELECTIONS_RAW_DIR)")
        return sorted(folder.glob("*.txt"))


class Warehouse(dg.ConfigurableResource):
    """The DuckDB file analysts query (``ELECTIONS_WAREHOUSE``)."""

    path: str


def table_metadata(frame: pd.DataFrame) -> dict[str, dg.MetadataValue]:
    """Row count, column schema and a preview, for an asset's page in the UI."""
    schema = dg.TableSchema(
        columns=[dg.TableColumn(name, str(dtype)) for name, dtype in frame.dtypes.items()]
    )
    preview = frame.drop(columns=["file"], errors="ignore").head(10)
    return {
        "dagster/row_count": dg.MetadataValue.int(len(frame)),
        "dagster/column_schema": dg.MetadataValue.table_schema(schema),
        "preview": dg.MetadataValue.md(
            preview.to_markdown(index=False) if len(preview) else "(no rows)"
        ),
    }


@dg.asset(group_name=SOURCE_GROUP, kinds={"text"})
def article_files(context: dg.AssetExecutionContext, article_source: ArticleSource) -> pd.DataFrame:
    """Article files of the raw folder with the SHA-256 of their bytes (the article version)."""
    rows = []
    for path in article_source.paths():
        data = path.read_bytes()
        rows.append(
            {
                "file": path.name,
                "path": str(path.resolve()),
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    files = pd.DataFrame(rows, columns=["file", "path", "bytes", "sha256"])
    context.add_output_metadata(table_metadata(files))
    return files


@dg.multi_asset(
    outs={
        name: dg.AssetOut(description=description, group_name=EXTRACTED_GROUP, kinds={"pandas"})
        for name, description in TABLE_DESCRIPTIONS.items()
    },
    ins={"article_files": dg.AssetIn()},
)
def extracted_tables(context: dg.AssetExecutionContext, article_files: pd.DataFrame):
    """Parse every article and extract its typed tables."""
    parts = []
    for number, path in enumerate(article_files["path"], start=1):
        try:
            parts.append(extract_tables(read_article(Path(path))))
        except ArticleError as error:
            raise dg.Failure(description=str(error)) from None
        context.log.info(f"parsed {number} of {len(article_files)} articles")
    tables = ElectionTables.concat(parts)
    for name, frame in tables.frames().items():
        yield dg.Output(frame, output_name=name, metadata=table_metadata(frame))


@dg.asset(
    group_name=WAREHOUSE_GROUP,
    kinds={"duckdb"},
    ins={name: dg.AssetIn() for name in TABLE_DESCRIPTIONS},
)
def warehouse(warehouse_file: Warehouse, **frames: pd.DataFrame) -> dg.MaterializeResult:
    """The DuckDB warehouse: star schema and analyst views, replaced as a whole on each load."""
    path = project_path(warehouse_file.path)
    counts = publish_warehouse(ElectionTables(**frames), path)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path.resolve())),
            "articles": dg.MetadataValue.int(counts["dim_election"]),
            "rows": dg.MetadataValue.md(
                pd.DataFrame(counts.items(), columns=["table", "rows"]).to_markdown(index=False)
            ),
        }
    )
