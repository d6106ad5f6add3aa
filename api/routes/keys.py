"""Managed API keys and the audit trail (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AssistantDep
from api.routes.documents import audit
from api.security import AdminDep, ReaderDep
from api.sessions import widget_token
from assistant.access import AuditEntry, KeyRole, ManagedKey, NewKey, parse_groups

router = APIRouter(prefix="/v1", tags=["access"])


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="Who or what the key is for (shown in the audit).")
    role: KeyRole = "reader"
    groups: list[str] = Field(default_factory=list, max_length=50,
                              description="Access groups: the restricted documents the key may read.")


@router.post("/keys", response_model=NewKey, status_code=status.HTTP_201_CREATED)
def create_key(body: KeyRequest, assistant: AssistantDep, caller: AdminDep) -> NewKey:
    """A new key. The key itself is in this response only; the service keeps its hash."""
    created = assistant.create_key(name=body.name, role=body.role, groups=body.groups)
    audit(assistant, caller, "key created", f"{created.id} ({created.name}, {created.role})")
    return created


@router.get("/keys", response_model=list[ManagedKey])
def list_keys(assistant: AssistantDep, caller: AdminDep) -> list[ManagedKey]:
    """Every managed key, without secrets."""
    return assistant.keys()


@router.delete("/keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_key(key_id: str, assistant: AssistantDep, caller: AdminDep) -> None:
    """Revoke a key: refused on the next request, by every replica."""
    if not assistant.revoke_key(key_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no key with id {key_id!r}")
    audit(assistant, caller, "key revoked", key_id)


@router.get("/audit", response_model=list[AuditEntry])
def list_audit(assistant: AssistantDep, caller: AdminDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               offset: Annotated[int, Query(ge=0)] = 0) -> list[AuditEntry]:
    """Admin actions, newest first: time, key name, action, target and request id."""
    return assistant.audit(limit=limit, offset=offset)


class WidgetTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str | None = Field(None, min_length=1, max_length=100,
                             description="Who the token is for (audit, feedback); admins only. Default: the "
                             "key's name.")
    groups: list[str] | None = Field(None, max_length=50, description="Its access groups; admins only. Default: the "
                                     "key's groups.")
    minutes: int = Field(15, ge=1, le=60, description="How long it is valid.")


class WidgetToken(BaseModel):
    token: str = Field(description="Give it to the widget as its api-key; it reads as the user, for minutes.")
    expires_in: int = Field(description="Seconds.")


@router.post("/widget-tokens", response_model=WidgetToken, status_code=status.HTTP_201_CREATED)
def create_widget_token(body: WidgetTokenRequest, assistant: AssistantDep, caller: ReaderDep) -> WidgetToken:
    """A short-lived reading token for an intranet page to hand its widget instead of a key: the
    page's server asks with its key (an admin key may name the signed-in user and their groups; a
    reader key gets its own name and groups). 401 without a key."""
    if caller.role == "anonymous":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="a widget token is issued only for a key")
    if caller.role != "admin" and (body.user is not None or body.groups is not None):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only an admin key may name the user or the groups")
    try:
        groups = parse_groups(body.groups) if body.groups is not None else sorted(caller.groups)
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail=str(error)) from None
    seconds = body.minutes * 60
    token = widget_token(assistant.settings, name=body.user or caller.name, groups=list(groups), seconds=seconds)
    return WidgetToken(token=token, expires_in=seconds)
