"""The rows' term ids and the BM25 score matrix computed from them.

``TermCounts`` keeps every row's analyzed term ids (saved as ``tokens.npy`` and ``lengths.npy``,
never pickled), so rows can be appended without analyzing the old texts again; ``build_bm25``
turns them into bm25s' Lucene score matrix with array operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from assistant.index.swedish_analyzer import SwedishAnalyzer

_TOKENS_FILE = "tokens.npy"
_LENGTHS_FILE = "lengths.npy"
_K1, _B = 1.2, 0.75


@dataclass(frozen=True)
class TermCounts:
    """Every row's term ids, concatenated (``tokens``), with each row's length in terms."""

    tokens: np.ndarray  # int32
    lengths: np.ndarray  # int64, one per row
    vocabulary: dict[str, int]

    @classmethod
    def empty(cls) -> TermCounts:
        """No rows and no terms."""
        return cls(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64), {})

    def appended(self, texts: Sequence[str], *, analyzer: SwedishAnalyzer) -> TermCounts:
        """These rows and then ``texts``; new terms get the next ids. Cost: analysis of ``texts``."""
        vocabulary = dict(self.vocabulary)
        rows = [[vocabulary.setdefault(term, len(vocabulary)) for term in analyzer.terms(text)] for text in texts]
        added = np.fromiter((i for row in rows for i in row), dtype=np.int32)
        lengths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
        return TermCounts(np.concatenate([self.tokens, added]), np.concatenate([self.lengths, lengths]),
                          vocabulary)

    def save(self, directory: Path) -> None:
        """Write ``tokens.npy`` and ``lengths.npy`` into ``directory`` (no pickle; not the vocabulary,
        which bm25s saves). Cost: one write of the arrays."""
        np.save(directory / _TOKENS_FILE, self.tokens, allow_pickle=False)
        np.save(directory / _LENGTHS_FILE, self.lengths, allow_pickle=False)

    @staticmethod
    def saved_in(directory: Path) -> bool:
        """Whether ``directory`` holds the files ``save`` writes."""
        return (directory / _TOKENS_FILE).is_file() and (directory / _LENGTHS_FILE).is_file()

    @classmethod
    def load(cls, directory: Path, *, vocabulary: dict[str, int]) -> TermCounts:
        """The term ids ``save`` wrote, with the index's ``vocabulary``. Never unpickles. Raises
        ValueError when they do not fit the vocabulary. Cost: one read of the arrays."""
        tokens = np.load(directory / _TOKENS_FILE, allow_pickle=False)
        lengths = np.load(directory / _LENGTHS_FILE, allow_pickle=False)
        if int(lengths.sum()) != len(tokens) or (len(tokens) and int(tokens.max()) >= len(vocabulary)):
            raise ValueError(f"the saved term ids in {directory} do not match its vocabulary")
        return cls(tokens.astype(np.int32, copy=False), lengths.astype(np.int64, copy=False), dict(vocabulary))


def build_bm25(terms: TermCounts) -> bm25s.BM25:
    """bm25s' Lucene BM25 score matrix (CSC: a column per term, rows ascending), computed with
    array operations instead of bm25s' per-document Python loop; the same scores as
    ``bm25s.BM25(method="lucene").index``. Cost: one sort of all (term, row) occurrences."""
    rows_count, vocabulary_size = len(terms.lengths), len(terms.vocabulary)
    rows = np.repeat(np.arange(rows_count, dtype=np.int64), terms.lengths)
    # One key per occurrence, ordered by term then row: unique() gives the CSC order and the counts.
    pairs, tf = np.unique(terms.tokens.astype(np.int64) * rows_count + rows, return_counts=True)
    term_of, row_of = np.divmod(pairs, rows_count)
    df = np.bincount(term_of, minlength=vocabulary_size)
    idf = np.log(1 + (rows_count - df + 0.5) / (df + 0.5)).astype(np.float32)
    average = terms.lengths.mean() if rows_count and terms.lengths.any() else 1.0
    length = terms.lengths[row_of]
    tf = tf.astype(np.float32)
    data = idf[term_of] * (tf / (_K1 * ((1 - _B) + _B * length / average) + tf))
    indptr = np.zeros(vocabulary_size + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    retriever = bm25s.BM25(method="lucene", k1=_K1, b=_B)
    retriever.scores = {"data": data.astype(np.float32), "indices": row_of.astype(np.int32),
                        "indptr": indptr, "num_docs": rows_count}
    retriever.vocab_dict = terms.vocabulary
    retriever.nonoccurrence_array = None  # Lucene BM25 scores no term a row lacks
    return retriever
