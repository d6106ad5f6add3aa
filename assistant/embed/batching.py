"""Concurrent question embeddings, embedded together.

Under load many request threads embed one question each at the same moment. Run side by side,
each engine call spreads over every core and they crowd each other out; run as one batch, the
engine does the same work once, with its threads busy on one matrix. ``QueryBatcher`` keeps one
worker thread that takes every question waiting, embeds them in one call, and hands each caller
its row. A question arriving alone is embedded at once (no waiting window): batching happens only
because questions queue up while the engine is busy.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.embed.base import Embedder


@dataclass
class _Waiting:
    texts: Sequence[str]
    done: threading.Event = field(default_factory=threading.Event)
    vectors: np.ndarray | None = None
    error: BaseException | None = None


class QueryBatcher(Embedder):
    """``inner`` with its ``embed_queries`` calls from many threads merged into batches of up to
    ``max_batch`` questions; everything else goes straight to ``inner``. The same vectors as
    ``inner`` (the engine embeds each row independently). Cost: a thread handoff (~50 µs) per call."""

    def __init__(self, inner: Embedder, *, max_batch: int = 32) -> None:
        self.inner = inner
        self.model_id, self.dimension, self.max_tokens = inner.model_id, inner.dimension, inner.max_tokens
        self.query_prefix, self.passage_prefix = inner.query_prefix, inner.passage_prefix
        self.late_chunking = inner.late_chunking
        self._max_batch = max_batch
        self._queue: list[_Waiting] = []
        self._ready = threading.Condition()
        self._worker: threading.Thread | None = None
        self.batches = 0  # engine calls made for questions (for benchmarks and tests)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_batch(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def embed_passages(self, texts: Sequence[str], **options: object) -> np.ndarray:  # type: ignore[override]
        return self.inner.embed_passages(texts, **options)  # type: ignore[arg-type]

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                    **options: object) -> tuple[np.ndarray, list[np.ndarray]]:
        return self.inner.embed_spans(texts, spans, **options)  # type: ignore[arg-type]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """The questions' vectors, embedded together with whatever other threads asked meanwhile."""
        waiting = _Waiting(list(texts))
        with self._ready:
            self._queue.append(waiting)
            if self._worker is None:  # started on first use, not at construction or import
                self._worker = threading.Thread(target=self._work, name="query-embedder", daemon=True)
                self._worker.start()
            self._ready.notify()
        waiting.done.wait()
        if waiting.error is not None:
            raise waiting.error
        assert waiting.vectors is not None
        return waiting.vectors

    def _work(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                batch, size = [], 0
                while self._queue and (not batch or size + len(self._queue[0].texts) <= self._max_batch):
                    item = self._queue.pop(0)
                    batch.append(item)
                    size += len(item.texts)
            self._embed(batch)

    def _embed(self, batch: list[_Waiting]) -> None:
        try:
            vectors = self.inner.embed_queries([text for item in batch for text in item.texts])
            self.batches += 1
            at = 0
            for item in batch:
                item.vectors, at = vectors[at:at + len(item.texts)], at + len(item.texts)
        except BaseException as error:
            for item in batch:
                item.error = error
        for item in batch:
            item.done.set()
