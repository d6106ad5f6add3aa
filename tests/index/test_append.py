"""Incremental indexing: a corpus that only gained files is indexed by appending to the serving
version; anything else is rebuilt in full. Also the vector index's behaviour under filters and
memory mapping, which serving at scale relies on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.embed import Embedder
from assistant.facade import IndexState, PolicyAssistant
from assistant.glossary import Glossary
from assistant.index.build import SearchIndex
from assistant.index.vectors import VectorIndex
from tests.conftest import make_assistant

HEBY = ("# Integrationsplan för Heby kommun\n\n## Mötesplatser\n\n"
        "Heby ska öppna mötesplatser för nyanlända i varje tätort.\n")


def _rows(assistant: PolicyAssistant) -> dict[str, str]:
    """chunk id -> text of every chunk the serving index holds."""
    return {c.chunk_id: c.text for c in assistant._require().index.store.all_chunks()}


def test_a_new_file_is_appended_to_the_serving_version(small: PolicyAssistant) -> None:
    base = small.ensure_index()
    before = _rows(small)
    (small.settings.corpus_dir / "heby.md").write_text(HEBY, encoding="utf-8")
    assert small.index_state() is IndexState.STALE
    appended = small.build_index()
    assert appended.appended_to == base.version
    assert appended.documents == base.documents + 1 and appended.chunks > base.chunks
    assert small.index_state() is IndexState.CURRENT  # the next start does not rebuild
    index = small._require().index
    heby_rows = index.store.rows_for(document_id="heby")
    assert list(heby_rows) == list(range(base.chunks, appended.chunks))  # the new rows follow the old ones
    after = _rows(small)
    assert {k: after[k] for k in before} == before  # old chunks unchanged
    assert small.search("mötesplatser i Heby")[0].document_id == "heby"
    assert small.search("Vem är dokumentansvarig för handlingsplanen i Tierp?", k=5)[0].document_id.startswith("tierp")


def test_an_appended_index_holds_what_a_full_build_would(small: PolicyAssistant, tmp_path: Path,
                                                        embedder: Embedder,
                                                        glossary: Glossary) -> None:
    small.ensure_index()
    (small.settings.corpus_dir / "heby.md").write_text(HEBY, encoding="utf-8")
    appended = small.build_index()
    full = make_assistant(tmp_path / "full", embedder, glossary, corpus=small.settings.corpus_dir)
    rebuilt = full.build_index()
    assert rebuilt.appended_to is None and rebuilt.corpus_hash == appended.corpus_hash
    assert _rows(small) == _rows(full)
    ours, theirs = small._require().index, full._require().index
    assert [c.chunk_id for c in ours.store.chunks_of("heby")] == [c.chunk_id for c in theirs.store.chunks_of("heby")]
    # Same vectors for the same chunk (the embedding cache is not shared: embedded twice, same model).
    query = embedder.embed_queries(["mötesplatser för nyanlända"])
    best_ours = ours.store.chunks([ours.vectors.search(query, k=1)[0][0][0]])
    best_theirs = theirs.store.chunks([theirs.vectors.search(query, k=1)[0][0][0]])
    assert [c.chunk_id for c in best_ours.values()] == [c.chunk_id for c in best_theirs.values()]


def test_only_the_new_file_is_parsed_and_embedded(small: PolicyAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.index.pipeline as build

    small.ensure_index()
    (small.settings.corpus_dir / "heby.md").write_text(HEBY, encoding="utf-8")
    parsed: list[str] = []
    embedded: list[int] = []
    original_parse, original_embed = build.parse_files_isolated, small.embedder.embed_passages
    original_pool = small.embedder.embed_spans

    def parse_spy(files, **options):  # type: ignore[no-untyped-def]
        parsed.extend(path.name for path, _ in files)
        return original_parse(files, **options)

    def embed_spy(texts, **options):  # type: ignore[no-untyped-def]
        embedded.append(len(texts))
        return original_embed(texts, **options)

    def pool_spy(texts, spans, **options):  # type: ignore[no-untyped-def]
        embedded.append(len(texts))
        return original_pool(texts, spans, **options)

    monkeypatch.setattr(build, "parse_files_isolated", parse_spy)
    monkeypatch.setattr(small.embedder, "embed_passages", embed_spy)
    monkeypatch.setattr(small.embedder, "embed_spans", pool_spy)
    small.build_index()
    assert parsed == ["heby.md"]
    assert sum(embedded) == len(small._require().index.store.chunks_of("heby"))


@pytest.mark.parametrize("change", ["edit", "remove"])
def test_a_changed_or_removed_file_rebuilds_in_full(small: PolicyAssistant, change: str) -> None:
    small.ensure_index()
    varnamo = small.settings.corpus_dir / "varnamo-policy-for-integrationspolitik.txt"
    (small.settings.corpus_dir / "heby.md").write_text(HEBY, encoding="utf-8")
    if change == "edit":
        varnamo.write_text(varnamo.read_text(encoding="utf-8") + "\nTillägg om bibliotek.\n", encoding="utf-8")
    else:
        varnamo.unlink()
    manifest = small.build_index()
    assert manifest.appended_to is None
    assert ("varnamo-policy-for-integrationspolitik" in small._require().index.store.documents) == (change == "edit")


def test_appending_across_the_hnsw_threshold_rebuilds_as_hnsw(tmp_path: Path, embedder: Embedder,
                                                              glossary: Glossary, small: PolicyAssistant) -> None:
    base = small.ensure_index()
    assistant = make_assistant(small.settings.corpus_dir.parent, embedder, glossary, hnsw_threshold=base.chunks + 1)
    (assistant.settings.corpus_dir / "heby.md").write_text(HEBY, encoding="utf-8")
    manifest = assistant.build_index()
    assert manifest.appended_to is None and manifest.vector_index == "hnsw"


def test_a_corrupt_serving_version_is_rebuilt_not_appended_to(small: PolicyAssistant) -> None:
    base = small.ensure_index()
    current = small.layout.current()
    assert current is not None
    (current / "vectors.faiss").write_bytes(b"not an index")
    (small.settings.corpus_dir / "heby.md").write_text(HEBY, encoding="utf-8")
    manifest = small.build_index()
    assert manifest.appended_to is None and manifest.chunks > base.chunks
    assert small.search("mötesplatser i Heby")[0].document_id == "heby"


def test_appends_chain_and_each_version_is_consistent(small: PolicyAssistant) -> None:
    small.ensure_index()
    versions = []
    for town in ("Heby", "Knivsta", "Älvkarleby"):
        path = small.settings.corpus_dir / f"{town.lower()}.md"
        path.write_text(HEBY.replace("Heby", town), encoding="utf-8")
        versions.append(small.build_index())
    assert [v.appended_to for v in versions[1:]] == [v.version for v in versions[:-1]]
    loaded = SearchIndex.load(small.layout.versions / versions[-1].version)  # raises if counts disagree
    loaded.close()
    assert small.search("mötesplatser i Knivsta")[0].document_id == "knivsta"


# --- the vector index under filters and memory mapping --------------------------------------------------


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_filtered_hnsw_search_is_exact_over_the_allowed_rows() -> None:
    vectors = _unit(3000, 1)
    queries = _unit(20, 2)
    allowed = np.arange(5, 3000, 37, dtype=np.int64)  # a selective filter: 81 rows
    hnsw = VectorIndex.build(vectors, hnsw_threshold=1)
    exact = VectorIndex.build(vectors, hnsw_threshold=10**9)
    assert hnsw.kind == "hnsw"
    found = hnsw.search(queries, k=10, allowed=allowed)
    expected = exact.search(queries, k=10, allowed=allowed)
    assert [[r for r, _ in f] for f in found] == [[r for r, _ in e] for e in expected]


@pytest.mark.parametrize(("threshold", "excluded_count"), [(1, 40), (1, 2900), (10**9, 40)])
def test_excluding_rows_searches_exactly_as_allowing_all_the_others(threshold: int, excluded_count: int) -> None:
    vectors = _unit(3000, 4)
    queries = _unit(20, 5)
    excluded = np.random.default_rng(6).choice(3000, excluded_count, replace=False).astype(np.int64)
    index = VectorIndex.build(vectors, hnsw_threshold=threshold)
    allowed = np.setdiff1d(np.arange(3000), excluded)
    assert index.search(queries, k=10, excluded=excluded) == index.search(queries, k=10, allowed=allowed)
    assert index.search(queries, k=10, excluded=np.arange(3000, dtype=np.int64)) == [[] for _ in range(20)]
    with pytest.raises(ValueError):
        index.search(queries, k=10, allowed=allowed, excluded=excluded)


def test_a_scope_hiding_documents_searches_as_allowing_every_other_row(small: PolicyAssistant) -> None:
    from assistant.index.backend import Scope

    small.ensure_index()
    index = small._require().index
    tierp = "tierp-handlingsplan-for-integration"
    hidden, everything = frozenset({tierp}), frozenset(index.store.documents)
    query, vector = "bostäder för nyanlända", small.embedder.embed_queries(["bostäder för nyanlända"])
    for scope in (Scope(hidden=hidden), Scope(hidden=hidden, municipalities=("Tierp", "Värnamo")),
                  Scope(hidden=everything)):
        rows = index.rows_in(scope)
        assert rows is not None and (len(rows) > 0) == (scope.hidden != everything)
        assert not np.isin(rows, index.store.rows_for(document_id=tierp)).any()
        dense = index.vectors.search(vector, k=50, allowed=rows)[0] if len(rows) else []
        lexical = index.lexical.search_rows(query, k=50, rows=rows) if len(rows) else []
        assert index.dense_search(vector, k=50, scope=scope) == dense
        assert index.lexical_search(query, k=50, scope=scope) == lexical
    assert index.dense_search(vector, k=50, scope=Scope(hidden=hidden))  # the other document is found


def test_a_memory_mapped_index_keeps_its_vectors_out_of_process_memory(tmp_path: Path) -> None:
    vectors = _unit(40_000, 3)  # 61 MB of vectors
    VectorIndex.build(vectors, hnsw_threshold=10**9).save(tmp_path)

    def anonymous_mb() -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
        pytest.skip("no /proc/self/status")

    before = anonymous_mb()
    mapped = VectorIndex.load(tmp_path, mmap=True)
    hits = mapped.search(vectors[:3], k=1)  # touches every vector
    assert [h[0][0] for h in hits] == [0, 1, 2]
    assert anonymous_mb() - before < 20  # the 61 MB are file pages, shared, not a private copy
