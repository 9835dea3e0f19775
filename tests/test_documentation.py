"""The generated documentation matches the code and the commands' real output: `make docs`
has been run since the last change."""

import pytest

from pipeline.documentation import GENERATED, SECTIONS, mask, render
from tests.conftest import PROJECT


@pytest.mark.parametrize("name", GENERATED)
def test_generated_sections_are_current(name):
    text = (PROJECT / name).read_text()
    assert mask(render(text, GENERATED[name], PROJECT)) == mask(text), (
        f"run `make docs` and commit {name}"
    )


def test_every_section_is_generated_somewhere():
    assert sorted(s for sections in GENERATED.values() for s in sections) == sorted(SECTIONS)


def test_outputs_differ_only_in_run_ids_and_durations():
    shown = "run 8262c219-de4f-408c-aeaf-4ab8725b324e: succeeded in 2.5 s"
    again = "run 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0: succeeded in 12.0 s"
    assert mask(shown) == mask(again) == "run RUN: succeeded in N s"
    assert mask("checks: 28 passed") != mask("checks: 27 passed")


def test_dictionary_lists_every_view_column_with_its_meaning():
    dictionary = (PROJECT / "docs" / "data-dictionary.md").read_text()
    assert "#### `county_results` (view)" in dictionary
    assert "| `county_fips` | VARCHAR | Five-digit county FIPS code as text;" in dictionary
    checks = (PROJECT / "docs" / "data-quality.md").read_text()
    assert (
        "| `county_columns_sum_to_total` | `county_results` | ERROR (refuses the article) |"
        in checks
    )


def test_readme_shows_the_refused_article_by_file_line_and_cell():
    readme = (PROJECT / "README.md").read_text()
    assert "line 89 (Adair, 29001), column 'Total': 11,504 (expected 11,404)" in readme
