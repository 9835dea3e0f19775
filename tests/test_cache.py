"""The parse cache and the incremental publish: a reload does the work of the articles
that changed, and ends with the same warehouse as a build from scratch."""

import hashlib

import duckdb
import pandas as pd
import pytest

import pipeline.cache
from benchmarks.corpus import generate_corpus
from pipeline.cache import ParseCache, code_fingerprint, extract_with_cache
from pipeline.checks.rules import cacheable_findings, evaluate
from pipeline.tables.extract import extract_articles
from pipeline.text.source import read_source
from tests.conftest import edit, materialize_all
from tests.test_pipeline import snapshot
from tests.test_reload import article_for_year

BAD_CELL = ("| Adair |", "| 11,404 |", "| 11,405 |")


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


def sorted_frames(tables) -> dict[str, pd.DataFrame]:
    return {
        name: frame.sort_values(["file", "line", *frame.columns[2:4]]).reset_index(drop=True)
        for name, frame in tables.frames().items()
    }


def cached_load(raw, cache):
    extraction = extract_with_cache(sources(raw), cache)
    findings = evaluate(extraction.tables, extraction.unreadable, None, extraction.known)
    if extraction.changed:
        cache.save(extraction.tables, cacheable_findings(findings), extraction.refused)
    return extraction, findings


def fresh_findings(raw) -> pd.DataFrame:
    """The findings of a load that parses every article."""
    tables, unreadable = extract_articles(sources(raw))
    return evaluate(tables, unreadable)


def test_second_load_parses_nothing_and_gives_the_same_tables(corpus, tmp_path):
    cache = ParseCache(tmp_path / "w.duckdb")
    first, first_findings = cached_load(corpus, cache)
    second, second_findings = cached_load(corpus, cache)
    assert (first.parsed, second.parsed, second.changed) == (12, 0, False)
    expected, _ = extract_articles(sources(corpus))
    for name, frame in sorted_frames(second.tables).items():
        pd.testing.assert_frame_equal(frame, sorted_frames(expected)[name], check_dtype=True)
    pd.testing.assert_frame_equal(second_findings, first_findings)


def test_a_changed_article_is_parsed_and_checked_again(corpus, tmp_path, seed_text):
    cache = ParseCache(tmp_path / "w.duckdb")
    cached_load(corpus, cache)
    (corpus / "2004_United_States_presidential_election_in_Missouri.txt").write_text(
        edit(seed_text, *BAD_CELL)
    )
    extraction, findings = cached_load(corpus, cache)
    assert extraction.parsed == 1
    failing = findings[findings["severity"] == "ERROR"]
    assert set(failing["check"]) == {
        "county_columns_sum_to_total",
        "county_totals_row_matches_sums",
    }
    # the same findings as checking everything from scratch
    pd.testing.assert_frame_equal(findings, fresh_findings(corpus))


# A cell that is no number: the seed is refused, naming the section, line and cell.
UNREADABLE_CELL = ("| Adair |", "| 6,367 |", "| 6,3x67 |")
SEED_FILE = "2004_United_States_presidential_election_in_Missouri.txt"


def test_a_refused_article_is_parsed_again_only_once_its_text_changes(corpus, tmp_path, seed_text):
    seed = corpus / SEED_FILE
    seed.write_text(edit(seed_text, *UNREADABLE_CELL))
    cache = ParseCache(tmp_path / "w.duckdb")
    first, first_findings = cached_load(corpus, cache)
    (refusal,) = first.unreadable
    assert (refusal.file, refusal.section, refusal.line) == (SEED_FILE, "Results > By county", 89)
    assert refusal.reason == "column 'George W. Bush Republican #': '6,3x67' is not a whole number"
    second, second_findings = cached_load(corpus, cache)
    assert (first.parsed, second.parsed, second.changed) == (13, 0, False)
    pd.testing.assert_frame_equal(second_findings, first_findings)
    pd.testing.assert_frame_equal(second_findings, fresh_findings(corpus))
    readable = second_findings[second_findings["check"] == "articles_are_readable"]
    assert readable[["file", "section", "line", "expected"]].values.tolist() == [
        [SEED_FILE, "Results > By county", 89, refusal.reason]
    ]
    seed.write_text(edit(seed_text, "| Adair |", "| 6,367 |", "| 6,3y67 |"))
    third, third_findings = cached_load(corpus, cache)
    assert (third.parsed, third.changed) == (1, True)
    assert third.unreadable[0].reason.endswith("'6,3y67' is not a whole number")
    pd.testing.assert_frame_equal(third_findings, fresh_findings(corpus))
    seed.write_text(seed_text)  # mended: its tables are cached, the refusal is not
    fourth, _ = cached_load(corpus, cache)
    assert (fourth.parsed, fourth.unreadable, len(fourth.refused)) == (1, [], 0)
    assert SEED_FILE in set(fourth.tables.elections["file"])


def test_a_reload_never_parses_an_unchanged_refused_article(
    corpus, tmp_path, seed_text, monkeypatch
):
    (corpus / SEED_FILE).write_text(edit(seed_text, *UNREADABLE_CELL))
    live = tmp_path / "live.duckdb"
    first = materialize_all(corpus, live)
    parsed = []
    parse = pipeline.cache.extract_articles

    def spy(files: pd.DataFrame):
        parsed.extend(files["file"])
        return parse(files)

    monkeypatch.setattr(pipeline.cache, "extract_articles", spy)
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


def test_findings_across_articles_are_reused_while_their_state_is_unchanged(tmp_path, seed_text):
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

    def load() -> tuple[int, frozenset[str], int]:
        extraction, findings = cached_load(raw, cache)
        pd.testing.assert_frame_equal(findings, fresh_findings(raw))
        flips = findings[findings["check"] == "flipped_counties_match_computed_flips"]
        changed = extraction.known.changed_states if extraction.known else None
        return extraction.parsed, changed, (flips["file"] == SEED_FILE).sum()

    assert load() == (2, None, 0)
    (raw / previous).write_text(previous_text)
    assert load() == (1, {"MO"}, 10)
    (raw / other).write_text(text.replace("Voters chose", "Voters then chose"))
    assert load() == (1, {"AL"}, 10)
    (raw / previous).unlink()
    assert load() == (0, {"MO"}, 0)


def test_cache_of_other_code_or_damaged_is_ignored(corpus, tmp_path):
    cache = ParseCache(tmp_path / "w.duckdb")
    cached_load(corpus, cache)
    code, generation = cache.pointer.read_text().split()
    assert code == code_fingerprint()
    cache.pointer.write_text(f"{'0' * 64} {generation}\n")
    assert cache.load() is None
    cache.pointer.write_text(f"{code} {generation}\n")
    victim = cache.folder / generation / "county_results.arrow"
    victim.write_bytes(victim.read_bytes()[:100])
    assert cache.load() is None
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
    seed.write_text(seed_text.replace("1. Rosemary Kochner", "1. Rosemary Kochner-Smith"))
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
