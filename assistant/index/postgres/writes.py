"""Row-at-a-time writes of documents, chunks and BM25 postings, inside a caller's transaction:
what an upload, a deletion or a source sync's batch writes (``bulk`` holds the COPY path of a
full replacement)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psycopg

from assistant.corpus import access_of, origin_of
from assistant.index.build import file_digest
from assistant.index.lexical import SwedishAnalyzer
from assistant.index.postgres.search import _B, _K1
from assistant.models import Chunk, Document


@dataclass(frozen=True)
class SourceFile:
    """A file to store: its bytes, where it came from and who may read it."""

    name: str
    data: bytes
    source: str  # "corpus" or "upload"
    access: tuple[str, ...] = ()
    digest: str = ""  # of the shipped file and its sidecars, as ``corpus_files`` keeps it
    origin: str | None = None  # the URL it was fetched from (the document's ``source_url``)

    @classmethod
    def shipped(cls, path: Path) -> SourceFile:
        return cls(path.name, path.read_bytes(), "corpus", tuple(access_of(path)), file_digest(path),
                   origin_of(path))

    @classmethod
    def upload(cls, name: str, data: bytes, document: Document) -> SourceFile:
        """A file received through the API or a source sync, with the parsed document's groups and URL."""
        return cls(name, data, "upload", tuple(document.access), origin=document.source_url)


@dataclass(frozen=True)
class DocumentRows:
    """One document's chunks with what is stored beside each: vector, unit vectors, term counts."""

    chunks: list[Chunk]
    vectors: np.ndarray
    unit_vectors: list[bytes]
    terms: list[Counter[str]] = field(default_factory=list)


def term_counts(analyzer: SwedishAnalyzer, text: str) -> Counter[str]:
    return Counter(analyzer.terms(text))


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def insert_documents(connection: psycopg.Connection, parsed: Sequence[tuple[SourceFile, Document]],
            rows: Sequence[DocumentRows]) -> None:
    """Insert documents with their chunks, vectors and postings (inside the caller's transaction)."""
    for (source, document), made in zip(parsed, rows, strict=True):
        info = document.info()
        connection.execute(
            "INSERT INTO documents (id, filename, source, original, digest, municipality, info, sections, text) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (document.id, source.name, source.source, source.data, digest_of(source.data), document.municipality,
             info.model_dump_json(), json.dumps([s.model_dump() for s in document.sections], ensure_ascii=False),
             document.text))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO chunks (chunk_id, document_id, municipality, position, kind, section_path, text, "
                "start_offset, end_offset, embedding_text, lexical_text, units, term_count, embedding, unit_vectors) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(c.chunk_id, c.document_id, document.municipality, position, c.kind,
                  json.dumps(c.section_path, ensure_ascii=False), c.text, c.start, c.end, c.embedding_text,
                  c.lexical_text, json.dumps(c.units), sum(terms.values()), np.asarray(vector, dtype=np.float32),
                  blob)
                 for position, (c, vector, blob, terms) in enumerate(
                     zip(made.chunks, made.vectors, made.unit_vectors, made.terms, strict=True))])
        ids = [c.chunk_id for c, terms in zip(made.chunks, made.terms, strict=True) for _ in terms]
        words = [t for terms in made.terms for t in terms]
        counts = [n for terms in made.terms for n in terms.values()]
        # A posting's impact uses the average length as it is now (this batch's own, in an empty
        # index): it only orders a term's postings; scores use the current average.
        connection.execute(
            "INSERT INTO chunk_terms (term, chunk_row, tf, term_count, municipality, impact) "
            "SELECT t.term, c.chunk_row, t.tf, c.term_count, c.municipality, "
            "       t.tf / (t.tf + %s * (1 - %s + %s * c.term_count / "
            "       coalesce((SELECT term_total::float8 / nullif(chunk_count, 0) FROM assistant_state "
            "                 WHERE term_total > 0), %s))) "
            "FROM unnest(%s::text[], %s::text[], %s::int[]) AS t (chunk_id, term, tf) JOIN chunks c USING (chunk_id)",
            (_K1, _B, _B, average_length(rows), ids, words, counts))
        connection.execute(
            "INSERT INTO term_stats (term, df) SELECT term, count(*) FROM unnest(%s::text[]) AS term GROUP BY term "
            "ON CONFLICT (term) DO UPDATE SET df = term_stats.df + excluded.df", (words,))


def average_length(rows: Sequence[DocumentRows]) -> float:
    lengths = [sum(terms.values()) for made in rows for terms in made.terms]
    return max(1.0, sum(lengths) / len(lengths)) if lengths else 1.0


def delete_documents(connection: psycopg.Connection, condition: str, params: Sequence[object]) -> list[tuple[str, str]]:
    """Delete the documents matching ``condition`` (with their chunks and postings) and take their
    postings out of the document frequencies; their (filename, source). Inside the caller's
    transaction."""
    if condition == "true":  # everything: nothing to subtract
        found = connection.execute("DELETE FROM documents RETURNING filename, source").fetchall()
        connection.execute("DELETE FROM term_stats")
        return [(filename, source) for filename, source in found]
    emptied = [term for term, df in connection.execute(
        f"WITH gone AS (SELECT t.term, count(*) AS n FROM chunk_terms t JOIN chunks c USING (chunk_row) "
        f"JOIN documents d ON d.id = c.document_id WHERE {condition} GROUP BY t.term) "
        "UPDATE term_stats s SET df = s.df - gone.n FROM gone WHERE s.term = gone.term RETURNING s.term, s.df",
        params) if df <= 0]
    if emptied:  # terms no document has any more
        connection.execute("DELETE FROM term_stats WHERE term = ANY(%s)", (emptied,))
    found = connection.execute(f"DELETE FROM documents d WHERE {condition} RETURNING filename, source",
                               params).fetchall()
    return [(filename, source) for filename, source in found]


def bump_generation(connection: psycopg.Connection) -> None:
    """A new generation, with BM25's statistics recounted (inside the caller's transaction)."""
    connection.execute(
        "UPDATE assistant_state SET generation = generation + 1, updated_at = now(), "
        "chunk_count = (SELECT count(*) FROM chunks), "
        "term_total = (SELECT coalesce(sum(term_count), 0) FROM chunks) WHERE id = 1")
