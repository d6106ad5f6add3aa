"""The evaluation question sets (``tests/eval/questions.jsonl`` and the others): one question a line,
read and checked by ``load_questions``, and what counts as evidence of an answer (``evidence_found``:
an evidence string in a text, ignoring case and whitespace). Used by the retrieval evaluation
(``assistant.evaluate``) and the answer evaluation (``assistant.eval_answers``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from assistant.parse.characters import without_invisibles

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
    history: list[str] = []  # a follow-up's earlier questions in the same conversation, oldest first

    @model_validator(mode="after")
    def _check_answerability(self) -> Self:
        if self.answerable and (not self.document_id or not self.evidence):
            raise ValueError("an answerable question needs a document_id and at least one evidence string")
        if not self.answerable and (self.document_id is not None or self.evidence):
            raise ValueError("an unanswerable question must have document_id null and no evidence")
        return self


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
    """Collapse every run of whitespace to one space, strip the ends, drop invisible characters
    (evidence copied from a page may keep soft hyphens that an HTML or DOCX reading of the same
    text drops) and casefold. Cost: O(len)."""
    return " ".join(without_invisibles(text).split()).casefold()


def evidence_found(text: str, evidence: Sequence[str]) -> bool:
    """True when any evidence string occurs in ``text``, ignoring case and whitespace differences.

    Blank evidence strings never match; no evidence at all is ``False``. Cost: O(len(text) ×
    len(evidence)).
    """
    haystack = normalize(text)
    return any(needle and needle in haystack for needle in map(normalize, evidence))
