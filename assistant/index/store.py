"""The chunk store: documents and chunks in SQLite, addressed by the row numbers the vector and
lexical indexes return.

Written once per index version, then opened read-only. Each thread gets its own connection
(SQLite connections are not shared across threads); reads are by primary key.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.models import Chunk, Document, DocumentInfo, Section

_FILE = "chunks.sqlite"
# Document ids bound in one `IN (...)` query: well under SQLite's variable limit (999 before 3.32).
_IDS_PER_QUERY = 500
_SCHEMA = """
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    municipality TEXT,
    info TEXT NOT NULL,       -- DocumentInfo as JSON
    sections TEXT NOT NULL,   -- list of Section as JSON
    text TEXT NOT NULL
);
CREATE TABLE chunks (
    row INTEGER PRIMARY KEY,  -- the row in the vector and lexical indexes
    chunk_id TEXT NOT NULL UNIQUE,
    document_id TEXT NOT NULL REFERENCES documents(id),
    kind TEXT NOT NULL,
    section_path TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    embedding_text TEXT NOT NULL,
    lexical_text TEXT NOT NULL,
    units TEXT NOT NULL       -- the chunk's unit spans as JSON [[start, end], ...]
);
CREATE INDEX chunks_document ON chunks(document_id);
"""


def write_store(directory: Path, documents: Sequence[Document], chunks: Sequence[Chunk]) -> None:
    """Create the store for one index version; chunk ``i`` gets row ``i``. Cost: one transaction."""
    _insert(directory / _FILE, documents, chunks, first_row=0, schema=_SCHEMA)


def append_store(directory: Path, base: Path, documents: Sequence[Document], chunks: Sequence[Chunk]) -> None:
    """Create the store for a version that is ``base``'s store plus ``documents``, whose ``chunks``
    take the rows after the base's last. ``base`` is only read. Cost: a file copy and one transaction."""
    shutil.copyfile(base / _FILE, directory / _FILE)
    connection = sqlite3.connect(directory / _FILE)
    try:
        first_row = connection.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    finally:
        connection.close()
    _insert(directory / _FILE, documents, chunks, first_row=first_row, schema="")


def _insert(path: Path, documents: Sequence[Document], chunks: Sequence[Chunk], *, first_row: int,
            schema: str) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            if schema:
                connection.executescript(schema)
            connection.executemany(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
                [(d.id, d.municipality, d.info().model_dump_json(),
                  json.dumps([s.model_dump() for s in d.sections], ensure_ascii=False), d.text)
                 for d in documents],
            )
            connection.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(row, c.chunk_id, c.document_id, c.kind, json.dumps(c.section_path, ensure_ascii=False),
                  c.text, c.start, c.end, c.embedding_text, c.lexical_text, json.dumps(c.units))
                 for row, c in enumerate(chunks, start=first_row)],
            )
    finally:
        connection.close()


