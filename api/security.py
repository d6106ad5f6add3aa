"""API keys as bearer tokens (``Authorization: Bearer <key>``), two roles, and CORS.

* ``reader``: search, ask (and its stream), the OpenAI-compatible routes, feedback POST, documents
  GET, glossary, overviews. With no reader keys configured (``ASSISTANT_READER_KEYS``) reading is
  open. An admin key also reads.
* ``admin``: POST/DELETE ``/v1/documents``, POST ``/v1/index/rebuild``, GET ``/v1/feedback``. Always
  needs an admin key (``ASSISTANT_ADMIN_KEYS``); with none configured these endpoints are disabled
  and answer 403.
* Open to all: ``/healthz``, ``/metrics``, ``/``, ``/widget.js`` and the OpenAPI docs.

A missing or unknown key on a protected endpoint is a 401 with ``WWW-Authenticate: Bearer``; a
reader key on an admin endpoint is a 403. A presented key is compared with ``hmac.compare_digest``
against every configured key, without stopping at a match. Keys are never logged nor echoed.

Besides ``Authorization: Bearer <key>``, a caller is known by (in this order): a widget token
(``pat_…``, a reader's name and groups for minutes, see ``api/sessions.py``) as the bearer; the
session cookie of the sign-in page (a change also needs its CSRF token in ``X-CSRF-Token``); or,
only from the addresses in ``ASSISTANT_TRUSTED_PROXIES``, the single-sign-on proxy's headers
naming the user and their groups (``ASSISTANT_PROXY_ADMIN_GROUP`` makes a group's members admins).
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr
from starlette.middleware.cors import CORSMiddleware

from api.deps import AssistantDep
from api.observability import REQUEST_ID_HEADER
from api.sessions import COOKIE, CSRF_HEADER, TOKEN_PREFIX, csrf_token, session_key, token_reader
from assistant.access import KEY_PREFIX, Viewer
from assistant.facade import PolicyAssistant
from assistant.settings import Settings

Role = Literal["anonymous", "reader", "admin"]

ADMIN_DISABLED = "admin endpoints are disabled: no admin keys configured"
KEY_REQUIRED = "a valid API key is required, sent as 'Authorization: Bearer <key>'"
ADMIN_REQUIRED = "this endpoint needs an admin key"
CSRF_REQUIRED = "a change made with the sign-in session needs its CSRF token in the X-CSRF-Token header"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CORS_METHODS = ("GET", "POST", "DELETE", "OPTIONS")
CORS_HEADERS = ("Authorization", "Content-Type", "X-CSRF-Token")

_bearer = HTTPBearer(auto_error=False, scheme_name="APIKey",
                     description="An API key from ASSISTANT_READER_KEYS or ASSISTANT_ADMIN_KEYS.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the key's name (for the audit trail and feedback), its role and groups."""

    name: str
    role: Role
    groups: frozenset[str] = frozenset()

    @property
    def viewer(self) -> Viewer:
        """Admins see every document; readers the unrestricted ones and those of their groups."""
        return Viewer.everything() if self.role == "admin" else Viewer(groups=self.groups)


ANONYMOUS = Caller(name="anonymous", role="anonymous")


def identify(assistant: PolicyAssistant, credentials: HTTPAuthorizationCredentials | None) -> Caller | None:
    """The caller a presented key belongs to: a key of the environment (readers without groups,
    admins), a widget token (a reader with the name and groups it carries, until it expires), else a
    managed key (its role and groups, read from the store on every request, so a revoked key is
    refused at once); ``None`` for no key or an unknown one."""
    if credentials is None or not credentials.credentials:
        return None
    if credentials.credentials.startswith(TOKEN_PREFIX):
        reader = token_reader(assistant.settings, credentials.credentials)
        return Caller(name=reader[0], role="reader", groups=frozenset(reader[1])) if reader else None
    role = key_role(credentials, assistant.settings)
    if role is not None:
        return Caller(name=f"environment {role} key", role=role)
    managed = assistant.find_key(credentials.credentials)
    if managed is None:
        return None
    return Caller(name=managed.name, role=managed.role, groups=frozenset(managed.groups))


def caller_of(assistant: PolicyAssistant, request: Request, credentials: HTTPAuthorizationCredentials | None,
              ) -> Caller | None:
    """Who is calling, by bearer key or token, else by session cookie (a change made with the cookie
    must carry its CSRF token: 403 otherwise), else by a trusted proxy's headers; ``None``: nobody."""
    if credentials is not None and credentials.credentials:
        return identify(assistant, credentials)
    cookie = request.cookies.get(COOKIE)
    key = session_key(assistant.settings, cookie)
    if key is not None and cookie is not None:
        if request.method not in SAFE_METHODS and not hmac.compare_digest(
                request.headers.get(CSRF_HEADER, ""), csrf_token(assistant.settings, cookie)):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=CSRF_REQUIRED)
        return identify(assistant, HTTPAuthorizationCredentials(scheme="Bearer", credentials=key))
    return proxied_caller(assistant.settings, request)


