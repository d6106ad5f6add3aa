"""A full build's parse and embed steps as a pipeline: documents in corpus order, bad files skipped
with their reasons, embedding begun while workers still parse, progress that rises to its total."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import assistant.index.pipeline as pipeline
from assistant.chunk import Chunker
from assistant.embed import Embedder
from assistant.glossary import Glossary
from assistant.index.chunk_vectors import ChunkVectorizer
from assistant.index.parse_cache import ParseCache
from assistant.models import Document
from assistant.parse.guard import ParseLimits
from tests.conftest import CORPUS, WrappingEmbedder


class TimedEmbedder(WrappingEmbedder):
    """The session's embedder, noting when each call to pool spans began."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner)
        self.calls: list[float] = []

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                    **options: object) -> tuple[np.ndarray, list[np.ndarray]]:
        self.calls.append(time.monotonic())
        return self.inner.embed_spans(texts, spans, **options)  # type: ignore[arg-type]


def test_documents_are_embedded_while_the_rest_are_parsed(embedder: Embedder, glossary: Glossary, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "trasig.docx").write_bytes(b"not a word file")
    paths = sorted(tmp_path.iterdir())
    parsed_at: list[float] = []
    original = pipeline.parse_files_isolated

    def noting(files, **options):  # type: ignore[no-untyped-def]
        for item in original(files, **options):
            time.sleep(0.5)  # slow parsing (a scanned PDF, say): the engine must not wait for all of it
            parsed_at.append(time.monotonic())
            yield item

    monkeypatch.setattr(pipeline, "parse_files_isolated", noting)
    timed = TimedEmbedder(embedder)
    chunker = Chunker(count_tokens=embedder.count_tokens, max_tokens=256, overlap_tokens=30, glossary=glossary)
    reports: list[tuple[int, int]] = []
    result = pipeline.embed_while_parsing(
        paths, chunker=chunker, vectorizer=ChunkVectorizer(embedder=timed, batch_size=16, unit_vectors="late"),
        cache=None, limits=ParseLimits(), progress=lambda done, total: reports.append((done, total)),
        group_chunks=20)
    assert [d.id for d in result.documents] == [p.stem for p in paths if p.suffix == ".txt"]
    assert [s.name for s in result.skipped] == ["trasig.docx"]
    vectors, units = result.stacked(384)
    assert vectors.shape == (len(result.chunks), 384) and units.shape[0] == sum(len(c.units) for c in result.chunks)
    assert len(timed.calls) > 1 and timed.calls[0] < parsed_at[-1]  # the engine began before parsing ended
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
    assert reports[-1] == (len(result.chunks), len(result.chunks)) and all(d <= t for d, t in reports)


def test_cached_parses_are_taken_in_order_and_new_ones_stored(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:3]:
        shutil.copy(path, corpus / path.name)
    cache = ParseCache(tmp_path / "parsed.sqlite", version="test")
    paths = sorted(corpus.iterdir())
    first = [doc.id for _, doc in pipeline.parsed_documents(paths[1:2], cache=cache, limits=ParseLimits())
             if isinstance(doc, Document)]
    seen: list[str] = []
    original = pipeline.parse_files_isolated

    def spy(files, **options):  # type: ignore[no-untyped-def]
        seen.extend(path.name for path, _ in files)
        return original(files, **options)

    monkeypatch.setattr(pipeline, "parse_files_isolated", spy)
    results = list(pipeline.parsed_documents(paths, cache=cache, limits=ParseLimits()))
    assert [result.id for _, result in results if isinstance(result, Document)] == [p.stem for p in paths]
    assert first == [paths[1].stem]
    assert seen == [paths[0].name, paths[2].name]  # the cached one was not parsed again
    cache.close()


def test_a_consumer_that_stops_early_leaves_no_feeder_thread(tmp_path: Path) -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        shutil.copy(path, tmp_path / path.name)
    before = {thread.name for thread in threading.enumerate()}
    stream = pipeline.parsed_documents(sorted(tmp_path.iterdir()), cache=None, limits=ParseLimits())
    next(stream)
    stream.close()  # the build failed after the first document, say
    assert "parse-feeder" not in {thread.name for thread in threading.enumerate()} - before
