"""Answer selection: which sentences, list items and table rows of the retrieved passages answer.

Every unit of the top passages is a candidate, scored by
- its cosine similarity with the question (from the unit vectors; the multilingual embedder reads
  an English question against a Swedish sentence),
- the question's words it shares (Swedish stems and compound parts; English words through the
  glossary's Swedish forms),
- whether it states the kind of fact asked for (``answer_type``: an amount, a deadline, a body …),
- its passage's rank.

A topic is easy to match; the sentence that *answers* is the one stating the fact. So when the
question asks for a specific kind of fact, the best candidate that states one leads, provided it is
nearly as close to the question as the best candidate of all; when none is, the documents do not
state the fact (``Selection.missing_fact``).

The weights are fitted on the tuning halves of the evaluation sets (``tests/eval/``) by
``bench/fit_selection.py``; the margins are set by hand.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources

from assistant.answer.answer_type import (
    SPECIFIC,
    AnswerType,
    asked_event,
    counts_of,
    names_a_deadline,
    speaks_of,
    states,
)
from assistant.answer.base import Passage
from assistant.answer.citations import sentence_spans
from assistant.chunk import MIN_UNIT_CHARS, unit_spans

PASSAGES = 5  # content passages whose units compete
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
# Sentences and rows that assign responsibility or a task.
_ASSIGNS = re.compile(r"ansvar|uppdrag|uppgift|åligger|ska ta fram|huvudansvar|responsib|in charge", re.IGNORECASE)
_LIST_QUESTION = re.compile(r"\b(?:which|what) (?:are|were)\b|\blist\b|\bvilka\b|\bvad (?:är|var) de\b|"
                            r"\bwhich \w+s\b|\bwhat \w+s (?:are|does|do|did|will)\b", re.IGNORECASE)
# What the scorer knows of a candidate (``Candidate.features``), in this order.
FEATURES = ("similarity", "overlap", "numbers", "typed", "rank", "assigns", "deadline", "lead_in",
            "item", "row", "short")


@dataclass(frozen=True)
class SelectionWeights:
    """One weight per feature of ``FEATURES`` (a candidate's score is their weighted sum) and the
    margins ``select`` applies on that scale. The packaged weights are fitted on the tuning halves
    by ``bench/fit_selection.py`` (a conditional logit held near the earlier hand-set weights, how
    near chosen by cross-validation; ``fitted_on`` says how); the margins are set by hand."""

    weights: dict[str, float]
    fitted_on: str = ""
    typed_margin: float = 0.1  # the best unit stating the asked-for kind of fact leads if this close to the best
    follow_margin: float = 0.08  # further points must score this close to the lead

    @classmethod
    def packaged(cls) -> SelectionWeights:
        """The weights shipped in ``assistant/answer/selection_weights.json``. Cost: one small read."""
        return _packaged()

    @classmethod
    def from_json(cls, text: str) -> SelectionWeights:
        data = json.loads(text)
        unknown = set(data["weights"]) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown selection features {sorted(unknown)}")
        return cls(weights={name: float(data["weights"].get(name, 0.0)) for name in FEATURES},
                   fitted_on=str(data.get("fitted_on", "")), typed_margin=float(data["typed_margin"]),
                   follow_margin=float(data["follow_margin"]))

    def to_json(self) -> str:
        return json.dumps({"fitted_on": self.fitted_on, "typed_margin": self.typed_margin,
                           "follow_margin": self.follow_margin, "weights": self.weights},
                          ensure_ascii=False, indent=2) + "\n"

    def score(self, features: dict[str, float]) -> float:
        return sum(self.weights[name] * value for name, value in features.items())


@functools.cache
def _packaged() -> SelectionWeights:
    text = (resources.files("assistant.answer") / "selection_weights.json").read_text(encoding="utf-8")
    return SelectionWeights.from_json(text)


# A list item: a bullet, or a number or letter with a dot or parenthesis ("1. ", "b) ").
_ITEM = re.compile(r"\s*(?:[-•*–]|\d{1,2}[.)]|[a-z][.)])\s")


def is_list_item(line: str) -> bool:
    """``line`` starts a list item."""
    return _ITEM.match(line) is not None
_LIST_QUESTION = re.compile(r"\b(?:which|what) (?:are|were)\b|\blist\b|\bvilka\b|\bvad (?:är|var) de\b|"
                            r"\bwhich \w+s\b|\bwhat \w+s (?:are|does|do|did|will)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One unit of a passage with its features (``FEATURES``: its similarity, overlap …) and score."""

    passage: Passage
    rank: int
    span: tuple[int, int]
    text: str
    states_type: bool
    score: float
    features: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Selection:
    """What answers: the candidates to quote, best first (each a unit, or a list with its items as
    several spans), and whether the asked-for kind of fact is missing from the passages."""

    chosen: list[tuple[Candidate, tuple[tuple[int, int], ...]]]
    answer_type: AnswerType | None
    missing_fact: bool


def candidates(passages: Sequence[Passage], *, question: str, overlap: Callable[[str], float],
               answer_type: AnswerType | None, counted: frozenset[str] = frozenset(),
               responsibility: bool = False, weights: SelectionWeights | None = None) -> list[Candidate]:
    """Every unit of the first ``PASSAGES`` passages with its features (``FEATURES``), scored by
    ``weights`` (the packaged ones by default), best first. ``overlap(text)`` is the lexical
    overlap of a text with the question; ``counted`` the five-letter stems of what a "how many"
    question counts, in both languages (a count of something else does not answer it);
    ``responsibility``: the question asks who is responsible. Cost: regex and term analysis per unit."""
    weights = weights or SelectionWeights.packaged()
    numbers = set(_NUMBER.findall(question))
    event = asked_event(question) if answer_type in (AnswerType.DATE, AnswerType.DEADLINE) else None
    out = []
    for rank, passage in enumerate(passages[:PASSAGES]):
        for span in _unit_spans(passage):
            text = passage.hit.text if passage.kind == "table_row" else passage.document_text[span[0]:span[1]]
            if len(text) < MIN_UNIT_CHARS:
                continue
            similarity, context = _read_in_context(passage, span, text)
            typed = answer_type is not None and states(answer_type, text, besides=question) \
                and (event is None or speaks_of(event, text)) \
                and (answer_type is not AnswerType.COUNT or not counted or counts_of(text, counted))
            features = {
                "similarity": similarity,
                "overlap": overlap(f"{passage.hit.section_path[-1]}\n{context}"),
                # A year or figure the question names ("set aside in 2023") marks the sentence that has it.
                "numbers": float(len(numbers & set(_NUMBER.findall(text)))),
                "typed": float(typed),
                "rank": 1 / (rank + 1),
                "assigns": float(responsibility and bool(_ASSIGNS.search(text))),
                "deadline": float(typed and answer_type is AnswerType.DEADLINE and names_a_deadline(text)),
                "lead_in": float(passage.kind == "text" and _announces(text)
                                 and bool(_items_after(passage.document_text, span[1]))),
                "item": float(passage.kind == "text" and is_list_item(text)),
                "row": float(passage.kind == "table_row"),
                "short": float(len(text) < 40),
            }
            out.append(Candidate(passage, rank, span, text, typed, weights.score(features), features))
    return sorted(out, key=lambda c: (-c.score, c.rank, c.span))


def _read_in_context(passage: Passage, span: tuple[int, int], text: str) -> tuple[float, str]:
    """A unit's similarity to the question and the text its words are matched in: its own; for a
    fragment or a sentence pointing back ("Klart innan januari 2014."), those of the sentences
    it is quoted with (``_with_antecedent``), the closest of them, so it is read as what it is about."""
    similarity = passage.unit_scores.get(span, passage.dense_score or 0.0)
    if passage.kind != "text":
        return similarity, text
    start, end = _with_antecedent(passage.document_text, span)
    if (start, end) == span:
        return similarity, text
    inside = [score for (a, b), score in passage.unit_scores.items() if start <= a and b <= end]
    return max([similarity, *inside]), passage.document_text[start:end]


def select(ranked: list[Candidate], *, question: str, answer_type: AnswerType | None,
           max_points: int = 3, weights: SelectionWeights | None = None) -> Selection:
    """The lead candidate and the candidates nearly as good as it (``weights.follow_margin``), at
    most ``max_points``. For a specific kind of fact (a date, an amount …) the best candidate that
    states one leads if it scores within ``weights.typed_margin`` of the best of all (for "by when?"
    the best of those naming a time limit, "senast den …", when one does); when none
    does, the documents do not state the fact (``Selection.missing_fact``), and only candidates
    that state one follow ("by when?" is answered by the dates, not the sentences around them). A
    lead-in is quoted with its list."""
    if not ranked:
        return Selection([], answer_type, missing_fact=False)
    weights = weights or SelectionWeights.packaged()
    lead, missing = ranked[0], False
    if answer_type in SPECIFIC:
        typed = [c for c in ranked if c.states_type and c.score >= ranked[0].score - weights.typed_margin]
        # "By when?" is answered by a time limit ("senast den 12 maj") before any other date.
        limits = [c for c in typed if c.features.get("deadline")]
        if typed:
            lead = (limits or typed)[0]
        else:
            missing = True
    chosen = [(lead, quoted_spans(lead, question=question))]
    for candidate in ranked:
        if len(chosen) >= max_points:
            break
        if candidate is lead or candidate.score < lead.score - weights.follow_margin:
            continue
        if answer_type in SPECIFIC and not candidate.states_type:
            continue
        spans = quoted_spans(candidate, question=question)
        if any(_overlaps(candidate, spans, other, quoted) for other, quoted in chosen):
            continue
        chosen.append((candidate, spans))
    return Selection(chosen, answer_type, missing_fact=missing)


def quoted_spans(candidate: Candidate, *, question: str) -> tuple[tuple[int, int], ...]:
    """The spans ``select`` would quote for ``candidate``: its list with it where it has one, the
    sentence before it where it points back to that one ("… mot bakgrund av detta beslut"), and the
    sentence after it where it points forward ("… i nedanstående vision.")."""
    spans = _with_list(candidate, wants_list=bool(_LIST_QUESTION.search(question)))
    if spans == (candidate.span,) and candidate.passage.kind == "text":
        text = candidate.passage.document_text
        start, end = _with_antecedent(text, candidate.span)
        if _points_forward(text[candidate.span[0]:candidate.span[1]]) and (after := _sentence_after(text, end)):
            end = after[1]
        return ((start, end),)
    return spans


# A sentence whose point is in the text after it: "… sammanfattas detta i nedanstående vision.",
# "The aims are as follows." (a list after one is quoted with it by ``_with_list``).
_POINTS_FORWARD = re.compile(r"\b(?:nedanstående|nedan|följande|the following|below|as follows)\b", re.IGNORECASE)


def _points_forward(unit: str) -> bool:
    return _POINTS_FORWARD.search(unit) is not None


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
    if not after or after[0][1] - after[0][0] > _MAX_ANTECEDENT_CHARS:
        return None
    return after[0]


# A sentence whose subject or point is in the sentence before it: it opens with a pointing word
# ("Detta skall sedan sammanställas …", "These are …") or names "this decision".
_REFERS_BACK = re.compile(
    r"^(?:detta|denna|dessa|det här|den här|de här|det gäller|därför|därmed|this|these|therefore)\b|"
    r"\b(?:mot bakgrund av|utifrån|enligt|i enlighet med) (?:detta|denna|dessa)\b|"
    r"\b(?:detta|det här) (?:beslut|uppdrag)\b|\bthis (?:decision|assignment)\b", re.IGNORECASE)
_FRAGMENT_CHARS = 30  # "Klart innan juni 2014." says what of the sentence before it
_MAX_ANTECEDENT_CHARS = 400
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
    if not before or before[-1][1] - before[-1][0] > _MAX_ANTECEDENT_CHARS:
        return None
    first, last = before[-1]
    if (marker := _ITEM.match(text[first:last])) is not None:
        if not within_line:
            return None  # another item above: not what this sentence means
        first += marker.end()  # the item's own first sentence, quoted without its bullet
    return (first, last)


def _unit_spans(passage: Passage) -> list[tuple[int, int]]:
    if passage.kind == "table_row":
        return [(passage.hit.start, passage.hit.end)]
    if passage.kind == "text":
        return sentence_spans(passage)
    return []


def _overlaps(a: Candidate, a_spans: Sequence[tuple[int, int]], b: Candidate,
              b_spans: Sequence[tuple[int, int]]) -> bool:
    """Whether the two candidates would quote some of the same text of one document."""
    return a.passage.hit.document_id == b.passage.hit.document_id and any(
        x[0] < y[1] and y[0] < x[1] for x in (a.span, *a_spans) for y in (b.span, *b_spans))


def _with_list(candidate: Candidate, *, wants_list: bool) -> tuple[tuple[int, int], ...]:
    """The candidate's span; or, when it announces a list ("… följande områden:", or any sentence
    followed by a list when the question asks for one) or is an item of the list a question asks
    for, one span from the announcing sentence through the list's last item (at most
    ``MAX_LIST_ITEMS``), read from the document, so a list cut by a chunk border stays whole."""
    if candidate.passage.kind != "text":
        return (candidate.span,)
    text = candidate.passage.document_text
    start, end = candidate.span
    unit = text[start:end]
    is_item = is_list_item(unit)
    following = _items_after(text, end)
    if not is_item and (_announces(unit) or (wants_list and following)) and following:
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


def _announces(unit: str) -> bool:
    """A unit that introduces what follows: it ends in a colon, or stops mid-sentence ("Syftet med
    detta program är att" above its items)."""
    end = unit.rstrip()
    return end.endswith(":") or (bool(end) and end[-1].isalpha() and not is_list_item(unit))


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
