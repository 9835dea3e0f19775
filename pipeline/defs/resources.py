"""Dagster resources: the settings a run reads (raw folder, warehouse, reference file) and
the IO manager that hands DataFrames from one asset to the next.

Paths given relative are read from the current directory (see :mod:`pipeline.settings`).
"""

import os
from pathlib import Path

import dagster as dg
import pandas as pd
from pyarrow import feather

from pipeline import settings
from pipeline.settings import resolve
from pipeline.tables.reference import read_county_returns


class ArticleSource(dg.ConfigurableResource):
    """The folder of article files (``ELECTIONS_RAW_DIR``)."""

    raw_dir: str

    def folder(self) -> Path:
        return resolve(self.raw_dir)

    def paths(self) -> list[Path]:
        folder = self.folder()
        if not folder.is_dir():
            raise dg.Failure(f"raw folder {folder} does not exist (ELECTIONS_RAW_DIR)")
        return sorted(folder.glob("*.txt"))


class ReferenceReturns(dg.ConfigurableResource):
    """An independent county-returns CSV in MEDSL's layout (``ELECTIONS_REFERENCE_CSV``);
    empty when none is given."""

    path: str

    def read(self, elections: pd.DataFrame) -> pd.DataFrame | None:
        """The returns of the given elections (year, state_po), or None without a file."""
        if not self.path:
            return None
        path = resolve(self.path)
        if not path.is_file():
            raise dg.Failure(f"reference file {path} does not exist (ELECTIONS_REFERENCE_CSV)")
        return read_county_returns(
            path, elections[["year", "state_po"]].itertuples(index=False, name=None)
        )


class Warehouse(dg.ConfigurableResource):
    """The DuckDB file analysts query (``ELECTIONS_WAREHOUSE``), and how many loads of
    history it and the Dagster instance keep (``ELECTIONS_HISTORY_LOADS``)."""

    path: str
    history_loads: int = int(settings.SETTINGS["ELECTIONS_HISTORY_LOADS"].default)


class ArrowFrames(dg.ConfigurableIOManager):
    """Stores each asset's DataFrame as an Arrow IPC file in the instance's storage folder.

    Arrow files of these frames write several times faster than pickles, and unlike the
    default IO manager it logs no event per file: every event is a committed write to
    the instance's SQLite log, which dominates the cost of a small reload.
    """

    def _path(self, instance: dg.DagsterInstance, key: dg.AssetKey) -> Path:
        return Path(instance.storage_directory()) / "frames" / f"{'__'.join(key.path)}.arrow"

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        path = self._path(context.step_context.instance, context.asset_key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{context.run_id}.partial")
        feather.write_feather(obj, partial, compression="uncompressed")
        os.replace(partial, path)

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        return feather.read_feather(self._path(context.instance, context.asset_key))
