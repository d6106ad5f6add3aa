"""The default answerer: composes an answer from verbatim pieces of the retrieved passages.

No model writes anything. Depending on what the question asks (``assistant.answer.intent``):
- metadata (adopted when / by whom, valid until, owner, registration number …): the document's
  stated header fields, each cited to where the header states them;
- anything else: the units (sentences, list items, action-plan rows) that answer, chosen by
  ``assistant.answer.selection`` from their similarity to the question and the kind of fact it asks
  for (``assistant.answer.answer_type``); for "who is responsible / vem ansvarar" the rows'
  ``Huvudansvar`` and the sentences assigning responsibility, grouped by municipality.
Every piece is a quote cut from the document by offsets and carries its ``[n]``. It abstains, and
offers the closest passages instead, when the question asks for a kind of fact no passage on its
topic states, or when the passages do not support the question (``AnswerContext.support`` below
``min_support``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Sequence

from assistant.answer.answer_type import AnswerType
from assistant.answer.asked_kind import asked_type
from assistant.answer.base import AnswerContext, Answerer, Passage
from assistant.answer.citations import cell_span, field_span, make_citation, reconcile
from assistant.answer.definitions import GLOSSARY_DOCUMENT_ID, asked_term, defines
from assistant.answer.figures import counted_stems
from assistant.answer.followup import asked_part, asks_yes_or_no_after, figures_part, topic_part
from assistant.answer.intent import Intent, classify
from assistant.answer.named_documents import document_name, is_of_type, named_document_types, names_document
from assistant.answer.names import question_names
from assistant.answer.points import (
    ACTIVITY_COLUMN,
    ROLE_COLUMN,
    Point,
    grouped_by_municipality,
    one_line,
    row_cells,
    row_point,
    where,
    without_document,
)
from assistant.answer.relations import Relation, asked_relation, asks_who_succeeded, gives, names_as_successor
from assistant.answer.selection import Candidate, Selection, SelectionWeights, candidates, select
from assistant.answer.whose import named_in_english
from assistant.glossary import Glossary
from assistant.index.lexical import SwedishAnalyzer
from assistant.models import Answer, Citation, DocumentInfo, Language

ABSTENTION = {"en": "The policies in the corpus do not answer this.",
              "sv": "Policydokumenten besvarar inte detta."}
_TEXT = {
    "closest": {"en": "The closest passages are:", "sv": "De närmaste avsnitten är:"},
    "general": {"en": "Here is what the policies say:", "sv": "Så här står det i policydokumenten:"},
    "responsible": {"en": "Responsibility according to the policies:", "sv": "Ansvar enligt policydokumenten:"},
    "main": {"en": "main responsibility", "sv": "huvudansvar"},
    "activity": {"en": "activity", "sv": "aktivitet"},
    "expired": {"en": "Note: {title} was valid until {date}.", "sv": "Obs: {title} gällde till och med {date}."},
    "revise": {"en": "Note: {title} was due for revision by {date}.",
               "sv": "Obs: {title} skulle revideras senast {date}."},
    "not_stated": {"en": "None of the passages found states {what}.",
                   "sv": "Inget av de funna avsnitten anger {what}."},
}
_WHAT: dict[AnswerType, dict[str, str]] = {
    AnswerType.MONEY: {"en": "an amount", "sv": "ett belopp"},
    AnswerType.PERCENT: {"en": "a percentage", "sv": "en andel"},
    AnswerType.COUNT: {"en": "a number", "sv": "ett antal"},
    AnswerType.QUANTITY: {"en": "a figure", "sv": "en siffra"},
    AnswerType.DEADLINE: {"en": "a deadline", "sv": "något sista datum"},
    AnswerType.DATE: {"en": "a date", "sv": "något datum"},
    AnswerType.DURATION: {"en": "a period of time", "sv": "någon tidsperiod"},
    AnswerType.PERSON: {"en": "a name", "sv": "något namn"},
    AnswerType.FREQUENCY: {"en": "how often", "sv": "hur ofta"},
    AnswerType.CLOCK: {"en": "a time of day", "sv": "någon tid"},
}
_FIELD_SENTENCES: dict[str, dict[str, str]] = {
    "adopted_date": {"en": "{doc} was adopted on {value}", "sv": "{doc} beslutades {value}"},
    "adopted_by": {"en": "{doc} was adopted by {value}", "sv": "{doc} beslutades av {value}"},
    "published_date": {"en": "{doc} was published on {value}", "sv": "{doc} publicerades {value}"},
    "valid_from": {"en": "{doc} applies from {value}", "sv": "{doc} gäller från {value}"},
    "valid_until": {"en": "{doc} is valid until {value}", "sv": "{doc} gäller till och med {value}"},
    "revision_date": {"en": "{doc} is to be revised by {value}", "sv": "{doc} ska revideras senast {value}"},
    "registration_number": {"en": "{doc} has the registration number (diarienummer) {value}",
                            "sv": "{doc} har diarienummer {value}"},
    "document_owner": {"en": "The document owner (dokumentansvarig) of {doc} is {value}",
                       "sv": "Dokumentansvarig för {doc} är {value}"},
    "issued_by": {"en": "{doc} was issued by {value}", "sv": "{doc} är utfärdat av {value}"},
    "version": {"en": "{doc} is version {value}", "sv": "{doc} är version {value}"},
}
# The kinds of fact a relation (``relations``: who was tasked, whom to consult …) can narrow.
_WHO = (AnswerType.BODY, AnswerType.PERSON)


class ExtractiveAnswerer(Answerer):
    """Answers by quoting. ``today`` decides which documents have expired (injectable for tests)."""

    def __init__(self, *, glossary: Glossary, min_support: float = 0.25, max_points: int = 4,
                 today: dt.date | None = None, weights: SelectionWeights | None = None) -> None:
        self._glossary = glossary
        self._weights = weights  # None: the packaged ones (selection_weights.json)
        self._min_support = min_support
        self._max_points = max_points
        self._today = today
        self._analyzer = SwedishAnalyzer()

    def answer(self, context: AnswerContext) -> Answer:
        """Cost: analysis of the passages' sentences; no model call."""
        if not context.passages or context.unsupported_reason:
            return self._abstain(context)
        if answer := self._definition(context):
            return answer
        intent = classify(context.question)
        if intent.intent is Intent.METADATA:
            # "Who decides the opening hours of the recycling centre?" asks about no document's
            # adoption, though its words are those of one. (Not the share of the question's words
            # found: "antog", "gett ut" are the header's fields, not the passages' words.)
            if context.far_from_passages:
                return self._abstain(context)
            if answer := self._metadata(context, intent.fields):
                return answer
        answer_type, _, selection = self.selected(context)
        if selection.missing_fact:
            return self._abstain(context, not_stated=answer_type)
        if not selection.chosen or (context.support is not None and context.support < self._min_support):
            return self._abstain(context)
        if intent.intent is Intent.RESPONSIBILITY and (answer := self._responsibility(context, selection)):
            return answer
        return self._general(context, selection)

    def selected(self, context: AnswerContext) -> tuple[AnswerType | None, list[Candidate], Selection]:
        """``ranked``, and what ``answer`` quotes from them (``select``, near ties read again).
        Cost: ``ranked``'s (twice for a yes-or-no follow-up whose earlier question's kind of fact no
        passage states), and an engine pass over two to four sentences when there is a near tie."""
        answer_type, ranked = self.ranked(context)
        selection = self._select(context, answer_type, ranked)
        own = context.original_question
        if selection.missing_fact and asks_yes_or_no_after(context.question, own):
            # "Is that number a fixed ceiling?" is answered by whether it is, which states no number:
            # the follow-up's own words are asked once the earlier question's kind of fact is missing.
            answer_type, ranked = self.ranked(context, asked=own)
            selection = self._select(context, answer_type, ranked)
        # A body is no kind of fact whose absence ``select`` reads as missing, but who succeeded
        # someone is stated only by a sentence saying someone succeeded, not by one naming the
        # predecessor in the post ("Carl Berglöf, regeringens nationella kärnkraftsamordnare", which
        # a responsibility question's ``assigns`` reads as a role): none, the pages do not say.
        asked = asked_part(context.question, own)
        if answer_type in _WHO and asks_who_succeeded(asked) and not any(
                gives(Relation.SUCCESSOR, c.text) and not names_as_successor(c.text, question=asked) for c in ranked):
            return answer_type, ranked, Selection([], answer_type, missing_fact=True)
        return answer_type, ranked, selection

    def _select(self, context: AnswerContext, answer_type: AnswerType | None, ranked: list[Candidate]) -> Selection:
        return select(ranked, question=context.question, answer_type=answer_type, max_points=self._max_points,
                      weights=self._weights, read_alone=context.read_alone)

    def ranked(self, context: AnswerContext, *, asked: str | None = None) -> tuple[AnswerType | None, list[Candidate]]:
        """The kind of fact the question asks for, and every unit of the content passages with its
        features and score, best first (what ``answer`` selects from; ``assistant eval
        --explain`` prints it); ``asked``: the words that say what is asked (default ``asked_part``
        of the question). Cost: analysis of the passages' sentences."""
        asked = asked or asked_part(context.question, context.original_question)
        answer_type = asked_type(asked)
        score = self._scorer(context, asked)
        ranked = score(answer_type)
        # "Vem kan jag kontakta om …?" in a policy that gives no phone number or address is answered
        # by who handles the matter: read again for a body or post (the units' terms are analysed once).
        if answer_type is AnswerType.CONTACT and not any(c.states_type for c in ranked):
            answer_type, ranked = AnswerType.BODY, score(AnswerType.BODY)
        return answer_type, ranked

    def _scorer(self, context: AnswerContext, asked: str) -> Callable[[AnswerType | None], list[Candidate]]:
        """``candidates`` over the content passages for a kind of fact, everything else fixed: the
        question's terms, and each unit's (analysed once, however many kinds are tried)."""
        wanted = self._query_terms(context)
        # Both the overlap and the distinguishing words read a unit's terms: analyse each text once.
        glossed = functools.cache(lambda text: self._glossed_terms(text, context))
        shared = functools.partial(
            candidates, self._content(context), question=context.question,
            overlap=lambda text: _overlap(glossed(text), wanted), counted=counted_stems(asked, self._glossary),
            responsibility=classify(context.question).intent is Intent.RESPONSIBILITY,
            weights=self._weights, asked=asked, matched=lambda text: glossed(text) & wanted,
            # An English question's names are often not the documents' ("Sweden"): only the bodies
            # it names by their English names, as the documents write them ("the Geological Survey
            # of Sweden": "Sveriges geologiska undersökning", "SGU").
            names=question_names(context.question) if context.language == "sv" else named_in_english(
                context.question, self._glossary),
            known=context.expansions, figures=figures_part(context.question, context.original_question, asked=asked))
        relation = asked_relation(asked)
        return lambda answer_type: shared(answer_type=answer_type, relation=relation if answer_type in _WHO else None)

    # --- definitions ----------------------------------------------------------------------------

    def _definition(self, context: AnswerContext) -> Answer | None:
        """A glossary entry answers "what is X?" unless a policy passage defines X itself."""
        term = asked_term(context.question)
        entries = [p for p in context.passages if p.hit.document_id == GLOSSARY_DOCUMENT_ID]
        if term is None or not entries:
            return None
        if any(defines(p.source, term) for p in context.passages if p.hit.document_id != GLOSSARY_DOCUMENT_ID):
            return None
        entry = entries[0]
        # The line's head: "kommunfullmäktige — municipal council:" or, in Swedish, "kommunfullmäktige:".
        lead = entry.hit.text[:len(entry.hit.text) - (entry.hit.end - entry.hit.start)].strip()
        return self._compose(context, [Point(entry, lead, ((entry.hit.start, entry.hit.end),))], intro=None,
                             quote_inline=True)

    # --- metadata -------------------------------------------------------------------------------

    def _metadata(self, context: AnswerContext, fields: Sequence[str]) -> Answer | None:
        language = context.language
        points: list[Point] = []
        named_types = named_document_types(context.question)
        for passage in self._target_headers(context):
            if named_types and not is_of_type(passage.document, named_types):
                continue  # "when was the strategy adopted?" is not about this action plan's header
            for name in fields:
                value = getattr(passage.document, name, None)
                span = field_span(passage, name)
                if value is None or span is None:
                    continue
                if isinstance(value, dt.date):
                    value = value.isoformat()
                lead = _FIELD_SENTENCES[name][language].format(doc=document_name(passage.document), value=value)
                points.append(Point(passage, lead + ".", (span,)))
        if not points:
            return None
        return self._compose(context, points, intro=None)

    def _target_headers(self, context: AnswerContext) -> list[Passage]:
        """Header passages of the documents the question is about: those among the retrieved whose
        municipality or title the question names (at most three), else the first-ranked document
        alone. Never another retrieved document's: a question about an event in an unseen page
        ("when did the government decide …?") must not be answered with a policy's adoption date
        because that policy came third. When the target's header lacks the field, the text answers."""
        headers = {p.hit.document_id: p for p in context.passages if p.kind == "header"}
        ranked = _unique(p.hit.document_id for p in context.passages if p.kind != "header") or list(headers)
        named = [d for d in ranked if d in headers and names_document(context.question, headers[d].document)]
        return [headers[d] for d in (named[:3] or ranked[:1]) if d in headers]

    # --- responsibility -------------------------------------------------------------------------

    def _responsibility(self, context: AnswerContext, selection: Selection) -> Answer | None:
        """Action-plan rows by their main responsible; sentences as chosen, grouped by municipality."""
        points = [self._role_point(c.passage, context.language) if c.passage.kind == "table_row"
                  else self._unit_point(c, spans) for c, spans in selection.chosen]
        found = [point for point in points if point is not None]
        if not found:
            return None
        return self._compose(context, grouped_by_municipality(found), intro=_TEXT["responsible"][context.language])

    def _role_point(self, passage: Passage, language: Language) -> Point | None:
        cells = row_cells(passage)
        role = next((value for name, value in cells if ROLE_COLUMN.search(name)), None)
        activity = next((value for name, value in cells if ACTIVITY_COLUMN.search(name)), None)
        role_span = cell_span(passage, role) if role else None
        if role_span is None:
            return None
        spans = [role_span]
        lead = f"{where(passage)} — {_TEXT['main'][language]}:"
        if activity and (activity_span := cell_span(passage, activity)):
            spans.append(activity_span)
        return Point(passage, lead, tuple(spans), joiner=f" — {_TEXT['activity'][language]}: ")

    # --- general ----------------------------------------------------------------------------------

    def _general(self, context: AnswerContext, selection: Selection) -> Answer:
        wanted = self._query_terms(context)
        points = [row_point(c, answer_type=selection.answer_type, question=context.question,
                                  overlap=lambda text: _overlap(self._glossed_terms(text, context), wanted))
                  if c.passage.kind == "table_row" else self._unit_point(c, spans) for c, spans in selection.chosen]
        found = [point for point in points if point is not None]
        if not found:
            return self._abstain(context)
        # The lead first; the rest in reading order (passage rank, then position in the document).
        lead, rest = found[0], sorted(found[1:], key=lambda p: (_rank_of(p, selection), p.spans[0][0]))
        return self._compose(context, [lead, *rest], intro=_TEXT["general"][context.language])

    def _unit_point(self, candidate: Candidate, spans: tuple[tuple[int, int], ...]) -> Point:
        return Point(candidate.passage, f"{where(candidate.passage)}:", spans)

    # --- shared -----------------------------------------------------------------------------------

    def _content(self, context: AnswerContext) -> list[Passage]:
        return [p for p in context.passages if p.kind != "header"] or list(context.passages)

    def _terms(self, text: str, context: AnswerContext) -> list[str]:
        return (context.analyze or self._analyzer.terms)(text)

    def _query_terms(self, context: AnswerContext) -> set[str]:
        topic = topic_part(context.question, context.original_question)
        return set(self._terms(" ".join([topic, *context.expansions]), context))

    def _glossed_terms(self, text: str, context: AnswerContext) -> frozenset[str]:
        """A text's terms with those of the English the glossary gives for its Swedish words."""
        glosses = " ".join(self._glossary.english_for_swedish(text))
        return frozenset(self._terms(f"{text} {glosses}", context))

    def _compose(self, context: AnswerContext, points: Sequence[Point], *, intro: str | None,
                 quote_inline: bool = False) -> Answer:
        language = context.language
        lines = [intro] if intro else []
        citations: dict[int, Citation] = {}
        above: tuple[str, str] | None = None  # the bullet above's document and section: not repeated
        for point in points:
            numbers = []
            for span in point.spans:
                numbers.append(len(citations) + 1)
                citations[numbers[-1]] = make_citation(point.passage, numbers[-1], span)
            if intro is None and quote_inline:  # a definition: the quoted explanation is the answer
                lines.append(f"{point.lead} " + " ".join(f"{one_line(citations[n].quote)} [{n}]" for n in numbers))
                continue
            if intro is None:  # a stated fact: the sentence, then its source
                lines.append(f"{point.lead} " + "".join(f"[{n}]" for n in numbers))
                continue
            labels = point.labels or ("",) * len(numbers)
            body = point.joiner.join(_quoted(citations[n].quote, n, label=label)
                                     for label, n in zip(labels, numbers, strict=True))
            hit = point.passage.hit
            lead = point.lead if above is None or above[0] != hit.document_id else \
                without_document(point.lead, point.passage, same_section=above[1] == hit.section)
            lines.append(f"- {lead} {body}" if lead else f"- {body}")
            above = (hit.document_id, hit.section)
        lines.extend(self._status_notes(points, language))
        text, ordered = reconcile("\n".join(lines), citations)
        return Answer(answer=text, citations=ordered, abstained=False, mode="extractive", language=language)

    def _status_notes(self, points: Sequence[Point], language: Language) -> list[str]:
        """A document that is past its validity or revision date says so (once per document)."""
        today = self._today or dt.date.today()
        notes = []
        for document in _unique_documents(point.passage.document for point in points):
            if document.valid_until and document.valid_until < today:
                notes.append(_TEXT["expired"][language].format(title=document.title, date=document.valid_until))
            elif document.revision_date and document.revision_date < today:
                notes.append(_TEXT["revise"][language].format(title=document.title, date=document.revision_date))
        return notes

    def _abstain(self, context: AnswerContext, *, not_stated: AnswerType | None = None) -> Answer:
        language = context.language
        lines = [context.unsupported_reason or ABSTENTION[language]]
        if not_stated in _WHAT:
            lines.append(_TEXT["not_stated"][language].format(what=_WHAT[not_stated][language]))
        citations: dict[int, Citation] = {}
        suggestions = self._content(context)[:3] if not context.unsupported_reason else []
        if suggestions:
            lines.append(_TEXT["closest"][language])
            for n, passage in enumerate(suggestions, start=1):
                citations[n] = make_citation(passage, n)
                lines.append(f"- {where(passage)} [{n}]")
        text, ordered = reconcile("\n".join(lines), citations)
        return Answer(answer=text, citations=ordered, abstained=True, mode="extractive", language=language)


def _overlap(terms: frozenset[str], wanted: set[str]) -> float:
    """The question's terms a text shares, over the square root of the text's terms."""
    if not terms or not wanted:
        return 0.0
    return len(terms & wanted) / math.sqrt(len(terms))


def _unique(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _unique_documents(documents: Iterable[DocumentInfo]) -> list[DocumentInfo]:
    seen: dict[str, DocumentInfo] = {}
    for document in documents:
        seen.setdefault(document.id, document)
    return list(seen.values())


def _rank_of(point: Point, selection: Selection) -> int:
    return next((c.rank for c, _ in selection.chosen if c.passage is point.passage), 0)


def _quoted(quote: str, number: int, *, label: str = "") -> str:
    """A quote on one line with its citation number, under ``label`` when it has one (a table
    cell's column: "Tidplan: “2018, minst två gånger per termin” [1]")."""
    quoted = f"“{one_line(quote)}” [{number}]"
    return f"{label}: {quoted}" if label else quoted
