"""The README's generated sections match the code: `make docs` has been run."""

from pipeline.dictionary import render
from tests.conftest import PROJECT


def test_readme_generated_sections_are_current():
    readme = (PROJECT / "README.md").read_text()
    assert render(readme) == readme, "run `make docs` and commit README.md"


def test_dictionary_lists_every_view_column_with_its_meaning():
    readme = (PROJECT / "README.md").read_text()
    assert "#### `county_results` (view)" in readme
    assert "| `county_fips` | VARCHAR | Five-digit county FIPS code as text;" in readme
    assert (
        "| `county_columns_sum_to_total` | `county_results` | ERROR (refuses the article) |"
        in readme
    )
