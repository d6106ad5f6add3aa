"""Progress of the index build that is running now, for whoever asks while it runs.

A build reports ``(done, total)`` texts embedded to a ``Progress`` callback. ``BuildProgress`` is
such a callback that also remembers: ``snapshot()`` gives, from any thread, how far the running
build is, its rate and the time left, so a status page can show it while the CLI shows its bar.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from assistant.index.backend import Progress


@dataclass(frozen=True, slots=True)
class BuildStatus:
    """A running build: texts embedded of those it must embed, texts per second since it began to
    embed, and the seconds left at that rate (``None`` until the rate is known)."""

    done: int
    total: int
    texts_per_second: float | None
    eta_seconds: float | None
    elapsed_seconds: float


class BuildProgress:
    """The progress of at most one running build. Thread-safe; each report costs a lock and a
    clock read."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._started: float | None = None
        self._first: tuple[float, int] | None = None  # when embedding began, and how much was done then
        self._done = 0
        self._total = 0

    @contextmanager
    def tracking(self, also: Progress | None = None) -> Iterator[Progress]:
        """A callback for one build that records its progress (and passes it on to ``also``); the
        record is cleared when the build ends, however it ends."""
        with self._lock:
            self._started, self._first, self._done, self._total = self._clock(), None, 0, 0

        def report(done: int, total: int) -> None:
            with self._lock:
                if self._first is None:
                    self._first = (self._clock(), done)
                self._done, self._total = done, total
            if also is not None:
                also(done, total)

        try:
            yield report
        finally:
            with self._lock:
                self._started = None

    def snapshot(self) -> BuildStatus | None:
        """How far the running build is, or ``None`` when none runs."""
        with self._lock:
            if self._started is None:
                return None
            now = self._clock()
            rate = None
            if self._first is not None and now > self._first[0] and self._done > self._first[1]:
                rate = (self._done - self._first[1]) / (now - self._first[0])
            eta = (self._total - self._done) / rate if rate else None
            return BuildStatus(done=self._done, total=self._total, texts_per_second=rate, eta_seconds=eta,
                               elapsed_seconds=now - self._started)
