"""The lexical (BM25) side of the hybrid index: Swedish analysis with decompounding, and bm25s over it.

Swedish writes compounds as one word ("bostadsförsörjningsprogrammet"), so plain stemming never lets
a question about "bostad" reach that text. ``SwedishAnalyzer`` therefore emits, for every compound
it recognises, the stems of its parts next to the stem of the whole word, and ``LexicalIndex`` scores
those terms with BM25 (bm25s, Lucene variant).

Nothing here is pickled: bm25s writes ``.npy`` arrays and JSON, the analyzer writes JSON.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_SWEDISH

# Bump whenever a change here changes the terms a text analyzes to: an index saved by another
# version would silently stop matching its queries, so loading one is refused instead.
ANALYSIS_VERSION = 1
_ANALYZER_FORMAT = "policy-assistant/swedish-analyzer"
_ANALYZER_FILE = "analyzer.json"

# Letters (any script, incl. åäöéü) and digits; "_" is a word character to `\w` but not to us.
_WORD_RE = re.compile(r"[^\W_]+")

# The NLTK lists bm25s ships, plus Swedish function words they lack but policies are full of.
STOPWORDS: frozenset[str] = frozenset(STOPWORDS_SWEDISH) | frozenset(STOPWORDS_EN) | frozenset(
    {"ska", "skall", "samt", "även", "bör", "också", "dock", "kunna", "får", "fått"}
)

# Never accepted as a compound part: function words (a part "för" or "inom" would turn half the
# vocabulary into junk splits), and word forms that are really derivational suffixes
# ("verksam|heter", "utanför|skap", "ung|dom").
_NEVER_PARTS: frozenset[str] = STOPWORDS | frozenset(
    {
        "genom", "enligt", "andra", "annan", "annat", "både", "mer", "mera", "mest", "fler", "flera",
        "ännu", "redan", "bland", "kring", "inför", "hos", "per", "via", "dels", "inga", "inget",
        "före", "bakom", "igenom", "omkring", "ute", "inne", "alltid", "aldrig",
        "vidare", "inter",
        "het", "heten", "heter", "skap", "skapet", "sam", "bar", "lig", "ning", "else", "ande",
        "ende", "dom", "tion", "ism", "ist", "isk", "iska",
        # inflection endings that are also words: "kommun|ens", "resur|ser", "upprät|tas"
        "ens", "sen", "ser", "tas", "and", "anden", "aren",
    }
)

# Common heads and modifiers of compounds in municipal Swedish. A small corpus never has them all
# standalone ("enhet" occurs only inside "arbetsmarknadsenheten"), and a part must be a known word.
_COMMON_WORDS: tuple[str, ...] = (
    "ansvar", "arbete", "avdelning", "avtal", "barn", "behov", "beslut", "bibliotek", "bidrag",
    "bostad", "boende", "budget", "chef", "del", "ekonomi", "elev", "enhet", "familj", "flykting",
    "folk", "fritid", "fråga", "förening", "företag", "förskola", "försörjning", "förvaltning",
    "fullmäktige", "grupp", "handling", "hem", "hus", "hälsa", "idrott", "information", "insats",
    "integration", "invånare", "jämställdhet", "kommun", "kontakt", "kostnad", "kultur", "kunskap",
    "kurs", "kvalitet", "land", "ledning", "liv", "lägenhet", "lärare", "marknad", "medborgare",
    "miljö", "mottagning", "myndighet", "mål", "mångfald", "möte", "nämnd", "nätverk", "omsorg",
    "område", "organisation", "perspektiv", "plan", "plats", "policy", "politik", "praktik",
    "process", "program", "projekt", "rapport", "region", "resurs", "samarbete", "samhälle",
    "samverkan", "service", "skola", "språk", "stad", "stat", "strategi", "studie", "styrelse",
    "stöd", "tjänst", "ungdom", "uppdrag", "uppföljning", "utbildning", "utveckling", "verksamhet",
    "vuxen", "vård", "värld",
)

# True umlaut plurals, mapped to the singular before stemming, because Snowball leaves the vowel
# ("bostäder" -> "bostäd", but "bostad" -> "bost"). Matched at the end of a word so compounds
# ("hyresbostäder", "ursprungsländer") are covered; definite and genitive endings included.
# Deliberately absent: "händer" and "tänder", which are also verbs ("det händer", "tänder ljus").
_UMLAUT_PLURALS: dict[str, str] = {
    "städer": "stad", "länder": "land", "böcker": "bok", "fötter": "fot", "söner": "son",
    "bröder": "bror", "nätter": "natt", "stränder": "strand", "bönder": "bonde", "rötter": "rot",
}
_UMLAUT_RE = re.compile(r"(" + "|".join(_UMLAUT_PLURALS) + r")(?:na|nas|s)?$")

_MIN_COMPOUND = 8  # shorter words are rarely compounds, and splitting them mostly finds junk
_MAX_COMPOUND = 40  # longer "words" are extraction debris; the split search is quadratic in length
_MAX_PARTS = 3
_MIN_FIRST_PART = 4
_MIN_PART = 3
_LINKING_VOWELS = frozenset("aeou")  # "gatu|kök" from gata, "kyrko|gård" from kyrka, "familje|"
_DROPPED_VOWELS = ("a", "e", "o")  # "skol|gång" from skola, "pojk|vän" from pojke
_CACHE_SIZE = 1 << 18  # distinct word forms remembered; a large municipal corpus has ~10^5


def _words(text: str) -> list[str]:
    """Lowercased words of ``text`` (NFC, so decomposed "a" + ring from PDFs equals "å")."""
    return _WORD_RE.findall(unicodedata.normalize("NFC", text).lower())


def _singular_of_umlaut_plural(word: str) -> str:
    return _UMLAUT_RE.sub(lambda match: _UMLAUT_PLURALS[match.group(1)], word)


class _Part(NamedTuple):
    """One part of a compound: its letters (minus a linking "s") and the term it emits."""

    body: str
    term: str
    exact: bool  # the body is itself a known word, not a linking form or an inflection of one
    span: int  # letters of the compound it covers, linking "s" included


_Cost = tuple[int, int, int]  # (parts, inexact parts, -sum of squared part lengths): smaller wins
_Split = tuple[_Cost, tuple[_Part, ...]]


class SwedishAnalyzer:
    """Turns text into index terms: lowercase, split into words (letters incl. åäöéü and digits), drop
    Swedish and English stopwords, Snowball-stem with PyStemmer ("swedish"), and add the stems of the
    parts of compound words.

    A word of 8-40 letters is split into 2-3 parts of at least 3 letters (the first at least 4).
    Leading parts are lexicon words, optionally followed by a linking "s" ("bostad|s|försörjning"),
    or linking forms of one with a dropped, added or changed final vowel ("arbet(e)|s|marknad",
    "familje|omsorg", "gatu|kök"); the last part may be any inflection of a lexicon word (same stem:
    "arbetsmarknad|s|enheten" with "enhet"). Function words and suffix-like words ("heter", "ande",
    "ens") are never parts. Among the splits the one with the fewest parts wins, then the one with most
    exact-word parts, then the one with the longest parts. Parts of 8+ letters are split again, so
    "arbetsmarknadsenheten" yields the terms of "arbetsmarknad", "arbete", "marknad" and "enhet"
    besides its own stem. Digits-bearing tokens ("2017", "ks2017") are kept verbatim.

    Cost: a word is analyzed once per instance (LRU cache of 2^18 forms); a new word of n letters
    costs O(n^2) cached part look-ups, i.e. tens of microseconds. Thread-safe (PyStemmer stemmers
    are not, so stemming is serialized by a lock).
    """

    def __init__(self, *, lexicon: Iterable[str] = ()) -> None:
        """``lexicon``: known Swedish word forms; entries are lowercased and split into words, and
        only alphabetic words of 3+ letters that are not stopwords are kept (the rest can never be
        parts)."""
        self._stemmer = Stemmer.Stemmer("swedish")
        self._stem_lock = threading.Lock()
        self._lexicon: frozenset[str] = frozenset(
            word
            for entry in lexicon
            for word in _words(entry)
            if word.isalpha() and len(word) >= _MIN_PART and word not in _NEVER_PARTS
        )
        self._part_stems: frozenset[str] = frozenset(
            stem for stem in map(self._stem, self._lexicon) if len(stem) >= _MIN_PART
        )
        # Per-instance caches: the results depend on this instance's lexicon.
        self._word_terms: Callable[[str], tuple[str, ...]] = functools.lru_cache(maxsize=_CACHE_SIZE)(
            self._analyze_word
        )
        self._part: Callable[[str, bool, bool], _Part | None] = functools.lru_cache(
            maxsize=_CACHE_SIZE
        )(self._match_part)

    @classmethod
    def from_texts(
        cls, texts: Iterable[str], *, extra_words: Iterable[str] = (), min_count: int = 1
    ) -> SwedishAnalyzer:
        """An analyzer whose lexicon is every word occurring at least ``min_count`` times in ``texts``,
        plus ``extra_words`` (e.g. glossary forms) and a built-in list of ~100 common heads of
        municipal compounds ("enhet", "marknad", ...). One pass over the texts."""
        counts = Counter(word for text in texts for word in _words(text))
        frequent = (word for word, count in counts.items() if count >= min_count)
        return cls(lexicon=[*frequent, *extra_words, *_COMMON_WORDS])

    @property
    def lexicon(self) -> frozenset[str]:
        """The words that may be compound parts."""
        return self._lexicon

    def terms(self, text: str) -> list[str]:
        """The index terms of ``text``, in text order, with repeats (BM25 counts them)."""
        terms: list[str] = []
        for word in _words(text):
            terms.extend(self._word_terms(word))
        return terms

    def split_compound(self, word: str) -> tuple[str, ...]:
        """The top-level parts ``word`` is split into (linking "s" removed), or () if it is not
        recognised as a compound. For inspection and tests; ``terms`` is what indexing uses."""
        words = _words(word)
        if len(words) != 1:
            return ()
        return tuple(part.body for part in self._best_split(words[0]))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description from which ``from_json`` rebuilds an identical analyzer."""
        return {"format": _ANALYZER_FORMAT, "version": ANALYSIS_VERSION, "lexicon": sorted(self._lexicon)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SwedishAnalyzer:
        """Inverse of ``to_json``. Raises ValueError for another format or analysis version, since
        terms from a different analysis would not match the index they were saved with."""
        if data.get("format") != _ANALYZER_FORMAT:
            raise ValueError(f"not a Swedish analyzer description: format={data.get('format')!r}")
        if data.get("version") != ANALYSIS_VERSION:
            raise ValueError(
                f"analyzer saved with analysis version {data.get('version')!r}, this code has "
                f"{ANALYSIS_VERSION}: rebuild the index"
            )
        return cls(lexicon=data["lexicon"])

    # --- word analysis -------------------------------------------------------------------------

    def _stem(self, word: str) -> str:
        normalized = _singular_of_umlaut_plural(word)
        with self._stem_lock:
            return self._stemmer.stemWord(normalized)

    def _analyze_word(self, word: str) -> tuple[str, ...]:
        """The terms of one lowercased word: its stem, then the stems of its parts; () if it is a
        stopword or a single letter (abbreviation debris: "t o m")."""
        if word in STOPWORDS or (len(word) == 1 and word.isalpha()):
            return ()
        if not word.isalpha():
            return (word,)  # numbers and codes: a stemmer has nothing to say about "2017"
        terms = [self._stem(word)]
        for part in self._best_split(word):
            terms.append(part.term)
            if len(part.body) >= _MIN_COMPOUND:
                terms.extend(self._word_terms(part.body)[1:])
        return tuple(dict.fromkeys(terms))  # a part may stem like the whole word: emit it once

    def _best_split(self, word: str) -> tuple[_Part, ...]:
        """The preferred split of ``word`` into 2-3 parts, or () if there is none.

        Dynamic programming over (start position, parts left), memoized per call; cost O(n^2) part
        look-ups, which are themselves cached across words.
        """
        if not (_MIN_COMPOUND <= len(word) <= _MAX_COMPOUND) or not word.isalpha():
            return ()
        memo: dict[tuple[int, int], _Split | None] = {}

        def best(start: int, parts_left: int) -> _Split | None:
            key = (start, parts_left)
            if key not in memo:
                memo[key] = self._best_from(word, start, parts_left, best)
            return memo[key]

        found = best(0, _MAX_PARTS)
        return found[1] if found else ()

    def _best_from(
        self, word: str, start: int, parts_left: int, best: Callable[[int, int], _Split | None]
    ) -> _Split | None:
        """Cheapest split of ``word[start:]`` into at most ``parts_left`` parts (at least two
        overall: the whole word is never its own single part)."""
        candidates: list[_Split] = []
        if start > 0 and (tail := self._part(word[start:], True, False)) is not None:
            candidates.append((_cost(tail), (tail,)))
        if parts_left > 1:
            min_len = _MIN_FIRST_PART if start == 0 else _MIN_PART
            for end in range(start + min_len, len(word) - _MIN_PART + 1):
                head = self._part(word[start:end], False, start == 0)
                rest = best(end, parts_left - 1) if head is not None else None
                if head is not None and rest is not None:
                    cost = tuple(a + b for a, b in zip(_cost(head), rest[0], strict=True))
                    candidates.append((cost, (head, *rest[1])))  # type: ignore[arg-type]
        return min(candidates, key=lambda split: split[0], default=None)

    def _match_part(self, segment: str, final: bool, first: bool) -> _Part | None:
        """``segment`` as a compound part, or None.

        A final part may be any inflection of a lexicon word (matched by stem: "enheten" for
        "enhet"). A non-final part must be a lexicon word as written, optionally followed by a
        linking "s", or one whose final vowel was dropped ("skol|gång" from skola, "arbet|s|
        marknad" from arbete), added ("familje|omsorg") or changed ("hälso|främjande" from hälsa).
        Matching non-final parts by stem instead would split off inflection endings that happen to
        be words ("kompet|ens", "resur|ser").
        """
        min_len = _MIN_FIRST_PART if first else _MIN_PART
        if final:
            return self._final_part(segment, min_len)
        # A linking "s" first: the lexicon may also hold "arbetsmarknads" (from "arbetsmarknads- och
        # ..."), whose stem differs from that of "arbetsmarknad".
        bodies = [segment[:-1], segment] if segment.endswith("s") else [segment]
        bodies = [body for body in bodies if len(body) >= min_len and body not in _NEVER_PARTS]
        for body in bodies:
            if body in self._lexicon:
                return _Part(body, self._stem(body), exact=True, span=len(segment))
        for body in bodies:
            if (word := self._vowel_variant(body)) is not None:
                return _Part(body, self._stem(word), exact=False, span=len(segment))
        return None

    def _final_part(self, segment: str, min_len: int) -> _Part | None:
        if len(segment) < min_len or segment in _NEVER_PARTS:
            return None
        if segment in self._lexicon:
            return _Part(segment, self._stem(segment), exact=True, span=len(segment))
        stem = self._stem(segment)
        # "ande" and "skap" stem like the words "anda" and "skapa"; the stem must not be junk either.
        if stem in self._part_stems and stem not in _NEVER_PARTS:
            return _Part(segment, stem, exact=False, span=len(segment))
        return None

    def _vowel_variant(self, body: str) -> str | None:
        """The lexicon word ``body`` is a linking form of by a dropped, added or changed final vowel."""
        candidates = [body + vowel for vowel in _DROPPED_VOWELS]
        if body[-1] in _LINKING_VOWELS:
            candidates += [body[:-1], *(body[:-1] + vowel for vowel in _DROPPED_VOWELS)]
        return next((word for word in candidates if word in self._lexicon and word != body), None)


def _cost(part: _Part) -> _Cost:
    # Squared lengths count the linking "s", so "näringslivs|enheten" beats "näringsliv|senheten".
    return (1, 0 if part.exact else 1, -part.span**2)


class LexicalIndex:
    """BM25 (Lucene variant, k1=1.2, b=0.75) over analyzed terms, stored and scored by bm25s.

    Rows are the positions of the texts given to ``build`` (then ``extended``). Besides bm25s' score
    matrix an index keeps every row's term ids (``tokens.npy``, ``lengths.npy``), so ``extended``
    can append rows without analyzing the old texts again. Build with ``build`` or ``load``; the
    constructor only wraps the parts.
    """

    def __init__(self, retriever: bm25s.BM25, analyzer: SwedishAnalyzer, *,
                 terms: _TermCounts | Path | None = None) -> None:
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
        terms = _TermCounts.empty().appended(texts, analyzer=analyzer)
        return cls(_bm25(terms), analyzer, terms=terms)

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
        return LexicalIndex(_bm25(terms), self._analyzer, terms=terms)

    def _row_terms(self) -> _TermCounts | None:
        """The rows' term ids, read from disk if this index was loaded; ``None`` if never saved."""
        if isinstance(self._terms, Path):
            return _TermCounts.load(self._terms, vocabulary=self._retriever.vocab_dict)
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
        return cls(retriever, analyzer, terms=directory if _TermCounts.saved_in(directory) else None)

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


_TOKENS_FILE = "tokens.npy"
_LENGTHS_FILE = "lengths.npy"
_K1, _B = 1.2, 0.75


@dataclass(frozen=True)
class _TermCounts:
    """Every row's term ids, concatenated (``tokens``), with each row's length in terms."""

    tokens: np.ndarray  # int32
    lengths: np.ndarray  # int64, one per row
    vocabulary: dict[str, int]

    @classmethod
    def empty(cls) -> _TermCounts:
        return cls(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64), {})

    def appended(self, texts: Sequence[str], *, analyzer: SwedishAnalyzer) -> _TermCounts:
        """These rows and then ``texts``; new terms get the next ids. Cost: analysis of ``texts``."""
        vocabulary = dict(self.vocabulary)
        rows = [[vocabulary.setdefault(term, len(vocabulary)) for term in analyzer.terms(text)] for text in texts]
        added = np.fromiter((i for row in rows for i in row), dtype=np.int32)
        lengths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
        return _TermCounts(np.concatenate([self.tokens, added]), np.concatenate([self.lengths, lengths]),
                           vocabulary)

    def save(self, directory: Path) -> None:
        np.save(directory / _TOKENS_FILE, self.tokens, allow_pickle=False)
        np.save(directory / _LENGTHS_FILE, self.lengths, allow_pickle=False)

    @staticmethod
    def saved_in(directory: Path) -> bool:
        return (directory / _TOKENS_FILE).is_file() and (directory / _LENGTHS_FILE).is_file()

    @classmethod
    def load(cls, directory: Path, *, vocabulary: dict[str, int]) -> _TermCounts:
        tokens = np.load(directory / _TOKENS_FILE, allow_pickle=False)
        lengths = np.load(directory / _LENGTHS_FILE, allow_pickle=False)
        if int(lengths.sum()) != len(tokens) or (len(tokens) and int(tokens.max()) >= len(vocabulary)):
            raise ValueError(f"the saved term ids in {directory} do not match its vocabulary")
        return cls(tokens.astype(np.int32, copy=False), lengths.astype(np.int64, copy=False), dict(vocabulary))


def _bm25(terms: _TermCounts) -> bm25s.BM25:
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
