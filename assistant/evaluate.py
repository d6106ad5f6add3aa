"""Retrieval evaluation against a hand-written question set (``tests/eval/questions.jsonl``).

Pure functions: no model and no index are touched here. The caller passes a ``search`` callable
(question text → ranked hits), so the same metrics apply to any retriever, real or fake.

A hit counts for a question when it comes from the question's expected document *and* its text
contains one of the question's evidence strings (case-insensitive, whitespace-normalized). Only
answerable questions are scored; unanswerable ones belong to the answer-level evaluation.

The answer-level evaluation (``evaluate_answers``) likewise takes an ``ask`` callable (question text
→ ``Answer``) and a ``source_text`` callable (document id → document text), and scores every
question: evidence in the answer, verbatim quotes, consistent ``[n]`` markers, the answer's
language, correct and false abstentions, and latency. ``eval_report`` prints both as tables.

The question sets and evidence matching are in ``eval_questions``, the answer-level evaluation in
``eval_answers``; their names are importable from here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.eval_answers import (
    AnswerReport,
    AnswerResult,
    evaluate_answers,
    markers_match_citations,
    percentile,
    quote_is_verbatim,
    score_answer,
    squash,
)
from assistant.eval_questions import LANGUAGES, EvalQuestion, Language, evidence_found, load_questions, normalize

__all__ = [
    "LANGUAGES",
    "AnswerReport",
    "AnswerResult",
    "EvalQuestion",
    "HitLike",
    "Language",
    "QuestionResult",
    "RetrievalReport",
    "check_k",
    "evaluate_answers",
    "evaluate_retrieval",
    "evidence_found",
    "first_hit_rank",
    "load_questions",
    "markers_match_citations",
    "normalize",
    "percentile",
    "quote_is_verbatim",
    "score_answer",
    "squash",
]


class HitLike(Protocol):
    """Anything a search returns that names its document and carries the text shown to a reader."""

    @property
    def document_id(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """Where the first qualifying hit for a question came: 1-based ``rank``, or ``None`` if none did."""

    question: EvalQuestion
    rank: int | None

    def found_at(self, k: int) -> bool:
        """True when a qualifying hit is among the first ``k``."""
        return self.rank is not None and self.rank <= k


@dataclass(frozen=True, slots=True)
class RetrievalReport:
    """Per-question ranks and the metrics over them. Metrics count answerable questions only.

    A metric over an empty selection (e.g. a language with no questions) is ``0.0``; ``count``
    tells the two cases apart.
    """

    results: list[QuestionResult]

    def scored(self, language: Language | None = None) -> list[QuestionResult]:
        """The answerable results, optionally of one language."""
        return [
            result
            for result in self.results
            if result.question.answerable and (language is None or result.question.language == language)
        ]

    def count(self, language: Language | None = None) -> int:
        """How many answerable questions the metrics for ``language`` average over."""
        return len(self.scored(language))

    def recall_at(self, k: int, language: Language | None = None) -> float:
        """Share of answerable questions with a qualifying hit in the top ``k`` (``k`` ≥ 1)."""
        check_k(k)
        scored = self.scored(language)
        return sum(result.found_at(k) for result in scored) / len(scored) if scored else 0.0

    def mrr(self, language: Language | None = None) -> float:
        """Mean reciprocal rank of the first qualifying hit; a question without one counts 0."""
        scored = self.scored(language)
        return sum(1 / result.rank for result in scored if result.rank) / len(scored) if scored else 0.0

    def missed(self, k: int, language: Language | None = None) -> list[QuestionResult]:
        """The answerable results without a qualifying hit in the top ``k``, in input order."""
        check_k(k)
        return [result for result in self.scored(language) if not result.found_at(k)]


def check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")


def first_hit_rank(question: EvalQuestion, hits: Sequence[HitLike]) -> int | None:
    """1-based rank of the first hit from the expected document that contains evidence, else ``None``."""
    for rank, hit in enumerate(hits, start=1):
        if hit.document_id == question.document_id and evidence_found(hit.text, question.evidence):
            return rank
    return None


def evaluate_retrieval(
    questions: Sequence[EvalQuestion],
    search: Callable[[str], Sequence[HitLike]],
    *,
    depth: int = 10,
    standalone: Callable[[str, Sequence[str]], str] | None = None,
) -> RetrievalReport:
    """Run ``search`` on every answerable question and rank the hits, looking at the first ``depth``.

    A follow-up is searched as ``standalone(question, earlier_questions)`` gives it, the way the
    assistant searches it in its conversation ("And what did the Court conclude?" carries the
    earlier question's words); without ``standalone``, bare, as if asked alone. Unanswerable
    questions are skipped (``search`` is not called for them). Cost: one ``search`` call per
    answerable question, plus evidence matching over at most ``depth`` hits each.
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    results = [_run(question, search, depth=depth, standalone=standalone)
               for question in questions if question.answerable]
    return RetrievalReport(results=results)


def _run(question: EvalQuestion, search: Callable[[str], Sequence[HitLike]], *, depth: int,
         standalone: Callable[[str, Sequence[str]], str] | None) -> QuestionResult:
    query = standalone(question.question, question.history) if standalone and question.history else question.question
    hits = list(search(query))[:depth]
    return QuestionResult(question=question, rank=first_hit_rank(question, hits))
