from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, UploadFile, status
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.errors import PayloadTooLargeError
from api.schemas import DocumentDetail, DocumentList, IndexInfo
from api.security import ADMIN, READER
from assistant.models import DocumentInfo
from assistant.overview import DocumentOverview

router = APIRouter(prefix="/v1", tags=["documents"])
_CHUNK = 1024 * 1024


@router.get("/documents", response_model=DocumentList, dependencies=[READER])
def list_documents(assistant: AssistantDep) -> DocumentList:
    """Metadata of every indexed document, with its status as of today (`current`,
    `due_for_revision`, `expired` or `unknown`)."""
    return DocumentList(documents=assistant.documents())


@router.get("/documents/{document_id}", response_model=DocumentDetail, dependencies=[READER])
def get_document(document_id: str, assistant: AssistantDep) -> DocumentDetail:
    """One document's metadata, status, sections (heading path and span) and text, which citation
    offsets index into."""
    document = assistant.document(document_id)
    return DocumentDetail(**document.info().model_dump(), sections=document.sections, text=document.text)


@router.get("/documents/{document_id}/overview", response_model=DocumentOverview, dependencies=[READER])
def get_overview(document_id: str, assistant: AssistantDep,
                 lang: Annotated[Literal["en", "sv"], Query(description="Language of the labels.")] = "en",
                 ) -> DocumentOverview:
    """A short cited overview for officials new to the document: purpose, areas, who is
    responsible, dates and status."""
    return assistant.overview(document_id, language=lang)


@router.post("/documents", response_model=DocumentInfo, status_code=status.HTTP_201_CREATED,
             dependencies=[ADMIN])
async def upload_document(file: UploadFile, assistant: AssistantDep) -> DocumentInfo:
    """Upload a PDF, DOCX, TXT, MD or HTML file (multipart field `file`). It is parsed, stored in
    the corpus and indexed before the answer; queries keep being served from the last good index
    meanwhile. Answers 413 when larger than the configured limit, 415 for an unsupported type,
    422 when it cannot be parsed."""
    limit = assistant.settings.max_upload_bytes
    data = bytearray()
    while chunk := await file.read(_CHUNK):  # checked while streaming: never buffer past the limit
        data.extend(chunk)
        if len(data) > limit:
            raise PayloadTooLargeError(f"the file is larger than {limit // (1024 * 1024)} MB")
    return await run_in_threadpool(assistant.add_document, file.filename or "", bytes(data))


@router.delete("/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[ADMIN])
def delete_document(document_id: str, assistant: AssistantDep) -> None:
    """Remove a document from the corpus and the index."""
    assistant.remove_document(document_id)


@router.post("/index/rebuild", response_model=IndexInfo, dependencies=[ADMIN])
def rebuild_index(assistant: AssistantDep) -> IndexInfo:
    """Build a new index version from the corpus and switch to it."""
    manifest = assistant.build_index()
    return IndexInfo(version=manifest.version, documents=manifest.documents, chunks=manifest.chunks,
                     model=manifest.model, skipped=manifest.skipped)
