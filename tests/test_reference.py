"""County FIPS resolution: the seed's 115 names and the known traps of the family."""

import pytest

from pipeline.tables.reference import find_state, name_key, resolve_counties


def test_every_seed_county_resolves(seed_tables):
    summaries = seed_tables.county_summaries
    assert summaries["county_fips"].notna().all()
    assert summaries["county_fips"].is_unique
    assert summaries["county_fips"].str.fullmatch(r"29\d{3}").all()


@pytest.mark.parametrize(
    ("county", "fips"),
    [
        ("St. Louis", "29189"),
        ("St. Louis City", "29510"),
        ("Ste. Genevieve", "29186"),
        ("DeKalb", "29063"),
        ("McDonald", "29119"),
        ("Jackson", "29095"),
        ("Shannon", "29203"),
    ],
)
def test_seed_traps(seed_tables, county, fips):
    summaries = seed_tables.county_summaries.set_index("county")
    assert summaries.loc[county, "county_fips"] == fips


def test_spelling_variants_share_a_key():
    assert name_key("St. Louis") == name_key("Saint Louis")
    assert name_key("Ste. Genevieve") == name_key("Sainte Genevieve")
    assert name_key("DeKalb") == name_key("De Kalb")


@pytest.mark.parametrize(
    ("state_fips", "names", "expected"),
    [
        ("24", ["Baltimore", "Baltimore City"], {"Baltimore": "24005", "Baltimore City": "24510"}),
        ("51", ["Richmond County", "Richmond"], {"Richmond County": "51159", "Richmond": "51760"}),
        ("51", ["Richmond", "Richmond City"], {"Richmond": "51159", "Richmond City": "51760"}),
        ("51", ["Bedford", "Bedford City"], {"Bedford": "51019", "Bedford City": "51515"}),
        ("51", ["Fairfax", "Fairfax City"], {"Fairfax": "51059", "Fairfax City": "51600"}),
        ("51", ["Franklin", "Franklin City"], {"Franklin": "51067", "Franklin City": "51620"}),
        ("51", ["Roanoke", "Roanoke City"], {"Roanoke": "51161", "Roanoke City": "51770"}),
        ("51", ["James City", "Charles City"], {"James City": "51095", "Charles City": "51036"}),
        ("32", ["Carson City"], {"Carson City": "32510"}),
        (
            "22",
            ["Orleans Parish", "St. Tammany"],
            {"Orleans Parish": "22071", "St. Tammany": "22103"},
        ),
        ("29", ["Nowhere"], {"Nowhere": None}),
    ],
)
def test_family_traps(state_fips, names, expected):
    resolved = resolve_counties(state_fips, names, 2004)
    assert {name: resolution.fips for name, resolution in resolved.items()} == expected


def test_states():
    missouri = find_state("Missouri")
    assert (missouri.postal_code, missouri.fips) == ("MO", "29")
    assert find_state("District of Columbia").postal_code == "DC"
    assert find_state("Puerto Rico") is None
    assert find_state("Atlantis") is None
