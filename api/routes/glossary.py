from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AssistantDep
from api.schemas import GlossaryTerm
from api.security import READER

router = APIRouter(prefix="/v1", tags=["onboarding"], dependencies=[READER])


@router.get("/glossary", response_model=list[GlossaryTerm])
def glossary(assistant: AssistantDep,
             q: Annotated[str, Query(max_length=200, description="Search term, Swedish or English.")] = "",
             limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[GlossaryTerm]:
    """The Swedish–English municipal glossary, searchable: `[{"term", "english", "explanation",
    "explanation_sv"}]`."""
    return [GlossaryTerm(term=e.term, english=e.english, explanation=e.explanation, explanation_sv=e.explanation_sv)
            for e in assistant.glossary_entries(q, limit=limit)]
