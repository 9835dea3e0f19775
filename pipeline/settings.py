"""Settings: where the articles, the warehouse and the Dagster instance live, and the files
the package carries (the SQL of ``sql/`` and the default instance configuration).

Every setting is an environment variable with a default. A relative path is read
against the current directory, so ``elections run`` in any folder builds that folder's
``raw/`` into its ``warehouse/``; in the repository the Makefile runs from the root,
which keeps ``raw/`` and ``warehouse/`` of the checkout. :func:`apply` turns the paths
into absolute ones before any Dagster process starts, so the code servers and the
daemon, whatever their own working directory, read the same files.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# The SQL of every table and view (the repository's sql/, carried inside the package).
SQL_DIR = PACKAGE / "sql"
# The instance configuration the CLI writes into DAGSTER_HOME (the repository's dagster.yaml).
INSTANCE_TEMPLATE = PACKAGE / "defs" / "dagster.yaml"
# Added to the instance configuration, unless ELECTIONS_DAGSTER_PG_URL is set.
SQLITE_EVENT_LOG = """
# Runs and schedules in SQLite files in this folder (Dagster's default); events too, in
# Dagster's files, stored with one database engine per file rather than one per event.
event_log_storage:
  module: pipeline.defs.eventlog
  class: SqliteEventLog
  config:
    base_dir: {folder}
"""
# Added to the instance configuration when ELECTIONS_DAGSTER_PG_URL is set.
POSTGRES_STORAGE = """
# ELECTIONS_DAGSTER_PG_URL is set: runs, events and schedules live in PostgreSQL.
storage:
  postgres:
    postgres_url:
      env: ELECTIONS_DAGSTER_PG_URL
"""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str
    is_path: bool = True


SETTINGS = {
    setting.name: setting
    for setting in [
        Setting("ELECTIONS_RAW_DIR", "raw", "folder of article files (*.txt)"),
        Setting(
            "ELECTIONS_WAREHOUSE", "warehouse/elections.duckdb", "the DuckDB file analysts query"
        ),
        Setting(
            "ELECTIONS_MAX_ARTICLE_BYTES",
            "20000000",
            "largest article file read, in bytes (a larger one is refused, the others load)",
            is_path=False,
        ),
        Setting(
            "ELECTIONS_REFERENCE_CSV",
            "",
            "county returns in MEDSL's layout to reconcile with (empty: no reconciliation)",
        ),
        Setting("DAGSTER_HOME", ".dagster", "the Dagster instance: run history, logs, schedules"),
        Setting("DAGSTER_HOST", "127.0.0.1", "address the Dagster UI listens on", is_path=False),
        Setting("DAGSTER_PORT", "3000", "port of the Dagster UI", is_path=False),
        Setting(
            "ELECTIONS_DAGSTER_PG_URL",
            "",
            "PostgreSQL URL for the instance's storage (empty: SQLite in DAGSTER_HOME)",
            is_path=False,
        ),
        Setting(
            "ELECTIONS_PARSE_WORKERS",
            "",
            "processes that parse and check articles (1: in the calling process; empty: one "
            "per core)",
            is_path=False,
        ),
        Setting(
            "ELECTIONS_HISTORY_LOADS",
            "30",
            "loads of history kept: quality results and load log in the warehouse, runs in Dagster",
            is_path=False,
        ),
        Setting(
            "ELECTIONS_RELOAD_CRON", "0 3 * * *", "when the nightly reload runs (cron, UTC)", False
        ),
        Setting(
            "ELECTIONS_SENSOR_INTERVAL", "30", "seconds between two looks at the raw folder", False
        ),
    ]
}


def get(name: str) -> str:
    """The value of a setting: the environment's, or the default."""
    return os.environ.get(name, SETTINGS[name].default)


def parse_workers() -> int:
    """Processes that parse and check articles (``ELECTIONS_PARSE_WORKERS``; by default the
    machine's cores)."""
    value = get("ELECTIONS_PARSE_WORKERS").strip()
    if not value:
        return os.cpu_count() or 1
    if not value.isdigit() or int(value) < 1:
        raise ValueError(
            f"ELECTIONS_PARSE_WORKERS is '{value}': a whole number of processes, at least 1 "
            "(or empty: one per core)"
        )
    return int(value)


def resolve(path: str) -> Path:
    """A path setting as an absolute path; a relative one is read from the current directory."""
    return Path(os.path.abspath(Path(path).expanduser()))


def apply() -> None:
    """Fill in every default and make every path setting absolute, in this process's
    environment, which the Dagster processes it starts inherit."""
    for setting in SETTINGS.values():
        value = get(setting.name)
        os.environ[setting.name] = str(resolve(value)) if setting.is_path and value else value
    # SQLAlchemy reads a bare postgresql:// as psycopg 3; dagster-postgres speaks psycopg2.
    url = os.environ["ELECTIONS_DAGSTER_PG_URL"]
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            os.environ["ELECTIONS_DAGSTER_PG_URL"] = "postgresql+psycopg2://" + url[len(scheme) :]


def describe(names: list[str]) -> str:
    """The settings a command reads, for its ``--help``."""
    return "settings (environment variables):\n" + "\n".join(
        f"  {name:<26}{SETTINGS[name].meaning}; default: {SETTINGS[name].default or 'none'}"
        for name in names
    )


def event_log_folder(home: Path) -> Path:
    """Where Dagster keeps the SQLite event logs of the instance in ``home``."""
    return home / "history" / "runs"


def prepare_dagster_home() -> Path:
    """``DAGSTER_HOME`` with the project's instance configuration in it.

    The configuration is written when the folder has none; in the default folder it is
    rewritten on every start, so that it follows the installed version. A configuration
    the user wrote into their own ``DAGSTER_HOME`` is theirs and is left alone.
    """
    user_home = "DAGSTER_HOME" in os.environ and os.environ["DAGSTER_HOME"] != str(
        resolve(SETTINGS["DAGSTER_HOME"].default)
    )
    apply()
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not user_home or not config.exists():
        text = INSTANCE_TEMPLATE.read_text()
        if get("ELECTIONS_DAGSTER_PG_URL"):
            text += POSTGRES_STORAGE
        else:
            text += SQLITE_EVENT_LOG.format(folder=json.dumps(str(event_log_folder(home))))
        config.write_text(text)
    return home
