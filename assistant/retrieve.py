"""Retrieve step: a question → the best chunks, by dense and lexical search fused by rank.

- Dense: the question embedded once, searched in FAISS.
- Lexical: BM25 over Swedish-stemmed, decompounded terms. English questions are expanded with
  the Swedish terms the glossary gives for their words (housing → bostad, bostäder, boende), so an
  English question over Swedish documents still matches the right words.
- Fusion: reciprocal rank fusion (Cormack et al. 2009), which needs no score calibration between
  cosine similarity and BM25.
- Steering: a question that names a municipality in the index ("in Tierp") is searched within that
  municipality's documents, unless the caller gave filters.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from assistant.embed import Embedder
from assistant.glossary import Glossary
from assistant.index.build import SearchIndex
from assistant.models import Chunk, ChunkKind, Filters, Hit
from assistant.municipalities import find_municipalities_in_query


@dataclass(frozen=True, slots=True)
class Retrieved:
    """A hit with what the answer step needs besides it: the chunk kind and the raw scores
    (cosine similarity, BM25; ``None`` where that retriever did not return the chunk)."""

    hit: Hit
    kind: ChunkKind
    dense_score: float | None
    lexical_score: float | None


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """How one question is searched: what each retriever sees and which rows are allowed."""

    question: str
    lexical_query: str
    expansions: tuple[str, ...]
    municipalities: tuple[str, ...]
    allowed: np.ndarray | None


class HybridRetriever:
    """Dense + BM25 with reciprocal rank fusion over one loaded ``SearchIndex``.

    Cost per query: one embedding (~10 ms on 2 cores with MiniLM), one FAISS search, one BM25
    search, a SQLite read of the ``k`` winners.
    """

    def __init__(self, *, index: SearchIndex, embedder: Embedder, glossary: Glossary,
                 candidates: int = 50, rrf_k: int = 60, dense_weight: float = 0.2,
                 lexical_weight: float = 1.0, query_cache_size: int = 1024) -> None:
        self._index = index
        self._embedder = embedder
        self._glossary = glossary
        self._candidates = candidates
        self._rrf_k = rrf_k
        self._weights = (dense_weight, lexical_weight)
        # Staff ask the same questions again ("who owns housing goals?"): skip the 10 ms embedding.
        self._query_vectors = _LRU(maxsize=query_cache_size)

    def plan(self, question: str, *, filters: Filters | None = None) -> QueryPlan:
        """Decide expansions and allowed rows for ``question`` (exposed for tests and tracing)."""
        expansions = tuple(self._glossary.swedish_for_english(question))
        lexical_query = " ".join([question, *expansions])
        store = self._index.store
        municipalities: tuple[str, ...] = ()
        allowed = None
        if filters is not None and (filters.municipality or filters.document_id):
            allowed = store.rows_for(municipality=filters.municipality, document_id=filters.document_id)
        else:
            municipalities = tuple(find_municipalities_in_query(question, names=store.municipalities))
            if municipalities:
                allowed = np.unique(np.concatenate([store.rows_for(municipality=m) for m in municipalities]))
        return QueryPlan(question, lexical_query, expansions, municipalities, allowed)

    def search(self, question: str, *, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        """The ``k`` best hits for ``question``, best first."""
        return [found.hit for found in self.retrieve(question, k=k, filters=filters)]

    def retrieve(self, question: str, *, k: int = 5, filters: Filters | None = None) -> list[Retrieved]:
        """Like ``search``, with each hit's chunk kind and the raw scores of both retrievers."""
        plan = self.plan(question, filters=filters)
        if plan.allowed is not None and len(plan.allowed) == 0:
            return []
        dense = self._dense(plan)
        lexical = self._lexical(plan)
        fused = self._fuse([[row for row, _ in dense], [row for row, _ in lexical]], self._weights)[:k]
        chunks = self._index.store.chunks(row for row, _ in fused)
        dense_scores, lexical_scores = dict(dense), dict(lexical)
        return [Retrieved(hit=self._hit(chunks[row], score), kind=chunks[row].kind,
                          dense_score=dense_scores.get(row), lexical_score=lexical_scores.get(row))
                for row, score in fused if row in chunks]

    def header(self, document_id: str) -> Retrieved | None:
        """The header chunk of a document, as a result (for questions about its metadata)."""
        found = self._index.store.header_chunk(document_id)
        if found is None:
            return None
        _, chunk = found
        return Retrieved(hit=self._hit(chunk, 0.0), kind=chunk.kind, dense_score=None, lexical_score=None)

    def _dense(self, plan: QueryPlan) -> list[tuple[int, float]]:
        vector = self._query_vectors.get(plan.question)
        if vector is None:
            vector = self._embedder.embed_queries([plan.question])
            self._query_vectors.put(plan.question, vector)
        return self._index.vectors.search(vector, k=self._candidates, allowed=plan.allowed)[0]

    def _lexical(self, plan: QueryPlan) -> list[tuple[int, float]]:
        mask = None
        if plan.allowed is not None:
            mask = np.zeros(len(self._index.lexical), dtype=bool)
            mask[plan.allowed] = True
        return self._index.lexical.search(plan.lexical_query, k=self._candidates, allowed=mask)

    def _fuse(self, rankings: list[list[int]], weights: tuple[float, ...]) -> list[tuple[int, float]]:
        """Weighted reciprocal rank fusion: sum of weight / (rrf_k + rank) over the rankings."""
        scores: dict[int, float] = {}
        for ranking, weight in zip(rankings, weights, strict=True):
            for rank, row in enumerate(ranking, start=1):
                scores[row] = scores.get(row, 0.0) + weight / (self._rrf_k + rank)
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))

    def _hit(self, chunk: Chunk, score: float) -> Hit:
        document = self._index.store.documents[chunk.document_id]
        return Hit(
            chunk_id=chunk.chunk_id, document_id=chunk.document_id, title=document.title,
            municipality=document.municipality, section=chunk.section, section_path=chunk.section_path,
            text=chunk.text, score=round(score, 6), start=chunk.start, end=chunk.end,
        )


class _LRU:
    """A small thread-safe least-recently-used map (query text → query vector)."""

    def __init__(self, *, maxsize: int) -> None:
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._maxsize = maxsize
        self._lock = threading.Lock()

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: np.ndarray) -> None:
        if self._maxsize <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._maxsize:
                self._items.popitem(last=False)
