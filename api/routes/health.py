from __future__ import annotations

from fastapi import APIRouter

from api.deps import AssistantDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz(assistant: AssistantDep) -> Health:
    """Liveness and what is being served."""
    manifest = assistant.manifest
    return Health(status="ok", documents=manifest.documents, chunks=manifest.chunks,
                  index_version=manifest.version, model=manifest.model)
