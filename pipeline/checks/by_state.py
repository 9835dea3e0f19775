"""Stages 2 and 3 over the whole corpus, a group of whole states at a time.

Every rule reads one article, or the articles of one state (the same election twice; an
election and the one before): the articles of whole states are parsed and checked
together, exactly as if every article were, and no step needs the tables of every
article at once. Memory is bounded by a group (about :data:`GROUP_BYTES` of text),
whatever the size of the corpus. Each group is one job (parse → typed tables → checks →
a segment of the parse cache, :mod:`pipeline.cache`), done in another process where there
are several (:mod:`pipeline.processes`); what comes back is the segment's name.

An article's state is read from its title before it is parsed (every row it gives
carries that state). A reload redoes the states whose articles changed (added, edited or
removed: a finding across articles of that state may change), in groups of their own,
taking the unchanged articles' tables from the cache and parsing the others. Every other
state is kept as it is, findings and verdicts included: a segment none of whose states
changed is kept whole, one with some changed goes on serving the others
(:meth:`~pipeline.cache.Segment.part`), so that one changed article costs the checks of
its state, not of its whole group.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.cache import (
    ARTICLES,
    FINDINGS,
    REFUSED,
    ROWS,
    TEXTS,
    VERDICTS,
    ParseCache,
    Segment,
    TableStore,
    parse_refusals,
    refusal_errors,
    write_segment,
)
from pipeline.checks.rules import (
    evaluate,
    in_order,
    judge,
    refused_files,
    without_consequences,
)
from pipeline.processes import Work, begin, give_back_free_memory, map_chunks, stop
from pipeline.tables.extract import (
    SOURCE_COLUMNS,
    ElectionTables,
    extract_chunk,
    title_election,
)
from pipeline.tables.reference import read_county_returns
from pipeline.text.article import ArticleError
from pipeline.text.source import read_source, read_version, shown_name
from pipeline.warehouse.rows import election_frames

# A group's rules cost about 0.27 s whatever its size (pandera's schemas, pandas' calls);
# what its parsing and checks hold grows with its articles' text (their tables' rows):
# about 110 MB per process for 2.3 MB of text, 170 MB for 4.5 MB. Counted in bytes, not
# articles: a state's articles are as large as its counties are many (the benchmark
# corpus's 59 Texas articles are 1.8 MB, the smallest state's 0.2 MB). The size that
# keeps a load of two processes within 700 MB (docs/benchmarks.md).
GROUP_BYTES = 3_400_000
NO_STATE = ""  # the group key of articles whose title names no state (refused when parsed)
STAGE = "parse and check"  # as progress reports name it


@dataclass
class GroupJob:
    """One group of whole states: ``articles``, every readable article of them (file,
    sha256, state) in the load's order; ``sources``, the ones to parse (file, path,
    sha256); ``reused``, the segments holding the others, with their file names;
    ``reference``, the reference returns of these states (None without a reference
    file); ``folder``, where the group's segment goes; ``limit``, the size limit of a file."""

    states: tuple[str, ...]
    articles: pd.DataFrame
    sources: list[tuple[str, str, str]]
    reused: dict[Path, set[str]]
    reference: pd.DataFrame | None
    folder: Path
    limit: int


@dataclass
class GroupResult:
    """What a job hands back: the segment it wrote and how many articles it parsed."""

    segment: Segment
    parsed: int


