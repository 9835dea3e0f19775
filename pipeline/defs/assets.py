"""Dagster assets: thin wrappers that run each stage and describe its output in the UI.

``article_files`` (raw/) → one asset per extracted table, with the data-quality checks
→ ``warehouse`` (DuckDB).

ERROR checks refuse the *article* that fails them: the warehouse asset leaves its rows
out (keeping the article's last good version) and the run fails at the end, while the
other articles publish. Dagster's ``blocking=True`` would instead stop every article
when one is bad, so it guards only what concerns the whole reload: a raw folder
without articles never replaces the warehouse.

Every asset of a load takes the ``load_slot`` resource: the run then holds its
instance's load lock from start to end, whichever assets it selects
(:mod:`pipeline.defs.runs`).
"""

import base64

import dagster as dg
import numpy as np
import pandas as pd

from pipeline import progress
from pipeline.cache import ParseCache, SegmentLost, StoredTable, code_fingerprint
from pipeline.checks.by_state import extract_and_check, versions_of
from pipeline.checks.rules import (
    ERROR,
    FAILED,
    INFO,
    SKIPPED,
    Rule,
    all_rules,
    without_consequences,
)
from pipeline.defs.history import prune_runs
from pipeline.defs.resources import ArticleSource, ReferenceReturns, Warehouse
from pipeline.defs.runs import LoadSlot
from pipeline.settings import resolve
from pipeline.tables.schemas import ASSET_TABLES, describe, dtypes
from pipeline.warehouse.publish import WarehouseRefused, check_before_build, publish_warehouse
from pipeline.warehouse.quality import quality_report

SOURCE_GROUP = "source"
EXTRACTED_GROUP = "extracted"
WAREHOUSE_GROUP = "warehouse"
SHOWN_CELLS = 50


def row_count(table: pd.DataFrame | StoredTable) -> dict[str, dg.MetadataValue]:
    """What a materialization of a table records: its row count. Its columns are the
    asset's definition (:func:`column_schema`), the same on every run, so they are not
    repeated in every run's events; the rows are in the warehouse."""
    return {"dagster/row_count": dg.MetadataValue.int(len(table))}


def column_schema(table_name: str) -> dg.TableSchema:
    """The columns of an extracted table and their dtypes, as its model types them."""
    return dg.TableSchema(
        columns=[dg.TableColumn(name, str(dtype)) for name, dtype in dtypes(table_name).items()]
    )


def table(frame: pd.DataFrame, rows: int = SHOWN_CELLS) -> dg.MetadataValue:
    """The first ``rows`` rows of ``frame`` as a table the UI draws, with its schema (the
    warehouse has every row; metadata stays small, whatever the corpus)."""
    shown = frame.head(rows).astype(object).where(frame.head(rows).notna(), None)
    kinds = {"b": "bool", "i": "int", "u": "int", "f": "float"}
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(str(name), kinds.get(dtype.kind, "string"))
            for name, dtype in frame.dtypes.items()
        ]
    )
    records = [
        dg.TableRecord({str(k): _plain(v) for k, v in row.items()})
        for row in shown.to_dict("records")
    ]
    return dg.MetadataValue.table(records=records, schema=schema)


