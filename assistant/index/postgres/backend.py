"""The PostgreSQL backend: documents (with their original files), chunks, embeddings (pgvector,
HNSW), BM25 postings and feedback in one database that any number of replicas share.

- Start: migrations, then the shipped corpus folder is synced once under an advisory lock (a
  replica starting at the same moment waits, then finds nothing left to do and serves).
- A change (upload, replacement, deletion, or a source sync's batch of them) is parsed, chunked
  and embedded outside the database, then written in one transaction that also bumps
  ``assistant_state.generation``. Every replica compares the generation on each request (one
  primary-key read), so once the transaction has committed every replica serves the change; a
  replica killed before the commit leaves nothing.
- The analyzer's lexicon is made from the shipped corpus at the first ingest and kept in the
  database; later documents are analyzed with it (as the file backend's appends are), and a
  rebuild makes it again from every document.

Ingest (parsing, chunking, embedding and the full or partial write) is ``PostgresIngest``, in
``ingest.py``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg
from pgvector.psycopg import register_vector
from psycopg_pool import ConnectionPool

from assistant.chunk import Chunker
from assistant.errors import DocumentNotFoundError, IndexNotReadyError
from assistant.index.backend import IndexBackend, IndexState, OriginalFile, Progress, ReplicaSeen
from assistant.index.build import SkippedFile
from assistant.index.layout import Manifest
from assistant.index.lexical import SwedishAnalyzer
from assistant.index.postgres.access import PostgresAccess
from assistant.index.postgres.feedback import PostgresFeedback
from assistant.index.postgres.ingest import PostgresIngest
from assistant.index.postgres.questions import PostgresQuestionLog
from assistant.index.postgres.replicas import PostgresReplicas
from assistant.index.postgres.schema import INGEST_LOCK, WRITE_LOCK, ensure_vector_index, migrate
from assistant.index.postgres.search import PostgresIndex, documents_of
from assistant.index.postgres.sources import PostgresSourceStore
from assistant.index.postgres.writes import (
    DocumentRows,
    SourceFile,
    bump_generation,
    delete_documents,
    insert_documents,
)
from assistant.index.recipe import IndexRecipe
from assistant.models import Chunk, Document

logger = logging.getLogger(__name__)


class PostgresBackend(IndexBackend):
    """See the module docstring. Thread-safe; one pool of connections per process."""

    def __init__(self, *, pool: ConnectionPool, recipe: IndexRecipe, corpus_dir: Path,
                 cache_dir: Path | None = None, ef_search: int = 128) -> None:
        self.pool = pool
        self.ef_search = ef_search
        self.recipe = recipe
        self.corpus_dir = corpus_dir
        self.cache_dir = cache_dir  # a local embedding cache (only a cache: replicas need no disk)
        self._serving: PostgresIndex | None = None
        self._swap_lock = threading.Lock()
        self._chunker = Chunker(count_tokens=recipe.embedder.count_tokens, max_tokens=recipe.chunk_max_tokens,
                                overlap_tokens=recipe.chunk_overlap_tokens, glossary=recipe.glossary)
        self._feedback = PostgresFeedback(pool)
        self._access = PostgresAccess(pool)
        self._sources = PostgresSourceStore(pool)
        self._questions = PostgresQuestionLog(pool)
        self._replicas = PostgresReplicas(pool)
        self._ingest = PostgresIngest(pool=pool, recipe=recipe, corpus_dir=corpus_dir, cache_dir=cache_dir,
                                      chunker=self._chunker, stored_analyzer=self._analyzer)

    @classmethod
    def connect(cls, url: str, *, recipe: IndexRecipe, corpus_dir: Path, pool_size: int = 8,
                cache_dir: Path | None = None, ef_search: int = 128) -> PostgresBackend:
        """Open a pool on ``url`` and apply the schema migrations. Cost: a few connections (ms)."""
        with psycopg.connect(url, autocommit=True) as connection:
            migrate(connection)
            ensure_vector_index(connection, dimension=recipe.embedder.dimension, m=min(recipe.hnsw_m, 32))
        pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=True, configure=register_vector,
                              kwargs={"autocommit": True})
        return cls(pool=pool, recipe=recipe, corpus_dir=corpus_dir, cache_dir=cache_dir, ef_search=ef_search)

    # --- lifecycle ------------------------------------------------------------------------------

    def state(self) -> IndexState:
        with self.pool.connection() as connection:
            config_hash, documents = connection.execute(
                "SELECT config_hash, (SELECT count(*) FROM documents) FROM assistant_state WHERE id = 1").fetchone()
        if not documents:
            return IndexState.MISSING
        changed, gone = self._ingest.corpus_changes()
        fresh = config_hash == self.recipe.config_hash and not changed and not gone
        return IndexState.CURRENT if fresh else IndexState.STALE


    def ensure(self, *, progress: Progress | None = None) -> Manifest:
        """Bring the database up to date with the corpus folder and the settings, once across
        replicas (an advisory lock), then serve. Cost: nothing when current; else the parsing and
        embedding of what changed (everything when the model or chunking changed)."""
        with self._write_lock():
            with self.pool.connection() as connection:
                config_hash, documents = connection.execute(
                    "SELECT config_hash, (SELECT count(*) FROM documents) FROM assistant_state").fetchone()
            if documents and config_hash != self.recipe.config_hash:
                logger.info("the index was made with other settings or another model: rebuilding")
                self._ingest.retrying(lambda: self._ingest.rebuild_locked(progress=progress))
            else:
                self._ingest.retrying(lambda: self._ingest.sync_corpus(first=not documents, progress=progress))
        return self._load().manifest

    def rebuild(self, *, progress: Progress | None = None) -> Manifest:
        with self._write_lock():
            self._ingest.retrying(lambda: self._ingest.rebuild_locked(progress=progress))
        return self._load().manifest

    def serving(self) -> PostgresIndex:
        """The current generation's index. Cost: one primary-key read per call."""
        with self.pool.connection() as connection:
            generation = connection.execute("SELECT generation FROM assistant_state WHERE id = 1").fetchone()[0]
        serving = self._serving
        if serving is None or serving.generation != generation:
            serving = self._load()
        self._replicas.report(serving.generation)
        return serving

    def replicas(self) -> list[ReplicaSeen]:
        return self._replicas.seen()

    def _load(self) -> PostgresIndex:
        with self.pool.connection() as connection, connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one consistent snapshot
            state = connection.execute(
                "SELECT generation, model, dimension, analyzer, chunk_count, skipped, updated_at, config_hash "
                "FROM assistant_state WHERE id = 1").fetchone()
            documents = documents_of(connection.execute("SELECT id, info FROM documents ORDER BY id").fetchall())
        generation, model, dimension, analyzer, chunk_count, skipped, updated_at, config_hash = state
        if not documents or analyzer is None:
            raise IndexNotReadyError("no documents have been ingested into the database yet; run `assistant index`")
        manifest = Manifest(version=f"pg-{generation}", model=model, dimension=dimension, corpus_hash="",
                            config_hash=config_hash, documents=len(documents), chunks=chunk_count,
                            vector_index="hnsw", built_at=updated_at.isoformat(timespec="seconds"),
                            build_seconds=0.0, skipped=skipped)
        index = PostgresIndex(pool=self.pool, generation=generation, manifest=manifest, documents=documents,
                              analyzer=SwedishAnalyzer.from_json(analyzer), ef_search=self.ef_search)
        with self._swap_lock:
            if self._serving is None or self._serving.generation < generation:
                self._serving = index
            return self._serving

    # --- changes --------------------------------------------------------------------------------

    def add_document(self, name: str, data: bytes, document: Document) -> None:
        analyzer = self._analyzer()
        rows = self._rows([document], analyzer=analyzer)
        with self.pool.connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            delete_documents(connection, "filename = %s OR id = %s", (name, document.id))
            insert_documents(connection, [(SourceFile.upload(name, data, document), document)], rows)
            connection.execute("UPDATE corpus_files SET removed = false WHERE name = %s", (name,))
            bump_generation(connection)
        self._load()

    def remove_document(self, document_id: str) -> bool:
        with self.pool.connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            gone = delete_documents(connection, "id = %s", (document_id,))
            if not gone:
                return False
            self._keep_removed(connection, gone)
            bump_generation(connection)
        self._load()
        return True

    def apply_changes(self, *, put: Sequence[tuple[str, bytes, Document]], remove: Sequence[str]) -> None:
        """See ``IndexBackend.apply_changes``: the puts are chunked and embedded first (with the
        stored analyzer, as an upload is), then removals and puts are written in one transaction
        with one new generation; a put's file is stored as an upload. Nothing is written (and no
        generation made) when there is nothing to put and none of ``remove`` exists."""
        if not put and not remove:
            return
        documents = [document for _, _, document in put]
        rows = self._rows(documents, analyzer=self._analyzer()) if documents else []
        names = [name for name, _, _ in put]
        with self.pool.connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            gone = delete_documents(connection, "id = ANY(%s)", (list(remove),)) if remove else []
            if not gone and not put:
                return
            self._keep_removed(connection, gone)
            delete_documents(connection, "filename = ANY(%s) OR id = ANY(%s)", (names, [d.id for d in documents]))
            # Two puts of one id (two names with the same slug) fail here, and the transaction with them.
            insert_documents(connection, [(SourceFile.upload(name, data, document), document)
                                          for name, data, document in put], rows)
            connection.execute("UPDATE corpus_files SET removed = false WHERE name = ANY(%s)", (names,))
            bump_generation(connection)
        self._load()

    def _keep_removed(self, connection: psycopg.Connection, gone: Sequence[tuple[str, str]]) -> None:
        """A shipped file deleted through the API stays deleted: the next corpus sync skips it.
        ``gone``: the deleted documents' (filename, source), inside the caller's transaction."""
        for filename, source in gone:
            if source == "corpus" or (self.corpus_dir / filename).is_file():
                connection.execute("INSERT INTO corpus_files (name, digest, removed) VALUES (%s, '', true) "
                                   "ON CONFLICT (name) DO UPDATE SET removed = true", (filename,))

    # --- ingest ---------------------------------------------------------------------------------

    def _parse(self, sources: Sequence[SourceFile]) -> tuple[list[tuple[SourceFile, Document]], list[SkippedFile]]:
        """``PostgresIngest.parse``: each file parsed in an isolated worker."""
        return self._ingest.parse(sources)

    def _rows(self, documents: Sequence[Document], *, analyzer: SwedishAnalyzer,
              chunks: Sequence[list[Chunk]] | None = None, progress: Progress | None = None) -> list[DocumentRows]:
        """``PostgresIngest.rows``: chunks, vectors, unit vectors and term counts of each document.
        Cost: the embedding."""
        return self._ingest.rows(documents, analyzer=analyzer, chunks=chunks, progress=progress)

    def _analyzer(self) -> SwedishAnalyzer:
        """The analyzer uploads and partial ingests use: the serving index's, else the one stored
        in the database (``IndexNotReadyError`` if there is none). Cost: at most one read."""
        serving = self._serving
        if serving is not None:
            return serving.lexical.analyzer
        with self.pool.connection() as connection:
            data = connection.execute("SELECT analyzer FROM assistant_state WHERE id = 1").fetchone()[0]
        if data is None:
            raise IndexNotReadyError("the database has no index yet; start the service or run `assistant index`")
        return SwedishAnalyzer.from_json(data)

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """A session advisory lock held on its own connection for the whole sync or rebuild."""
        with self.pool.connection() as connection:
            connection.execute("SELECT pg_advisory_lock(%s)", (INGEST_LOCK,))
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(%s)", (INGEST_LOCK,))

    def original(self, document_id: str) -> OriginalFile | None:
        """The file as received (the ``original`` column), read by ``read`` only if it is still the
        same file with the same groups: a replacement meanwhile is refused. Cost: one primary-key
        read, no bytes; ``read`` one more."""
        with self.pool.connection() as connection:
            row = connection.execute("SELECT filename, digest, coalesce(info->'access', '[]') FROM documents "
                                     "WHERE id = %s", (document_id,)).fetchone()
        if row is None:
            return None
        filename, digest, access = row

        def read() -> bytes:
            with self.pool.connection() as connection:
                found = connection.execute(
                    "SELECT original FROM documents WHERE id = %s AND digest = %s "
                    "AND coalesce(info->'access', '[]') = %s::jsonb",
                    (document_id, digest, json.dumps(access))).fetchone()
            if found is None:
                raise DocumentNotFoundError(document_id)
            return bytes(found[0])

        return OriginalFile(filename=filename, access=tuple(access), read=read)

    def feedback(self) -> PostgresFeedback:
        return self._feedback

    def access(self) -> PostgresAccess:
        return self._access

    def questions(self) -> PostgresQuestionLog:
        return self._questions

    def sources(self) -> PostgresSourceStore:
        return self._sources

    def close(self) -> None:
        """Leave the replicas' list and close the pool; closing twice is harmless."""
        if self.pool.closed:
            return
        self._replicas.leave()
        self.pool.close()
