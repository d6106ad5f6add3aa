"""API keys (reader and admin roles, bearer tokens) and CORS.

Reading is open until reader keys are configured; admin endpoints always need an admin key and are
disabled (403) while none is configured. Keys are compared in constant time against every
configured key and never show up in logs or responses.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import ADMIN_DISABLED
from assistant.facade import PolicyAssistant
from assistant.settings import Settings

READER_KEY = "reader-key-0d7c1f"
OTHER_READER_KEY = "reader-key-b8e2aa"
ADMIN_KEY = "admin-key-5f3e91"
OTHER_ADMIN_KEY = "admin-key-77c0d4"
ORIGIN = "https://intranet.example.se"

READER_ENDPOINTS: list[tuple[str, str, dict | None]] = [
    ("POST", "/v1/search", {"query": "bostad", "k": 1}),
    ("POST", "/v1/ask", {"question": "Who owns housing goals?"}),
    ("POST", "/v1/ask/stream", {"question": "Vem är dokumentansvarig i Tierp?"}),
    ("POST", "/v1/chat/completions", {"model": "policy-assistant",
                                      "messages": [{"role": "user", "content": "Who owns housing goals?"}]}),
    ("GET", "/v1/models", None),
    ("GET", "/v1/documents", None),
    ("GET", "/v1/documents/tierp-handlingsplan-for-integration", None),
    ("GET", "/v1/documents/tierp-handlingsplan-for-integration/overview", None),
    ("GET", "/v1/glossary", None),
]
ADMIN_ENDPOINTS: list[tuple[str, str, dict | None]] = [
    ("GET", "/v1/feedback", None),
    ("DELETE", "/v1/documents/no-such-document", None),
    ("POST", "/v1/index/rebuild", None),
]
OPEN_PATHS = ["/healthz", "/metrics", "/", "/widget.js", "/openapi.json", "/docs"]


def client_with(assistant: PolicyAssistant, **overrides: object) -> TestClient:
    """A client of a new app whose assistant shares the session's built index (read-only) with
    ``overrides`` applied to its settings, validated as the environment would be."""
    settings = Settings(**{**assistant.settings.model_dump(), **overrides})
    return TestClient(create_app(PolicyAssistant(settings=settings, embedder=assistant.embedder,
                                                 glossary=assistant.glossary)))


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def call(client: TestClient, endpoint: tuple[str, str, dict | None],
         headers: dict[str, str] | None = None) -> httpx.Response:
    method, path, body = endpoint
    return client.request(method, path, json=body, headers=headers)


@pytest.fixture(scope="module")
def open_client(assistant: PolicyAssistant) -> TestClient:
    return client_with(assistant)


@pytest.fixture(scope="module")
def keyed_client(assistant: PolicyAssistant) -> TestClient:
    return client_with(assistant, reader_keys=f"{READER_KEY},{OTHER_READER_KEY}",
                       admin_keys=f"{ADMIN_KEY},{OTHER_ADMIN_KEY}")


@pytest.fixture(scope="module")
def readers_only_client(assistant: PolicyAssistant) -> TestClient:
    return client_with(assistant, reader_keys=READER_KEY)


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", READER_ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
def test_without_reader_keys_reading_is_open(open_client: TestClient, endpoint: tuple) -> None:
    assert call(open_client, endpoint).status_code == 200


@pytest.mark.parametrize("endpoint", READER_ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
def test_with_reader_keys_reading_needs_a_reader_or_admin_key(keyed_client: TestClient, endpoint: tuple) -> None:
    missing = call(keyed_client, endpoint)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert call(keyed_client, endpoint, bearer("not-a-key")).status_code == 401
    assert call(keyed_client, endpoint, bearer(READER_KEY)).status_code == 200
    assert call(keyed_client, endpoint, bearer(OTHER_READER_KEY)).status_code == 200
    assert call(keyed_client, endpoint, bearer(ADMIN_KEY)).status_code == 200


@pytest.mark.parametrize("authorization", [f"Basic {READER_KEY}", READER_KEY, "Bearer ", f"Bearer {READER_KEY}x"])
def test_only_the_exact_key_as_a_bearer_token_is_accepted(keyed_client: TestClient, authorization: str) -> None:
    response = keyed_client.get("/v1/documents", headers={"Authorization": authorization})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("path", OPEN_PATHS)
def test_health_metrics_widget_and_docs_stay_open_with_keys_configured(keyed_client: TestClient, path: str) -> None:
    assert keyed_client.get(path).status_code == 200


# --- administration -----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", [*ADMIN_ENDPOINTS, ("POST", "/v1/documents", None)],
                         ids=lambda e: f"{e[0]} {e[1]}")
@pytest.mark.parametrize("fixture", ["open_client", "readers_only_client"])
def test_without_admin_keys_admin_endpoints_are_disabled(request: pytest.FixtureRequest, fixture: str,
                                                         endpoint: tuple) -> None:
    client: TestClient = request.getfixturevalue(fixture)
    for headers in (None, bearer(READER_KEY), bearer("anything")):
        response = call(client, endpoint, headers)
        assert response.status_code == 403
        assert response.json() == {"detail": ADMIN_DISABLED}


@pytest.mark.parametrize("endpoint", ADMIN_ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
def test_admin_endpoints_refuse_readers_and_unknown_keys(keyed_client: TestClient, endpoint: tuple) -> None:
    missing = call(keyed_client, endpoint)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert call(keyed_client, endpoint, bearer("not-a-key")).status_code == 401
    assert call(keyed_client, endpoint, bearer(READER_KEY)).status_code == 403


def test_an_admin_key_passes_the_admin_gate(keyed_client: TestClient) -> None:
    assert keyed_client.get("/v1/feedback", headers=bearer(ADMIN_KEY)).status_code == 200
    assert keyed_client.get("/v1/feedback", headers=bearer(OTHER_ADMIN_KEY)).status_code == 200
    # Past the gate, the route itself answers: an unknown document, an unsupported upload.
    gone = keyed_client.delete("/v1/documents/no-such-document", headers=bearer(ADMIN_KEY))
    assert gone.status_code == 404 and "no-such-document" in gone.json()["detail"]
    upload = keyed_client.post("/v1/documents", headers=bearer(ADMIN_KEY),
                               files={"file": ("notes.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert upload.status_code == 415


def test_admin_keys_alone_leave_reading_open(assistant: PolicyAssistant) -> None:
    client = client_with(assistant, admin_keys=ADMIN_KEY)
    assert client.get("/v1/documents").status_code == 200
    assert client.get("/v1/feedback").status_code == 401
    assert client.get("/v1/feedback", headers=bearer(ADMIN_KEY)).status_code == 200


# --- secrecy and constant time ------------------------------------------------------------------


def test_keys_never_appear_in_logs_or_responses(keyed_client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    responses = [
        keyed_client.get("/v1/documents", headers=bearer(READER_KEY)),
        keyed_client.get("/v1/documents", headers=bearer(READER_KEY + "-wrong")),
        keyed_client.get("/v1/feedback", headers=bearer(READER_KEY)),
        keyed_client.get("/v1/feedback", headers=bearer(ADMIN_KEY)),
        keyed_client.post("/v1/search", json={"query": ""}, headers=bearer(READER_KEY)),
        keyed_client.get("/v1/documents/nope", headers=bearer(ADMIN_KEY)),
    ]
    assert [r.status_code for r in responses] == [200, 401, 403, 200, 422, 404]
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert caplog.records, "the requests were logged"
    for key in (READER_KEY, ADMIN_KEY):
        assert key not in logged
        for response in responses[1:]:
            assert key not in response.text and key not in str(response.headers)


def test_configured_keys_stay_out_of_reprs() -> None:
    settings = Settings(reader_keys=READER_KEY, admin_keys=ADMIN_KEY)
    assert READER_KEY not in repr(settings) and ADMIN_KEY not in repr(settings)
    assert READER_KEY not in str(settings.model_dump())


def test_a_key_is_compared_with_compare_digest_against_every_configured_key(
        keyed_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[bytes] = []
    real: Callable[[bytes, bytes], bool] = hmac.compare_digest

    def spy(given: bytes, expected: bytes) -> bool:
        compared.append(expected)
        return real(given, expected)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert keyed_client.get("/v1/documents", headers=bearer(READER_KEY)).status_code == 200
    # The first reader key matched; every other key was compared all the same.
    assert sorted(compared) == sorted(k.encode() for k in (READER_KEY, OTHER_READER_KEY, ADMIN_KEY, OTHER_ADMIN_KEY))


# --- settings -----------------------------------------------------------------------------------


def test_keys_and_origins_are_comma_separated_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_READER_KEYS", "a, b")
    monkeypatch.setenv("ASSISTANT_ADMIN_KEYS", " c ,")
    monkeypatch.setenv("ASSISTANT_CORS_ORIGINS", "https://a.example, https://b.example:8443")
    settings = Settings()
    assert [k.get_secret_value() for k in settings.reader_keys] == ["a", "b"]
    assert [k.get_secret_value() for k in settings.admin_keys] == ["c"]
    assert settings.cors_origins == ("https://a.example", "https://b.example:8443")


def test_nothing_configured_means_no_keys_and_no_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_READER_KEYS", "")
    settings = Settings()
    assert settings.reader_keys == () and settings.admin_keys == () and settings.cors_origins == ()


# --- CORS ---------------------------------------------------------------------------------------


def preflight(client: TestClient, origin: str) -> httpx.Response:
    return client.options("/v1/ask", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "authorization, content-type"})


def test_no_cross_origin_access_by_default(open_client: TestClient) -> None:
    response = open_client.get("/v1/documents", headers={"Origin": ORIGIN})
    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in preflight(open_client, ORIGIN).headers


def test_an_allowed_origin_gets_the_preflight_and_its_own_origin_back(assistant: PolicyAssistant) -> None:
    client = client_with(assistant, cors_origins=ORIGIN, reader_keys=READER_KEY)
    allowed = preflight(client, ORIGIN)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert {m.strip() for m in allowed.headers["access-control-allow-methods"].split(",")} == \
        {"GET", "POST", "DELETE", "OPTIONS"}
    assert {h.strip().lower() for h in allowed.headers["access-control-allow-headers"].split(",")} >= \
        {"authorization", "content-type"}
    actual = client.get("/v1/documents", headers={"Origin": ORIGIN, **bearer(READER_KEY)})
    assert actual.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in actual.headers["access-control-expose-headers"].lower()
    other = "https://elsewhere.example"
    assert "access-control-allow-origin" not in preflight(client, other).headers
    assert "access-control-allow-origin" not in client.get("/v1/documents", headers={"Origin": other}).headers
