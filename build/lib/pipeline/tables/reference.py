"""Reference data: states and county-equivalents with their FIPS codes.

States come from the ``us`` package. County-equivalents come from the Census Bureau's
2010 and 2016 county files as shipped in ``plotly-geo`` (the same files draw the county
map): the 2010 file still holds units that were renamed or merged since (Shannon, SD,
46113; Wade Hampton, AK, 02270; Bedford city, VA, 51515), the 2016 file holds their
successors (Oglala Lakota 46102, Kusilvak 02158). Nothing is downloaded at run time.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

import pandas as pd
import shapefile
import us

# Census "legal/statistical area description" codes of independent cities.
CITY_LSAD = {"city", "25"}
COUNTY_FILES = (
    # (file stem, encoding, state field, county field)
    ("gz_2010_us_050_00_500k", "latin-1", "STATE", "COUNTY"),
    ("cb_2016_us_county_500k", "utf-8", "STATEFP", "COUNTYFP"),
)
UNIT_SUFFIX = re.compile(
    r"\s+(?:county|parish|borough|census area|city and borough|municipality)$", re.I
)
CITY_SUFFIX = re.compile(r"\s+\(?city\)?$", re.I)
SAINT = re.compile(r"\b(saint|st)\b\.?", re.I)
SAINTE = re.compile(r"\b(sainte|ste)\b\.?", re.I)


@dataclass(frozen=True)
class State:
    name: str
    postal_code: str
    fips: str


@dataclass(frozen=True)
class CountyUnit:
    state_fips: str
    fips: str
    name: str
    is_city: bool
    current: bool  # in the 2016 file: the unit still exists under this name


def find_state(name: str) -> State | None:
    """A state (or DC) by its full name as an article title writes it."""
    found = us.states.lookup(name.strip(), field="name")
    if found is None or (found not in us.STATES and found != us.states.DC):
        return None
    return State(found.name, found.abbr, found.fips)


def all_states() -> list[State]:
    """The 50 states and DC, for the state dimension and the benchmark corpus."""
    return [State(s.name, s.abbr, s.fips) for s in [*us.STATES, us.states.DC]]


@cache
def name_key(name: str) -> str:
    """A spelling-proof key: ``St. Louis``/``Saint Louis``, ``DeKalb``/``De Kalb`` agree."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = SAINTE.sub("ste ", SAINT.sub("st ", text))
    return re.sub(r"[^a-z]", "", text.lower())


# Units renamed, merged or split since (Census Bureau, "Substantial Changes to Counties
# and County Equivalent Entities"): the codes older articles need, and the code each
# one continues as, so elections join across the change.
FIPS_CHANGES = files("pipeline.tables") / "data" / "county_fips_changes.csv"


@cache
def county_fips_changes() -> tuple[dict[str, str], ...]:
    """Rows of ``data/county_fips_changes.csv``: fips, name, state_fips, is_city,
    successor_fips, year, change."""
    with FIPS_CHANGES.open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@cache
def county_units() -> tuple[CountyUnit, ...]:
    """Every county-equivalent of the 2010 and 2016 Census files (one row per code and
    name), and the older units of :func:`county_fips_changes`."""
    folder = files("_plotly_geo") / "package_data"
    units: dict[tuple[str, str], CountyUnit] = {
        (row["fips"], row["name"]): CountyUnit(
            row["state_fips"], row["fips"], row["name"], row["is_city"] == "true", False
        )
        for row in county_fips_changes()
    }
    for stem, encoding, state_field, county_field in COUNTY_FILES:
        current = stem == COUNTY_FILES[-1][0]
        with shapefile.Reader(dbf=(folder / f"{stem}.dbf").open("rb"), encoding=encoding) as dbf:
            for record in dbf.iterRecords(fields=[state_field, county_field, "NAME", "LSAD"]):
                state_fips, county, name, lsad = record
                fips = state_fips + county
                units[(fips, name)] = CountyUnit(state_fips, fips, name, lsad in CITY_LSAD, current)
    return tuple(units.values())


