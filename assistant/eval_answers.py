"""Answer-level evaluation against a question set (``assistant.eval_questions``).

``evaluate_answers`` takes an ``ask`` callable (question text → ``Answer``) and a ``source_text``
callable (document id → document text), and scores every question, answerable and not: evidence in
the answer and in its first quote, verbatim quotes, consistent ``[n]`` markers, the answer's
language, correct and false abstentions, and latency. No model and no index are touched here.
``eval_report`` prints the report as tables. Re-exported by ``assistant.evaluate``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer.citations import markers
from assistant.eval_questions import EvalQuestion, Language, evidence_found
from assistant.models import Answer, ChatTurn, Citation


def squash(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends (case is kept)."""
    return " ".join(text.split())


def quote_is_verbatim(citation: Citation, source: str | None) -> bool:
    """True when the citation's quote is non-empty and equals ``source[start:end]`` up to whitespace.

    ``source=None`` (the document is unknown) is never verbatim. Cost: O(len(quote)).
    """
    if source is None:
        return False
    quote = squash(citation.quote)
    return bool(quote) and quote == squash(source[citation.start:citation.end])


def markers_match_citations(answer: Answer) -> bool:
    """True when the ``[n]`` markers in the text are exactly the citations' numbers, each number
    used by one citation only. No markers and no citations is consistent. Cost: O(len(text))."""
    numbers = [citation.n for citation in answer.citations]
    return len(numbers) == len(set(numbers)) and set(markers(answer.answer)) == set(numbers)


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """One question, the answer ``ask`` gave and how it scored.

    ``evidence_in_answer`` is ``False`` for unanswerable questions (they are not scored on it);
    ``verbatim`` has one entry per citation, in the answer's order.
    """

    question: EvalQuestion
    answer: Answer
    seconds: float
    evidence_in_answer: bool
    verbatim: tuple[bool, ...]
    markers_consistent: bool
    language_right: bool
    evidence_in_first_quote: bool = False
    """The first citation's quote (the lead point) holds an evidence string: an answer of four
    points cannot hide a miss behind its padding."""


def _share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


