"""Stage 1: article text → document model.

An article file is a plain-text rendering of a Wikipedia page (see
``docs/article-format.md`` in the repository). This module knows the *layout* only: title,
infobox, headings, paragraphs, lists and pipe tables, each element remembering the
line it came from so that every later error can name file, section and line. It knows
nothing about elections; :mod:`pipeline.tables.extract` gives the elements their meaning.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import NamedTuple

TITLE_PATTERN = re.compile(r"^=\s*(?P<title>[^=].*?)\s*=$")
HEADING_PATTERN = re.compile(r"^(?P<marks>={2,6})\s*(?P<name>.*?)\s*(?P=marks)$")
ELECTION_TITLE_PATTERN = re.compile(
    r"^(?P<year>\d{4}) United States presidential election in (?:the )?(?P<state>.+?)"
    r"(?:\s*\((?:U\.S\. )?state\))?$"
)
INFOBOX_ITEM_PATTERN = re.compile(r"^- (?P<key>[^:]+?):\s?(?P<value>.*)$")
NUMBERED_ITEM_PATTERN = re.compile(r"^(?P<number>\d+)\.\s+(?P<text>.*)$")
# A list item's number becomes a 64-bit ordinal: 18 digits always fit.
MAX_ITEM_DIGITS = 18
# Footnote markers of the rendered page: [a], [1], [note 3], [citation needed].
FOOTNOTE_PATTERN = re.compile(r"\s*\[(?:[a-z]|\d+|note \d+|nb \d+|citation needed)\]", re.I)
# What clean_text changes in ASCII text besides runs of spaces: footnote markers and
# whitespace other than the space.
IRREGULAR_MARKS = ("[", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
# Spaces the rendering may carry instead of a plain space.
ODD_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " "})


class ArticleError(ValueError):
    """A fault in an article, located by file, section and line.

    The message is meant for the person who has to fix the file, so it always says
    where the fault is; callers never need a traceback to find it.
    """

    def __init__(
        self, file: str, message: str, section: str | None = None, line: int | None = None
    ):
        self.file = file
        self.section = section
        self.line = line
        self.reason = message
        where = [file]
        if section:
            where.append(f"section '{section}'")
        if line is not None:
            where.append(f"line {line}")
        super().__init__(f"{', '.join(where)}: {message}")

    def __reduce__(self):
        """Rebuilt from its fields (and any attribute set since), so that an error crosses
        from a parsing process to the caller whole: the default would call ``__init__``
        with the formatted message alone."""
        return type(self), (self.file, self.reason, self.section, self.line), self.__dict__


class Row(NamedTuple):
    """One line of a pipe table: its cells, stripped of padding and footnote markers.

    The elements of the model are named tuples rather than dataclasses: a corpus has
    hundreds of thousands of them, and a tuple is made several times faster."""

    line: int
    cells: tuple[str, ...]

    @property
    def filled(self) -> tuple[str, ...]:
        """The non-empty cells, in order (collapsed rows shift their values left)."""
        return tuple(cell for cell in self.cells if cell)


class Table(NamedTuple):
    line: int
    rows: tuple[Row, ...]


class ListItem(NamedTuple):
    line: int
    text: str
    number: int | None  # None for a bullet item


class Paragraph(NamedTuple):
    line: int
    text: str


Block = Table | ListItem | Paragraph


@dataclass
class Section:
    """A heading and what stands under it; ``children`` are the deeper headings.

    ``path`` names the section and the headings above it (``Results > By county``): how
    error messages name it. A section knows no parent: without cycles, an article's model
    is freed as soon as it is no longer used, without the cyclic garbage collector."""

    name: str
    level: int
    line: int
    path: str = "(lead)"
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]

    def list_items(self) -> list[ListItem]:
        return [block for block in self.blocks if isinstance(block, ListItem)]

    def paragraphs(self) -> list[Paragraph]:
        return [block for block in self.blocks if isinstance(block, Paragraph)]


class InfoboxValue(NamedTuple):
    line: int
    text: str


@dataclass
class Article:
    """The document model of one article file."""

    file: str
    sha256: str
    title: str
    year: int
    state: str
    infobox: dict[str, InfoboxValue]
    root: Section
    # Every section, the root first, in file order: listed as they are read, since the
    # recognizers look through them a dozen times per article.
    in_order: list[Section] = field(repr=False, compare=False)

    def sections(self) -> list[Section]:
        return self.in_order

    def error(self, message: str, section: Section | str | None = None, line: int | None = None):
        """An :class:`ArticleError` for this article, ready to raise."""
        name = section.path if isinstance(section, Section) else section
        return ArticleError(self.file, message, name, line)


def clean_text(text: str) -> str:
    """Text as a reader sees it: odd spaces made plain, footnote markers dropped."""
    if not text.isascii():
        text = text.translate(ODD_SPACES)
    if "[" in text:
        text = FOOTNOTE_PATTERN.sub("", text)
    return " ".join(text.split())


def decode_article(data: bytes, file: str) -> str:
    """Bytes of an article file → text with ``\\n`` line ends and no byte-order mark."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ArticleError(
            file, f"not UTF-8 text (byte {error.start} cannot be decoded)", line=line
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ArticleError(file, "not a text file (it contains NUL bytes)", line=line)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ArticleError(file, "the file is empty")
    return text