def check_group(job: GroupJob) -> GroupResult:
    """Parse a group's new and changed articles, take the others' tables and refusals
    from the cache, run every rule on the group, and write its segment."""
    sources, changed = read_sources(job.sources, job.limit)
    parsed, errors = extract_chunk(sources)
    kept = [(Segment(folder, (), {}), files) for folder, files in job.reused.items()]
    tables = ElectionTables.concat([segment.tables(files) for segment, files in kept] + [parsed])
    refused_before = pd.concat(
        [segment.frame(REFUSED, files) for segment, files in kept]
        or [parse_refusals([], job.articles)],
        ignore_index=True,
    )
    refused = pd.concat([refused_before, parse_refusals(errors, job.articles)], ignore_index=True)
    unreadable = refusal_errors(refused_before) + errors + changed
    findings = evaluate(tables, unreadable, job.reference)
    # The rules' frames are freed, but the heap would keep their pages fragmented while the
    # segment's files are made: a group's peak is about 20 MB lower without them.
    give_back_free_memory()
    verdicts = judge(tables, job.articles["file"], without_consequences(findings), job.reference)
    texts = {file: text for file, text, *_ in sources}
    parsed_texts = parsed.elections[["file", "sha256"]].assign(
        text=parsed.elections["file"].map(texts).astype("str")
    )
    accepted = tables.select(refused_files(findings), keep=False)
    frames = {
        **tables.frames(),
        **{ROWS + name: rows for name, rows in election_frames(accepted).items()},
        # A file changed while the load read it is not cached: the next load reads it again.
        ARTICLES: job.articles[~job.articles["file"].isin({error.file for error in changed})],
        TEXTS: pd.concat(
            [segment.frame(TEXTS, files) for segment, files in kept] + [parsed_texts],
            ignore_index=True,
        ),
        REFUSED: refused,
        FINDINGS: findings,
        VERDICTS: verdicts,
    }
    return GroupResult(write_segment(job.folder, job.states, frames), len(job.sources))


def read_sources(
    versions: list[tuple[str, str, str]], limit: int
) -> tuple[list[tuple], list[ArticleError]]:
    """The texts of the given article versions (file, path, sha256), as
    :data:`~pipeline.tables.extract.SOURCE_COLUMNS`, and an error for each file whose
    bytes are no longer those of its version (it changed while the load read it)."""
    sources, changed = [], []
    for file, path, sha256 in versions:
        source = read_source(Path(path), limit)
        if source["sha256"] != sha256:
            changed.append(
                ArticleError(
                    file, "the file changed while the load read it: the next load reads it"
                )
            )
        else:
            sources.append(tuple(source[column] for column in SOURCE_COLUMNS))
    return sources, changed


VERSION_COLUMNS = ["file", "path", "sha256", "bytes", "title", "error", "error_line"]


def read_versions(paths: list[Path], limit: int) -> pd.DataFrame:
    """The article files a load tracks (asset ``article_files``):
    :func:`~pipeline.text.source.read_version` of each path, as a frame of
    :data:`VERSION_COLUMNS`; ``limit``: the size limit of an article file."""
    versions = pd.DataFrame([read_version(path, limit) for path in paths], columns=VERSION_COLUMNS)
    return versions.astype({"error_line": "Int64"})


@dataclass
class Extraction:
    """A load's typed tables (in the cache's segments), every finding and verdict, and
    how many articles were parsed and checked."""

    store: TableStore
    findings: pd.DataFrame
    verdicts: pd.DataFrame
    parsed: int  # articles parsed
    checked: int  # articles checked again (those of the states redone)


def reference_fingerprint(path: Path | None) -> str:
    """What the findings compared with a reference file depend on: its bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path else ""


@dataclass
class Plan:
    """What a load does with the parse cache: the segments it keeps (``kept``: whole, or
    the part of them whose states did not change) and the jobs of the groups it redoes;
    ``segments``: the cache's when the plan was made; ``fingerprint``: the reference's."""

    cache: ParseCache
    fingerprint: str
    segments: list[Segment]
    kept: list[Segment]
    jobs: list[GroupJob]

    @property
    def sizes(self) -> list[int]:
        """Articles of each job."""
        return [len(job.articles) for job in self.jobs]

    def discard(self) -> None:
        """Delete the segments of the plan's jobs (written, or in writing)."""
        self.cache.discard([Segment(job.folder, (), {}) for job in self.jobs])


