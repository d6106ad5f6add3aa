"""Request ids, structured logs and Prometheus metrics.

* Every response carries ``X-Request-ID``: a sane incoming one (at most 128 characters of
  ``[A-Za-z0-9._-]``) is echoed, anything else is replaced by a fresh uuid4 hex. While the request
  runs, the id sits in a ``ContextVar`` that ``RequestIdFilter`` copies onto every log record.
* One JSON log line per request on the ``api.access`` logger:
  ``{"ts", "level", "request_id", "method", "route", "status", "ms"}``; ``route`` is the route
  template (``/v1/documents/{document_id}``), never the raw path. Nothing of the request's headers
  or body is logged, so API keys never are. ``configure_logging()`` makes every log line of the
  process JSON; it is called by ``assistant serve``, never at import time.
* ``GET /metrics`` in Prometheus' text format, from a registry of this app only (never the global
  one, so that several apps in one process do not clash): requests by method, route template and
  status, request latency, search and answer timings, and the index size read at scrape time.
  It is open, like ``/healthz``: it holds counts and timings only (no text, query, key or id), and
  scrapers rarely carry API keys; restrict it at the reverse proxy where that matters.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Annotated, TextIO

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.errors import AssistantError
from assistant.facade import PolicyAssistant
from assistant.models import Answer

REQUEST_ID_HEADER = "X-Request-ID"
UNMATCHED_ROUTE = "<unmatched>"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
access_logger = logging.getLogger("api.access")
logger = logging.getLogger(__name__)


# --- request ids and logs ---------------------------------------------------------------------


def sane_request_id(incoming: str | None) -> str:
    """``incoming`` when it is 1–128 characters of ``[A-Za-z0-9._-]``, else a new uuid4 hex. Cost: O(1)."""
    if incoming is not None and _SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or ``None`` outside a request) on every record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ``ts`` (UTC, ISO 8601), ``level``, ``request_id``, then either the
    access fields (``method``, ``route``, ``status``, ``ms``) or ``logger`` and ``message`` (and
    ``exc`` with the traceback, which goes to the log only, never to a response)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        access = getattr(record, "access", None)
        if isinstance(access, dict):
            line.update(access)
        else:
            line.update(logger=record.name, message=record.getMessage())
            if record.exc_info:
                line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(*, level: int | str = logging.INFO, stream: TextIO | None = None) -> logging.Handler:
    """Make the root logger write JSON lines (to ``stream``, default stderr) at ``level``, replacing
    its handlers, and return the new handler. Idempotent; call it once at start, not at import."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


# --- metrics ----------------------------------------------------------------------------------


class _IndexCollector(Collector):
    """The serving index's size, read from ``assistant.manifest`` at each scrape (nothing when no
    index is ready). Cost: one attribute read; loads the index if it was never loaded."""

    def __init__(self, assistant: PolicyAssistant) -> None:
        self._assistant = assistant

    def collect(self) -> Iterator[Metric]:
        try:
            manifest = self._assistant.manifest
        except AssistantError:
            return
        yield GaugeMetricFamily("policy_assistant_index_documents", "Documents in the serving index.",
                                value=manifest.documents)
        yield GaugeMetricFamily("policy_assistant_index_chunks", "Chunks in the serving index.",
                                value=manifest.chunks)
        yield InfoMetricFamily("policy_assistant_index", "The serving index version and embedding model.",
                               value={"version": manifest.version, "model": manifest.model})


class _SourcesCollector(Collector):
    """Each source's last sync, read from the sources' store at each scrape (so every replica
    reports the same): its start time, whether it read the source, and how many items it added,
    changed, renamed, removed and failed. Cost: one query per source."""

    def __init__(self, assistant: PolicyAssistant) -> None:
        self._assistant = assistant

    def collect(self) -> Iterator[Metric]:
        started = GaugeMetricFamily("policy_assistant_source_last_sync_timestamp_seconds",
                                    "Start of each source's last sync (Unix time).", labels=["source"])
        readable = GaugeMetricFamily("policy_assistant_source_last_sync_ok",
                                     "1 if each source's last sync read it (some items may have failed), else 0.",
                                     labels=["source"])
        items = GaugeMetricFamily("policy_assistant_source_last_sync_items",
                                  "Items of each source's last sync, by outcome.", labels=["source", "outcome"])
        for status in self._assistant.sources.statuses():
            run = status.last_run
            if run is None:
                continue
            name = run.source
            started.add_metric([name], dt.datetime.fromisoformat(run.started_at).timestamp())
            readable.add_metric([name], 0.0 if run.status == "failed" else 1.0)
            for outcome, count in (("added", len(run.added)), ("changed", len(run.changed)),
                                   ("renamed", len(run.renamed)), ("removed", len(run.removed)),
                                   ("unchanged", run.unchanged), ("failed", len(run.failed))):
                items.add_metric([name, outcome], count)
        yield from (started, readable, items)


