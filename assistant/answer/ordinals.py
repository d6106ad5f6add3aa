"""Whether a document speaks of the one of a series a question names by its place: "How many
resolutions were adopted at the fifth UN Environment Assembly?" is not answered by a page on the
sixth ("FN:s sjätte miljöförsamling UNEA-6"), whatever it counts. Only the third to the twentieth:
the first and the second are named in passing everywhere ("för det första", "andra länder").

Regex work only: one search per question, one pass per document text (remembered).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from assistant.answer.base import Passage
from assistant.answer.number_words import HIGHER_ORDINAL_WORDS, ORDINAL_WORDS

# Past the tenth too: "Sweden's fifteenth military support package" is not a page's "fjortonde".
_PLACES = {**{place: words for place, words in ORDINAL_WORDS.items() if place >= 3}, **HIGHER_ORDINAL_WORDS}
_BY_WORD = {word: place for place, words in _PLACES.items() for word in words}
# (A third country or party is no place in a series: "third-country nationals", "tredje man"; nor is a
# school year: "ninth-year pupils", "nionde klass".)
_ASKED = re.compile(rf"\b({'|'.join(_BY_WORD)})\b(?![- ]?(?:country|countries|party|parties|land|länder|man|part|"
                    r"year|years|grade|graders?|form|klass\w*|årskurs\w*)\b)", re.IGNORECASE)


def asked_places(question: str) -> frozenset[int]:
    """The places in a series ``question`` names in words ("the fifth assembly": 5)."""
    return frozenset(_BY_WORD[match.group(1).casefold()] for match in _ASKED.finditer(question))


def names_the_place_of(passages: Sequence[Passage], places: AbstractSet[int]) -> dict[str, bool]:
    """For each document of ``passages``, whether its title or text names one of ``places``: in
    words, in Swedish or English, or in figures ("5:e", "5th", "UNEA-5"). Cost: one regex pass per
    document text, remembered (the texts are loaded once per index version, as ``figures`` keeps
    the years of each)."""
    documents = {p.hit.document_id: p for p in passages}.values()
    return {p.hit.document_id: bool(places & (_places_named(p.document.title) | _places_named(p.document_text)))
            for p in documents}


_NAMED = re.compile(rf"\b({'|'.join(_BY_WORD)})\b|\b({'|'.join(map(str, _PLACES))})(?::[ae]|st|nd|rd|th)\b|"
                    rf"[A-Za-zÅÄÖåäö]-({'|'.join(map(str, _PLACES))})\b", re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def _places_named(text: str) -> frozenset[int]:
    """Every place of ``_PLACES`` ``text`` names, in words or figures."""
    return frozenset(_BY_WORD[m.group(1).casefold()] if m.group(1) else int(m.group(2) or m.group(3))
                     for m in _NAMED.finditer(text))
