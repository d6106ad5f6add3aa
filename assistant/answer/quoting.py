"""Quoting: which text of a document is quoted for a unit chosen to answer (``selection.select``).

A chosen unit is quoted with what it needs to be read on its own:
- a lead-in ("… följande områden:", or a sentence stopping mid-way) with its list, and an item of
  the list a question asks for with the list and the sentence announcing it (``_with_list``), read
  from the document so a list cut by a chunk border stays whole;
- a sentence pointing back ("Detta skall sedan …", "… mot bakgrund av detta beslut") or a fragment
  ("Klart innan juni 2014.") with the sentence before it (``_with_antecedent``);
- a sentence pointing forward ("… i nedanstående vision.") with the sentence after it, and a
  sentence with the one after it that spells out what it announced ("Det handlar om …") or rounds
  it off in a few words on its line ("Alla 57 stater ska enas.");
- for a question asking for a list, a sentence counting what it announces ("… lämnar kommissionen
  tre rekommendationer.") with the sentences after it that say what they are ("Den första …");
- for a question asking why or what for, a sentence with the next one when that gives its point
  ("Syftet med detta är …"), and one saying it follows ("… planeras därför …") with the one before.
"""

from __future__ import annotations

import re
from typing import Protocol

from assistant.answer.answer_type import AnswerType
from assistant.answer.asked_kind import asked_type
from assistant.answer.base import Passage
from assistant.answer.fact_forms import place_opened
from assistant.answer.list_lines import (
    ITEM_MARKER,
    indented,
    is_item_at,
    is_list_item,
    item_heading,
    lines_after,
    lines_before,
    listed_after,
)
from assistant.answer.list_questions import asks_for_a_list
from assistant.answer.number_words import EN_DIGITS, ORDINALS_EN, ORDINALS_SV, SV_DIGITS
from assistant.chunk import unit_spans


def announces_a_list(text: str, start: int, unit: str) -> bool:
    """Whether ``unit``, starting at ``start`` of ``text``, introduces what follows (``_announces``),
    read as an item when it is one (``is_item_at``)."""
    return _announces(unit, item=is_item_at(text, start, unit))


class QuotedUnit(Protocol):
    """What is quoted: a unit of a passage (a ``selection.Candidate``) and its span in the passage's
    document text."""

    @property
    def passage(self) -> Passage: ...

    @property
    def span(self) -> tuple[int, int]: ...


def quoted_spans(candidate: QuotedUnit, *, question: str,
                 answer_type: AnswerType | None) -> tuple[tuple[int, int], ...]:
    """The spans ``select`` would quote for ``candidate``: its list with it where it has one, the
    sentence before it where it points back to that one ("… mot bakgrund av detta beslut"), and the
    sentence after it where it points forward ("… i nedanstående vision.") or the next one spells
    out what it announced ("Det handlar om …") or rounds it off in a few words (``_rounds_off``)
    or, for a question asking why, gives its point (``_GIVES_ITS_POINT``), and the sentence before
    one saying it follows from that (``_FOLLOWS_FROM``); for a list question, the sentences after
    one counting what it announces that say what they are (``_counted_through``). ``answer_type``:
    the kind of fact the answer is for, a follow-up's own ("And why was it planned for then?" asks
    why, joined to a question asking when)."""
    wants_list, kind = asks_for_a_list(question), asked_type(question)
    why = answer_type in _WHY
    spans = _with_list(candidate, wants_list=wants_list, open_question=kind is None)
    if spans == (candidate.span,) and candidate.passage.kind == "text":
        text = candidate.passage.document_text
        start, end = _with_antecedent(text, candidate.span)
        if why and start == candidate.span[0] and _FOLLOWS_FROM.search(text[start:candidate.span[1]]) \
                and (before := _sentence_before(text, start)) is not None:
            start = before[0]  # why it is so is said in the sentence it follows from
        if wants_list and (counting := _ENDS_COUNTING.search(text[candidate.span[0]:candidate.span[1]].rstrip())) \
                and (through := _counted_through(text, end, counting.group("counted"))) > end:
            return ((start, through),)
        after = _sentence_after(text, end)
        if after and (_points_forward(text[candidate.span[0]:candidate.span[1]])
                      or _spells_out(text[after[0]:after[1]]) or _rounds_off(text, end, after)
                      or (why and _GIVES_ITS_POINT.search(text[after[0]:after[1]]))):
            end = after[1]
        return ((start, end),)
    return spans