@cache
def _units_by_state_and_key() -> dict[tuple[str, str], tuple[CountyUnit, ...]]:
    index: dict[tuple[str, str], list[CountyUnit]] = {}
    for unit in county_units():
        index.setdefault((unit.state_fips, name_key(unit.name)), []).append(unit)
    return {key: tuple(units) for key, units in index.items()}


@cache
def county_name_keys() -> dict[str, frozenset[str]]:
    """Spelling-proof keys of the names each county code has had."""
    keys: dict[str, set[str]] = {}
    for unit in county_units():
        keys.setdefault(unit.fips, set()).add(name_key(unit.name))
    return {fips: frozenset(found) for fips, found in keys.items()}


def resolve_counties(state_fips: str, names: Iterable[str]) -> dict[str, str | None]:
    """FIPS code of each county-equivalent name of one article (None where none fits).

    Names are resolved together because an article tells a county from the
    independent city of the same name by writing one of them with a suffix: beside
    ``St. Louis City`` a bare ``St. Louis`` is the county, beside ``Richmond County``
    a bare ``Richmond`` is the city.
    """
    names = tuple(names)
    return dict(zip(names, _resolve_together(state_fips, names), strict=True))


@lru_cache(maxsize=4096)  # a state's articles of different years share their names
def _resolve_together(state_fips: str, names: tuple[str, ...]) -> tuple[str | None, ...]:
    keys = {name_key(name) for name in names}
    resolved = []
    for name in names:
        wants_city: bool | None = None
        base = name
        if _lookup(state_fips, name_key(name)) is None:
            if CITY_SUFFIX.search(name):
                base, wants_city = CITY_SUFFIX.sub("", name), True
            elif UNIT_SUFFIX.search(name):
                base, wants_city = UNIT_SUFFIX.sub("", name), False
        else:
            key = name_key(name)
            if key + "county" in keys or key + "parish" in keys:
                wants_city = True
            elif key + "city" in keys:
                wants_city = False
        resolved.append(_pick(_lookup(state_fips, name_key(base)) or (), wants_city))
    return tuple(resolved)


def _lookup(state_fips: str, key: str) -> tuple[CountyUnit, ...] | None:
    return _units_by_state_and_key().get((state_fips, key))


def _pick(units: tuple[CountyUnit, ...], wants_city: bool | None) -> str | None:
    """One code among same-named units: the asked-for kind, else a county before a city."""
    if wants_city is not None:
        units = tuple(unit for unit in units if unit.is_city == wants_city)
    else:
        units = tuple(unit for unit in units if not unit.is_city) or units
    codes = {unit.fips for unit in units}
    return codes.pop() if len(codes) == 1 else None


def read_county_returns(path: Path, elections: Iterable[tuple[int, str]]) -> pd.DataFrame:
    """County returns of an independent source in MEDSL's layout (``countypres``), for the
    given (year, state postal code) pairs, votes summed over vote modes: year, state_po,
    fips (five digits for a county, the source's code otherwise, None where it has none),
    name, party (REPUBLICAN, DEMOCRAT, …), votes."""
    wanted = pd.DataFrame(list(elections), columns=["year", "state_po"]).drop_duplicates()
    returns = pd.read_csv(
        path,
        usecols=["year", "state_po", "county_name", "county_fips", "party", "candidatevotes"],
        dtype={"county_fips": "str", "candidatevotes": "str", "party": "str"},
        keep_default_na=False,
    )
    returns = returns.merge(wanted, on=["year", "state_po"])
    fips = returns["county_fips"].where(~returns["county_fips"].isin(["", "NA"]))
    returns = returns.assign(
        fips=fips.str.zfill(5).where(fips.str.len() <= 5, fips),
        votes=pd.to_numeric(returns["candidatevotes"], errors="coerce"),
    )
    return (
        returns.dropna(subset=["votes"])
        .groupby(["year", "state_po", "fips", "county_name", "party"], dropna=False)["votes"]
        .sum()
        .astype("int64")
        .reset_index()
        .rename(columns={"county_name": "name"})
    )
