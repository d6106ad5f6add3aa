"""Input limits and rate limits (``api/limits.py``).

Bodies are at most 1 MB except the document upload (20 MB, or ``max_upload_bytes``), whether the
size is declared or streamed; questions are at most 2,000 characters and histories 20 turns. Each
API key (or, without a valid key, each client address) has a token bucket on the ``/v1`` routes;
over it, 429 with ``Retry-After``. Open routes are never limited, and no key is ever stored raw.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.limits import CallerIdentity, RateLimiter, bearer_token, format_size
from api.server import serve_in_background
from assistant.facade import PolicyAssistant
from assistant.settings import Settings

MB = 1024 * 1024
READER_KEY = "reader-key-limits-1"
OTHER_READER_KEY = "reader-key-limits-2"
ADMIN_KEY = "admin-key-limits-1"
TOO_LARGE = {"detail": "the request body is larger than 1 MB"}
QUESTION = "Who owns housing goals?"
TURNS = [{"role": "user", "content": "Who is responsible for housing in Tierp?"},
         {"role": "assistant", "content": "Chef kvalitet och strategisk utveckling [1]."}]


def app_for(assistant: PolicyAssistant, **overrides: object) -> TestClient:
    """A client of a new app sharing the session's built index (read-only), with ``overrides``
    applied to its settings as the environment would be."""
    settings = Settings(**{**assistant.settings.model_dump(), **overrides})
    return TestClient(create_app(PolicyAssistant(settings=settings, embedder=assistant.embedder,
                                                 glossary=assistant.glossary)))


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def json_body(size: int) -> bytes:
    """A syntactically valid search body of exactly ``size`` bytes."""
    head, tail = b'{"query": "', b'"}'
    return head + b"a" * (size - len(head) - len(tail)) + tail


def chunked(data: bytes, *, piece: int = 64 * 1024) -> Iterator[bytes]:
    """``data`` as a body without ``Content-Length`` (sent chunked)."""
    for start in range(0, len(data), piece):
        yield data[start:start + piece]


@pytest.fixture(scope="module")
def client(assistant: PolicyAssistant) -> TestClient:
    return app_for(assistant, rate_limit_per_minute=0)


# --- body size ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/search", "/v1/ask", "/v1/ask/stream", "/v1/feedback"])
def test_a_declared_body_over_1_mb_is_413(client: TestClient, path: str) -> None:
    response = client.post(path, content=json_body(MB + 1), headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json() == TOO_LARGE
    assert response.headers["X-Request-ID"]  # the refusal went through observability


@pytest.mark.parametrize("path", ["/v1/search", "/v1/ask/stream", "/v1/feedback"])
def test_a_streamed_body_over_1_mb_is_413_too(client: TestClient, path: str) -> None:
    response = client.post(path, content=chunked(json_body(MB + 1)), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413 and response.json() == TOO_LARGE


def test_a_body_of_exactly_1_mb_passes_the_size_limit(client: TestClient) -> None:
    for body in (json_body(MB), chunked(json_body(MB))):
        response = client.post("/v1/search", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422 and "2000 characters" in response.json()["detail"]


@pytest.mark.parametrize("streamed", [False, True], ids=["declared", "streamed"])
def test_the_openai_routes_refuse_in_openai_shape(client: TestClient, streamed: bool) -> None:
    body = json_body(MB + 1)
    response = client.post("/v1/chat/completions", content=chunked(body) if streamed else body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["message"] == TOO_LARGE["detail"]
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_the_upload_route_has_its_own_limit(assistant: PolicyAssistant) -> None:
    # No admin keys: the upload answers 403, but only after its body was read, so the status tells
    # which size limit applied. 1.5 MB passes; past max_upload_bytes is a 413, declared or streamed.
    client = app_for(assistant, rate_limit_per_minute=0, max_upload_bytes=2 * MB)
    files = {"file": ("policy.txt", b"x" * (3 * MB // 2), "text/plain")}
    assert client.post("/v1/documents", files=files).status_code == 403
    big = {"file": ("policy.txt", b"x" * (2 * MB + 100 * 1024), "text/plain")}
    refused = client.post("/v1/documents", files=big)
    assert refused.status_code == 413 and refused.json() == {"detail": "the file is larger than 2 MB"}
    request = client.build_request("POST", "/v1/documents", files=big)
    streamed = client.post("/v1/documents", content=chunked(request.read()),
                           headers={"content-type": request.headers["content-type"]})
    assert streamed.status_code == 413 and streamed.json() == {"detail": "the file is larger than 2 MB"}


def test_a_declared_length_is_refused_before_the_body_is_sent(assistant: PolicyAssistant) -> None:
    # Over a real socket: headers announcing 50 MB and no body at all still get the 413 at once.
    app = create_app(assistant)
    with serve_in_background(app) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as conn:
            conn.sendall(b"POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 52428800\r\n\r\n")
            reply = read_response(conn)
    assert reply.startswith("HTTP/1.1 413 ")
    assert reply.endswith('{"detail": "the request body is larger than 1 MB"}')


def read_response(conn: socket.socket) -> str:
    """One whole HTTP response with a ``Content-Length`` from ``conn`` (bounded by its timeout)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536) or b"\r\n\r\n"
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.lower().split(b"\r\n")
                  if line.startswith(b"content-length:"))
    while len(body) < length and (more := conn.recv(65536)):
        body += more
    return (head + b"\r\n\r\n" + body).decode("latin-1")


