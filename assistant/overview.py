"""A short, cited overview of one document for officials new to it: purpose, areas, who is
responsible, dates and status. Built from the document's structure; every fact is a quote."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from pydantic import BaseModel

from assistant.answer.base import Passage
from assistant.answer.citations import cell_span, field_span, make_citation, reconcile, sentence_spans
from assistant.models import Chunk, Citation, Document, Hit, Language
from assistant.status import document_status

# Where a document states its purpose, in order of preference.
_PURPOSE_SECTIONS = [re.compile(rf"^{name}\b", re.IGNORECASE)
                     for name in ("syfte", "purpose", "inledning", "introduction", "förord", "bakgrund")]
_LABELS = {
    "purpose": {"en": "Purpose", "sv": "Syfte"},
    "areas": {"en": "Areas", "sv": "Områden"},
    "responsible": {"en": "Responsible", "sv": "Ansvar"},
    "dates": {"en": "Dates", "sv": "Datum"},
    "status": {"en": "Status", "sv": "Status"},
}
_STATUS_TEXT = {
    "current": {"en": "current", "sv": "gällande"},
    "due_for_revision": {"en": "due for revision", "sv": "ska revideras"},
    "expired": {"en": "expired", "sv": "har upphört att gälla"},
    "unknown": {"en": "unknown (no validity or revision date stated)",
                "sv": "okänd (inget giltighets- eller revisionsdatum angivet)"},
}
_DATE_FIELDS = ["adopted_date", "adopted_by", "valid_until", "revision_date", "published_date"]
_MAX_ROLES = 12


class DocumentOverview(BaseModel):
    document_id: str
    title: str
    language: Language
    overview: str
    citations: list[Citation]
    status: str


def build_overview(document: Document, chunks: Sequence[Chunk], *, language: Language,
                   today: dt.date) -> DocumentOverview:
    """The overview of ``document`` (with its sections and text) from its ``chunks``.

    Cost: one pass over the chunks; no model.
    """
    citations: dict[int, Citation] = {}
    lines = [f"{document.title}" + (f" ({document.municipality})" if document.municipality else "")]

    def cite(chunk: Chunk, span: tuple[int, int]) -> str:
        n = len(citations) + 1
        citations[n] = make_citation(_passage(document, chunk), n, span)
        return f"“{' '.join(citations[n].quote.split())}” [{n}]"

    if purpose := _purpose(document, chunks):
        lines.append(f"{_LABELS['purpose'][language]}: {cite(*purpose)}")
    if areas := _areas(document):
        lines.append(f"{_LABELS['areas'][language]}: " + "; ".join(areas))
    roles = _roles(document, chunks)
    if roles:
        lines.append(f"{_LABELS['responsible'][language]}: " + "; ".join(cite(c, s) for c, s in roles))
    header = next((c for c in chunks if c.kind == "header"), None)
    if header is not None:
        dates = [cite(header, span) for name in _DATE_FIELDS
                 if (span := field_span(_passage(document, header), name)) is not None]
        if dates:
            lines.append(f"{_LABELS['dates'][language]}: " + "; ".join(dates))
    status = document_status(document, today=today)
    lines.append(f"{_LABELS['status'][language]}: {_STATUS_TEXT[status][language]}")
    text, ordered = reconcile("\n".join(lines), citations)
    return DocumentOverview(document_id=document.id, title=document.title, language=language, overview=text,
                            citations=ordered, status=status)


def _passage(document: Document, chunk: Chunk) -> Passage:
    hit = Hit(chunk_id=chunk.chunk_id, document_id=document.id, title=document.title,
              municipality=document.municipality, section=chunk.section, section_path=chunk.section_path,
              text=chunk.text, score=1.0, start=chunk.start, end=chunk.end)
    return Passage(hit=hit, kind=chunk.kind, document=document.info(), document_text=document.text)


def _purpose(document: Document, chunks: Sequence[Chunk]) -> tuple[Chunk, tuple[int, int]] | None:
    for pattern in _PURPOSE_SECTIONS:
        for chunk in chunks:
            if chunk.kind == "text" and pattern.match(chunk.section_path[-1]):
                spans = sentence_spans(_passage(document, chunk))
                if spans:
                    return chunk, spans[0]
    return None


def _areas(document: Document) -> list[str]:
    """Sub-sections of the document's largest section group (action-plan areas, focus areas),
    else its top-level sections; headings are named, not quoted."""
    children: dict[tuple[str, ...], list[str]] = {}
    for section in document.sections:
        if len(section.path) >= 2:
            children.setdefault(tuple(section.path[:-1]), []).append(section.path[-1])
    if children:
        largest = max(children.values(), key=len)
        if len(largest) >= 3:
            return largest
    return [s.path[0] for s in document.sections if len(s.path) == 1][:12]


def _roles(document: Document, chunks: Sequence[Chunk]) -> list[tuple[Chunk, tuple[int, int]]]:
    """Distinct main responsibilities of action-plan rows, else sentences assigning responsibility."""
    found: list[tuple[Chunk, tuple[int, int]]] = []
    seen: set[str] = set()
    for chunk in chunks:
        if chunk.kind != "table_row":
            continue
        for line in chunk.text.split("\n"):
            name, _, value = line.partition(": ")
            if re.search(r"huvudansvar|ansvarig", name, re.IGNORECASE) and value and value not in seen:
                span = cell_span(_passage(document, chunk), value)
                if span:
                    seen.add(value)
                    found.append((chunk, span))
    if found:
        return found[:_MAX_ROLES]
    for chunk in chunks:
        if chunk.kind != "text":
            continue
        passage = _passage(document, chunk)
        for span in sentence_spans(passage):
            if re.search(r"\bansvar", document.text[span[0]:span[1]], re.IGNORECASE):
                found.append((chunk, span))
                break
    return found[:2]
