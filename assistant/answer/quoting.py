"""Quoting: which text of a document is quoted for a unit chosen to answer (``selection.select``).

A chosen unit is quoted with what it needs to be read on its own:
- a lead-in ("… följande områden:", or a sentence stopping mid-way) with its list, and an item of
  the list a question asks for with the list and the sentence announcing it (``_with_list``), read
  from the document so a list cut by a chunk border stays whole;
- a sentence pointing back ("Detta skall sedan …", "… mot bakgrund av detta beslut") or a fragment
  ("Klart innan juni 2014.") with the sentence before it (``_with_antecedent``);
- a sentence pointing forward ("… i nedanstående vision.") with the sentence after it, and a
  sentence with the one after it that spells out what it announced ("Det handlar om …").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

from assistant.answer.asked_kind import asked_type
from assistant.answer.base import Passage
from assistant.answer.list_questions import asks_for_a_list
from assistant.chunk import unit_spans

# A list item: a bullet (a middle dot too: "· ett mer suveränt Europa"), or a number or letter with a
# dot or parenthesis ("1. ", "b) ").
_ITEM = re.compile(r"\s*(?:[-•*–·●▪◦]|\d{1,2}[.)]|[a-z][.)])\s")
_SPACES = re.compile(r"[ \t]*")


def is_list_item(line: str) -> bool:
    """``line`` starts a list item."""
    return _ITEM.match(line) is not None


def opens_an_item(text: str, start: int) -> bool:
    """Whether the unit starting at ``start`` of ``text`` is a list item's first words: only its
    bullet or number stands before it on its line ("67. Region Västmanland", read without "67. ")."""
    line_start = text.rfind("\n", 0, start) + 1
    marker = _ITEM.match(text, line_start)
    return marker is not None and not text[marker.end():start].strip()


def is_item_at(text: str, start: int, unit: str) -> bool:
    """Whether ``unit``, starting at ``start`` of ``text``, is a list item, its bullet or number in
    it or just before it (``opens_an_item``)."""
    return is_list_item(unit) or opens_an_item(text, start)


def announces_a_list(text: str, start: int, unit: str) -> bool:
    """Whether ``unit``, starting at ``start`` of ``text``, introduces what follows (``_announces``),
    read as an item when it is one (``is_item_at``)."""
    return _announces(unit, item=is_item_at(text, start, unit))


def after_item_marker(text: str, start: int) -> int:
    """Where the words of a list item whose line starts at ``start`` begin: after its bullet or
    number and the spaces after it ("* SGU ska …", "2. Kommunen …"); ``start`` for any other line."""
    marker = _ITEM.match(text, start)
    return start if marker is None else _SPACES.match(text, marker.end()).end()


class QuotedUnit(Protocol):
    """What is quoted: a unit of a passage (a ``selection.Candidate``) and its span in the passage's
    document text."""

    @property
    def passage(self) -> Passage: ...

    @property
    def span(self) -> tuple[int, int]: ...


def quoted_spans(candidate: QuotedUnit, *, question: str) -> tuple[tuple[int, int], ...]:
    """The spans ``select`` would quote for ``candidate``: its list with it where it has one, the
    sentence before it where it points back to that one ("… mot bakgrund av detta beslut"), and the
    sentence after it where it points forward ("… i nedanstående vision.") or the next one spells
    out what it announced ("Det handlar om …")."""
    spans = _with_list(candidate, wants_list=asks_for_a_list(question),
                       open_question=asked_type(question) is None)
    if spans == (candidate.span,) and candidate.passage.kind == "text":
        text = candidate.passage.document_text
        start, end = _with_antecedent(text, candidate.span)
        after = _sentence_after(text, end)
        if after and (_points_forward(text[candidate.span[0]:candidate.span[1]])
                      or _spells_out(text[after[0]:after[1]])):
            end = after[1]
        return ((start, end),)
    return spans


# A sentence whose point is in the text after it: "… sammanfattas detta i nedanstående vision.",
# "The aims are as follows." (a list after one is quoted with it by ``_with_list``).
_POINTS_FORWARD = re.compile(r"\b(?:nedanstående|nedan|följande|the following|below|as follows)\b", re.IGNORECASE)


def _points_forward(unit: str) -> bool:
    return _POINTS_FORWARD.search(unit) is not None


# A sentence naming what the one before it only announced: "… finns fyra ytterligare förmåner.
# Det handlar om bostadstillägg, …". The two are quoted together.
# "Det kan handla om familjebehandling, …" names the kinds the sentence before only called "insatser".
_SPELLS_OUT = re.compile(r"^(?:det (?:kan )?(?:till exempel |bland annat |exempelvis )?"
                         r"(?:handlar?|rör sig|röra sig) om|det gäller|dessa är|de är|these are|they are|namely)\b",
                         re.IGNORECASE)


def _spells_out(unit: str) -> bool:
    return _SPELLS_OUT.search(unit) is not None


def _sentence_after(text: str, end: int) -> tuple[int, int] | None:
    """The sentence after the one ending at ``end``: the rest of its line, or the first sentence of
    the next paragraph when the line ends there; none past a heading or a list item, nor a long one."""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if text[end:line_end].strip():
        region = (end, line_end)
    else:
        following = next(_lines_after(text, end), None)
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
_MAX_TITLE_CHARS = 150  # an item's title, or a title run into a short sentence (a Word list paragraph)
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


def item_heading(text: str, start: int) -> str:
    """The opening sentence of the list item the unit at ``start`` is inside, when the unit is not
    that sentence; else "". A numbered item's title ("3. Förmedla bidrag till Sweden Food Arena")
    says what the sentences under it are about ("För åtgärden får … högst 3 miljoner kronor."), as a
    heading does: on the item's own line, or above an indented paragraph of it. Cost: a scan back
    over the item's lines."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start:len(text) if line_end == -1 else line_end]
    if _ITEM.match(line) is None:
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            return ""
        for first, _ in _lines_before(text, start):
            above = text.rfind("\n", 0, first) + 1
            if first - above >= indent:
                continue  # another paragraph of the same item
            line_start, line_end = above, text.find("\n", first)
            line = text[line_start:line_end]
            break
        else:
            return ""
    marker = _ITEM.match(line)
    if marker is None:
        return ""
    opening = unit_spans(line[marker.end():], base=line_start + marker.end())
    if not opening or opening[0][0] <= start < opening[0][1]:
        return ""  # the unit is the opening sentence itself
    if opening[0][1] - opening[0][0] > _MAX_TITLE_CHARS:
        return ""  # a long opening sentence states a fact of its own; it is no title over the next
    return text[opening[0][0]:opening[0][1]]


