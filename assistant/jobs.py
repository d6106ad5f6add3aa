"""Work an administrator starts that takes longer than a page can wait: a rebuild, a source's
sync, an evaluation. ``BackgroundJobs`` runs one such job at a time on a thread of its own and
remembers the latest ones, so the page that started it answers at once and any later page can
say how it went.

The record is this process's: under PostgreSQL another replica's Status page does not see a job
started here (the index it serves changes when the job's build commits, as for any build).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from assistant.errors import AssistantError, ConflictError

JobKind = Literal["rebuild", "sync", "evaluate"]
JobOutcome = Literal["running", "done", "failed"]
logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    """One job: what it does (``target`` names the source of a sync, else ``""``), when it began
    and ended, how it ended, and what it made (a version, a sync's summary, figures) or why it
    failed."""

    number: int
    kind: JobKind
    target: str
    started_at: dt.datetime
    started_by: str
    finished_at: dt.datetime | None = None
    outcome: JobOutcome = "running"
    result: str = ""


class JobRunningError(ConflictError):
    """Another job is running; one runs at a time."""

    def __init__(self, running: Job) -> None:
        self.running = running
        what = f"{running.kind} {running.target}".strip()
        super().__init__(f"another job is running ({what}, started by {running.started_by}); "
                         "try again when it has finished")


class BackgroundJobs:
    """At most one job at a time, each on a daemon thread; the latest ``keep`` are remembered.
    A job's work returns a line saying what it made; an ``AssistantError`` it raises fails the
    job with its message, any other exception with its type and message (and is logged with
    its traceback). Thread-safe; ``start`` costs a thread."""

    def __init__(self, *, keep: int = 20, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._lock = threading.Lock()
        self._jobs: deque[Job] = deque(maxlen=keep)
        self._thread: threading.Thread | None = None
        self._count = 0

    def start(self, kind: JobKind, work: Callable[[], str], *, started_by: str, target: str = "") -> Job:
        """Begin ``work`` now and return its record (running); ``JobRunningError`` while another runs."""
        with self._lock:
            running = self._running()
            if running is not None:
                raise JobRunningError(running)
            self._count += 1
            job = Job(number=self._count, kind=kind, target=target, started_at=self._clock(), started_by=started_by)
            self._jobs.appendleft(job)
            # The caller's context goes with the work (a request's id reaches the audit entry it writes).
            context = contextvars.copy_context()
            self._thread = threading.Thread(target=context.run, args=(self._run, job, work), name=f"job-{kind}",
                                            daemon=True)
            self._thread.start()
        return job

    def running(self) -> Job | None:
        """The job running now, if one is."""
        with self._lock:
            return self._running()

    def recent(self) -> list[Job]:
        """The latest jobs, newest first, the running one included."""
        with self._lock:
            return list(self._jobs)

    def wait(self, timeout: float | None = None) -> Job | None:
        """Block until the running job (if any) ends, or ``timeout`` seconds pass; the newest job."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        with self._lock:
            return self._jobs[0] if self._jobs else None

    def _running(self) -> Job | None:
        return self._jobs[0] if self._jobs and self._jobs[0].outcome == "running" else None

    def _run(self, job: Job, work: Callable[[], str]) -> None:
        try:
            outcome, result = "done", work()
        except AssistantError as error:
            outcome, result = "failed", str(error)
        except Exception as error:  # a job must end recorded, whatever went wrong in it
            logger.exception("job %s %s failed", job.kind, job.target)
            outcome, result = "failed", f"{type(error).__name__}: {error}"
        self._finish(job, outcome, result)

    def _finish(self, job: Job, outcome: JobOutcome, result: str) -> None:
        with self._lock:
            ended = replace(job, finished_at=self._clock(), outcome=outcome, result=result)
            self._jobs = deque((ended if j.number == job.number else j for j in self._jobs), maxlen=self._jobs.maxlen)
