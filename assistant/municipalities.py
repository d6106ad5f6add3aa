"""Sweden's 290 municipalities: the packaged list, mentions in documents, and names in questions.

Documents name their municipality in running text ("Tierps kommun", "Dals-Eds Kommun", "Åstorp
kommuns"), so ``municipality_mentions`` counts capitalized names on word boundaries, genitive -s
included. Users type names loosely ("in tierp", "Tranas", "astorps kommun"), so
``find_municipalities_in_query`` matches case- and diacritic-insensitively, except for names that are
also ordinary words ("Vara", "Mark", "Lund"), which must be written as names.

Both work on words: text is split into words once, and each word (or pair of words, for "Upplands
Väsby" and "Dals-Ed") is looked up in a dictionary built once per list of names and cached. A call
costs one regex pass over the text plus two look-ups per word, about 1 ms per 10,000 characters.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

_DATA_FILE = "municipalities.txt"

# A word: letters and digits, so "Tierp2018" is one word and not a mention of Tierp.
_WORD = re.compile(r"[^\W_]+")
# What may stand between the two words of one name: "Dals-Ed", "Dals - Ed", "Upplands Väsby".
_NAME_JOINER = re.compile(r"\s*-\s*|[^\S\n]+|\s")
# Words after a name that make it a name even when it is also an ordinary word ("vara kommun").
_MUNICIPALITY_WORDS = frozenset({"kommun", "kommuns", "kommunen", "municipality"})
# Punctuation before a word that makes it the first of a sentence, line or table cell.
_SENTENCE_BREAK = re.compile(r"[.!?:;\n\t|•]")
# Names ending in these letters take no extra genitive -s ("Tranås kommun", not "Tranåss").
_GENITIVE_FREE_ENDINGS = ("s", "x", "z")

# Municipality names that are also common Swedish or English words (or, folded, become one: Åre →
# "are", Ånge → "ange", Malå → "mala"). In a question they count only when written exactly as the
# name, capitalized and with its diacritics, or when followed by "kommun"/"municipality".
COMMON_WORD_NAMES: frozenset[str] = frozenset({
    "Ale", "Berg", "Bjuv", "Boden", "Kil", "Kinda", "Klippan", "Lund", "Malå", "Mark", "Mora",
    "Nora", "Sala", "Salem", "Skara", "Säter", "Trosa", "Vara", "Ånge", "Åre",
})


@functools.cache
def load_municipalities() -> tuple[str, ...]:
    """The 290 municipality names as written in running text, in Swedish alphabetical order.

    Read once from ``assistant/data/municipalities.txt`` and cached.
    """
    return tuple(line.strip() for line in _data_text(_DATA_FILE).splitlines() if line.strip())


def municipality_mentions(text: str, *, names: Iterable[str] | None = None) -> list[tuple[str, int]]:
    """How often each municipality is named in ``text``: ``(name, count)``, most mentioned first.

    Case-sensitive, as names are capitalized in running text; matches whole words only, with the
    genitive -s ("Tierps", "Dals-Eds Kommun", "Åstorp kommuns" count for Tierp, Dals-Ed, Åstorp).
    Names ending in -s, -x or -z (Tranås) take no extra -s. A name that is also an ordinary word
    (``COMMON_WORD_NAMES``) does not count where it opens a sentence, line or table cell ("Vara en
    drivande aktör") unless "kommun" follows. Ties keep the order of first mention.
    Only names with at least one mention are listed. ``names`` defaults to all 290 municipalities.
    Cost: one pass over the text, ~1 ms per 10,000 characters.
    """
    matcher = _matcher(tuple(names) if names is not None else load_municipalities(), folded=False)
    counts = Counter(match.names[0] for match in matcher.find(text) if _is_mention(match))
    return sorted(counts.items(), key=lambda item: -item[1])


def municipality_as_owner_mentions(text: str) -> list[tuple[str, int]]:
    """Like ``municipality_mentions``, counting only mentions followed by "kommun" ("Tierps kommun",
    "Dals-Eds Kommun"): how a municipality's own documents name it, while a government page names
    places ("Pajala Airport", "Jönköpings län", "ett tal i Malmö") without. Cost: as ``municipality_mentions``."""
    matcher = _matcher(load_municipalities(), folded=False)
    counts = Counter(match.names[0] for match in matcher.find(text)
                     if match.followed_by in _MUNICIPALITY_WORDS and _is_mention(match))
    return sorted(counts.items(), key=lambda item: -item[1])


def find_municipalities_in_query(query: str, *, names: Iterable[str]) -> list[str]:
    """Which of ``names`` (say, the municipalities in an index) a question names, in order of
    appearance, each once.

    Case- and diacritic-insensitive ("in tierp", "Tranas", "för dals-ed", "Astorps kommun"), with
    the genitive -s. A name that is also an ordinary word (see ``COMMON_WORD_NAMES``) counts only
    when written exactly as the name or followed by "kommun" or "municipality", so "Vad ska vi
    vara?" names no municipality while "Vara kommun" does. Where two names fold alike (Habo, Håbo),
    the one spelled as typed wins, else both are returned.
    Cost: one pass over the question plus two look-ups per word.
    """
    found: dict[str, None] = {}
    for match in _matcher(tuple(names), folded=True).find(query):
        found.update(dict.fromkeys(_accepted_names(match)))
    return list(found)


# --- matching ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Match:
    """A run of words in a text that spells one or more names (several only when folded)."""

    names: tuple[str, ...]
    spelled: str  # the words as written in the text, joined by single spaces
    genitive: bool
    followed_by: str  # the next word, folded, when only whitespace separates it; else ""
    opens_sentence: bool  # first word of the text, a line, a table cell or a sentence


class _NameMatcher:
    """Names (and their genitives) by their words, exact or folded, with leftmost-longest scanning."""

    def __init__(self, names: tuple[str, ...], *, folded: bool) -> None:
        self._folded = folded
        self._by_key: dict[str, dict[tuple[str, bool], None]] = {}
        for name in dict.fromkeys(names):
            words = _WORD.findall(name)
            if not words:
                continue
            self._add(" ".join(words), name, genitive=False)
            if not name.endswith(_GENITIVE_FREE_ENDINGS):
                self._add(" ".join(words) + "s", name, genitive=True)
        self._most_words = max((key.count(" ") + 1 for key in self._by_key), default=0)
        # First words of the names with several words: only there is a longer look-up worth it.
        self._starts_longer = frozenset(key.split(" ")[0] for key in self._by_key if " " in key)

    def _add(self, spelled: str, name: str, *, genitive: bool) -> None:
        self._by_key.setdefault(self._key(spelled), {})[(name, genitive)] = None

    def _key(self, spelled: str) -> str:
        return _fold(spelled) if self._folded else spelled

    def find(self, text: str) -> Iterator[_Match]:
        words = list(_WORD.finditer(text))
        position = 0
        while position < len(words):
            size, hits = self._match_at(text, words, position)
            if hits is None:
                position += 1
                continue
            yield self._build(text, words, position, size, hits)
            position += size

    def _match_at(self, text: str, words: list[re.Match[str]],
                  position: int) -> tuple[int, dict[tuple[str, bool], None] | None]:
        """The longest name starting at ``position``: (number of words, hits), or (0, None)."""
        first = self._key(words[position].group())
        if first in self._starts_longer:
            for size in range(min(self._most_words, len(words) - position), 1, -1):
                run = words[position:position + size]
                gaps = (text[a.end():b.start()] for a, b in itertools.pairwise(run))
                if all(_NAME_JOINER.fullmatch(gap) for gap in gaps):
                    hits = self._by_key.get(" ".join(self._key(word.group()) for word in run))
                    if hits:
                        return size, hits
        hits = self._by_key.get(first)
        return (1, hits) if hits else (0, None)

    def _build(self, text: str, words: list[re.Match[str]], position: int, size: int,
               hits: dict[tuple[str, bool], None]) -> _Match:
        after = position + size
        following = ""
        if after < len(words) and text[words[after - 1].end():words[after].start()].isspace():
            following = _fold(words[after].group())
        before = text[words[position - 1].end() if position else 0:words[position].start()]
        names = tuple(dict.fromkeys(name for name, _ in hits))
        genitive = all(is_genitive for _, is_genitive in hits)
        spelled = " ".join(word.group() for word in words[position:after])
        opens_sentence = position == 0 or _SENTENCE_BREAK.search(before) is not None
        return _Match(names, spelled, genitive, following, opens_sentence)


@functools.lru_cache(maxsize=32)
def _matcher(names: tuple[str, ...], *, folded: bool) -> _NameMatcher:
    # Cached per list of names: the full list for documents, the index's names for questions.
    return _NameMatcher(names, folded=folded)


def _is_mention(match: _Match) -> bool:
    """A capitalized ordinary word opening a sentence ("Vara en drivande aktör") is not a mention
    unless "kommun" follows; anywhere else a capitalized name is."""
    return not (match.names[0] in COMMON_WORD_NAMES and match.opens_sentence
                and match.followed_by not in _MUNICIPALITY_WORDS)


def _accepted_names(match: _Match) -> tuple[str, ...]:
    """The names a folded match may stand for in a question, after the ordinary-word rule and the
    preference for the spelling typed."""
    written_as = match.spelled[:-1] if match.genitive else match.spelled
    named_as_municipality = match.followed_by in _MUNICIPALITY_WORDS
    accepted = tuple(
        name for name in match.names
        if name not in COMMON_WORD_NAMES or named_as_municipality or written_as == " ".join(_WORD.findall(name))
    )
    exact = tuple(name for name in accepted
                  if " ".join(_WORD.findall(name)).casefold() == written_as.casefold())
    return exact or accepted


# --- helpers -------------------------------------------------------------------------------------------


def _data_text(name: str) -> str:
    """The text of a file in ``assistant/data``, read through importlib.resources."""
    try:
        return (resources.files("assistant") / "data" / name).read_text(encoding="utf-8")
    except NotADirectoryError:
        # An editable install of a namespace package exposes a path entry importlib.resources
        # cannot list; the data folder beside this module is the same folder.
        return (Path(__file__).parent / "data" / name).read_text(encoding="utf-8")


def _fold(text: str) -> str:
    """Lowercase without diacritics: "Tranås" → "tranas", "ÅSTORP" → "astorp"."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
