"""The document viewer and the original files.

- ``GET /documents/{id}?start=…&end=…``, the page every citation's ``url`` points to: the whole
  document as indexed (headings, paragraphs, tables, page labels; see ``api.document_page``), the
  cited span in a ``<mark id="cited">`` scrolled into view with context above it and focused, so an
  official sees the quote in its place. One self-contained HTML page: no external assets; every
  text of the document is escaped; the only script is inline, allowed by a per-response nonce in
  the Content Security Policy.
- ``GET /documents/{id}/original``: the file the document was parsed from (PDF, DOCX, …), shown
  inline where the browser can, in a CSP sandbox (no script of an uploaded HTML file runs on this
  origin).

Both answer 404 for a document outside the caller's access groups, as for one that does not exist.
"""

from __future__ import annotations

import html
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.responses import HTMLResponse

from api.deps import AssistantDep
from api.document_page import STYLE, document_body, page_label
from api.security import READER, Caller, ReaderDep
from assistant.errors import DocumentNotFoundError, InvalidRequestError
from assistant.facade import PolicyAssistant
from assistant.models import Document

router = APIRouter(tags=["documents"], dependencies=[READER])

# Scrolled so that the mark's top sits below the window's top by its scroll-margin (the same
# place a "#cited" link scrolls it to); then focused without scrolling again.
_SCRIPT = ("const m=document.getElementById('cited');if(m){m.scrollIntoView({block:'start'});"
           "m.focus({preventScroll:true});}")
_ORIGINAL_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'"


@router.get("/documents/{document_id}", response_class=HTMLResponse, summary="A document, with a cited span marked")
def view_document(document_id: str, assistant: AssistantDep, caller: ReaderDep,
                  start: Annotated[int | None, Query(ge=0, description="Start of the cited span")] = None,
                  end: Annotated[int | None, Query(ge=0, description="End of the cited span")] = None,
                  ) -> HTMLResponse:
    """The document as an HTML page, the span ``start``..``end`` (a citation's offsets) marked and
    scrolled into view, with the page it is on and a link to the original file where there is one.
    404 for an unknown document, 422 when the span is not inside it."""
    document = assistant.document(document_id, viewer=caller.viewer)
    span = _checked_span(document, start, end)
    nonce = secrets.token_urlsafe(16)
    page = _page(document, span, nonce=nonce, original=_original_link(assistant, caller, document, span))
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
           "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
    return HTMLResponse(page, headers={"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
                                       "Cache-Control": "no-cache"})


@router.get("/documents/{document_id}/original", response_class=Response, summary="A document's original file",
            responses={200: {"description": "The file as stored (PDF, DOCX, TXT, MD or HTML)",
                             "content": {"application/pdf": {}, "application/octet-stream": {}}},
                       404: {"description": "No such document for this caller, or it has no file"}})
def original_file(document_id: str, assistant: AssistantDep, caller: ReaderDep) -> Response:
    """The file the document was parsed from, with its media type, to be shown inline (a PDF opens
    at ``#page=N``). Sandboxed by its Content Security Policy. 404 for a document the caller may not
    see, as for one that does not exist, and for one without a file (the glossary)."""
    original = assistant.original_file(document_id, viewer=caller.viewer)
    if original is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"the document {document_id!r} has no original file")
    data = original.read()
    return Response(data, media_type=original.content_type(data), headers={
        "Content-Disposition": _inline(original.filename), "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": _ORIGINAL_CSP, "Cache-Control": "private, no-cache"})


def _inline(filename: str) -> str:
    """``inline`` with the file name: ASCII in ``filename``, the exact name in ``filename*`` (RFC 6266)."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in filename)
    exact = f"; filename*=UTF-8''{quote(filename, safe='')}" if fallback != filename else ""
    return f'inline; filename="{fallback}"{exact}'


def _checked_span(document: Document, start: int | None, end: int | None) -> tuple[int, int] | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise InvalidRequestError("give both start and end, or neither")
    if not start < end <= len(document.text):
        raise InvalidRequestError(f"the span {start}..{end} is not inside the document (0..{len(document.text)})")
    return start, end


def _original_link(assistant: PolicyAssistant, caller: Caller, document: Document,
                   span: tuple[int, int] | None) -> str | None:
    """The viewer's link to the original file (relative to the viewer's URL), at the quote's page
    for a PDF; ``None`` when there is no file for this caller. Cost: the look-up, no file read."""
    try:
        original = assistant.original_file(document.id, viewer=caller.viewer)
    except DocumentNotFoundError:
        return None
    if original is None:
        return None
    pages = document.pages_of(*span) if span else []
    at_page = f"#page={pages[0]}" if pages and original.media_type == "application/pdf" else ""
    return f"{quote(document.id, safe='')}/original{at_page}"


def _page(document: Document, span: tuple[int, int] | None, *, nonce: str, original: str | None) -> str:
    facts = " · ".join(part for part in (document.municipality, document.document_type,
                                         f"status: {document.status}" if document.status else None) if part)
    pages = document.pages_of(*span) if span else []
    where = [f'<a href="#page-{pages[0]}">{page_label(pages[0])}</a>' if pages else "",
             f'<a href="{html.escape(original)}">Originalfil / <span lang="en">Original file</span></a>'
             if original else ""]
    where_html = f'<p class="where">{"".join(f"<span>{w}</span>" for w in where if w)}</p>' if any(where) else ""
    skip = '<a class="skip" href="#cited">Till det citerade / To the quote</a>' if span else ""
    return (f'<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(document.title)}</title><style>{STYLE}</style></head>\n"
            f"<body>{skip}<header><p>{html.escape(facts)}</p>{where_html}</header><main>\n"
            f"{document_body(document, span)}\n</main>"
            f'<script nonce="{nonce}">{_SCRIPT}</script></body></html>\n')