class Metrics:
    """This app's instruments, in a registry of its own. Cost of an observation: a lock and an add."""

    def __init__(self, assistant: PolicyAssistant) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("policy_assistant_http_requests", "HTTP requests by method, route and status.",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("policy_assistant_http_request_duration_seconds",
                                 "Time from request to last response byte, by method and route.",
                                 ["method", "route"], buckets=_BUCKETS, registry=self.registry)
        self.search_seconds = Histogram("policy_assistant_search_duration_seconds",
                                        "Retrieval time of /v1/search (embedding, dense and BM25, fusion).",
                                        buckets=_BUCKETS, registry=self.registry)
        self.answer_seconds = Histogram("policy_assistant_answer_duration_seconds",
                                        "Retrieval plus answer time of /v1/ask, by answer mode (llm, extractive).",
                                        ["mode"], buckets=_BUCKETS, registry=self.registry)
        self.answers = Counter("policy_assistant_answers", "Answers of /v1/ask by mode and abstention.",
                               ["mode", "abstained"], registry=self.registry)
        self.registry.register(_IndexCollector(assistant))
        self.registry.register(_SourcesCollector(assistant))

    def observe_request(self, *, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def observe_search(self, *, seconds: float) -> None:
        self.search_seconds.observe(seconds)

    def observe_answer(self, answer: Answer, *, seconds: float) -> None:
        self.answer_seconds.labels(answer.mode).observe(seconds)
        self.answers.labels(answer.mode, str(answer.abstained).lower()).inc()

    def render(self) -> bytes:
        """The Prometheus text exposition. Cost: O(series)."""
        return generate_latest(self.registry)


def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


MetricsDep = Annotated[Metrics, Depends(get_metrics)]

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}})
def metrics(metrics: MetricsDep) -> Response:
    """Prometheus metrics of this server. Open, like /healthz: counts and timings only."""
    return Response(content=metrics.render(), media_type=CONTENT_TYPE_LATEST)


# --- the middleware ---------------------------------------------------------------------------


class RequestContextMiddleware:
    """Pure ASGI (streams pass through untouched): sets the request id, adds it to the response,
    then counts, times and logs the request. An exception that escapes the app before the response
    started becomes a plain 500 (``{"detail": "internal server error"}``, no trace), logged with
    the request id."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = sane_request_id(Headers(scope=scope).get(REQUEST_ID_HEADER))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        state = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state.update(status=message["status"], started=True)
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error")
            if state["started"]:
                raise  # the server must drop the connection: the response cannot be completed
            await _internal_error(send_with_id)
        finally:
            self._record(scope, status=int(state["status"]), seconds=time.perf_counter() - started)
            request_id_var.reset(token)

    def _record(self, scope: Scope, *, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        route = route_template(scope)
        self.metrics.observe_request(method=method, route=route, status=status, seconds=seconds)
        access_logger.info("%s %s %s", method, route, status, extra={"access": {
            "method": method, "route": route, "status": status, "ms": round(seconds * 1000, 1)}})


def route_template(scope: Scope) -> str:
    """The matched route's path template (``/v1/documents/{document_id}``, ``/docs``,
    ``/docs-assets`` for the docs' files), or ``<unmatched>``: never the raw path, so that metric
    labels stay few. Cost: O(1) for API routes; a scan of the app's routes for the plain Starlette
    ones (the OpenAPI document, the docs pages, the mounted assets), which set no ``route``."""
    route = scope.get("route")
    if route is None and (app := scope.get("app")) is not None:
        route = next((r for r in getattr(app, "routes", ()) if r.matches(scope)[0] is Match.FULL), None)
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED_ROUTE


async def _internal_error(send: Send) -> None:
    body = b'{"detail":"internal server error"}'
    await send({"type": "http.response.start", "status": 500,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def install_observability(app: FastAPI, assistant: PolicyAssistant) -> None:
    """Give ``app`` its own ``Metrics`` (``app.state.metrics``), ``GET /metrics`` and the request
    context middleware. Call it last, so that the middleware is outermost and sees every response."""
    app.state.metrics = Metrics(assistant)
    app.include_router(router)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