def plan_load(files: pd.DataFrame, cache: ParseCache, reference: Path | None, limit: int) -> Plan:
    """The plan of a load of ``files`` (see :func:`extract_and_check`)."""
    fingerprint = reference_fingerprint(reference)
    segments = cache.segments(fingerprint)
    readable = files[files["error"].isna()].reset_index(drop=True)
    titles = [
        title_election(title, file)
        for file, title in zip(readable["file"], readable["title"], strict=True)
    ]
    current = readable[["file", "sha256"]].assign(
        state=[NO_STATE if title is None else title[1] for title in titles]
    )
    held = pd.concat(
        [segment.frame(ARTICLES).assign(folder=segment.folder) for segment in segments]
        or [current.head(0).assign(folder=None)],
        ignore_index=True,
    )
    versions = current.merge(
        held, on=["file", "sha256", "state"], how="outer", indicator=True, sort=False
    )
    changed = set(versions.loc[versions["_merge"] != "both", "state"])
    # A segment is kept whole, or the part of it whose states did not change.
    kept = [
        segment
        if changed.isdisjoint(segment.states)
        else segment.part(set(segment.states) - changed)
        for segment in segments
        if not changed.issuperset(segment.states)
    ]
    redone = sorted(set(current["state"]) - {state for s in kept for state in s.states})
    wanted = {title for title in titles if title is not None and title[1] in redone}
    returns = read_county_returns(reference, wanted) if reference and redone else None
    jobs = [
        _job(group, readable, current, held, returns, cache, limit)
        for group in _groups(readable["bytes"].groupby(current["state"]).sum(), redone)
    ]
    return Plan(cache, fingerprint, segments, kept, jobs)


class _Inputs(NamedTuple):
    """What a plan is made of besides the files."""

    cache: Path
    last_load: str  # the cache's CURRENT
    reference: str  # the reference file's fingerprint
    limit: int
    group_bytes: int


def _inputs(cache: ParseCache, fingerprint: str, limit: int) -> _Inputs:
    return _Inputs(cache.folder, cache.last_load(), fingerprint, limit, GROUP_BYTES)


@dataclass
class _Ahead:
    """A load begun ahead of its run (:func:`start_ahead`): the files read, what else its
    plan was made from (``inputs``), the plan, and the work begun (None: nothing to do)."""

    files: pd.DataFrame
    inputs: _Inputs
    plan: Plan
    work: Work | None


_ahead: _Ahead | None = None


def start_ahead(files: pd.DataFrame, cache: ParseCache, reference: Path | None, limit: int) -> None:
    """Begin the work of a load of ``files`` (see :func:`extract_and_check`) in the
    processes :func:`pipeline.processes.start` spawned, before the load asks for it:
    ``elections run`` does while it imports Dagster and starts its run (about 1.5 s in
    which the other core would wait). The run reads no file again (:func:`versions_of`),
    and takes the work over if it asks with the same files, cache, reference and limit
    (the plan too, where nothing changed); otherwise the work is stopped and its
    segments discarded. Where there is nothing to do, the processes are stopped at once."""
    global _ahead
    stop_ahead()
    plan = plan_load(files, cache, reference, limit)
    work = begin(check_group, plan.jobs, plan.sizes, STAGE)
    if work is None:
        stop()  # their imports done, they leave while this process goes on
    _ahead = _Ahead(files, _inputs(cache, plan.fingerprint, limit), plan, work)


def versions_of(paths: list[Path], limit: int) -> pd.DataFrame:
    """:func:`read_versions` of ``paths``, read once for a run: those read for the load
    begun ahead of it where they are of the same paths and limit. A file changed since
    is this load's in the version read (refused, if its group reads it again) and the
    next load's in its new version, as for a file changed while any load reads it."""
    if _ahead is not None and _ahead.inputs.limit == limit:
        files = _ahead.files
        if files["file"].tolist() == [shown_name(path) for path in paths]:
            return files
    return read_versions(paths, limit)


def stop_ahead() -> None:
    """Stop the work begun ahead that no load took over (its run failed before asking),
    and discard its segments."""
    global _ahead
    if _ahead is not None:
        ahead, _ahead = _ahead, None
        if ahead.work is not None:
            ahead.work.cancel()
        ahead.plan.discard()


def _take_ahead(
    files: pd.DataFrame, cache: ParseCache, reference: Path | None, limit: int
) -> tuple[Plan, Work | None]:
    """The plan and work begun ahead for this load, else a new plan (and the work begun
    for another load is stopped)."""
    global _ahead
    if _ahead is not None:
        inputs = _inputs(cache, reference_fingerprint(reference), limit)
        if _ahead.files.equals(files) and _ahead.inputs == inputs:
            ahead, _ahead = _ahead, None
            return ahead.plan, ahead.work
        stop_ahead()
    return plan_load(files, cache, reference, limit), None