class ChunkStore:
    """Read access to one index version's documents and chunks."""

    def __init__(self, directory: Path) -> None:
        self._path = directory / _FILE
        if not self._path.is_file():
            raise FileNotFoundError(_FILE)
        self._local = threading.local()
        self.documents: dict[str, DocumentInfo] = {
            row[0]: DocumentInfo.model_validate_json(row[1])
            for row in self._connection().execute("SELECT id, info FROM documents ORDER BY id")
        }
        self.chunk_count: int = self._connection().execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        # Read by every unfiltered query (municipality steering): one pass over 36k documents costs
        # ~6 ms, so it is made once here; the documents of a version never change.
        by_municipality: dict[str, list[str]] = {}
        for document in self.documents.values():
            if document.municipality:
                by_municipality.setdefault(document.municipality, []).append(document.id)
        self._documents_in: dict[str, tuple[str, ...]] = {m: tuple(ids) for m, ids in by_municipality.items()}
        self._municipalities: tuple[str, ...] = tuple(sorted(self._documents_in))

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, check_same_thread=False)
            self._local.connection = connection
        return connection

    @property
    def municipalities(self) -> list[str]:
        """The municipalities of the documents, sorted. Cost: a copy of a list made at opening."""
        return list(self._municipalities)

    def chunks(self, rows: Iterable[int]) -> dict[int, Chunk]:
        """Chunks by row. Cost: one indexed query."""
        rows = list(rows)
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        cursor = self._connection().execute(
            "SELECT row, chunk_id, document_id, kind, section_path, text, start, \"end\", embedding_text, "
            f"lexical_text, units FROM chunks WHERE row IN ({marks})", rows)
        return {
            row: Chunk(chunk_id=chunk_id, document_id=document_id, kind=kind, section_path=json.loads(path),
                       text=text, start=start, end=end, embedding_text=embedding_text, lexical_text=lexical_text,
                       units=[tuple(span) for span in json.loads(units)])
            for row, chunk_id, document_id, kind, path, text, start, end, embedding_text, lexical_text, units
            in cursor
        }

    def chunks_of(self, document_id: str) -> list[Chunk]:
        """A document's chunks in reading order (header first)."""
        rows = [r[0] for r in self._connection().execute(
            "SELECT row FROM chunks WHERE document_id = ? ORDER BY row", (document_id,))]
        found = self.chunks(rows)
        return [found[row] for row in rows]

    def all_chunks(self) -> list[Chunk]:
        return list(self.chunks(range(self.chunk_count)).values())

    def document(self, document_id: str) -> Document | None:
        """The full document (metadata, sections, text), or ``None``."""
        row = self._connection().execute(
            "SELECT info, sections, text FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            return None
        info = json.loads(row[0])
        sections = [Section.model_validate(s) for s in json.loads(row[1])]
        return Document(**info, text=row[2], sections=sections, blocks=[])

    @lru_cache(maxsize=256)  # noqa: B019 - one store per index version; documents repeat
    def document_text(self, document_id: str) -> str:
        """A document's full text (quotes are cut from it). Cost: one read, then cached."""
        row = self._connection().execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
        return row[0] if row else ""

    def header_chunk(self, document_id: str) -> tuple[int, Chunk] | None:
        """The document's header chunk and its row."""
        row = self._connection().execute(
            "SELECT row FROM chunks WHERE document_id = ? AND kind = 'header' LIMIT 1", (document_id,)).fetchone()
        if row is None:
            return None
        return row[0], self.chunks([row[0]])[row[0]]

    @lru_cache(maxsize=1024)  # noqa: B019 - one store per index version; filters repeat
    def rows_for(self, *, municipality: str | None = None, document_id: str | None = None) -> np.ndarray:
        """Sorted rows of the chunks matching the filter (both given: both must hold).

        Cost: indexed look-ups of the matching documents' chunks (``chunks_document``), once per
        filter. The documents of a municipality come from memory: selecting them in SQL scans the
        whole documents table (~25 ms at 36k documents, paid by the first question naming it).
        """
        if municipality is None and document_id is None:
            rows = self._connection().execute("SELECT row FROM chunks ORDER BY row")
            return np.fromiter((r[0] for r in rows), dtype=np.int64)
        documents = self._documents_in.get(municipality, ()) if municipality is not None else (document_id,)
        if municipality is not None and document_id is not None:
            documents = tuple(d for d in documents if d == document_id)
        return self._rows_of(documents)

    @lru_cache(maxsize=64)  # noqa: B019 - one store per index version; a viewer's hidden set repeats
    def rows_of_documents(self, document_ids: frozenset[str]) -> np.ndarray:
        """Sorted rows of the chunks of ``document_ids`` (e.g. the documents hidden from a viewer).
        Cost: indexed look-ups once per set; a frozenset keeps its hash, so a hit costs an equality test."""
        return self._rows_of(sorted(document_ids))

    def _rows_of(self, documents: Sequence[str]) -> np.ndarray:
        found: list[int] = []
        for start in range(0, len(documents), _IDS_PER_QUERY):
            batch = documents[start:start + _IDS_PER_QUERY]
            found.extend(r[0] for r in self._connection().execute(
                f"SELECT row FROM chunks WHERE document_id IN ({','.join('?' * len(batch))})", batch))
        return np.sort(np.fromiter(found, dtype=np.int64, count=len(found)))

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
