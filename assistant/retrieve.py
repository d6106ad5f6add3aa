"""Retrieve step: a question → the best chunks, by dense and lexical search fused by rank.

- Dense: the question embedded once, searched in FAISS.
- Lexical: BM25 over Swedish-stemmed, decompounded terms. English questions are expanded with
  the Swedish terms the glossary gives for their words (housing → bostad, bostäder, boende), so an
  English question over Swedish documents still matches the right words.
- Fusion: a convex combination of the two scores, each min-max normalised over its own candidates
  (Bruch et al. 2023, "An analysis of fusion functions for hybrid retrieval": it beats reciprocal
  rank fusion and needs few examples to set its one weight). Unlike rank fusion it keeps how far
  apart the scores are: a passage the multilingual embedder clearly prefers is not pushed down by
  BM25 matches on common words, while among near-equal passages (five policies on one topic) the
  exact words decide.
- Units: each result carries the cosine of each of its sentences, items or rows with the question,
  from the unit vectors, for the answer step to pick what it quotes.
- Steering: a question that names a municipality in the index ("in Tierp") is searched within that
  municipality's documents, unless the caller gave filters.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.embed import Embedder
from assistant.glossary import Glossary
from assistant.index.backend import Scope, ServingIndex
from assistant.models import Chunk, ChunkKind, Filters, Hit
from assistant.municipalities import find_municipalities_in_query


@dataclass(frozen=True, slots=True)
class Retrieved:
    """A hit with what the answer step needs besides it: the chunk kind, the raw scores (cosine
    similarity, BM25; ``None`` where that retriever did not return the chunk), and the chunk's unit
    spans with each unit's cosine similarity to the question."""

    hit: Hit
    kind: ChunkKind
    dense_score: float | None
    lexical_score: float | None
    units: tuple[tuple[int, int], ...] = ()
    unit_scores: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """How one question is searched: what each retriever sees and which chunks are allowed."""

    question: str
    lexical_query: str
    expansions: tuple[str, ...]
    municipalities: tuple[str, ...]
    scope: Scope | None


