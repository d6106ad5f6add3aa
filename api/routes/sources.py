"""Sources kept in sync with the index: folders and websites (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AssistantDep
from api.routes.documents import audit
from api.security import AdminDep
from assistant.sources.manager import SourceStatus
from assistant.sources.models import SyncReport

router = APIRouter(prefix="/v1", tags=["sources"])


class SourceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=40, description="Lowercase letters, digits and hyphens.")
    location: str = Field(min_length=1, max_length=2000,
                          description="A folder path on the server, or an http(s):// page or sitemap URL.")
    groups: list[str] = Field(default_factory=list, max_length=50, description="Access groups its documents get.")
    every: str | None = Field(None, description="Scheduled sync interval: 30m, 6h, 1d (none: only on demand).")
    include: list[str] = Field(default_factory=list, max_length=50, description="Glob patterns of paths to take.")
    exclude: list[str] = Field(default_factory=list, max_length=50, description="Glob patterns of paths to skip.")


class SourceDetail(SourceStatus):
    runs: list[SyncReport] = Field(description="The latest runs, newest first.")


class SourceRemoved(BaseModel):
    name: str
    removed: list[str] = Field(description="Ids of the documents that left the index with it.")


@router.get("/sources", response_model=list[SourceStatus])
def list_sources(assistant: AssistantDep, caller: AdminDep) -> list[SourceStatus]:
    """Every source with its schedule and its last run: what was added, changed, removed, and
    each failed item with its reason."""
    return assistant.sources.statuses()


@router.post("/sources", response_model=SourceStatus, status_code=status.HTTP_201_CREATED)
def add_source(body: SourceRequest, assistant: AssistantDep, caller: AdminDep) -> SourceStatus:
    """Add a source; nothing is read until it syncs (now with POST .../sync, or on its schedule)."""
    config = assistant.sources.add(body.name, body.location, groups=body.groups, every=body.every,
                                   include=body.include, exclude=body.exclude)
    audit(assistant, caller, "source added", f"{config.name} ({config.kind.value} {config.location})")
    return assistant.sources.status(config)


@router.get("/sources/{name}", response_model=SourceDetail)
def get_source(name: str, assistant: AssistantDep, caller: AdminDep,
               limit: Annotated[int, Query(ge=1, le=50)] = 10) -> SourceDetail:
    """One source with its latest runs."""
    status_ = assistant.sources.status(assistant.sources.get(name))
    return SourceDetail(**status_.model_dump(), runs=assistant.sources.runs(name, limit=limit))


@router.post("/sources/{name}/sync", response_model=SyncReport)
def sync_source(name: str, assistant: AssistantDep, caller: AdminDep) -> SyncReport:
    """Sync now and answer with the run's report once the index serves it (409 while another
    sync runs). A source that could not be read answers 200 with status ``failed`` and the reason."""
    [report] = assistant.sources.sync(name)
    audit(assistant, caller, "source synced", report.summary())
    return report


@router.delete("/sources/{name}", response_model=SourceRemoved)
def remove_source(name: str, assistant: AssistantDep, caller: AdminDep) -> SourceRemoved:
    """Remove a source and its documents (one index change)."""
    removed = assistant.sources.remove(name)
    audit(assistant, caller, "source removed", f"{name} ({len(removed)} documents)")
    return SourceRemoved(name=name, removed=removed)
