"""The generated documentation matches the code: `make docs` has been run."""

import pytest

from pipeline.dictionary import GENERATED, SECTIONS, render
from tests.conftest import PROJECT


@pytest.mark.parametrize("name", GENERATED)
def test_generated_sections_are_current(name):
    text = (PROJECT / name).read_text()
    assert render(text, GENERATED[name]) == text, f"run `make docs` and commit {name}"


def test_every_section_is_generated_somewhere():
    assert sorted(s for sections in GENERATED.values() for s in sections) == sorted(SECTIONS)


def test_dictionary_lists_every_view_column_with_its_meaning():
    dictionary = (PROJECT / "docs" / "data-dictionary.md").read_text()
    assert "#### `county_results` (view)" in dictionary
    assert "| `county_fips` | VARCHAR | Five-digit county FIPS code as text;" in dictionary
    checks = (PROJECT / "docs" / "data-quality.md").read_text()
    assert (
        "| `county_columns_sum_to_total` | `county_results` | ERROR (refuses the article) |"
        in checks
    )
