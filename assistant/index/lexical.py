"""The lexical (BM25) side of the hybrid index: Swedish analysis with decompounding, and bm25s over it.

Swedish writes compounds as one word ("bostadsförsörjningsprogrammet"), so plain stemming never lets
a question about "bostad" reach that text. ``SwedishAnalyzer`` therefore emits, for every compound
it recognises, the stems of its parts next to the stem of the whole word, and ``LexicalIndex`` scores
those terms with BM25 (bm25s, Lucene variant). The analysis lives in ``swedish_analyzer``, the
score matrix and the rows' term ids in ``bm25_matrix``; their public names stay importable from here.

Nothing here is pickled: bm25s writes ``.npy`` arrays and JSON, the analyzer writes JSON.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from assistant.index.bm25_matrix import TermCounts, build_bm25
from assistant.index.swedish_analyzer import ANALYSIS_VERSION, STOPWORDS, SwedishAnalyzer

__all__ = ["ANALYSIS_VERSION", "STOPWORDS", "LexicalIndex", "SwedishAnalyzer"]

_ANALYZER_FILE = "analyzer.json"


class LexicalIndex:
    """BM25 (Lucene variant, k1=1.2, b=0.75) over analyzed terms, stored and scored by bm25s.

    Rows are the positions of the texts given to ``build`` (then ``extended``). Besides bm25s' score
    matrix an index keeps every row's term ids (``tokens.npy``, ``lengths.npy``), so ``extended``
    can append rows without analyzing the old texts again. Build with ``build`` or ``load``; the
    constructor only wraps the parts.
    """

    def __init__(self, retriever: bm25s.BM25, analyzer: SwedishAnalyzer, *,
                 terms: TermCounts | Path | None = None) -> None:
        self._retriever = retriever
        self._analyzer = analyzer
        self._terms = terms  # the rows' term ids, or where to read them when extending
        self._sorted_vocabulary: list[str] | None = None  # for prefix look-ups, made when first needed

    @classmethod
    def build(cls, texts: Sequence[str], *, analyzer: SwedishAnalyzer) -> LexicalIndex:
        """Analyze and index ``texts``. Raises ValueError if there are none.

        Cost: one analysis per text (word analyses cached), then a vectorized BM25 over all term
        occurrences (a sort of them: about a second per 10 million).
        """
        if len(texts) == 0:
            raise ValueError("cannot build a lexical index over zero texts")
        terms = TermCounts.empty().appended(texts, analyzer=analyzer)
        return cls(build_bm25(terms), analyzer, terms=terms)

    def extended(self, texts: Sequence[str]) -> LexicalIndex:
        """A new index with ``texts`` appended as the next rows, analyzed by this index's analyzer
        (its lexicon is not grown: old rows keep the terms they were indexed with). Scores of every
        row are recomputed, as BM25's idf and average length change. This index is unchanged.

        Cost: analysis of the new texts only, plus the vectorized BM25 over all occurrences (about
        2 s at 100k rows). Raises ValueError if the row term ids were not saved with the index."""
        terms = self._row_terms()
        if terms is None:
            raise ValueError("this lexical index has no saved term ids; rebuild it")
        terms = terms.appended(texts, analyzer=self._analyzer)
        return LexicalIndex(build_bm25(terms), self._analyzer, terms=terms)

    def _row_terms(self) -> TermCounts | None:
        """The rows' term ids, read from disk if this index was loaded; ``None`` if never saved."""
        if isinstance(self._terms, Path):
            return TermCounts.load(self._terms, vocabulary=self._retriever.vocab_dict)
        return self._terms

    @property
    def extendable(self) -> bool:
        """Whether ``extended`` can append rows (the rows' term ids were kept or saved)."""
        return self._terms is not None

    @property
    def analyzer(self) -> SwedishAnalyzer:
        """The analyzer queries and texts go through."""
        return self._analyzer

    def __len__(self) -> int:
        return int(self._retriever.scores["num_docs"])

    def document_frequency(self, term: str) -> int:
        """In how many rows the analyzed ``term`` occurs (0 if never). Cost: one dictionary lookup."""
        column = self._retriever.vocab_dict.get(term)
        if column is None:
            return 0
        indptr = self._retriever.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])

    def uses_term_starting(self, prefix: str) -> bool:
        """Whether some indexed term starts with ``prefix`` ("praktik" → "praktikplats": a compound
        the analyzer did not split). Cost: a sort of the vocabulary on the first call (about a
        second per million terms), then a binary search."""
        if self._sorted_vocabulary is None:
            self._sorted_vocabulary = sorted(self._retriever.vocab_dict)
        at = bisect.bisect_left(self._sorted_vocabulary, prefix)
        return at < len(self._sorted_vocabulary) and self._sorted_vocabulary[at].startswith(prefix)

    def search(self, query: str, *, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The best ``k`` (row, score) pairs with score > 0, best first (ties: lower row first).

        ``allowed`` is a boolean mask over rows; rows where it is False never appear. A query
        without any indexed term returns []. Repeated query terms count repeatedly, as in Lucene.
        Raises ValueError for k < 1 or a mask of the wrong shape or dtype.

        Cost: BM25 scoring of the query's posting lists into one float32 array over all rows, then
        vectorized selection; no per-row Python work.
        """
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        mask = self._checked_mask(allowed)
        vocabulary = self._retriever.vocab_dict
        ids = [vocabulary[term] for term in self._analyzer.terms(query) if term in vocabulary]
        if not ids or (mask is not None and not mask.any()):
            return []
        # Not bm25s' `retrieve`: it raises when k exceeds the row count and returns zero-score rows.
        scores = self._retriever.get_scores_from_ids(ids, weight_mask=mask)
        return _top_k(scores, k)

    def search_rows(self, query: str, *, k: int, rows: np.ndarray | None = None,
                    excluded: np.ndarray | None = None) -> list[tuple[int, float]]:
        """``search`` within ``rows`` (sorted int64 row numbers; ``None``: every row), or outside
        ``excluded`` rows (int64; not with ``rows``). Cost: ``search`` plus one boolean mask over
        all rows when either is given."""
        if rows is not None and excluded is not None:
            raise ValueError("give rows or excluded rows, not both")
        mask = None
        if rows is not None:
            mask = np.zeros(len(self), dtype=bool)
            mask[rows] = True
        elif excluded is not None:
            mask = np.ones(len(self), dtype=bool)
            mask[excluded] = False
        return self.search(query, k=k, allowed=mask)

    def save(self, directory: Path) -> None:
        """Write the bm25s arrays (``.npy`` without pickle) and JSON, plus ``analyzer.json``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._retriever.save(directory, allow_pickle=False, show_progress=False)
        text = json.dumps(self._analyzer.to_json(), ensure_ascii=False)
        (directory / _ANALYZER_FILE).write_text(text, encoding="utf-8")
        terms = self._row_terms()
        if terms is not None:
            terms.save(directory)

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = False) -> LexicalIndex:
        """Read an index written by ``save``; ``mmap`` maps the score arrays instead of reading them.
        Never unpickles. Raises ValueError if the analyzer was saved by another analysis version."""
        directory = Path(directory)
        data = json.loads((directory / _ANALYZER_FILE).read_text(encoding="utf-8"))
        analyzer = SwedishAnalyzer.from_json(data)
        retriever = bm25s.BM25.load(
            directory, mmap=mmap, allow_pickle=False, load_corpus=False, show_progress=False
        )
        # The row term ids are read only if the index is extended; serving never needs them.
        return cls(retriever, analyzer, terms=directory if TermCounts.saved_in(directory) else None)

    def _checked_mask(self, allowed: np.ndarray | None) -> np.ndarray | None:
        if allowed is None:
            return None
        if allowed.dtype != np.bool_ or allowed.shape != (len(self),):
            raise ValueError(
                f"allowed must be a boolean array of shape ({len(self)},), "
                f"got {allowed.dtype} {allowed.shape}"
            )
        return allowed


def _top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Rows with the ``k`` highest positive scores, best first, ties broken by row for determinism."""
    rows = np.flatnonzero(scores > 0)
    if rows.size > k:
        # Partition first so the sort below touches only the k best (plus rows tied with the k-th).
        kth = np.partition(scores[rows], rows.size - k)[rows.size - k]
        rows = rows[scores[rows] >= kth]
    order = np.lexsort((rows, -scores[rows]))[:k]
    best = rows[order]
    return [(int(row), float(score)) for row, score in zip(best, scores[best], strict=True)]
