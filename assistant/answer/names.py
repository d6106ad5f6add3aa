"""The names a question is about ("Arbetsmiljöverket", "Portugal", "EU"), and which documents
speak of them.

A date, a sum or a body stated in a document that never names what the question names is a fact
about something else: "När ska Arbetsmiljöverket … slutredovisa?" is not answered by another
assignment's deadline, however close its wording. ``selection`` counts a unit as stating the
asked-for kind of fact only in a document that names one of the question's names, when some
retrieved document names one (names no retrieved document has decide nothing). Only a Swedish
question's names are used: an English question's are often not the documents' ("Sweden").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A capitalised word that does not open the sentence: after a word, a comma or a closing bracket.
_CAPITALISED = re.compile(r"(?<=[\w,;)] )([A-ZÅÄÖ][\wåäöéü-]*)")
_POSSESSIVE = re.compile(r"(?:['’]s|:s)$")
# Capitalised though not names (English titles, the pronoun, months and days).
_NOT_NAMES = frozenset({
    "i", "the", "a", "an", "and", "or", "of", "in", "on", "for", "to", "what", "which", "who", "when", "how",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})


def question_names(question: str) -> tuple[str, ...]:
    """The capitalised words of ``question`` that are names, casefolded and without a possessive
    ("Portugal's" → "portugal", "EU:s" → "eu"), in order, each once. Cost: one regex pass."""
    names: list[str] = []
    for match in _CAPITALISED.finditer(question):
        word = _POSSESSIVE.sub("", match.group(1)).strip("-").casefold()
        if len(word) >= 2 and word not in _NOT_NAMES and word not in names:
            names.append(word)
    return tuple(names)


def named_in(text: str, names: Iterable[str]) -> frozenset[str]:
    """Which of ``names`` ``text`` names, as a word or with a genitive or definite ending
    ("Portugals", "EU-ordförandeskapet"); a question's genitive ("Migrationsverkets") is matched
    without its s. Cost: one regex search per name."""
    folded = text.casefold()
    return frozenset(name for name in names
                     if re.search(rf"(?<!\w){re.escape(_stem(name))}(?:{_ENDINGS})?(?!\w)", folded)
                     or _named_in_parts(folded, name))


# A compound name is written apart as often as whole: "Östersjöstrategin" is "EU:s strategi för
# Östersjöregionen" on the page that gives it. Its head must be long and not a body's ("-verket",
# "-myndigheten"): "arbetsmiljön" and "verket" in one sentence do not name Arbetsmiljöverket.
_MIN_PREFIX, _MIN_HEAD = 5, 6
_BODY_HEADS = re.compile(r"(?:verk|myndighet|styrelse|inspektion|kontor|råd|nämnd|institut|domstol|kollegi|"
                         r"kammar|departement|förvaltning|bolag|förening|förbund|center|centrum)\w*$")
_DEFINITE = re.compile(r"(?:en|et|n|erna|arna|orna|na|s)$")
_NEAR = r"\W+(?:\w+\W+){0,3}"  # the two parts at most three words apart


def _named_in_parts(folded: str, name: str) -> bool:
    """Whether ``folded`` (casefolded text) writes the compound ``name`` apart: a word starting with
    its first part within a few words of a word starting with its head ("strategi … Östersjö…").
    Cost: one regex search per split point of the name."""
    if len(name) < _MIN_PREFIX + _MIN_HEAD or not name.isalpha():
        return False
    for split in range(_MIN_PREFIX, len(name) - _MIN_HEAD + 1):
        prefix, head = name[:split], _DEFINITE.sub("", name[split:])
        if len(head) < _MIN_HEAD or _BODY_HEADS.search(head):
            continue
        # "Skogsutredningen" is "utredningen om skogen": the linking s is not written apart.
        first = re.escape(prefix[:-1] if prefix.endswith("s") else prefix)
        a, b = rf"(?<!\w){first}\w*", rf"(?<!\w){re.escape(head)}\w*"
        if re.search(f"{a}{_NEAR}{b}|{b}{_NEAR}{a}", folded):
            return True
    return False


_ENDINGS = "s|n|ns|en|ens|et|ets|er|erna|ernas"  # genitive and definite forms: "EU-ordförandeskapet"


def _stem(name: str) -> str:
    return name[:-1] if len(name) > 5 and name.endswith("s") and not name.endswith("ss") else name
