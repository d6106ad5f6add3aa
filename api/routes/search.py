from __future__ import annotations

import time

from fastapi import APIRouter

from api.deps import AssistantDep
from api.observability import MetricsDep
from api.schemas import SearchRequest, SearchResponse
from api.security import READER, ReaderDep

router = APIRouter(prefix="/v1", tags=["search"], dependencies=[READER])


@router.post("/search", response_model=SearchResponse)
def search(body: SearchRequest, assistant: AssistantDep, metrics: MetricsDep, caller: ReaderDep) -> SearchResponse:
    """Hybrid (dense + BM25) search over the policy documents."""
    started = time.perf_counter()
    hits = assistant.search(body.query, k=body.k, filters=body.filters, viewer=caller.viewer)
    metrics.observe_search(seconds=time.perf_counter() - started)
    return SearchResponse(hits=hits)