def _rounds_off(text: str, end: int, after: tuple[int, int]) -> bool:
    """Whether the sentence ``after`` a unit ending at ``end`` is a short one on the same line that
    finishes its thought: "Om beslut ska fattas krävs konsensus. Alla 57 stater ska enas." (Not the
    lead-in of a list: "SLU ska i detta arbete beakta" is quoted with its list.)"""
    sentence = text[after[0]:after[1]].rstrip()
    return after[1] - after[0] < _FRAGMENT_CHARS and "\n" not in text[end:after[0]] \
        and sentence.endswith((".", "!", "?")) and not is_list_item(sentence)


# A sentence whose point is in the text after it: "… sammanfattas detta i nedanstående vision.",
# "The aims are as follows." (a list after one is quoted with it by ``_with_list``).
_POINTS_FORWARD = re.compile(r"\b(?:nedanstående|nedan|följande|the following|below|as follows)\b", re.IGNORECASE)


def _points_forward(unit: str) -> bool:
    return _POINTS_FORWARD.search(unit) is not None


# A sentence naming what the one before it only announced: "… finns fyra ytterligare förmåner.
# Det handlar om bostadstillägg, …". The two are quoted together.
# "Det kan handla om familjebehandling, …" names the kinds the sentence before only called "insatser".
_SPELLS_OUT = re.compile(r"^(?:det (?:kan )?(?:till exempel |bland annat |exempelvis |dels )?"
                         r"(?:handlar?|rör sig|röra sig) om|det gäller|dessa är|de är|these are|they are|namely)\b",
                         re.IGNORECASE)


def _spells_out(unit: str) -> bool:
    return _SPELLS_OUT.search(unit) is not None


# A sentence giving the point of the one before it, quoted with it when the question asks why or
# what for: "Regeringen föreslår att … Syftet med detta är att göra det möjligt att narkotikaklassa …".
_WHY = frozenset({AnswerType.PURPOSE, AnswerType.REASON})
_GIVES_ITS_POINT = re.compile(r"^(?:syftet|målet|avsikten|skälet|anledningen|orsaken) (?:med|till|för|bakom) "
                              r"(?:detta|det|dessa|förslaget|förslagen|ändringen|ändringarna)\b|"
                              r"^(?:the )?(?:purpose|aim|reason) (?:of|for|behind) (?:this|that|these|the proposal)\b|"
                              r"^(?:this|that) is (?:because|to|so that)\b", re.IGNORECASE)
# A sentence saying it follows from the one before: "Ett regeringsbeslut … planeras därför under
# hösten 2024.", "The government has therefore …" ("därför att …" gives its own cause). Asked why, it
# is quoted with that sentence; it is still read alone, since it names its own subject.
_FOLLOWS_FROM = re.compile(r"\b(?:därför|therefore)\b(?!\s+(?:att|som)\b)", re.IGNORECASE)


# A sentence that ends by counting what it announces, no list under it: "Utöver lagstiftnings-
# förslagen lämnar kommissionen tre rekommendationer." The sentences after it on its line that
# open as the parts of a count do say what they are ("Den första rekommendationen är …", "Den
# andra …", "Slutligen rekommenderar …"; "Planen bygger på två principer. Dels …"). (Not a span
# of time: "Projektet pågår i tre år.")
_ENDS_COUNTING = re.compile(rf"\b(?:{'|'.join([*SV_DIGITS, 'tio', *EN_DIGITS, 'ten'])})\s+"
                            r"(?!(?:år|månader|veckor|dagar|timmar|years|months|weeks|days|hours)\b)"
                            r"(?:[\wåäö-]+\s+)?(?P<counted>[\wåäö-]+)\.$", re.IGNORECASE)
# (A part opens as an item in its place does, ``place_opened``: "För det andra …", "Slutligen …";
# or by its place after an article, or as one more: "Den första rekommendationen är …", "Dels …".)
_OPENS_A_PART = re.compile(rf"^(?:(?:den|det|de|the) (?:{'|'.join([*ORDINALS_SV, *ORDINALS_EN])})|dels|dessutom|"
                           r"därutöver|vidare|moreover)\b", re.IGNORECASE)
_MAX_COUNTED_CHARS = 900  # the most of a line quoted after a sentence counting what it announces
_NAMES_EACH_PART = re.compile(r"\bdels\b.+\bdels\b", re.IGNORECASE)
_COUNTED_STEM = 5  # "Delmålen" opens with "delmål": the letters of a counted noun its other forms keep


