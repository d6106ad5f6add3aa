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
