"""The console's sign-in: the key typed once into a password field, then held in a signed session
cookie (``HttpOnly``, ``SameSite=Strict``, ``Secure`` over TLS) for ``SESSION_SECONDS``; every change
carries a CSRF token bound to the session.

The cookie is ``<payload>.<signature>``: the payload (the key and the time of sign-in, base64url
JSON) signed with HMAC-SHA256 under a secret every replica derives alike from its settings
(``ASSISTANT_SESSION_SECRET``, else the configured keys), so any replica accepts it and a change of
keys ends every session. Each request checks the key again like a bearer key, so a revoked key
is refused at once. The CSRF token is an HMAC of the cookie: a page can show it, another site
can neither read nor forge it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials

from api.security import Caller, identify
from assistant.facade import PolicyAssistant
from assistant.settings import Settings

COOKIE = "pa_admin"
SESSION_SECONDS = 8 * 3600
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


def _secret(settings: Settings) -> bytes:
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value().encode("utf-8")
    keys = sorted(k.get_secret_value() for k in (*settings.admin_keys, *settings.reader_keys))
    return hashlib.sha256(("policy-assistant session\0" + "\0".join(keys)).encode("utf-8")).digest()


def _sign(secret: bytes, payload: str) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest()).decode()


def session_cookie(settings: Settings, key: str, *, now: float | None = None) -> str:
    """The cookie value of a session for ``key`` started ``now``."""
    payload = base64.urlsafe_b64encode(json.dumps({"k": key, "t": int(now or time.time())}).encode()).decode()
    return f"{payload}.{_sign(_secret(settings), payload)}"


def session_key(settings: Settings, cookie: str | None, *, now: float | None = None) -> str | None:
    """The key of a valid, unexpired session cookie; ``None`` for none, a forged or an expired one."""
    if not cookie or "." not in cookie:
        return None
    payload, signature = cookie.rsplit(".", 1)
    if not hmac.compare_digest(signature, _sign(_secret(settings), payload)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        key, started = str(data["k"]), int(data["t"])
    except (ValueError, KeyError, TypeError):
        return None
    return key if 0 <= (now or time.time()) - started <= SESSION_SECONDS else None


def csrf_token(settings: Settings, cookie: str) -> str:
    return hmac.new(_secret(settings), b"csrf\0" + cookie.encode(), hashlib.sha256).hexdigest()[:40]


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


def cookie_options(request: Request) -> dict[str, object]:
    """``Set-Cookie`` attributes: never readable by scripts, never sent cross-site, TLS-only under TLS."""
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    return {"httponly": True, "samesite": "strict", "secure": secure, "path": "/", "max_age": SESSION_SECONDS}
