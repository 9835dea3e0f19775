"""Parsing in several processes gives what parsing in one gives: the same frames, rows in
the same order, the same errors in the same order."""

import hashlib
import os
import pickle

import pandas as pd
import pytest

from benchmarks.corpus import render_article, synthetic_spec
from pipeline import processes, settings
from pipeline.cli import holds_many_articles
from pipeline.tables import extract
from pipeline.tables.extract import extract_articles
from pipeline.text.article import ArticleError

ARTICLES = 40
CHUNK = 5  # 8 chunks of 5 articles: several for each process


def source(name: str, text: str | None, error: str | None = None, line: int | None = None):
    return {
        "file": name,
        "sha256": None if text is None else hashlib.sha256(text.encode()).hexdigest(),
        "bytes": 0 if text is None else len(text.encode()),
        "text": text,
        "error": error,
        "error_line": line,
    }


def first_county_row(text: str) -> tuple[int, list[str]]:
    """Index of the first data row of the by-county table, and the table's header cells."""
    lines = text.split("\n")
    sub_header = next(i for i, line in enumerate(lines) if line.startswith("| # | % |"))
    header = [cell.strip() for cell in lines[sub_header - 1].strip("|").split("|")]
    return sub_header + 1, header


def with_cell(text: str, index: int, cell: int, value: str) -> str:
    lines = text.split("\n")
    cells = lines[index].split("|")
    cells[cell + 1] = f" {value} "
    lines[index] = "|".join(cells)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def broken_corpus() -> tuple[pd.DataFrame, list[str]]:
    """Generated articles, four of them broken: a bad count cell in the first chunk, a bad
    percentage in the middle, an unreadable file and a truncated article in the last chunk;
    and the error message each must give, in file order."""
    # Every 75th article of the benchmark corpus, newest first: states and years from 2016
    # to 1788 (before 1868 without a by-county table).
    articles = [
        (f"article_{index}.txt", render_article(synthetic_spec(index, 1948)))
        for index in range(75 * (ARTICLES - 1), -1, -75)
    ]
    expected = {}

    def break_cell(position: int, cell: int, value: str, kind: str, suffix: str) -> None:
        name, text = articles[position]
        index, header = first_county_row(text)
        articles[position] = (name, with_cell(text, index, cell, value))
        expected[position] = (
            f"{name}, section 'Results > By county', line {index + 1}: "
            f"column '{header[1]} {suffix}': '{value}' is not {kind}"
        )

    break_cell(1, 1, "1,2x4", "a whole number", "#")
    break_cell(17, 2, "5.1.0%", "a percentage", "%")
    sources = [source(name, text) for name, text in articles]
    name = articles[36][0]
    sources[36] = source(name, None, "not UTF-8 text (byte 120 cannot be decoded)", 3)
    expected[36] = f"{name}, line 3: not UTF-8 text (byte 120 cannot be decoded)"
    name, text = articles[38]
    sources[38] = source(name, text.rstrip("\n"))
    lines = text.rstrip("\n").split("\n")
    expected[38] = (
        f"{name}, section 'See also', line {len(lines)}: the file does not end with a newline: "
        "it is truncated (its last line may be cut short, and what followed is missing)"
    )
    return pd.DataFrame(sources), [expected[position] for position in sorted(expected)]


def extract_with(workers: int, sources: pd.DataFrame, monkeypatch) -> tuple:
    monkeypatch.setenv("ELECTIONS_PARSE_WORKERS", str(workers))
    return extract_articles(sources)


@pytest.fixture()
def few_articles_in_processes(monkeypatch):
    """Chunks of 5 articles, and other processes from 10 articles on."""
    monkeypatch.setattr(extract, "CHUNK_ARTICLES", CHUNK)
    monkeypatch.setattr(processes, "PARALLEL_MIN_ARTICLES", 2 * CHUNK)


def test_parsing_in_two_processes_gives_the_frames_and_errors_of_one(
    broken_corpus, monkeypatch, few_articles_in_processes
):
    sources, messages = broken_corpus
    in_processes = []
    parse_in_processes = processes.in_processes

    def spied(job, chunks, sizes, stage, workers):
        in_processes.append(workers)
        return parse_in_processes(job, chunks, sizes, stage, workers)

    monkeypatch.setattr(processes, "in_processes", spied)
    serial_tables, serial_errors = extract_with(1, sources, monkeypatch)
    assert in_processes == []
    parallel_tables, parallel_errors = extract_with(2, sources, monkeypatch)
    assert in_processes == [2]

    assert [str(error) for error in serial_errors] == messages
    assert [(type(e), e.args, vars(e)) for e in parallel_errors] == [
        (type(e), e.args, vars(e)) for e in serial_errors
    ]
    refused = {error.file for error in serial_errors}
    assert len(serial_tables.elections) == ARTICLES - len(refused)
    assert set(serial_tables.elections["file"]).isdisjoint(refused)
    for name, frame in serial_tables.frames().items():
        pd.testing.assert_frame_equal(parallel_tables.frames()[name], frame, check_exact=True)


