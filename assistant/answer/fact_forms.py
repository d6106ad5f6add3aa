"""Whether a piece of text states a fact of a kind (``answer_type.AnswerType``): an amount, a share, a
count, a date, a period, a frequency, a person, a body, a place …, in the forms Swedish and English
texts write them ("12 per cent", "två tredjedelar", "fjorton myndigheter", "25 million kronor",
"inom tre månader", "riksdagsledamoten Aylin Fazelian"). What a question asks for is
``asked_kind``'s; this module reads the passages (numbers in words are ``number_words``', a
person's name ``person_forms``', the patterns of each form ``fact_patterns``'). Nothing here knows
any document.
"""

from __future__ import annotations

import functools
import itertools
import re

from assistant.answer.answer_type import AnswerType
from assistant.answer.body_patterns import BODY, PLACE
from assistant.answer.fact_patterns import COMPARED, MEASURED, RATIO, STATES
from assistant.answer.form_matching import finds as _finds
from assistant.answer.form_matching import is_new as _new
from assistant.answer.form_matching import uses as _uses
from assistant.answer.number_words import PLACES
from assistant.answer.person_forms import names_person
from assistant.answer.question_cues import ASKS_HOW_MANY_OF_THEM, ASKS_WHAT_IT_STANDS_FOR
from assistant.answer.time_patterns import LASTING, LASTING_HINTS, WITHIN

# "the 50 billion euro support" names the amount a page gives as "50 miljarder euro": a sum the
# question already states is no answer to it, in either language.
_MAGNITUDES = {"billion": "miljarder", "bn": "miljarder", "million": "miljoner", "miljarder": "billion",
               "miljard": "billion", "miljoner": "million", "miljon": "million"}
_CURRENCIES = ("kronor", "kr", "sek", "euro", "euros", "eur", "dollar", "dollars", "usd")
_AMOUNT_IN_WORDS = re.compile(r"\b(\d+)(?:[.,](\d+))?\s+(" + "|".join(_MAGNITUDES) + r")\b")


@functools.lru_cache(maxsize=256)
def _with_magnitudes_translated(text: str) -> str:
    """``text`` (casefolded) followed by each of its amounts in millions or billions in the other
    language, with either decimal mark and with each currency ("1.2 billion" adds "1,2 miljarder",
    "1.2 miljarder", "1,2 miljarder kronor" …). Remembered: every unit of an answer is read against the
    same question."""
    forms = {f"{whole}{mark}{part} {_MAGNITUDES[word]}" if part else f"{whole} {_MAGNITUDES[word]}"
             for whole, part, word in _AMOUNT_IN_WORDS.findall(text) for mark in (",", ".")}
    # An English page's sum ends in its currency ("1.2 billion euros"), which the question may not name.
    return " ; ".join([text, *sorted(forms), *sorted(f"{form} {currency}" for form in forms
                                                     for currency in _CURRENCIES)])


# The words before a date that make it a time since when ("sedan 1940-talet"): no deadline.
_SINCE = re.compile(r"\b(?:sedan|since|ever since)\s+(?:den\s+|the\s+)?$", re.IGNORECASE)




_STATED_BY_FORM = frozenset({AnswerType.PURPOSE, AnswerType.DEFINITION, AnswerType.NTH, AnswerType.NAME})


def place_opened(text: str) -> int | None:
    """The place of the item ``text`` opens as ("För det andra …": 2, "Finally, …": -1), or ``None``."""
    found = STATES[AnswerType.NTH].search(text)
    words = re.findall(r"\w+", found.group(0).casefold()) if found else []
    return next((PLACES[word] for word in reversed(words) if word in PLACES), None)


