"""Fit the answer-selection scorer (``assistant.answer.selection.SelectionWeights``) on the tuning
halves, and write ``assistant/answer/selection_weights.json``.

    python -m bench.fit_selection [--l2 0.01] [--out FILE]

The tuning questions (``TUNE``: the five policies' set, and the tune halves of ``unseen`` and
``large``) are asked of an index of the five policies and the drawn pages of those sets (built
under ``index/eval/fit-selection``). For each answerable question the extractive answerer's
candidates (every unit of the top passages, with its features) are labelled: does what would be
quoted for it (with its list, for a lead-in) contain an evidence string? Questions with no such
candidate (retrieval missed) teach nothing and are left out. The weights maximise the likelihood
that the answering candidate is chosen, a softmax over each question's candidates (conditional
logit), with an L2 penalty; plain gradient descent (Adam), numpy only.

The test halves are never read here. Reports, per tuning set, how often the top candidate holds
the evidence with the packaged weights and with the fitted ones. A benchmark tool, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answer.selection import FEATURES, SelectionWeights, quoted_spans
from assistant.eval_sets import combined_corpus, default_corpus_path, read_draw
from assistant.evaluate import evidence_found, load_questions
from assistant.facade import PolicyAssistant
from assistant.models import ChatTurn
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "tests" / "eval"
TUNE = [EVAL / "questions.jsonl", EVAL / "unseen" / "tune.jsonl", EVAL / "large" / "tune.jsonl"]
RULES = [EVAL / "unseen" / "documents.json", EVAL / "large" / "documents.json"]


@dataclass
class Group:
    """One question's candidates: features (n × d) and which hold the evidence."""

    source: str
    features: np.ndarray
    labels: np.ndarray


def collect(assistant: PolicyAssistant) -> list[Group]:
    groups = []
    for path in TUNE:
        for question in load_questions(path):
            if not question.answerable:
                continue
            history = _history(assistant, question.history)
            _, ranked = assistant.answer_candidates(question.question, history)
            labels = []
            for candidate in ranked:
                text = " ".join(candidate.passage.document_text[a:b]
                                for a, b in quoted_spans(candidate, question=question.question))
                labels.append(evidence_found(text, question.evidence))
            if any(labels):
                matrix = np.array([[c.features[name] for name in FEATURES] for c in ranked], dtype=np.float64)
                groups.append(Group(path.parent.name if path.name != "questions.jsonl" else "policies", matrix,
                                    np.array(labels, dtype=bool)))
    return groups


def _history(assistant: PolicyAssistant, earlier: list[str]) -> list[ChatTurn]:
    turns: list[ChatTurn] = []
    for text in earlier:
        answer = assistant.ask(text, turns)
        turns += [ChatTurn(role="user", content=text), ChatTurn(role="assistant", content=answer.answer)]
    return turns


def fit(groups: list[Group], *, l2: float, steps: int = 3000, rate: float = 0.05) -> np.ndarray:
    """Weights maximising the mean of log P(an evidence candidate) − l2·|w|² over the groups, P a
    softmax over a group's candidates, on standardised features (so the penalty treats a cosine,
    which moves by hundredths, like a yes/no feature); returned for the raw features."""
    every = np.vstack([group.features for group in groups])
    scale = every.std(axis=0)
    scale[scale == 0] = 1.0
    standardised = [Group(g.source, g.features / scale, g.labels) for g in groups]
    return _fit(standardised, l2=l2, steps=steps, rate=rate) / scale


def _fit(groups: list[Group], *, l2: float, steps: int, rate: float) -> np.ndarray:
    w = np.zeros(len(FEATURES))
    m, v = np.zeros_like(w), np.zeros_like(w)
    for step in range(1, steps + 1):
        grad = 2 * l2 * w * len(groups)
        for group in groups:
            scores = group.features @ w
            p = np.exp(scores - scores.max())
            p /= p.sum()
            q = p * group.labels
            q /= q.sum()
            grad += group.features.T @ (p - q)
        grad /= len(groups)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return w


def top1(groups: list[Group], w: np.ndarray) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for group in groups:
        right, total = out.get(group.source, (0, 0))
        out[group.source] = (right + bool(group.labels[int(np.argmax(group.features @ w))]), total + 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--out", type=Path, default=None, help="write the fitted weights here (a file in the "
                        "format of assistant/answer/selection_weights.json; the packaged file is never overwritten)")
    parser.add_argument("--typed-margin", type=float, default=2.5, help="typed_margin of the written weights")
    parser.add_argument("--follow-margin", type=float, default=2.0, help="follow_margin of the written weights")
    args = parser.parse_args()
    settings = Settings()
    shared = default_corpus_path(REPO)
    scratch = settings.index_dir / "eval" / "fit-selection"
    corpus = combined_corpus([read_draw(rule, shared) for rule in RULES], shared, settings.corpus_dir,
                             scratch / "corpus")
    assistant = PolicyAssistant.from_settings(settings.model_copy(update={"corpus_dir": corpus,
                                                                         "index_dir": scratch / "index"}))
    assistant.ensure_index()
    groups = collect(assistant)
    packaged = np.array([SelectionWeights.packaged().weights[name] for name in FEATURES])
    fitted = fit(groups, l2=args.l2)
    print(f"{len(groups)} tuning questions with an answering candidate")
    print("| set | packaged top-1 | fitted top-1 |\n|---|---:|---:|")
    before, after = top1(groups, packaged), top1(groups, fitted)
    for source in before:
        print(f"| {source} | {before[source][0]}/{before[source][1]} | {after[source][0]}/{after[source][1]} |")
    for name, value in zip(FEATURES, fitted, strict=True):
        print(f"{name:12s} {value:+.3f}")
    if args.out is not None:
        names = ", ".join(str(path.relative_to(EVAL)) for path in TUNE)
        weights = SelectionWeights(weights={n: round(float(x), 4) for n, x in zip(FEATURES, fitted, strict=True)},
                                   fitted_on=f"{dt.date.today().isoformat()}: {len(groups)} answerable questions of "
                                             f"{names}; l2 {args.l2}",
                                   typed_margin=args.typed_margin, follow_margin=args.follow_margin)
        args.out.write_text(weights.to_json(), encoding="utf-8")
        print(f"written {args.out}")


if __name__ == "__main__":
    main()
