"""A full replacement's writes: every document, chunk and BM25 posting streamed with ``COPY``
instead of a statement per row, inside the caller's transaction.

On an empty database (the first load of a collection) the secondary indexes of ``chunks`` and
``chunk_terms`` (HNSW, the covered vectors, the postings' orderings, their key and foreign key)
are dropped first and built once after the copy, sorted in bulk, instead of being updated a row
at a time: at 99k chunks and millions of postings that is the difference between hours and
minutes. Nothing is visible to a reader before the commit, so a crash leaves the database as it
was (empty), and no reader waits on the tables' locks because there is nothing to serve yet.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import psycopg
from psycopg import sql

from assistant.index.postgres.search import _B, _K1
from assistant.index.postgres.writes import DocumentRows, SourceFile, digest_of
from assistant.models import Document

logger = logging.getLogger(__name__)

# The memory one index build may sort in (PostgreSQL's default is 64 MB): an HNSW graph of 100k
# vectors of 384 dimensions (~250 MB) is built in memory instead of on disk, and the postings'
# B-trees sort in a few passes. Set for the transaction only.
BUILD_MEMORY = "1GB"
_POSTINGS_PER_WRITE = 50_000
# COPY's text format: a backslash, tab, newline or carriage return in a value is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_documents(connection: psycopg.Connection, parsed: Sequence[tuple[SourceFile, Document]],
                   rows: Sequence[DocumentRows], *, average_length: float) -> None:
    """Write ``parsed`` with their chunks, vectors, postings and document frequencies into tables
    that hold none of them (the caller deleted everything in the same transaction). Postings'
    impacts use ``average_length``, the new collection's own. Cost: one pass over the rows in
    Python (a few µs a posting) and the server's parsing of the stream."""
    first_row = _reserve_chunk_rows(connection, sum(len(made.chunks) for made in rows))
    _copy_documents(connection, parsed)
    chunk_rows = _copy_chunks(connection, parsed, rows, first_row=first_row)
    frequencies = _copy_postings(connection, parsed, rows, chunk_rows=chunk_rows, average_length=average_length)
    with connection.cursor() as cursor, cursor.copy("COPY term_stats (term, df) FROM STDIN") as copy:
        for term, df in frequencies.items():
            copy.write_row((term, df))


@contextmanager
def deferred_indexes(connection: psycopg.Connection) -> Iterator[None]:
    """Drop the secondary indexes of ``chunks`` and ``chunk_terms`` and the postings' key and
    foreign key, run the body, then create each again from its own definition (as the catalog
    held it, so a migration's or a model's index comes back as it was). Only for tables no
    reader needs meanwhile: the drop locks them until the commit. Cost: the index builds, each a
    sort of the whole table (minutes for HNSW at 100k vectors on 2 cores)."""
    constraints = connection.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'chunk_terms'::regclass AND contype IN ('p', 'f') ORDER BY contype DESC").fetchall()
    indexes = connection.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
        "WHERE indrelid IN ('chunks'::regclass, 'chunk_terms'::regclass) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)").fetchall()
    for name, _ in reversed(constraints):  # the foreign key before the key
        connection.execute(sql.SQL("ALTER TABLE chunk_terms DROP CONSTRAINT {}").format(sql.Identifier(name)))
    for name, _ in indexes:
        connection.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
    yield
    connection.execute(sql.SQL("SET LOCAL maintenance_work_mem = {}").format(sql.Literal(BUILD_MEMORY)))
    for name, definition in constraints:
        _timed(connection, sql.SQL("ALTER TABLE chunk_terms ADD CONSTRAINT {} {}").format(
            sql.Identifier(name), sql.SQL(definition)), name)
    for name, definition in indexes:
        _timed(connection, sql.SQL(definition), name)


def _timed(connection: psycopg.Connection, statement: sql.Composable, name: str) -> None:
    began = time.perf_counter()
    connection.execute(statement)
    logger.info("built %s in %.1f s", name, time.perf_counter() - began)


