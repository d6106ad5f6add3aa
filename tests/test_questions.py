"""Validity of the evaluation question set itself (tests/eval/questions.jsonl).

These tests do not run any retriever: they keep the set honest and within its stated shape, so that a
change to the corpus or a careless edit of the set fails CI instead of silently skewing the metrics.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.evaluate import EvalQuestion, load_questions

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS_PATH = ROOT / "tests" / "eval" / "questions.jsonl"
CORPUS_DIR = ROOT / "corpus"

ANSWERABLE_KINDS = {"prose", "list", "table_row", "metadata"}
TABLE_DOCUMENT = "tierp-handlingsplan-for-integration"


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def questions() -> list[EvalQuestion]:
    return load_questions(QUESTIONS_PATH)


@pytest.fixture(scope="module")
def answerable(questions: list[EvalQuestion]) -> list[EvalQuestion]:
    return [q for q in questions if q.answerable]


@pytest.fixture(scope="module")
def unanswerable(questions: list[EvalQuestion]) -> list[EvalQuestion]:
    return [q for q in questions if not q.answerable]


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    return {path.stem: _squash(path.read_text(encoding="utf-8")) for path in CORPUS_DIR.glob("*.txt")}


def test_ids_are_unique_and_well_formed(questions: list[EvalQuestion]) -> None:
    ids = [q.id for q in questions]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"q\d{3}", i) for i in ids), ids


def test_question_texts_are_unique_and_non_blank(questions: list[EvalQuestion]) -> None:
    texts = [_squash(q.question).casefold() for q in questions]
    assert all(texts)
    assert len(texts) == len(set(texts))


def test_every_evidence_string_occurs_in_its_document(
    answerable: list[EvalQuestion], corpus: dict[str, str]
) -> None:
    missing = [
        (q.id, q.document_id, e)
        for q in answerable
        for e in q.evidence
        if q.document_id not in corpus or _squash(e) not in corpus[q.document_id]
    ]
    assert not missing


def test_evidence_strings_are_short(answerable: list[EvalQuestion]) -> None:
    too_long = [(q.id, e) for q in answerable for e in q.evidence if not 1 <= len(e.split()) <= 12]
    assert not too_long


def test_questions_do_not_quote_their_evidence(answerable: list[EvalQuestion]) -> None:
    # A question that contains its own multi-word evidence measures string matching, not retrieval.
    leaked = [
        (q.id, e)
        for q in answerable
        for e in q.evidence
        if len(e.split()) >= 3 and _squash(e).casefold() in _squash(q.question).casefold()
    ]
    assert not leaked


def test_kinds_match_answerability(questions: list[EvalQuestion]) -> None:
    assert all((q.kind in ANSWERABLE_KINDS) == q.answerable for q in questions)
    assert all(q.kind == "none" for q in questions if not q.answerable)


def test_answerable_questions_are_balanced_by_language(answerable: list[EvalQuestion]) -> None:
    counts = Counter(q.language for q in answerable)
    assert len(answerable) >= 48
    assert counts["en"] == counts["sv"]


def test_every_document_is_asked_about_often_enough(
    answerable: list[EvalQuestion], corpus: dict[str, str]
) -> None:
    counts = Counter(q.document_id for q in answerable)
    assert set(counts) == set(corpus)
    assert min(counts.values()) >= 6, counts


def test_table_rows_are_covered(answerable: list[EvalQuestion]) -> None:
    table = [q for q in answerable if q.kind == "table_row"]
    assert len(table) >= 8
    assert {q.document_id for q in table} == {TABLE_DOCUMENT}
    assert {q.language for q in table} == {"en", "sv"}


def test_header_metadata_is_covered_across_documents(answerable: list[EvalQuestion]) -> None:
    metadata = [q for q in answerable if q.kind == "metadata"]
    assert len(metadata) >= 8
    assert len({q.document_id for q in metadata}) >= 3


def test_prose_and_lists_are_covered(answerable: list[EvalQuestion]) -> None:
    kinds = Counter(q.kind for q in answerable)
    assert kinds["prose"] >= 10
    assert kinds["list"] >= 4


def test_unanswerable_questions_are_enough_and_balanced(unanswerable: list[EvalQuestion]) -> None:
    counts = Counter(q.language for q in unanswerable)
    assert len(unanswerable) >= 10
    assert counts["en"] == counts["sv"]
    assert all(q.document_id is None and q.evidence == [] for q in unanswerable)
