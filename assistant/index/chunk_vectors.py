"""The embed step of a build: each chunk's vector and the vectors of its answer units.

Two ways to get a unit's vector (``Settings.unit_vectors``):

- ``separate``: the unit's text (a sentence, a list item) embedded on its own, one more pass of the
  engine per unit: about five texts for every chunk.
- ``late`` ("late chunking", Günther et al. 2024): the mean of the unit's token states inside the
  chunk's own forward pass, so a build runs the engine once per chunk and each unit's vector also
  reads its context. Only engines that expose token states can (``Embedder.late_chunking``); with
  another engine ``late`` falls back to ``separate``, and the index records which it got.

Either way a unit that is its whole chunk (a table row, a one-sentence paragraph) takes the chunk's
vector and a unit too short to be quoted gets none (zeros). Vectors go through the embedding cache:
a chunk's vector under its text, a late unit's under the chunk's text and the unit's span.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Literal

import numpy as np

from assistant.chunk import MIN_UNIT_CHARS
from assistant.embed import Embedder
from assistant.index.embedding_cache import EmbeddingCache
from assistant.models import Chunk, Document

logger = logging.getLogger(__name__)

UnitVectorMode = Literal["late", "separate"]
Progress = Callable[[int, int], None]
_LATE = "late-unit\x1f"  # cache namespace of late unit vectors: never confused with a text's vector


def unit_text(chunk: Chunk, document_text: str, span: tuple[int, int]) -> str:
    """What the embedder reads of one unit: a sentence or item as written; a table row as its
    record (column names inline), since its cells alone say little."""
    return chunk.text if chunk.kind == "table_row" else document_text[span[0]:span[1]]


def effective_mode(mode: UnitVectorMode, embedder: Embedder) -> UnitVectorMode:
    """``mode`` as ``embedder`` can give it: ``late`` needs an engine with token states."""
    return "late" if mode == "late" and embedder.late_chunking else "separate"


class ChunkVectorizer:
    """Embeds chunks and their units for one build. Cost: one engine pass per chunk not in the
    cache, plus (``separate``) one per unit not in the cache."""

    def __init__(self, *, embedder: Embedder, batch_size: int, cache: EmbeddingCache | None = None,
                 unit_vectors: UnitVectorMode = "separate") -> None:
        self._embedder = embedder
        self._batch_size = batch_size
        self._cache = cache
        self.mode = effective_mode(unit_vectors, embedder)

    def embed(self, documents: Sequence[Document], chunks: Sequence[Chunk], *,
              progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(chunk vectors, unit vectors)``: one row per chunk, and one per unit in chunk order.
        ``progress(done, total)`` counts texts (``separate``) or chunks (``late``)."""
        texts = {document.id: document.text for document in documents}
        sources: list[int | str | None] = []  # per unit: a chunk's index, a text to embed, or nothing
        for i, chunk in enumerate(chunks):
            for span in chunk.units:
                text = unit_text(chunk, texts[chunk.document_id], span)
                if len(chunk.units) == 1 and (chunk.kind == "table_row" or text == chunk.text):
                    sources.append(i)
                else:
                    sources.append(text if len(text.strip()) >= MIN_UNIT_CHARS else None)
        if self.mode == "late":
            return self._late(chunks, sources, texts, progress=progress)
        own = [source for source in sources if isinstance(source, str)]
        vectors = self._embed_texts([chunk.embedding_text for chunk in chunks] + own, progress=progress)
        chunk_vectors = vectors[:len(chunks)]
        return chunk_vectors, _assemble(sources, chunk_vectors, iter(vectors[len(chunks):]))

    def _late(self, chunks: Sequence[Chunk], sources: list[int | str | None], texts: dict[str, str], *,
              progress: Progress | None) -> tuple[np.ndarray, np.ndarray]:
        spans: list[list[tuple[int, int]]] = [[] for _ in chunks]
        # per unit with a text of its own: (chunk, its index among the chunk's spans), or None when it
        # is not found in the chunk's embedding text and is embedded on its own instead
        pooled_at: list[tuple[int, int] | None] = []
        fallback: list[str] = []
        units = [(i, span) for i, chunk in enumerate(chunks) for span in chunk.units]
        for (i, span), source in zip(units, sources, strict=True):
            if isinstance(source, str):
                located = _locate(chunks[i], source, span)
                if located is None:
                    pooled_at.append(None)
                    fallback.append(source)
                else:
                    pooled_at.append((i, len(spans[i])))
                    spans[i].append(located)
        chunk_vectors, span_vectors = self._embed_late(chunks, spans, progress=progress)
        separate = iter(self._embed_texts(fallback, progress=None) if fallback else ())
        own = [span_vectors[at[0]][at[1]] if at is not None else next(separate) for at in pooled_at]
        return chunk_vectors, _assemble(sources, chunk_vectors, iter(own))

    def _embed_late(self, chunks: Sequence[Chunk], spans: list[list[tuple[int, int]]], *,
                    progress: Progress | None) -> tuple[np.ndarray, list[np.ndarray]]:
        """Chunk and span vectors through the cache: a chunk is passed to the engine again unless its
        vector and all its span vectors are cached."""
        prefix = self._embedder.passage_prefix
        chunk_vectors = np.zeros((len(chunks), self._embedder.dimension), np.float32)
        span_vectors = [np.zeros((len(s), self._embedder.dimension), np.float32) for s in spans]
        keys: list[list[bytes]] = []
        if self._cache is not None:
            cache = self._cache
            keys = [[cache.key(chunk.embedding_text, prefix=prefix),
                     *(cache.key(f"{chunk.embedding_text}\x1f{a}:{b}", prefix=_LATE + prefix) for a, b in s)]
                    for chunk, s in zip(chunks, spans, strict=True)]
            found = cache.lookup([key for row in keys for key in row])
        else:
            found = {}
        missing = []
        for i, row in enumerate(keys or [[] for _ in chunks]):
            if row and all(key in found for key in row):
                chunk_vectors[i] = found[row[0]]
                span_vectors[i] = np.stack([found[key] for key in row[1:]]) if len(row) > 1 else span_vectors[i]
            else:
                missing.append(i)
        done = len(chunks) - len(missing)
        if progress is not None and done:
            progress(done, len(chunks))

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, len(chunks))

        if missing:
            computed, pooled = self._embedder.embed_spans(
                [chunks[i].embedding_text for i in missing], [spans[i] for i in missing],
                batch_size=self._batch_size, progress=advance)
            chunk_vectors[missing] = computed
            for j, i in enumerate(missing):
                span_vectors[i] = pooled[j]
            if self._cache is not None:
                self._cache.store([(key, vector) for j, i in enumerate(missing)
                                   for key, vector in zip(keys[i], [computed[j], *pooled[j]], strict=True)])
        logger.info("embedded %d of %d chunks with their units in one pass (%d from the cache)",
                    len(missing), len(chunks), len(chunks) - len(missing))
        return chunk_vectors, span_vectors

    def _embed_texts(self, texts: list[str], *, progress: Progress | None) -> np.ndarray:
        """Embed through the cache: only texts never embedded with this model are computed."""
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, len(texts))

        def compute(missing: list[str]) -> np.ndarray:
            advance(len(texts) - len(missing))  # the cached ones count as done at once
            return self._embedder.embed_passages(missing, batch_size=self._batch_size, progress=advance)

        if self._cache is None:
            return self._embedder.embed_passages(texts, batch_size=self._batch_size, progress=advance)
        vectors, computed = self._cache.embed(texts, prefix=self._embedder.passage_prefix, compute=compute)
        if computed == 0:
            advance(len(texts))
        logger.info("embedded %d of %d texts (%d from the cache)", computed, len(texts), len(texts) - computed)
        return vectors


def _locate(chunk: Chunk, text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """Where ``text`` (a unit at ``span`` of the document) stands in ``chunk.embedding_text``: the
    chunk's text closes its embedding text, so the offset is known; searched for otherwise."""
    base = len(chunk.embedding_text) - len(chunk.text)
    start = base + span[0] - chunk.start
    if start >= 0 and chunk.embedding_text[start:start + len(text)] == text:
        return start, start + len(text)
    found = chunk.embedding_text.find(text)
    return (found, found + len(text)) if found >= 0 else None


def _assemble(sources: list[int | str | None], chunk_vectors: np.ndarray, own: Iterator[np.ndarray]) -> np.ndarray:
    units = np.zeros((len(sources), chunk_vectors.shape[1]), dtype=np.float32)
    for row, source in enumerate(sources):
        if isinstance(source, int):
            units[row] = chunk_vectors[source]
        elif source is not None:
            units[row] = next(own)
    return units