class HybridRetriever:
    """Dense + BM25, fused by a convex combination of normalised scores, over one serving index
    (files or PostgreSQL).

    Cost per query: one embedding (~13 ms on 2 cores with the default e5), one FAISS search, one
    BM25 search, a SQLite read of the ``k`` winners and a product with their unit vectors.
    """

    def __init__(self, *, index: ServingIndex, embedder: Embedder, glossary: Glossary,
                 candidates: int = 50, dense_weight: float = 0.6, lexical_weight: float = 0.4,
                 query_cache_size: int = 1024) -> None:
        self._index = index
        self._embedder = embedder
        self._glossary = glossary
        self._candidates = candidates
        self._weights = (dense_weight, lexical_weight)
        # Staff ask the same questions again ("who owns housing goals?"): skip the 10 ms embedding.
        self._query_vectors = _LRU(maxsize=query_cache_size)

    def plan(self, question: str, *, filters: Filters | None = None, hidden: frozenset[str] = frozenset()
             ) -> QueryPlan:
        """Decide expansions and the scope for ``question`` (exposed for tests and tracing);
        ``hidden`` documents are outside the caller's access groups and never searched."""
        expansions = tuple(self._glossary.swedish_for_english(question))
        lexical_query = " ".join([question, *expansions])
        municipalities: tuple[str, ...] = ()
        scope = None
        if filters is not None and (filters.municipality or filters.document_id):
            scope = Scope(municipalities=(filters.municipality,) if filters.municipality else (),
                          document_id=filters.document_id)
        else:
            names = self._index.store.municipalities
            municipalities = tuple(find_municipalities_in_query(question, names=names))
            if municipalities:
                scope = Scope(municipalities=municipalities)
        if hidden:
            scope = Scope(municipalities=scope.municipalities, document_id=scope.document_id, hidden=hidden) \
                if scope is not None else Scope(hidden=hidden)
        return QueryPlan(question, lexical_query, expansions, municipalities, scope)

    def search(self, question: str, *, k: int = 5, filters: Filters | None = None,
               hidden: frozenset[str] = frozenset()) -> list[Hit]:
        """The ``k`` best hits for ``question``, best first, none of a ``hidden`` document."""
        return [found.hit for found in self.retrieve(question, k=k, filters=filters, hidden=hidden)]

    def retrieve(self, question: str, *, k: int = 5, filters: Filters | None = None,
                 hidden: frozenset[str] = frozenset()) -> list[Retrieved]:
        """Like ``search``, with each hit's chunk kind and the raw scores of both retrievers."""
        plan = self.plan(question, filters=filters, hidden=hidden)
        vector = self._query_vector(plan.question)
        dense = self._index.dense_search(vector, k=self._candidates, scope=plan.scope)
        lexical = self._index.lexical_search(plan.lexical_query, k=self._candidates, scope=plan.scope)
        fused = fuse(dense, lexical, weights=self._weights)[:k]
        chunks = self._index.store.chunks(row for row, _ in fused)
        rows = [row for row, _ in fused if row in chunks]
        unit_scores = self._index.units.similarities(rows, vector)
        dense_scores, lexical_scores = dict(dense), dict(lexical)
        scores = dict(fused)
        return [Retrieved(hit=self._hit(chunks[row], scores[row]), kind=chunks[row].kind,
                          dense_score=dense_scores.get(row), lexical_score=lexical_scores.get(row),
                          units=tuple(chunks[row].units), unit_scores=tuple(float(x) for x in units))
                for row, units in zip(rows, unit_scores, strict=True)]

    def header(self, document_id: str) -> Retrieved | None:
        """The header chunk of a document, as a result (for questions about its metadata)."""
        found = self._index.store.header_chunk(document_id)
        if found is None:
            return None
        _, chunk = found
        return Retrieved(hit=self._hit(chunk, 0.0), kind=chunk.kind, dense_score=None, lexical_score=None)

    def closeness(self, question: str, texts: Sequence[str]) -> list[float]:
        """The cosine of ``question`` with each of ``texts`` embedded on its own as a passage: a
        second reading of a sentence beside its unit vector, which is pooled from its chunk's pass
        (``index.chunk_vectors``). Cost: one engine pass over ``texts``; the question's vector is
        the search's (cached)."""
        if not texts:
            return []
        vectors = self._embedder.embed_passages(list(texts))
        return [float(x) for x in vectors @ self._query_vector(question)[0]]

    def _query_vector(self, question: str) -> np.ndarray:
        vector = self._query_vectors.get(question)
        if vector is None:
            vector = self._embedder.embed_queries([question])
            self._query_vectors.put(question, vector)
        return vector

    def _hit(self, chunk: Chunk, score: float) -> Hit:
        document = self._index.store.documents[chunk.document_id]
        return Hit(
            chunk_id=chunk.chunk_id, document_id=chunk.document_id, title=document.title,
            municipality=document.municipality, section=chunk.section, section_path=chunk.section_path,
            text=chunk.text, score=round(score, 6), start=chunk.start, end=chunk.end,
            pages=document.pages_of(chunk.start, chunk.end), source_url=document.source_url,
        )


def fuse(dense: list[tuple[int, float]], lexical: list[tuple[int, float]], *,
         weights: tuple[float, float]) -> list[tuple[int, float]]:
    """Rows by ``w_dense * dense + w_lexical * lexical``, best first, each score min-max normalised
    over its own list (a row missing from a list scores 0 there; a list whose scores are all equal
    scores 1). Ties break by row."""
    scores: dict[int, float] = {}
    for ranking, weight in zip((dense, lexical), weights, strict=True):
        if not ranking or weight == 0:
            continue
        values = [score for _, score in ranking]
        low, spread = min(values), max(values) - min(values)
        for row, score in ranking:
            scores[row] = scores.get(row, 0.0) + weight * ((score - low) / spread if spread > 1e-12 else 1.0)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


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
