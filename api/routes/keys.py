"""Managed API keys and the audit trail (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AssistantDep
from api.routes.documents import audit
from api.security import AdminDep
from assistant.access import AuditEntry, KeyRole, ManagedKey, NewKey

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
