from __future__ import annotations

from fastapi import APIRouter

from api.deps import AssistantDep
from api.schemas import SearchRequest, SearchResponse

router = APIRouter(prefix="/v1", tags=["search"])


@router.post("/search", response_model=SearchResponse)
def search(body: SearchRequest, assistant: AssistantDep) -> SearchResponse:
    """Hybrid (dense + BM25) search over the policy documents."""
    return SearchResponse(hits=assistant.search(body.query, k=body.k, filters=body.filters))
