"""The progress of a running build: what an administrator sees while the index is built, from the
tracker itself (with a clock the test turns) and through ``GET /v1/index`` while a real build runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.embed import Embedder
from assistant.glossary import Glossary
from assistant.progress import BuildProgress
from tests.conftest import CORPUS, make_assistant


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_running_build_reports_its_rate_and_the_time_left() -> None:
    clock = Clock()
    tracker = BuildProgress(clock=clock)
    seen: list[tuple[int, int]] = []

    assert tracker.snapshot() is None
    with tracker.tracking(lambda done, total: seen.append((done, total))) as report:
        clock.now += 5  # parsing: no rate yet
        report(0, 1000)
        assert tracker.snapshot() is not None and tracker.snapshot().eta_seconds is None  # type: ignore[union-attr]
        clock.now += 10
        report(200, 1000)
        status = tracker.snapshot()
        assert status is not None
        assert (status.done, status.total, status.texts_per_second, status.eta_seconds) == (200, 1000, 20.0, 40.0)
        assert status.elapsed_seconds == 15
    assert tracker.snapshot() is None
    assert seen == [(0, 1000), (200, 1000)]


def test_a_failed_build_leaves_no_progress_behind() -> None:
    tracker = BuildProgress()
    with pytest.raises(RuntimeError), tracker.tracking() as report:
        report(1, 10)
        raise RuntimeError("the embedder went away")
    assert tracker.snapshot() is None


def test_the_index_route_shows_a_build_while_it_runs(tmp_path: Path, embedder: Embedder, glossary: Glossary) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("astorp-integrationspolicy.txt", "tranas-integrationspolitiskt-program.txt"):
        (corpus / name).write_bytes((CORPUS / name).read_bytes())
    assistant = make_assistant(tmp_path, embedder, glossary, corpus=corpus)
    client = TestClient(create_app(assistant))
    assert client.get("/v1/index").json() == {"index": None, "build": None}

    reported, release = threading.Event(), threading.Event()

    def hold(done: int, total: int) -> None:  # the build waits here until the status was read
        reported.set()
        release.wait(timeout=30)

    builder = threading.Thread(target=lambda: assistant.build_index(progress=hold))
    builder.start()
    try:
        assert reported.wait(timeout=60)
        build = client.get("/v1/index").json()["build"]
        assert build is not None and build["total"] > 0 and 0 <= build["done"] <= build["total"]
    finally:
        release.set()
        builder.join(timeout=120)
    status = client.get("/v1/index").json()
    assert status["build"] is None and status["index"]["documents"] == 2