def test_the_limit_is_a_setting(assistant: PolicyAssistant) -> None:
    client = app_for(assistant, rate_limit_per_minute=0, max_request_bytes=4096)
    response = client.post("/v1/search", content=json_body(4097), headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json() == {"detail": "the request body is larger than 4 KB"}
    assert format_size(MB) == "1 MB" and format_size(20 * MB) == "20 MB" and format_size(1500) == "1500 bytes"


# --- question and history -----------------------------------------------------------------------


@pytest.mark.parametrize(("path", "field"), [("/v1/search", "query"), ("/v1/ask", "question"),
                                             ("/v1/ask/stream", "question")])
def test_a_question_may_have_2000_characters_not_more(client: TestClient, path: str, field: str) -> None:
    accepted = client.post(path, json={field: "bostad " + "x" * 1993})
    assert accepted.status_code == 200
    refused = client.post(path, json={field: "x" * 2001})
    assert refused.status_code == 422 and "2000 characters" in refused.json()["detail"]


def test_the_chat_route_refuses_a_question_over_2000_characters(client: TestClient) -> None:
    def ask(content: str) -> httpx.Response:
        return client.post("/v1/chat/completions", json={"model": "policy-assistant",
                                                         "messages": [{"role": "user", "content": content}]})

    assert ask("bostad " + "x" * 1993).status_code == 200
    refused = ask("x" * 2001)
    assert refused.status_code == 400 and "longer than 2000" in refused.json()["error"]["message"]


@pytest.mark.parametrize("path", ["/v1/ask", "/v1/ask/stream"])
def test_a_history_may_have_20_turns_not_more(client: TestClient, path: str) -> None:
    accepted = client.post(path, json={"question": "And in Tranås?", "history": TURNS * 10})
    assert accepted.status_code == 200
    refused = client.post(path, json={"question": "And in Tranås?", "history": TURNS * 10 + TURNS[:1]})
    assert refused.status_code == 422 and "history" in refused.json()["detail"]


def test_the_chat_route_keeps_the_last_20_turns_of_a_longer_conversation(client: TestClient) -> None:
    # Chat front ends resend the whole conversation: its end is kept rather than refused.
    messages = [*TURNS * 15, {"role": "user", "content": "And in Tranås?"}]
    response = client.post("/v1/chat/completions", json={"model": "policy-assistant", "messages": messages})
    assert response.status_code == 200
    assert {c["municipality"] for c in response.json()["citations"]} == {"Tranås"}


# --- rate limits --------------------------------------------------------------------------------


@pytest.fixture
def limited(assistant: PolicyAssistant) -> TestClient:
    """3 requests at once, then one every 10 s (slow enough that no test sees a refill), per caller."""
    return app_for(assistant, rate_limit_per_minute=6, rate_limit_burst=3,
                   reader_keys=f"{READER_KEY},{OTHER_READER_KEY}", admin_keys=ADMIN_KEY)


def exhaust(client: TestClient, headers: dict[str, str] | None = None, *, path: str = "/v1/documents") -> None:
    assert [client.get(path, headers=headers).status_code for _ in range(3)] != [429] * 3
    while client.get(path, headers=headers).status_code != 429:
        pass


def test_over_the_burst_a_caller_gets_429_with_retry_after(limited: TestClient) -> None:
    statuses = [limited.get("/v1/documents", headers=bearer(READER_KEY)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = limited.post("/v1/search", json={"query": "bostad"}, headers=bearer(READER_KEY))
    assert refused.status_code == 429
    seconds = refused.headers["Retry-After"]
    assert seconds.isdigit() and 1 <= int(seconds) <= 10
    assert refused.json() == {"detail": f"rate limit exceeded; retry after {seconds} s"}
    assert refused.headers["X-Request-ID"]


def test_each_key_has_its_own_bucket_and_keyless_callers_share_their_address(limited: TestClient) -> None:
    exhaust(limited, bearer(READER_KEY))
    assert limited.get("/v1/documents", headers=bearer(OTHER_READER_KEY)).status_code == 200
    assert limited.get("/v1/feedback", headers=bearer(ADMIN_KEY)).status_code == 200
    # Without a valid key the client address is the caller: made-up keys share one bucket, so
    # guessing keys does not buy fresh buckets.
    exhaust(limited)
    for guess in ("guess-1", "guess-2", READER_KEY + "x"):
        assert limited.get("/v1/documents", headers=bearer(guess)).status_code == 429
    assert limited.get("/v1/documents", headers=bearer(OTHER_READER_KEY)).status_code == 200


def test_admin_routes_are_limited_and_open_routes_are_not(limited: TestClient) -> None:
    exhaust(limited, bearer(ADMIN_KEY), path="/v1/feedback")
    assert limited.post("/v1/index/rebuild", headers=bearer(ADMIN_KEY)).status_code == 429
    exhaust(limited)
    for path in ("/healthz", "/metrics", "/", "/widget.js", "/openapi.json"):
        assert all(limited.get(path).status_code == 200 for _ in range(5)), path


def test_the_openai_routes_are_limited_in_openai_shape(limited: TestClient) -> None:
    exhaust(limited, bearer(READER_KEY), path="/v1/models")
    refused = limited.post("/v1/chat/completions", headers=bearer(READER_KEY),
                           json={"model": "policy-assistant", "messages": [{"role": "user", "content": QUESTION}]})
    assert refused.status_code == 429 and refused.headers["Retry-After"].isdigit()
    error = refused.json()["error"]
    assert error["type"] == "rate_limit_error" and error["message"].startswith("rate limit exceeded; retry after")


def test_a_refusal_carries_cors_headers_for_an_allowed_origin(assistant: PolicyAssistant) -> None:
    origin = "https://intranet.example.se"
    client = app_for(assistant, rate_limit_per_minute=1, rate_limit_burst=1, cors_origins=origin)
    client.get("/v1/documents", headers={"Origin": origin})
    refused = client.get("/v1/documents", headers={"Origin": origin})
    assert refused.status_code == 429 and refused.headers["access-control-allow-origin"] == origin


def test_keys_are_kept_only_as_keyed_hashes(limited: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    exhaust(limited, bearer(READER_KEY))
    limiter: RateLimiter = limited.app.state.rate_limiter  # type: ignore[attr-defined]
    identities = limiter.identities()
    assert identities and all(i.startswith(("key:", "ip:")) for i in identities)
    assert not any(READER_KEY in identity for identity in identities)
    assert READER_KEY not in caplog.text + "".join(str(record.__dict__) for record in caplog.records)


def test_zero_disables_rate_limiting(assistant: PolicyAssistant) -> None:
    client = app_for(assistant, rate_limit_per_minute=0, rate_limit_burst=1)
    assert client.app.state.rate_limiter is None  # type: ignore[attr-defined]
    assert {client.get("/v1/models").status_code for _ in range(50)} == {200}


def test_concurrent_requests_get_exactly_the_burst(assistant: PolicyAssistant) -> None:
    app = app_for(assistant, rate_limit_per_minute=1, rate_limit_burst=5).app

    async def fire() -> list[int]:
        transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 4711))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            responses = await asyncio.gather(*(http.get("/v1/models") for _ in range(40)))
        return [response.status_code for response in responses]

    statuses = asyncio.run(fire())
    assert statuses.count(200) == 5 and statuses.count(429) == 35


def test_rate_limit_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_RATE_LIMIT_PER_MINUTE", "600")
    monkeypatch.setenv("ASSISTANT_RATE_LIMIT_BURST", "50")
    monkeypatch.setenv("ASSISTANT_MAX_REQUEST_BYTES", "2097152")
    settings = Settings()
    assert (settings.rate_limit_per_minute, settings.rate_limit_burst, settings.max_request_bytes) == \
        (600, 50, 2 * MB)
    defaults = Settings.model_fields
    assert defaults["rate_limit_per_minute"].default == 120 and defaults["rate_limit_burst"].default == 30
    assert defaults["max_request_bytes"].default == MB


# --- the token bucket itself --------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_bucket_refills_at_the_rate_up_to_the_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=30, burst=2, clock=clock)  # one token every 2 s
    assert [limiter.acquire("a") for _ in range(2)] == [0.0, 0.0]
    assert limiter.acquire("a") == pytest.approx(2.0)
    clock.now += 1.5
    assert limiter.acquire("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.acquire("a") == 0.0
    clock.now += 3600
    assert [limiter.acquire("a") for _ in range(3)][:2] == [0.0, 0.0]  # never more than the burst
    assert limiter.acquire("a") > 0


def test_the_number_of_tracked_callers_is_bounded() -> None:
    limiter = RateLimiter(per_minute=60, burst=1, max_callers=100)
    for n in range(1000):
        limiter.acquire(f"ip:10.0.{n // 256}.{n % 256}")
    assert limiter.tracked() == 100
    assert "ip:10.0.3.231" in limiter.identities() and "ip:10.0.0.0" not in limiter.identities()


def test_threads_together_never_get_more_than_the_burst() -> None:
    limiter = RateLimiter(per_minute=1, burst=50)
    granted: list[int] = []
    lock = threading.Lock()

    def take() -> None:
        mine = sum(limiter.acquire("shared") == 0.0 for _ in range(500))
        with lock:
            granted.append(mine)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sum(granted) == 50


def test_a_caller_is_a_configured_key_or_else_the_address() -> None:
    identify = CallerIdentity(Settings(reader_keys=READER_KEY, admin_keys=ADMIN_KEY))
    scope = {"type": "http", "client": ("192.0.2.7", 5000), "headers": []}

    def with_auth(value: str) -> dict:
        return {**scope, "headers": [(b"authorization", value.encode())]}

    reader, admin = identify(with_auth(f"Bearer {READER_KEY}")), identify(with_auth(f"bearer {ADMIN_KEY}"))
    assert reader.startswith("key:") and admin.startswith("key:") and reader != admin
    assert READER_KEY not in reader and identify(with_auth(f"Bearer {READER_KEY}")) == reader
    assert identify(scope) == identify(with_auth("Bearer nope")) == identify(with_auth(READER_KEY)) == "ip:192.0.2.7"
    assert bearer_token("Bearer  abc ") == "abc"
    assert bearer_token("Basic abc") is None and bearer_token("Bearer ") is None


def test_a_refusal_costs_less_than_the_cheapest_served_request(assistant: PolicyAssistant) -> None:
    # Relative to /healthz in the same process, so that a busy machine does not fail the test.
    client = app_for(assistant, rate_limit_per_minute=1, rate_limit_burst=1)
    assert client.get("/v1/models").status_code == 200

    def seconds_for(path: str, status: int) -> float:
        started = time.perf_counter()
        assert all(client.get(path).status_code == status for _ in range(200))
        return time.perf_counter() - started

    served, refused = seconds_for("/healthz", 200), seconds_for("/v1/models", 429)
    assert refused <= 1.5 * served + 0.1, (served, refused)
