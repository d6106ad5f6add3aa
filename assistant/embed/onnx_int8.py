"""``OnnxEmbedder``: a sentence-transformers model run by ONNX Runtime with int8 weights.

``ASSISTANT_EMBEDDING_BACKEND=onnx-int8`` chooses it for a sentence-transformers model; it builds
indexes about twice as fast as torch on CPUs with AVX512-VNNI.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.embed.base import Embedder
from assistant.embed.sentence_transformer import PACKAGED_MINILM, default_prefixes, resolve_model_path

if TYPE_CHECKING:
    import onnx
    from tokenizers import Tokenizer


class OnnxEmbedder(Embedder):
    """The same sentence-transformers model run by ONNX Runtime, its weights quantized to int8.

    Vectors agree with ``SentenceTransformerEmbedder``'s to a cosine of about 0.99 (0.98 at worst
    on the corpus), and ``model_id`` differs from that embedder's, so neither's cached vectors or
    indexes are taken for the other's. Supports BERT-like models with mean pooling and a
    ``tokenizer.json`` (all-MiniLM, e5); ``ValueError`` for other pooling.

    Cost: the first use of a model exports and quantizes it (about 10 s; needs torch and
    sentence-transformers) into ``cache_dir``; later ones load the cached file (about 0.2 s, most of
    it hashing the model's files) and need neither. Embedding runs at about 2.2x the chunks per
    second of the torch embedder on a 2-core CPU with AVX512-VNNI, a query in ~3 ms instead of
    ~11 ms; CPUs without VNNI gain less. Activations are quantized per batch, so a text's vector
    also depends a little on the texts batched with it (cosine ~0.99 between batchings).
    """

    # Bump when the export or quantization below changes: it is part of the cache key.
    RECIPE = "torchscript-eager opset17 bert-fusion per-channel-qint8 matmul+attention v2"

    def __init__(
        self,
        model: str = PACKAGED_MINILM,
        *,
        cache_dir: Path,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        threads: int | None = None,
        quantize: bool = True,
    ) -> None:
        """``quantize=False`` keeps float32 weights: torch's vectors to 1e-6, but only ~1.15x as fast."""
        import onnxruntime
        from tokenizers import Tokenizer

        path = Path(resolve_model_path(model))
        if not path.is_dir():
            from huggingface_hub import snapshot_download

            path = Path(snapshot_download(model))
        self.model_id = f"{model}+onnx-{'int8' if quantize else 'fp32'}"
        self.dimension, self.max_tokens = _mean_pooling_model(path)
        default_query, default_passage = default_prefixes(model)
        self.query_prefix = default_query if query_prefix is None else query_prefix
        self.passage_prefix = default_passage if passage_prefix is None else passage_prefix
        self._counter: Tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._counter.no_truncation()  # tokenizer.json may carry its own (all-MiniLM's: 128)
        self._counter.no_padding()
        self._tokenizer: Tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_tokens)
        self._tokenizer.enable_padding(pad_id=0)  # padded positions are masked out: the id changes nothing

        reduce_range = quantize and not _cpu_has_vnni()  # 7-bit weights avoid u8*s8 overflow without VNNI
        options = {"recipe": self.RECIPE, "quantize": quantize, "reduce_range": reduce_range,
                   **{name: importlib.metadata.version(name) for name in ("onnxruntime", "torch", "transformers")}}
        self.onnx_path = Path(cache_dir) / f"{_fingerprint(path, options)}.onnx"
        if not self.onnx_path.exists():
            _export(path, self.onnx_path, quantize=quantize, reduce_range=reduce_range)
        session_options = onnxruntime.SessionOptions()
        session_options.intra_op_num_threads = threads or os.cpu_count() or 1
        session_options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: much faster when other processes share the cores.
        session_options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(self.onnx_path), session_options, providers=["CPUExecutionProvider"])

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self._tokenizer.encode_batch_fast(list(texts))
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        (tokens,) = self._session.run(None, {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": mask,
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        })
        weights = mask[:, :, None].astype(np.float32)
        pooled = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=False).ids)


