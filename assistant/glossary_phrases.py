"""Word-level phrase matching for the glossary: tokens, phrase keys, diacritic folding, scanning.

Matching works on words, not characters: text is split into lowercase word tokens, and a phrase
matches a run of tokens separated only by spaces, hyphens, slashes, dots, colons or apostrophes
(so "Kultur- och fritidschef", "FN:s" and "t.o.m." match "kultur- och fritidschef", "fn:s" and
"t o m"). ``PhraseIndex`` scans leftmost-longest: at each token the longest phrase wins and its
tokens are consumed, so no word is used twice. A scan costs one regex pass over the text plus a
few dictionary look-ups per word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence

# A word: letters and digits, with inner apostrophes kept ("what's", "officer's").
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# What may stand between the words of one multi-word phrase; anything else (a comma, a line of
# punctuation, a long gap) ends the phrase.
_JOINER = re.compile(r"[\s\-–—/.:'’]{1,4}")


class PhraseIndex:
    """Phrases (as space-joined lowercase tokens) → entry indexes, with leftmost-longest scanning."""

    def __init__(self, phrases_by_entry: Mapping[int, Sequence[str]], *, idioms: Sequence[str] = ()) -> None:
        """Index each entry's phrases by ``phrase_key``; ``idioms`` are phrases scanned as one unit
        naming no entry, so their words name none either ("relative to" is no relative). Cost: one
        tokenizing pass per phrase."""
        by_key: dict[str, dict[int, None]] = {phrase_key(idiom): {} for idiom in idioms}
        for index, phrases in phrases_by_entry.items():
            for phrase in phrases:
                key = phrase_key(phrase)
                if key:
                    by_key.setdefault(key, {})[index] = None
        self.by_key: dict[str, tuple[int, ...]] = {key: tuple(hits) for key, hits in by_key.items()}
        # For each first word, the most words a phrase starting with it has: bounds the look-ups.
        self._longest: dict[str, int] = {}
        for key in self.by_key:
            words = key.split(" ")
            self._longest[words[0]] = max(self._longest.get(words[0], 0), len(words))

    def scan(self, text: str) -> Iterator[tuple[int, int, tuple[int, ...]]]:
        """``scan_tokens`` over the tokens of ``text``."""
        return self.scan_tokens(text, tokenize(text))

    def scan_tokens(self, text: str, tokens: list[tuple[str, int, int]], *,
                    possessive: bool = False) -> Iterator[tuple[int, int, tuple[int, ...]]]:
        """(first token's position, number of tokens, entry indexes) per phrase, leftmost-longest.
        ``possessive``: a phrase's last word may stand in the possessive ("an insurer's transfer
        fee" names an insurer)."""
        reach = _joined_reach(text, tokens)
        position = 0
        while position < len(tokens):
            first = tokens[position][0]
            most = self._longest.get(first, 0)
            if possessive:
                most = max(most, self._longest.get(without_possessive(first), 0))
            size, key = self._longest_match(tokens, position, min(most, reach[position]), possessive=possessive)
            if size:
                yield position, size, self.by_key[key]
                position += size
            else:
                position += 1

    def _longest_match(self, tokens: list[tuple[str, int, int]], position: int, most: int, *,
                       possessive: bool) -> tuple[int, str]:
        """The most tokens from ``position`` that form a phrase, and the phrase's key; (0, "") if none."""
        for size in range(most, 0, -1):
            words = [t[0] for t in tokens[position:position + size]]
            key = " ".join(words)
            if key in self.by_key:
                return size, key
            if possessive and (last := without_possessive(words[-1])) != words[-1] \
                    and (bare := " ".join([*words[:-1], last])) in self.by_key:
                return size, bare
        return 0, ""


def without_possessive(word: str) -> str:
    """``word`` (lowercase, as ``tokenize`` gives it) without an English possessive ending
    ("insurer's" → "insurer"); other words as they are."""
    return word[:-2] if word.endswith("'s") and len(word) > 3 else word


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """(lowercase word, start, end) for each word of ``text``."""
    return [(m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _TOKEN.finditer(text)]


# Bounded: the glossary's own ~10,000 phrases are keyed four times while building (validation, two
# indexes, search rows), and user queries pass through here too.
@functools.lru_cache(maxsize=32_768)
def phrase_key(phrase: str) -> str:
    """The form a phrase is matched in: its lowercase words joined by single spaces."""
    return " ".join(token for token, _, _ in tokenize(phrase))


def _joined_reach(text: str, tokens: list[tuple[str, int, int]]) -> list[int]:
    """For each token, how many tokens from it on are joined into one possible phrase."""
    reach = [1] * len(tokens)
    for position in range(len(tokens) - 2, -1, -1):
        gap = text[tokens[position][2]:tokens[position + 1][1]]
        if _JOINER.fullmatch(gap):
            reach[position] = reach[position + 1] + 1
    return reach


def fold(text: str) -> str:
    """``text`` without diacritics (å → a, ö → o), for forgiving matches."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def folded_keys(keys: Mapping[str, int]) -> dict[str, int]:
    """``keys`` keyed without diacritics; where two keys fold alike, the first one's index wins."""
    folded: dict[str, int] = {}
    for key, index in keys.items():
        folded.setdefault(fold(key), index)
    return folded
