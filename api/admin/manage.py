"""The console's Feedback, API keys and Audit trail pages (Sources: ``sources_pages.py``, Status:
``status_page.py``),
and what those pages share. Every change goes through the same facade methods as the API's
routes and is recorded in the audit trail the same way; a refused one is shown on its page with
the reason and a 4xx status, keeping what was typed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from api.admin.deps import ChangeDep, ConsoleDep
from api.admin.i18n import Words, language_of
from api.admin.render import page, redirect
from api.admin.session import Session
from api.deps import AssistantDep
from api.routes.documents import audit
from api.routes.keys import KeyRequest
from assistant.access import NewKey
from assistant.errors import AssistantError, ConflictError
from assistant.facade import PolicyAssistant

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE_SIZE = 50
PageQuery = Annotated[int, Query(alias="page", ge=1, le=1_000_000)]


# --- shared by the pages --------------------------------------------------------------------------


def split_list(text: str) -> list[str]:
    """Values typed one per line or comma-separated, stripped, without empty ones."""
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


def validation_problem(error: ValidationError) -> str:
    """A request model's complaint in the API's words (``name: String should have ...``)."""
    def one(item: ErrorDetails) -> str:
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        return f"{where}: {message}" if where else message

    return "; ".join(map(one, error.errors()))


def error_status(error: AssistantError) -> int:
    """As the API answers it: 404 for what does not exist, 409 for a conflict (a name in use, a
    sync running), 503 when there is no usable index, else 422."""
    if isinstance(error, LookupError):
        return 404
    if isinstance(error, ConflictError):
        return 409
    return 503 if isinstance(error, RuntimeError) else 422


def notice_of(request: Request, kinds: Iterable[str]) -> str | None:
    """The ``?notice=kind:target`` left by a redirect, if it is one of this page's ``kinds`` (a
    label key): anything else is ignored rather than looked up and formatted."""
    notice = request.query_params.get("notice", "")
    return notice if notice.partition(":")[0] in kinds else None


def problem(lead: str, text: str) -> dict[str, str]:
    """A refusal as a page shows it: a label saying what was not done, and the reason."""
    return {"lead": lead, "text": text}


def back_to_page(request: Request) -> Response:
    """A GET of a form's action URL (a reload, or the language link of the page a refused change
    answered with): the section's page, in the language asked for."""
    section = request.url.path.split("/")[2]
    lang = request.query_params.get("lang")
    return redirect(f"/admin/{section}", params={"lang": lang} if lang in ("en", "sv") else None)


def duration(seconds: float | None) -> str:
    """``45 s``, ``3 min 20 s``, ``2 h 5 min`` (the same in both languages); ``—`` when unknown."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


# --- feedback -------------------------------------------------------------------------------------


@router.get("/feedback")
def feedback_page(request: Request, assistant: AssistantDep, session: ConsoleDep,
                  page_number: PageQuery = 1) -> Response:
    """Ratings of answers, newest first, 50 a page: question, rating, comment, the answer's start,
    who gave it and when."""
    items = assistant.feedback(limit=PAGE_SIZE + 1, offset=(page_number - 1) * PAGE_SIZE)
    return page(request, "feedback.html", session=session, items=items[:PAGE_SIZE], page_number=page_number,
                has_next=len(items) > PAGE_SIZE)


# --- API keys -------------------------------------------------------------------------------------

KEY_NOTICES = ("key_revoked",)


@router.get("/keys")
def keys_page(request: Request, assistant: AssistantDep, session: ConsoleDep) -> Response:
    return _keys_page(request, assistant, session)


def _keys_page(request: Request, assistant: PolicyAssistant, session: Session, *, status_code: int = 200,
               new_key: NewKey | None = None, refusal: dict[str, str] | None = None,
               form: dict[str, str] | None = None) -> Response:
    return page(request, "keys.html", session=session, status_code=status_code, keys=assistant.keys(),
                new_key=new_key, refusal=refusal, form=form or {"name": "", "role": "reader", "groups": ""},
                notice=notice_of(request, KEY_NOTICES))


@router.post("/keys")
def create_key(request: Request, assistant: AssistantDep, session: ChangeDep, name: Annotated[str, Form()] = "",
               role: Annotated[str, Form()] = "reader", groups: Annotated[str, Form()] = "") -> Response:
    """A new key, checked as ``POST /v1/keys`` checks it. Its secret is in this response only (201,
    rendered here: never in a URL or a redirect); a refusal is a 422 page keeping what was typed."""
    typed = {"name": name, "role": role, "groups": groups}
    try:
        body = KeyRequest(name=name, role=role, groups=split_list(groups))  # type: ignore[arg-type]
        created = assistant.create_key(name=body.name, role=body.role, groups=body.groups)
    except ValidationError as error:
        return _keys_page(request, assistant, session, status_code=422, form=typed,
                          refusal=problem("key_refused", validation_problem(error)))
    except AssistantError as error:
        return _keys_page(request, assistant, session, status_code=error_status(error), form=typed,
                          refusal=problem("key_refused", str(error)))
    audit(assistant, session.caller, "key created", f"{created.id} ({created.name}, {created.role})")
    return _keys_page(request, assistant, session, status_code=201, new_key=created)


@router.post("/keys/{key_id}/revoke")
def revoke_key(key_id: str, request: Request, assistant: AssistantDep, session: ChangeDep) -> Response:
    if not assistant.revoke_key(key_id):
        words = Words(language_of(request))
        return _keys_page(request, assistant, session, status_code=404,
                          refusal=problem("revoke_refused", words("no_such_key", id=key_id)))
    audit(assistant, session.caller, "key revoked", key_id)
    return redirect("/admin/keys", notice=f"key_revoked:{key_id}")


# --- audit trail ----------------------------------------------------------------------------------


@router.get("/audit")
def audit_page(request: Request, assistant: AssistantDep, session: ConsoleDep, page_number: PageQuery = 1) -> Response:
    """Admin actions, newest first, 50 a page: time, key name, action, target and request id."""
    entries = assistant.audit(limit=PAGE_SIZE + 1, offset=(page_number - 1) * PAGE_SIZE)
    return page(request, "audit.html", session=session, entries=entries[:PAGE_SIZE], page_number=page_number,
                has_next=len(entries) > PAGE_SIZE)


router.add_api_route("/keys/{key_id}/revoke", back_to_page, methods=["GET"])
