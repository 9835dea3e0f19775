"""Articles in the family's layout, written from structured results.

``render_article`` writes one article the way the renderings of Wikipedia's
"YEAR United States presidential election in STATE" pages look (title, infobox,
predictions, fundraising prose, results table with its caption row and colour-swatch
cells, the two-header by-county table with its Totals row, flipped counties, the
district table with lost numbers, electors). ``generate_corpus`` writes N such articles,
deterministically for a seed: every state and DC in turn, real county-equivalent names
and FIPS codes of the Census files, 2 to 6 candidate columns, every section; every
article passes every ERROR check.

The family's exceptions are in it too: the county-equivalents of the election's year
(Dade before 1997, Ormsby before 1969, Bedford city before 2013, Garfield County, KS, that
never had a FIPS code), wards in DC and state house districts in Alaska since 2004, split
electoral votes in Maine (since 1972) and Nebraska (since 1992) with the district table's
``Electoral vote`` column, a faithless elector, unpledged electors (two candidates of one
party) and, before 1868, legislatures that chose the electors (no popular vote).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.tables.reference import (
    State,
    all_states,
    county_fips_changes,
    county_units,
    resolve_counties,
)

PARTIES = ["Libertarian", "Green", "Constitution", "Reform", "Independent", "Natural Law"]
FIRST_NAMES = [
    "James",
    "John",
    "Mary",
    "Anne",
    "Thomas",
    "Ruth",
    "George",
    "Helen",
    "Samuel",
    "Grace",
    "Henry",
    "Alice",
    "Walter",
    "Clara",
    "Arthur",
    "Edith",
    "Lewis",
    "Rose",
]
LAST_NAMES = [
    "Adams",
    "Baker",
    "Carter",
    "Dawson",
    "Ellis",
    "Foster",
    "Grant",
    "Hayes",
    "Irving",
    "Jensen",
    "Keller",
    "Lowell",
    "Marsh",
    "Norton",
    "Osborne",
    "Price",
    "Quincy",
    "Reed",
    "Sutton",
    "Tanner",
    "Upton",
    "Vance",
    "Whitman",
    "Young",
]
SOURCES = [
    "Cook Political Report",
    "Associated Press",
    "CNN",
    "Rasmussen Reports",
    "Sabato's Crystal Ball",
    "Washington Post",
]
RATINGS = ["Safe R", "Likely R", "Lean R", "Tossup", "Lean D", "Likely D", "Safe D"]


@dataclass
class Candidate:
    name: str
    party: str  # short name: "Republican"
    running_mate: str = ""
    home_state: str = ""
    incumbent: bool = False


@dataclass
class ElectionSpec:
    """Everything an article says, as data. ``columns`` are the by-county column groups:
    the first ``len(columns)`` candidates, then an 'Other' column for the rest."""

    year: int
    state: str
    candidates: list[Candidate]
    county_label: str  # "County", "Parish", "Borough"…
    counties: list[tuple[str, list[int]]]  # name, votes per candidate (all candidates)
    columns: int  # candidates with their own by-county column
    electoral_votes: int
    districts: list[tuple[str, list[int], list[str]]] = field(default_factory=list)
    electors: list[str] = field(default_factory=list)
    predictions: list[tuple[str, str]] = field(default_factory=list)
    # The counties that flipped: county, largest city, from party, to party.
    flips: list[tuple[str, str, str, str]] = field(default_factory=list)
    raised: list[tuple[str, int]] = field(default_factory=list)
    turnout: str = "60.1%"
    primaries_heading: str = "Primaries"
    total_label: str = "Total"
    minus: str = "-"
    # Electoral votes per candidate where the winner does not take all (split state,
    # faithless or unpledged electors); the candidate each elector voted for, if said.
    electoral: list[int] | None = None
    elector_candidates: list[str] = field(default_factory=list)
    district_electors: bool = False  # the district table names each district's winner
    legislature: bool = False  # the legislature chose the electors: no popular vote


def count(value: int, minus: str = "-") -> str:
    return f"{value:,}".replace("-", minus)


def percent(part: int, whole: int, minus: str = "-") -> str:
    return f"{part / whole * 100:.2f}%".replace("-", minus) if whole else "0.00%"


def render_article(spec: ElectionSpec) -> str:
    """The article text of ``spec`` (``\\n`` line ends)."""
    title = f"{spec.year} United States presidential election in {spec.state}"
    totals = [sum(votes[i] for _, votes in spec.counties) for i in range(len(spec.candidates))]
    grand = sum(totals)
    winner = max(range(len(spec.candidates)), key=lambda i: totals[i])
    electoral = spec.electoral or [
        spec.electoral_votes if i == winner else 0 for i in range(len(spec.candidates))
    ]
    lines = [
        f"= {title} =",
        "",
        "Infobox",
        f"- Election Name: {title}",
        f"- Country: {spec.state}",
        "- Type: presidential",
        f"- Previous Year: {spec.year - 4}",
        f"- Next Year: {spec.year + 4}",
        f"- Election Date: November {2 + spec.year % 7}, {spec.year}",
    ]
    for number, candidate in enumerate(spec.candidates[:2], start=1):
        lines += [
            f"- Nominee{number}: {candidate.name}",
            f"- Party{number}: {candidate.party} Party (United States)",
            f"- Home State{number}: {candidate.home_state or spec.state}",
            f"- Running Mate{number}: {candidate.running_mate or 'N. N.'}",
            f"- Electoral Vote{number}: {electoral[number - 1]}",
        ]
        if not spec.legislature:
            lines.append(f"- Popular Vote{number}: {count(totals[number - 1])}")
        lines.append(f"- Percentage{number}: {percent(totals[number - 1], grand)}")
    lines += [
        f"- Turnout: {spec.turnout}",
        "",
        f"The {title} took place on election day. Voters chose {spec.electoral_votes} electors.",
        "",
        f"=={spec.primaries_heading}==",
        f"- {spec.year} {spec.state} Democratic presidential {spec.primaries_heading.lower()}",
        "",
        "==Campaign==",
        "===Predictions===",
        "| Source | Ranking |",
    ]
    lines += [f"| {source} | {rating} |" for source, rating in spec.predictions]
    lines += ["", "===Fundraising==="]
    lines.append(" ".join(f"{name} raised ${amount:,}." for name, amount in spec.raised))
    lines += [
        "",
        "==Results==",
        f"| {title} | | | | | |",
        f"| Party | Candidate | {'Legislative vote' if spec.legislature else 'Votes'} | "
        "Percentage | Electoral votes | |",
    ]
    for index, candidate in enumerate(spec.candidates):
        name = candidate.name + (" (incumbent)" if candidate.incumbent else "")
        lines.append(
            f"| | {candidate.party} Party | {name} | {count(totals[index])} | "
            f"{percent(totals[index], grand)} | {electoral[index]} |"
        )
    lines.append(f"| Totals | {count(grand)} | 100.00% | {spec.electoral_votes} | | |")
    if not spec.legislature:
        lines += [f"| Voter turnout (Voting Age population) | {spec.turnout} | | | | |", ""]
        lines += _county_table(spec, totals, grand)
    if not spec.legislature:
        for parties in dict.fromkeys((old, new) for _, _, old, new in spec.flips):
            lines += ["", f"====Counties that flipped from {parties[0]} to {parties[1]}===="]
            lines += [
                f"- {name} (Largest city: {city})"
                for name, city, old, new in spec.flips
                if (old, new) == parties
            ]
    if spec.districts:
        surnames = [c.name.split()[-1] for c in spec.candidates[:2]]
        elector = " Electoral vote |" if spec.district_electors else ""
        lines += [
            "",
            "===By congressional district===",
            f"| District | {surnames[0]} | {surnames[1]} |{elector} Representative |",
        ]
        for label, shares, representatives in spec.districts:
            won = f" {surnames[0] if shares[0] > shares[1] else surnames[1]} |" * bool(elector)
            lines.append(f"| {label} | {shares[0]}% | {shares[1]}% |{won} {representatives[0]} |")
            lines += [f"| {name} | |{' |' * bool(elector)} |" for name in representatives[1:]]
    if spec.electors:
        lines += [
            "",
            "==Electors==",
            "",
            "The following were the members of the Electoral College from the state.",
        ]
        notes = [f" ({name})" for name in spec.elector_candidates] or [""] * len(spec.electors)
        lines += [
            f"{number}. {name}{note}"
            for number, (name, note) in enumerate(zip(spec.electors, notes, strict=True), start=1)
        ]
    lines += ["", "==See also==", f"- United States presidential elections in {spec.state}", ""]
    return "\n".join(lines)


def _county_table(spec: ElectionSpec, totals: list[int], grand: int) -> list[str]:
    named = spec.candidates[: spec.columns]
    groups = [f"{c.name} {c.party}" for c in named]
    has_other = spec.columns < len(spec.candidates)
    if has_other:
        groups.append("Various candidates Other parties")
    width = len(groups) * 2 + 2  # #/% per group, margin #/%, total
    header = [spec.county_label, *groups, "Margin", spec.total_label]
    lines = [
        f"===By {spec.county_label.lower()}===",
        "| " + " | ".join(header + [""] * (width + 1 - len(header))) + " |",
        "| " + " | ".join(["#", "%"] * (len(groups) + 1) + ["", ""]) + " |",
    ]
    rows = [(name, votes) for name, votes in spec.counties] + [("Totals", totals)]
    for name, votes in rows:
        total = sum(votes)
        columns = list(votes[: spec.columns])
        if has_other:
            columns.append(sum(votes[spec.columns :]))
        margin = columns[0] - columns[1]
        cells = [name]
        for value in columns:
            cells += [count(value), percent(value, total)]
        cells += [count(margin, spec.minus), percent(margin, total, spec.minus), count(total)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


# --- A corpus of the whole family ------------------------------------------------------


def county_names(state_fips: str, year: int = 2016) -> list[str]:
    """County-equivalents of a state as an article of ``year`` names them (2016 Census
    names; an independent city that shares its name with a county is written 'X City'),
    with the units of that year that were renamed or merged since or never had a code
    (county_fips_changes.csv): Dade for Miami-Dade before 1997, Bedford City before 2013."""
    current = sorted(
        (u for u in county_units() if u.state_fips == state_fips and u.current),
        key=lambda unit: unit.fips,
    )
    counties = {unit.name for unit in current if not unit.is_city}
    names = {
        unit.fips: f"{unit.name} City" if unit.is_city and unit.name in counties else unit.name
        for unit in current
    }
    for row in county_fips_changes():
        since = int(row["since"]) if row["since"] else None
        if row["state_fips"] != state_fips or year >= int(row["until"]):
            continue
        if (since is not None and year < since) or row["change_kind"] == "split":
            continue
        if row["change_kind"] == "renamed" and row["successor_fips"] in names:
            names[row["successor_fips"]] = row["name"]
            continue
        name = row["name"]
        if name in names.values():
            name += " City" if row["is_city"] == "true" else " County"
        names[row["fips"] or f"{state_fips}-{row['name']}"] = name
    return list(names.values())


def random_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


SPLIT_SINCE = {"ME": 1972, "NE": 1992}  # states that give each district's elector apart
LEGISLATURES_UNTIL = 1868  # some legislatures chose the electors before then


def reporting_units(postal_code: str, fips: str, year: int) -> tuple[str, list[str]]:
    """The header and the units of a state's by-county table in ``year``: DC reports by
    ward, Alaska by state house district since 2004, Louisiana by parish."""
    if postal_code == "DC":
        return "Ward", [f"Ward {number}" for number in range(1, 9)]
    if postal_code == "AK" and year >= 2004:
        return "State house district", [f"District {number}" for number in range(1, 41)]
    return {"LA": "Parish", "AK": "Borough"}.get(postal_code, "County"), county_names(fips, year)


@dataclass
class _Draws:
    """The draws of an article up to its county votes: what the next election's article
    needs to list the counties that flipped since."""

    rng: random.Random
    state: State
    year: int
    candidates: list[Candidate]
    legislature: bool
    split: bool
    unpledged: bool
    county_label: str
    counties: list[tuple[str, list[int]]]


def _draws(index: int, seed: int) -> _Draws:
    states = all_states()
    state = states[index % len(states)]
    year = 1788 + 4 * (index // len(states))
    rng = random.Random(f"{seed}-{state.postal_code}-{year}")
    candidate_count = rng.randint(2, 6)
    candidates = [
        Candidate(f"{rng.choice(FIRST_NAMES)} {name}", party)
        for name, party in zip(
            rng.sample(LAST_NAMES, candidate_count),
            ["Republican", "Democratic", *rng.sample(PARTIES, 4)],
            strict=False,
        )
    ]
    legislature = year < LEGISLATURES_UNTIL and index % 5 == 0
    split = year >= SPLIT_SINCE.get(state.postal_code, 9999)
    unpledged = not legislature and not split and index % 17 == 0
    if unpledged:
        candidates[1].party = candidates[0].party
    lean = rng.uniform(-0.15, 0.15)
    county_label, names = reporting_units(state.postal_code, state.fips, year)
    counties = []
    for name in names:
        total = int(rng.lognormvariate(9.5, 1.2)) + 50
        minor = [rng.uniform(0.002, 0.03) for _ in candidates[2:]]
        first = max(0.05, min(0.9, 0.5 + lean + rng.gauss(0, 0.12))) * (1 - sum(minor))
        shares = [first, 1 - sum(minor) - first, *minor]
        votes = [int(total * share) for share in shares]
        counties.append((name, votes))
    if legislature:  # the members' votes, not the people's
        counties = [("Legislature", [rng.randint(1, 80) for _ in candidates])]
    return _Draws(
        rng, state, year, candidates, legislature, split, unpledged, county_label, counties
    )


def _winners(draws: _Draws) -> dict[str, tuple[str, str]]:
    """Each unit as it is today (current_fips) with the party that carried it (the most
    votes, summed over the article's units of it; none on a tie), and the name of one of
    its units that party carried: what the article lists if it flipped."""
    if draws.legislature:
        return {}
    resolved = resolve_counties(draws.state.fips, [name for name, _ in draws.counties], draws.year)
    parties = [candidate.party for candidate in draws.candidates]
    units: dict[str, list[tuple[str, dict[str, int]]]] = {}
    for name, counts in draws.counties:
        unit = resolved[name].current_fips
        if unit is not None:  # wards and state house districts have none
            by_party: dict[str, int] = {}
            for party, count in zip(parties, counts, strict=False):
                by_party[party] = by_party.get(party, 0) + count
            units.setdefault(unit, []).append((name, by_party))
    winners = {}
    for unit, parts in units.items():
        total: dict[str, int] = {}
        for _, by_party in parts:
            for party, count in by_party.items():
                total[party] = total.get(party, 0) + count
        ranked = sorted(total.values(), reverse=True)
        if len(ranked) > 1 and ranked[0] == ranked[1]:
            continue
        party = max(total, key=total.__getitem__)
        name = next(n for n, by_party in parts if max(by_party, key=by_party.__getitem__) == party)
        winners[unit] = (party, name)
    return winners


def _flips(draws: _Draws, previous: _Draws | None) -> list[tuple[str, str, str, str]]:
    """The counties whose winning party changed since the state's previous election, as
    the article lists them (county_flips computes the same from the two by-county tables)."""
    if previous is None or previous.legislature:
        return []
    before = _winners(previous)
    return [
        (name, f"{name} Springs", before[unit][0], party)
        for unit, (party, name) in _winners(draws).items()
        if unit in before and before[unit][0] != party
    ]


def synthetic_spec(index: int, seed: int) -> ElectionSpec:
    """Article ``index`` of the corpus: state ``index mod 51``, year 1788 + 4 × (index div 51).

    Every fifth article before 1868 is a legislature's choice; Maine and Nebraska split
    their electoral votes since they did; every 13th other article has a faithless elector
    and every 17th unpledged electors (a second candidate of the winner's party)."""
    draws = _draws(index, seed)
    rng, state, year, candidates = draws.rng, draws.state, draws.year, draws.candidates
    legislature, split, unpledged = draws.legislature, draws.split, draws.unpledged
    county_label, counties = draws.county_label, draws.counties
    candidate_count = len(candidates)
    faithless = not legislature and not split and not unpledged and index % 13 == 0
    electoral_votes = rng.randint(4 if split else 3, 40)
    district_count = max(1, electoral_votes - 2)
    districts = []
    for _ in range(0 if legislature else district_count):
        share = rng.randint(20, 80)
        share += split and share == 50  # a district elector needs a winner
        label = "At-large" if district_count == 1 else ""
        representatives = [random_name(rng)] + ([random_name(rng)] if rng.random() < 0.05 else [])
        districts.append((label, [share, 100 - share], representatives))
    electors = [random_name(rng) for _ in range(electoral_votes)]
    totals = [sum(votes[i] for _, votes in counties) for i in range(len(candidates))]
    winner = max(range(len(candidates)), key=lambda i: totals[i])
    electoral = [electoral_votes if i == winner else 0 for i in range(len(candidates))]
    if split:  # two at-large electors for the state's winner, one per district
        electoral = [2 * (i == winner) for i in range(len(candidates))]
        for _, shares, _ in districts:
            electoral[0 if shares[0] > shares[1] else 1] += 1
    elif unpledged:
        electoral[winner], electoral[1 - winner] = electoral_votes - 2, 2
    elif faithless:  # the winner's running mate gets one vote and no popular vote
        used = {candidate.name.split()[-1] for candidate in candidates}
        surname = rng.choice([name for name in LAST_NAMES if name not in used])
        candidates.append(
            Candidate(f"{rng.choice(FIRST_NAMES)} {surname}", candidates[winner].party)
        )
        counties = [(name, [*votes, 0]) for name, votes in counties]
        electoral[winner] -= 1
        electoral.append(1)
    elector_candidates = (
        [c.name for c, won in zip(candidates, electoral, strict=True) for _ in range(won)]
        if split or unpledged
        else []
    )
    return ElectionSpec(
        year=year,
        state=state.name,
        candidates=candidates,
        county_label=county_label,
        counties=counties,
        columns=rng.randint(2, candidate_count) if candidate_count > 2 else 2,
        electoral_votes=electoral_votes,
        districts=districts,
        electors=electors,
        predictions=[(source, rng.choice(RATINGS)) for source in SOURCES],
        flips=_flips(draws, _draws(index - len(all_states()), seed) if year > 1788 else None),
        raised=[(c.name.split()[-1], rng.randint(10_000, 9_000_000)) for c in candidates[:2]],
        turnout=f"{rng.uniform(40, 75):.1f}%",
        electoral=electoral,
        elector_candidates=elector_candidates,
        district_electors=split,
        legislature=legislature,
    )


def generate_corpus(count_articles: int, seed: int = 2004) -> Iterator[tuple[str, str]]:
    """(file name, text) of ``count_articles`` articles of the family."""
    for index in range(count_articles):
        spec = synthetic_spec(index, seed)
        name = (
            f"{spec.year}_United_States_presidential_election_in_{spec.state.replace(' ', '_')}.txt"
        )
        yield name, render_article(spec)
