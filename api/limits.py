"""Request size and rate limits: pure ASGI middleware (streams pass through untouched).

* **Body size.** Every request body is at most ``max_request_bytes`` (1 MB), except the document
  upload (``POST /v1/documents``), which may carry ``max_upload_bytes`` (20 MB) plus a small
  multipart allowance; the upload route checks the file itself while reading it. A
  ``Content-Length`` over the limit is refused before anything is read; a body without one (chunked)
  is counted as it arrives and refused as soon as it passes the limit. 413
  ``{"detail": "the request body is larger than 1 MB"}``.
* **Rate.** Each caller of a ``/v1`` route gets a token bucket: ``rate_limit_burst`` requests at
  once, refilled at ``rate_limit_per_minute`` (``0`` turns rate limiting off). A caller is a
  configured API key (by a keyed hash of it: the raw key is never stored nor logged) or, for a
  request without a valid key, the client address; so guessing keys is limited per address too.
  Over the limit: 429 with ``Retry-After`` (whole seconds) and
  ``{"detail": "rate limit exceeded; retry after N s"}``. ``/healthz``, ``/metrics``, ``/``,
  ``/widget.js`` and the OpenAPI docs are not limited. Behind a reverse proxy every client has the
  proxy's address unless uvicorn is told to trust its ``X-Forwarded-For`` (``--proxy-headers``,
  ``--forwarded-allow-ips``).

On the OpenAI-compatible routes both refusals have OpenAI's error shape
(``{"error": {"message", "type", "param", "code"}}``), like every other error there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.routes import openai_compat
from assistant.settings import Settings

MIB = 1024 * 1024
UPLOAD_ROUTE = ("POST", "/v1/documents")
MULTIPART_ALLOWANCE = 64 * 1024
"""Bytes an upload's body may hold beyond the file: multipart boundaries and part headers."""
LIMITED_PREFIX = "/v1/"
MAX_TRACKED_CALLERS = 10_000
"""Buckets kept at most; past it the least recently seen caller is forgotten (gets a full bucket)."""


