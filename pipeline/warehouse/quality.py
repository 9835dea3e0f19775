"""The quality report of the latest load, read from the warehouse's own views, so that
the report in the UI and what analysts query are the same rows."""

from pathlib import Path

import pandas as pd

from pipeline.warehouse.readers import connect

CHECKS = """
SELECT check_name, asset, severity, status, articles_checked, articles_failed,
       articles_skipped, failures, failing_articles[1:3] AS first_failing_articles,
       skipped_because
FROM data_quality
ORDER BY status, severity, check_name
"""
CHANGES = """
SELECT check_name, article, severity, change, failures, previous_failures
FROM data_quality_changes
"""
REFUSED = "SELECT file, status, kept_sha256, reason FROM quarantine ORDER BY file"


def quality_report(warehouse: Path) -> dict[str, pd.DataFrame]:
    """``checks`` (each check over all articles), ``changes`` (since the load before) and
    ``refused`` (the articles refused, with the version each keeps) of the latest load."""
    with connect(warehouse) as connection:
        return {
            "checks": connection.execute(CHECKS).df(),
            "changes": connection.execute(CHANGES).df(),
            "refused": connection.execute(REFUSED).df(),
        }
