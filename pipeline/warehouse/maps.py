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

from pipeline.warehouse.readers import connect

BOUNDARIES = [  # newest first: a code takes the geometry of the first file that has it
    ("cb_2016_us_county_500k", "utf-8", "GEOID"),
    ("gz_2010_us_050_00_500k", "latin-1", None),
]
MAX_POINTS = 400  # per ring: enough for a state map, light enough to draw quickly
SCALE = 60  # margin (points) shown at full colour


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


def draw_county_map(margins: pd.DataFrame, title: str, path: Path) -> int:
    """Draw counties coloured by ``margin_pct`` (Republican minus Democratic, points) to
    ``path``; return how many counties had a shape. ``margins``: county_fips, margin_pct."""
    rings = county_rings()
    polygons, values = [], []
    for fips, margin in zip(margins["county_fips"], margins["margin_pct"], strict=True):
        for ring in rings.get(fips, ()):
            ring = ring.copy()
            ring[ring[:, 0] > 0, 0] -= 360  # the Aleutians lie across the antimeridian
            polygons.append(ring)
            values.append(margin)
    drawn = sum(1 for fips in margins["county_fips"] if fips in rings)
    figure, axes = plt.subplots(figsize=(6, 4.5), dpi=80)
    if polygons:
        collection = PolyCollection(
            polygons,
            array=np.asarray(values, dtype=float),
            cmap="RdBu_r",
            edgecolors="white",
            linewidths=0.3,
        )
        collection.set_clim(-SCALE, SCALE)
        axes.add_collection(collection)
        axes.autoscale_view()
        middle = np.mean([ring[:, 1].mean() for ring in polygons])
        axes.set_aspect(1 / np.cos(np.radians(middle)))
        bar = figure.colorbar(collection, ax=axes, shrink=0.7)
        bar.set_label("margin, points (Republican +, Democratic −)")
    axes.set_axis_off()
    axes.set_title(title, fontsize=11)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, bbox_inches="tight")
    plt.close(figure)
    return drawn


ELECTIONS = """
SELECT e.year, s.state, s.state_po, e.source_sha256
FROM dim_election e JOIN dim_state s USING (state_fips)
ORDER BY e.year DESC, s.state
"""
# Joined through current_fips: a unit renamed or merged since (Ormsby 1964, Dade 1992) takes
# the shape of its successor today, and units merged since are drawn as one.
MARGINS = """
SELECT year, state_po, current_fips AS county_fips,
       round(100.0 * (sum(republican_votes) - sum(democratic_votes))
             / nullif(sum(total_votes), 0), 2) AS margin_pct
FROM county_margins WHERE current_fips IS NOT NULL
GROUP BY year, state_po, current_fips
"""


def draw_election_maps(warehouse: Path, folder: Path, code: str) -> pd.DataFrame:
    """A map per election of the warehouse in ``folder``, named after the article version
    and the code (``code``): an unchanged election keeps its file, a stale file is removed.
    Returns one row per election: year, state, file, drawn (False: kept)."""
    with connect(warehouse) as connection:
        elections = connection.execute(ELECTIONS).df()
        margins = connection.execute(MARGINS).df()
    folder.mkdir(parents=True, exist_ok=True)
    by_election = dict(iter(margins.groupby(["year", "state_po"])))
    rows = []
    for election in elections.itertuples(index=False):
        name = f"{election.year}_{election.state_po}_{election.source_sha256[:10]}_{code[:8]}.png"
        path = folder / name
        drawn = not path.exists()
        if drawn:
            title = f"{election.state} {election.year}: county margins"
            empty = margins.iloc[:0]
            draw_county_map(by_election.get((election.year, election.state_po), empty), title, path)
        rows.append((election.year, election.state, name, drawn))
    current = {row[2] for row in rows}
    for stale in folder.glob("*.png"):
        if stale.name not in current:
            stale.unlink()
    return pd.DataFrame(rows, columns=["year", "state", "file", "drawn"])