def _mean_pooling_model(path: Path) -> tuple[int, int]:
    """``(dimension, max_seq_length)`` of a sentence-transformers model folder whose modules are a
    transformer, mean pooling and optionally normalisation; ``ValueError`` for any other."""
    modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
    kinds = [module["type"].rsplit(".", 1)[-1] for module in modules]
    pooling = json.loads((path / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
    modes = {key for key, value in pooling.items() if key.startswith("pooling_mode_") and value}
    if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]) \
            or modes != {"pooling_mode_mean_tokens"}:
        raise ValueError(f"{path}: only transformer + mean pooling models are supported, not {kinds} {modes}")
    config = json.loads((path / "sentence_bert_config.json").read_text(encoding="utf-8"))
    return int(pooling["word_embedding_dimension"]), int(config["max_seq_length"])


def _fingerprint(path: Path, options: dict[str, object]) -> str:
    """Hash of every file of the model folder and of the export options."""
    digest = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:24]


def _export(path: Path, target: Path, *, quantize: bool, reduce_range: bool) -> None:
    """Export the model's transformer (token embeddings out) to ONNX with dynamic batch and
    sequence axes, fuse its attention, layer norms and GELUs into ONNX Runtime's kernels, quantize
    the weight matrices to int8 per output channel (per-tensor scales lose too much: cosine 0.91;
    the embedding tables stay float32), and write it to ``target`` atomically."""
    from sentence_transformers import SentenceTransformer

    transformer = SentenceTransformer(str(path), device="cpu")[0].auto_model.eval()
    transformer.set_attn_implementation("eager")  # the graph ONNX Runtime's attention fusion recognises
    export_token_model(transformer, target, quantize_ops=["MatMul", "Attention"] if quantize else None,
                       reduce_range=reduce_range)


def export_token_model(model: Any, target: Path, *, quantize_ops: list[str] | None, reduce_range: bool,
                       pad_token_id: int | None = None) -> None:
    """Trace a BERT-like transformers ``model`` (token states out) to ONNX, fuse its attention and
    layer norms, quantize the ``quantize_ops`` to int8 (``None``: keep float32; embedding tables
    stay float32), and write it to ``target`` atomically. Cost: ~30 s for e5-small on 2 cores."""
    import torch
    from onnxruntime.transformers.optimizer import optimize_model

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            return self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                    token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    ids = torch.full((2, 8), 5, dtype=torch.int64)
    mask = torch.ones((2, 8), dtype=torch.int64)
    mask[1, 5:] = 0  # a padded row, so that the trace keeps the masking
    if pad_token_id is not None:
        ids[1, 5:] = pad_token_id
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=".export-"))
    try:
        exported = scratch / "model.onnx"
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
            # The torch.export-based exporter's graph defeats the attention fusion (~20% slower).
            torch.onnx.export(TokenEmbeddings(), (ids, mask, torch.zeros_like(ids)), str(exported),
                              input_names=names, output_names=["token_embeddings"], opset_version=17,
                              dynamic_axes={name: {0: "batch", 1: "sequence"} for name in [*names, "token_embeddings"]},
                              dynamo=False)
        config = model.config
        optimize_model(str(exported), model_type="bert", num_heads=config.num_attention_heads,
                       hidden_size=config.hidden_size, opt_level=0).save_model_to_file(str(exported))
        finish_export(exported, target, quantize_ops=quantize_ops, reduce_range=reduce_range)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def finish_export(exported: Path, target: Path, *, quantize_ops: list[str] | None, reduce_range: bool,
                  rewrite: Callable[[onnx.ModelProto], object] | None = None) -> None:
    """Quantize the ``quantize_ops`` of the float32 graph at ``exported`` to int8 (weights per
    output channel, activations per call), apply ``rewrite``, and move the result to ``target`` (an
    atomic rename: ``exported`` must be on ``target``'s file system). Needs onnx and onnxruntime only."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if quantize_ops:
        quantized = exported.with_name(exported.stem + "-int8.onnx")
        quantize_dynamic(exported, quantized, weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=reduce_range, op_types_to_quantize=quantize_ops,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        exported = quantized
    if rewrite is not None:
        graph = onnx.load(str(exported))
        rewrite(graph)
        onnx.save(graph, str(exported))
    os.replace(exported, target)


def _cpu_has_vnni() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            return any(flag in handle.read() for flag in ("avx512_vnni", "avx_vnni", "amx_int8"))
    except OSError:
        return False