def _counted_through(text: str, end: int, counted: str) -> int:
    """Where the sentences after one ending at ``end`` that say what it counted (``counted``, the
    noun it ends in) end: those on its line that open as a part does (``_OPENS_A_PART``), name the
    parts one by one ("… dels om …, dels om …"), or open with the counted noun to name them ("…
    fem delmål. Delmålen om ekonomisk integration, …"); the first of them also when it spells the parts out
    ("Det handlar om …"). Up to ``_MAX_COUNTED_CHARS``; ``end`` when the next does none of these."""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    through = end
    for start, sentence_end in unit_spans(text[end:line_end], base=end):
        sentence = text[start:sentence_end]
        if sentence_end - end > _MAX_COUNTED_CHARS or not (
                _OPENS_A_PART.search(sentence) or place_opened(sentence) is not None
                or _NAMES_EACH_PART.search(sentence)
                or _names_the_counted(sentence, counted)
                or (through == end and _spells_out(sentence))):
            break
        through = sentence_end
    return through


def _names_the_counted(sentence: str, counted: str) -> bool:
    """Whether ``sentence`` opens with the counted noun and goes on to name them: "Delmålen om
    ekonomisk integration, språklig integration, …", "Rekommendationerna är …"; not "Förmånerna har
    införts vid olika tillfällen.", which names none of them."""
    words = sentence.split(maxsplit=2)
    return len(words) > 1 and words[0].casefold().startswith(counted.casefold()[:_COUNTED_STEM]) and (
        words[1].casefold() in _NAMING_VERBS or sentence.count(",") >= 2)


_NAMING_VERBS = frozenset({"om", "är", "var", "gäller", "avser", "omfattar", "innebär", "are", "were", "include"})


def _sentence_after(text: str, end: int) -> tuple[int, int] | None:
    """The sentence after the one ending at ``end``: the rest of its line, or the first sentence of
    the next paragraph when the line ends there; none past a heading or a list item, nor a long one."""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if text[end:line_end].strip():
        region = (end, line_end)
    else:
        following = next(lines_after(text, end), None)
        if following is None or text[following[0]] == "#" or is_list_item(text[following[0]:following[1]]):
            return None
        region = following
    after = unit_spans(text[region[0]:region[1]], base=region[0])
    if not after or after[0][1] - after[0][0] > _MAX_NEIGHBOUR_CHARS:
        return None
    return after[0]


# A sentence whose subject or point is in the sentence before it: it opens with a pointing word
# ("Detta skall sedan sammanställas …", "These are …") or names "this decision".
_REFERS_BACK = re.compile(
    r"^(?:detta|denna|dessa|det här|den här|de här|det gäller|därför|därmed|this|these|therefore)\b|"
    # "LKAB, SSAB, Boliden, och Northvolt är … pionjärer. De är europeiska giganter …": who they are
    # is the sentence before's.
    r"^(?:de|they) (?:är|var|har|hade|blir|blev|kommer|are|were|have|had|will)\b|"
    r"\b(?:mot bakgrund av|utifrån|enligt|i enlighet med) (?:detta|denna|dessa)\b|"
    # A cause given by the sentence before: "Till följd av detta har Sverige ett överskott …".
    r"\b(?:till följd av|på grund av|tack vare|som en följd av|as a result of|because of|due to) "
    r"(?:detta|denna|dessa|det|this|that|these)\b|"
    r"\b(?:detta|det här) (?:beslut|uppdrag)\b|\bthis (?:decision|assignment)\b|"
    # "Det beräknas ske den 29 december.": what happens is the sentence before's.
    r"^(?:det|it|that) (?:\w+ ){0,3}?(?:ske|sker|skedde|skett|happens?|happened|takes? place|took place)\b",
    re.IGNORECASE)
_FRAGMENT_CHARS = 30  # "Klart innan juni 2014." says what of the sentence before it
_MAX_NEIGHBOUR_CHARS = 400  # a longer sentence before or after is not quoted with the unit
_MAX_ANTECEDENTS = 2


def _refers_back(unit: str) -> bool:
    return _REFERS_BACK.search(unit) is not None or (len(unit) < _FRAGMENT_CHARS and not is_list_item(unit))


