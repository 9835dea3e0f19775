"""Work on chunks of articles in several processes, results in the chunks' order.

Parsing and checking are pure Python and hold the interpreter's lock: threads would take
turns on one core. Processes use every core the machine (``ELECTIONS_PARSE_WORKERS``)
gives, each on whole chunks.
"""

import contextlib
import ctypes
import importlib
import multiprocessing
import pickle
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import shared_memory
from typing import TypeVar

import pyarrow as pa

from pipeline import progress, settings

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

# Other processes work only from this many articles on: below, starting them (about a
# second each) costs more than they save (one changed article on a reload is parsed in
# the calling process).
PARALLEL_MIN_ARTICLES = 1000


def map_chunks(
    job: Callable[[Chunk], Result], chunks: Sequence[Chunk], sizes: Sequence[int], stage: str
) -> list[Result]:
    """``job(chunk)`` of every chunk, in order, reporting ``stage`` progress by the chunks'
    ``sizes`` (articles). ``job`` is a module-level function: other processes import it."""
    workers = settings.parse_workers()
    if workers > 1 and len(chunks) > 1 and sum(sizes) >= PARALLEL_MIN_ARTICLES:
        return in_processes(job, chunks, sizes, stage, workers)
    results, done = [], 0
    for chunk, size in zip(chunks, sizes, strict=True):
        results.append(_done(job, chunk))
        done += size
        progress.report(stage, done, sum(sizes))
    return results


def in_processes(
    job: Callable[[Chunk], Result],
    chunks: Sequence[Chunk],
    sizes: Sequence[int],
    stage: str,
    workers: int,
) -> list[Result]:
    """:func:`map_chunks` with ``workers - 1`` other processes."""
    return Work(job, chunks, sizes, stage, workers).finish()


def begin(
    job: Callable[[Chunk], Result], chunks: Sequence[Chunk], sizes: Sequence[int], stage: str
) -> "Work | None":
    """The work of :func:`map_chunks`, begun now by the processes :func:`start` spawned,
    whatever its size (they cost nothing more): this process joins in later
    (:meth:`Work.finish`). None where none were started, or there is nothing to do."""
    if _started is None or not chunks:
        return None
    return Work(job, chunks, sizes, stage, settings.parse_workers())


class Work:
    """``job`` of each chunk, by ``workers - 1`` other processes and this one.

    Each other process is fed by a thread of this one, a chunk at a time, as soon as it is
    done with the last, from the moment the work is made; this process takes chunks too
    once it calls :meth:`finish`: nobody waits while chunks are left, and at the end nobody
    waits for a chunk queued behind another's. Chunks are taken in order: given the
    largest first, the last ones, which may leave a process idle at the end, are the
    smallest. The processes are spawned (fresh interpreters), never forked from this
    process, which may run threads (Dagster's); :func:`start` spawns them early. Their
    results come back through shared memory (see :func:`_shared`). A chunk whose process
    died (out of memory) is done here.
    """

    def __init__(
        self,
        job: Callable[[Chunk], Result],
        chunks: Sequence[Chunk],
        sizes: Sequence[int],
        stage: str,
        workers: int,
    ):
        global _started
        self.pool, _started = _started or _new_pool(workers), None
        self.job, self.chunks, self.sizes, self.stage = job, chunks, sizes, stage
        self.left = deque(range(len(chunks)))  # neither given out nor done
        self.lock = threading.Lock()
        self.results: dict[int, Result] = {}
        self.failures: list[BaseException] = []
        self.feeders = [
            threading.Thread(target=self._feed, daemon=True) for _ in range(workers - 1)
        ]
        for feeder in self.feeders:
            feeder.start()

    def _take(self) -> int | None:
        with self.lock:
            return None if self.failures or not self.left else self.left.popleft()

    def _feed(self) -> None:
        while (index := self._take()) is not None:
            try:
                submitted = self.pool.submit(_shared, self.job, self.chunks[index])
                self.results[index] = _from_shared(*submitted.result())
            except BrokenProcessPool:  # the process died: this one does its chunks
                with self.lock:
                    self.left.appendleft(index)
                return
            except BaseException as error:
                self.failures.append(error)
                return

    def finish(self) -> list[Result]:
        """Do the chunks left with the other processes; every result, in order."""
        threads = pa.cpu_count()
        _one_arrow_thread()
        total = sum(self.sizes)
        try:
            for _ in range(2):  # then the chunks a process that died gave back
                while (index := self._take()) is not None:
                    self.results[index] = _done(self.job, self.chunks[index])
                    done = sum(self.sizes[finished] for finished in list(self.results))
                    progress.report(self.stage, done, total)
                for feeder in self.feeders:
                    feeder.join()
            if self.failures:
                raise self.failures[0]
        finally:  # the other processes end while this one goes on
            with self.lock:
                self.left.clear()
            self.pool.shutdown(wait=False, cancel_futures=True)
            pa.set_cpu_count(threads)
        progress.report(self.stage, total, total)
        return [self.results[index] for index in range(len(self.chunks))]

    def cancel(self) -> None:
        """Give out no more chunks and wait for those given out; the processes stay for
        other work (:func:`stop` ends them)."""
        global _started
        with self.lock:
            self.left.clear()
        for feeder in self.feeders:
            feeder.join()
        if _started is None:
            _started = self.pool
        else:
            self.pool.shutdown(wait=False, cancel_futures=True)


