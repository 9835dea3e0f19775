"""The instance's load lock: taken early by `elections run`, held by its run, refused to
a second holder while held, and let go of when no run takes it."""

import fcntl
import os

import pytest

from pipeline import loadlock


def held_elsewhere(storage) -> bool:
    """Whether another open file description (as another process has) would wait."""
    descriptor = os.open(storage / loadlock.LOCK_FILE, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def test_a_lock_taken_early_is_held_by_the_run_then_let_go(tmp_path):
    storage = tmp_path / "storage"
    assert loadlock.take_early(storage) and loadlock.take_early(storage)
    assert held_elsewhere(storage)
    file = storage / loadlock.LOCK_FILE
    assert file.read_text().startswith(f"elections run (PID {os.getpid()})")
    waited = []
    with loadlock.holding(storage, "run abc (PID 1)", waited.append):
        assert waited == []  # the lock this process took: no waiting
        assert file.read_text() == "run abc (PID 1)\n"
        assert held_elsewhere(storage)
    assert not held_elsewhere(storage) and file.read_text() == ""
    loadlock.release_early()  # nothing left to let go of


def test_a_lock_taken_early_and_not_held_by_a_run_is_let_go(tmp_path):
    storage = tmp_path / "storage"
    assert loadlock.take_early(storage)
    loadlock.release_early()
    assert not held_elsewhere(storage)


def test_no_early_lock_while_another_load_holds_it(tmp_path):
    storage = tmp_path / "storage"
    storage.mkdir()
    other = os.open(storage / loadlock.LOCK_FILE, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(other, fcntl.LOCK_EX)
        assert not loadlock.take_early(storage)
    finally:
        os.close(other)
    assert loadlock.take_early(storage)
    loadlock.release_early()


def test_a_run_that_fails_lets_go_of_the_lock(tmp_path):
    storage = tmp_path / "storage"
    with pytest.raises(RuntimeError), loadlock.holding(storage, "run x", print):
        raise RuntimeError("the run failed")
    assert not held_elsewhere(storage)
