"""Who may see a console page, and the CSRF check of every change."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import Response

from api.admin.render import page, redirect
from api.admin.session import CSRF_HEADER, Session, csrf_ok, current_session
from api.deps import AssistantDep


class SignInRequired(Exception):
    """No valid session: the browser is sent to the sign-in form, which comes back here after."""

    def __init__(self, expired: bool) -> None:
        self.expired = expired


class NotAdmin(Exception):
    """Signed in with a key that may not administer (a reader key)."""


class CsrfRefused(Exception):
    """A change without the session's CSRF token."""


def console_session(request: Request, assistant: AssistantDep) -> Session:
    """The signed-in admin; ``SignInRequired`` without a valid session, ``NotAdmin`` for a reader's."""
    session = current_session(request, assistant)
    if session is None:
        raise SignInRequired(expired=bool(request.cookies.get("pa_admin")))
    if session.caller.role != "admin" or not assistant.settings.admin_keys:
        raise NotAdmin
    return session


ConsoleDep = Annotated[Session, Depends(console_session)]


def checked_change(request: Request, session: ConsoleDep, csrf: Annotated[str | None, Form()] = None) -> Session:
    """A change (a POST) by the signed-in admin carrying the session's CSRF token (form field
    ``csrf`` or header ``X-CSRF-Token``); ``CsrfRefused`` otherwise."""
    if not csrf_ok(session, csrf or request.headers.get(CSRF_HEADER)):
        raise CsrfRefused
    return session


ChangeDep = Annotated[Session, Depends(checked_change)]


def install_console_errors(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, error: SignInRequired) -> Response:
        if request.method != "GET" or request.headers.get("accept", "").startswith("application/json"):
            return page(request, "message.html", session=None, status_code=401, message_key="expired")
        params = {"next": request.url.path} | ({"expired": "1"} if error.expired else {})
        return redirect("/admin/sign-in", params=params)

    @app.exception_handler(NotAdmin)
    async def not_admin(request: Request, _: NotAdmin) -> Response:
        return page(request, "message.html", session=None, status_code=403, message_key="not_admin")

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _: CsrfRefused) -> Response:
        return page(request, "message.html", session=None, status_code=403, message_key="csrf")