def _sentence_before(text: str, start: int) -> tuple[int, int] | None:
    line_start = text.rfind("\n", 0, start) + 1
    within_line = bool(text[line_start:start].strip())
    region = line_start if within_line else max(text.rfind("\n\n", 0, start), text.rfind("\n#", 0, start)) + 1
    before = unit_spans(text[region:start], base=region)
    if not before or before[-1][1] - before[-1][0] > _MAX_NEIGHBOUR_CHARS:
        return None
    first, last = before[-1]
    if (marker := _ITEM.match(text[first:last])) is not None:
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
    for line_start, line_end in _lines_before(text, start):
        line = text[line_start:line_end]
        if is_list_item(line) or _indented(text, line_start):
            first = line_start  # an item, or a continuation line of the item below it
            continue
        if line.rstrip().endswith(":"):
            first = line_start  # the sentence that announces the list
        break
    last = following[-1][1] if following else end
    return ((first, last),)


MAX_LIST_ITEMS = 12
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


def listed_after(text: str, unit: str, end: int) -> list[tuple[int, int]]:
    """The list items after a unit ending at ``end`` (``_items_after``); for a unit ending in a
    colon, when no bullet marks them, the short lines right under it ("Kontaktpersoner:" over
    "Terrängkörning: Anna Berglund 08-405 49 58", a web page's list written line by line)."""
    items = _items_after(text, end)
    if items or not unit.rstrip().rstrip("*_").rstrip().endswith(":"):
        return items
    return _lines_under(text, end)


_LONGEST_LISTED_LINE = 200  # a line longer than this under a colon is a paragraph, not an item


def _lines_under(text: str, end: int) -> list[tuple[int, int]]:
    """The lines right under the line ending at ``end`` (its markup aside), up to a blank line, a
    heading or a bullet, when there are two or more and each is short: lines the unit announces."""
    lines: list[tuple[int, int]] = []
    previous = end
    for start, stop in _lines_after(text, end):
        gap = text[previous:start].strip(" \t*_")
        line = text[start:stop]
        if gap != "\n" or line.startswith("#") or is_list_item(line) or len(line) > _LONGEST_LISTED_LINE \
                or len(lines) >= MAX_LIST_ITEMS:
            break
        lines.append((start, stop))
        previous = stop
    return lines if len(lines) >= 2 else []


def _items_after(text: str, position: int) -> list[tuple[int, int]]:
    """The list items that follow ``position`` in ``text`` (blank lines between them allowed); an
    indented line continues the item above it ("* Utifrån gällande regelverk beskriva hur och" /
    "  identifieringen av …"), so an item is never cut at its first line break."""
    items: list[tuple[int, int]] = []
    for start, end in _lines_after(text, position):
        if items and not is_list_item(text[start:end]) and _indented(text, start):
            items[-1] = (items[-1][0], end)
            continue
        if not is_list_item(text[start:end]) or len(items) >= MAX_LIST_ITEMS:
            break
        items.append((start, end))
    return items


def _indented(text: str, start: int) -> bool:
    """The line holding ``start`` (a stripped span's start) is indented in ``text``."""
    line_start = text.rfind("\n", 0, start) + 1
    return start > line_start


def _lines_after(text: str, position: int) -> Iterator[tuple[int, int]]:
    """Non-blank lines after the line holding ``position``, as stripped spans."""
    at = text.find("\n", position)
    while at != -1:
        nxt = text.find("\n", at + 1)
        line_end = len(text) if nxt == -1 else nxt
        line = text[at + 1:line_end]
        if line.strip():
            offset = at + 1 + len(line) - len(line.lstrip())
            yield offset, offset + len(line.strip())
        at = nxt


def _lines_before(text: str, position: int) -> Iterator[tuple[int, int]]:
    """Non-blank lines before the line holding ``position``, nearest first, as stripped spans."""
    at = text.rfind("\n", 0, position)
    while at != -1:
        previous = text.rfind("\n", 0, at)
        line = text[previous + 1:at]
        if line.strip():
            offset = previous + 1 + len(line) - len(line.lstrip())
            yield offset, offset + len(line.strip())
        at = previous
