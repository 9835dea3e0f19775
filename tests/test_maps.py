"""County maps: drawn from the installed Census geometry, joined on FIPS codes, one PNG
per election named STATE_YEAR.png, 1,200 pixels wide with a title and a legend, redrawn
only when the article or the code changes, shown on the asset's page."""

from pathlib import Path

import dagster as dg
import pandas as pd
from PIL import Image

from pipeline.defs.assets import county_maps
from pipeline.defs.resources import ArticleSource, ReferenceReturns, RunFrames, Warehouse
from pipeline.defs.runs import LoadSlot
from pipeline.warehouse.maps import (
    NO_MARGIN,
    county_rings,
    draw_county_map,
    draw_election_maps,
    map_version,
)
from tests.conftest import SEED

NO_MARGIN_RGB = tuple(int(NO_MARGIN[i : i + 2], 16) for i in (1, 3, 5))


def test_every_seed_county_has_a_shape_and_the_map_is_drawn(seed_db, tmp_path):
    margins = seed_db.execute(
        "SELECT county_fips, margin_pct FROM county_margins WHERE year = 2004"
    ).df()
    assert len(margins) == 115
    path = tmp_path / "missouri.png"
    assert draw_county_map(margins, "Missouri 2004", path) == 115
    with Image.open(path) as image:
        assert (image.format, image.width, image.height) == ("PNG", 1200, 900)


def test_a_unit_without_a_margin_is_drawn_grey_with_a_legend(tmp_path):
    """A NULL margin (a party without a candidate) is not a 0: it is drawn apart."""
    margins = pd.DataFrame({"county_fips": ["01073", "01089"], "margin_pct": [None, 12.5]})
    path = tmp_path / "AL_1964.png"
    assert draw_county_map(margins, "Alabama 1964: county margins", path, "v1") == 2
    assert map_version(path) == "v1"
    with Image.open(path) as image:
        colours = {colour for _, colour in image.convert("RGB").getcolors(1_000_000)}
    assert NO_MARGIN_RGB in colours


def test_units_renamed_since_take_their_older_shape():
    rings = county_rings()
    assert {"46113", "46102", "02270", "02158", "51515", "29510", "29189"} <= set(rings)
    shannon = pd.DataFrame({"county_fips": ["46113"], "margin_pct": [-87.41]})
    assert draw_county_map(shannon, "Shannon", Path("/dev/null")) == 1


def test_maps_follow_the_article_versions(seed_warehouse, tmp_path):
    folder = tmp_path / "maps"
    first = draw_election_maps(seed_warehouse, folder, "code-one")
    assert first[["year", "state", "file", "drawn"]].values.tolist() == [
        [2004, "Missouri", "MO_2004.png", True]
    ]
    assert map_version(folder / "MO_2004.png").endswith(" code-one")
    again = draw_election_maps(seed_warehouse, folder, "code-one")
    assert again["drawn"].tolist() == [False]
    (folder / "1996_MO_stale.png").write_bytes(b"")
    newer = draw_election_maps(seed_warehouse, folder, "code-two")
    assert newer["drawn"].tolist() == [True]
    assert sorted(p.name for p in folder.iterdir()) == newer["file"].tolist()


def test_map_asset_shows_the_map_on_its_page(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / SEED.name).write_bytes(SEED.read_bytes())
    from pipeline.definitions import defs

    result = dg.materialize(
        [*defs.assets],
        instance=dg.DagsterInstance.ephemeral(),
        resources={
            "article_source": ArticleSource(raw_dir=str(raw)),
            "warehouse_file": Warehouse(path=str(tmp_path / "w.duckdb")),
            "reference_returns": ReferenceReturns(path=""),
            "io_manager": RunFrames(),
            "load_slot": LoadSlot(),
        },
    )
    assert result.success
    (materialization,) = result.asset_materializations_for_node(county_maps.op.name)
    assert materialization.metadata["elections"].value == 1
    assert (
        "![Missouri 2004](data:image/png;base64,iVBORw0KGgo"
        in materialization.metadata["maps"].value
    )
