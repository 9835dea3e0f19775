"""The load lock of a Dagster instance: one load at a time, even into different warehouses.

An ``flock`` on a file in the instance's storage folder: the kernel releases it when its
process dies, so a killed load never leaves it held. Every run holds it from its start to
its end (:class:`pipeline.defs.runs.LoadSlot`). ``elections run`` takes it earlier, before
it begins the load's work ahead of its run (:func:`pipeline.checks.by_state.start_ahead`),
so that no other load sweeps the parse cache while that work writes to it; its run then
holds the lock its process took.
"""

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "elections-load.lock"

_taken: dict[Path, int] = {}  # lock file → its descriptor, taken early (take_early)


def take_early(storage: Path) -> bool:
    """Take the lock of the instance whose storage folder is ``storage`` now, if no load
    holds it: whether this process holds it. The process's next run holds it from then
    on (:func:`holding`); :func:`release_early` lets go of it if no run does."""
    path = (storage / LOCK_FILE).resolve()
    if path in _taken:
        return True
    descriptor = _open(path)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return False
    _write(descriptor, f"elections run (PID {os.getpid()}), starting its run")
    _taken[path] = descriptor
    return True


def release_early() -> None:
    """Let go of the locks taken early that no run held (the run failed before)."""
    while _taken:
        os.close(_taken.popitem()[1])


@contextmanager
def holding(storage: Path, holder: str, waiting: Callable[[str], None]) -> Iterator[None]:
    """Hold the lock of the instance whose storage folder is ``storage`` until the block
    ends, saying ``holder`` in its file meanwhile: the lock this process took early, or
    else the lock once the load that holds it ends (``waiting`` is told which load)."""
    path = (storage / LOCK_FILE).resolve()
    descriptor = _taken.pop(path, None)
    if descriptor is None:
        descriptor = _open(path)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                waiting(path.read_text().strip() or "another load")
                fcntl.flock(descriptor, fcntl.LOCK_EX)
        except BaseException:
            os.close(descriptor)
            raise
    try:
        _write(descriptor, holder)
        try:
            yield
        finally:
            os.ftruncate(descriptor, 0)
    finally:
        os.close(descriptor)


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def _write(descriptor: int, holder: str) -> None:
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, f"{holder}\n".encode(), 0)