@dataclass(slots=True)
class AnswerReport:
    """Per-question answer results and the metrics over them.

    Every metric takes an optional ``language`` and returns a share in [0, 1]. A metric over an
    empty selection is ``0.0`` (use the ``count`` methods to tell), except ``verbatim_rate``, which
    is ``1.0`` when there are no citations (nothing was misquoted). Cost: O(results) per call.
    """

    results: list[AnswerResult]

    def selected(self, language: Language | None = None, *, answerable: bool | None = None) -> list[AnswerResult]:
        """The results of one language (``None``: all) and answerability (``None``: both)."""
        return [
            result
            for result in self.results
            if (language is None or result.question.language == language)
            and (answerable is None or result.question.answerable == answerable)
        ]

    def count(self, language: Language | None = None, *, answerable: bool | None = None) -> int:
        """How many results ``selected`` returns for these arguments."""
        return len(self.selected(language, answerable=answerable))

    def citation_count(self, language: Language | None = None) -> int:
        """How many citations the answers of ``language`` carry in total."""
        return sum(len(result.verbatim) for result in self.selected(language))

    def evidence_in_answer(self, language: Language | None = None) -> float:
        """Share of answerable questions answered (not abstained) with an evidence string in the text."""
        return _share([r.evidence_in_answer for r in self.selected(language, answerable=True)])

    def evidence_in_first_quote(self, language: Language | None = None) -> float:
        """Share of answerable questions answered with an evidence string in the first quote."""
        return _share([r.evidence_in_first_quote for r in self.selected(language, answerable=True)])

    def verbatim_rate(self, language: Language | None = None) -> float:
        """Share of all citations whose quote is verbatim; ``1.0`` when there are no citations."""
        flags = [flag for result in self.selected(language) for flag in result.verbatim]
        return _share(flags) if flags else 1.0

    def correct_abstention(self, language: Language | None = None) -> float:
        """Share of unanswerable questions on which the assistant abstained."""
        return _share([r.answer.abstained for r in self.selected(language, answerable=False)])

    def false_abstention(self, language: Language | None = None) -> float:
        """Share of answerable questions on which the assistant abstained (lower is better)."""
        return _share([r.answer.abstained for r in self.selected(language, answerable=True)])

    def language_right(self, language: Language | None = None) -> float:
        """Share of all questions answered in the question's language."""
        return _share([r.language_right for r in self.selected(language)])

    def markers_consistent(self, language: Language | None = None) -> float:
        """Share of all answers whose ``[n]`` markers and citations match one to one."""
        return _share([r.markers_consistent for r in self.selected(language)])

    def latency_ms(self, q: float) -> float:
        """The ``q``-th percentile (0-100, linear interpolation as numpy's default) of the time per
        question in milliseconds, over all results; ``0.0`` when there are none."""
        return percentile([result.seconds * 1000 for result in self.results], q)

    def missing_evidence(self) -> list[AnswerResult]:
        """Answerable questions whose answer lacked evidence (abstained or not), in input order."""
        return [r for r in self.selected(answerable=True) if not r.evidence_in_answer]

    def answered_unanswerable(self) -> list[AnswerResult]:
        """Unanswerable questions the assistant answered instead of abstaining, in input order."""
        return [r for r in self.selected(answerable=False) if not r.answer.abstained]

    def misquoted(self) -> list[tuple[AnswerResult, Citation]]:
        """Every citation whose quote is not verbatim, with its result, in input order."""
        return [
            (result, citation)
            for result in self.results
            for citation, ok in zip(result.answer.citations, result.verbatim, strict=True)
            if not ok
        ]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0 ≤ q ≤ 100) with linear interpolation between closest ranks;
    ``0.0`` for no values. Cost: O(n log n)."""
    if not 0 <= q <= 100:
        raise ValueError(f"q must be between 0 and 100, got {q}")
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def evaluate_answers(
    questions: Sequence[EvalQuestion],
    ask: Callable[..., Answer],
    *,
    source_text: Callable[[str], str],
) -> AnswerReport:
    """Ask every question (answerable and not) in order, timing each ``ask`` call, and score it.
    ``ask(question)``, or ``ask(question, history)`` for a follow-up: its earlier questions
    (``EvalQuestion.history``) are asked first, untimed, and their answers become its history.

    ``source_text`` maps a document id to the text citation offsets index into; it is called once
    per distinct cited document, and a document it raises ``LookupError`` for makes its citations
    not verbatim. Exceptions from ``ask`` propagate. Cost: one ``ask`` call per question, plus
    linear scans of each answer's text and quotes.
    """
    sources: dict[str, str | None] = {}

    def lookup(document_id: str) -> str | None:
        if document_id not in sources:
            try:
                sources[document_id] = source_text(document_id)
            except LookupError:
                sources[document_id] = None
        return sources[document_id]

    return AnswerReport(results=[_ask_one(question, ask, lookup=lookup) for question in questions])


def _ask_one(
    question: EvalQuestion, ask: Callable[..., Answer], *, lookup: Callable[[str], str | None]
) -> AnswerResult:
    turns = _conversation(question.history, ask)
    started = time.perf_counter()
    answer = ask(question.question, turns) if turns else ask(question.question)
    seconds = time.perf_counter() - started
    return score_answer(question, answer, seconds=seconds, source_text=lookup)


def _conversation(earlier: Sequence[str], ask: Callable[..., Answer]) -> list[ChatTurn]:
    """A follow-up's history: each earlier question asked in turn (with the turns before it), its
    answer as the assistant's turn. Untimed and unscored."""
    turns: list[ChatTurn] = []
    for text in earlier:
        answer = ask(text, list(turns)) if turns else ask(text)
        turns += [ChatTurn(role="user", content=text), ChatTurn(role="assistant", content=answer.answer)]
    return turns


def score_answer(
    question: EvalQuestion,
    answer: Answer,
    *,
    seconds: float,
    source_text: Callable[[str], str | None],
) -> AnswerResult:
    """Score one answer to ``question`` (no model call). ``source_text`` returns ``None`` for an
    unknown document. Cost: one ``source_text`` call per citation plus linear text scans."""
    evidence = question.answerable and not answer.abstained and evidence_found(answer.answer, question.evidence)
    return AnswerResult(
        question=question,
        answer=answer,
        seconds=seconds,
        evidence_in_answer=evidence,
        verbatim=tuple(quote_is_verbatim(c, source_text(c.document_id)) for c in answer.citations),
        markers_consistent=markers_match_citations(answer),
        language_right=answer.language == question.language,
        evidence_in_first_quote=evidence and bool(answer.citations)
        and evidence_found(answer.citations[0].quote, question.evidence),
    )
