"""Questions asking for several things, and sentences naming several: what decides that a list is
quoted whole (``quoting``) and that a sentence naming the things asked for leads like a lead-in
(``selection``'s ``lead_in`` feature). Regex work only."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A question asking for a list ("Which are …?", "Vilka …?"): an item is quoted with its list.
_LIST_QUESTION = re.compile(r"\b(?:which|what) (?:are|were)\b|\blist\b|\bvilka\b|\bvad (?:är|var) de\b|"
                            r"\bwhich (?:\w+ )?(?!(?:is|was|does|has)\b)\w+s\b|\bwhat \w+s (?:are|does|do|did|will)\b",
                            re.IGNORECASE)


# Four or more things in a row, the last after "och", "samt", "and" or "or": "klimat, hållbart
# samhällsbyggande, livsmedel … samt migration och integration", "Polismyndigheten,
# Åklagarmyndigheten, Ekobrottsmyndigheten och Kriminalvården". Read a comma's stretch at a time
# (``enumerates``), so a long run of commas costs time linear in its length.
_CLAUSE_END = re.compile(r"[.;:\n]")
_LAST_ITEMS = re.compile(r"\s*[^.;:\n]{2,100}?\s(?:och|samt|eller|and|or)\s", re.IGNORECASE)  # "C och D"
_AND_LAST = re.compile(r"\s*(?:och|samt|eller|and|or)\s", re.IGNORECASE)  # ", and D" after "A, B, C"
_MAX_ITEM_CHARS = 100
# "Which two universities …?", "Vilka tre myndigheter …?" ask for so many, not for every one named
# (the numbers a question may say, in English and in Swedish).
_SAID_NUMBERS = {"two": "två", "three": "tre", "four": "fyra", "five": "fem"}
_SO_MANY = re.compile(rf"\b(?:which|what|vilka) (?:{'|'.join([*_SAID_NUMBERS, *_SAID_NUMBERS.values()])})\b",
                      re.IGNORECASE)


def asks_for_a_list(question: str) -> bool:
    """Whether ``question`` asks for several things ("Vilka …?", "Which agencies …?", "list …")."""
    return _LIST_QUESTION.search(question) is not None


def _announcing(numbers: Iterable[str]) -> str:
    """So many things announced before a colon or a semicolon: "två delar:", "three parts;"."""
    return rf"\b(?:{'|'.join(numbers)}) [\wåäö-]+\s*[;:]\s*"


def announcing_as_many(question: str) -> re.Pattern[str] | None:
    """For a question saying how many things it asks for ("What two parts …?", "Vilka tre områden
    …?"), the sentence form announcing that many and then naming them ("Uppdraget bestod av två
    delar: att underlätta … och att analysera …"); else None. One pattern per question."""
    found = _SO_MANY.search(question)
    if found is None:
        return None
    word = found.group(0).split()[-1].casefold()
    swedish = _SAID_NUMBERS.get(word, word)
    words = [swedish, *(english for english, said in _SAID_NUMBERS.items() if said == swedish)]
    return re.compile(_announcing(words) + r"\S", re.IGNORECASE)


def asks_for_every_one(question: str) -> bool:
    """Whether ``question`` asks for several things without saying how many ("Vilka områden …?",
    not "Which two universities …?")."""
    return asks_for_a_list(question) and _SO_MANY.search(question) is None


# Things announced by their number, then named: "Paketet har tre delar; en uppförandekod …, ett
# direktivförslag … och ett direktivförslag …", "consists of three parts: A, B and C".
_ANNOUNCED = re.compile(_announcing([*_SAID_NUMBERS, *_SAID_NUMBERS.values(), "six", "sex"])
                        + r"[^.;:\n]{2,200}?,[^.;:\n]{2,200}?\s(?:och|samt|and)\s", re.IGNORECASE)


def enumerates(text: str) -> bool:
    """Whether ``text`` names four or more things in a row, as an answer to a list question does in
    one sentence what a lead-in does with its items: "A, B, C och D" or "A, B, C, and D" (the first
    item a clause of any length, the others 2–100 characters); or names the things it announces by
    their number ("tre delar; A, B och C"). Cost: one pass over its commas."""
    if _ANNOUNCED.search(text):
        return True
    items = 0  # the items in a row, each followed by a comma, before the current stretch
    for position, stretch in enumerate(text.split(",")):
        if (items >= 2 and _LAST_ITEMS.match(stretch)) or (items >= 3 and _AND_LAST.match(stretch)):
            return True
        word = stretch.strip()
        if position and 2 <= len(word) <= _MAX_ITEM_CHARS and not _CLAUSE_END.search(stretch):
            items += 1
        else:  # a new run starts with this stretch's last clause
            items = int(len(_CLAUSE_END.split(stretch)[-1]) >= 2)
    return False
