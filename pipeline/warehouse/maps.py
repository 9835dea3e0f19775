"""County maps: a choropleth of each election's county margins, drawn to PNG.

Geometry comes with the installed packages: the Census Bureau's 2016 county boundaries
in ``plotly-geo`` (the 2010 file for units merged or renamed since), joined on FIPS
codes, never on names. Nothing is downloaded.
"""

from functools import cache
from importlib.resources import files
from itertools import pairwise
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapefile
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch
from PIL import Image

from pipeline.warehouse.readers import connect

BOUNDARIES = [  # newest first: a code takes the geometry of the first file that has it
    ("cb_2016_us_county_500k", "utf-8", "GEOID"),
    ("gz_2010_us_050_00_500k", "latin-1", None),
]
MAX_POINTS = 400  # per ring: enough for a state map, light enough to draw quickly
SCALE = 60  # margin (points) shown at full colour
SIZE, DPI = (10, 7.5), 120  # 1,200 × 900 pixels: legible at a normal size
NO_MARGIN = "#bdbdbd"
VERSION_KEY = "Election Warehouse version"  # article version and code a map was drawn from


@cache
def county_rings() -> dict[str, tuple[np.ndarray, ...]]:
    """Outline rings (longitude, latitude) of every county-equivalent, by FIPS code."""
    folder = files("_plotly_geo") / "package_data"
    rings: dict[str, tuple[np.ndarray, ...]] = {}
    for stem, encoding, code_field in BOUNDARIES:
        with shapefile.Reader(
            shp=(folder / f"{stem}.shp").open("rb"),
            dbf=(folder / f"{stem}.dbf").open("rb"),
            encoding=encoding,
        ) as reader:
            for shape_record in reader.iterShapeRecords():
                record = shape_record.record.as_dict()
                code = record[code_field] if code_field else record["STATE"] + record["COUNTY"]
                if code not in rings:
                    rings[code] = _rings(shape_record.shape)
    return rings


def _rings(shape: shapefile.Shape) -> tuple[np.ndarray, ...]:
    points = np.asarray(shape.points, dtype=float)
    bounds = [*shape.parts, len(points)]
    rings = []
    for start, end in pairwise(bounds):
        ring = points[start:end]
        step = max(1, len(ring) // MAX_POINTS)
        rings.append(ring[::step])
    return tuple(rings)


def draw_county_map(margins: pd.DataFrame, title: str, path: Path, version: str = "") -> int:
    """Draw counties coloured by ``margin_pct`` (Republican minus Democratic, points; grey
    where NULL: a party without a candidate) to ``path``, 1,200 × 900 pixels with a title
    and a legend; return how many counties had a shape. ``margins``: county_fips,
    margin_pct. ``version`` is kept in the PNG's text (see :func:`draw_election_maps`)."""
    rings = county_rings()
    polygons, values = [], []
    for fips, margin in zip(margins["county_fips"], margins["margin_pct"], strict=True):
        for ring in rings.get(fips, ()):
            ring = ring.copy()
            ring[ring[:, 0] > 0, 0] -= 360  # the Aleutians lie across the antimeridian
            polygons.append(ring)
            values.append(np.nan if pd.isna(margin) else float(margin))
    drawn = sum(1 for fips in margins["county_fips"] if fips in rings)
    figure, axes = plt.subplots(figsize=SIZE, dpi=DPI, layout="constrained")
    if polygons:
        colours = plt.get_cmap("RdBu_r").with_extremes(bad=NO_MARGIN)
        collection = PolyCollection(
            polygons,
            array=np.ma.masked_invalid(np.asarray(values, dtype=float)),
            cmap=colours,
            edgecolors="white",
            linewidths=0.4,
        )
        collection.set_clim(-SCALE, SCALE)
        axes.add_collection(collection)
        axes.autoscale_view()
        middle = np.mean([ring[:, 1].mean() for ring in polygons])
        axes.set_aspect(1 / np.cos(np.radians(middle)))
        bar = figure.colorbar(collection, ax=axes, shrink=0.8, extend="both")
        bar.set_label("margin, points: Republican + / Democratic −", fontsize=13)
        bar.ax.tick_params(labelsize=11)
        if np.isnan(values).any():
            axes.legend(
                handles=[Patch(color=NO_MARGIN, label="no margin (a party had no candidate)")],
                loc="lower left",
                fontsize=11,
            )
    axes.set_axis_off()
    axes.set_title(title, fontsize=18)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, metadata={VERSION_KEY: version})
    plt.close(figure)
    return drawn


def map_version(path: Path) -> str | None:
    """The version a map file was drawn from (its PNG text), None if it has none."""
    try:
        with Image.open(path) as image:
            return image.text.get(VERSION_KEY)
    except OSError:
        return None


ELECTIONS = """
SELECT e.year, s.state, s.state_po, e.source_sha256
FROM dim_election e JOIN dim_state s USING (state_fips)
ORDER BY e.year DESC, s.state
"""
# Each unit as it is today (successor_margins: votes summed over current_fips first): a unit
# renamed or merged since (Ormsby 1964, Dade 1992, Bedford city) takes the shape of its
# successor, and units merged since are drawn as one.
MARGINS = """
SELECT year, state_po, current_fips AS county_fips, margin_pct
FROM successor_margins
"""


def draw_election_maps(warehouse: Path, folder: Path, code: str) -> pd.DataFrame:
    """A map per election of the warehouse in ``folder``, ``STATE_YEAR.png`` (MO_2004.png).
    A map is drawn again only when its article version or the code (``code``) changed
    (both kept in the PNG's text); a map of an election no longer loaded is removed.
    Returns one row per election: year, state, file, drawn (False: kept)."""
    with connect(warehouse) as connection:
        elections = connection.execute(ELECTIONS).df()
        margins = connection.execute(MARGINS).df()
    folder.mkdir(parents=True, exist_ok=True)
    by_election = dict(iter(margins.groupby(["year", "state_po"])))
    rows = []
    for election in elections.itertuples(index=False):
        name = f"{election.state_po}_{election.year}.png"
        path = folder / name
        version = f"{election.source_sha256} {code}"
        drawn = map_version(path) != version
        if drawn:
            title = f"{election.state} {election.year}: county margins"
            empty = margins.iloc[:0]
            key = (election.year, election.state_po)
            draw_county_map(by_election.get(key, empty), title, path, version)
        rows.append((election.year, election.state, name, drawn))
    current = {row[2] for row in rows}
    for stale in folder.glob("*.png"):
        if stale.name not in current:
            stale.unlink()
    return pd.DataFrame(rows, columns=["year", "state", "file", "drawn"])