def _with_antecedent(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` widened back to the start of the sentence before it, when the sentence points back
    to it or is a fragment, and again (at most ``_MAX_ANTECEDENTS`` sentences) when that one does
    too. The sentence before is looked for on the same line (a list item's first sentence
    included), or for a sentence starting a line, in its paragraph but not in a list item above."""
    first = span
    for _ in range(_MAX_ANTECEDENTS):
        if not _refers_back(text[first[0]:first[1]]) or (before := _sentence_before(text, first[0])) is None:
            break
        first = before
    return (first[0], span[1])


def _sentence_before(text: str, start: int) -> tuple[int, int] | None:
    line_start = text.rfind("\n", 0, start) + 1
    within_line = bool(text[line_start:start].strip())
    region = line_start if within_line else max(text.rfind("\n\n", 0, start), text.rfind("\n#", 0, start)) + 1
    before = unit_spans(text[region:start], base=region)
    if not before or before[-1][1] - before[-1][0] > _MAX_NEIGHBOUR_CHARS:
        return None
    first, last = before[-1]
    if (marker := ITEM_MARKER.match(text[first:last])) is not None:
        if not within_line:
            return None  # another item above: not what this sentence means
        first += marker.end()  # the item's own first sentence, quoted without its bullet
    return (first, last)


def _with_list(candidate: QuotedUnit, *, wants_list: bool, open_question: bool) -> tuple[tuple[int, int], ...]:
    """The candidate's span; or, when it announces a list ("… följande områden:", or any sentence
    followed by a list when the question asks for one, or, for a question no kind of fact names
    (``open_question``: "Vad föreslår regeringen …?"), a sentence whose line ends in a short one
    announcing it) or is an item of the list a question asks for, one span from the announcing
    sentence through the list's last item (at most ``MAX_LIST_ITEMS``), read from the document, so
    a list cut by a chunk border stays whole."""
    if candidate.passage.kind != "text":
        return (candidate.span,)
    text = candidate.passage.document_text
    start, end = candidate.span
    unit = text[start:end]
    is_item = is_item_at(text, start, unit)
    if not is_item and item_heading(text, start):
        return (candidate.span,)  # a sentence inside an item: the items after it are not its list
    following = listed_after(text, unit, end)
    announced = not is_item and (wants_list or (open_question and _announced_next(text, end)))
    if (_announces(unit, item=is_item) or announced) and following:
        return ((start, following[-1][1]),)
    if not (is_item and wants_list):
        return (candidate.span,)
    first = start
    for line_start, line_end in lines_before(text, start):
        line = text[line_start:line_end]
        if is_list_item(line) or indented(text, line_start):
            first = line_start  # an item, or a continuation line of the item below it
            continue
        if line.rstrip().endswith(":"):
            first = line_start  # the sentence that announces the list
        break
    last = following[-1][1] if following else end
    return ((first, last),)


# The longest sentence read as announcing the list under the sentence before it.
_LONGEST_ANNOUNCING = 80


def _announced_next(text: str, end: int) -> bool:
    """Whether the rest of the line after a sentence ending at ``end`` is one short sentence that
    points back to it and announces a list ("Regeringen har även lämnat förslag som stärker …
    skyddet … Förslagen innebär bland annat att" above its items): the list says what the sentence
    speaks of. ("SLU ska i detta arbete beakta" names its own subject: its list is its own.)"""
    after = _sentence_after(text, end)
    if after is None or "\n" in text[end:after[0]] or text[after[1]:].split("\n", 1)[0].strip():
        return False  # no next sentence on the line, or it is not the line's last
    announcer = text[after[0]:after[1]]
    return len(announcer) <= _LONGEST_ANNOUNCING and _announces(announcer) \
        and _BACK_TO_THE_ONE_BEFORE.search(announcer) is not None


# A sentence about the one before it: a pronoun, "bland annat", or a noun in the definite form
# before what it holds ("Förslagen innebär …", "Åtgärderna omfattar …").
_BACK_TO_THE_ONE_BEFORE = re.compile(
    r"^(?:det|detta|dessa|de|den|this|these|it|they)\b|\bbland annat\b|\bamong other things\b|"
    r"^[\wåäö]+(?:en|et|na)\s+(?:innebär|omfattar|handlar om|gäller|består av|inkluderar|include|includes|"
    r"involve|involves)\b", re.IGNORECASE)


# Words after which a phrase goes on under it: prepositions, "att", "såsom", "such as". (Not "och",
# "samt": the item before the last of a list ends so, "…, och".)
_OPEN_END = re.compile(r"\b(?:om|av|för|med|till|från|på|vid|i|att|som|såsom|bland annat|exempelvis|"
                       r"inklusive|nämligen|of|for|to|with|on|in|such as|including|namely)$", re.IGNORECASE)


def _announces(unit: str, *, item: bool | None = None) -> bool:
    """A unit that introduces what follows: it ends in a colon, or stops mid-sentence ("Syftet med
    detta program är att" above its items). An item ends without a stop as a rule, so an item
    announces the items under it only by a colon or a word no phrase ends in ("- särskilt utreda
    behovet av förändringar i alkohollagen i fråga om", its points flattened below it). ``item``
    says whether the unit is an item when its bullet is not part of it (``opens_an_item``)."""
    end = unit.rstrip()
    if end.endswith(":"):
        return True
    if not end or not end[-1].isalpha():
        return False
    return not (is_list_item(unit) if item is None else item) or _OPEN_END.search(end) is not None