def dying_process(job, chunk):
    """A parsing process that dies (as one killed for want of memory would)."""
    os._exit(1)


def test_chunks_of_a_process_that_died_are_parsed_in_this_one(
    broken_corpus, monkeypatch, few_articles_in_processes
):
    sources, messages = broken_corpus
    serial_tables, _ = extract_with(1, sources, monkeypatch)
    monkeypatch.setattr(processes, "_shared", dying_process)
    tables, errors = extract_with(2, sources, monkeypatch)
    assert [str(error) for error in errors] == messages
    for name, frame in serial_tables.frames().items():
        pd.testing.assert_frame_equal(tables.frames()[name], frame, check_exact=True)


def test_few_articles_are_parsed_in_this_process(broken_corpus, monkeypatch):
    sources, messages = broken_corpus
    monkeypatch.setattr(extract, "CHUNK_ARTICLES", CHUNK)  # several chunks, 40 articles
    monkeypatch.setattr(processes, "in_processes", None)  # would fail if called
    tables, errors = extract_with(2, sources, monkeypatch)
    assert [str(error) for error in errors] == messages
    assert len(tables.elections) == ARTICLES - len(messages)


def test_article_errors_survive_pickling():
    error = ArticleError(
        "2004_X.txt", "column 'Total #': '1,2x4' is not a whole number", "Results > By county", 59
    )
    error.key = "Allegany"  # an attribute set after the error was made travels too
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ArticleError
    assert str(copy) == (
        "2004_X.txt, section 'Results > By county', line 59: "
        "column 'Total #': '1,2x4' is not a whole number"
    )
    assert (copy.file, copy.reason, copy.section, copy.line, copy.key) == (
        "2004_X.txt",
        "column 'Total #': '1,2x4' is not a whole number",
        "Results > By county",
        59,
        "Allegany",
    )
    bare = pickle.loads(pickle.dumps(ArticleError("a.txt", "the file is empty")))
    assert (str(bare), bare.section, bare.line) == ("a.txt: the file is empty", None, None)


def test_parse_workers_setting(monkeypatch):
    monkeypatch.setenv("ELECTIONS_PARSE_WORKERS", "")
    assert settings.parse_workers() == (os.cpu_count() or 1)
    monkeypatch.setenv("ELECTIONS_PARSE_WORKERS", "3")
    assert settings.parse_workers() == 3
    for wrong in ("0", "two", "-1"):
        monkeypatch.setenv("ELECTIONS_PARSE_WORKERS", wrong)
        with pytest.raises(ValueError, match=f"ELECTIONS_PARSE_WORKERS is '{wrong}'"):
            settings.parse_workers()


def test_processes_started_early_do_the_parsing(
    broken_corpus, monkeypatch, few_articles_in_processes
):
    sources, messages = broken_corpus
    serial_tables, _ = extract_with(1, sources, monkeypatch)
    pools = []
    new_pool = processes._new_pool
    monkeypatch.setattr(
        processes, "_new_pool", lambda workers: pools.append(workers) or new_pool(workers)
    )
    monkeypatch.setenv("ELECTIONS_PARSE_WORKERS", "2")
    processes.start("pipeline.tables.extract")
    assert pools == [2]
    tables, errors = extract_with(2, sources, monkeypatch)
    assert pools == [2]  # the early processes did it: no others were started
    assert processes._started is None
    assert [str(error) for error in errors] == messages
    for name, frame in serial_tables.frames().items():
        pd.testing.assert_frame_equal(tables.frames()[name], frame, check_exact=True)
    processes.start("pipeline.tables.extract")
    processes.stop()  # nothing to do: they are stopped
    assert processes._started is None and pools == [2, 2]


def test_a_load_starts_processes_early_when_the_raw_folder_holds_many_articles(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(processes, "PARALLEL_MIN_ARTICLES", 3)
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a.txt", "b.txt", "notes.md"):
        (raw / name).write_text("x\n")
    assert not holds_many_articles(raw)  # two articles
    (raw / "c.txt").write_text("x\n")
    assert holds_many_articles(raw)  # three
