"""The parse cache and the incremental publish: a reload does the work of the articles
that changed, and ends with the same warehouse as a build from scratch."""

import hashlib
import json
import os
import re
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

import pipeline.checks.by_state
import pipeline.processes
from benchmarks.corpus import generate_corpus
from pipeline.cache import ParseCache, SegmentLost, code_fingerprint, write_segment
from pipeline.checks.by_state import _groups, extract_and_check
from pipeline.checks.rules import evaluate, judge, without_consequences
from pipeline.tables.extract import ElectionTables, extract_articles
from pipeline.text.source import max_article_bytes, read_source, read_version
from pipeline.warehouse.build import build_warehouse
from tests.conftest import edit, materialize_all
from tests.test_pipeline import snapshot
from tests.test_reload import article_for_year

BAD_CELL = ("| Adair |", "| 11,404 |", "| 11,405 |")
SEED_FILE = "2004_United_States_presidential_election_in_Missouri.txt"


@pytest.fixture()
def corpus(tmp_path):
    """Twelve articles of the family (generated) and the seed."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in generate_corpus(12, seed=7):
        (raw / name).write_text(text)
    return raw


def sources(raw) -> pd.DataFrame:
    return pd.DataFrame([read_source(path) for path in sorted(raw.glob("*.txt"))])


def sorted_frames(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {
        name: frame.sort_values(["file", "line", *frame.columns[2:4]]).reset_index(drop=True)
        for name, frame in frames.items()
    }


def cached_load(raw, cache):
    versions = pd.DataFrame([read_version(path) for path in sorted(raw.glob("*.txt"))])
    extraction = extract_and_check(versions, cache, None, max_article_bytes())
    return extraction, extraction.findings


def fresh_findings(raw) -> pd.DataFrame:
    """The findings of a load that parses every article."""
    tables, unreadable = extract_articles(sources(raw))
    return evaluate(tables, unreadable)


def test_second_load_parses_nothing_and_gives_the_same_tables(corpus, tmp_path):
    cache = ParseCache(tmp_path / "w.duckdb")
    first, first_findings = cached_load(corpus, cache)
    second, second_findings = cached_load(corpus, cache)
    assert (first.parsed, first.checked, second.parsed, second.checked) == (12, 12, 0, 0)
    assert second.store == first.store
    expected, _ = extract_articles(sources(corpus))
    stored = {name: second.store.frame(name) for name in ElectionTables.names()}
    for name, frame in sorted_frames(stored).items():
        pd.testing.assert_frame_equal(frame, sorted_frames(expected.frames())[name])
    pd.testing.assert_frame_equal(second_findings, first_findings)
    pd.testing.assert_frame_equal(second.verdicts, first.verdicts)


def stored_tables(extraction) -> dict[str, pd.DataFrame]:
    return sorted_frames({name: extraction.store.frame(name) for name in ElectionTables.names()})


def test_a_changed_article_is_parsed_and_its_state_checked_again(corpus, tmp_path, seed_text):
    """One group of states (all of them, this corpus is small): a change checks again
    the articles of its state alone; the segment goes on serving the other states,
    through further loads and changes, and every load finds and holds what a load that
    parses everything does."""
    cache = ParseCache(tmp_path / "w.duckdb")
    (corpus / SEED_FILE).write_text(seed_text)
    (corpus / "missouri_2008.txt").write_text(article_for_year(seed_text, 2008)[1])
    assert cached_load(corpus, cache)[0].checked == 14
    (corpus / SEED_FILE).write_text(edit(seed_text, *BAD_CELL))
    extraction, findings = cached_load(corpus, cache)
    # The seed is parsed; Missouri's two articles are checked again, no other.
    assert (extraction.parsed, extraction.checked) == (1, 2)
    failing = findings[findings["severity"] == "ERROR"]
    assert set(failing["check"]) == {
        "county_columns_sum_to_total",
        "county_totals_row_matches_sums",
    }
    # the same findings as checking everything from scratch
    pd.testing.assert_frame_equal(findings, fresh_findings(corpus))
    expected = sorted_frames(extract_articles(sources(corpus))[0].frames())
    again, again_findings = cached_load(corpus, cache)
    assert (again.parsed, again.checked) == (0, 0)
    assert [len(segment.states) for segment in again.store.segments] == [12, 1]
    for name, frame in stored_tables(again).items():
        pd.testing.assert_frame_equal(frame, expected[name])
        assert again.store.rows(name) == len(frame)
    pd.testing.assert_frame_equal(again_findings, findings)
    # A state of the part kept changes: the rest of it is kept again.
    other = sorted(corpus.glob("*.txt"))[0]
    other.write_text(other.read_text().replace("Voters chose", "Voters then chose"))
    third, third_findings = cached_load(corpus, cache)
    assert third.parsed == 1
    assert [len(segment.states) for segment in third.store.segments] == [11, 1, 1]
    pd.testing.assert_frame_equal(third_findings, fresh_findings(corpus))
    expected = sorted_frames(extract_articles(sources(corpus))[0].frames())
    for name, frame in stored_tables(third).items():
        pd.testing.assert_frame_equal(frame, expected[name])


def test_a_state_whose_articles_are_all_removed_leaves_its_segment(corpus, tmp_path, seed_text):
    """Missouri's articles removed: nothing is parsed or checked, and the segment that held
    every state serves the others, as a load of them from scratch would find them."""
    cache = ParseCache(tmp_path / "w.duckdb")
    (corpus / SEED_FILE).write_text(seed_text)
    (corpus / "missouri_2008.txt").write_text(article_for_year(seed_text, 2008)[1])
    (first, _) = cached_load(corpus, cache)
    assert len(first.store.segments) == 1
    (corpus / SEED_FILE).unlink()
    (corpus / "missouri_2008.txt").unlink()
    extraction, findings = cached_load(corpus, cache)
    assert (extraction.parsed, extraction.checked) == (0, 0)
    (segment,) = extraction.store.segments
    assert "MO" not in segment.states and len(segment.states) == 12
    assert segment.folder == first.store.segments[0].folder
    assert set(extraction.verdicts["article"]) == {path.name for path in corpus.glob("*.txt")}
    pd.testing.assert_frame_equal(findings, fresh_findings(corpus))
    expected = sorted_frames(extract_articles(sources(corpus))[0].frames())
    for name, frame in stored_tables(extraction).items():
        pd.testing.assert_frame_equal(frame, expected[name])
        assert extraction.store.rows(name) == len(frame)
    assert cached_load(corpus, cache)[0].store == extraction.store  # as the cache lists it


# A cell that is no number: the seed is refused, naming the section, line and cell.
UNREADABLE_CELL = ("| Adair |", "| 6,367 |", "| 6,3x67 |")


def test_a_refused_article_is_parsed_again_only_once_its_text_changes(corpus, tmp_path, seed_text):
    seed = corpus / SEED_FILE
    seed.write_text(edit(seed_text, *UNREADABLE_CELL))
    cache = ParseCache(tmp_path / "w.duckdb")
    first, first_findings = cached_load(corpus, cache)
    readable = first_findings[first_findings["check"] == "articles_are_readable"]
    reason = "column 'George W. Bush Republican #': '6,3x67' is not a whole number"
    assert readable[["file", "section", "line", "expected"]].values.tolist() == [
        [SEED_FILE, "Results > By county", 89, reason]
    ]
    second, second_findings = cached_load(corpus, cache)
    assert (first.parsed, second.parsed, second.checked) == (13, 0, 0)
    pd.testing.assert_frame_equal(second_findings, first_findings)
    pd.testing.assert_frame_equal(second_findings, fresh_findings(corpus))
    # Another article of its state changes: the refusal comes from the cache, unparsed.
    other = corpus / "2008_United_States_presidential_election_in_Missouri.txt"
    other.write_text(article_for_year(seed_text, 2008)[1])
    third, third_findings = cached_load(corpus, cache)
    assert third.parsed == 1
    pd.testing.assert_frame_equal(third_findings, fresh_findings(corpus))
    seed.write_text(edit(seed_text, "| Adair |", "| 6,367 |", "| 6,3y67 |"))
    fourth, fourth_findings = cached_load(corpus, cache)
    assert fourth.parsed == 1
    assert fourth_findings["expected"].str.endswith("'6,3y67' is not a whole number").any()
    pd.testing.assert_frame_equal(fourth_findings, fresh_findings(corpus))
    seed.write_text(seed_text)  # mended: its tables are cached, the refusal is not
    fifth, fifth_findings = cached_load(corpus, cache)
    assert fifth.parsed == 1
    assert "articles_are_readable" not in set(fifth_findings["check"])
    assert SEED_FILE in set(fifth.store.frame("elections")["file"])


def test_a_reload_never_parses_an_unchanged_refused_article(
    corpus, tmp_path, seed_text, monkeypatch
):
    (corpus / SEED_FILE).write_text(edit(seed_text, *UNREADABLE_CELL))
    live = tmp_path / "live.duckdb"
    first = materialize_all(corpus, live)
    parsed = []
    parse = pipeline.checks.by_state.extract_chunk

    def spy(sources: list[tuple]):
        parsed.extend(source[0] for source in sources)
        return parse(sources)

    monkeypatch.setattr(pipeline.checks.by_state, "extract_chunk", spy)
    changed = sorted(corpus.glob("*.txt"))[0]  # another article changes: the load publishes
    changed.write_text(changed.read_text().replace("Voters chose", "Voters then chose"))
    second = materialize_all(corpus, live)
    assert parsed == [changed.name]
    findings = [r.output_for_node("extracted_tables", "quality_findings") for r in (first, second)]
    pd.testing.assert_frame_equal(findings[1], findings[0])
    pd.testing.assert_frame_equal(findings[1], fresh_findings(corpus))
    logs = [
        rows(live, f"SELECT * EXCLUDE (run_id, loaded_at) FROM load_log WHERE run_id = '{run}'")
        for run in (first.run_id, second.run_id)
    ]
    assert [row for row in logs[1] if row[0] != changed.name] == [
        row for row in logs[0] if row[0] != changed.name
    ]
    sha256 = hashlib.sha256((corpus / SEED_FILE).read_bytes()).hexdigest()
    assert (
        SEED_FILE,
        sha256,
        "refused",
        None,
        f"articles_are_readable: {SEED_FILE}, section 'Results > By county', line 89: "
        "column 'George W. Bush Republican #': '6,3x67' is not a whole number",
    ) in logs[1]


def test_findings_across_articles_are_reused_while_their_state_is_unchanged(
    tmp_path, seed_text, monkeypatch
):
    """Rules across articles compare the articles of one state. Adding the seed's previous
    election (Missouri 2000, with the seed's own counts) makes the ten flips the seed lists
    findings, though the seed did not change; a change in another state keeps them from
    the cache; removing 2000 takes them away. Each load finds what a load that parses
    everything finds."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / SEED_FILE).write_text(seed_text)
    other, text = next(iter(generate_corpus(1, seed=7)))  # Alabama
    (raw / other).write_text(text)
    cache = ParseCache(tmp_path / "w.duckdb")
    previous, previous_text = article_for_year(seed_text, 2000)
    # One state a group: a change in Alabama leaves Missouri's segment as it is.
    monkeypatch.setattr(pipeline.checks.by_state, "GROUP_BYTES", 1)

    def load() -> tuple[int, int, int]:
        extraction, findings = cached_load(raw, cache)
        pd.testing.assert_frame_equal(findings, fresh_findings(raw))
        flips = findings[findings["check"] == "flipped_counties_match_computed_flips"]
        return extraction.parsed, extraction.checked, (flips["file"] == SEED_FILE).sum()

    assert load() == (2, 2, 0)
    (raw / previous).write_text(previous_text)
    assert load() == (1, 2, 10)  # Missouri's two articles
    (raw / other).write_text(text.replace("Voters chose", "Voters then chose"))
    assert load() == (1, 1, 10)  # Alabama's
    (raw / previous).unlink()
    assert load() == (0, 1, 0)  # Missouri's one left


def test_cache_of_other_code_or_damaged_is_ignored(corpus, tmp_path):
    cache = ParseCache(tmp_path / "w.duckdb")
    cached_load(corpus, cache)
    listed = json.loads(cache.pointer.read_text())
    assert listed["code"] == code_fingerprint()
    assert cache.segments("") != []
    cache.pointer.write_text(json.dumps(listed | {"code": "0" * 64}))
    assert cache.segments("") == []
    assert cache.segments("another reference") == []
    cache.pointer.write_text(json.dumps(listed))
    segment = next(iter(listed["segments"]))
    victim = cache.folder / segment / "county_results.arrow"
    victim.write_bytes(victim.read_bytes()[:100])
    assert cache.segments("") == []
    extraction, _ = cached_load(corpus, cache)
    assert extraction.parsed == 12


def rows(path, sql):
    with duckdb.connect(str(path), read_only=True) as db:
        return db.execute(sql).fetchall()


def test_reload_updates_one_election_and_equals_a_fresh_build(corpus, tmp_path, seed_text):
    seed = corpus / "2004_United_States_presidential_election_in_Missouri.txt"
    seed.write_text(seed_text)
    live = tmp_path / "live.duckdb"
    assert materialize_all(corpus, live).success
    renamed = seed_text.replace("1. Rosemary Kochner", "1. Rosemary Kochner-Smith")
    seed.write_text(renamed.replace("Michael Peroutka", "Michael A. Peroutka"))
    result = materialize_all(corpus, live)
    assert result.success
    (warehouse,) = result.asset_materializations_for_node("warehouse")
    added, removed = (warehouse.metadata[f"versions {kind}"].value for kind in ("added", "removed"))
    assert (added, removed) == (1, 1)
    assert rows(live, "SELECT elector FROM electors WHERE year = 2004 AND ordinal = 1") == [
        ("Rosemary Kochner-Smith",)
    ]
    fresh = tmp_path / "fresh.duckdb"
    assert materialize_all(corpus, fresh).success
    with (
        duckdb.connect(str(live), read_only=True) as a,
        duckdb.connect(str(fresh), read_only=True) as b,
    ):
        assert snapshot(a) == snapshot(b)
    assert rows(live, "SELECT count(*) FROM dim_candidate WHERE candidate LIKE '%Peroutka'") == [
        (1,)
    ]
    # Built afresh from the parse cache, whose segment, which holds the seed's first
    # version, now serves all states but the seed's (a segment of its own): the same
    # warehouse again, without the first version's names.
    live.unlink()
    assert materialize_all(corpus, live).success
    with (
        duckdb.connect(str(live), read_only=True) as a,
        duckdb.connect(str(fresh), read_only=True) as b,
    ):
        assert snapshot(a) == snapshot(b)


def test_a_warehouse_of_other_code_is_built_afresh(corpus, tmp_path):
    live = tmp_path / "live.duckdb"
    assert materialize_all(corpus, live).success
    with duckdb.connect(str(live)) as db:
        db.execute("UPDATE build_info SET code_sha256 = 'older code'")
    result = materialize_all(corpus, live)
    (warehouse,) = result.asset_materializations_for_node("warehouse")
    assert warehouse.metadata["versions added"].value == 12
    assert rows(live, "SELECT code_sha256 FROM build_info") == [(code_fingerprint(),)]
    assert rows(live, "SELECT count(DISTINCT run_id) FROM load_log") == [(2,)]  # history kept


def test_an_unreadable_new_file_is_refused_and_the_rest_stays(corpus, tmp_path):
    live = tmp_path / "live.duckdb"
    assert materialize_all(corpus, live).success
    before = rows(live, "SELECT * FROM fact_county_result ORDER BY ALL")
    (corpus / "2008_United_States_presidential_election_in_Alaska.txt").write_text("= broken =\n")
    assert materialize_all(corpus, live).success
    assert rows(live, "SELECT file, status FROM quarantine") == [
        ("2008_United_States_presidential_election_in_Alaska.txt", "refused")
    ]
    assert rows(live, "SELECT * FROM fact_county_result ORDER BY ALL") == before


def test_groups_of_states_in_two_processes_find_what_one_load_of_everything_finds(
    corpus, tmp_path, seed_text, monkeypatch
):
    """Small groups (a state each), done by two processes: the same tables,
    findings and verdicts as parsing and checking every article at once, with a
    duplicate election (the same state and year twice) and an unreadable article."""
    (corpus / SEED_FILE).write_text(seed_text)
    (corpus / "copy_of_the_seed.txt").write_text(seed_text)
    (corpus / "broken.txt").write_text(edit(seed_text, *UNREADABLE_CELL))
    monkeypatch.setattr(pipeline.checks.by_state, "GROUP_BYTES", 1)
    monkeypatch.setattr(pipeline.processes, "PARALLEL_MIN_ARTICLES", 4)
    monkeypatch.setenv("ELECTIONS_PARSE_WORKERS", "2")
    extraction, findings = cached_load(corpus, ParseCache(tmp_path / "w.duckdb"))
    assert len(extraction.store.segments) > 4
    pd.testing.assert_frame_equal(findings, fresh_findings(corpus))
    assert set(findings.loc[findings["check"] == "one_article_per_election", "file"]) == {
        SEED_FILE,
        "copy_of_the_seed.txt",
    }
    assert findings.loc[findings["check"] == "articles_are_readable", "file"].tolist() == [
        "broken.txt"
    ]
    tables, _ = extract_articles(sources(corpus))
    stored = {name: extraction.store.frame(name) for name in ElectionTables.names()}
    for name, frame in sorted_frames(stored).items():
        pd.testing.assert_frame_equal(frame, sorted_frames(tables.frames())[name])
    files = sources(corpus)["file"]
    expected = judge(tables, files, without_consequences(fresh_findings(corpus)))
    pd.testing.assert_frame_equal(extraction.verdicts, expected)


def test_a_file_changed_while_the_load_reads_it_is_refused_and_read_again(
    corpus, tmp_path, seed_text
):
    """The load tracks a file's version first and parses its text later: a file that
    changed in between is refused for this load (its text is not the version tracked)
    and not cached; the next load parses its new text."""
    seed = corpus / SEED_FILE
    seed.write_text(seed_text)
    cache = ParseCache(tmp_path / "w.duckdb")
    versions = pd.DataFrame([read_version(path) for path in sorted(corpus.glob("*.txt"))])
    seed.write_text(seed_text.replace("Voters chose", "Voters then chose"))
    findings = extract_and_check(versions, cache, None, max_article_bytes()).findings
    refused = findings[findings["check"] == "articles_are_readable"]
    assert refused[["file", "expected"]].values.tolist() == [
        [SEED_FILE, "the file changed while the load read it: the next load reads it"]
    ]
    again, findings = cached_load(corpus, cache)
    assert (again.parsed, findings["check"].eq("articles_are_readable").sum()) == (1, 0)
    pd.testing.assert_frame_equal(findings, fresh_findings(corpus))


def test_a_file_with_old_mac_line_ends_is_grouped_by_the_state_its_title_names(tmp_path, seed_text):
    """A title is read up to the first line end of any convention, as the parser reads it:
    the seed with carriage returns alone is the same election as the seed, and both are
    refused as one election in two files, whatever was cached before."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / SEED_FILE).write_text(seed_text)
    cache = ParseCache(tmp_path / "w.duckdb")
    cached_load(raw, cache)
    (raw / "carriage_returns.txt").write_bytes(seed_text.replace("\n", "\r").encode())
    extraction, findings = cached_load(raw, cache)
    assert [segment.states for segment in extraction.store.segments] == [("MO",)]
    duplicated = findings[findings["check"] == "one_article_per_election"]
    assert sorted(duplicated["file"]) == [SEED_FILE, "carriage_returns.txt"]
    pd.testing.assert_frame_equal(findings, fresh_findings(raw))


def test_a_segment_left_by_a_process_that_died_writing_it_is_written_again(tmp_path):
    folder = tmp_path / "segment"
    folder.mkdir()
    (folder / "elections.arrow").write_bytes(b"half a file")
    (folder / "stray.arrow").write_bytes(b"")
    tables = ElectionTables.concat([])
    segment = write_segment(folder, ("MO",), tables.frames())
    assert segment.intact()
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        f"{name}.arrow" for name in ElectionTables.names()
    )
    pd.testing.assert_frame_equal(segment.frame("elections"), tables.elections)


def test_states_are_packed_into_as_few_groups_of_text_as_fit_largest_first(monkeypatch):
    monkeypatch.setattr(pipeline.checks.by_state, "GROUP_BYTES", 100)
    sizes = pd.Series({"AK": 60, "AL": 0, "AZ": 50, "TX": 250, "VT": 10, "WY": 40})  # bytes
    assert _groups(sizes, ["AK", "AL", "AZ", "TX", "VT", "WY"]) == [
        ("TX",),  # larger than a group: a group of its own
        # AZ does not fit beside AK, WY does; an empty file's state (its error is found
        # when parsed) joins the first group
        ("AK", "AL", "WY"),
        ("AZ", "VT"),
    ]
    assert _groups(pd.Series({"": 0}), [""]) == [("",)]  # only empty files


def test_work_begun_ahead_is_taken_over_or_else_stopped(corpus, tmp_path, monkeypatch):
    """The groups begun in the other process before the load asks (as `elections run`
    does while it starts Dagster) are taken over by a load of the same files: it plans
    nothing again. A load of other files (one changed meanwhile) stops that work, deletes
    its segments and does its own; both find what a load of everything finds."""
    monkeypatch.setattr(pipeline.checks.by_state, "GROUP_BYTES", 1)
    monkeypatch.setenv("ELECTIONS_PARSE_WORKERS", "2")
    by_state = pipeline.checks.by_state
    plans = []
    plan_load = by_state.plan_load
    monkeypatch.setattr(by_state, "plan_load", lambda *a: plans.append(a) or plan_load(*a))
    cache = ParseCache(tmp_path / "w.duckdb")
    paths = sorted(corpus.glob("*.txt"))

    def load_begun_ahead(edit_meanwhile=None):
        pipeline.processes.start("pipeline.checks.by_state")
        try:
            by_state.start_ahead(by_state.read_versions(paths, LIMIT), cache, None, LIMIT)
            if edit_meanwhile:
                edit_meanwhile()
            files = by_state.read_versions(paths, LIMIT)
            return extract_and_check(files, cache, None, LIMIT)
        finally:
            by_state.stop_ahead()
            pipeline.processes.stop()

    first = load_begun_ahead()
    assert (len(plans), first.parsed, len(first.store.segments)) == (1, 12, 12)
    pd.testing.assert_frame_equal(first.findings, fresh_findings(corpus))

    def change(path):
        path.write_text(path.read_text().replace("Voters chose", "Voters then chose"))

    change(paths[0])  # work is begun for its state; another state changes meanwhile
    second = load_begun_ahead(lambda: change(paths[1]))
    assert (len(plans), second.parsed) == (3, 2)  # planned again: both files parsed
    pd.testing.assert_frame_equal(second.findings, fresh_findings(corpus))
    third = load_begun_ahead()  # nothing changed: the plan begun ahead is the load's
    assert (len(plans), third.parsed, third.store) == (4, 0, second.store)
    # Work begun for a run that fails before it asks: stopped, its segment deleted.
    change(paths[2])
    last_load = cache.last_load()
    pipeline.processes.start("pipeline.checks.by_state")
    try:
        by_state.start_ahead(by_state.read_versions(paths, LIMIT), cache, None, LIMIT)
        (folder,) = [job.folder for job in by_state._ahead.plan.jobs]
        by_state.stop_ahead()  # once the other process has written the segment
    finally:
        pipeline.processes.stop()
    assert not folder.exists() and cache.last_load() == last_load


LIMIT = 20_000_000


# `elections run` in a process of its own, with other processes from 3 articles on and a
# state per group; how many plans each run made, and whether it began work ahead.
RUN = """
import json
from pipeline import processes
from pipeline.checks import by_state
from pipeline.cli import main

processes.PARALLEL_MIN_ARTICLES = 3
by_state.GROUP_BYTES = 1
plans, begun, reads = [], [], []
plan_load, begin, read_versions = by_state.plan_load, by_state.begin, by_state.read_versions
by_state.plan_load = lambda *a: plans.append(1) or plan_load(*a)
by_state.begin = lambda *a: begun.append(1) or begin(*a)
by_state.read_versions = lambda *a: reads.append(1) or read_versions(*a)
code = main(["run"])
counts = {"plans": len(plans), "begun": len(begun), "reads": len(reads)}
print("RESULT " + json.dumps({"code": code, **counts}))
"""


def test_elections_run_begins_the_load_ahead_and_the_load_takes_it_over(corpus, tmp_path):
    """The files and settings `elections run` reads before Dagster are those the run's
    assets read: each run reads its files once and plans once, ahead, cold and after a
    change."""
    env = {
        **os.environ,
        "ELECTIONS_RAW_DIR": str(corpus),
        "ELECTIONS_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "ELECTIONS_PARSE_WORKERS": "2",
    }

    def run() -> dict:
        done = subprocess.run(
            [sys.executable, "-c", RUN], env=env, capture_output=True, text=True, check=False
        )
        (line,) = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        return json.loads(line.removeprefix("RESULT "))

    assert run() == {"code": 0, "plans": 1, "begun": 1, "reads": 1}
    changed = sorted(corpus.glob("*.txt"))[0]
    changed.write_text(changed.read_text().replace("Voters chose", "Voters then chose"))
    assert run() == {"code": 0, "plans": 1, "begun": 1, "reads": 1}
    assert rows(tmp_path / "w.duckdb", "SELECT count(*) FROM dim_election") == [(12,)]


def test_a_segment_damaged_while_the_build_reads_it_fails_the_load_naming_its_file(
    corpus, tmp_path, monkeypatch
):
    """The build streams each table's rows from every segment into one statement: a file of
    a segment damaged meanwhile (the cache replaced by another load) fails the build with
    the cache's own error, naming the file, not with DuckDB's about the stream."""
    monkeypatch.setattr(pipeline.checks.by_state, "GROUP_BYTES", 1)  # a segment per state
    extraction, findings = cached_load(corpus, ParseCache(tmp_path / "e.duckdb"))
    assert len(extraction.store.segments) > 1  # the damaged one is read inside the stream
    versions = pd.DataFrame([read_version(path) for path in sorted(corpus.glob("*.txt"))])
    damaged = extraction.store.segments[-1].folder / "rows.fact_county_result.arrow"
    damaged.write_bytes(damaged.read_bytes()[:100])
    with pytest.raises(SegmentLost, match=re.escape(f"{damaged} is gone or damaged")):
        build_warehouse(
            extraction.store,
            findings,
            extraction.verdicts,
            versions,
            tmp_path / "new.duckdb",
            None,
            "run",
            10,
        )
