"""Election Warehouse: election articles → validated DuckDB warehouse, run by Dagster."""

from pathlib import Path

# The repository root: sql/ and dagster.yaml live here, and relative settings
# (ELECTIONS_RAW_DIR, ELECTIONS_WAREHOUSE) are read from here, whatever the cwd.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
