"""Specification of the retrieval metrics in ``assistant.evaluate``, with a hand-made fake search."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from assistant.eval_report import format_answer_report, format_retrieval_report
from assistant.evaluate import (
    AnswerReport,
    AnswerResult,
    EvalQuestion,
    Language,
    QuestionResult,
    RetrievalReport,
    evaluate_answers,
    evaluate_retrieval,
    evidence_found,
    load_questions,
    percentile,
)
from assistant.models import Answer, ChatTurn, Citation


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


def test_a_follow_up_is_searched_as_the_conversation_makes_it_and_bare_without_a_resolver() -> None:
    follow_up = _question("q1").model_copy(update={"question": "And by when?", "history": ["Who must report?"]})
    standalone_query = "Who must report? by when"
    calls, search = _fake_search({standalone_query: [HIT]})

    def standalone(question: str, earlier: Sequence[str]) -> str:
        return f"{earlier[-1]} {question.removeprefix('And ').rstrip('?')}"

    assert evaluate_retrieval([follow_up], search, standalone=standalone).results[0].rank == 1
    assert evaluate_retrieval([follow_up], search).results[0].rank is None
    assert calls == [standalone_query, "And by when?"]


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


# --- answer-level evaluation ---------------------------------------------------------------------

SOURCES = {
    "doc-a": "Programmet gäller t o m datum 2018-12-31.\nDiarienummer KS 2017.411",
    "doc-b": "Kommunen ska  erbjuda\tsvenskundervisning.",
}


def _citation(
    n: int, *, document_id: str = "doc-a", quote: str | None = None, span: tuple[int, int] = (0, 41)
) -> Citation:
    start, end = span
    return Citation(
        n=n, chunk_id=f"{document_id}#0", document_id=document_id, title="Program", municipality="Tranås",
        section="", quote=SOURCES[document_id][start:end] if quote is None else quote, start=start, end=end,
    )


def _answer(
    text: str = "Programmet gäller till 2018-12-31 [1].",
    *,
    citations: Sequence[Citation] | None = None,
    abstained: bool = False,
    language: Language = "en",
) -> Answer:
    cited = [_citation(1)] if citations is None else list(citations)
    return Answer(answer=text, citations=cited, abstained=abstained, mode="extractive", language=language)


ABSTAIN = _answer("I cannot find this in the documents.", citations=[], abstained=True)


def _evaluate(pairs: Sequence[tuple[EvalQuestion, Answer]]) -> AnswerReport:
    answers = {question.question: answer for question, answer in pairs}
    return evaluate_answers([q for q, _ in pairs], answers.__getitem__, source_text=SOURCES.__getitem__)


def _one(question: EvalQuestion, answer: Answer) -> AnswerResult:
    return _evaluate([(question, answer)]).results[0]


def test_every_question_is_asked_once_in_order_and_timed() -> None:
    questions = [_question("q1"), _question("q2", answerable=False), _question("q3", language="sv")]
    asked: list[str] = []

    def ask(text: str) -> Answer:
        asked.append(text)
        return ABSTAIN

    report = evaluate_answers(questions, ask, source_text=SOURCES.__getitem__)
    assert asked == [q.question for q in questions]
    assert [r.question.id for r in report.results] == ["q1", "q2", "q3"]
    assert all(r.seconds >= 0 and r.answer is ABSTAIN for r in report.results)


def test_source_text_is_fetched_once_per_document() -> None:
    fetched: list[str] = []

    def source_text(document_id: str) -> str:
        fetched.append(document_id)
        return SOURCES[document_id]

    answer = _answer("a [1] b [2]", citations=[_citation(1), _citation(2, span=(42, 66))])
    evaluate_answers([_question("q1"), _question("q2")], lambda _: answer, source_text=source_text)
    assert fetched == ["doc-a"]


# evidence


def test_evidence_in_answer_ignores_case_and_whitespace() -> None:
    answer = _answer("It  applies\nuntil 2018-12-31 [1].")
    assert _one(_question("q1"), answer).evidence_in_answer


def test_evidence_in_quote_but_not_answer_text_does_not_count() -> None:
    answer = _answer("It applies until the end of 2018 [1].")
    assert not _one(_question("q1"), answer).evidence_in_answer


def test_abstained_answer_never_has_evidence_even_if_text_contains_it() -> None:
    answer = _answer("Unsure; maybe 2018-12-31?", citations=[], abstained=True)
    assert not _one(_question("q1"), answer).evidence_in_answer


def test_unanswerable_questions_are_not_scored_on_evidence() -> None:
    report = _evaluate([(_question("q1"), _answer()), (_question("q2", answerable=False), _answer())])
    assert not report.results[1].evidence_in_answer
    assert report.evidence_in_answer() == 1.0


# verbatim


def test_exact_quote_is_verbatim() -> None:
    assert _one(_question("q1"), _answer()).verbatim == (True,)


def test_whitespace_differences_are_still_verbatim() -> None:
    quote = "  Kommunen ska erbjuda\nsvenskundervisning. "
    citation = _citation(1, document_id="doc-b", quote=quote, span=(0, len(SOURCES["doc-b"])))
    assert _one(_question("q1"), _answer(citations=[citation])).verbatim == (True,)


@pytest.mark.parametrize(
    "citation",
    [
        _citation(1, quote="Programmet gäller till 2018-12-31."),  # paraphrase
        _citation(1, quote="programmet gäller t o m datum 2018-12-31."),  # case differs
        _citation(1, span=(0, 10), quote="Programmet gäller"),  # offsets cut something else
        _citation(1, span=(0, 0), quote=""),  # empty quote, even though it matches the empty span
        _citation(1, span=(0, 3), quote=" \n "),  # blank quote
        _citation(1, document_id="doc-b", quote="Programmet gäller t o m datum 2018-12-31.", span=(0, 41)),
    ],
)
def test_non_verbatim_quotes(citation: Citation) -> None:
    assert _one(_question("q1"), _answer(citations=[citation])).verbatim == (False,)


def test_citation_to_unknown_document_is_not_verbatim() -> None:
    citation = _citation(1).model_copy(update={"document_id": "doc-missing"})
    assert _one(_question("q1"), _answer(citations=[citation])).verbatim == (False,)


def test_verbatim_has_one_flag_per_citation_in_order() -> None:
    answer = _answer("a [1] b [2]", citations=[_citation(1), _citation(2, quote="invented")])
    assert _one(_question("q1"), answer).verbatim == (True, False)


def test_verbatim_rate_counts_citations_not_answers() -> None:
    three = _answer("a [1] b [2] c [3]", citations=[_citation(1), _citation(2), _citation(3, quote="x")])
    report = _evaluate([(_question("q1"), three), (_question("q2"), _answer())])
    assert report.verbatim_rate() == pytest.approx(3 / 4)


def test_verbatim_rate_without_citations_is_one() -> None:
    report = _evaluate([(_question("q1"), ABSTAIN)])
    assert report.citation_count() == 0
    assert report.verbatim_rate() == 1.0
    assert AnswerReport(results=[]).verbatim_rate() == 1.0


# markers


@pytest.mark.parametrize(
    ("text", "numbers", "consistent"),
    [
        ("a [1] b [2].", (1, 2), True),
        ("a [1, 2] then [1] again.", (1, 2), True),
        ("No sources.", (), True),
        ("a [1].", (1, 2), False),  # citation 2 is never used
        ("a [1] b [2].", (1,), False),  # marker [2] dangles
        ("a [2].", (1,), False),  # numbers do not match
        ("a [1].", (1, 1), False),  # two citations share a number
    ],
)
def test_markers_consistent(text: str, numbers: tuple[int, ...], consistent: bool) -> None:
    answer = _answer(text, citations=[_citation(n) for n in numbers])
    assert _one(_question("q1"), answer).markers_consistent is consistent


def test_markers_consistent_share_over_all_answers() -> None:
    dangling = _answer("a [1] [2]")
    report = _evaluate([(_question("q1"), _answer()), (_question("q2", answerable=False), dangling)])
    assert report.markers_consistent() == pytest.approx(1 / 2)


# language


def test_language_right_compares_answer_and_question_language() -> None:
    report = _evaluate([
        (_question("q1", language="en"), _answer(language="en")),
        (_question("q2", language="sv"), _answer(language="en")),
        (_question("q3", language="sv", answerable=False), _answer(language="sv")),
    ])
    assert [r.language_right for r in report.results] == [True, False, True]
    assert report.language_right() == pytest.approx(2 / 3)
    assert report.language_right("en") == 1.0
    assert report.language_right("sv") == pytest.approx(1 / 2)


# abstention


def _abstention_report() -> AnswerReport:
    return _evaluate([
        (_question("a1"), _answer()),
        (_question("a2"), ABSTAIN),
        (_question("a3"), _answer("Something else [1].")),
        (_question("a4", language="sv"), ABSTAIN),
        (_question("u1", answerable=False), ABSTAIN),
        (_question("u2", answerable=False), _answer()),
        (_question("u3", answerable=False, language="sv"), ABSTAIN),
    ])


def test_abstentions_are_counted_on_the_right_side() -> None:
    report = _abstention_report()
    assert report.count(answerable=True) == 4
    assert report.count(answerable=False) == 3
    assert report.false_abstention() == pytest.approx(2 / 4)
    assert report.correct_abstention() == pytest.approx(2 / 3)
    assert report.evidence_in_answer() == pytest.approx(1 / 4)


def test_answer_metrics_split_by_language() -> None:
    report = _abstention_report()
    assert report.count("en") == 5
    assert report.count("sv") == 2
    assert report.false_abstention("en") == pytest.approx(1 / 3)
    assert report.false_abstention("sv") == 1.0
    assert report.correct_abstention("en") == pytest.approx(1 / 2)
    assert report.correct_abstention("sv") == 1.0
    assert report.evidence_in_answer("en") == pytest.approx(1 / 3)
    assert report.evidence_in_answer("sv") == 0.0


def test_answer_metrics_over_empty_selection_are_zero() -> None:
    report = _evaluate([(_question("q1"), _answer())])
    assert report.count("sv") == 0
    assert report.evidence_in_answer("sv") == 0.0
    assert report.correct_abstention() == 0.0
    assert report.language_right("sv") == 0.0
    assert report.markers_consistent("sv") == 0.0
    assert report.verbatim_rate("sv") == 1.0


# latency


def _timed(seconds: Sequence[float]) -> AnswerReport:
    base = _one(_question("q1"), ABSTAIN)
    return AnswerReport(results=[replace(base, seconds=s) for s in seconds])


def test_latency_percentiles_interpolate_linearly_in_milliseconds() -> None:
    report = _timed([0.4, 0.1, 0.3, 0.2, 1.0])
    assert report.latency_ms(50) == pytest.approx(300)
    assert report.latency_ms(95) == pytest.approx(400 + 0.8 * 600)
    assert report.latency_ms(0) == pytest.approx(100)
    assert report.latency_ms(100) == pytest.approx(1000)


def test_percentile_edge_cases() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([1.0, 2.0], 50) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="q must be"):
        percentile([1.0], 101)


# report


def test_format_answer_report_table_latency_and_lists() -> None:
    misquoted = _answer("a [1] b [2]", citations=[_citation(1), _citation(2, quote="Made  up\nquote")])
    report = _evaluate([
        (_question("q1"), misquoted),
        (_question("q2", language="sv"), _answer("Vet inte. " + "x" * 200, citations=[], abstained=True)),
        (_question("q3", answerable=False), _answer()),
        (_question("q4", answerable=False, language="sv"), ABSTAIN),
    ])
    lines = format_answer_report(report).splitlines()
    assert lines[0].split() == ["n", "evidence", "1st", "quote", "verbatim", "abstain✓", "false", "abst.", "language",
                                "markers"]
    assert lines[1].split() == ["all", "4", "0.000", "0.000", "0.667", "0.500", "0.500", "0.500", "1.000"]
    assert lines[2].split() == ["en", "2", "0.000", "0.000", "0.667", "0.000", "0.000", "1.000", "1.000"]
    assert lines[3].split() == ["sv", "2", "0.000", "0.000", "1.000", "1.000", "1.000", "0.000", "1.000"]
    assert lines[5].startswith("Latency: p50 ") and " p95 " in lines[5]
    text = "\n".join(lines)
    assert "Answerable without evidence (2):" in lines
    assert "  q1  en  answered  a [1] b [2]" in lines
    assert f"  q2  sv  abstained  Vet inte. {'x' * 90}" in lines
    assert "Unanswerable but answered (1):" in lines
    assert "  q3  question q3?" in lines
    assert "Citations not verbatim (1):" in lines
    assert "  q1  [2]  Made up quote" in text


def test_format_answer_report_says_when_lists_are_empty() -> None:
    text = format_answer_report(_evaluate([(_question("q1"), _answer()), (_question("q2", answerable=False), ABSTAIN)]))
    assert "Answerable without evidence: none" in text
    assert "Unanswerable but answered: none" in text
    assert "Citations not verbatim: none" in text


def test_a_follow_up_is_asked_after_its_earlier_questions_with_their_answers_as_history() -> None:
    asked: list[tuple[str, list[ChatTurn]]] = []

    def ask(text: str, history: list[ChatTurn] | None = None) -> Answer:
        asked.append((text, list(history or [])))
        return Answer(answer=f"answer to {text}", citations=[], abstained=False, mode="extractive", language="en")

    follow_up = EvalQuestion(id="f1", question="And by when?", language="en", answerable=False, document_id=None,
                             evidence=[], kind="follow-up", history=["Who reports?"])
    report = evaluate_answers([follow_up], ask, source_text=SOURCES.__getitem__)
    assert [text for text, _ in asked] == ["Who reports?", "And by when?"]
    assert asked[1][1] == [ChatTurn(role="user", content="Who reports?"),
                           ChatTurn(role="assistant", content="answer to Who reports?")]
    assert len(report.results) == 1 and report.results[0].question.id == "f1"


def test_evidence_in_the_first_quote_is_counted_apart_from_evidence_anywhere() -> None:
    question = _question("q1")
    padded = _answer(f"a [1] b [2] {question.evidence[0]}",
                     citations=[_citation(1, quote="Something else."), _citation(2, quote=question.evidence[0])])
    leading = _answer(f"It is {question.evidence[0]} [1]",
                      citations=[_citation(1, quote=f"It is {question.evidence[0]}.")])
    report = _evaluate([(question, padded), (_question("q2"), leading)])
    assert [r.evidence_in_answer for r in report.results] == [True, True]
    assert [r.evidence_in_first_quote for r in report.results] == [False, True]
    assert report.evidence_in_first_quote() == 0.5