def _plain(value: object) -> str | int | float | bool | None:
    """A cell as the UI's table takes it: numpy numbers as Python ones, the rest as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(item) for item in value)
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


RAW_FOLDER_HAS_ARTICLES = dg.AssetCheckSpec(
    "raw_folder_has_articles",
    asset="article_files",
    blocking=True,
    description="The raw folder holds at least one article file. An empty folder (often an "
    "unmounted one) would publish an empty warehouse, so it stops the reload instead.",
)


@dg.asset(group_name=SOURCE_GROUP, kinds={"text"}, check_specs=[RAW_FOLDER_HAS_ARTICLES])
def article_files(
    context: dg.AssetExecutionContext, article_source: ArticleSource, load_slot: LoadSlot
):
    """Article files of the raw folder: name, path, SHA-256 of the bytes (the article
    version), size and title line, or why the file cannot be read. The texts are read
    again a group at a time where they are parsed, and only in this version."""
    paths = article_source.paths()
    files = versions_of(paths, article_source.max_article_bytes)
    progress.report("read", len(paths), len(paths), "files")
    yield dg.Output(files, metadata=row_count(files))
    yield dg.AssetCheckResult(
        check_name=RAW_FOLDER_HAS_ARTICLES.name,
        passed=len(files) > 0,
        metadata={"articles": dg.MetadataValue.int(len(files))},
    )


def check_spec(rule: Rule) -> dg.AssetCheckSpec:
    consequence = {
        ERROR: "ERROR: an article failing it is refused (not published).",
        INFO: "INFO: noted for the analyst; it never fails.",
    }.get(rule.severity, "WARN: reported, nothing is refused.")
    return dg.AssetCheckSpec(
        rule.name, asset=rule.table, description=f"{rule.description} {consequence}"
    )


def check_result(rule: Rule, failing: pd.DataFrame, statuses: set[str]):
    """A rule's verdict over all articles (``statuses``: its verdicts' statuses) with the
    cells that fail it (``failing``), as an analyst needs to see them, without the logs;
    None when the rule could not run on any article (skipped: Dagster then shows the
    check as skipped, and the reason is in the load's quality report). Dagster knows no
    INFO severity: an INFO rule passes, with its notes as metadata."""
    if statuses <= {SKIPPED}:
        return None
    metadata = {
        "failures": dg.MetadataValue.int(len(failing)),
        "articles": dg.MetadataValue.int(failing["file"].nunique()),
    }
    if len(failing):
        shown = failing[["file", "section", "line", "key", "column", "published", "expected"]]
        metadata["failing cells"] = table(
            shown.rename(columns={"line": "row (line)", "key": "row"})
        )
    return dg.AssetCheckResult(
        asset_key=rule.table,
        check_name=rule.name,
        passed=FAILED not in statuses or rule.severity == INFO,
        severity=dg.AssetCheckSeverity(ERROR if rule.severity == ERROR else "WARN"),
        metadata=metadata,
    )


def check_results(
    findings: pd.DataFrame, verdicts: pd.DataFrame, selected: set[str]
) -> tuple[list[dg.AssetCheckResult], list[str]]:
    """The result of every selected check that could run, and the checks that could not,
    each named with its most common reason."""
    failing = dict(tuple(findings.groupby("check")))
    pairs = verdicts[["check_name", "status"]].drop_duplicates()
    statuses = pairs.groupby("check_name")["status"].agg(set).to_dict()
    results, skipped = [], []
    for rule in all_rules():
        if rule.name not in selected:
            continue
        result = check_result(rule, failing.get(rule.name, findings.head(0)), statuses[rule.name])
        if result is not None:
            results.append(result)
        else:
            reasons = verdicts.loc[verdicts["check_name"] == rule.name, "reason"]
            skipped.append(f"{rule.name} ({reasons.mode().iat[0]})")
    return results, skipped


QUALITY_OUTPUTS = {
    "quality_findings": "Every failing cell of every data-quality rule in this load, with its "
    "file, section, line and the key of its row (a county's name and FIPS code, a district, "
    "'Totals'); what follows from a root cause (the same election in two files) is left out.",
    "quality_verdicts": "The verdict of every check on every article of this load: passed, "
    "failed, or skipped with the reason it could not run.",
}


@dg.multi_asset(
    outs={
        **{
            name: dg.AssetOut(
                description=describe(name),
                group_name=EXTRACTED_GROUP,
                kinds={"arrow"},
                metadata={"dagster/column_schema": column_schema(name)},
            )
            for name in ASSET_TABLES
        },
        **{
            name: dg.AssetOut(description=text, group_name=EXTRACTED_GROUP, kinds={"pandas"})
            for name, text in QUALITY_OUTPUTS.items()
        },
    },
    check_specs=[check_spec(rule) for rule in all_rules()],
    # A check that could not run on any article yields no result, so Dagster shows it as
    # skipped rather than passed.
    can_subset=True,
)
def extracted_tables(
    context: dg.AssetExecutionContext,
    article_files: pd.DataFrame,
    article_source: ArticleSource,
    reference_returns: ReferenceReturns,
    warehouse_file: Warehouse,
    load_slot: LoadSlot,
):
    """Parse every new or changed article (the others come from the parse cache), extract
    its typed tables and run every data-quality rule, a group of whole states at a time
    (:mod:`pipeline.checks.by_state`). Each table is handed on where the parse cache
    holds it: the warehouse reads it a group at a time."""

    live = resolve(warehouse_file.path)
    try:  # before the parse cache writes anything beside it
        check_before_build(live, int(article_files["bytes"].sum()))
    except WarehouseRefused as error:
        raise dg.Failure(description=str(error)) from None
    with progress.listening(progress.Throttled(context.log.info)):
        extraction = extract_and_check(
            article_files,
            ParseCache(live),
            reference_returns.file(),
            article_source.max_article_bytes,
        )
    context.log.info(
        f"{len(article_files)} articles: {extraction.parsed} parsed, {extraction.checked} "
        f"checked (their states changed), {len(article_files) - extraction.checked} from the cache"
    )
    findings = without_consequences(extraction.findings)
    outputs = {name: StoredTable(extraction.store, name) for name in ASSET_TABLES}
    outputs |= {"quality_findings": findings, "quality_verdicts": extraction.verdicts}
    selected_outputs = context.op_execution_context.selected_output_names
    for name, value in outputs.items():
        if name in selected_outputs:
            yield dg.Output(value, output_name=name, metadata=row_count(value))
    selected = {key.name for key in context.selected_asset_check_keys}
    results, skipped = check_results(findings, extraction.verdicts, selected)
    yield from results
    if skipped:
        context.log.info(f"checks skipped: {'; '.join(skipped)}")


@dg.asset(
    group_name=WAREHOUSE_GROUP,
    kinds={"duckdb"},
    # Every extracted table is built into the warehouse, from where the parse cache holds
    # them all (the store of ``elections``): the others are dependencies, not inputs, so a
    # run loads four values rather than fifteen (each load is two events of the run).
    ins={name: dg.AssetIn() for name in ["elections", *QUALITY_OUTPUTS, "article_files"]},
    deps=[name for name in ASSET_TABLES if name != "elections"],
)
def warehouse(
    context: dg.AssetExecutionContext,
    warehouse_file: Warehouse,
    load_slot: LoadSlot,
    **inputs: pd.DataFrame,
) -> dg.MaterializeResult:
    """The DuckDB warehouse: star schema, analyst views and data-quality history, replaced
    as a whole on each load that changes something. Refused articles keep their last good
    version. A load that would publish what the warehouse holds (same files, code and
    findings) leaves it as it is: no new file, no history rows; its data version stays."""
    path = resolve(warehouse_file.path)
    try:
        with progress.listening(progress.Throttled(context.log.info)):
            publication = publish_warehouse(
                inputs["elections"].store,
                inputs["quality_findings"],
                inputs["quality_verdicts"],
                inputs["article_files"],
                path,
                run_id=context.run.run_id,
                history_loads=warehouse_file.history_loads,
            )
    except (WarehouseRefused, SegmentLost) as error:
        raise dg.Failure(description=str(error)) from None
    # This run is one of the loads the history keeps.
    pruned = prune_runs(context.instance, context.run.job_name, warehouse_file.history_loads - 1)
    report = publication.report
    refused = report.refused
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path.resolve())),
            "unchanged": dg.MetadataValue.bool(not publication.replaced),
            "articles": dg.MetadataValue.int(report.counts["dim_election"]),
            "versions added": dg.MetadataValue.int(report.added),
            "versions removed": dg.MetadataValue.int(report.removed),
            "old runs deleted": dg.MetadataValue.int(pruned),
            "refused": dg.MetadataValue.int(len(refused)),
            "refused articles": table(refused),
            "rows": table(pd.DataFrame(report.counts.items(), columns=["table", "rows"]), 100),
        },
        data_version=dg.DataVersion(publication.load),
    )


@dg.asset(group_name=WAREHOUSE_GROUP, kinds={"duckdb"}, deps=[warehouse])
def data_quality_report(warehouse_file: Warehouse) -> dg.MaterializeResult:
    """One page on the quality of the latest load, rebuilt with it: every check over every
    article, what changed since the load before (new failures, fixed ones), and the
    articles refused with the version each one keeps. The tables show their first rows;
    the views ``data_quality``, ``data_quality_changes`` and ``quarantine`` hold them all."""
    report = quality_report(resolve(warehouse_file.path))
    checks, changes, refused = report["checks"], report["changes"], report["refused"]
    failed = checks[checks["status"] == FAILED]
    articles = (checks["articles_checked"] + checks["articles_skipped"]).max()
    return dg.MaterializeResult(
        metadata={
            "summary": dg.MetadataValue.text(
                f"{len(checks)} checks over {articles} articles: "
                f"{len(failed)} failing ({(failed['severity'] == 'ERROR').sum()} ERROR), "
                f"{(checks['status'] == SKIPPED).sum()} skipped; "
                f"{(changes['change'] == 'new failure').sum()} new failures and "
                f"{(changes['change'] == 'fixed').sum()} fixed since the load before; "
                f"{len(refused)} articles refused"
            ),
            "checks × articles": table(checks, rows=100),
            "changes since the load before": table(changes),
            "refused articles": table(refused),
        }
    )


MAPS_SHOWN = 4


@dg.asset(
    group_name="maps",
    kinds={"python", "png"},
    deps=[warehouse],
    automation_condition=dg.AutomationCondition.eager(),
)
def county_maps(
    context: dg.AssetExecutionContext, warehouse_file: Warehouse
) -> dg.MaterializeResult:
    """A choropleth of county margins (Republican minus Democratic) for each election, as
    PNG files in ``<warehouse>.maps/``; only elections whose article changed are drawn
    again. Drawn after each reload under `make ui`, or by `make maps`."""
    # Imported here: matplotlib takes a third of a second that a reload never needs.
    from pipeline.warehouse.maps import draw_election_maps

    path = resolve(warehouse_file.path)
    folder = path.with_name(path.name + ".maps")
    maps = draw_election_maps(path, folder, code_fingerprint())
    prune_runs(context.instance, context.run.job_name, warehouse_file.history_loads - 1)
    images = "\n\n".join(
        f"**{row.state} {row.year}**\n\n![{row.state} {row.year}](data:image/png;base64,"
        f"{base64.b64encode((folder / row.file).read_bytes()).decode()})"
        for row in maps.head(MAPS_SHOWN).itertuples()
    )
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(folder.resolve())),
            "elections": dg.MetadataValue.int(len(maps)),
            "drawn": dg.MetadataValue.int(int(maps["drawn"].sum())),
            "maps": dg.MetadataValue.md(images or "(no election in the warehouse)"),
        }
    )
