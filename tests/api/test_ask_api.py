"""/v1/ask and its Server-Sent Events twin."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.facade import PolicyAssistant

ANSWER_FIELDS = {"answer", "citations", "abstained", "mode", "language", "warnings"}
CITATION_FIELDS = {"n", "chunk_id", "document_id", "title", "municipality", "section", "quote", "start", "end",
                   "before", "after", "page", "source_url", "url"}


@pytest.fixture(scope="module")
def client(assistant: PolicyAssistant) -> TestClient:
    return TestClient(create_app(assistant))


def sse_events(body: str) -> list[tuple[str, object]]:
    events = []
    for frame in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in frame.split("\n"))
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_ask_returns_the_documented_answer(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": "Who owns housing goals?"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == ANSWER_FIELDS
    assert body["mode"] == "extractive" and body["language"] == "en" and body["abstained"] is False
    assert all(set(c) == CITATION_FIELDS for c in body["citations"])
    assert "Chef kvalitet och strategisk utveckling" in body["answer"]


def test_ask_accepts_history_and_filters(client: TestClient) -> None:
    response = client.post("/v1/ask", json={
        "question": "Och i Tranås?",
        "history": [{"role": "user", "content": "Vem ansvarar för boende i Tierp?"},
                    {"role": "assistant", "content": "Chef kvalitet och strategisk utveckling [1]."}],
    })
    assert response.status_code == 200 and response.json()["language"] == "sv"
    assert {c["municipality"] for c in response.json()["citations"]} == {"Tranås"}


@pytest.mark.parametrize(("body", "fragment"), [
    ({"question": " "}, "question"),
    ({"question": "x" * 2001}, "question"),
    ({"question": "ok?", "history": [{"role": "user", "content": "a"}] * 21}, "history"),
    ({"question": "ok?", "history": [{"role": "system", "content": "a"}]}, "role"),
    ({"question": "ok?", "filters": {"municipality": "Malmö"}}, "Malmö"),
])
def test_bad_ask_requests_are_422_naming_the_problem(client: TestClient, body: dict, fragment: str) -> None:
    for path in ("/v1/ask", "/v1/ask/stream"):
        response = client.post(path, json=body)
        assert response.status_code == 422, path
        assert fragment in response.json()["detail"]


def test_the_stream_sends_deltas_then_citations_then_done(client: TestClient) -> None:
    response = client.post("/v1/ask/stream", json={"question": "Vem är dokumentansvarig i Tierp?"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"] and set(names[:-2]) == {"delta"}
    text = "".join(data["text"] for name, data in events if name == "delta")
    done = events[-1][1]
    assert text == done["answer"] and "Kommunchef" in text
    assert {c["n"] for c in events[-2][1]} == {1}
