"""The layout parser: title, infobox, sections, tables, lists, and the encodings of the family."""

import pytest

from pipeline.text.article import (
    ArticleError,
    Paragraph,
    Table,
    clean_text,
    decode_article,
    parse_article,
)

SMALL = """= 1996 United States presidential election in Virginia =

Infobox
- Election Date: November 5, 1996
- Nominee1: Bob Dole

Lead paragraph.

==Results==
| A | B |
| 1 | 2 |
===By county===
- bullet one
2. numbered two
== Analysis ==
Prose here.
"""


def test_title_gives_year_and_state(seed_article):
    assert (seed_article.year, seed_article.state) == (2004, "Missouri")
    assert seed_article.title == "2004 United States presidential election in Missouri"


@pytest.mark.parametrize(
    ("title", "state"),
    [
        (
            "1964 United States presidential election in the District of Columbia",
            "District of Columbia",
        ),
        ("2004 United States presidential election in Washington (state)", "Washington"),
        ("2020 United States presidential election in Georgia (U.S. state)", "Georgia"),
    ],
)
def test_title_variants(title, state):
    article = parse_article(f"= {title} =\n", "t.txt")
    assert article.state == state


def test_infobox_keys_and_lines(seed_article):
    assert seed_article.infobox["Popular Vote1"].text == "1,455,713"
    assert seed_article.infobox["Popular Vote1"].line == 19
    assert seed_article.infobox["Election Date"].text == "November 2, 2004"
    assert len(seed_article.infobox) == 30


def test_sections_nest_by_level(seed_article):
    paths = [s.path for s in seed_article.sections()]
    assert "Results > By county > Counties that flipped from Democratic to Republican" in paths
    assert "Campaign > Predictions" in paths
    assert "Analysis" in paths  # '== Analysis ==' with spaces


def test_blocks_keep_their_lines():
    article = parse_article(SMALL, "small.txt")
    results = next(s for s in article.sections() if s.name == "Results")
    (table,) = results.tables()
    assert isinstance(table, Table)
    assert [(row.line, row.cells) for row in table.rows] == [(10, ("A", "B")), (11, ("1", "2"))]
    by_county = results.children[0]
    assert [(i.line, i.text, i.number) for i in by_county.list_items()] == [
        (13, "bullet one", None),
        (14, "numbered two", 2),
    ]
    lead = article.root.blocks[0]
    assert isinstance(lead, Paragraph) and lead.line == 7


def test_byte_order_mark_crlf_and_non_breaking_spaces():
    text = SMALL.replace("\n", "\r\n").replace("Bob Dole", "Bob\u00a0Dole")
    decoded = decode_article(b"\xef\xbb\xbf" + text.encode(), "crlf.txt")
    article = parse_article(decoded, "crlf.txt")
    assert article.infobox["Nominee1"].text == "Bob Dole"
    assert article.year == 1996


def test_footnote_markers_are_dropped():
    assert clean_text("Jackson[a]") == "Jackson"
    assert clean_text("1,234[1] ") == "1,234"
    assert clean_text("Kerry [note 2]") == "Kerry"


def test_not_utf8_names_file_and_line():
    with pytest.raises(ArticleError, match=r"latin\.txt, line 2: not UTF-8 text"):
        decode_article("= x =\nSt. Genevi\u00e8ve\n".encode("latin-1"), "latin.txt")


def test_empty_file():
    with pytest.raises(ArticleError, match=r"empty\.txt: the file is empty"):
        decode_article(b"  \n", "empty.txt")


def test_title_that_is_not_of_the_family():
    with pytest.raises(ArticleError, match=r"other\.txt, line 1: title 'Something else'"):
        parse_article("= Something else =\n", "other.txt")
