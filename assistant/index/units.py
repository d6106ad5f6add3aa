"""Unit vectors: one embedding for each answer unit (sentence, list item, table row) of every chunk.

Retrieval finds the passages; the answer step then needs to know *which sentence* of a passage
answers the question, across languages. Embedding a passage's sentences at question time would cost
about a second, so they are embedded once, when the index is built, and scored at question time
with one small matrix product.

On disk (``units/`` in an index version): ``vectors.npy`` (float16, one row per unit; half the size
of float32 and the same ranking) and ``offsets.npy`` (int64, chunk count + 1): chunk row ``r``'s
units are rows ``offsets[r]:offsets[r + 1]``, in the order of ``Chunk.units``. Loaded with
``allow_pickle=False``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

_DIR = "units"


class UnitVectors:
    """The unit vectors of one index version. Cost of ``similarities``: a gather and a product of
    (units of the rows) × dimension."""

    def __init__(self, vectors: np.ndarray, offsets: np.ndarray) -> None:
        if offsets.ndim != 1 or len(offsets) < 1 or int(offsets[-1]) != len(vectors) or offsets[0] != 0:
            raise ValueError(f"unit offsets end at {int(offsets[-1]) if len(offsets) else None}, "
                             f"but there are {len(vectors)} unit vectors")
        self._vectors = vectors
        self._offsets = offsets

    @classmethod
    def build(cls, vectors: np.ndarray, counts: Sequence[int]) -> UnitVectors:
        """From the vectors of all units in chunk order and each chunk's number of units."""
        offsets = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(np.asarray(counts, dtype=np.int64), out=offsets[1:])
        return cls(np.ascontiguousarray(vectors, dtype=np.float16), offsets)

    def __len__(self) -> int:
        """How many chunk rows this covers."""
        return len(self._offsets) - 1

    @property
    def unit_count(self) -> int:
        return len(self._vectors)

    def similarities(self, rows: Sequence[int], query: np.ndarray) -> list[np.ndarray]:
        """For each chunk row, the cosine of each of its units with the unit-length ``query`` vector."""
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        spans = [(int(self._offsets[row]), int(self._offsets[row + 1])) for row in rows]
        if not spans:
            return []
        gathered = np.concatenate([np.asarray(self._vectors[a:b], dtype=np.float32) for a, b in spans])
        scores = gathered @ query
        out, at = [], 0
        for a, b in spans:
            out.append(scores[at:at + b - a])
            at += b - a
        return out

    def extended(self, vectors: np.ndarray, counts: Sequence[int]) -> UnitVectors:
        """These units followed by those of new chunk rows (a new object; this one is unchanged)."""
        added = UnitVectors.build(vectors, counts)
        offsets = np.concatenate([self._offsets, self._offsets[-1] + added._offsets[1:]])
        return UnitVectors(np.concatenate([np.asarray(self._vectors), added._vectors]), offsets)

    def save(self, directory: Path) -> None:
        target = directory / _DIR
        target.mkdir(exist_ok=True)
        np.save(target / "vectors.npy", np.asarray(self._vectors, dtype=np.float16), allow_pickle=False)
        np.save(target / "offsets.npy", self._offsets, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = False) -> UnitVectors:
        """Read a version's unit vectors; with ``mmap`` they stay in the shared page cache."""
        source = directory / _DIR
        vectors = np.load(source / "vectors.npy", mmap_mode="r" if mmap else None, allow_pickle=False)
        offsets = np.load(source / "offsets.npy", allow_pickle=False)
        return cls(vectors, offsets)
