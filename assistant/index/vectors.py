"""Dense vectors in FAISS: exact inner product below a size threshold, HNSW above it.

Vectors are unit length, so inner product is cosine similarity. Files are written with FAISS's
own serialisation (``write_index``), which holds only arrays, never code.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

_FILE = "vectors.faiss"
# A filtered query over at most this many rows scans them exactly instead of walking the HNSW graph:
# graph search under a selective filter loses neighbours (the graph's paths run through excluded
# rows), while an exact scan of 20k rows costs about 2-4 ms.
EXACT_FILTER_ROWS = 20_000


class VectorIndex:
    """Row ``i`` of the index is chunk row ``i`` of the chunk store."""

    def __init__(self, index: faiss.Index, *, ef_search: int = 128) -> None:
        self._index = index
        self._ef_search = ef_search

    @classmethod
    def build(cls, vectors: np.ndarray, *, hnsw_threshold: int, hnsw_m: int = 32,
              ef_search: int = 128) -> VectorIndex:
        """Exact (``IndexFlatIP``) below ``hnsw_threshold`` rows, else ``IndexHNSWFlat``.

        Cost: exact O(n·d); HNSW O(n·log n·M) and about M·8 bytes a vector on top of the vectors.
        """
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension = vectors.shape[1]
        if len(vectors) >= hnsw_threshold:
            index: faiss.Index = faiss.IndexHNSWFlat(dimension, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = max(40, 2 * hnsw_m)
        else:
            index = faiss.IndexFlatIP(dimension)
        index.add(vectors)
        return cls(index, ef_search=ef_search)

    def add(self, vectors: np.ndarray) -> None:
        """Append rows in place (HNSW links them into its graph). Only for an index loaded without
        ``mmap`` that nothing serves. Cost: exact O(d) a row; HNSW O(log n·M·efConstruction·d) a row."""
        self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSWFlat) else "flat"

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(self, queries: np.ndarray, *, k: int, allowed: np.ndarray | None = None,
               excluded: np.ndarray | None = None) -> list[list[tuple[int, float]]]:
        """The ``k`` nearest rows for each query, best first, as (row, similarity).

        ``allowed`` (sorted int64 rows) restricts the search inside FAISS, so a filter never
        loses hits to the post-filtering of a too-short list; in an HNSW index, up to
        ``EXACT_FILTER_ROWS`` allowed rows are scanned exactly (recall 1 under selective filters).
        ``excluded`` (distinct int64 rows; not with ``allowed``) allows every other row: the same
        search as ``allowed`` set to the complement, without a selector over all rows (at 99k rows
        building it costs ~5 ms a query).
        """
        if allowed is not None and excluded is not None:
            raise ValueError("give allowed or excluded rows, not both")
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        count = len(allowed) if allowed is not None else len(self) - (len(excluded) if excluded is not None else 0)
        k = min(k, count)
        if k <= 0:
            return [[] for _ in range(len(queries))]
        selector = _selector(allowed, excluded)
        if self.kind == "hnsw" and selector is not None and count <= EXACT_FILTER_ROWS:
            storage = faiss.downcast_index(self._index.storage)  # the HNSW's own flat vectors
            scores, rows = storage.search(queries, k, params=faiss.SearchParameters(sel=selector))
        else:
            scores, rows = self._index.search(queries, k, params=self._params(selector))
        return [
            [(int(row), float(score)) for row, score in zip(row_list, score_list, strict=True) if row >= 0]
            for row_list, score_list in zip(rows, scores, strict=True)
        ]

    def _params(self, selector: faiss.IDSelector | None) -> faiss.SearchParameters | None:
        if self.kind == "hnsw":
            return faiss.SearchParametersHNSW(efSearch=self._ef_search, sel=selector)
        return faiss.SearchParameters(sel=selector) if selector is not None else None

    def save(self, directory: Path) -> None:
        faiss.write_index(self._index, str(directory / _FILE))

    @classmethod
    def load(cls, directory: Path, *, ef_search: int = 128, mmap: bool = False) -> VectorIndex:
        """Read the index; with ``mmap`` the vectors (and HNSW links) are mapped from the file, so
        they live in the page cache, shared by every process serving this version, not in each
        process's own memory. A mapped index is read-only: never ``add`` to it (FAISS would crash)."""
        # IO_FLAG_MMAP alone still copies the flat codes into process memory; _IFC maps them.
        flags = faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY if mmap else 0
        return cls(faiss.read_index(str(directory / _FILE), flags), ef_search=ef_search)


def _selector(allowed: np.ndarray | None, excluded: np.ndarray | None) -> faiss.IDSelector | None:
    """FAISS's filter admitting ``allowed``, or every row but ``excluded`` (``None``: no filter).
    Cost: a hash set of the rows given."""
    if excluded is not None:
        return faiss.IDSelectorNot(faiss.IDSelectorBatch(excluded))  # the wrapper keeps its inner selector
    return faiss.IDSelectorBatch(allowed) if allowed is not None else None
