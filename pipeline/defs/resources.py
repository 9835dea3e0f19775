"""Dagster resources: the settings a run reads (raw folder, warehouse, reference file) and
the IO manager that hands each asset's value to the next.

Paths given relative are read from the current directory (see :mod:`pipeline.settings`).
"""

from pathlib import Path

import dagster as dg

from pipeline import settings
from pipeline.settings import resolve
from pipeline.text.source import article_paths, read_article_bytes


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

    def read_bytes(self, path: Path) -> bytes:
        """The bytes of one article file; ArticleError when it may not be read
        (see :func:`~pipeline.text.source.read_article_bytes`)."""
        return read_article_bytes(path, self.max_article_bytes)


class ReferenceReturns(dg.ConfigurableResource):
    """An independent county-returns CSV in MEDSL's layout (``ELECTIONS_REFERENCE_CSV``);
    empty when none is given."""

    path: str

    def file(self) -> Path | None:
        """The reference file, or None when none is given."""
        if not self.path:
            return None
        path = resolve(self.path)
        if not path.is_file():
            raise dg.Failure(f"reference file {path} does not exist (ELECTIONS_REFERENCE_CSV)")
        return path


class Warehouse(dg.ConfigurableResource):
    """The DuckDB file analysts query (``ELECTIONS_WAREHOUSE``), and how many loads of
    history it and the Dagster instance keep (``ELECTIONS_HISTORY_LOADS``)."""

    path: str
    history_loads: int = int(settings.SETTINGS["ELECTIONS_HISTORY_LOADS"].default)


class RunFrames(dg.ConfigurableIOManagerFactory):
    """Hands each asset's value to the steps after it in memory, within its run.

    Every step of a load runs in one process (the in-process executor), so a value need
    not leave it: nothing is written to disk. The extracted tables are handed on as
    :class:`~pipeline.cache.StoredTable` (where the parse cache holds them), the findings
    and verdicts as DataFrames. Each run gets its own store, which goes with it: two runs
    never read each other's values, and none outlives its run.
    """

    def create_io_manager(self, context: dg.InitResourceContext) -> "FramesOfOneRun":
        return FramesOfOneRun()


class FramesOfOneRun(dg.IOManager):
    """The frames of one run, by asset."""

    def __init__(self) -> None:
        self.frames: dict[dg.AssetKey, object] = {}

    def handle_output(self, context: dg.OutputContext, obj: object) -> None:
        self.frames[context.asset_key] = obj

    def load_input(self, context: dg.InputContext) -> object:
        if context.asset_key not in self.frames:  # its asset was not materialized in this run
            raise dg.Failure(
                f"no frame of {context.asset_key.to_user_string()} in this run: frames last "
                "as long as the run that made them. Run the whole reload_warehouse job."
            )
        return self.frames[context.asset_key]
