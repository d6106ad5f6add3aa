"""The retrieval quality bar on the project's own question set (tests/eval/questions.jsonl)."""

from __future__ import annotations

from assistant.evaluate import evaluate_retrieval, format_retrieval_report, load_questions
from assistant.facade import PolicyAssistant
from tests.conftest import QUESTIONS


def test_recall_at_5_meets_the_targets(assistant: PolicyAssistant) -> None:
    report = evaluate_retrieval(load_questions(QUESTIONS), lambda q: assistant.search(q, k=10), depth=10)
    print(format_retrieval_report(report))
    assert report.recall_at(5) >= 0.90
    assert report.recall_at(5, language="en") >= 0.85
    assert report.recall_at(5, language="sv") >= 0.85


def test_extractive_answers_meet_the_targets(assistant: PolicyAssistant) -> None:
    from assistant.evaluate import evaluate_answers, format_answer_report

    report = evaluate_answers(load_questions(QUESTIONS), assistant.ask, source_text=assistant.document_text)
    print(format_answer_report(report))
    assert report.verbatim_rate() == 1.0
    assert report.markers_consistent() == 1.0
    assert report.evidence_in_answer() >= 0.8
    assert report.correct_abstention() >= 0.9
    assert report.false_abstention() <= 0.05
    assert report.language_right() == 1.0
