"""``PolicyAssistant``: the one object the CLI and the HTTP API talk to.

It owns the wiring (settings → embedder, glossary, chunker, index builder, retriever) and the
serving index. Building a new index version never disturbs the serving one: the new version is
loaded completely, then swapped in with one assignment.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from assistant.chunk import Chunker
from assistant.embed import Embedder, SentenceTransformerEmbedder
from assistant.errors import (
    CorruptIndexError,
    DocumentNotFoundError,
    IndexNotReadyError,
    InvalidRequestError,
    UnknownFilterError,
)
from assistant.glossary import Glossary
from assistant.index.build import IndexBuilder, SearchIndex, config_fingerprint, corpus_fingerprint
from assistant.index.layout import IndexLayout, Manifest
from assistant.models import Document, DocumentInfo, Filters, Hit
from assistant.retrieve import HybridRetriever
from assistant.settings import Settings

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 2_000
MAX_K = 50
Progress = Callable[[int, int], None]


class IndexState(StrEnum):
    MISSING = "missing"
    STALE = "stale"
    CURRENT = "current"


@dataclass(frozen=True, slots=True)
class _Serving:
    index: SearchIndex
    retriever: HybridRetriever


class PolicyAssistant:
    """Search (and later answer) over the indexed policy documents."""

    def __init__(self, *, settings: Settings, embedder: Embedder, glossary: Glossary) -> None:
        self.settings = settings
        self.embedder = embedder
        self.glossary = glossary
        self.layout = IndexLayout(settings.index_dir)
        self._serving: _Serving | None = None
        self._swap_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> PolicyAssistant:
        """Wire the real components. Loads the embedding model (seconds); not the index."""
        settings = settings or Settings()
        embedder = SentenceTransformerEmbedder(
            settings.embedding_model, query_prefix=settings.query_prefix,
            passage_prefix=settings.passage_prefix, threads=settings.embedding_threads,
        )
        return cls(settings=settings, embedder=embedder, glossary=Glossary.load_default())

    # --- the index ----------------------------------------------------------------------------

    def _config_hash(self) -> str:
        s = self.settings
        return config_fingerprint(
            model=self.embedder.model_id, query_prefix=self.embedder.query_prefix,
            passage_prefix=self.embedder.passage_prefix, chunk_max_tokens=s.chunk_max_tokens,
            chunk_overlap_tokens=s.chunk_overlap_tokens, hnsw_threshold=s.hnsw_threshold,
            glossary=self.glossary,
        )

    def index_state(self) -> IndexState:
        """Whether the published index matches the corpus, the model and the settings."""
        current = self.layout.current()
        if current is None:
            return IndexState.MISSING
        try:
            manifest = Manifest.read(current)
        except (OSError, ValueError, TypeError):
            return IndexState.STALE
        fresh = (manifest.corpus_hash == corpus_fingerprint(self.settings.corpus_dir)
                 and manifest.config_hash == self._config_hash())
        return IndexState.CURRENT if fresh else IndexState.STALE

    def build_index(self, *, progress: Progress | None = None) -> Manifest:
        """Build a new version from the corpus, publish it, and start serving it."""
        s = self.settings
        chunker = Chunker(count_tokens=self.embedder.count_tokens, max_tokens=s.chunk_max_tokens,
                          overlap_tokens=s.chunk_overlap_tokens, glossary=self.glossary)
        builder = IndexBuilder(embedder=self.embedder, chunker=chunker, glossary=self.glossary,
                               config_hash=self._config_hash(), hnsw_threshold=s.hnsw_threshold,
                               hnsw_m=s.hnsw_m, batch_size=s.embedding_batch_size)
        manifest = builder.build(s.corpus_dir, self.layout, progress=progress)
        self.load_index()
        return manifest

    def ensure_index(self, *, progress: Progress | None = None) -> Manifest:
        """Serve the published index, building it first if it is missing, stale or corrupt."""
        state = self.index_state()
        if state is not IndexState.CURRENT:
            logger.info("index is %s: building", state.value)
            return self.build_index(progress=progress)
        try:
            return self.load_index()
        except CorruptIndexError as error:
            logger.warning("%s: rebuilding from the corpus", error)
            return self.build_index(progress=progress)

    def load_index(self) -> Manifest:
        """Load the published version and swap it in; the previous one is closed."""
        current = self.layout.current()
        if current is None:
            raise IndexNotReadyError("no index has been built yet; run `assistant index`")
        index = SearchIndex.load(current, ef_search=self.settings.hnsw_ef_search)
        retriever = HybridRetriever(index=index, embedder=self.embedder, glossary=self.glossary,
                                    candidates=self.settings.candidates, rrf_k=self.settings.rrf_k,
                                    dense_weight=self.settings.dense_weight,
                                    lexical_weight=self.settings.lexical_weight)
        with self._swap_lock:
            previous, self._serving = self._serving, _Serving(index, retriever)
        if previous is not None and previous.index.directory != index.directory:
            previous.index.close()
        return index.manifest

    def _require(self) -> _Serving:
        serving = self._serving
        if serving is None:
            self.load_index()
            serving = self._serving
        assert serving is not None
        return serving

    @property
    def manifest(self) -> Manifest:
        return self._require().index.manifest

    # --- queries ------------------------------------------------------------------------------

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        """The ``k`` passages that best answer ``query``, best first.

        Raises ``InvalidRequestError`` for an empty or too long query or ``k`` outside 1..50, and
        ``UnknownFilterError`` (naming the known values) for a filter on an unknown value.
        """
        query = validate_query(query)
        if not 1 <= k <= MAX_K:
            raise InvalidRequestError(f"k must be between 1 and {MAX_K}, got {k}")
        serving = self._require()
        filters = self._normalize_filters(filters, serving.index)
        return serving.retriever.search(query, k=k, filters=filters)

    def documents(self) -> list[DocumentInfo]:
        """Metadata of every indexed document, by id."""
        return list(self._require().index.store.documents.values())

    def document(self, document_id: str) -> Document:
        """One document with its sections and text; ``DocumentNotFoundError`` if unknown."""
        document = self._require().index.store.document(document_id)
        if document is None:
            raise DocumentNotFoundError(document_id)
        return document

    def municipalities(self) -> list[str]:
        return self._require().index.store.municipalities

    def _normalize_filters(self, filters: Filters | None, index: SearchIndex) -> Filters | None:
        if filters is None or (filters.municipality is None and filters.document_id is None):
            return None
        municipality = filters.municipality
        if municipality is not None:
            known = index.store.municipalities
            matches = [m for m in known if m.casefold() == municipality.strip().casefold()]
            if not matches:
                raise UnknownFilterError("municipality", municipality, known)
            municipality = matches[0]
        if filters.document_id is not None and filters.document_id not in index.store.documents:
            raise UnknownFilterError("document_id", filters.document_id, index.store.documents)
        return Filters(municipality=municipality, document_id=filters.document_id)


def validate_query(query: str) -> str:
    """The query stripped; ``InvalidRequestError`` if it is empty or longer than 2,000 characters."""
    stripped = query.strip()
    if not stripped:
        raise InvalidRequestError("the query is empty")
    if len(stripped) > MAX_QUERY_CHARS:
        raise InvalidRequestError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    return stripped
