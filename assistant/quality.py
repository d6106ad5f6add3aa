"""The quality figures of ``assistant eval`` for the Status page: the configured question set
(``Settings.eval_questions``) asked of the serving index, and the latest figures kept in the data
folder so they outlive a restart.

Measuring asks every question (about 0.1-0.5 s each with the extractive answerer), so it runs as
a background job; the questions it asks are not logged as staff questions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from assistant.durable import write_durably
from assistant.errors import InvalidRequestError
from assistant.evaluate import AnswerReport, RetrievalReport, evaluate_answers, evaluate_retrieval, load_questions
from assistant.models import Answer, Hit

RECALL_DEPTH = 5


class QualityFigures(BaseModel):
    """One measurement of the serving index against a question set: counts, so a page can say
    "63 of 68" rather than a bare share."""

    questions_file: str
    index_version: str
    measured_at: dt.datetime
    answerer: str
    questions: int
    answerable: int
    found_in_top_5: int
    mrr: float
    evidence_in_answer: int
    evidence_in_first_quote: int
    citations: int
    verbatim_citations: int
    unanswerable: int
    abstained_rightly: int
    abstained_wrongly: int
    median_seconds: float

    def summary(self) -> str:
        """One line: the evidence and abstention counts."""
        return (f"{self.index_version}: evidence in {self.evidence_in_answer}/{self.answerable} answers, "
                f"{self.evidence_in_first_quote} in the first quote; {self.abstained_rightly}/{self.unanswerable} "
                "unanswerable abstained")


def measure(path: Path, *, search: Callable[[str], Sequence[Hit]], ask: Callable[..., Answer],
            source_text: Callable[[str], str], index_version: str, answerer: str,
            standalone: Callable[[str, Sequence[str]], str] | None = None) -> QualityFigures:
    """Ask every question of the set at ``path`` and count. ``InvalidRequestError`` when the file
    is missing or a line is malformed (naming it). ``ask`` should not log the questions it is
    asked; ``standalone`` gives the query a follow-up is searched with (``evaluate_retrieval``).
    Cost: a search and an ask per question (plus a follow-up's earlier turns)."""
    try:
        cases = load_questions(path)
    except (OSError, ValueError) as error:
        raise InvalidRequestError(f"the evaluation set cannot be read: {error}") from error
    retrieval = evaluate_retrieval(cases, search, depth=RECALL_DEPTH, standalone=standalone)
    answers = evaluate_answers(cases, ask, source_text=source_text)
    return _figures(retrieval, answers, questions_file=str(path), index_version=index_version, answerer=answerer)


def _figures(retrieval: RetrievalReport, answers: AnswerReport, **about: str) -> QualityFigures:
    answerable = answers.selected(answerable=True)
    unanswerable = answers.selected(answerable=False)
    verbatim = [ok for result in answers.results for ok in result.verbatim]
    return QualityFigures(
        **about, measured_at=dt.datetime.now(dt.UTC), questions=len(answers.results), answerable=len(answerable),
        found_in_top_5=sum(result.found_at(RECALL_DEPTH) for result in retrieval.scored()),
        mrr=round(retrieval.mrr(), 3),
        evidence_in_answer=sum(r.evidence_in_answer for r in answerable),
        evidence_in_first_quote=sum(r.evidence_in_first_quote for r in answerable),
        citations=len(verbatim), verbatim_citations=sum(verbatim), unanswerable=len(unanswerable),
        abstained_rightly=sum(r.answer.abstained for r in unanswerable),
        abstained_wrongly=sum(r.answer.abstained for r in answerable),
        median_seconds=round(answers.latency_ms(50) / 1000, 3))


class QualityRecord:
    """The latest figures, as JSON in one file written durably (a crash leaves the previous ones)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def latest(self) -> QualityFigures | None:
        """The figures last saved; ``None`` when none were, or the file is not readable as figures."""
        try:
            return QualityFigures.model_validate_json(self.path.read_bytes())
        except (OSError, ValidationError):
            return None

    def save(self, figures: QualityFigures) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_durably(self.path, figures.model_dump_json(indent=2).encode("utf-8"))
