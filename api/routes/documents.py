from __future__ import annotations

from fastapi import APIRouter

from api.deps import AssistantDep
from api.schemas import DocumentDetail, DocumentList

router = APIRouter(prefix="/v1", tags=["documents"])


@router.get("/documents", response_model=DocumentList)
def list_documents(assistant: AssistantDep) -> DocumentList:
    """Metadata of every indexed document."""
    return DocumentList(documents=assistant.documents())


@router.get("/documents/{document_id}", response_model=DocumentDetail)
def get_document(document_id: str, assistant: AssistantDep) -> DocumentDetail:
    """One document's metadata and its sections (heading path and span)."""
    document = assistant.document(document_id)
    return DocumentDetail(**document.info().model_dump(), sections=document.sections)