def read_title(line: str, file: str) -> tuple[str, int, str]:
    """The title on an article's first ``line``, with the year and the state (as the
    title names it) of its election. Raises :class:`ArticleError` on another first line."""
    title_match = TITLE_PATTERN.match(clean_text(line))
    if not title_match:
        raise ArticleError(file, "the first line must be the title '= TITLE ='", line=1)
    title = title_match["title"]
    election = ELECTION_TITLE_PATTERN.match(title)
    if not election:
        raise ArticleError(
            file,
            f"title '{title}' is not 'YEAR United States presidential election in STATE'",
            line=1,
        )
    return title, int(election["year"]), election["state"].strip()


def parse_article(text: str, file: str, sha256: str | None = None) -> Article:
    """Article text → :class:`Article`. Raises :class:`ArticleError` on a malformed layout.

    ``sha256`` identifies the article version (the hash of the file's bytes); text
    that did not come from a file is identified by the hash of its UTF-8 encoding.
    """
    lines = text.split("\n")
    title, year, state = read_title(lines[0], file)

    root = Section(name=title, level=1, line=1)
    infobox: dict[str, InfoboxValue] = {}
    section = root
    headings = [root]  # the section being read and the sections above it
    sections = [root]  # every section, in file order
    index = 1
    while index < len(lines):
        number = index + 1
        raw = lines[index]
        if raw.lstrip().startswith("|"):
            index = _read_table(lines, index, section)
            continue
        line = clean_text(raw)
        if not line:
            index += 1
        elif line == "Infobox" and section is root and not infobox:
            index = _read_infobox(lines, index + 1, infobox)
        elif line.startswith("==") and (heading := HEADING_PATTERN.match(line)):
            level = len(heading["marks"])
            while headings[-1].level >= level:  # never the root: its level is 1
                headings.pop()
            path = " > ".join([above.name for above in headings[1:]] + [heading["name"]])
            section = Section(heading["name"], level, number, path or "(lead)")
            headings[-1].children.append(section)
            headings.append(section)
            sections.append(section)
            index += 1
        elif line.startswith("- "):
            section.blocks.append(ListItem(number, line[2:].strip(), None))
            index += 1
        elif line[0].isdigit() and (numbered := NUMBERED_ITEM_PATTERN.match(line)):
            if len(numbered["number"]) > MAX_ITEM_DIGITS:
                raise ArticleError(
                    file,
                    f"list item number {numbered['number']} is too large",
                    section.path,
                    number,
                )
            section.blocks.append(ListItem(number, numbered["text"], int(numbered["number"])))
            index += 1
        else:
            section.blocks.append(Paragraph(number, line))
            index += 1
    if not text.endswith("\n"):
        # Every file of the family ends with a newline: without one, the file was cut short
        # (a copy or download stopped), maybe inside a table or list that would load short.
        raise ArticleError(
            file,
            "the file does not end with a newline: it is truncated (its last line may be cut "
            "short, and what followed is missing)",
            section.path,
            len(lines),
        )
    return Article(
        file=file,
        sha256=sha256 or hashlib.sha256(text.encode()).hexdigest(),
        title=title,
        year=year,
        state=state,
        infobox=infobox,
        root=root,
        in_order=sections,
    )


def _read_infobox(lines: list[str], index: int, infobox: dict[str, InfoboxValue]) -> int:
    """Read ``- Key: value`` lines up to the first blank line; return the next line index."""
    while index < len(lines):
        line = clean_text(lines[index])
        item = INFOBOX_ITEM_PATTERN.match(line)
        if not item:
            break
        infobox.setdefault(item["key"].strip(), InfoboxValue(index + 1, item["value"].strip()))
        index += 1
    return index


def _read_table(lines: list[str], index: int, section: Section) -> int:
    """Read consecutive ``|`` lines into one :class:`Table`; return the next line index."""
    start = index
    while index < len(lines) and lines[index].lstrip().startswith("|"):
        index += 1
    cells = _table_cells(lines[start:index])
    rows = tuple(map(Row._make, zip(range(start + 1, index + 1), cells, strict=True)))
    section.blocks.append(Table(start + 1, rows))
    return index


def _table_cells(lines: list[str]) -> list[tuple[str, ...]]:
    """The cells of each line of a table, as :func:`_split_cells` reads them.

    Most tables are plain ASCII without footnote markers or odd whitespace: their lines
    are split without cleaning them first, which gives the same cells (but for a line with
    a run of spaces, which might stand inside a cell) several times faster."""
    text = "\n".join(lines)
    if not text.isascii() or any(mark in text for mark in IRREGULAR_MARKS):
        return [_split_cells(line) for line in lines]
    return [_split_cells(line) if "  " in line else _split_plain(line) for line in lines]


def _split_cells(line: str) -> tuple[str, ...]:
    body = clean_text(line)[1:]
    if body.endswith("|"):
        body = body[:-1]
    return tuple(map(str.strip, body.split("|")))


def _split_plain(line: str) -> tuple[str, ...]:
    """:func:`_split_cells` of a line that :func:`clean_text` would leave as it is."""
    body = line.strip()[1:]
    if body.endswith("|"):
        body = body[:-1]
    return tuple(map(str.strip, body.split("|")))
