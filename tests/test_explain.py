"""``assistant eval --explain``: each answerable question whose first quote lacks the evidence is
shown with the candidates the answer chose from, their features and scores, and which of them
would have held the evidence."""

from __future__ import annotations

from assistant.answer.asked_kind import asked_type
from assistant.answer.selection import quoted_spans
from assistant.evaluate import EvalQuestion, evaluate_answers
from assistant.explain import explain_misses
from assistant.facade import PolicyAssistant

QUESTION = "Who owns housing goals?"


def _question(evidence: str) -> EvalQuestion:
    return EvalQuestion(id="x1", question=QUESTION, language="en", answerable=True,
                        document_id="tierp-handlingsplan-for-integration", evidence=[evidence], kind="body")


def test_a_miss_lists_the_candidates_and_marks_the_one_holding_the_evidence(assistant: PolicyAssistant) -> None:
    _, ranked, _ = assistant.answer_candidates(QUESTION)
    third = ranked[2]
    kind = asked_type(QUESTION)
    quoted = " ".join(third.passage.document_text[a:b]
                      for a, b in quoted_spans(third, question=QUESTION, answer_type=kind))
    evidence = " ".join(quoted.split()[:6])
    if any(evidence.casefold() in " ".join(c.passage.document_text[a:b] for a, b in
                                             quoted_spans(c, question=QUESTION, answer_type=kind)).casefold()
           for c in ranked[:2]):
        evidence = " ".join(quoted.split()[-6:])
    report = evaluate_answers([_question(evidence)], assistant.ask, source_text=assistant.document_text)
    assert not report.results[0].evidence_in_first_quote
    text = explain_misses(assistant, report)
    lines = text.splitlines()
    assert "Misses explained (1)" in lines[0]
    assert any(line.startswith("x1 [") and QUESTION in line for line in lines)
    marked = [line for line in lines if line.startswith("  *")]
    assert marked and "sim=" in marked[0] and "typ=" in marked[0]
    assert any(line.strip().startswith("1 ") for line in lines)  # the winner is shown with its score
    # And which candidate the answer actually quoted first: its quote is the answer's first.
    (first,) = [line for line in lines if line.startswith("  quoted first: ")]
    lead = ranked[int(first.split()[2]) - 1]
    lead_quote = " ".join(lead.passage.document_text[a:b]
                          for a, b in quoted_spans(lead, question=QUESTION, answer_type=asked_type(QUESTION)))
    assert report.results[0].answer.citations[0].quote in lead_quote


def test_a_miss_retrieval_never_found_says_so(assistant: PolicyAssistant) -> None:
    report = evaluate_answers([_question("zqx no such words anywhere")], assistant.ask,
                              source_text=assistant.document_text)
    assert "(no candidate holds the evidence" in explain_misses(assistant, report)
