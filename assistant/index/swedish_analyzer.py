"""Swedish analysis for the lexical index: words, stopwords, Snowball stems, and decompounding.

Swedish writes compounds as one word ("bostadsförsörjningsprogrammet"), so plain stemming never lets
a question about "bostad" reach that text. ``SwedishAnalyzer`` therefore emits, for every compound
it recognises, the stems of its parts next to the stem of the whole word. Its description is JSON
(``to_json``/``from_json``), never a pickle.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_SWEDISH

# Bump whenever a change here changes the terms a text analyzes to: an index saved by another
# version would silently stop matching its queries, so loading one is refused instead.
ANALYSIS_VERSION = 1
_ANALYZER_FORMAT = "policy-assistant/swedish-analyzer"

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
