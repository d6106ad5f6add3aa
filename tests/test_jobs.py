"""Background jobs: one at a time, each ending recorded (done with what it made, or failed with
why), the latest kept newest first, and the starter's context carried into the work."""

from __future__ import annotations

import contextvars
import threading

import pytest

from assistant.errors import ConflictError, InvalidRequestError
from assistant.jobs import BackgroundJobs, JobRunningError

who = contextvars.ContextVar("who", default="nobody")


def test_a_job_runs_in_the_background_and_its_result_is_kept() -> None:
    jobs = BackgroundJobs()
    release = threading.Event()
    started = jobs.start("rebuild", lambda: "v2" if release.wait(10) else "timeout", started_by="admin")
    assert started.outcome == "running" and jobs.running() == started
    release.set()
    ended = jobs.wait(timeout=10)
    assert ended is not None and (ended.number, ended.outcome, ended.result) == (1, "done", "v2")
    assert ended.finished_at is not None and ended.finished_at >= ended.started_at
    assert jobs.running() is None and jobs.recent() == [ended]


def test_a_second_job_is_refused_while_one_runs() -> None:
    jobs = BackgroundJobs()
    release = threading.Event()
    jobs.start("sync", lambda: str(release.wait(10)), started_by="admin", target="delad")
    with pytest.raises(JobRunningError, match=r"another job is running \(sync delad, started by admin\)") as refused:
        jobs.start("rebuild", lambda: "v2", started_by="other")
    assert isinstance(refused.value, ConflictError)
    release.set()
    jobs.wait(timeout=10)
    assert jobs.start("rebuild", lambda: "v3", started_by="other").number == 2


def test_a_failing_job_ends_failed_with_its_reason() -> None:
    jobs = BackgroundJobs()

    def refused() -> str:
        raise InvalidRequestError("no evaluation set is configured")

    def broken() -> str:
        raise KeyError("chunk 7")

    jobs.start("evaluate", refused, started_by="admin")
    assert jobs.wait(timeout=10).result == "no evaluation set is configured"  # type: ignore[union-attr]
    jobs.start("rebuild", broken, started_by="admin")
    ended = jobs.wait(timeout=10)
    assert ended is not None and (ended.outcome, ended.result) == ("failed", "KeyError: 'chunk 7'")
    assert [job.outcome for job in jobs.recent()] == ["failed", "failed"]


def test_only_the_latest_jobs_are_kept_newest_first() -> None:
    jobs = BackgroundJobs(keep=3)
    for number in range(5):
        jobs.start("rebuild", lambda n=number: f"v{n}", started_by="admin")
        jobs.wait(timeout=10)
    assert [job.result for job in jobs.recent()] == ["v4", "v3", "v2"]


def test_the_work_sees_the_context_it_was_started_in() -> None:
    jobs = BackgroundJobs()
    who.set("request 42")
    jobs.start("rebuild", who.get, started_by="admin")
    assert jobs.wait(timeout=10).result == "request 42"  # type: ignore[union-attr]
