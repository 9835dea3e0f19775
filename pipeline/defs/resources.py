"""Dagster resources: the settings a run reads (raw folder, warehouse, reference file) and
the IO manager that hands DataFrames from one asset to the next.

Paths given relative are read from the current directory (see :mod:`pipeline.settings`).
"""

from pathlib import Path

import dagster as dg
import pandas as pd
from pyarrow import feather

from pipeline import settings
from pipeline.defs.runs import frames_folder
from pipeline.settings import resolve
from pipeline.tables.reference import read_county_returns
from pipeline.text.source import article_paths, read_article_bytes, read_source


class ArticleSource(dg.ConfigurableResource):
    """The folder of article files (``ELECTIONS_RAW_DIR``) and the size limit of one file
    (``ELECTIONS_MAX_ARTICLE_BYTES``)."""

    raw_dir: str
    max_article_bytes: int = int(settings.SETTINGS["ELECTIONS_MAX_ARTICLE_BYTES"].default)

    def folder(self) -> Path:
        return resolve(self.raw_dir)

    def paths(self) -> list[Path]:
        folder = self.folder()
        if not folder.is_dir():
            raise dg.Failure(f"raw folder {folder} does not exist (ELECTIONS_RAW_DIR)")
        return article_paths(folder)

    def read(self, path: Path) -> dict:
        """One entry of the folder (see :func:`~pipeline.text.source.read_source`)."""
        return read_source(path, self.max_article_bytes)

    def read_bytes(self, path: Path) -> bytes:
        """The bytes of one article file; ArticleError when it may not be read
        (see :func:`~pipeline.text.source.read_article_bytes`)."""
        return read_article_bytes(path, self.max_article_bytes)


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
    """Stores each asset's DataFrame as an Arrow IPC file in the run's own folder of the
    instance's storage (:func:`~pipeline.defs.runs.frames_folder`), which the run's
    :class:`~pipeline.defs.runs.LoadSlot` removes when the run ends: two runs never read
    each other's frames, and none outlives its run.

    Arrow files of these frames write several times faster than pickles, and unlike the
    default IO manager it logs no event per file: every event is a committed write to
    the instance's SQLite log, which dominates the cost of a small reload.
    """

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        folder = frames_folder(context.step_context.instance, context.run_id)
        folder.mkdir(parents=True, exist_ok=True)
        feather.write_feather(
            obj, folder / _file_name(context.asset_key), compression="uncompressed"
        )

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        run_id = context.upstream_output.run_id
        path = frames_folder(context.instance, run_id) / _file_name(context.asset_key)
        if not path.exists():  # its asset was not materialized in this run
            raise dg.Failure(
                f"no frame of {context.asset_key.to_user_string()} in this run: frames last "
                "as long as the run that made them. Run the whole reload_warehouse job."
            )
        return feather.read_feather(path)


def _file_name(key: dg.AssetKey) -> str:
    return f"{'__'.join(key.path)}.arrow"
