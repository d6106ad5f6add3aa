"""The console's session: the signed-in caller and the CSRF token its forms carry (the cookie and
its signing are ``api/sessions.py``, shared with the chat page's sign-in)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials

from api.security import Caller, identify
from api.sessions import COOKIE, CSRF_FIELD, CSRF_HEADER, csrf_token, session_key
from assistant.facade import PolicyAssistant

__all__ = ["COOKIE", "CSRF_FIELD", "CSRF_HEADER", "Session", "csrf_ok", "current_session"]


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in console user: who (as the API knows the key) and the token their forms carry."""

    caller: Caller
    csrf: str


def current_session(request: Request, assistant: PolicyAssistant) -> Session | None:
    """The request's session, if its cookie is valid and its key still identifies a caller."""
    cookie = request.cookies.get(COOKIE)
    key = session_key(assistant.settings, cookie)
    if key is None or cookie is None:
        return None
    caller = identify(assistant, HTTPAuthorizationCredentials(scheme="Bearer", credentials=key))
    return Session(caller, csrf_token(assistant.settings, cookie)) if caller is not None else None


def csrf_ok(session: Session, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(session.csrf, presented)


