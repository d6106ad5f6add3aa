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
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from psycopg_pool import ConnectionPool

from assistant.chunk import Chunker
from assistant.corpus import access_path, origin_path, supported_files
from assistant.errors import DocumentNotFoundError, IndexNotReadyError
from assistant.index.backend import IndexBackend, IndexState, OriginalFile, Progress, ReplicaSeen
from assistant.index.build import IndexBuilder, SkippedFile, file_digest, parse_files
from assistant.index.embedding_cache import EmbeddingCache
from assistant.index.layout import Manifest
from assistant.index.lexical import SwedishAnalyzer
from assistant.index.postgres.access import PostgresAccess
from assistant.index.postgres.bulk import copy_documents, deferred_indexes
from assistant.index.postgres.feedback import PostgresFeedback
from assistant.index.postgres.questions import PostgresQuestionLog
from assistant.index.postgres.replicas import PostgresReplicas
from assistant.index.postgres.schema import INGEST_LOCK, WRITE_LOCK, ensure_vector_index, migrate
from assistant.index.postgres.search import PostgresIndex, documents_of
from assistant.index.postgres.sources import PostgresSourceStore
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
        changed, gone = self._corpus_changes()
        fresh = config_hash == self.recipe.config_hash and not changed and not gone
        return IndexState.CURRENT if fresh else IndexState.STALE

    def _corpus_changes(self) -> tuple[list[Path], list[str]]:
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
                self._retrying(lambda: self._rebuild_locked(progress=progress))
            else:
                self._retrying(lambda: self._sync_corpus(first=not documents, progress=progress))
        return self._load().manifest

    def rebuild(self, *, progress: Progress | None = None) -> Manifest:
        with self._write_lock():
            self._retrying(lambda: self._rebuild_locked(progress=progress))
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

    def _sync_corpus(self, *, first: bool, progress: Progress | None) -> None:
        """Ingest shipped files that are new or changed since the last sync, and drop shipped
        documents whose file left the folder. Called under the write lock."""
        changed, gone = self._corpus_changes()
        if changed or gone:
            self._ingest([SourceFile.shipped(p) for p in changed], replace_all=first, drop=gone, progress=progress)

    def _rebuild_locked(self, *, progress: Progress | None) -> None:
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

    def _retrying(self, step: Callable[[], None]) -> None:
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
        parsed, skipped = self._parse(sources)
        if replace_all and not parsed:
            raise IndexNotReadyError(f"no readable documents in the corpus folder ({len(skipped)} skipped)")
        documents = [document for _, document in parsed]
        chunks_by_document = [self._chunker.chunk(document) for document in documents]
        analyzer = (SwedishAnalyzer.from_texts(
            [c.text for chunks in chunks_by_document for c in chunks],
            extra_words=(form for entry in self.recipe.glossary.entries for form in entry.forms))
            if replace_all else self._analyzer())
        rows = self._rows(documents, analyzer=analyzer, chunks=chunks_by_document, progress=progress)
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

    def _parse(self, sources: Sequence[SourceFile]) -> tuple[list[tuple[SourceFile, Document]], list[SkippedFile]]:
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

    def _analyzer(self) -> SwedishAnalyzer:
        serving = self._serving
        if serving is not None:
            return serving.lexical.analyzer
        with self.pool.connection() as connection:
            data = connection.execute("SELECT analyzer FROM assistant_state WHERE id = 1").fetchone()[0]
        if data is None:
            raise IndexNotReadyError("the database has no index yet; start the service or run `assistant index`")
        return SwedishAnalyzer.from_json(data)

    def _rows(self, documents: Sequence[Document], *, analyzer: SwedishAnalyzer,
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

