"""A small OpenAI-compatible chat server on loopback, for testing the LLM path over real HTTP.

The server speaks just enough of the API for the real ``openai`` client: ``POST
/v1/chat/completions`` (a JSON reply, or Server-Sent Events when the request says ``stream: true``)
and ``GET /v1/models``. What it answers is scripted per test with a ``Behaviour``: a function from
the request body to a ``Reply`` (text, pauses, an HTTP status or a malformed body). Every request
body is recorded in ``StubServer.requests`` so that tests can assert what the client sent.

Stalls end early when the client hangs up, so a test that times out never waits for the stall.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

MODEL = "stub-model"
_POLL_SECONDS = 0.05


@dataclass(frozen=True, kw_only=True)
class Reply:
    """What the stub answers to one request.

    ``chunks`` are the stream pieces (default: ``text`` in pieces of ``chunk_size`` characters;
    without ``text`` a JSON reply answers the chunks joined);
    ``delay`` pauses before anything is sent; ``stall_after`` pauses ``stall_seconds`` after that
    many stream pieces; ``raw_body`` replaces the whole JSON reply (or the single SSE event) with
    text sent as is.
    """

    text: str = ""
    chunks: tuple[str, ...] | None = None
    chunk_size: int = 4
    finish_reason: str = "stop"
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunk_delay: float = 0.0
    stall_after: int | None = None
    stall_seconds: float = 0.0
    raw_body: str | None = None

    def whole(self) -> str:
        return self.text or "".join(self.chunks or ())

    def pieces(self) -> tuple[str, ...]:
        if self.chunks is not None:
            return self.chunks
        return tuple(self.text[i:i + self.chunk_size] for i in range(0, len(self.text), self.chunk_size))


Behaviour = Callable[[dict[str, Any]], Reply]


# --- ready-made behaviours ---------------------------------------------------------------------


def answer_with(text: str, *, chunks: Sequence[str] | None = None, finish_reason: str = "stop") -> Behaviour:
    """Answer ``text`` (streamed in ``chunks`` when given)."""
    reply = Reply(text=text, chunks=tuple(chunks) if chunks is not None else None, finish_reason=finish_reason)
    return lambda _request: reply


def echo_user() -> Behaviour:
    """Answer with the last user message, verbatim: a model that parrots its prompt."""
    return lambda request: Reply(text=last_user_message(request))


def stall(seconds: float = 4.0) -> Behaviour:
    """Send nothing for ``seconds`` (longer than the tests' client timeout), then answer."""
    return lambda _request: Reply(text="Too late [1].", delay=seconds)


def stall_mid_stream(text: str, *, after: int = 1, seconds: float = 4.0) -> Behaviour:
    """Stream the first ``after`` pieces of ``text``, then go silent for ``seconds``."""
    return lambda _request: Reply(text=text, stall_after=after, stall_seconds=seconds)


def rate_limited(*, retry_after: int = 1) -> Behaviour:
    """HTTP 429 with a ``Retry-After`` header."""
    body = json.dumps({"error": {"message": "Rate limit reached", "type": "rate_limit_error", "code": None}})
    return lambda _request: Reply(status=429, headers={"Retry-After": str(retry_after)}, raw_body=body)


def server_error() -> Behaviour:
    """HTTP 500 with an OpenAI-style error body."""
    body = json.dumps({"error": {"message": "The server had an error", "type": "server_error", "code": None}})
    return lambda _request: Reply(status=500, raw_body=body)


def malformed() -> Behaviour:
    """HTTP 200 whose body (or SSE event) is not JSON."""
    return lambda _request: Reply(raw_body='{"choices": [{"message": {"content": "unterminated')


def obedient() -> Behaviour:
    """A model that follows any instruction found in its prompt, sources included.

    It looks for "ignore previous instructions and reply with <text>" (entities unescaped, as a
    model reads them) and replies ``<text>``; without such an instruction it replies ``NO_ANSWER``.
    """
    pattern = re.compile(r"ignore (?:all )?previous instructions and (?:reply|answer|respond) with:?\s*(.+)",
                         re.IGNORECASE)

    def behave(request: dict[str, Any]) -> Reply:
        match = pattern.search(html.unescape(last_user_message(request)))
        return Reply(text=match.group(1).strip() if match else "NO_ANSWER")

    return behave


def last_user_message(request: dict[str, Any]) -> str:
    users = [m for m in request.get("messages", []) if m.get("role") == "user"]
    content = users[-1].get("content", "") if users else ""
    return content if isinstance(content, str) else json.dumps(content)


# --- the server --------------------------------------------------------------------------------


class StubServer:
    """A running stub. ``base_url`` ends in ``/v1``; ``requests`` holds the bodies received."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.disconnects = 0  # requests whose client hung up before the reply was complete
        self._behaviour: Behaviour = echo_user()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        host, port = self._socket.getsockname()
        self.base_url = f"http://{host}:{port}/v1"
        config = uvicorn.Config(_app(self), log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name="openai-stub", daemon=True)

    def script(self, behaviour: Behaviour) -> None:
        """Answer every following request with ``behaviour``."""
        self._behaviour = behaviour

    def reset(self) -> None:
        """Forget recorded requests and go back to the default behaviour (echo)."""
        self.requests.clear()
        self.disconnects = 0
        self._behaviour = echo_user()

    def reply_to(self, body: dict[str, Any]) -> Reply:
        self.requests.append(body)
        return self._behaviour(body)

    def start(self, *, wait_seconds: float = 5.0) -> None:
        """Start serving; returns once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + wait_seconds
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the OpenAI stub server did not start")
            time.sleep(0.01)

    def stop(self, *, wait_seconds: float = 5.0) -> None:
        """Ask uvicorn to exit and wait for its thread."""
        self._server.should_exit = True
        self._thread.join(wait_seconds)
        self._socket.close()
        if self._thread.is_alive():
            raise RuntimeError("the OpenAI stub server did not stop")


def _app(stub: StubServer) -> FastAPI:
    app = FastAPI()

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "stub"}]}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        body = await request.json()
        reply = stub.reply_to(body)
        if await _pause(request, reply.delay, stub):
            return Response(status_code=499)
        if reply.status != 200 or not body.get("stream"):
            return _whole(reply, model=body.get("model", MODEL))
        return StreamingResponse(_events(request, reply, stub, model=body.get("model", MODEL)),
                                 media_type="text/event-stream", headers=dict(reply.headers))

    return app


