"""``create_app(assistant)``: the FastAPI application around an already wired assistant."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool

from api.admin import install_console
from api.errors import install_error_handlers
from api.limits import install_limits
from api.observability import install_observability
from api.routes import (
    ask,
    documents,
    feedback,
    glossary,
    health,
    keys,
    openai_compat,
    search,
    sources,
    viewer,
    widget,
)
from api.security import install_cors
from assistant.facade import PolicyAssistant


def create_app(assistant: PolicyAssistant) -> FastAPI:
    """The HTTP API over ``assistant``. Nothing is loaded here: the caller wires the assistant."""
    # The docs' Swagger UI and ReDoc assets are served from the package: intranets have no CDN.
    @contextlib.asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        # Scheduled syncs run while the server runs (a test client that is not entered runs none).
        scheduler = assistant.start_scheduled_syncs() if assistant.settings.sync_schedule else None
        application.state.question_warmup = assistant.warm_question_groups()  # the first Questions view
        yield
        if scheduler is not None:
            await run_in_threadpool(scheduler.stop)

    app: FastAPI = FastAPIOffline(title="policy-assistant", version="0.1.0", static_url="/docs-assets",
                                  description="Search and answers over municipal policy documents, with citations.",
                                  lifespan=lifespan)
    app.state.assistant = assistant
    for router in (search.router, ask.router, documents.router, glossary.router, feedback.router,
                   health.router, keys.router, openai_compat.router, sources.router, viewer.router, widget.router):
        app.include_router(router)
    install_console(app)
    install_error_handlers(app)
    install_limits(app, assistant.settings)  # inside CORS and observability: they wrap 413 and 429 too
    install_cors(app, origins=assistant.settings.cors_origins)
    install_observability(app, assistant)  # last: outermost, so ids and metrics cover every response
    return app
