"""``create_app(assistant)``: the FastAPI application around an already wired assistant."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.routes import ask, documents, health, search
from assistant.errors import (
    AssistantError,
    DocumentNotFoundError,
    IndexNotReadyError,
    InvalidRequestError,
    UnknownFilterError,
)
from assistant.facade import PolicyAssistant


def create_app(assistant: PolicyAssistant) -> FastAPI:
    """The HTTP API over ``assistant``. Nothing is loaded here: the caller wires the assistant."""
    app = FastAPI(title="policy-assistant", version="0.1.0",
                  description="Search and answers over municipal policy documents, with citations.")
    app.state.assistant = assistant
    for router in (search.router, ask.router, documents.router, health.router):
        app.include_router(router)
    _install_error_handlers(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_body(_: Request, error: RequestValidationError) -> JSONResponse:
        # Name the field and the problem; never echo internals.
        problems = []
        for item in error.errors():
            where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
            problems.append(f"{where}: {item.get('msg', 'invalid')}" if where else str(item.get("msg")))
        return JSONResponse(status_code=422, content={"detail": "; ".join(problems)})

    @app.exception_handler(AssistantError)
    async def assistant_error(_: Request, error: AssistantError) -> JSONResponse:
        status = 500
        if isinstance(error, UnknownFilterError | InvalidRequestError):
            status = 422
        elif isinstance(error, DocumentNotFoundError):
            status = 404
        elif isinstance(error, IndexNotReadyError):
            status = 503
        return JSONResponse(status_code=status, content={"detail": str(error)})
