"""HTTP-only errors and the mapping of library errors to status codes. Bodies are
``{"detail": "..."}`` naming the problem; never a stack trace, a path or a key."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from assistant.errors import (
    AssistantError,
    ConflictError,
    DocumentNotFoundError,
    IndexNotReadyError,
    InvalidRequestError,
    UnknownFilterError,
)
from assistant.parse.errors import (
    ContentMismatchError,
    FileTooLargeError,
    ParseError,
    UnsupportedFormatError,
)
from assistant.sources.manager import SourceNotFoundError


class PayloadTooLargeError(Exception):
    """A request body or upload over its limit (413)."""


VALIDATION_ERROR_SCHEMA = {"title": "HTTPValidationError", "type": "object", "required": ["detail"],
                           "properties": {"detail": {"type": "string", "title": "Detail"}}}
"""What a 422 body really is here (``{"detail": "<field>: <problem>; ..."}``), replacing FastAPI's
default declaration (a list of error objects) in the OpenAPI document."""


def install_error_handlers(app: FastAPI) -> None:
    _document_validation_errors(app)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(_: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": "; ".join(map(_problem, error.errors()))})

    @app.exception_handler(AssistantError)
    async def assistant_error(_: Request, error: AssistantError) -> JSONResponse:
        return JSONResponse(status_code=_status(error), content={"detail": str(error)})

    @app.exception_handler(ParseError)
    async def parse_error(_: Request, error: ParseError) -> JSONResponse:
        return JSONResponse(status_code=_parse_status(error), content={"detail": str(error)})

    @app.exception_handler(PayloadTooLargeError)
    async def too_large(_: Request, error: PayloadTooLargeError) -> JSONResponse:
        return JSONResponse(status_code=413, content={"detail": str(error)})


def _problem(item: dict[str, Any]) -> str:
    """One validation error in words a caller understands: ``question: Field required``, or for a
    body that is not JSON at all ``the request body is not valid JSON (Expecting value at
    character 12)`` rather than pydantic's ``0: JSON decode error``."""
    if item.get("type") == "json_invalid":
        reason = str((item.get("ctx") or {}).get("error") or "").strip()
        loc = item.get("loc", ())
        at = f" at character {loc[-1]}" if loc and isinstance(loc[-1], int) else ""
        return f"the request body is not valid JSON ({reason or 'unreadable'}{at})"
    where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
    return f"{where}: {item.get('msg', 'invalid')}" if where else str(item.get("msg"))


def _document_validation_errors(app: FastAPI) -> None:
    """Make ``app.openapi()`` declare the 422 body that ``invalid_body`` sends. Cost: once, when
    the document is first built."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schemas = build().get("components", {}).get("schemas", {})
            if "HTTPValidationError" in schemas:
                schemas["HTTPValidationError"] = VALIDATION_ERROR_SCHEMA
                schemas.pop("ValidationError", None)  # only the default declaration used it
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]


def _parse_status(error: ParseError) -> int:
    """413 for a file over the size limit, 415 for a type that is not supported or content that is
    not the type its name says, 422 for a file that cannot be parsed (or is refused as hostile)."""
    if isinstance(error, FileTooLargeError):
        return 413
    if isinstance(error, UnsupportedFormatError | ContentMismatchError):
        return 415
    return 422


def _status(error: AssistantError) -> int:
    if isinstance(error, UnknownFilterError | InvalidRequestError):
        return 422
    if isinstance(error, DocumentNotFoundError | SourceNotFoundError):
        return 404
    if isinstance(error, ConflictError):
        return 409
    if isinstance(error, IndexNotReadyError):
        return 503
    return 500
