"""The console's sign-in and its Documents page. Every change goes through the same facade
methods as the API's routes and is recorded in the audit trail the same way."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from api.admin.deps import ChangeDep, ConsoleDep
from api.admin.i18n import language_of
from api.admin.reasons import reason_in
from api.admin.render import page, redirect
from api.admin.session import COOKIE, current_session
from api.deps import AssistantDep
from api.routes.documents import audit
from api.security import identify
from api.sessions import CSRF_COOKIE, cookie_options, csrf_token, session_cookie
from assistant.errors import AssistantError, IndexNotReadyError
from assistant.facade import PolicyAssistant
from assistant.models import DocumentInfo
from assistant.parse import ParseError

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE_SIZE = 50
STATUSES = ("current", "due_for_revision", "expired", "unknown")


@router.get("")
def console_home() -> Response:
    return redirect("/admin/documents")


@router.get("/sign-in")
def sign_in_form(request: Request, assistant: AssistantDep) -> Response:
    message = "admin_disabled" if not assistant.settings.admin_keys else (
        "expired" if request.query_params.get("expired") else None)
    return page(request, "sign_in.html", session=current_session(request, assistant), message_key=message,
                next=_local(request.query_params.get("next")), action="/admin/sign-in")


@router.post("/sign-in")
def sign_in(request: Request, assistant: AssistantDep, key: Annotated[str, Form()] = "",
            next: Annotated[str, Form()] = "/admin/documents") -> Response:
    """The key is checked like a bearer key; a valid admin key starts a session."""
    caller = identify(assistant, HTTPAuthorizationCredentials(scheme="Bearer", credentials=key.strip()))
    problem = ("admin_disabled" if not assistant.settings.admin_keys else "bad_key" if caller is None
               else "not_admin" if caller.role != "admin" else None)
    if problem is not None:
        return page(request, "sign_in.html", session=None, status_code=401 if problem == "bad_key" else 403,
                    message_key=problem, next=_local(next), action="/admin/sign-in")
    return _signed_in(request, assistant, key.strip(), _local(next))


@router.post("/sign-out")
def sign_out(session: ChangeDep) -> Response:
    return _signed_out("/admin/sign-in")


def _signed_in(request: Request, assistant: PolicyAssistant, key: str, target: str) -> Response:
    """A redirect to ``target`` that sets the session cookie and the CSRF cookie the widget reads."""
    response = redirect(target)
    cookie = session_cookie(assistant.settings, key)
    response.set_cookie(COOKIE, cookie, **cookie_options(request))
    response.set_cookie(CSRF_COOKIE, csrf_token(assistant.settings, cookie), **cookie_options(request, readable=True))
    return response


def _signed_out(target: str) -> Response:
    response = redirect(target)
    response.delete_cookie(COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def _local(target: str | None, *, default: str = "/admin/documents", prefix: str = "/admin/") -> str:
    """Only this service's own pages as a place to return to (no open redirect)."""
    ok = target and target.startswith(prefix) and "//" not in target and "\\" not in target
    return target if ok else default  # type: ignore[return-value]


# --- the chat page's sign-in (readers and admins) ----------------------------------------------

staff = APIRouter(include_in_schema=False)


@staff.get("/sign-in")
def staff_sign_in_form(request: Request, assistant: AssistantDep) -> Response:
    return page(request, "sign_in.html", session=None, message_key=None, action="/sign-in", staff=True,
                next=_local(request.query_params.get("next"), default="/", prefix="/"))


@staff.post("/sign-in")
def staff_sign_in(request: Request, assistant: AssistantDep, key: Annotated[str, Form()] = "",
                  next: Annotated[str, Form()] = "/") -> Response:
    """Staff sign in to the chat page with their key (reader or admin); the widget then works
    without a key of its own."""
    caller = identify(assistant, HTTPAuthorizationCredentials(scheme="Bearer", credentials=key.strip()))
    target = _local(next, default="/", prefix="/")
    if caller is None:
        return page(request, "sign_in.html", session=None, status_code=401, message_key="bad_key", action="/sign-in",
                    staff=True, next=target)
    return _signed_in(request, assistant, key.strip(), target)


