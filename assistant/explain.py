"""Why an answer missed: for each answerable question whose first quote lacks the evidence, the
candidates the extractive answer chose from, with their features and scores, so the next person
can see why the wrong sentence won (``assistant eval --explain``)."""

from __future__ import annotations

import re

from assistant.answer.answer_type import AnswerType
from assistant.answer.selection import FEATURES, Candidate, quoted_spans
from assistant.evaluate import AnswerReport, AnswerResult, evidence_found
from assistant.facade import PolicyAssistant
from assistant.models import ChatTurn

SHOWN = 8  # candidates per miss
_SHORT = {"similarity": "sim", "overlap": "ovl", "numbers": "num", "typed": "typ", "rank": "rnk", "assigns": "asg",
          "asked_time": "time", "lead_in": "lead", "item": "item", "row": "row", "short": "shrt", "distinct": "dst"}


def explain_misses(assistant: PolicyAssistant, report: AnswerReport) -> str:
    """A block per miss: the question, its evidence, the answer type, then the best ``SHOWN``
    candidates (``*``: what would be quoted for it holds the evidence), each with its score and
    features, and the best evidence-holding candidate further down if any. Cost: one more
    retrieval per miss."""
    misses = [r for r in report.selected(answerable=True) if not r.evidence_in_first_quote]
    blocks = [f"Misses explained ({len(misses)}): * marks a candidate whose quote holds the evidence; "
              + " ".join(f"{short}={name}" for name, short in _SHORT.items())]
    for result in misses:
        blocks.append(_explain(assistant, result))
    return "\n\n".join(blocks)


def _explain(assistant: PolicyAssistant, result: AnswerResult) -> str:
    question = result.question
    answer_type, ranked, selection = assistant.answer_candidates(question.question, _history(result))
    state = "abstained" if result.answer.abstained else ("evidence later" if result.evidence_in_answer else "missed")
    lines = [f"{question.id} [{state}] {question.question}",
             f"  evidence: {question.evidence}   answer type: {answer_type.value if answer_type else '-'}"]
    holds = [evidence_found(_quoted(c, question.question, answer_type), question.evidence) for c in ranked]
    for number, (candidate, held) in enumerate(zip(ranked, holds, strict=True)):
        if number >= SHOWN and not (held and not any(holds[:number])):
            continue
        features = " ".join(f"{_SHORT[name]}={candidate.features.get(name, 0.0):.2f}" for name in FEATURES)
        lines.append(f"  {'*' if held else ' '}{number + 1:>3} {candidate.score:7.2f}  {features}  "
                     f"{candidate.passage.hit.document_id[:40]}: {_squash(candidate.text)[:90]}")
    if not any(holds):
        lines.append("  (no candidate holds the evidence: retrieval did not bring its passage into the top 5)")
    if selection.chosen and not result.answer.abstained:
        lead = selection.chosen[0][0]
        lines.append(f"  quoted first: {ranked.index(lead) + 1} (a typed lead, or a near tie read again, "
                     "may outrank the best score)")
    return "\n".join(lines)


def _quoted(candidate: Candidate, question: str, answer_type: AnswerType | None) -> str:
    return " ".join(candidate.passage.document_text[a:b]
                    for a, b in quoted_spans(candidate, question=question, answer_type=answer_type))


def _history(result: AnswerResult) -> list[ChatTurn]:
    """The follow-up's earlier questions as user turns (their answers are not kept in the report)."""
    return [ChatTurn(role="user", content=text) for text in result.question.history]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
