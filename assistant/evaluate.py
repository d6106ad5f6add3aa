"""Retrieval evaluation against a hand-written question set (``tests/eval/questions.jsonl``).

Pure functions: no model and no index are touched here. The caller passes a ``search`` callable
(question text → ranked hits), so the same metrics apply to any retriever, real or fake.

A hit counts for a question when it comes from the question's expected document *and* its text
contains one of the question's evidence strings (case-insensitive, whitespace-normalized). Only
answerable questions are scored; unanswerable ones belong to the answer-level evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, Self

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

Language = Literal["en", "sv"]
LANGUAGES: tuple[Language, ...] = ("en", "sv")


class EvalQuestion(BaseModel):
    """One line of the question set.

    Answerable questions name the document that answers them and at least one evidence string a
    correct answer must contain; unanswerable ones have ``document_id=None`` and no evidence.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    question: str
    language: Language
    answerable: bool
    document_id: str | None
    evidence: list[str]
    kind: str

    @model_validator(mode="after")
    def _check_answerability(self) -> Self:
        if self.answerable and (not self.document_id or not self.evidence):
            raise ValueError("an answerable question needs a document_id and at least one evidence string")
        if not self.answerable and (self.document_id is not None or self.evidence):
            raise ValueError("an unanswerable question must have document_id null and no evidence")
        return self


class HitLike(Protocol):
    """Anything a search returns that names its document and carries the text shown to a reader."""

    @property
    def document_id(self) -> str: ...

    @property
    def text(self) -> str: ...


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read a JSONL question set; blank lines are skipped.

    Raises ``ValueError`` naming the file and 1-based line number for a line that is not valid JSON
    or not a valid question, and for a repeated id. Cost: one pass over the file.
    """
    questions: list[EvalQuestion] = []
    seen: set[str] = set()
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        question = _parse_line(line, where=f"{path}:{line_number}")
        if question.id in seen:
            raise ValueError(f"{path}:{line_number}: duplicate question id {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    return questions


def _parse_line(line: str, *, where: str) -> EvalQuestion:
    try:
        return EvalQuestion.model_validate(json.loads(line))
    except json.JSONDecodeError as error:
        raise ValueError(f"{where}: not valid JSON: {error.msg}") from error
    except ValidationError as error:
        raise ValueError(f"{where}: not a valid question: {error}") from error


def normalize(text: str) -> str:
    """Collapse every run of whitespace to one space, strip the ends and casefold. Cost: O(len)."""
    return " ".join(text.split()).casefold()


def evidence_found(text: str, evidence: Sequence[str]) -> bool:
    """True when any evidence string occurs in ``text``, ignoring case and whitespace differences.

    Blank evidence strings never match; no evidence at all is ``False``. Cost: O(len(text) ×
    len(evidence)).
    """
    haystack = normalize(text)
    return any(needle and needle in haystack for needle in map(normalize, evidence))


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
        _check_k(k)
        scored = self.scored(language)
        return sum(result.found_at(k) for result in scored) / len(scored) if scored else 0.0

    def mrr(self, language: Language | None = None) -> float:
        """Mean reciprocal rank of the first qualifying hit; a question without one counts 0."""
        scored = self.scored(language)
        return sum(1 / result.rank for result in scored if result.rank) / len(scored) if scored else 0.0

    def missed(self, k: int, language: Language | None = None) -> list[QuestionResult]:
        """The answerable results without a qualifying hit in the top ``k``, in input order."""
        _check_k(k)
        return [result for result in self.scored(language) if not result.found_at(k)]


def _check_k(k: int) -> None:
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
) -> RetrievalReport:
    """Run ``search`` on every answerable question and rank the hits, looking at the first ``depth``.

    Unanswerable questions are skipped (``search`` is not called for them). Cost: one ``search``
    call per answerable question, plus evidence matching over at most ``depth`` hits each.
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    results = [_run(question, search, depth=depth) for question in questions if question.answerable]
    return RetrievalReport(results=results)


def _run(question: EvalQuestion, search: Callable[[str], Sequence[HitLike]], *, depth: int) -> QuestionResult:
    hits = list(search(question.question))[:depth]
    return QuestionResult(question=question, rank=first_hit_rank(question, hits))


def format_retrieval_report(report: RetrievalReport, *, ks: Sequence[int] = (1, 3, 5)) -> str:
    """A plain-text table (rows all/en/sv; n, Recall@k for each k, MRR to 3 decimals), then the
    questions missed at the largest k with id, language and question. Cost: O(questions × len(ks)).
    """
    if not ks:
        raise ValueError("ks must name at least one cutoff")
    for k in ks:
        _check_k(k)
    header = ["", "n", *(f"Recall@{k}" for k in ks), "MRR"]
    rows = [_metrics_row(report, name=name, language=language, ks=ks) for name, language in _ROWS]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    table = [_align(row, widths) for row in [header, *rows]]
    return "\n".join([*table, "", *_missed_lines(report, k=max(ks))])


_ROWS: tuple[tuple[str, Language | None], ...] = (("all", None), ("en", "en"), ("sv", "sv"))


def _metrics_row(
    report: RetrievalReport, *, name: str, language: Language | None, ks: Sequence[int]
) -> list[str]:
    recalls = [f"{report.recall_at(k, language):.3f}" for k in ks]
    return [name, str(report.count(language)), *recalls, f"{report.mrr(language):.3f}"]


def _align(cells: list[str], widths: list[int]) -> str:
    first, *rest = cells
    return "  ".join([first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))])


def _missed_lines(report: RetrievalReport, *, k: int) -> list[str]:
    missed = report.missed(k)
    if not missed:
        return [f"Missed at @{k}: none"]
    lines = [f"Missed at @{k} ({len(missed)}):"]
    lines += [f"  {r.question.id}  {r.question.language}  {r.question.question}" for r in missed]
    return lines