@staff.post("/sign-out")
def staff_sign_out() -> Response:
    return _signed_out("/")


# --- documents ----------------------------------------------------------------------------------


@router.get("/documents")
def documents_page(request: Request, assistant: AssistantDep, session: ConsoleDep,
                   q: Annotated[str, Query(max_length=200)] = "", status: Annotated[str, Query()] = "",
                   page_number: Annotated[int, Query(alias="page", ge=1)] = 1) -> Response:
    """Every document (paged, filtered on the server) with its dates, status, groups and source;
    the files the index could not read, with the reason; upload, delete, groups, re-index."""
    try:
        everything = assistant.documents()
    except IndexNotReadyError:  # a first start before its build: say so, and where to build
        return page(request, "message.html", session=session, status_code=503, message_key="no_index_yet")
    matching = _filtered(everything, q=q, status=status)
    pages = max(1, math.ceil(len(matching) / PAGE_SIZE))
    page_number = min(page_number, pages)
    shown = matching[(page_number - 1) * PAGE_SIZE: page_number * PAGE_SIZE]
    origins = assistant.document_origins([d.id for d in shown])
    try:
        skipped = assistant.manifest.skipped
    except AssistantError:
        skipped = []
    return page(request, "documents.html", session=session, documents=shown, origins=origins, total=len(matching),
                page_number=page_number, pages=pages, q=q, status=status, statuses=STATUSES, skipped=skipped,
                notice=request.query_params.get("notice"))


def _filtered(documents: list[DocumentInfo], *, q: str, status: str) -> list[DocumentInfo]:
    words = q.casefold().split()

    def matches(info: DocumentInfo) -> bool:
        haystack = " ".join(filter(None, (info.id, info.title, info.municipality, info.document_type))).casefold()
        return all(word in haystack for word in words) and (not status or info.status == status)

    return [info for info in documents if matches(info)]


@router.post("/documents/upload")
async def upload(request: Request, assistant: AssistantDep, session: ChangeDep, file: UploadFile,
                 groups: Annotated[str, Form()] = "") -> JSONResponse:
    """One file (the page sends each dropped file on its own, showing its progress): 201 with the
    document, or the reason it was refused (4xx), as JSON."""
    data = await file.read(assistant.settings.max_upload_bytes + 1)
    try:
        info = await run_in_threadpool(assistant.library.add, file.filename or "document", data,
                                       access=[g.strip() for g in groups.split(",") if g.strip()])
    except (AssistantError, ParseError) as error:
        return JSONResponse({"file": file.filename, "error": reason_in(language_of(request), str(error))},
                            status_code=422)
    await run_in_threadpool(audit, assistant, session.caller, "upload", info.id)
    return JSONResponse({"file": file.filename, "id": info.id, "title": info.title}, status_code=201)


@router.post("/documents/{document_id}/delete")
def delete(document_id: str, assistant: AssistantDep, session: ChangeDep) -> Response:
    assistant.library.remove(document_id)
    audit(assistant, session.caller, "delete", document_id)
    return redirect("/admin/documents", notice=f"deleted:{document_id}")


@router.post("/documents/{document_id}/access")
def change_access(document_id: str, assistant: AssistantDep, session: ChangeDep,
                  groups: Annotated[str, Form()] = "") -> Response:
    parsed = [g.strip() for g in groups.split(",") if g.strip()]
    assistant.library.set_access(document_id, parsed)
    audit(assistant, session.caller, "access changed", f"{document_id}: {','.join(parsed) or 'everyone'}")
    return redirect("/admin/documents", notice=f"access_saved:{document_id}")


@router.post("/documents/{document_id}/reindex")
def reindex(document_id: str, assistant: AssistantDep, session: ChangeDep) -> Response:
    assistant.library.reindex(document_id)
    audit(assistant, session.caller, "re-indexed", document_id)
    return redirect("/admin/documents", notice=f"reindexed:{document_id}")