# --- the token bucket ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by caller identity, in memory. Thread-safe (one lock, held for O(1) work and
    never across an ``await``), so one limiter serves the event loop and worker threads alike.

    ``per_minute`` tokens are added a minute, up to ``burst``; each request takes one. Memory:
    at most ``max_callers`` buckets, least recently used forgotten first.
    """

    def __init__(self, *, per_minute: int, burst: int, max_callers: int = MAX_TRACKED_CALLERS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("per_minute must be positive and burst at least 1")
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_callers = max_callers
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, identity: str) -> float:
        """Take a token for ``identity``: ``0.0`` when granted, else the seconds until one is
        available (nothing is taken). Cost: O(1)."""
        with self._lock:
            now = self._clock()
            bucket = self._bucket(identity, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def tracked(self) -> int:
        """How many callers have a bucket now. Cost: O(1)."""
        with self._lock:
            return len(self._buckets)

    def identities(self) -> list[str]:
        """The tracked identities (hashes or addresses, never a key). Cost: O(tracked)."""
        with self._lock:
            return list(self._buckets)

    def _bucket(self, identity: str, now: float) -> _Bucket:
        bucket = self._buckets.get(identity)
        if bucket is not None:
            self._buckets.move_to_end(identity)
            return bucket
        bucket = self._buckets[identity] = _Bucket(tokens=self.burst, updated=now)
        while len(self._buckets) > self.max_callers:
            self._buckets.popitem(last=False)
        return bucket


# --- who is calling -----------------------------------------------------------------------------


class CallerIdentity:
    """Maps a request to the identity its bucket is kept under: ``key:<HMAC-SHA256 of the key>``
    for a configured API key, else ``ip:<client address>``. The HMAC secret is random per process,
    so nothing in memory lets a key be recovered or checked; a presented token is recognised by
    looking its HMAC up among those of the configured keys (a timing difference there reveals
    nothing about a key). Cost: one HMAC and a set lookup."""

    def __init__(self, settings: Settings) -> None:
        self._secret = secrets.token_bytes(32)
        self._known = frozenset(self._digest(key.get_secret_value())
                                for key in (*settings.reader_keys, *settings.admin_keys))

    def __call__(self, scope: Scope) -> str:
        token = bearer_token(Headers(scope=scope).get("authorization"))
        if token is not None and (digest := self._digest(token)) in self._known:
            return f"key:{digest}"
        client = scope.get("client")
        return f"ip:{client[0] if client else 'unknown'}"

    def _digest(self, token: str) -> str:
        return hmac.new(self._secret, token.encode("utf-8"), hashlib.sha256).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else ``None``. Cost: O(length)."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


# --- error responses ----------------------------------------------------------------------------


_OPENAI_PREFIXES = tuple(sorted({route.path.split("{")[0] for route in openai_compat.router.routes}))


def is_openai_path(path: str) -> bool:
    """Whether ``path`` belongs to the OpenAI-compatible routes (whose errors have OpenAI's shape)."""
    return path.startswith(_OPENAI_PREFIXES)


async def send_error(scope: Scope, send: Send, *, status: int, message: str,
                     headers: dict[str, str] | None = None) -> None:
    """A JSON error response: ``{"detail": message}``, or OpenAI's shape on the OpenAI routes."""
    if is_openai_path(scope.get("path", "")):
        kind = "rate_limit_error" if status == 429 else "invalid_request_error"
        payload: dict[str, object] = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    else:
        payload = {"detail": message}
    body = json.dumps(payload).encode("utf-8")
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


# --- the middleware -----------------------------------------------------------------------------


class RateLimitMiddleware:
    """429 with ``Retry-After`` for a caller over its rate on a ``/v1`` route; everything else
    passes through untouched. Cost: one bucket update per limited request."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, identify: Callable[[Scope], str]) -> None:
        self.app = app
        self.limiter = limiter
        self.identify = identify

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PREFIX):
            await self.app(scope, receive, send)
            return
        wait = self.limiter.acquire(self.identify(scope))
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        seconds = max(1, math.ceil(wait))
        await send_error(scope, send, status=429, message=f"rate limit exceeded; retry after {seconds} s",
                         headers={"Retry-After": str(seconds)})


class BodyLimitMiddleware:
    """413 for a request body over its route's limit (see the module). A declared
    ``Content-Length`` over it is refused without reading; otherwise the bytes are counted as the
    app reads them, and the read that passes the limit raises ``HTTPException(413)``, which the
    app renders in its routes' own error shape. Cost: one addition per body chunk."""

    def __init__(self, app: ASGIApp, *, max_request_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_request_bytes = max_request_bytes
        self.max_upload_bytes = max_upload_bytes

    def limit_for(self, scope: Scope) -> tuple[int, str]:
        """The byte limit of this request and the message that refuses it."""
        if (scope["method"], scope["path"].rstrip("/")) == UPLOAD_ROUTE:
            return (self.max_upload_bytes + MULTIPART_ALLOWANCE,
                    f"the file is larger than {format_size(self.max_upload_bytes)}")
        return self.max_request_bytes, f"the request body is larger than {format_size(self.max_request_bytes)}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, message = self.limit_for(scope)
        declared = content_length(scope)
        if declared is not None and declared > limit:
            await send_error(scope, send, status=413, message=message)
            return
        await self._counted(scope, receive, send, limit=limit, message=message)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, *, limit: int, message: str) -> None:
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            incoming = await receive()
            if incoming["type"] == "http.request":
                received += len(incoming.get("body", b""))
                if received > limit:
                    raise HTTPException(413, detail=message)
            return incoming

        async def tracking_send(outgoing: Message) -> None:
            nonlocal started
            started = started or outgoing["type"] == "http.response.start"
            await send(outgoing)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except HTTPException as error:  # read outside the app's own error handling
            if error.status_code != 413 or started:
                raise
            await send_error(scope, send, status=413, message=message)


def content_length(scope: Scope) -> int | None:
    """The declared ``Content-Length``, or ``None`` when absent or not a number. Cost: O(headers)."""
    value = Headers(scope=scope).get("content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def format_size(size: int) -> str:
    """``1048576`` → ``"1 MB"``; ``2048`` → ``"2 KB"``; else bytes."""
    if size % MIB == 0:
        return f"{size // MIB} MB"
    if size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def install_limits(app: FastAPI, settings: Settings) -> None:
    """Add the body size limit and (unless ``rate_limit_per_minute`` is 0) the rate limit to
    ``app``; the limiter is ``app.state.rate_limiter`` (``None`` when off). Install before CORS
    and observability, so that those wrap these refusals too."""
    app.add_middleware(BodyLimitMiddleware, max_request_bytes=settings.max_request_bytes,
                       max_upload_bytes=settings.max_upload_bytes)
    app.state.rate_limiter = None
    if settings.rate_limit_per_minute > 0:
        limiter = RateLimiter(per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst)
        app.state.rate_limiter = limiter
        app.add_middleware(RateLimitMiddleware, limiter=limiter, identify=CallerIdentity(settings))
