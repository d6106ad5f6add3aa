"""Sessions and short-lived tokens, signed by the server: a key typed once into a sign-in form is
held in a session cookie (``HttpOnly``, ``SameSite=Strict``, ``Secure`` over TLS) for
``SESSION_SECONDS``, and every change made with it carries a CSRF token bound to it (in a form
field, or in the ``X-CSRF-Token`` header the widget copies from the readable ``pa_csrf`` cookie:
another site can neither read nor forge it). A widget token (``pat_…``) carries a reader's name and
groups for a few minutes, for an intranet page to hand its widget instead of a key.

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

from fastapi import Request

from assistant.settings import Settings

COOKIE = "pa_session"
CSRF_COOKIE = "pa_csrf"
TOKEN_PREFIX = "pat_"
MAX_TOKEN_SECONDS = 3600
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


def widget_token(settings: Settings, *, name: str, groups: list[str], seconds: int, now: float | None = None) -> str:
    """A reader's token for ``seconds`` (at most an hour): its name (for the audit and feedback) and groups."""
    payload = base64.urlsafe_b64encode(json.dumps(
        {"n": name, "g": groups, "e": int((now or time.time()) + min(seconds, MAX_TOKEN_SECONDS))}).encode()).decode()
    return f"{TOKEN_PREFIX}{payload}.{_sign(_secret(settings), 'token' + payload)}"


def token_reader(settings: Settings, token: str, *, now: float | None = None) -> tuple[str, list[str]] | None:
    """(name, groups) of a valid, unexpired widget token; ``None`` otherwise."""
    if not token.startswith(TOKEN_PREFIX) or "." not in token:
        return None
    payload, signature = token[len(TOKEN_PREFIX):].rsplit(".", 1)
    if not hmac.compare_digest(signature, _sign(_secret(settings), "token" + payload)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        name, groups, expires = str(data["n"]), [str(g) for g in data["g"]], int(data["e"])
    except (ValueError, KeyError, TypeError):
        return None
    return (name, groups) if (now or time.time()) <= expires else None




def cookie_options(request: Request, *, readable: bool = False) -> dict[str, object]:
    """``Set-Cookie`` attributes: never sent cross-site, TLS-only under TLS, and not readable by
    scripts unless ``readable`` (the CSRF cookie the widget copies into a header)."""
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    return {"httponly": not readable, "samesite": "strict", "secure": secure, "path": "/", "max_age": SESSION_SECONDS}
