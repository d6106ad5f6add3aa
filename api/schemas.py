"""Request and response bodies, split by role. Domain models come from ``assistant.models``."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from assistant.facade import MAX_K
from assistant.models import ChatTurn, DocumentInfo, Filters, Hit, Section
from assistant.validation import MAX_QUERY_CHARS

QueryText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUERY_CHARS)]


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: QueryText = Field(description="What to search for, in Swedish or English.")
    k: int = Field(5, ge=1, le=MAX_K, description="Number of hits.")
    filters: Filters | None = None


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: QueryText = Field(description="The question, in Swedish or English.")
    history: list[ChatTurn] = Field(default_factory=list, max_length=20,
                                    description="Earlier turns, oldest first (for follow-ups).")
    filters: Filters | None = None


class SearchResponse(BaseModel):
    hits: list[Hit]


class DocumentList(BaseModel):
    documents: list[DocumentInfo]


class DocumentDetail(DocumentInfo):
    sections: list[Section]
    text: str = Field(description="The document's text as indexed: every citation's `start`/`end` index into it, "
                      "so `text[start:end]` is the citation's quote.")


class IndexInfo(BaseModel):
    version: str
    documents: int
    chunks: int
    model: str
    skipped: list[dict[str, str]]


class BuildState(BaseModel):
    """A build running now: texts embedded of those to embed, the rate, and the time left."""

    done: int
    total: int
    texts_per_second: float | None
    eta_seconds: float | None
    elapsed_seconds: float


class IndexStatus(BaseModel):
    """The index being served (``None`` before the first build) and the build running, if any."""

    index: IndexInfo | None
    build: BuildState | None


class GlossaryTerm(BaseModel):
    term: str
    english: str
    explanation: str = Field(description="In English.")
    explanation_sv: str = Field(description="The same explanation in Swedish.")


class Health(BaseModel):
    status: str
    documents: int
    chunks: int
    index_version: str
    model: str


class ErrorBody(BaseModel):
    detail: str
