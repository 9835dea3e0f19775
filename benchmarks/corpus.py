"""Articles in the family's layout, written from structured results.

``render_article`` writes one article the way the renderings of Wikipedia's
"YEAR United States presidential election in STATE" pages look (title, infobox,
predictions, fundraising prose, results table with its caption row and colour-swatch
cells, the two-header by-county table with its Totals row, flipped counties, the
district table with lost numbers, electors). ``generate_corpus`` writes N such articles,
deterministically for a seed: every state and DC in turn, real county-equivalent names
and FIPS codes of the Census files, 2 to 6 candidate columns, every section; every
article passes every ERROR check.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.tables.reference import all_states, county_units

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
    flips: list[tuple[str, str]] = field(default_factory=list)  # county, largest city
    flip_parties: tuple[str, str] = ("Democratic", "Republican")
    raised: list[tuple[str, int]] = field(default_factory=list)
    turnout: str = "60.1%"
    primaries_heading: str = "Primaries"
    total_label: str = "Total"
    minus: str = "-"


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
            f"- Electoral Vote{number}: {spec.electoral_votes if number - 1 == winner else 0}",
            f"- Popular Vote{number}: {count(totals[number - 1])}",
            f"- Percentage{number}: {percent(totals[number - 1], grand)}",
        ]
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
        "| Party | Candidate | Votes | Percentage | Electoral votes | |",
    ]
    for index, candidate in enumerate(spec.candidates):
        name = candidate.name + (" (incumbent)" if candidate.incumbent else "")
        electoral = spec.electoral_votes if index == winner else 0
        lines.append(
            f"| | {candidate.party} Party | {name} | {count(totals[index])} | "
            f"{percent(totals[index], grand)} | {electoral} |"
        )
    lines += [
        f"| Totals | {count(grand)} | 100.00% | {spec.electoral_votes} | | |",
        f"| Voter turnout (Voting Age population) | {spec.turnout} | | | | |",
        "",
    ]
    lines += _county_table(spec, totals, grand)
    if spec.flips:
        lines += [
            "",
            f"====Counties that flipped from {spec.flip_parties[0]} to {spec.flip_parties[1]}====",
        ]
        lines += [f"- {name} (Largest city: {city})" for name, city in spec.flips]
    if spec.districts:
        surnames = [c.name.split()[-1] for c in spec.candidates[:2]]
        lines += [
            "",
            "===By congressional district===",
            f"| District | {surnames[0]} | {surnames[1]} | Representative |",
        ]
        for label, shares, representatives in spec.districts:
            lines.append(f"| {label} | {shares[0]}% | {shares[1]}% | {representatives[0]} |")
            lines += [f"| {name} | | | |" for name in representatives[1:]]
    if spec.electors:
        lines += [
            "",
            "==Electors==",
            "",
            "The following were the members of the Electoral College from the state.",
        ]
        lines += [f"{number}. {name}" for number, name in enumerate(spec.electors, start=1)]
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


def county_names(state_fips: str) -> list[str]:
    """County-equivalents of a state as an article names them (2016 Census names; an
    independent city that shares its name with a county is written 'X City')."""
    current = sorted(
        (u for u in county_units() if u.state_fips == state_fips and u.current),
        key=lambda unit: unit.fips,
    )
    counties = {unit.name for unit in current if not unit.is_city}
    return [
        f"{unit.name} City" if unit.is_city and unit.name in counties else unit.name
        for unit in current
    ]


def random_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def synthetic_spec(index: int, seed: int) -> ElectionSpec:
    """Article ``index`` of the corpus: state ``index mod 51``, year 1788 + 4 × (index div 51)."""
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
    lean = rng.uniform(-0.15, 0.15)
    counties = []
    for name in county_names(state.fips):
        total = int(rng.lognormvariate(9.5, 1.2)) + 50
        minor = [rng.uniform(0.002, 0.03) for _ in candidates[2:]]
        first = max(0.05, min(0.9, 0.5 + lean + rng.gauss(0, 0.12))) * (1 - sum(minor))
        shares = [first, 1 - sum(minor) - first, *minor]
        votes = [int(total * share) for share in shares]
        counties.append((name, votes))
    electoral_votes = rng.randint(3, 40)
    district_count = max(1, electoral_votes - 2)
    districts = []
    for _ in range(district_count):
        share = rng.randint(20, 80)
        label = "At-large" if district_count == 1 else ""
        representatives = [random_name(rng)] + ([random_name(rng)] if rng.random() < 0.05 else [])
        districts.append((label, [share, 100 - share], representatives))
    republican_wins = [name for name, votes in counties if votes[0] > votes[1]]
    return ElectionSpec(
        year=year,
        state=state.name,
        candidates=candidates,
        county_label={"LA": "Parish", "AK": "Borough"}.get(state.postal_code, "County"),
        counties=counties,
        columns=rng.randint(2, candidate_count) if candidate_count > 2 else 2,
        electoral_votes=electoral_votes,
        districts=districts,
        electors=[random_name(rng) for _ in range(electoral_votes)],
        predictions=[(source, rng.choice(RATINGS)) for source in SOURCES],
        flips=[(name, f"{name} Springs") for name in republican_wins[:3]],
        raised=[(c.name.split()[-1], rng.randint(10_000, 9_000_000)) for c in candidates[:2]],
        turnout=f"{rng.uniform(40, 75):.1f}%",
    )


def generate_corpus(count_articles: int, seed: int = 2004) -> Iterator[tuple[str, str]]:
    """(file name, text) of ``count_articles`` articles of the family."""
    for index in range(count_articles):
        spec = synthetic_spec(index, seed)
        name = (
            f"{spec.year}_United_States_presidential_election_in_{spec.state.replace(' ', '_')}.txt"
        )
        yield name, render_article(spec)
