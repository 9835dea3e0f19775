"""Progress of a long run: the stage it is in, how far it got, how long since the start.

The stages call :func:`report`; whoever wants to show progress listens with
:func:`listening`. ``elections run`` listens with :class:`TerminalProgress`: a live line
(rich) on a terminal, a plain line every few seconds when piped or under CI. Dagster's
run log gets the same lines from the assets (see :mod:`pipeline.defs.assets`), so a run
started from the UI or by the sensor shows them too.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True)
class Step:
    """Where a run is: ``stage`` ("parse", "checks", "load", "swap"), and for a stage that
    counts, ``done`` of ``total``."""

    stage: str
    done: int | None = None
    total: int | None = None
    unit: str = "articles"

    def __str__(self) -> str:
        counted = f" {self.done:,} of {self.total:,} {self.unit}" if self.total is not None else ""
        return f"{self.stage}{counted}"


Listener = Callable[[Step], None]
_listeners: list[Listener] = []


def report(stage: str, done: int | None = None, total: int | None = None, unit: str = "articles"):
    """Tell every listener where the run is (nothing happens when nobody listens)."""
    for listener in _listeners:
        listener(Step(stage, done, total, unit))


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send every :func:`report` to ``listener`` while the block runs."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


class Throttled:
    """Calls ``emit`` with a line when the stage changes, a count completes, or at most every
    ``seconds`` otherwise: a plain log stays readable, and Dagster's log small."""

    def __init__(self, emit: Callable[[str], None], seconds: float = 5.0):
        self.emit, self.seconds = emit, seconds
        self.start = self.last = time.monotonic()
        self.stage: str | None = None

    def __call__(self, step: Step) -> None:
        now = time.monotonic()
        finished = step.total is not None and step.done == step.total
        if step.stage != self.stage or finished or now - self.last >= self.seconds:
            self.emit(f"[{now - self.start:5.1f} s] {step}")
            self.stage, self.last = step.stage, now


class TerminalProgress:
    """Progress for a person at a terminal: one live, redrawn line (rich) with a spinner and
    the elapsed time on a TTY; otherwise :class:`Throttled` plain lines on standard error."""

    def __init__(self, stream: TextIO = sys.stderr):
        self.stream = stream
        self.live = stream.isatty()
        self.plain = Throttled(lambda line: print(line, file=stream, flush=True))

    @contextmanager
    def shown(self) -> Iterator[None]:
        if not self.live:
            with listening(self.plain):
                yield
            return
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

        line = Progress(
            SpinnerColumn(),
            "{task.description}",
            TimeElapsedColumn(),
            console=Console(file=self.stream),
            transient=True,
        )
        task = line.add_task("starting")

        def draw(step: Step) -> None:
            line.update(task, description=str(step))

        with line, listening(draw):
            yield
