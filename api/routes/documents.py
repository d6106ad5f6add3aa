from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, UploadFile, status
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.errors import PayloadTooLargeError
from api.observability import request_id_var
from api.schemas import BuildState, DocumentDetail, DocumentList, IndexInfo, IndexStatus
from api.security import READER, AdminDep, Caller, ReaderDep
from assistant.errors import IndexNotReadyError
from assistant.facade import PolicyAssistant
from assistant.models import DocumentInfo
from assistant.overview import DocumentOverview

router = APIRouter(prefix="/v1", tags=["documents"])
_CHUNK = 1024 * 1024


@router.get("/documents", response_model=DocumentList, dependencies=[READER])
def list_documents(assistant: AssistantDep, caller: ReaderDep) -> DocumentList:
    """Metadata of every indexed document the caller may see, with its status as of today
    (`current`, `due_for_revision`, `expired` or `unknown`); admins also see each one's access groups."""
    documents = assistant.documents(viewer=caller.viewer)
    if caller.role != "admin":
        documents = [d.model_copy(update={"access": []}) for d in documents]
    return DocumentList(documents=documents)


@router.get("/documents/{document_id}", response_model=DocumentDetail, dependencies=[READER])
def get_document(document_id: str, assistant: AssistantDep, caller: ReaderDep) -> DocumentDetail:
    """One document's metadata, status, sections (heading path and span) and text, which citation
    offsets index into. 404 for a document the caller may not see, as for one that does not exist."""
    document = assistant.document(document_id, viewer=caller.viewer)
    info = document.info().model_dump()
    if caller.role != "admin":
        info["access"] = []
    return DocumentDetail(**info, sections=document.sections, text=document.text)


@router.get("/documents/{document_id}/overview", response_model=DocumentOverview, dependencies=[READER])
def get_overview(document_id: str, assistant: AssistantDep, caller: ReaderDep,
                 lang: Annotated[Literal["en", "sv"], Query(description="Language of the labels.")] = "en",
                 ) -> DocumentOverview:
    """A short cited overview for officials new to the document: purpose, areas, who is
    responsible, dates and status."""
    return assistant.overview(document_id, language=lang, viewer=caller.viewer)


@router.post("/documents", response_model=DocumentInfo, status_code=status.HTTP_201_CREATED)
async def upload_document(file: UploadFile, assistant: AssistantDep, caller: AdminDep,
                          access: Annotated[str, Form(description="Access groups, comma-separated: only callers "
                                                      "in one of them may read the document. Empty: every "
                                                      "reader.")] = "") -> DocumentInfo:
    """Upload a PDF, DOCX, TXT, MD or HTML file (multipart field `file`). It is parsed, stored in
    the corpus and indexed before the answer; queries keep being served from the last good index
    meanwhile. Answers 413 when larger than the configured limit, 415 for an unsupported type,
    422 when it cannot be parsed, 400 for a bad access group name."""
    limit = assistant.settings.max_upload_bytes
    data = bytearray()
    while chunk := await file.read(_CHUNK):  # checked while streaming: never buffer past the limit
        data.extend(chunk)
        if len(data) > limit:
            raise PayloadTooLargeError(f"the file is larger than {limit // (1024 * 1024)} MB")
    info = await run_in_threadpool(lambda: assistant.library.add(file.filename or "", bytes(data),
                                                                  access=access.split(",")))
    await run_in_threadpool(lambda: audit(assistant, caller, "upload", info.id))
    return info


@router.delete("/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_document(document_id: str, assistant: AssistantDep, caller: AdminDep) -> None:
    """Remove a document from the corpus and the index."""
    assistant.library.remove(document_id)
    audit(assistant, caller, "delete", document_id)


@router.get("/index", response_model=IndexStatus, dependencies=[READER])
def index_status(assistant: AssistantDep) -> IndexStatus:
    """The index being served, and how far a running build is (texts embedded, texts per second,
    seconds left), so an administrator can follow a long first build or a rebuild."""
    status = assistant.build_status()
    try:
        manifest = assistant.manifest
    except IndexNotReadyError:
        index = None
    else:
        index = IndexInfo(version=manifest.version, documents=manifest.documents, chunks=manifest.chunks,
                          model=manifest.model, skipped=manifest.skipped)
    return IndexStatus(index=index, build=BuildState(**dataclasses.asdict(status)) if status else None)


@router.post("/index/rebuild", response_model=IndexInfo)
def rebuild_index(assistant: AssistantDep, caller: AdminDep) -> IndexInfo:
    """Build a new index version from the corpus and switch to it."""
    manifest = assistant.build_index()
    audit(assistant, caller, "rebuild", manifest.version)
    return IndexInfo(version=manifest.version, documents=manifest.documents, chunks=manifest.chunks,
                     model=manifest.model, skipped=manifest.skipped)


def audit(assistant: PolicyAssistant, caller: Caller, action: str, target: str) -> None:
    """Record an admin action with the key's name and the request's id."""
    assistant.record_audit(key_name=caller.name, action=action, target=target, request_id=request_id_var.get())
