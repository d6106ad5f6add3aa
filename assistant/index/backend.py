"""The one seam between the facade and where the index lives (files or PostgreSQL).

The facade asks a backend for "the serving index" and for document changes; it never knows how
they are stored, built, published or refreshed. Both backends serve the same ``ServingIndex``
shape, so the retriever, the support scorer and the answer step are the same for both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import Protocol

import numpy as np

from assistant.access import AccessStore
from assistant.feedback import FeedbackLog
from assistant.index.layout import Manifest
from assistant.index.lexical import SwedishAnalyzer
from assistant.models import Chunk, Document, DocumentInfo
from assistant.questions import QuestionLog
from assistant.sources.store import SourceStore

Progress = Callable[[int, int], None]

# How the original files are served: the media type of each supported format.
MEDIA_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
}


class IndexState(StrEnum):
    MISSING = "missing"
    STALE = "stale"
    CURRENT = "current"


@dataclass(frozen=True, slots=True)
class Scope:
    """Which chunks a search may return: those of any of ``municipalities`` (none: any
    municipality), of ``document_id`` only if given, and never of a ``hidden`` document (outside
    the caller's access groups). Backends apply it inside their queries, so hidden documents
    neither appear nor take the place of allowed passages in the top k."""

    municipalities: tuple[str, ...] = ()
    document_id: str | None = None
    hidden: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class OriginalFile:
    """A document's file as the store keeps it: its name, its access groups as stored now, and its
    bytes, read only when ``read`` is called (knowing that a file is there costs no read of it).
    ``read`` raises ``DocumentNotFoundError`` if the file changed or went in the meantime."""

    filename: str
    access: tuple[str, ...]
    read: Callable[[], bytes]

    @property
    def media_type(self) -> str:
        """By the file name's extension; ``application/octet-stream`` for any other."""
        return MEDIA_TYPES.get(PurePath(self.filename).suffix.lower(), "application/octet-stream")

    def content_type(self, data: bytes) -> str:
        """The ``Content-Type`` of ``data`` (this file's bytes): text formats with the charset they
        are written in, UTF-8 or else Windows-1252, as the parser reads them. Cost: one decode of a
        text file."""
        if not self.media_type.startswith("text/"):
            return self.media_type
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return f"{self.media_type}; charset=windows-1252"
        return f"{self.media_type}; charset=utf-8"


class StoreView(Protocol):
    """Documents and chunks, addressed by the rows the vector and lexical searches return."""

    documents: dict[str, DocumentInfo]

    @property
    def municipalities(self) -> list[str]: ...
    def chunks(self, rows: Iterable[int]) -> dict[int, Chunk]: ...
    def chunks_of(self, document_id: str) -> list[Chunk]: ...
    def document(self, document_id: str) -> Document | None: ...
    def document_text(self, document_id: str) -> str: ...
    def header_chunk(self, document_id: str) -> tuple[int, Chunk] | None: ...


class LexicalView(Protocol):
    @property
    def analyzer(self) -> SwedishAnalyzer: ...
    def __len__(self) -> int: ...
    def document_frequency(self, term: str) -> int: ...
    def uses_term_starting(self, prefix: str) -> bool: ...


class UnitView(Protocol):
    def similarities(self, rows: Sequence[int], query: np.ndarray) -> list[np.ndarray]: ...


class ServingIndex(Protocol):
    """What a query reads: one consistent view of the documents, chunks, vectors and terms."""

    @property
    def manifest(self) -> Manifest: ...
    @property
    def store(self) -> StoreView: ...
    @property
    def lexical(self) -> LexicalView: ...
    @property
    def units(self) -> UnitView: ...
    def dense_search(self, query: np.ndarray, *, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        """The ``k`` nearest rows to the unit ``query`` vector within ``scope``, as (row, cosine)."""
        ...
    def lexical_search(self, query: str, *, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        """The ``k`` best BM25 rows for ``query`` within ``scope``, as (row, score > 0)."""
        ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class ReplicaSeen:
    """A serving process as the shared store last heard of it."""

    host: str
    pid: int
    version: str  # the index version it served when it last reported
    started_at: str
    seen_at: str


class IndexBackend(ABC):
    """Owns the index lifecycle: build, publish, refresh, document changes, crash safety.

    ``serving`` is called on every request and must be cheap; it returns the same object until
    the index changes (here or in another process), then the new one. Document changes are
    acknowledged only once ``serving`` returns an index that has them, in this process and in
    every other process over the same store.
    """

    @abstractmethod
    def state(self) -> IndexState:
        """Whether the stored index matches the corpus, the model and the settings."""

    @abstractmethod
    def ensure(self, *, progress: Progress | None = None) -> Manifest:
        """Serve the stored index, building it first if it is missing, stale or corrupt."""

    @abstractmethod
    def rebuild(self, *, progress: Progress | None = None) -> Manifest:
        """Build everything again from the documents, publish it and serve it."""

    @abstractmethod
    def serving(self) -> ServingIndex:
        """The index to answer from now; ``IndexNotReadyError`` when none exists."""

    @abstractmethod
    def add_document(self, name: str, data: bytes, document: Document) -> None:
        """Store the file ``name`` (already parsed into ``document``) and index it, replacing a
        document of the same name. All or nothing: on any error nothing is stored."""

    @abstractmethod
    def remove_document(self, document_id: str) -> bool:
        """Remove a document from the store and the index; ``False`` if there is none."""

    @abstractmethod
    def apply_changes(self, *, put: Sequence[tuple[str, bytes, Document]], remove: Sequence[str]) -> None:
        """Store and index each ``(file name, bytes, parsed document)`` of ``put`` (replacing a
        document of the same name or id; the document's ``access`` and ``source_url`` are kept with
        the file) and remove the documents whose ids are in ``remove`` (unknown ids are ignored),
        as one change: every process serves all of it or none of it, and on any error nothing is
        stored. Cost: one index update (an append or a rebuild from the caches on files, one
        transaction on PostgreSQL) plus the embedding of what is new."""

    @abstractmethod
    def questions(self) -> QuestionLog:
        """Questions staff asked that were not answered (when the settings keep them), beside the documents."""

    @abstractmethod
    def sources(self) -> SourceStore:
        """Configured sources (folders, websites) and their sync state, beside the documents."""

    @abstractmethod
    def original(self, document_id: str) -> OriginalFile | None:
        """The file document ``document_id`` was parsed from, or ``None`` when the store has none.
        Access is the caller's to check (the facade does, against the serving index and against
        ``OriginalFile.access``). Cost: a folder listing or a primary-key read, no file read."""

    @abstractmethod
    def feedback(self) -> FeedbackLog:
        """Where answer ratings persist, beside the documents."""

    @abstractmethod
    def access(self) -> AccessStore:
        """Managed API keys and the audit trail, in the store that holds the documents."""

    def replicas(self) -> list[ReplicaSeen]:
        """The processes serving from this store lately and the index version each serves (a
        shared store: PostgreSQL); empty where each process keeps its own view (files)."""
        return []

    @abstractmethod
    def close(self) -> None:
        """Release connections and files."""
