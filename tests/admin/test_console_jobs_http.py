"""Work the console starts in the background, over HTTP: a rebuild or a sync answers at once and
runs as a job, one at a time (a second is refused with 409 and the reason); the Status page lists
the jobs and, with an evaluation set configured, measures the serving index and shows the figures
(the measurement's questions are not logged as staff questions)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.admin.test_console_http import ADMIN_KEY, sign_in
from tests.conftest import REPO, make_assistant, questions_subset

EVAL_IDS = ("q001", "q002", "q069", "q070")


@pytest.fixture
def eval_set(tmp_path: Path) -> Path:
    """Four questions of the policies' evaluation set: two answerable, two that are not."""
    return questions_subset(tmp_path / "eval.jsonl", EVAL_IDS)


@pytest.fixture
def measured(tmp_path: Path, embedder: Embedder, glossary: Glossary, eval_set: Path) -> PolicyAssistant:
    built = make_assistant(tmp_path, embedder, glossary, admin_keys=(ADMIN_KEY,), eval_questions=eval_set)
    built.ensure_index()
    return built


@pytest.fixture
def console(measured: PolicyAssistant) -> TestClient:
    return TestClient(create_app(measured), base_url="http://testserver", follow_redirects=False)


def test_the_status_page_measures_the_serving_index_against_the_configured_set(console: TestClient,
                                                                              measured: PolicyAssistant,
                                                                              eval_set: Path) -> None:
    csrf = sign_in(console)
    before = console.get("/admin/status", params={"lang": "en"}).text
    assert str(eval_set) in before and "Not measured yet." in before and "Measure now" in before

    started = console.post("/admin/status/evaluate", data={"csrf": csrf})
    assert started.status_code == 303 and started.headers["location"] == "/admin/status?notice=job_started%3A1"
    job = measured.jobs.wait(timeout=300)
    assert job is not None and (job.kind, job.outcome) == ("evaluate", "done"), job

    figures = measured.quality.latest()
    assert figures is not None and (figures.questions, figures.answerable, figures.unanswerable) == (4, 2, 2)
    assert figures.index_version == measured.manifest.version and figures.answerer == "extractive"
    assert figures.evidence_in_answer == 2 and figures.abstained_rightly == 2  # the policies' easiest four
    shown = console.get(started.headers["location"] + "&lang=sv").text
    assert 'class="job job-done"' in shown and "Kvalitetsmätning:</strong>" in shown  # ended before the page: shown
    assert "Svar som innehåller det förväntade faktumet" in shown and "2 av 2" in shown
    assert "Kvalitetsmätning" in shown and "klart" in shown
    assert measured.question_groups() == []  # the unanswerable two abstained, and were not logged
    [entry] = measured.audit()
    assert entry.action == "quality measured" and measured.manifest.version in entry.target


def test_figures_outlive_a_restart_and_say_when_the_index_has_changed_since(tmp_path: Path, embedder: Embedder,
                                                                           glossary: Glossary,
                                                                           measured: PolicyAssistant,
                                                                           eval_set: Path) -> None:
    measured.measure_quality()
    measured.build_index()
    again = make_assistant(tmp_path, embedder, glossary, admin_keys=(ADMIN_KEY,), eval_questions=eval_set)
    client = TestClient(create_app(again), base_url="http://testserver", follow_redirects=False)
    sign_in(client)
    shown = client.get("/admin/status", params={"lang": "en"}).text
    assert "Answers holding the expected fact" in shown and "not the version serving now: measure again" in shown


def test_without_an_evaluation_set_the_page_says_how_to_configure_one(tmp_path: Path, embedder: Embedder,
                                                                      glossary: Glossary) -> None:
    plain = make_assistant(tmp_path, embedder, glossary, admin_keys=(ADMIN_KEY,))
    plain.ensure_index()
    client = TestClient(create_app(plain), base_url="http://testserver", follow_redirects=False)
    csrf = sign_in(client)
    assert "set ASSISTANT_EVAL_QUESTIONS to a question file" in client.get("/admin/status").text
    refused = client.post("/admin/status/evaluate", data={"csrf": csrf})
    assert refused.status_code == 422 and "The quality was not measured:" in refused.text
    assert plain.jobs.recent() == []


def test_a_malformed_evaluation_set_fails_its_job_with_the_line_named(console: TestClient, measured: PolicyAssistant,
                                                                      eval_set: Path) -> None:
    csrf = sign_in(console)
    eval_set.write_text('{"id": "x1", "question": ""}\n', encoding="utf-8")
    console.post("/admin/status/evaluate", data={"csrf": csrf})
    job = measured.jobs.wait(timeout=60)
    assert job is not None and job.outcome == "failed" and f"{eval_set}:1" in job.result
    assert measured.quality.latest() is None
    assert f"{eval_set}:1" in console.get("/admin/status").text


def test_one_job_runs_at_a_time_and_a_second_is_refused_with_the_reason(console: TestClient,
                                                                        measured: PolicyAssistant) -> None:
    csrf = sign_in(console)
    release = threading.Event()
    measured.jobs.start("rebuild", lambda: str(release.wait(60)), started_by="skript")
    try:
        running = console.get("/admin/status", params={"lang": "en"})
        assert 'data-job="1"' in running.text and "Rebuild of the index:" in running.text
        assert console.get("/admin/jobs/latest").json() == {
            "number": 1, "kind": "rebuild", "target": "", "outcome": "running", "result": "", "done": None,
            "total": None}
        refused = console.post("/admin/status/rebuild", data={"csrf": csrf})
        assert refused.status_code == 409 and "The index was not rebuilt:" in refused.text
        assert "another job is running (rebuild, started by skript)" in refused.text
        measured.sources.add("delad", str(REPO / "corpus"))
        refused_sync = console.post("/admin/sources/delad/sync", data={"csrf": csrf})
        assert refused_sync.status_code == 409 and "The source was not synced:" in refused_sync.text
    finally:
        release.set()
    assert measured.jobs.wait(timeout=10).outcome == "done"  # type: ignore[union-attr]
    assert console.get("/admin/jobs/latest").json()["result"] == "True"


def test_a_job_is_followed_only_by_a_signed_in_admin(console: TestClient) -> None:
    assert console.get("/admin/jobs/latest").status_code == 303
    sign_in(console)
    assert console.get("/admin/jobs/latest").json() == {}
    back = console.get("/admin/status/evaluate", params={"lang": "sv"})
    assert back.status_code == 303 and back.headers["location"] == "/admin/status?lang=sv"
