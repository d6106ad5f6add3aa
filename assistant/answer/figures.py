"""Whether a stated figure is the one asked about: of the year the question names, and counting
the thing it counts ("40 000 invånare" counts inhabitants, not refugees). The kind of fact itself is
``asked_kind``'s.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from assistant.answer.answer_type import AnswerType
from assistant.answer.base import Passage
from assistant.answer.events import MONTH_NUMBERS
from assistant.answer.events import cue as _cue
from assistant.answer.language import detect_language
from assistant.answer.number_words import ABOUT_SO_MANY, NUMBER_WORDS, ONLY_ONE, YEAR
from assistant.glossary import Glossary

# Kinds of fact that belong to a year: "How much may they use in 2017?" is not answered by the sum
# for 2016, nor "Who presented the declaration in 2021?" by who read the first one in 2019.
_YEARLY = frozenset({AnswerType.MONEY, AnswerType.COUNT, AnswerType.QUANTITY, AnswerType.PERCENT, AnswerType.PERSON,
                     AnswerType.BODY})
_YEARS = re.compile(rf"\b({YEAR})(?:\s*[–-]\s*({YEAR}|\d\d)\b)?")


# A number as the question and a unit name it ("2023", "9,2").
NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_MONTH = re.compile(rf"\b({'|'.join(MONTH_NUMBERS)})\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b({'|'.join(MONTH_NUMBERS)})\s+({YEAR})\b", re.IGNORECASE)


def months_dating(question: str) -> dict[str, int]:
    """The years ``question`` dates by a month, each with its month's number: "in June 2016" →
    {"2016": 6}. Read once per question (``numbers_named`` takes it)."""
    return {year: MONTH_NUMBERS[month.casefold()] for month, year in _MONTH_YEAR.findall(question)}


def numbers_named(numbers: AbstractSet[str], text: str, *, dated: dict[str, int]) -> int:
    """How many of the question's ``numbers`` ``text`` names, a year the question dates by a month
    (``dated``, from ``months_dating``) only where ``text`` names that month or none: "Förordningen
    träder i kraft den 1 augusti 2016" names another time than June 2016. Cost: one regex pass over
    ``text``, two when the question dates a year it names."""
    named = numbers & set(NUMBER.findall(text))
    if not named or not dated.keys() & named:
        return len(named)
    its_months = {MONTH_NUMBERS[month.casefold()] for month in _MONTH.findall(text)}
    return sum(1 for number in named if number not in dated or not its_months or dated[number] in its_months)


def years_of(text: str) -> set[int]:
    """The years ``text`` names, a range ("2024–2026", "2021-22") as every year in it."""
    years: set[int] = set()
    for match in _YEARS.finditer(text):
        first = int(match.group(1))
        last = match.group(2)
        end = (int(last) if len(last) == 4 else first // 100 * 100 + int(last)) if last else first
        years.update(range(first, end + 1) if first <= end <= first + 30 else (first,))
    return years


def names_a_year_of(passages: Sequence[Passage], years: AbstractSet[int]) -> dict[str, bool]:
    """For each document of ``passages``, whether its text, title or file name names one of
    ``years`` (a range as every year in it). "How much aid did Sweden give Moldova in 2022?" is not
    answered by a page that never names 2022, whatever sums it gives: on the tuning sets, 10 more
    hard negatives declined, no answer lost. Cost: one regex pass per document, remembered."""
    documents = {p.hit.document_id: p for p in passages}.values()
    return {p.hit.document_id: bool(years & (years_of(f"{p.document.title}\n{p.document.source_path}")
                                             | _years_in_document(p.document_text))) for p in documents}


@functools.lru_cache(maxsize=512)
def _years_in_document(text: str) -> frozenset[int]:
    """``years_of`` a document's text, remembered per text (the texts are loaded once per index
    version and asked about again and again, as ``bodies._agencies_in``)."""
    return frozenset(years_of(text))


def states_another_year(answer_type: AnswerType | None, asked: AbstractSet[int], text: str) -> bool:
    """Whether a question for a figure or for who (a person, a body) of the years ``asked`` (its
    ``years_of``) is met by ``text`` naming years, none of them asked (the 2016 budget for a question
    about 2017). A text naming no year may be about any: it is not judged."""
    if answer_type not in _YEARLY or not asked:
        return False
    stated = years_of(text)
    return bool(stated) and not asked & stated


# "Under samma år fattades 12 beslut": the year is the sentence before's.
_SAME_YEAR = _cue(r"\bsamma år(?:et)?\b|\bdet året\b|\b(?:the )?same year\b|\bthat year\b")


def in_its_year(text: str, preceding: str) -> str:
    """``text`` with the sentence before it (the last of ``preceding``) when it dates itself by
    that one ("Under samma år …"), so that the years it speaks of are read; else ``text``."""
    if not _SAME_YEAR.search(text):
        return text
    before = re.split(r"(?<=[.!?])\s+", preceding.strip())[-1] if preceding.strip() else ""
    return f"{before} {text}"


_COUNTED = _cue(r"(?:how many|hur många|number of|antal(?:et)?(?: av)?)\s+(?P<phrase>[\w\s-]+)")
# Words that end the noun phrase after "how many": what follows is the rest of the question.
_PHRASE_ENDS = frozenset(
    "were was are is be been being did does do will would have has had can could should must may might in of for to "
    "at on with by from that which who than and or per each a an the there "
    "use uses used get gets got receive received take took make made need needs live lives lived work works "
    "var är blir blev ska skulle har hade kan kunde får fick finns fanns kommer bor bodde arbetar "
    "i av för till på med från som "
    "än och eller per det de den sig totalt".split())
_MAX_PHRASE_WORDS = 3
# Nouns every count can be of: "how many people" is answered by "1 000 totalförsvarspliktiga".
_GENERIC_COUNTED = frozenset({"people", "persons", "person", "individuals", "människor", "personer", "individer",
                              "st", "stycken", "times", "gånger"})
# A count and the words after it, what it counts: "40 000 invånare", "uppemot en kvarts miljon unga".
_COUNT_THEN_WORDS = re.compile(rf"(?<![\w.,:/-])(?!{YEAR}\b)(?:\d[\d  ]*(?:[.,]\d+)?(?:-talet|-tal)?|{ONLY_ONE}|"
                               rf"en (?:kvarts|halv) miljon|half a million|a quarter of a million|"
                               # "ett femtiotal organisationer": about fifty.
                               rf"{ABOUT_SO_MANY}|{NUMBER_WORDS})"
                               # (The words in a lookahead: "850 miljoner kronor 1 900 speciallärare" is two
                               # counts, and the first one's words must not swallow the second.)
                               # ("50 ungdomar/unga vuxna": either name counts them.)
                               # ("600 ledande internationella och svenska företag": two describing words
                               # joined by "och" may stand before it too.)
                               # ("över 70 myndighets-, organisations-, och näringslivsföreträdare": suspended
                               # parts before the word they share.)
                               # ("143 av FN:s medlemsländer": an abbreviation's genitive between.)
                               r"(?:\s+(?:miljoner|miljon|tusen))?(?=\s+((?:[\wåäö]+-,?\s+)*(?:[\wåäö-]+(?::s)?(?:\s+|/)){0,2}"
                               r"(?:(?:och|and|eller|or)\s+[\wåäö-]+\s+)?[\wåäö-]+))",
                               re.IGNORECASE)


def counted_words(question: str) -> list[str]:
    """The words naming what "how many" / "hur många" counts: the phrase after it, up to a word that
    ends it or ``_MAX_PHRASE_WORDS`` words ("how many Swedish nuclear reactors were …" → ["swedish",
    "nuclear", "reactors"]; a count stating any of them counts the thing, so adjectives before the
    noun do no harm); empty when the question counts nothing particular ("how many people …")."""
    match = _COUNTED.search(question)
    phrase: list[str] = []
    for word in (match.group("phrase").casefold().split() if match else []):
        if word in _PHRASE_ENDS or len(phrase) == _MAX_PHRASE_WORDS:
            break
        phrase.append(word)
    words = [word for word in phrase if len(word) > 2]
    return [] if not words or any(word in _GENERIC_COUNTED for word in words) else words


# "Antalet anmälningar ökade till 350", "the number of applications rose to 350": the thing counted
# named before its number ("ett antal åtgärder", "a number of measures" are only some).
_NUMBER_OF = _cue(r"(?<!\bett )\b(?:antal(?:et)?|(?:the|total) number of)\s+((?:[\wåäö-]+\s+){0,2}[\wåäö-]+)")


# Nouns that count the same things under other names: "Hur många Natoländer …?" is answered by "28 av 30
# medlemsstater". A question's word that is one of them, or a compound ending in one, counts them all.
_SAME_COUNT = (
    ("länder", "stater", "nationer", "countries", "states", "nations"),
    ("företag", "bolag", "companies", "firms", "businesses"),
    ("bostäder", "lägenheter", "dwellings", "homes", "apartments", "flats"),
    ("anställda", "medarbetare", "employees", "staff"),
    ("ärenden", "cases"),
    ("barn", "children"),
    # A mission abroad: "40 insatser i fem världsdelar" counts operations.
    ("insatser", "operations", "missions"),
    # "Höjningen sker i två steg": how many steps a change takes counts its stages.
    ("steg", "steps", "stages", "etapper", "phases", "faser"),
)


def same_count_stems(words: list[str]) -> frozenset[str]:
    """The five-letter stems of every noun counting what ``words`` (``counted_words``) count under
    another name (``_SAME_COUNT``)."""
    found: set[str] = set()
    for word in words:
        for group in _SAME_COUNT:
            if any(word.endswith(noun) for noun in group):
                found.update(noun[:5] for noun in group)
    return frozenset(found)


# A count in figures: no year, and no sum or share.
_A_COUNT = rf"(?!{YEAR}\b)\d[\d  ]*\b(?!\s*(?:[.,]\d|kr\b|kronor|%|procent|miljon|miljard|million|billion))"
# A noun (or a compound opening with it), at most three words of change or comparison, then a count.
_NAMED_THEN_COUNTED = re.compile(rf"([\wåäö-]{{3,}})(?:\s+(?:från|till|med|dagens|dagsläget|ökar|ökas|ska|öka|"
                                 rf"uppgå|uppgår|cirka|omkring|ungefär|from|to|by|about|around|rises?|increases?|"
                                 rf"grows?|will|reach(?:es)?)){{1,3}}\s+{_A_COUNT}", re.IGNORECASE)
# "en lägre nivå av kvotflyktingar (900 per år i stället för 5 000 per år)": the thing counted, its
# count in brackets after it.
_COUNTED_IN_BRACKETS = re.compile(rf"([\wåäö-]{{3,}})\s+\((?:cirka |ca\.? |omkring |ungefär |about |around )?"
                                  rf"{_A_COUNT}", re.IGNORECASE)


def counts_of(text: str, stems: frozenset[str]) -> bool:
    """Whether ``text`` has a number followed (within three words) by a word starting with one of
    ``stems`` ("40 000 invånare" counts inhabitants, not refugees), or names the number of such a
    thing ("antalet anmälningar ökade till 350")."""
    # "18 experter är med i kommittén": how many sit on a body counts its members.
    if stems & _MEMBERS and _MEMBERSHIP.search(text):
        return True
    for match in _NUMBER_OF.finditer(text):
        if any(_names_counted(word.casefold(), stems) for word in match.group(1).split()):
            return True
    # "Värnpliktsutökning från dagens 8 000 till 10 000": the thing counted just before its number.
    if any(word.casefold()[:5] in stems for pattern in (_NAMED_THEN_COUNTED, _COUNTED_IN_BRACKETS)
           for word in pattern.findall(text)):
        return True
    for match in _COUNT_THEN_WORDS.finditer(text):
        words = [word.casefold() for word in re.split(r"[\s/]+", match.group(1))]
        # "… internflyktingar … uppskattas till 2,6 miljoner människor": a count of people counts them.
        if words[0] in _GENERIC_COUNTED or any(_names_counted(word, stems) for word in words):
            return True
        # "… en beställning av stridsfordonet CV90 så att 40 av dem …": a count of what was just named.
        if words[:2] in (["av", "dem"], ["av", "dessa"], ["of", "them"], ["of", "these"]):
            return True
    return False


# What is counted by naming each one: agencies, organisations, municipalities, universities,
# countries, ministries (five-letter stems, as ``counted_words`` gives them).
_COUNTED_BY_NAME = frozenset({"myndi", "organ", "agenc", "autho", "kommu", "munic", "läros", "unive",
                              "lände", "count", "stats", "depar", "minis", "insta", "aktör", "actor",
                              # institutions, prisons (anstalter), regions, parties, higher-education
                              # institutions (högskolor), companies, hospitals
                              "insti", "ansta", "priso", "regio", "parti", "högsk", "compa", "föret",
                              "bolag", "sjukh", "hospi"})
# Four or more names in a row, the last after "och", "samt" or "and": "Arbetsförmedlingen,
# Försäkringskassan, Jämställdhetsmyndigheten … och Statens servicecenter".
_NAME = r"(?-i:[A-ZÅÄÖ])[\wåäö-]+(?: (?-i:[a-zåäö])[\wåäö-]+){0,2}"
_EACH_NAMED = re.compile(rf"\b{_NAME}(?:, {_NAME}){{2,}},? (?:och|samt|and) {_NAME}", re.IGNORECASE)


def counts_names(stems: frozenset[str]) -> bool:
    """Whether a "how many" question counts things a text names one by one (agencies,
    municipalities, countries …; ``stems`` from ``counted_words``)."""
    return bool(stems & _COUNTED_BY_NAME)


def names_each(text: str) -> bool:
    """Whether ``text`` names four or more things in a row, "A, B, C och D": the count of them."""
    return _EACH_NAMED.search(text) is not None


# A body's members, and a number of people said to sit on, belong to or take part in it.
_MEMBERS = frozenset({"ledam", "medle", "membe"})
_MEMBERSHIP = re.compile(rf"(?<![\w.,:/-])(?:\d+|{NUMBER_WORDS}) (?:[\wåäö-]+ ){{0,2}}"
                         r"(?:är med|sitter|ingår|deltar) i\b|"
                         rf"(?<![\w.,:/-])(?:\d+|{NUMBER_WORDS}) (?:[\w-]+ ){{0,2}}(?:sit|sits|serve|serves) on\b",
                         re.IGNORECASE)


# The endings of a Swedish or English noun: "mål", "målen", "målet"; "barn", "barnen"; "goal", "goals".
_ENDINGS = frozenset({"", "en", "et", "er", "ar", "or", "na", "erna", "arna", "orna", "n", "t", "s", "es"})


def _names_counted(word: str, stems: frozenset[str]) -> bool:
    """Whether ``word`` starts with one of ``stems`` or ends in a compound part that does: a Swedish
    compound's last part names what it is ("27 medlemsländer" are länder, "24 skogsbrandsdepåer"
    depåer). Only five-letter stems are looked for inside a word, past its first three letters; a
    shorter word is its stem with an ending ("mål" counts "de två målen"). A suspended compound part
    counts too: "50 läns- och kommunaltaltidningar" are läns…"""
    word = word.rstrip("-")
    return word[:5] in stems or any(len(stem) == 5 and stem in word[3:] for stem in stems) \
        or any(len(stem) < 5 and word.startswith(stem) and word[len(stem):] in _ENDINGS for stem in stems) \
        or any(len(stem) < 5 and _ends_in(word, stem) for stem in stems)


def _ends_in(word: str, stem: str) -> bool:
    """Whether ``word`` is a compound whose last part is the short ``stem`` with an ending:
    "skolbarn" counts barn, "förskolebarnen" too; "barnmorskor" does not."""
    return any(word.endswith(stem + ending) and len(word) >= len(stem + ending) + 3 for ending in _ENDINGS)


# "Hur mycket pengar finns sammanlagt …?" is answered by the sum of all ("sammantaget finns 1,3 miljarder
# kronor"), not by one of its parts ("600 miljoner kronor för 2023").
# (Not "combined" or "samlade": "severe combined exclusion problems" asks for no total.)
_TOTAL = _cue(r"\b(?:sammanlagt|sammantaget|totalt|i total|totala|total|in total|altogether|sammanlagda?)\b")


def speaks_of_a_total(text: str) -> bool:
    """Whether ``text`` (a question or a sentence) speaks of a figure as a total ("sammanlagt",
    "sammantaget", "in total")."""
    return _TOTAL.search(text) is not None


# A column's unit in its header: "End of year-allokering (MSEK)", "Belopp (tkr)", "Andel (%)".
_HEADER_UNIT = re.compile(r"\((?P<unit>msek|mdsek|mnkr|mdkr|mkr|tkr|kr|kronor|sek|tusen kronor|miljoner kronor|"
                          r"miljarder kronor|eur|euro|%|procent|percent)\)\s*$", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"[−-]?\d[\d\s]*(?:[.,]\d+)?")  # (\s: no-break spaces too)
_WORD = re.compile(r"[\wåäöé-]+")


def with_header_unit(column: str, value: str) -> str:
    """A table cell's value as the row states it: a bare number followed by the unit its column's
    header gives ("103" under "End of year-allokering (MSEK)" → "103 MSEK"), else the value."""
    unit = _HEADER_UNIT.search(column)
    return f"{value} {unit.group('unit')}" if unit and _BARE_NUMBER.fullmatch(value.strip()) else value


@functools.lru_cache(maxsize=256)
def _stems(text: str) -> frozenset[str]:
    """The five-letter stems of ``text``'s words of four letters or more. Remembered: every table
    row of an answer is read against the same question."""
    return frozenset(word[:5] for word in _WORD.findall(text.casefold()) if len(word) >= 4)


def with_header_units(row: str, *, question: str) -> str:
    """A table row's ``column: value`` lines, each bare number followed by its column's unit
    (``with_header_unit``): "… (MSEK): 103" states an amount, but only of what the row's first cell
    names, so only when ``question`` names it too ("Hur mycket får Sudan …?" and the row "Kris:
    Sudan"; not "How much did Ukraine get?"). Cost: a regex per line."""
    first = row.split("\n", 1)[0].partition(": ")[2]
    if not _stems(first) & _stems(question):
        return row
    lines = []
    for line in row.split("\n"):
        column, separator, value = line.partition(": ")
        lines.append(f"{column}{separator}{with_header_unit(column, value)}" if separator else line)
    return "\n".join(lines)



def counted_stems(question: str, glossary: Glossary) -> frozenset[str]:
    """Five-letter stems of the words naming what "how many …" counts (``counted_words``), with the
    glossary's Swedish forms of English words; empty when the glossary cannot say what one of those
    words is called in the documents. Cost: a phrase lookup per counted word."""
    words = counted_words(question)
    forms = [glossary.swedish_for_english(word) for word in words]
    english = detect_language(question) == "en"
    # An English word neither the glossary nor the nouns counting alike know: nothing to check against.
    known = [bool(found or same_count_stems([word.casefold()])) for word, found in zip(words, forms, strict=True)]
    if english and not all(known):
        return frozenset()
    # A Swedish question may count what an English page names ("företag": "40 Swedish companies"),
    # by a gloss counting the same kind of thing ("deltagare" as "participants" counts no parties).
    glosses = [] if english else [
        gloss for word in words for gloss in glossary.english_for_swedish(word)
        if counts_names(frozenset({gloss.casefold()[:5]})) == counts_names(frozenset({word.casefold()[:5]}))]
    named = [w.casefold() for w in [*words, *(f for found in forms for f in found), *glosses]]
    return frozenset(w[:5] for w in named if len(w) >= 3) | same_count_stems(named)
