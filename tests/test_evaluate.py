"""Specification of the retrieval metrics in ``assistant.evaluate``, with a hand-made fake search."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.evaluate import (
    EvalQuestion,
    Language,
    QuestionResult,
    RetrievalReport,
    evaluate_retrieval,
    evidence_found,
    format_retrieval_report,
    load_questions,
)


@dataclass(frozen=True)
class FakeHit:
    document_id: str
    text: str


def _question(
    qid: str,
    *,
    language: Language = "en",
    document_id: str | None = "doc-a",
    evidence: Sequence[str] = ("2018-12-31",),
    answerable: bool = True,
) -> EvalQuestion:
    return EvalQuestion(
        id=qid,
        question=f"question {qid}?",
        language=language,
        answerable=answerable,
        document_id=document_id if answerable else None,
        evidence=list(evidence) if answerable else [],
        kind="prose" if answerable else "none",
    )


def _fake_search(table: dict[str, list[FakeHit]]) -> tuple[list[str], Callable[[str], list[FakeHit]]]:
    """A search that answers from ``table`` (unknown queries: no hits) and records every query."""
    calls: list[str] = []

    def search(query: str) -> list[FakeHit]:
        calls.append(query)
        return table.get(query, [])

    return calls, search


HIT = FakeHit("doc-a", "Gäller t o m datum 2018-12-31")
WRONG_DOC = FakeHit("doc-b", "Gäller t o m datum 2018-12-31")
NO_EVIDENCE = FakeHit("doc-a", "Diarienummer KS 2017.411")


# --- evidence matching ---------------------------------------------------------------------------


def test_evidence_matches_across_case_and_whitespace() -> None:
    text = "Huvudansvar:\tChef  kvalitet\noch strategisk utveckling"
    assert evidence_found(text, ["chef KVALITET och strategisk utveckling"])


def test_evidence_matches_if_any_string_occurs() -> None:
    assert evidence_found("Fastställd datum 2017-05-30", ["KS 2017.411", "2017-05-30"])


def test_evidence_does_not_match_when_absent_blank_or_empty() -> None:
    assert not evidence_found("Fastställd datum 2017-05-30", ["2018-12-31"])
    assert not evidence_found("Fastställd datum 2017-05-30", ["  ", ""])
    assert not evidence_found("Fastställd datum 2017-05-30", [])


# --- ranks ---------------------------------------------------------------------------------------


def test_rank_is_first_hit_from_expected_document_with_evidence() -> None:
    q = _question("q1")
    _, search = _fake_search({q.question: [WRONG_DOC, NO_EVIDENCE, HIT, HIT]})
    report = evaluate_retrieval([q], search)
    assert report.results == [QuestionResult(question=q, rank=3)]


def test_rank_is_none_when_no_hit_qualifies() -> None:
    q = _question("q1")
    _, search = _fake_search({q.question: [WRONG_DOC, NO_EVIDENCE]})
    assert evaluate_retrieval([q], search).results[0].rank is None


def test_hits_beyond_depth_are_ignored() -> None:
    q = _question("q1")
    _, search = _fake_search({q.question: [NO_EVIDENCE, NO_EVIDENCE, HIT]})
    assert evaluate_retrieval([q], search, depth=2).results[0].rank is None
    assert evaluate_retrieval([q], search, depth=3).results[0].rank == 3


def test_depth_must_be_positive() -> None:
    _, search = _fake_search({})
    with pytest.raises(ValueError, match="depth"):
        evaluate_retrieval([_question("q1")], search, depth=0)


def test_unanswerable_questions_are_not_searched_nor_scored() -> None:
    answerable = _question("q1")
    unanswerable = _question("q2", answerable=False)
    calls, search = _fake_search({answerable.question: [HIT]})
    report = evaluate_retrieval([answerable, unanswerable], search)
    assert calls == [answerable.question]
    assert [r.question.id for r in report.results] == ["q1"]
    assert report.count() == 1


# --- metrics -------------------------------------------------------------------------------------


def _report(ranks: dict[str, tuple[Language, int | None]]) -> RetrievalReport:
    return RetrievalReport(
        results=[
            QuestionResult(question=_question(qid, language=language), rank=rank)
            for qid, (language, rank) in ranks.items()
        ]
    )


RANKS: dict[str, tuple[Language, int | None]] = {
    "q1": ("en", 1),
    "q2": ("en", 3),
    "q3": ("sv", 2),
    "q4": ("sv", None),
}


def test_recall_at_k_counts_ranks_up_to_k() -> None:
    report = _report(RANKS)
    assert report.recall_at(1) == pytest.approx(1 / 4)
    assert report.recall_at(2) == pytest.approx(2 / 4)
    assert report.recall_at(3) == pytest.approx(3 / 4)
    assert report.recall_at(10) == pytest.approx(3 / 4)


def test_mrr_averages_reciprocal_ranks_with_misses_as_zero() -> None:
    assert _report(RANKS).mrr() == pytest.approx((1 + 1 / 3 + 1 / 2 + 0) / 4)


def test_metrics_split_by_language() -> None:
    report = _report(RANKS)
    assert report.count("en") == 2
    assert report.recall_at(1, "en") == pytest.approx(1 / 2)
    assert report.recall_at(3, "en") == pytest.approx(1.0)
    assert report.mrr("en") == pytest.approx((1 + 1 / 3) / 2)
    assert report.recall_at(3, "sv") == pytest.approx(1 / 2)
    assert report.mrr("sv") == pytest.approx((1 / 2) / 2)


def test_metrics_skip_unanswerable_results_given_directly() -> None:
    report = RetrievalReport(
        results=[
            QuestionResult(question=_question("q1"), rank=1),
            QuestionResult(question=_question("q2", answerable=False), rank=None),
        ]
    )
    assert report.recall_at(1) == 1.0
    assert report.mrr() == 1.0


def test_metrics_over_empty_selection_are_zero() -> None:
    report = _report({"q1": ("en", 1)})
    assert report.count("sv") == 0
    assert report.recall_at(5, "sv") == 0.0
    assert report.mrr("sv") == 0.0


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError, match="k must be"):
        _report(RANKS).recall_at(0)


def test_missed_lists_results_outside_top_k() -> None:
    assert [r.question.id for r in _report(RANKS).missed(2)] == ["q2", "q4"]


# --- report --------------------------------------------------------------------------------------


def test_format_report_has_rows_columns_and_misses() -> None:
    text = format_retrieval_report(_report(RANKS), ks=(1, 3, 5))
    lines = text.splitlines()
    assert lines[0].split() == ["n", "Recall@1", "Recall@3", "Recall@5", "MRR"]
    assert lines[1].split() == ["all", "4", "0.250", "0.750", "0.750", "0.458"]
    assert lines[2].split() == ["en", "2", "0.500", "1.000", "1.000", "0.667"]
    assert lines[3].split() == ["sv", "2", "0.000", "0.500", "0.500", "0.250"]
    assert "Missed at @5 (1):" in lines
    assert lines[-1].split() == ["q4", "sv", "question", "q4?"]


def test_format_report_says_when_nothing_was_missed() -> None:
    text = format_retrieval_report(_report({"q1": ("en", 1)}))
    assert text.splitlines()[-1] == "Missed at @5: none"


def test_format_report_uses_largest_k_for_misses() -> None:
    text = format_retrieval_report(_report(RANKS), ks=(1, 2))
    assert "Missed at @2 (2):" in text


# --- loading -------------------------------------------------------------------------------------


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _line(**overrides: object) -> str:
    row = {
        "id": "q001",
        "question": "When does it expire?",
        "language": "en",
        "answerable": True,
        "document_id": "doc-a",
        "evidence": ["2018-12-31"],
        "kind": "metadata",
    }
    return json.dumps({**row, **overrides}, ensure_ascii=False)


def test_load_questions_reads_lines_and_skips_blank_ones(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(), "", _line(id="q002", language="sv", question="När?")])
    assert [q.id for q in load_questions(path)] == ["q001", "q002"]


def test_load_questions_names_the_line_with_bad_json(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(), "{not json"])
    with pytest.raises(ValueError, match=r"questions\.jsonl:2: not valid JSON"):
        load_questions(path)


@pytest.mark.parametrize(
    "bad",
    [
        {"language": "de"},
        {"evidence": []},
        {"document_id": None},
        {"answerable": False},
        {"unexpected": 1},
    ],
)
def test_load_questions_names_the_line_with_an_invalid_question(
    tmp_path: Path, bad: dict[str, object]
) -> None:
    path = _write(tmp_path, [_line(id="q000"), _line(**bad)])
    with pytest.raises(ValueError, match=r"questions\.jsonl:2: not a valid question"):
        load_questions(path)


def test_load_questions_rejects_duplicate_ids(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(), _line()])
    with pytest.raises(ValueError, match=r":2: duplicate question id 'q001'"):
        load_questions(path)