_started: ProcessPoolExecutor | None = None  # see start()


def start(module: str) -> None:
    """Spawn the other processes now and have them import ``module`` (the jobs'), so that
    they are ready when :func:`map_chunks` has work: a process takes about a second to
    start and import pandas, which the caller spends on its own imports meanwhile. Only
    where the work will likely be parallel: an unused process is stopped at exit."""
    global _started
    workers = settings.parse_workers()
    if workers > 1 and _started is None:
        _started = _new_pool(workers)
        for _ in range(workers - 1):
            _started.submit(_import, module)


def stop() -> None:
    """Stop processes :func:`start` spawned that :func:`map_chunks` did not use."""
    global _started
    if _started is not None:
        _started.shutdown(wait=False, cancel_futures=True)
        _started = None


def _import(module: str) -> None:
    importlib.import_module(module)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        workers - 1, mp_context=multiprocessing.get_context("spawn"), initializer=_one_arrow_thread
    )


def _one_arrow_thread() -> None:
    """Arrow compresses and converts on one thread: each process already has a core, and
    Arrow's threads (one per core in each process) would only take turns with the other
    process's work: two processes writing the segments of 3,009 articles each took 1.75 s
    to write them, against 1.15 s with one thread."""
    pa.set_cpu_count(1)


def _shared(job: Callable[[Chunk], Result], chunk: Chunk) -> tuple[str, int]:
    """``job(chunk)`` in another process: the name and size of the shared memory block
    that holds its result, pickled (see :func:`_from_shared`).

    Through the pool's pipe, the result would travel in small pieces, each waiting for the
    calling process, busy with its own chunk, to let its reading thread run: the other
    process would wait about a fifth of its time."""
    data = pickle.dumps(_done(job, chunk), protocol=pickle.HIGHEST_PROTOCOL)
    block = shared_memory.SharedMemory(create=True, size=max(len(data), 1))
    block.buf[: len(data)] = data
    block.close()
    return block.name, len(data)


def _from_shared(name: str, size: int):
    """The result that :func:`_shared` left in shared memory; the block is freed."""
    block = shared_memory.SharedMemory(name=name)
    try:
        with block.buf[:size] as data:
            return pickle.loads(data)
    finally:
        block.close()
        block.unlink()


def _done(job: Callable[[Chunk], Result], chunk: Chunk) -> Result:
    """``job(chunk)``, then the memory it freed given back to the system.

    A chunk's millions of small objects and Arrow buffers are freed when it is done (by
    reference counting: they hold no cycles, so no collection runs here), but the
    allocators keep the pages for reuse (Arrow's mimalloc pool holds them for good):
    a process that did several chunks would hold about twice the memory of one. Arrow
    allocates from the C heap instead, and the heap's free pages are returned."""
    pa.set_memory_pool(pa.system_memory_pool())
    result = job(chunk)
    give_back_free_memory()
    return result


def give_back_free_memory() -> None:
    """Return the free pages of the C heap to the system (glibc's ``malloc_trim``; where
    there is none, nothing)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
