"""Running the app: ``worker_app`` is the factory each ``assistant serve --workers N`` process
calls; ``serve_in_background(app)`` serves an app inside another program (tests, benchmarks, tools
that need a real HTTP server on loopback without a separate process)."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI


def worker_app() -> FastAPI:
    """The app of one server worker process: settings from the environment, the index the parent
    process built, memory-mapped when ``ASSISTANT_INDEX_MMAP`` (the default) so workers share its
    pages. Workers share nothing mutable; each notices a version another one published within a
    second. Cost: loading the model and opening the index (seconds)."""
    from api.app import create_app
    from api.observability import configure_logging
    from assistant.facade import PolicyAssistant
    from assistant.settings import Settings

    configure_logging()
    assistant = PolicyAssistant.from_settings(Settings())
    assistant.load_index()
    settle_heap()
    return create_app(assistant)


def settle_heap() -> None:
    """Exempt everything loaded so far from the garbage collector's full collections; call it once the
    index is loaded, before serving. At 36k documents the index is ~280k tracked Python objects
    (document metadata, the analyzer's lexicon) that every full collection would scan: ~150 ms, paid
    by whichever request triggers it. An index version loaded later is collected as usual.
    Cost: one full collection, now."""
    gc.collect()  # what is garbage now is freed, not frozen with the rest
    gc.freeze()


@contextmanager
def serve_in_background(app: FastAPI, *, host: str = "127.0.0.1", start_timeout: float = 10.0) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port of ``host`` in a daemon thread; yields the base URL
    (``http://127.0.0.1:<port>``) once it accepts connections, and stops the server on exit."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="uvicorn-background", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