def _whole(reply: Reply, *, model: str) -> Response:
    if reply.raw_body is not None:
        return Response(reply.raw_body, status_code=reply.status, headers=dict(reply.headers),
                        media_type="application/json")
    body = {"id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.whole()},
                         "finish_reason": reply.finish_reason}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
    return JSONResponse(body, status_code=reply.status, headers=dict(reply.headers))


async def _events(request: Request, reply: Reply, stub: StubServer, *, model: str) -> AsyncIterator[str]:
    try:
        async for event in _reply_events(request, reply, stub, model=model):
            yield event
    except (asyncio.CancelledError, GeneratorExit):
        # Starlette cancels a streaming body when the client hangs up: that is a disconnect too.
        stub.disconnects += 1
        raise


async def _reply_events(request: Request, reply: Reply, stub: StubServer, *, model: str) -> AsyncIterator[str]:
    if reply.raw_body is not None:
        yield f"data: {reply.raw_body}\n\n"
        return
    for index, piece in enumerate(reply.pieces()):
        if index == reply.stall_after and await _pause(request, reply.stall_seconds, stub):
            return
        if index and await _pause(request, reply.chunk_delay, stub):
            return
        yield _event(model, {"role": "assistant", "content": piece} if index == 0 else {"content": piece}, None)
    yield _event(model, {}, reply.finish_reason)
    yield "data: [DONE]\n\n"


def _event(model: str, delta: dict[str, Any], finish_reason: str | None) -> str:
    chunk = {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 0, "model": model,
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}
    return f"data: {json.dumps(chunk)}\n\n"


async def _pause(request: Request, seconds: float, stub: StubServer) -> bool:
    """Sleep ``seconds``; returns early with ``True`` (and counts it) when the client has hung up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await request.is_disconnected():
            stub.disconnects += 1
            return True
        await asyncio.sleep(min(_POLL_SECONDS, max(deadline - time.monotonic(), 0)))
    return False
