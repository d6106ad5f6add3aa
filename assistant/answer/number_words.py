"""Numbers and years as texts write them, in Swedish and English: numbers in words ("tjugofem",
"twenty-five", "tvåhundra"), "one" said as a count ("endast ett samråd"), a year. Patterns, used
by ``fact_forms`` and ``figures``, and a small number written out (``swedish_number``, for ``support``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def factored(words: Iterable[str]) -> str:
    """One regex alternative for each of ``words``, factored by their shared beginnings: Python's
    ``re`` tries an alternation's branches one by one wherever it is tried, a factored one stops at
    the first letter that no word has there. Matches exactly the words given."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(letter) + pattern(child) for letter, child in sorted(node.items()) if letter]
        if not branches:
            return ""
        if "" in node:
            return f"(?:{'|'.join(branches)})?"
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return pattern(tree)


# Numbers written as words, in both languages: the units, the teens, the tens and their compounds
# ("tjugofem"; "twenty-five" is "twenty" then "five"), hundreds and thousands ("tvåhundra"), a dozen.
SV_TENS = ("tjugo", "trettio", "fyrtio", "femtio", "sextio", "sjuttio", "åttio", "nittio")
SV_DIGITS = ("två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio")
EN_DIGITS = ("two", "three", "four", "five", "six", "seven", "eight", "nine")
# One as a count, not an article: "endast ett samråd", "only one consultation".
# About so many, in words: "ett femtiotal organisationer", "ett hundratal" ("ett 40-tal" in figures).
ABOUT_SO_MANY = rf"ett (?:tio|{'|'.join(SV_TENS)}|hundra|tusen|dussin)tal"
SV_TEENS = ("tio", "elva", "tolv", "tretton", "fjorton", "femton", "sexton", "sjutton", "arton", "nitton")


def swedish_number(number: int) -> str | None:
    """``number`` written out in Swedish ("arton", "tjugofem") for 2 to 99; ``None`` otherwise (one
    is "en" or "ett", a stopword; larger numbers are written in figures)."""
    if 2 <= number <= 9:
        return SV_DIGITS[number - 2]
    if 10 <= number <= 19:
        return SV_TEENS[number - 10]
    if 20 <= number <= 99:
        unit = number % 10
        return SV_TENS[number // 10 - 2] + ("" if unit == 0 else "ett" if unit == 1 else SV_DIGITS[unit - 2])
    return None


ONLY_ONE = r"(?:(?<=endast )|(?<=enbart )|(?<=bara )|(?<=only )|(?<=just )|(?<=exakt )|(?<=exactly ))(?:en|ett|one)"
NUMBER_WORDS = factored([
    *SV_DIGITS, *SV_TEENS,
    *(tens + unit for tens in SV_TENS for unit in ("", "en", "ett", *SV_DIGITS)),
    *(digit + power for digit in ("", *SV_DIGITS) for power in ("hundra", "tusen")), "dussin",
    *EN_DIGITS, "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
    "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "dozen"])
YEAR = r"(?:19|20)\d\d"


# The ordinal words, Swedish and English, from the first to the tenth.
ORDINAL_WORDS: dict[int, tuple[str, str]] = {
    1: ("första", "first"), 2: ("andra", "second"), 3: ("tredje", "third"), 4: ("fjärde", "fourth"),
    5: ("femte", "fifth"), 6: ("sjätte", "sixth"), 7: ("sjunde", "seventh"), 8: ("åttonde", "eighth"),
    9: ("nionde", "ninth"), 10: ("tionde", "tenth"),
}
# And from the eleventh to the twentieth: the places in a series of support packages or assemblies
# (``ordinals``), not an item's place in a list.
HIGHER_ORDINAL_WORDS: dict[int, tuple[str, str]] = {
    11: ("elfte", "eleventh"), 12: ("tolfte", "twelfth"), 13: ("trettonde", "thirteenth"),
    14: ("fjortonde", "fourteenth"), 15: ("femtonde", "fifteenth"), 16: ("sextonde", "sixteenth"),
    17: ("sjuttonde", "seventeenth"), 18: ("artonde", "eighteenth"), 19: ("nittonde", "nineteenth"),
    20: ("tjugonde", "twentieth"),
}
# The places of items in order, by their words: "the first one", "för det andra" (up to the fifth);
# the last as -1 ("den sista"). ``PLACES`` adds the words that open an item without an article
# ("thirdly", "slutligen", "finally").
ORDINALS_EN: dict[str, int] = {**{en: place for place, (_, en) in ORDINAL_WORDS.items() if place <= 5}, "last": -1}
ORDINALS_SV: dict[str, int] = {**{sv: place for place, (sv, _) in ORDINAL_WORDS.items() if place <= 5}, "sista": -1}
PLACES: dict[str, int] = {
    **ORDINALS_EN, **ORDINALS_SV, "först": 1, "slutligen": -1, "finally": -1,
    "firstly": 1, "secondly": 2, "thirdly": 3, "fourthly": 4, "fifthly": 5, "lastly": -1,
}
