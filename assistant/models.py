"""Plain typed models passed between the steps: parse → chunk → embed → index → retrieve → answer.

Offsets (``start``/``end``) always index into ``Document.text``, the text the parser read from the
source file (for ``.txt`` and ``.md`` the file's own text; for PDF, DOCX and HTML the text extracted
from them).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal
from urllib.parse import quote as quote_path

from pydantic import BaseModel, ConfigDict, Field, computed_field

# --- parse: what a format reader yields ------------------------------------------------------


class ElementKind(StrEnum):
    """The structural role of one element a format reader found in a source."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_ROW = "table_row"


@dataclass(frozen=True, slots=True)
class Element:
    """One structural element of a source text, located by its span in that text.

    ``level`` is known only where the format states it (Markdown ``#``, DOCX heading styles, HTML
    ``h1``-``h6``, numbered headings); plain-text headings found by heuristics have ``level=None``.
    ``cells`` holds the cell texts of a table row.
    """

    kind: ElementKind
    start: int
    end: int
    text: str
    level: int | None = None
    cells: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class ExtractedText:
    """What a format reader returns: the document's text and its elements, in reading order."""

    text: str
    elements: list[Element]
    page_starts: list[int] = field(default_factory=list)  # where each page begins in ``text`` (paged formats)


# --- parse: the structured document ------------------------------------------------------------


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    LIST = "list"
    TABLE_ROW = "table_row"


@dataclass(frozen=True, slots=True)
class Block:
    """A unit of content inside one section.

    For paragraphs and lists ``Document.text[start:end]`` is the content. A table row is rendered as
    a record with its column names inline (``record``), while ``start``/``end`` span the row in the
    source. ``cells`` maps column name to cell text for table rows, with goals carried down into
    continuation rows.
    """

    kind: BlockKind
    start: int
    end: int
    section_path: tuple[str, ...]
    record: str | None = None
    cells: tuple[tuple[str, str], ...] | None = None


class Section(BaseModel):
    """A section of a document: its heading path and the span from its heading to its end."""

    model_config = ConfigDict(frozen=True)

    path: list[str]
    start: int
    end: int


class DocumentInfo(BaseModel):
    """A document's identity and the header metadata it states. Unstated values are ``None``."""

    id: str = Field(description="Slug of the file name; stable across rebuilds.")
    title: str
    municipality: str | None = None
    document_type: str | None = None
    adopted_by: str | None = None
    adopted_date: dt.date | None = None
    published_date: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    revision_date: dt.date | None = None
    registration_number: str | None = None
    document_owner: str | None = None
    issued_by: str | None = None
    applies_to: str | None = None
    version: str | None = None
    source_path: str
    header_start: int = Field(0, description="Span of the header (title and metadata) in the text.")
    header_end: int = 0
    field_spans: dict[str, tuple[int, int]] = Field(
        default_factory=dict, description="Where each stated metadata field (label and value) is in the text.")
    access: list[str] = Field(
        default_factory=list, description="Access groups: only callers in one of them see the document; empty: "
        "every reader.")
    source_url: str | None = Field(
        None, description="Where the original lives (a website source's page or file), for links to it; None for "
        "uploads and folder files.")
    status: Literal["current", "due_for_revision", "expired", "unknown"] | None = Field(
        None, description="From the stated dates against today's date; set when the document is served.")
    page_starts: list[int] = Field(
        default_factory=list, description="Where each page begins in the text (page N at index N-1); empty for "
        "formats without pages.")

    def pages_of(self, start: int, end: int) -> list[int]:
        """The 1-based pages the span ``start``..``end`` of the text touches; empty without pages."""
        return pages_of(self.page_starts, start, end)


class Document(DocumentInfo):
    """A parsed document: metadata, its full text, its sections and its content blocks."""

    text: str
    sections: list[Section]
    blocks: list[Block]

    def info(self) -> DocumentInfo:
        return DocumentInfo.model_validate(self.model_dump(include=set(DocumentInfo.model_fields)))


def pages_of(page_starts: Sequence[int], start: int, end: int) -> list[int]:
    """The 1-based pages a span touches, given where each page begins. Cost: two binary searches."""
    if not page_starts:
        return []
    first = max(1, bisect.bisect_right(page_starts, start))
    last = max(first, bisect.bisect_right(page_starts, max(start, end - 1)))
    return list(range(first, last + 1))


# --- chunk ------------------------------------------------------------------------------------

ChunkKind = Literal["header", "text", "table_row"]


class Chunk(BaseModel):
    """The retrievable unit.

    ``text`` is what a reader sees: for ``text`` chunks exactly ``Document.text[start:end]``; for a
    ``table_row`` the row as a record with column names inline (its span is the row in the source);
    for the ``header`` chunk the document's metadata with Swedish and English labels (its span is
    the document's header). ``embedding_text`` adds the context the embedder sees (title, section
    path), ``lexical_text`` that and English glosses for BM25; neither is ever shown as a quote.
    ``units`` are the spans in ``Document.text`` of the chunk's sentences and list items (a table
    row: the row), the pieces an answer scores and quotes.
    """

    chunk_id: str
    document_id: str
    kind: ChunkKind
    section_path: list[str]
    text: str
    start: int
    end: int
    embedding_text: str
    lexical_text: str
    units: list[tuple[int, int]] = Field(default_factory=list)

    @property
    def section(self) -> str:
        return " > ".join(self.section_path)


# --- retrieve ---------------------------------------------------------------------------------


class Filters(BaseModel):
    """Restrict a search. ``None`` means no restriction."""

    model_config = ConfigDict(extra="forbid")

    municipality: str | None = None
    document_id: str | None = None


class Hit(BaseModel):
    """One search result. Other tools rely on exactly these fields."""

    chunk_id: str
    document_id: str
    title: str
    municipality: str | None
    section: str
    section_path: list[str]
    text: str
    score: float
    start: int
    end: int
    pages: list[int] = Field(default_factory=list, description="The pages of the source the chunk is on (PDF).")
    source_url: str | None = Field(None, description="The original on the website it was synced from, if any.")


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What the manifest of the serving index says."""

    version: str
    model: str
    dimension: int
    documents: int
    chunks: int
    vector_index: str
    corpus_hash: str
    built_at: str
    extra: dict[str, str] = field(default_factory=dict)


# --- answer -----------------------------------------------------------------------------------

Language = Literal["sv", "en"]


class ChatTurn(BaseModel):
    """One earlier turn of a conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str


class Citation(BaseModel):
    """A numbered source of an answer. ``quote`` is ``Document.text[start:end]``, verbatim;
    ``before`` and ``after`` are the rest of the sentence or table row around it (at most about 160
    characters each, empty when the quote is the whole line); ``url`` is the document viewer's page
    with the quote marked, relative to the assistant's base URL."""

    n: int
    chunk_id: str
    document_id: str
    title: str
    municipality: str | None
    section: str
    quote: str
    start: int
    end: int
    before: str = ""
    after: str = ""
    page: int | None = Field(None, description="The page of the source the quote starts on (paged formats).")
    source_url: str | None = Field(None, description="The original on the website it was synced from, if any.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return f"/documents/{quote_path(self.document_id, safe='')}?start={self.start}&end={self.end}"


class Answer(BaseModel):
    """An answer whose every ``[n]`` marker resolves to one citation, and every citation is used."""

    answer: str
    citations: list[Citation]
    abstained: bool
    mode: Literal["extractive", "llm"]
    language: Language
    warnings: list[str] = Field(default_factory=list)
