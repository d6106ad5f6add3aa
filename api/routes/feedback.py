from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import AssistantDep
from api.security import ADMIN, READER, ReaderDep
from assistant.feedback import Feedback, FeedbackIn

router = APIRouter(prefix="/v1", tags=["feedback"])


@router.post("/feedback", response_model=Feedback, status_code=status.HTTP_201_CREATED, dependencies=[READER])
def add_feedback(body: FeedbackIn, assistant: AssistantDep, caller: ReaderDep) -> Feedback:
    """Thumbs up or down on an answer, with an optional comment; stored with the question, the
    answer and its citations."""
    return assistant.add_feedback(body, given_by=None if caller.role == "anonymous" else caller.name)


@router.get("/feedback", response_model=list[Feedback], dependencies=[ADMIN])
def list_feedback(assistant: AssistantDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                  offset: Annotated[int, Query(ge=0)] = 0) -> list[Feedback]:
    """Stored feedback, newest first (for admins)."""
    return assistant.feedback(limit=limit, offset=offset)
