"""Reference data: states and county-equivalents with their FIPS codes.

States come from the ``us`` package. County-equivalents come from the Census Bureau's
2010 and 2016 county files as shipped in ``plotly-geo`` (the same files draw the county
map): the 2010 file still holds units that were renamed or merged since (Shannon, SD,
46113; Wade Hampton, AK, 02270; Bedford city, VA, 51515), the 2016 file holds their
successors (Oglala Lakota 46102, Kusilvak 02158). ``data/county_fips_changes.csv`` adds
the years of each change and the units older than both files (Dade, FL, 12025; Ormsby,
NV, 32025), so that a unit resolves to its code in the election's year and to the code
of its successor today. Nothing is downloaded at run time.
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

# Census "legal/statistical area description" codes (2010 file, 2016 file) and the kind of
# county-equivalent each stands for; Alaska's municipalities and cities and boroughs are boroughs.
UNIT_KINDS = {
    "city": "independent city",
    "25": "independent city",
    "CA": "census area",
    "05": "census area",
    "Borough": "borough",
    "04": "borough",
    "Cty&Bor": "borough",
    "03": "borough",
    "Muny": "borough",
    "12": "borough",
    "Parish": "parish",
    "15": "parish",
}
# Carson City, NV is an independent city (consolidated with Ormsby County in 1969) whose
# Census LSAD is blank, as is the District of Columbia's.
BLANK_LSAD_CITIES = {"32510"}
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
HISTORICAL = "historical"


@dataclass(frozen=True)
class State:
    name: str
    postal_code: str
    fips: str


@dataclass(frozen=True)
class CountyUnit:
    """A county-equivalent under one code (or, for a historical unit, under none) and the
    years its code applies to: ``since`` and ``until`` are election years (``until`` is the
    first year it no longer does); None where it applies since before or still today."""

    state_fips: str
    fips: str | None  # None: a historical unit that never had a FIPS code
    name: str
    is_city: bool
    current: bool  # in the 2016 file: the unit still exists under this name
    kind: str  # county, parish, borough, census area, independent city, historical
    since: int | None = None
    until: int | None = None
    successor: str | None = None  # the code it continues as (county_fips_changes.csv)

    def applies_in(self, year: int) -> bool:
        return (self.since is None or year >= self.since) and (
            self.until is None or year < self.until
        )


@dataclass(frozen=True)
class Resolution:
    """A reporting unit of an article resolved for its election's year: its code then,
    the code of its successor today, and its kind (None where no unit matches)."""

    fips: str | None
    current_fips: str | None
    kind: str | None


UNRESOLVED = Resolution(None, None, None)


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


# County-equivalents renamed, merged or split since their elections, and the ones that
# never had a code (documented in docs/county-fips-changes.md): the codes older articles
# need, and the code each one continues as, so elections join across the change.
FIPS_CHANGES = files("pipeline.tables") / "data" / "county_fips_changes.csv"


@cache
def county_fips_changes() -> tuple[dict[str, str], ...]:
    """Rows of ``data/county_fips_changes.csv``: fips (empty for a unit that never had
    one), name, state_fips, is_city, since, until, successor_fips, change_kind, change,
    source."""
    with FIPS_CHANGES.open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def _year(text: str) -> int | None:
    return int(text) if text else None


@cache
def county_units() -> tuple[CountyUnit, ...]:
    """Every county-equivalent of the 2010 and 2016 Census files (one row per code and
    name) with the years of :func:`county_fips_changes`, and the older units of that list."""
    changes = {(row["fips"] or None, row["name"]): row for row in county_fips_changes()}
    units: dict[tuple[str | None, str], CountyUnit] = {}
    for (fips, name), row in changes.items():
        is_city = row["is_city"] == "true"
        kind = HISTORICAL if fips is None else "independent city" if is_city else "county"
        units[(fips, name)] = CountyUnit(
            row["state_fips"],
            fips,
            name,
            is_city,
            False,
            kind,
            _year(row["since"]),
            _year(row["until"]),
            row["successor_fips"] or None,
        )
    # A code that replaced a renamed one applies from the year of the change.
    since = {
        row["successor_fips"]: int(row["until"])
        for row in changes.values()
        if row["change_kind"] == "renamed"
    }
    folder = files("_plotly_geo") / "package_data"
    for stem, encoding, state_field, county_field in COUNTY_FILES:
        current = stem == COUNTY_FILES[-1][0]
        with shapefile.Reader(dbf=(folder / f"{stem}.dbf").open("rb"), encoding=encoding) as dbf:
            for record in dbf.iterRecords(fields=[state_field, county_field, "NAME", "LSAD"]):
                state_fips, county, name, lsad = record
                fips = state_fips + county
                kind = UNIT_KINDS.get(lsad, "county")
                if fips in BLANK_LSAD_CITIES:
                    kind = "independent city"
                if state_fips == "22" and kind == "county":
                    kind = "parish"
                known = units.get((fips, name))
                units[(fips, name)] = CountyUnit(
                    state_fips,
                    fips,
                    name,
                    kind == "independent city",
                    current,
                    kind,
                    known.since if known else since.get(fips),
                    known.until if known else None,
                    known.successor if known else None,
                )
    return tuple(units.values())


@cache
def _units_by_state_and_key() -> dict[tuple[str, str], tuple[CountyUnit, ...]]:
    index: dict[tuple[str, str], list[CountyUnit]] = {}
    for unit in county_units():
        index.setdefault((unit.state_fips, name_key(unit.name)), []).append(unit)
    return {key: tuple(units) for key, units in index.items()}


@cache
def _units_by_code() -> dict[str, CountyUnit]:
    """The unit of each code whose years are known best (an ended code: its change row)."""
    found: dict[str, CountyUnit] = {}
    for unit in county_units():
        if unit.fips is not None and (unit.fips not in found or unit.until is not None):
            found[unit.fips] = unit
    return found


@cache
def _renamed_from() -> dict[str, str]:
    """Code → the code it replaced when its unit was renamed (12086 → 12025)."""
    return {
        row["successor_fips"]: row["fips"]
        for row in county_fips_changes()
        if row["change_kind"] == "renamed"
    }


@cache
def county_name_keys() -> dict[str, frozenset[str]]:
    """Spelling-proof keys of the names each county code has had."""
    keys: dict[str, set[str]] = {}
    for unit in county_units():
        if unit.fips is not None:
            keys.setdefault(unit.fips, set()).add(name_key(unit.name))
    return {fips: frozenset(found) for fips, found in keys.items()}


def code_in_year(fips: str, year: int) -> str:
    """The code a unit had in ``year``: a renamed unit's older code before the change
    (Miami-Dade 12086 in 1992 → 12025)."""
    unit = _units_by_code().get(fips)
    while unit is not None and unit.since is not None and year < unit.since:
        older = _renamed_from().get(unit.fips or "")
        if older is None:
            break
        fips, unit = older, _units_by_code().get(older)
    return fips


def successor_today(unit: CountyUnit) -> str | None:
    """The code a unit continues as today, following every change since (Nansemond
    County 51123 → Nansemond city 51695 → Suffolk 51800)."""
    code = unit.fips if unit.successor is None else unit.successor
    seen = set()
    while code is not None and code not in seen:
        seen.add(code)
        later = _units_by_code().get(code)
        if later is None or later.successor is None:
            break
        code = later.successor
    return code


def resolve_counties(state_fips: str, names: Iterable[str], year: int) -> dict[str, Resolution]:
    """Each county-equivalent name of one article resolved for its election's ``year``:
    the unit's code that year, its successor's code today and its kind
    (:data:`UNRESOLVED` where no unit fits).

    Names are resolved together because an article tells a county from the
    independent city of the same name by writing one of them with a suffix: beside
    ``St. Louis City`` a bare ``St. Louis`` is the county, beside ``Richmond County``
    a bare ``Richmond`` is the city. Among units of one name, those that existed in
    ``year`` come first (Nansemond: the county until 1972, the city until 1974).
    """
    unique = tuple(dict.fromkeys(names))
    return dict(zip(unique, _resolve_together(state_fips, unique, year), strict=True))


@lru_cache(maxsize=4096)  # a state's articles of one year share their names
def _resolve_together(state_fips: str, names: tuple[str, ...], year: int) -> tuple[Resolution, ...]:
    keys = {name_key(name) for name in names}
    resolved = []
    for name in names:
        wants_city: bool | None = None
        key = name_key(name)
        if _lookup(state_fips, key) is None:
            if CITY_SUFFIX.search(name):
                key, wants_city = name_key(CITY_SUFFIX.sub("", name)), True
            elif UNIT_SUFFIX.search(name):
                key, wants_city = name_key(UNIT_SUFFIX.sub("", name)), False
        elif key + "county" in keys or key + "parish" in keys:
            wants_city = True
        elif key + "city" in keys:
            wants_city = False
        if _timeless(state_fips, key):
            resolved.append(_resolve_timeless(state_fips, key, wants_city))
        else:
            unit = _pick(_lookup(state_fips, key) or (), wants_city, year)
            resolved.append(_resolution(unit, year))
    return tuple(resolved)


@cache
def _timeless(state_fips: str, key: str) -> bool:
    """Whether the units of a name resolve alike in every year: none of them, nor the unit
    of its code, has years (since, until) that the choice or the code depends on."""
    units = _lookup(state_fips, key) or ()
    return all(
        unit.since is None
        and unit.until is None
        and (unit.fips is None or _units_by_code()[unit.fips].since is None)
        for unit in units
    )


@cache
def _resolve_timeless(state_fips: str, key: str, wants_city: bool | None) -> Resolution:
    """The resolution of a :func:`_timeless` name, the same for every year: resolved once for
    all the articles that name it (any year gives it; 2000 is one)."""
    return _resolution(_pick(_lookup(state_fips, key) or (), wants_city, 2000), 2000)


def _resolution(unit: CountyUnit | None, year: int) -> Resolution:
    if unit is None:
        return UNRESOLVED
    if unit.fips is None:
        return Resolution(None, successor_today(unit), unit.kind)
    fips = code_in_year(unit.fips, year)
    then = _units_by_code().get(fips, unit)
    return Resolution(fips, successor_today(then), unit.kind)


def _lookup(state_fips: str, key: str) -> tuple[CountyUnit, ...] | None:
    return _units_by_state_and_key().get((state_fips, key))


def _pick(units: tuple[CountyUnit, ...], wants_city: bool | None, year: int) -> CountyUnit | None:
    """One unit among same-named ones: of the election's year if any, the asked-for kind,
    else a county before a city; None where the codes left disagree."""
    units = tuple(unit for unit in units if unit.applies_in(year)) or units
    if wants_city is not None:
        units = tuple(unit for unit in units if unit.is_city == wants_city)
    else:
        units = tuple(unit for unit in units if not unit.is_city) or units
    codes = {unit.fips for unit in units}
    if len(codes) != 1:
        return None
    return (
        next(unit for unit in units if unit.current) if any(u.current for u in units) else units[0]
    )


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
