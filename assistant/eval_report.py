"""The evaluation reports as ``assistant eval`` prints them: plain-text tables of the retrieval
and answer metrics per language (all / en / sv), latency, and the questions that missed."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.evaluate import AnswerReport, AnswerResult, Language, RetrievalReport, check_k, squash


def format_retrieval_report(report: RetrievalReport, *, ks: Sequence[int] = (1, 3, 5)) -> str:
    """A plain-text table (rows all/en/sv; n, Recall@k for each k, MRR to 3 decimals), then the
    questions missed at the largest k with id, language and question. Cost: O(questions × len(ks)).
    """
    if not ks:
        raise ValueError("ks must name at least one cutoff")
    for k in ks:
        check_k(k)
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


_ANSWER_HEADER = ["", "n", "evidence", "1st quote", "verbatim", "abstain✓", "false abst.", "language", "markers"]


def format_answer_report(report: AnswerReport) -> str:
    """A plain-text table (rows all/en/sv; n questions, then evidence, verbatim, correct and false
    abstention, language and markers as shares to 3 decimals), p50/p95 latency, then the answerable
    questions lacking evidence, the unanswerable questions answered anyway and the citations that
    were not verbatim. Cost: O(results + citations)."""
    rows = [_answer_row(report, name=name, language=language) for name, language in _ROWS]
    widths = [max(len(row[i]) for row in [_ANSWER_HEADER, *rows]) for i in range(len(_ANSWER_HEADER))]
    table = [_align(row, widths) for row in [_ANSWER_HEADER, *rows]]
    latency = f"Latency: p50 {report.latency_ms(50):.0f} ms, p95 {report.latency_ms(95):.0f} ms"
    return "\n".join([
        *table, "", latency, "",
        *_listing("Answerable without evidence", [_no_evidence_line(r) for r in report.missing_evidence()]), "",
        *_listing("Unanswerable but answered", [f"  {r.question.id}  {r.question.question}"
                                                 for r in report.answered_unanswerable()]), "",
        *_listing("Citations not verbatim", [f"  {r.question.id}  [{c.n}]  {squash(c.quote)}"
                                              for r, c in report.misquoted()]),
    ])


def _answer_row(report: AnswerReport, *, name: str, language: Language | None) -> list[str]:
    shares = [
        report.evidence_in_answer(language),
        report.evidence_in_first_quote(language),
        report.verbatim_rate(language),
        report.correct_abstention(language),
        report.false_abstention(language),
        report.language_right(language),
        report.markers_consistent(language),
    ]
    return [name, str(report.count(language)), *(f"{share:.3f}" for share in shares)]


def _no_evidence_line(result: AnswerResult) -> str:
    abstained = "abstained" if result.answer.abstained else "answered"
    return f"  {result.question.id}  {result.question.language}  {abstained}  {squash(result.answer.answer)[:100]}"


def _listing(title: str, lines: list[str]) -> list[str]:
    return [f"{title}: none"] if not lines else [f"{title} ({len(lines)}):", *lines]
