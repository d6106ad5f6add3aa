"""The file backend (the embedded default): index versions in a folder, documents in the corpus
folder plus the data folder's uploads.

A build writes a complete new version beside the serving one and publishes it with one rename, so
a crash at any moment leaves the last good version serving. Other processes over the same folder
(server workers, `assistant index`) switch to a newly published version within a second.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path, PurePath

from assistant.access import SqliteAccess
from assistant.chunk import Chunker
from assistant.corpus import Corpus, access_of
from assistant.errors import CorruptIndexError, DocumentNotFoundError, IndexNotReadyError
from assistant.feedback import FeedbackStore
from assistant.index.backend import IndexBackend, IndexState, OriginalFile, Progress
from assistant.index.build import PIPELINE_VERSION, IndexBuilder, SearchIndex, corpus_fingerprint
from assistant.index.embedding_cache import EmbeddingCache
from assistant.index.layout import IndexLayout, Manifest
from assistant.index.parse_cache import ParseCache
from assistant.index.recipe import IndexRecipe
from assistant.models import Document
from assistant.parse import document_id_for
from assistant.questions import SqliteQuestionLog
from assistant.sources.store import SqliteSourceStore

logger = logging.getLogger(__name__)
# How often a request checks whether another process published a newer index version.
_REFRESH_SECONDS = 1.0


class FileBackend(IndexBackend):
    """Index versions under ``index_dir``; the corpus is ``corpus`` (shipped folder + uploads)."""

    def __init__(self, *, recipe: IndexRecipe, index_dir: Path, corpus: Corpus, feedback_path: Path) -> None:
        self.recipe = recipe
        self.layout = IndexLayout(index_dir)
        self.corpus = corpus
        self._serving: SearchIndex | None = None
        self._swap_lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._checked_at = 0.0  # monotonic time the published version was last compared with ours
        self._refused: Path | None = None  # a published version that failed to load here
        self._corpus_lock = threading.Lock()  # one document change (write + rebuild) at a time
        self._feedback_path = feedback_path
        self._feedback: FeedbackStore | None = None
        self._access: SqliteAccess | None = None
        self._sources: SqliteSourceStore | None = None
        self._questions: SqliteQuestionLog | None = None

    def state(self) -> IndexState:
        current = self.layout.current()
        if current is None:
            return IndexState.MISSING
        try:
            manifest = Manifest.read(current)
        except (OSError, ValueError, TypeError):
            return IndexState.STALE
        fresh = (manifest.corpus_hash == corpus_fingerprint(self.corpus)
                 and manifest.config_hash == self.recipe.config_hash)
        return IndexState.CURRENT if fresh else IndexState.STALE

    def rebuild(self, *, progress: Progress | None = None) -> Manifest:
        """Build a new version from the corpus (appending when it only gained files), publish it and
        serve it. Cost: see ``IndexBuilder.build``."""
        r = self.recipe
        chunker = Chunker(count_tokens=r.embedder.count_tokens, max_tokens=r.chunk_max_tokens,
                          overlap_tokens=r.chunk_overlap_tokens, glossary=r.glossary)
        cache = EmbeddingCache(self.layout.root / "cache" / "embeddings.sqlite", model_id=r.embedder.model_id,
                               dimension=r.embedder.dimension)
        parsed = ParseCache(self.layout.root / "cache" / "parsed.sqlite", version=PIPELINE_VERSION)
        builder = IndexBuilder(embedder=r.embedder, chunker=chunker, glossary=r.glossary, config_hash=r.config_hash,
                               hnsw_threshold=r.hnsw_threshold, hnsw_m=r.hnsw_m, batch_size=r.batch_size,
                               cache=cache, parse_cache=parsed, parse_limits=r.parse_limits,
                               unit_vectors=r.unit_vectors)
        try:
            manifest = builder.build(self.corpus, self.layout, progress=progress)
        finally:
            cache.close()
            parsed.close()
        self.load()
        return manifest

    def ensure(self, *, progress: Progress | None = None) -> Manifest:
        state = self.state()
        if state is not IndexState.CURRENT:
            logger.info("index is %s: building", state.value)
            return self.rebuild(progress=progress)
        try:
            return self.load()
        except CorruptIndexError as error:
            logger.warning("%s: rebuilding from the corpus", error)
            return self.rebuild(progress=progress)

    def load(self) -> Manifest:
        """Load the published version and swap it in. The previous one is not closed: requests
        that took it may still be reading it, and it closes (releasing its hold, so that a later
        build deletes it) when the last of them lets go."""
        current = self.layout.current()
        if current is None:
            raise IndexNotReadyError("no index has been built yet; run `assistant index`")
        index = SearchIndex.load(current, ef_search=self.recipe.ef_search, mmap=self.recipe.mmap)
        with self._swap_lock:
            self._serving = index
        return index.manifest

    def serving(self) -> SearchIndex:
        serving = self._serving
        if serving is None:
            self.load()
            serving = self._serving
        elif time.monotonic() - self._checked_at > _REFRESH_SECONDS:
            serving = self._refreshed(serving)
        assert serving is not None
        return serving

    def _refreshed(self, serving: SearchIndex) -> SearchIndex:
        """The serving index, after switching to a newer published version if another process
        published one. A version that fails to load is logged, the current one kept, and that
        version not tried again (loading it is the costly part). Cost: one small file read, at
        most once a second."""
        if not self._refresh_lock.acquire(blocking=False):
            return serving  # another thread is checking; answer from what we have
        try:
            self._checked_at = time.monotonic()
            current = self.layout.current()
            if current is not None and current not in (serving.directory, self._refused):
                try:
                    self.load()
                except (CorruptIndexError, IndexNotReadyError) as error:
                    self._refused = current
                    logger.warning("keeping index version %s: %s", serving.directory.name, error)
            return self._serving or serving
        finally:
            self._refresh_lock.release()

    def add_document(self, name: str, data: bytes, document: Document) -> None:
        with self._corpus_lock:
            before = self.corpus.snapshot(name)
            self.corpus.add(name, data, access=document.access)
            try:
                self.rebuild()
            except BaseException:
                self.corpus.restore(name, before)  # not acknowledged: the corpus as it was
                raise

    def apply_changes(self, *, put: Sequence[tuple[str, bytes, Document]], remove: Sequence[str]) -> None:
        """Write the files (with their access and origin sidecars) and delete the removed ones, then
        one rebuild from the caches; on any error every file is put back as it was."""
        if not put and not remove:
            return
        with self._corpus_lock:
            undo: list[Callable[[], None]] = []
            try:
                for document_id in remove:
                    if (restore := self.corpus.remove(document_id)) is not None:
                        undo.append(restore)
                for name, data, document in put:
                    before = self.corpus.snapshot(name)
                    undo.append(partial(self.corpus.restore, name, before))
                    self.corpus.add(name, data, access=document.access, origin=document.source_url)
                self.rebuild()
            except BaseException:
                for restore in reversed(undo):  # not acknowledged: the corpus as it was
                    restore()
                raise

    def remove_document(self, document_id: str) -> bool:
        with self._corpus_lock:
            undo = self.corpus.remove(document_id)
            if undo is None:
                return False
            try:
                self.rebuild()
            except BaseException:
                undo()  # not acknowledged: the corpus as it was
                raise
        return True

    def original(self, document_id: str) -> OriginalFile | None:
        """The corpus file whose name gives ``document_id`` (an upload before a shipped file; of two
        files with that id, the one the serving index was parsed from). ``None`` when there is none
        or its access sidecar is unreadable (such a file is not indexed either). Cost: two folder
        listings and a sidecar read; the bytes are read by ``read``."""
        matches = [path for path in self.corpus.files() if document_id_for(path) == document_id]
        if not matches:
            return None
        indexed = self._serving.store.documents.get(document_id) if self._serving is not None else None
        named = PurePath(indexed.source_path).name if indexed is not None else None
        path = next((p for p in matches if p.name == named), matches[0])
        try:
            access = tuple(access_of(path))
        except ValueError:
            return None

        def read() -> bytes:
            # The groups are read again after the bytes: a file replaced meanwhile (with other
            # groups) is refused rather than served under the groups of the one it replaced.
            try:
                data = path.read_bytes()
                unchanged = tuple(access_of(path)) == access
            except (OSError, ValueError):
                raise DocumentNotFoundError(document_id) from None
            if not unchanged:
                raise DocumentNotFoundError(document_id)
            return data

        return OriginalFile(filename=path.name, access=access, read=read)

    def questions(self) -> SqliteQuestionLog:
        """``questions.sqlite`` beside the feedback, opened on first use."""
        if self._questions is None:
            self._questions = SqliteQuestionLog(self._feedback_path.parent / "questions.sqlite")
        return self._questions

    def sources(self) -> SqliteSourceStore:
        """Sources and their sync state in ``sources.sqlite`` beside the feedback, opened on first use."""
        if self._sources is None:
            self._sources = SqliteSourceStore(self._feedback_path.parent / "sources.sqlite")
        return self._sources

    def feedback(self) -> FeedbackStore:
        """A SQLite log in the data folder, opened on first use."""
        if self._feedback is None:
            self._feedback = FeedbackStore(self._feedback_path)
        return self._feedback

    def access(self) -> SqliteAccess:
        """Keys and audit trail in ``access.sqlite`` beside the feedback, opened on first use."""
        if self._access is None:
            self._access = SqliteAccess(self._feedback_path.parent / "access.sqlite")
        return self._access

    def close(self) -> None:
        if self._questions is not None:
            self._questions.close()
        if self._sources is not None:
            self._sources.close()
        if self._access is not None:
            self._access.close()
        if self._serving is not None:
            self._serving.close()
        if self._feedback is not None:
            self._feedback.close()