def proxied_caller(settings: Settings, request: Request) -> Caller | None:
    """The user a single-sign-on proxy names, if the request comes from one of ``trusted_proxies``
    (its address, never a header saying so): a reader with the groups it lists, an admin when they
    include ``proxy_admin_group``. Cost: a parse of the configured networks."""
    if not settings.trusted_proxies or request.client is None:
        return None
    user = request.headers.get(settings.proxy_user_header, "").strip()
    try:
        address = ipaddress.ip_address(request.client.host)
    except ValueError:
        return None
    if not user or not any(address in ipaddress.ip_network(net, strict=False) for net in settings.trusted_proxies):
        return None
    groups = frozenset(g.strip() for g in request.headers.get(settings.proxy_groups_header, "").split(",")
                       if g.strip())
    admin = settings.proxy_admin_group is not None and settings.proxy_admin_group in groups
    return Caller(name=user[:100], role="admin" if admin else "reader", groups=groups)


def require_reader(assistant: AssistantDep, request: Request, credentials: Credentials) -> Caller:
    """The caller of a reading endpoint. Without a key: anonymous (unrestricted documents only)
    when no reader keys are configured, else 401. A key that is presented must be valid (401
    otherwise; where reading is open only a managed key's, so a revoked key is refused). Cost: one constant-time
    comparison per configured key and, for other keys, one indexed read of the key store."""
    caller = caller_of(assistant, request, credentials)
    if caller is not None:
        return caller
    presented = credentials.credentials if credentials is not None else ""
    # Where reading is open, OpenAI clients send some key anyway: read anonymously. A managed key
    # that is not (or no longer) valid is refused, so revoking one takes effect everywhere.
    if assistant.settings.reader_keys or presented.startswith(KEY_PREFIX):
        raise _unauthorized()
    return ANONYMOUS


def require_admin(assistant: AssistantDep, request: Request, credentials: Credentials) -> Caller:
    """An admin caller (an environment admin key or a managed admin key), or: 403 when no admin
    key is configured in the environment (administration is then off, managed keys included),
    401 for a missing or unknown key, 403 for a reader key."""
    if not assistant.settings.admin_keys:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=ADMIN_DISABLED)
    caller = caller_of(assistant, request, credentials)
    if caller is None:
        raise _unauthorized()
    if caller.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=ADMIN_REQUIRED)
    return caller


ReaderDep = Annotated[Caller, Depends(require_reader)]
AdminDep = Annotated[Caller, Depends(require_admin)]
READER = Depends(require_reader)
"""For ``APIRouter(dependencies=[READER])`` or a route's ``dependencies``."""
ADMIN = Depends(require_admin)
"""For a route's ``dependencies=[ADMIN]``."""


def key_role(credentials: HTTPAuthorizationCredentials | None, settings: Settings) -> Role | None:
    """``admin`` or ``reader`` for a configured key, ``None`` for none or an unknown one. Both key
    lists are always compared in full, so the time taken does not tell which key (if any) matched."""
    if credentials is None or not credentials.credentials:
        return None
    presented = credentials.credentials.encode("utf-8")
    is_admin = matches_any(presented, settings.admin_keys)
    is_reader = matches_any(presented, settings.reader_keys)
    if is_admin:
        return "admin"
    return "reader" if is_reader else None


def matches_any(presented: bytes, keys: Sequence[SecretStr]) -> bool:
    """Whether ``presented`` equals one of ``keys``, comparing with every key (no early exit)."""
    found = False
    for key in keys:
        found |= hmac.compare_digest(presented, key.get_secret_value().encode("utf-8"))
    return found


def _unauthorized() -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=KEY_REQUIRED, headers={"WWW-Authenticate": "Bearer"})


def install_cors(app: FastAPI, *, origins: Sequence[str]) -> None:
    """Let browsers on exactly ``origins`` call the API (methods GET/POST/DELETE/OPTIONS, headers
    Authorization and Content-Type, ``X-Request-ID`` readable). No origins: no CORS at all."""
    if not origins:
        return
    app.add_middleware(CORSMiddleware, allow_origins=list(origins), allow_methods=list(CORS_METHODS),
                       allow_headers=list(CORS_HEADERS), expose_headers=[REQUEST_ID_HEADER])
