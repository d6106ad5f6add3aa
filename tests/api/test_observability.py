"""Request ids, JSON logs and Prometheus metrics.

Every response carries an ``X-Request-ID`` (a sane incoming one echoed, else a new one) that every
log line of the request carries too; each request is one JSON log line; ``/metrics`` counts
requests by route template, times them, times search and answers, and reports the index size.
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.observability import REQUEST_ID_HEADER, configure_logging
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.conftest import REPO, make_assistant

GENERATED_ID = re.compile(r"[0-9a-f]{32}")
ACCESS_FIELDS = {"ts", "level", "request_id", "method", "route", "status", "ms"}


def fresh_app(assistant: PolicyAssistant) -> FastAPI:
    """A new app (its own metrics) over an assistant that shares the session's built index."""
    return create_app(PolicyAssistant(settings=assistant.settings, embedder=assistant.embedder,
                                      glossary=assistant.glossary))


@pytest.fixture
def client(assistant: PolicyAssistant) -> TestClient:
    return TestClient(fresh_app(assistant))


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The process's logging as ``assistant serve`` sets it up, written to a buffer; restored after."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging(stream=buffer)
    yield buffer
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)


def log_lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a Prometheus exposition, keyed by name and labels."""
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


# --- request ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("GET", "/healthz"), ("GET", "/v1/documents"), ("GET", "/metrics"),
                                              ("GET", "/v1/documents/nope"), ("GET", "/no/such/route"),
                                              ("POST", "/v1/search"), ("DELETE", "/v1/documents/x")])
def test_every_response_carries_a_generated_request_id(client: TestClient, method: str, path: str) -> None:
    first = client.request(method, path, json={"query": "bostad"})
    second = client.request(method, path, json={"query": "bostad"})
    assert GENERATED_ID.fullmatch(first.headers[REQUEST_ID_HEADER])
    assert first.headers[REQUEST_ID_HEADER] != second.headers[REQUEST_ID_HEADER]


@pytest.mark.parametrize("incoming", ["abc-123", "trace.01_A-z", "x" * 128])
def test_a_sane_incoming_request_id_is_echoed(client: TestClient, incoming: str) -> None:
    assert client.get("/healthz", headers={REQUEST_ID_HEADER: incoming}).headers[REQUEST_ID_HEADER] == incoming


@pytest.mark.parametrize("incoming", ["x" * 129, "has space", "a/b", "<script>", "id;drop", ""])
def test_an_insane_incoming_request_id_is_replaced(client: TestClient, incoming: str) -> None:
    echoed = client.get("/healthz", headers={REQUEST_ID_HEADER: incoming}).headers[REQUEST_ID_HEADER]
    assert echoed != incoming and GENERATED_ID.fullmatch(echoed)


# --- logs ---------------------------------------------------------------------------------------


def test_each_request_is_one_json_line_with_its_id_and_route_template(client: TestClient,
                                                                      json_log: io.StringIO) -> None:
    response = client.get("/v1/documents/tierp-handlingsplan-for-integration",
                          headers={REQUEST_ID_HEADER: "trace-42"})
    assert response.status_code == 200
    access = [line for line in log_lines(json_log) if line["request_id"] == "trace-42" and "route" in line]
    assert len(access) == 1
    line = access[0]
    assert set(line) == ACCESS_FIELDS
    assert line["method"] == "GET" and line["route"] == "/v1/documents/{document_id}"
    assert line["status"] == 200 and line["level"] == "INFO" and line["ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["ts"])


def test_every_log_line_of_a_request_carries_its_id(client: TestClient, json_log: io.StringIO) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]

    def noisy() -> dict[str, str]:  # runs in the threadpool, like every sync route
        logging.getLogger("tests.noisy").warning("working on it")
        return {}

    app.add_api_route("/test/noisy", noisy)
    generated = client.get("/test/noisy").headers[REQUEST_ID_HEADER]
    lines = [line for line in log_lines(json_log) if line["request_id"] == generated]
    assert {line.get("message") for line in lines} >= {"working on it"}
    assert any(line.get("route") == "/test/noisy" for line in lines)
    assert logging.getLogger().handlers[0].filters, "the request id comes from a logging.Filter"


def test_an_unexpected_error_is_a_plain_500_with_the_id_and_the_trace_only_in_the_log(
        client: TestClient, json_log: io.StringIO) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]

    def broken() -> None:
        raise RuntimeError("secret internals at /srv/policy/index")

    app.add_api_route("/test/broken", broken)
    response = client.get("/test/broken", headers={REQUEST_ID_HEADER: "broken-1"})
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error"}
    assert response.headers[REQUEST_ID_HEADER] == "broken-1"
    lines = [line for line in log_lines(json_log) if line["request_id"] == "broken-1"]
    assert any("RuntimeError" in line.get("exc", "") for line in lines)
    assert any(line.get("status") == 500 for line in lines)


def test_logging_is_not_configured_at_import_time() -> None:
    probe = "import logging, api.app; print(len(logging.getLogger().handlers))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"


# --- metrics ------------------------------------------------------------------------------------


def test_metrics_count_time_and_size_after_a_search_and_an_ask(client: TestClient,
                                                               assistant: PolicyAssistant) -> None:
    assert client.post("/v1/search", json={"query": "Who owns housing goals?"}).status_code == 200
    assert client.post("/v1/ask", json={"question": "Who owns housing goals?"}).status_code == 200
    client.get("/v1/documents/tierp-handlingsplan-for-integration")
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)

    def requests(method: str, route: str, status: str) -> float:
        labels = frozenset({"method": method, "route": route, "status": status}.items())
        return found.get(("policy_assistant_http_requests_total", labels), 0)

    assert requests("POST", "/v1/search", "200") == 1
    assert requests("POST", "/v1/ask", "200") == 1
    assert requests("GET", "/v1/documents/{document_id}", "200") == 1
    assert "tierp-handlingsplan" not in response.text  # templates, never raw paths
    for route in ("/v1/search", "/v1/ask"):
        count = frozenset({"method": "POST", "route": route}.items())
        assert found[("policy_assistant_http_request_duration_seconds_count", count)] == 1
        assert found[("policy_assistant_http_request_duration_seconds_sum", count)] > 0
    assert found[("policy_assistant_search_duration_seconds_count", frozenset())] == 1
    assert found[("policy_assistant_answer_duration_seconds_count", frozenset({("mode", "extractive")}))] == 1
    assert found[("policy_assistant_index_chunks", frozenset())] == assistant.manifest.chunks
    assert found[("policy_assistant_index_documents", frozenset())] == 5


def test_unmatched_paths_share_one_label(client: TestClient) -> None:
    for path in ("/nope/1", "/nope/2", "/wp-admin"):
        assert client.get(path).status_code == 404
    text = client.get("/metrics").text
    found = samples(text)
    labels = frozenset({"method": "GET", "route": "<unmatched>", "status": "404"}.items())
    assert found[("policy_assistant_http_requests_total", labels)] == 3
    assert "wp-admin" not in text


def test_the_docs_pages_and_the_schema_are_counted_under_their_own_routes(client: TestClient) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 200
    found = samples(client.get("/metrics").text)
    for route in ("/docs", "/redoc", "/openapi.json"):
        labels = frozenset({"method": "GET", "route": route, "status": "200"}.items())
        assert found[("policy_assistant_http_requests_total", labels)] >= 1, route


def test_each_app_has_its_own_registry(assistant: PolicyAssistant) -> None:
    first, second = TestClient(fresh_app(assistant)), TestClient(fresh_app(assistant))
    first.get("/healthz")
    first.get("/healthz")
    second.get("/healthz")
    healthz = frozenset({"method": "GET", "route": "/healthz", "status": "200"}.items())
    assert samples(first.get("/metrics").text)[("policy_assistant_http_requests_total", healthz)] == 2
    assert samples(second.get("/metrics").text)[("policy_assistant_http_requests_total", healthz)] == 1


def test_metrics_are_served_before_any_index_exists(tmp_path: Path, embedder: Embedder,
                                                    glossary: Glossary) -> None:
    client = TestClient(create_app(make_assistant(tmp_path, embedder, glossary)))
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "policy_assistant_index_chunks" not in response.text