def states(answer_type: AnswerType, text: str, *, besides: str = "", bodies: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` states a fact of ``answer_type`` (a date for DATE, an amount of money for
    MONEY …) other than one ``besides`` already names: for "Who must Migrationsverket consult?" a
    sentence naming only Migrationsverket names no one. Years never count as amounts or counts.
    ``bodies``: further names that state a body or a place (``bodies.named_bodies``: the short names
    the text's document gives its bodies, the countries' names). Cost: one or two regex passes."""
    # A purpose or a definition is stated in the words the question asks for it with ("Vad avses
    # med …?" – "Med … avses …", "Vad är syftet …?" – "Syftet är …"). (Not so a requirement: "Vilka
    # krav ställs …?" is answered by "ska vara kostnadsberäknade", seldom by "ska möta de krav som …".)
    exclude = "" if answer_type in _STATED_BY_FORM else besides.casefold()
    if answer_type in (AnswerType.MONEY, AnswerType.QUANTITY):
        exclude = _with_magnitudes_translated(exclude)
    if answer_type in (AnswerType.BODY, AnswerType.PLACE) and any(
            _uses(text, name) and not _uses(exclude, name.casefold()) for name in bodies):
        return True
    if answer_type is AnswerType.QUANTITY:
        # "How much may they work?" is answered by "två timmar i veckan" as well as by a sum, and
        # "how much more expensive?" by "tre gånger så mycket".
        # A count only in figures: "Two key factors …" states no quantity of what "how much" asks.
        return RATIO.search(text) is not None or _counts_in_figures(text, exclude) \
            or _finds(MEASURED, text, exclude) or any(
            states(t, text, besides=besides) for t in (AnswerType.MONEY, AnswerType.PERCENT, AnswerType.DURATION))
    if answer_type is AnswerType.DEFINITION and _defines_a_word_of(text, besides):
        return True
    if answer_type is AnswerType.PERSON:
        return names_person(text, exclude)
    if answer_type is AnswerType.BODY:
        return _finds(BODY, text, exclude) or names_person(text, exclude)
    if answer_type is AnswerType.PLACE:
        return _finds(PLACE, text, exclude)
    if answer_type is AnswerType.DURATION:
        lowered = text.casefold()
        return _finds(STATES[answer_type], text, exclude) or (
            any(hint in lowered for hint in LASTING_HINTS) and _finds(LASTING, text, exclude))
    if answer_type is AnswerType.COUNT and ASKS_HOW_MANY_OF_THEM.search(besides) \
            and _finds(STATES[AnswerType.PERCENT], text, exclude):
        return True  # "Hur många av gängmedlemmarna …?" – "50 procent av gängmedlemmarna …"
    if answer_type is AnswerType.PERCENT and _finds(COMPARED, text, exclude):
        # A share given against another ("… är siffran dubbelt så hög") answers "And in vulnerable areas?".
        return True
    if answer_type is AnswerType.DEADLINE:
        # "ska redovisas den 31 januari" answers "by when?" as well as "senast den 31 januari" does,
        # and so does a limit counted from now or from an event ("inom tre månader").
        # (Not a time since when: "som funnits sedan 1940-talet" sets no limit.)
        return _finds(STATES[AnswerType.DATE], text, exclude, unless_after=_SINCE) or _finds(WITHIN, text, exclude)
    return _finds(STATES[answer_type], text, exclude)


# (Not a neuter or plural definite form: "Förslaget innebär …", "Reglerna innebär …" tell what a
# proposal does, whatever the question names.)
_OPENING_WORD = re.compile(r"^\W*([\wåäöÅÄÖ-]{6,})(?<!et)(?<!na)(?<!tta)\s+(?:innebär|betyder|avser|means|refers to|"
                           r"handlar om|går ut på)\b",
                           re.IGNORECASE)


# A word glossed where it stands: "avgränsning av transmissionsverksamhet, dvs. i huvudsak den överföring …".
_GLOSSED_WORD = re.compile(r"([\wåäöÅÄÖ-]{6,}),?\s+(?:dvs\.?|d\.v\.s\.|det vill säga|i\.e\.|that is,)\s",
                           re.IGNORECASE)


# A sentence opening with a word and saying what it is: "Inflyttningsområdena är undantagsområden …"
# (a definition only of a word the question asks about: "Reglerna är …" defines nothing else).
# ("Ett innovationssystem är kombinationen av …": the indefinite article before the word defined.)
_OPENING_IS = re.compile(r"^\W*(?:(?:en|ett|an?)\s+)?([\wåäöÅÄÖ-]{6,})\s+(?:är|var|is|are)\s+"
                         r"(?!(?:inte|ej|not|också|även|also)\b)", re.IGNORECASE)
# A word named after what it stands for: "den som saknar möjlighet att … (i sammanhanget benämnt rådighet)".
_NAMED_WORD = re.compile(r"\b(?:benämn(?:d|t|da|s|es)|betecknad|betecknat|termed|referred to as)\s+([\wåäöÅÄÖ-]{6,})",
                         re.IGNORECASE)


def _defines_a_word_of(text: str, question: str) -> bool:
    """Whether ``text`` says what a word of ``question`` means, in any of its forms: opening with it
    ("Oskuldspresumtionen innebär att …" for "Vad betyder oskuldspresumtionen?", the definite form
    the general "X innebär" cue leaves out; "Inflyttningsområdena är undantagsområden …"), glossing it
    where it stands ("… transmissionsverksamhet, dvs. i huvudsak den överföring av el …"), or naming
    it after what it stands for ("… (i sammanhanget benämnt rådighet)"); or, for an abbreviation,
    spelling it out beside it ("kallad ”bob” (barn och unga i organiserad brottslighet)")."""
    words = re.findall(r"[\wåäö-]+", question.casefold())
    # Two English words are one Swedish compound, with or without a joining "s": "innovation system"
    # is "innovationssystem".
    words += [f"{first}{joint}{second}" for first, second in itertools.pairwise(words) for joint in ("", "s")]
    defined = [m.group(1) for m in (_OPENING_WORD.match(text), _OPENING_IS.match(text),
                                    *_GLOSSED_WORD.finditer(text), *_NAMED_WORD.finditer(text)) if m]
    asked = _ASKED_SHORT.search(question)
    return any(word.startswith(term.casefold()[:-2]) for term in defined for word in words) or (
        asked is not None and any((m.group("short") or m.group("after")).casefold()
                                  == (asked.group("short") or asked.group("kort")).casefold()
                                  for m in _SPELLED_OUT.finditer(text)))


_ASKED_SHORT = re.compile(ASKS_WHAT_IT_STANDS_FOR, re.IGNORECASE)
# An abbreviation beside the words it stands for, in parentheses either way: "”bob” (barn och unga i
# organiserad brottslighet)", "Europeiska åklagarmyndigheten (Eppo)". The whole abbreviation is matched.
_SPELLED_OUT = re.compile(r"\b(?P<short>[\wåäöÅÄÖ]{2,10})\b[”\"“']?\s+\((?:[\wåäöÅÄÖ-]+\s+){2,9}[\wåäöÅÄÖ-]+\)|"
                          r"\b(?:[\wåäöÅÄÖ-]+\s+){1,8}[\wåäöÅÄÖ-]+\s+\((?P<after>[\wåäöÅÄÖ]{2,10})\)")


# "Verket för innovationssystem (Vinnova)", "Statens jordbruksverk (Jordbruksverket)": a body named
# in full, then the short name the text goes on to use, after at most three words of its name.
_INTRODUCED = re.compile(r"\((?P<alias>[A-ZÅÄÖ][\wåäö-]{1,29})\)")
_NAME_GOES_ON = re.compile(r"(?:\s+(?:för|mot|och|i|av|om|for|of|and)(?:\s+[\wåäö-]+){1,3})?\s*")


def _counts_in_figures(text: str, exclude: str) -> bool:
    """Whether ``text`` states a count written with digits ("2 485 275", "ett 30-tal"), not only in
    words ("två ytterligare namn")."""
    return any(any(c.isdigit() for c in match.group(0)) and _new(match, exclude)
               for match in STATES[AnswerType.COUNT].finditer(text))


def body_aliases(text: str) -> frozenset[str]:
    """The short names ``text`` gives the bodies it names in full: each names a body wherever the
    text uses it ("Beslut om bidrag ska fattas av Vinnova."). Cost: a regex pass, and ``BODY``
    over the 80 characters before each capitalised word in parentheses."""
    found = set()
    for match in _INTRODUCED.finditer(text):
        before = text[max(0, match.start() - 80):match.start()]
        if any(_NAME_GOES_ON.fullmatch(before, body.end()) for body in BODY.finditer(before)):
            found.add(match.group("alias"))
    return frozenset(found)


def names_a_deadline(text: str) -> bool:
    """Whether ``text`` puts a time limit on something ("senast den 30 augusti", "before 1 May",
    "inom tre månader från beslutet")."""
    return bool(STATES[AnswerType.DEADLINE].search(text) or WITHIN.search(text))