def _reserve_chunk_rows(connection: psycopg.Connection, count: int) -> int:
    """The first of ``count`` consecutive chunk row ids taken from the table's identity sequence
    (so a later row-at-a-time insert continues after them). Under the caller's write lock."""
    if count == 0:
        return 1
    first = connection.execute("SELECT nextval(pg_get_serial_sequence('chunks', 'chunk_row'))").fetchone()[0]
    connection.execute("SELECT setval(pg_get_serial_sequence('chunks', 'chunk_row'), %s)", (first + count - 1,))
    return int(first)


def _copy_documents(connection: psycopg.Connection, parsed: Sequence[tuple[SourceFile, Document]]) -> None:
    with connection.cursor() as cursor, cursor.copy(
            "COPY documents (id, filename, source, original, digest, municipality, info, sections, text) "
            "FROM STDIN") as copy:
        for source, document in parsed:
            copy.write_row((document.id, source.name, source.source, source.data, digest_of(source.data),
                            document.municipality, document.info().model_dump_json(),
                            _json([s.model_dump() for s in document.sections]), document.text))


def _copy_chunks(connection: psycopg.Connection, parsed: Sequence[tuple[SourceFile, Document]],
                 rows: Sequence[DocumentRows], *, first_row: int) -> list[list[int]]:
    """COPY every chunk with its reserved row id; those ids, per document."""
    ids: list[list[int]] = []
    row = first_row
    with connection.cursor() as cursor, cursor.copy(
            "COPY chunks (chunk_row, chunk_id, document_id, municipality, position, kind, section_path, text, "
            "start_offset, end_offset, embedding_text, lexical_text, units, term_count, embedding, unit_vectors) "
            "FROM STDIN") as copy:
        for (_, document), made in zip(parsed, rows, strict=True):
            ids.append(list(range(row, row + len(made.chunks))))
            for position, (c, vector, blob, terms) in enumerate(
                    zip(made.chunks, made.vectors, made.unit_vectors, made.terms, strict=True)):
                copy.write_row((row, c.chunk_id, c.document_id, document.municipality, position, c.kind,
                                _json(c.section_path), c.text, c.start, c.end, c.embedding_text, c.lexical_text,
                                _json(c.units), sum(terms.values()), np.asarray(vector, dtype=np.float32), blob))
                row += 1
    return ids


def _copy_postings(connection: psycopg.Connection, parsed: Sequence[tuple[SourceFile, Document]],
                   rows: Sequence[DocumentRows], *, chunk_rows: Sequence[Sequence[int]],
                   average_length: float) -> Counter[str]:
    """COPY every chunk's postings with their BM25 impact (as ``insert_documents`` computes it),
    written as text blocks: millions of rows, so no per-row call. The document frequencies."""
    frequencies: Counter[str] = Counter()
    lines: list[str] = []
    with connection.cursor() as cursor, cursor.copy(
            "COPY chunk_terms (term, chunk_row, tf, term_count, municipality, impact) FROM STDIN") as copy:
        for (_, document), made, ids in zip(parsed, rows, chunk_rows, strict=True):
            municipality = "\\N" if document.municipality is None else document.municipality.translate(_COPY_ESCAPES)
            for row, terms in zip(ids, made.terms, strict=True):
                length = sum(terms.values())
                norm = _K1 * (1 - _B + _B * length / average_length)
                frequencies.update(terms.keys())
                lines.extend(f"{term.translate(_COPY_ESCAPES)}\t{row}\t{tf}\t{length}\t{municipality}\t"
                             f"{tf / (tf + norm)!r}\n" for term, tf in terms.items())
            if len(lines) >= _POSTINGS_PER_WRITE:
                copy.write("".join(lines))
                lines.clear()
        if lines:
            copy.write("".join(lines))
    return frequencies


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
