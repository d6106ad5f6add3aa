"""Ingest into PostgreSQL: files parsed, chunked and embedded outside the database, then written in
one transaction that bumps ``assistant_state.generation``.

A full replacement (the first ingest, a rebuild) makes the analyzer's lexicon from every document
and is refused if a document changed meanwhile; ``retrying`` starts it again. A partial one (a
corpus sync of what changed) analyzes with the stored analyzer, as an upload is. The callers
(``PostgresBackend``) hold the ingest advisory lock; every transaction here takes the write lock.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

import numpy as np
import psycopg
from psycopg_pool import ConnectionPool

from assistant.chunk import Chunker
from assistant.corpus import access_path, origin_path, supported_files
from assistant.errors import IndexNotReadyError
from assistant.index.backend import Progress
from assistant.index.build import IndexBuilder, SkippedFile, file_digest, parse_files
from assistant.index.embedding_cache import EmbeddingCache
from assistant.index.lexical import SwedishAnalyzer
from assistant.index.postgres.bulk import copy_documents, deferred_indexes
from assistant.index.postgres.schema import WRITE_LOCK
from assistant.index.postgres.writes import (
    DocumentRows,
    SourceFile,
    average_length,
    bump_generation,
    delete_documents,
    digest_of,
    insert_documents,
    term_counts,
)
from assistant.index.recipe import IndexRecipe
from assistant.models import Chunk, Document
from assistant.parse import document_id_for

logger = logging.getLogger(__name__)


_ATTEMPTS = 3


class _Changed(Exception):
    """Documents changed while a full ingest was being prepared."""


class PostgresIngest:
    """Parses, chunks, embeds and writes documents for one ``PostgresBackend``.

    ``stored_analyzer`` gives the analyzer partial ingests and uploads use (the serving one, or
    the database's). Holds no connection between calls; thread-safe as the pool is.
    """

    def __init__(self, *, pool: ConnectionPool, recipe: IndexRecipe, corpus_dir: Path, cache_dir: Path | None,
                 chunker: Chunker, stored_analyzer: Callable[[], SwedishAnalyzer]) -> None:
        self.pool = pool
        self.recipe = recipe
        self.corpus_dir = corpus_dir
        self.cache_dir = cache_dir
        self._chunker = chunker
        self._stored_analyzer = stored_analyzer

    def corpus_changes(self) -> tuple[list[Path], list[str]]:
        """The shipped files new or changed since the last sync (not deleted through the API nor
        replaced by an upload of the same name), and the synced ones that left the folder.
        Cost: two small queries and a hash of every shipped file."""
        with self.pool.connection() as connection:
            known = {name: (digest, removed) for name, digest, removed in
                     connection.execute("SELECT name, digest, removed FROM corpus_files")}
            uploaded = {r[0] for r in connection.execute("SELECT filename FROM documents WHERE source = 'upload'")}
        files = supported_files(self.corpus_dir)
        changed = []
        for path in files:
            digest, removed = known.get(path.name, ("", False))
            if path.name not in uploaded and not removed and digest != file_digest(path):
                changed.append(path)
        names = {path.name for path in files}
        gone = [name for name, (_, removed) in known.items() if not removed and name not in names]
        return changed, gone

    def sync_corpus(self, *, first: bool, progress: Progress | None) -> None:
        """Ingest shipped files that are new or changed since the last sync, and drop shipped
        documents whose file left the folder. Called under the write lock."""
        changed, gone = self.corpus_changes()
        if changed or gone:
            self._ingest([SourceFile.shipped(p) for p in changed], replace_all=first, drop=gone, progress=progress)

    def rebuild_locked(self, *, progress: Progress | None) -> None:
        """Parse every stored original again and replace everything in one transaction."""
        with self.pool.connection() as connection:
            stored = [SourceFile(name, bytes(data), source, tuple(access or ()), origin=origin)
                      for name, data, source, access, origin in connection.execute(
                          "SELECT filename, original, source, info->'access', info->>'source_url' FROM documents")]
            removed = {r[0] for r in connection.execute("SELECT name FROM corpus_files WHERE removed")}
        names = {s.name for s in stored}
        # A shipped document takes its access from the folder's sidecar as it is now.
        stored = [SourceFile.shipped(self.corpus_dir / s.name) if s.source == "corpus"
                  and (self.corpus_dir / s.name).is_file() else s for s in stored]
        shipped = [SourceFile.shipped(p) for p in supported_files(self.corpus_dir)
                   if p.name not in names and p.name not in removed]
        self._ingest([*stored, *shipped], replace_all=True, drop=[], progress=progress)

    def retrying(self, step: Callable[[], None]) -> None:
        """Run ``step`` (a sync or rebuild), again when a full ingest finds documents changed
        meanwhile, ``_ATTEMPTS`` times at most; the last attempt's failure propagates."""
        for _ in range(_ATTEMPTS - 1):
            try:
                return step()
            except _Changed:
                logger.info("documents changed during a full ingest: starting it again")
        return step()

    def _ingest(self, sources: Sequence[SourceFile], *, replace_all: bool, drop: Sequence[str],
                progress: Progress | None) -> None:
        """Parse, chunk and embed ``sources``, then write them in one transaction. A full
        replacement is refused (``_Changed``) if a document changed meanwhile: the caller starts
        again, so an upload acknowledged during a rebuild is never overwritten or resurrected."""
        with self.pool.connection() as connection:
            started_at = connection.execute("SELECT generation FROM assistant_state WHERE id = 1").fetchone()[0]
        parsed, skipped = self.parse(sources)
        if replace_all and not parsed:
            raise IndexNotReadyError(f"no readable documents in the corpus folder ({len(skipped)} skipped)")
        documents = [document for _, document in parsed]
        chunks_by_document = [self._chunker.chunk(document) for document in documents]
        analyzer = (SwedishAnalyzer.from_texts(
            [c.text for chunks in chunks_by_document for c in chunks],
            extra_words=self.recipe.glossary.lexicon_forms)
            if replace_all else self._stored_analyzer())
        rows = self.rows(documents, analyzer=analyzer, chunks=chunks_by_document, progress=progress)
        with self.pool.connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            now = connection.execute("SELECT generation FROM assistant_state WHERE id = 1").fetchone()[0]
            if replace_all and now != started_at:
                raise _Changed
            if replace_all:
                _replace_everything(connection, parsed, rows)
            else:
                for name in drop:
                    delete_documents(connection, "filename = %s AND source = 'corpus'", (name,))
                    connection.execute("DELETE FROM corpus_files WHERE name = %s", (name,))
                names = [source.name for source, _ in parsed]
                delete_documents(connection, "filename = ANY(%s) OR id = ANY(%s)", (names, [d.id for d in documents]))
                insert_documents(connection, parsed, rows)
            connection.cursor().executemany(
                "INSERT INTO corpus_files (name, digest) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE "
                "SET digest = excluded.digest, removed = false",
                [(s.name, s.digest or digest_of(s.data)) for s in sources if s.source == "corpus"])
            e = self.recipe.embedder
            connection.execute(
                "UPDATE assistant_state SET config_hash = %s, model = %s, dimension = %s, skipped = %s"
                + (", analyzer = %s" if replace_all else "") + " WHERE id = 1",
                (self.recipe.config_hash, e.model_id, e.dimension,
                 json.dumps([{"name": s.name, "reason": s.reason} for s in skipped], ensure_ascii=False),
                 *([json.dumps(analyzer.to_json(), ensure_ascii=False)] if replace_all else [])))
            bump_generation(connection)
        if replace_all:
            _settle(self.pool)
        logger.info("ingested %d documents (%d skipped) into PostgreSQL", len(parsed), len(skipped))

    def parse(self, sources: Sequence[SourceFile]) -> tuple[list[tuple[SourceFile, Document]], list[SkippedFile]]:
        """Each file parsed in an isolated worker, as the file backend does."""
        with tempfile.TemporaryDirectory(prefix="assistant-ingest-") as folder:
            paths = []
            for source in sources:
                path = Path(folder) / source.name
                path.write_bytes(source.data)
                if source.access:
                    access_path(path).write_text(",".join(source.access), encoding="utf-8")
                if source.origin:  # read back into the document's ``source_url`` by the parse
                    origin_path(path).write_text(source.origin, encoding="utf-8")
                paths.append(path)
            parsed = parse_files(paths, limits=self.recipe.parse_limits)
        by_id = {document.id: document for document in parsed.documents}
        pairs = [(s, by_id[document_id_for(p)]) for s, p in zip(sources, paths, strict=True)
                 if document_id_for(p) in by_id]
        return pairs, parsed.skipped

    def rows(self, documents: Sequence[Document], *, analyzer: SwedishAnalyzer,
              chunks: Sequence[list[Chunk]] | None = None, progress: Progress | None = None) -> list[DocumentRows]:
        """Chunks, vectors, unit vectors and term counts of each document. Cost: the embedding."""
        chunks = chunks if chunks is not None else [self._chunker.chunk(d) for d in documents]
        flat = [c for per_document in chunks for c in per_document]
        if not flat:
            return [DocumentRows([], np.zeros((0, 1)), []) for _ in documents]
        with self._embedding() as builder:
            vectors, units = builder.embed_chunks(list(documents), flat, progress=progress)
        out, at, unit_at = [], 0, 0
        for per_document in chunks:
            unit_blobs = []
            for chunk in per_document:
                count = len(chunk.units)
                unit_blobs.append(units[unit_at:unit_at + count].astype(np.float16).tobytes())
                unit_at += count
            out.append(DocumentRows(per_document, vectors[at:at + len(per_document)], unit_blobs,
                             [term_counts(analyzer, c.lexical_text) for c in per_document]))
            at += len(per_document)
        return out

    @contextmanager
    def _embedding(self) -> Iterator[IndexBuilder]:
        """A builder that embeds through the local cache, if there is one, for one ingest."""
        r = self.recipe
        cache = (EmbeddingCache(self.cache_dir / "embeddings.sqlite", model_id=r.embedder.model_id,
                                dimension=r.embedder.dimension) if self.cache_dir is not None else None)
        try:
            yield IndexBuilder(embedder=r.embedder, chunker=self._chunker, glossary=r.glossary,
                               config_hash=r.config_hash, hnsw_threshold=r.hnsw_threshold, hnsw_m=r.hnsw_m,
                               batch_size=r.batch_size, cache=cache, parse_limits=r.parse_limits,
                               unit_vectors=r.unit_vectors)
        finally:
            if cache is not None:
                cache.close()


def _replace_everything(connection: psycopg.Connection, parsed: Sequence[tuple[SourceFile, Document]],
                        rows: Sequence[DocumentRows]) -> None:
    """Delete every document and write ``parsed`` by COPY (inside the caller's transaction). Into
    an empty database the chunks' and postings' indexes are built once after the copy; over a
    serving one they stay, so readers keep the old snapshot until the commit instead of waiting on
    the tables' locks."""
    empty = not connection.execute("SELECT EXISTS (SELECT 1 FROM chunks)").fetchone()[0]
    delete_documents(connection, "true", ())
    connection.execute("DELETE FROM corpus_files WHERE NOT removed")
    with deferred_indexes(connection) if empty else nullcontext():
        copy_documents(connection, parsed, rows, average_length=average_length(rows))
    # The planner's statistics of the new tables (autovacuum would take them only after the
    # commit, and meanwhile plans a filtered search as for the old or empty tables).
    connection.execute("ANALYZE documents, chunks, chunk_terms, term_stats")


def _settle(pool: ConnectionPool) -> None:
    """Vacuum the tables a full replacement rewrote, once it has committed: the postings are read
    by index-only scans, which skip the table only for pages the visibility map marks all-visible;
    until a vacuum marks them, every posting read also reads its row (a BM25 query over 7M
    postings several times slower), and autovacuum would get to it only later, meanwhile taking a
    core. Cost: one pass over the tables (tens of seconds at 100k chunks); outside the
    transaction, so readers already see the new generation."""
    with pool.connection() as connection:  # autocommit: VACUUM cannot run in a transaction
        connection.execute("VACUUM (ANALYZE) chunks, chunk_terms, term_stats, documents")