def extract_and_check(
    files: pd.DataFrame, cache: ParseCache, reference: Path | None, limit: int
) -> Extraction:
    """Typed tables, findings and verdicts of every article of ``files`` (see
    :func:`read_versions`), reusing the segments of ``cache`` whose
    states are unchanged; ``reference``: county returns to compare with, or None;
    ``limit``: the size limit of an article file."""
    plan, work = _take_ahead(files, cache, reference, limit)
    fingerprint, segments, kept, jobs = plan.fingerprint, plan.segments, plan.kept, plan.jobs
    try:
        results = work.finish() if work else map_chunks(check_group, jobs, plan.sizes, STAGE)
        store = TableStore(tuple(kept + [result.segment for result in results]))
        if jobs or kept != segments:
            cache.keep(list(store.segments), fingerprint)
        else:
            cache.sweep()
    except BaseException:  # a full disk, a kill: the cache stays as the last load left it
        plan.discard()
        raise
    findings = [segment.frame(FINDINGS) for segment in store.segments]
    verdicts = [segment.read(VERDICTS) for segment in store.segments]
    unread = files[files["error"].notna()]
    if len(unread) or not store.segments:
        unread_findings, unread_verdicts = _unread(unread)
        findings.append(unread_findings)
        verdicts.append(pa.Table.from_pandas(unread_verdicts, preserve_index=False))
    findings = in_order(pd.concat(findings, ignore_index=True))
    # Sorted (stably) by Arrow before they become a DataFrame: pandas took twice as long
    # to order the 100,000 verdicts of 3,000 articles.
    verdicts = pa.concat_tables(verdicts, promote_options="permissive")
    verdicts = verdicts.take(pc.sort_indices(verdicts, [("article", "ascending")])).to_pandas()
    return Extraction(
        store,
        findings,
        verdicts,
        parsed=sum(result.parsed for result in results),
        checked=sum(len(job.articles) for job in jobs),
    )


def _groups(sizes: pd.Series, states: list[str]) -> list[tuple[str, ...]]:
    """``states`` packed into groups of at most :data:`GROUP_BYTES` of text (``sizes``:
    bytes by state; a state with more is a group of its own), first fit decreasing: each
    state, the largest first, joins the first group it fits in. Every group but the last
    few is then nearly full: fewer groups than packing the states in order, each a fixed
    cost of the rules (the 3,009 articles of the benchmark: 9 groups instead of 10). The
    largest groups come first, so that the last ones done, which may leave a process idle
    at the end, are the smallest; each group's states are in the order given."""
    groups: list[list[str]] = []
    room: list[int] = []  # bytes left in each group
    for state in sorted(states, key=lambda state: -sizes[state]):  # stable
        index = next((i for i, left in enumerate(room) if sizes[state] <= left), len(groups))
        if index == len(groups):
            groups.append([])
            room.append(GROUP_BYTES)
        groups[index].append(state)
        room[index] -= sizes[state]
    order = {state: number for number, state in enumerate(states)}
    groups.sort(key=lambda group: -sum(sizes[state] for state in group))  # stable
    return [tuple(sorted(group, key=order.__getitem__)) for group in groups]


def _job(
    states: tuple[str, ...],
    readable: pd.DataFrame,
    current: pd.DataFrame,
    held: pd.DataFrame,
    returns: pd.DataFrame | None,
    cache: ParseCache,
    limit: int,
) -> GroupJob:
    """The job of a group: parse what the cache does not hold."""
    mine = current["state"].isin(states)
    articles = current[mine].reset_index(drop=True)
    cached = articles.merge(held, on=["file", "sha256", "state"])
    to_parse = readable[mine & ~current["file"].isin(cached["file"])]
    if returns is not None:
        returns = returns[returns["state_po"].isin(states)].reset_index(drop=True)
    return GroupJob(
        states,
        articles,
        list(to_parse[["file", "path", "sha256"]].itertuples(index=False, name=None)),
        {folder: set(part["file"]) for folder, part in cached.groupby("folder", sort=False)},
        returns,
        cache.new_folder(),
        limit,
    )


def _unread(unread: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Findings and verdicts of the files refused before their text was read."""
    errors = [
        ArticleError(file, error, line=None if pd.isna(line) else int(line))
        for file, error, line in zip(
            unread["file"], unread["error"], unread["error_line"], strict=True
        )
    ]
    nothing = ElectionTables.concat([])
    findings = evaluate(nothing, errors)
    return findings, judge(nothing, unread["file"], findings)
