"""Fit the answer-selection scorer (``assistant.answer.selection.SelectionWeights``) on the tuning
halves, choosing how far it may move from the hand-set weights (``HAND_SET``) by cross-validation.

    python -m bench.fit_selection [--folds 5] [--out FILE] [--cache FILE] [--with-rounds]

The tuning questions (``TUNE``: the five policies' set, the tune halves of ``unseen``, ``large``
and ``english``, and the all-tuning sets ``tuning``, ``trial`` and ``facts``) are each asked of the
index their set is evaluated on (the five policies alone, or with the set's drawn pages, under
``index/eval/<set>`` as ``assistant eval --documents`` builds it): fitted on one index of all the
pages, the weights chose leads among other distractors than the evaluation's, and lost answers end
to end (issue 20's twelfth and thirteenth passes). For each answerable question the extractive
answerer's candidates (every unit of the top passages, with its features) are labelled: does what
would be quoted for it (with its list, for a lead-in) contain an evidence string? Questions with no
such candidate (retrieval missed) teach nothing and are left out.

The model is a conditional logit: the chance that a candidate is the one chosen is a softmax over
the question's candidates of ``a·similarity + Σ v_j·feature_j``. The fitted weights are
``w_j = v_j / a``, so the similarity weight stays 1 and the margins of ``select`` (``typed_margin``,
``follow_margin``, in cosine units) keep their meaning: abstention is not refitted here. Tables show
where the hand-set margins sit: ``typed_margin`` against leads right and negatives declined,
``follow_margin`` against answers with the evidence in some point and the points they quote. The
penalty ``λ·Σ ((v_j − a·w0_j)·sd_j)²`` pulls the weights towards the hand-set ones ``w0`` (``sd_j``
the feature's spread, so a cosine and a yes/no feature are held alike); ``λ`` is chosen by
``--folds``-fold cross-validation grouped by document (no document's questions are both fitted and
scored), counting how often the lead ``select`` would quote holds the evidence, and how often an
unanswerable question asking for a specific kind of fact gets "not stated" (no candidate stating
that kind within ``typed_margin``: raising the typed weight answers more of those); a tie is broken
by how often the evidence is in some point quoted (within ``follow_margin``). Plain gradient
descent (Adam), numpy only; a few seconds once the candidates are collected (minutes: an index
build and one ask per tuning question).

The test halves are never read here. A benchmark tool, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answer.answer_type import SPECIFIC
from assistant.answer.selection import FEATURES, SelectionWeights, quoted_spans
from assistant.evaluate import evidence_found, load_questions
from assistant.facade import PolicyAssistant
from assistant.models import ChatTurn
from assistant.settings import Settings
from bench.fit_closeness import assistant_for

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "tests" / "eval"
TUNE = [EVAL / "questions.jsonl", EVAL / "unseen" / "tune.jsonl", EVAL / "large" / "tune.jsonl",
        EVAL / "english" / "tune.jsonl", EVAL / "tuning" / "questions.jsonl", EVAL / "trial" / "questions.jsonl",
        EVAL / "facts" / "questions.jsonl"]
# The tuning sets written after the packaged fit (``--with-rounds``): refitted on them too, the weights
# lost answers end to end (issue 20's twenty-second pass), so the packaged ones are not fitted on them.
ROUNDS = [EVAL / "facts2" / "questions.jsonl", EVAL / "staff" / "questions.jsonl",
          *(EVAL / f"round{n}" / "questions.jsonl" for n in range(1, 14))]
PENALTIES = (float("inf"), 30.0, 10.0, 3.0, 1.0, 0.3, 0.1, 0.03, 0.01, 0.0)
SIMILARITY = FEATURES.index("similarity")
ASKED_TIME = FEATURES.index("asked_time")
# The weights set by hand on the tuning halves before issue 20: what the fit is pulled towards.
HAND_SET = {"similarity": 1.0, "overlap": 0.1, "numbers": 0.05, "typed": 0.05, "rank": 0.08, "assigns": 0.05,
            "asked_time": 0.05, "lead_in": 0.0, "item": 0.0, "row": 0.0, "short": 0.0, "distinct": 0.0}


@dataclass
class Group:
    """One question's candidates: features (n × d), which hold the evidence, which state the
    asked-for kind of fact, and whether that kind is a specific one (``select``'s typed lead).
    An unanswerable question's group (no label set) is right when ``select`` would say "not
    stated"; it is scored, never fitted on."""

    source: str
    document: str
    features: np.ndarray
    labels: np.ndarray
    typed: np.ndarray
    specific: bool

    @property
    def answerable(self) -> bool:
        return bool(self.labels.any())


def collect(assistants: dict[Path, PolicyAssistant]) -> list[Group]:
    """Every tuning question's candidates, asked of the index ``assistants`` gives for its set."""
    groups = []
    for path, assistant in assistants.items():
        source = "policies" if path.parent == EVAL else path.parent.name
        for question in load_questions(path):
            history = _history(assistant, question.history)
            answer_type, ranked, _ = assistant.answer_candidates(question.question, history)
            labels = []
            for candidate in ranked:
                text = " ".join(candidate.passage.document_text[a:b]
                                for a, b in quoted_spans(candidate, question=question.question,
                                                         answer_type=answer_type))
                labels.append(evidence_found(text, question.evidence))
            if any(labels) or (not question.answerable and answer_type in SPECIFIC and ranked):
                matrix = np.array([[c.features[name] for name in FEATURES] for c in ranked], dtype=np.float64)
                groups.append(Group(source, question.document_id or question.id, matrix,
                                    np.array(labels, dtype=bool), np.array([c.states_type for c in ranked]),
                                    answer_type in SPECIFIC))
    return groups


def _history(assistant: PolicyAssistant, earlier: list[str]) -> list[ChatTurn]:
    turns: list[ChatTurn] = []
    for text in earlier:
        answer = assistant.ask(text, turns)
        turns += [ChatTurn(role="user", content=text), ChatTurn(role="assistant", content=answer.answer)]
    return turns


def save(groups: list[Group], path: Path) -> None:
    """The collected candidates as one ``.npz`` of plain arrays (read back without pickle)."""
    np.savez(path, features=np.vstack([g.features for g in groups]), labels=np.concatenate([g.labels for g in groups]),
             typed=np.concatenate([g.typed for g in groups]), sizes=np.array([len(g.labels) for g in groups]),
             sources=np.array([g.source for g in groups]), documents=np.array([g.document for g in groups]),
             specific=np.array([g.specific for g in groups]))


def load(path: Path) -> list[Group]:
    """The candidates ``save`` wrote. Each array is read once: indexing the ``.npz`` reads (and
    decompresses) the whole array again, and a slice of it keeps that copy alive, so reading it
    per question held one copy of every candidate per question."""
    with np.load(path, allow_pickle=False) as npz:
        data = {name: npz[name] for name in npz.files}
    bounds = np.concatenate([[0], np.cumsum(data["sizes"])])
    return [Group(str(data["sources"][i]), str(data["documents"][i]), data["features"][a:b], data["labels"][a:b],
                  data["typed"][a:b], bool(data["specific"][i]))
            for i, (a, b) in enumerate(itertools.pairwise(bounds))]


def fit(groups: list[Group], prior: np.ndarray, *, penalty: float, steps: int = 2000, rate: float = 0.05
        ) -> np.ndarray:
    """Weights (similarity's 1) maximising the mean log-likelihood that an evidence candidate is
    chosen, less ``penalty``·Σ((v_j − a·prior_j)·sd_j)² (see the module docstring); an infinite
    penalty returns the prior. Cost: ``steps`` passes over every candidate."""
    groups = [g for g in groups if g.answerable]
    if penalty == float("inf"):
        return prior.copy()
    features = np.vstack([g.features for g in groups])
    labels = np.concatenate([g.labels for g in groups]).astype(np.float64)
    starts = np.concatenate([[0], np.cumsum([len(g.labels) for g in groups])[:-1]])
    sd = features.std(axis=0)
    sd[sd == 0] = 1.0
    scaled = features / sd  # optimised in spread units; theta_j = (a or v_j)·sd_j
    target = prior * sd / sd[SIMILARITY]  # the prior's direction in those units, per unit of a·sd_sim
    theta = 20.0 * sd[SIMILARITY] * target
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for step in range(1, steps + 1):
        grad = _gradient(scaled, labels, starts, theta) / len(groups)
        gap = theta - theta[SIMILARITY] * target  # zero at the similarity entry
        grad += 2 * penalty * gap
        grad[SIMILARITY] -= 2 * penalty * float(gap @ target)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        theta -= rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    raw = theta / sd
    return raw / raw[SIMILARITY]


def _gradient(features: np.ndarray, labels: np.ndarray, starts: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Gradient of the negative log-likelihood summed over the groups (``starts`` their first rows)."""
    scores = features @ theta
    top = np.maximum.reduceat(scores, starts)
    sizes = np.diff(np.concatenate([starts, [len(scores)]]))
    exp = np.exp(scores - np.repeat(top, sizes))
    p = exp / np.repeat(np.add.reduceat(exp, starts), sizes)
    q = p * labels
    q /= np.repeat(np.add.reduceat(q, starts), sizes)
    return features.T @ (p - q)


def lead_right(group: Group, weights: np.ndarray, typed_margin: float) -> bool:
    """Whether the lead ``select`` takes under ``weights`` holds the evidence: the best candidate,
    or for a specific kind of fact the best that states one within ``typed_margin`` of it, a time
    asked for first. For an unanswerable question: whether no candidate stating the kind of fact is
    within the margin. (A simplification of ``select``, which since the twenty-fifth pass also takes
    a time asked for, or a sentence of the best one's paragraph, within ``follow_margin``: the fit
    scores the lead it can read from features alone.)"""
    scores = group.features @ weights
    order = np.lexsort((np.arange(len(scores)), -scores))
    lead = order[0]
    if group.specific:
        typed = [i for i in order if group.typed[i] and scores[i] >= scores[order[0]] - typed_margin]
        if not typed:
            return not group.answerable  # "not stated": no quote
        limits = [i for i in typed if group.features[i, ASKED_TIME]]  # a time limit, an event's date first
        lead = (limits or typed)[0]
    return bool(group.labels[lead])


def folds_of(groups: list[Group], count: int) -> list[int]:
    """A fold per group, the same for every question of one document (a stable hash of its id)."""
    return [int(hashlib.sha256(g.document.encode()).hexdigest(), 16) % count for g in groups]


def cross_validate(groups: list[Group], prior: np.ndarray, *, folds: int, typed_margin: float,
                   follow_margin: float) -> dict[float, tuple[int, int]]:
    """Per penalty, how many groups' leads hold the evidence when each fold is scored with weights
    fitted on the other folds, and how many answerable ones have it in some point quoted (what
    breaks a tie on leads)."""
    fold = folds_of(groups, folds)
    out = {}
    for penalty in PENALTIES:
        right = points = 0
        for k in range(folds):
            train = [g for g, f in zip(groups, fold, strict=True) if f != k]
            weights = fit(train, prior, penalty=penalty)
            scored = [g for g, f in zip(groups, fold, strict=True) if f == k]
            right += sum(lead_right(g, weights, typed_margin) for g in scored)
            points += sum(points_right(g, weights, typed_margin, follow_margin)[0] for g in scored if g.answerable)
        out[penalty] = (right, points)
        print(f"penalty {penalty:>6}: {right}/{len(groups)} leads right, {points} with the evidence in some point, "
              f"cross-validated", flush=True)
    return out


MARGINS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2)


def by_margin(groups: list[Group], weights: np.ndarray, margins: tuple[float, ...] = MARGINS
              ) -> dict[float, tuple[int, int]]:
    """Per ``typed_margin``: (answerable groups whose lead holds the evidence, unanswerable ones
    declined) under ``weights``. The margin is set by hand; this shows where it sits (in sample)."""
    return {m: (sum(lead_right(g, weights, m) for g in groups if g.answerable),
                sum(lead_right(g, weights, m) for g in groups if not g.answerable)) for m in margins}


FOLLOW_MARGINS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15)
MAX_POINTS = 4  # as the extractive answerer quotes


def points_right(group: Group, weights: np.ndarray, typed_margin: float, follow_margin: float) -> tuple[bool, int]:
    """Whether any point ``select`` would quote holds the evidence (the lead and the candidates
    within ``follow_margin`` of it, only those stating the kind of fact for a specific one, at most
    ``MAX_POINTS``; overlapping quotes are not merged here), and how many points it quotes."""
    scores = group.features @ weights
    order = [int(i) for i in np.lexsort((np.arange(len(scores)), -scores))]
    lead = order[0]
    if group.specific:
        typed = [i for i in order if group.typed[i] and scores[i] >= scores[order[0]] - typed_margin]
        if not typed:
            return False, 0
        lead = ([i for i in typed if group.features[i, ASKED_TIME]] or typed)[0]
    followers = [i for i in order if i != lead and scores[i] >= scores[lead] - follow_margin
                 and (not group.specific or group.typed[i])]
    chosen = [lead, *followers[:MAX_POINTS - 1]]
    return bool(group.labels[chosen].any()), len(chosen)


def by_follow_margin(groups: list[Group], weights: np.ndarray, typed_margin: float,
                     margins: tuple[float, ...] = FOLLOW_MARGINS) -> dict[float, tuple[int, float]]:
    """Per ``follow_margin``, over the answerable groups: how many have the evidence in some point,
    and the mean number of points (the padding the issue counts against an answer). In sample."""
    answerable = [g for g in groups if g.answerable]
    out = {}
    for margin in margins:
        results = [points_right(g, weights, typed_margin, margin) for g in answerable]
        out[margin] = (sum(right for right, _ in results), float(np.mean([n for _, n in results])))
    return out


def per_source(groups: list[Group], weights: np.ndarray, typed_margin: float) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for group in groups:
        right, total = out.get(group.source, (0, 0))
        out[group.source] = (right + lead_right(group, weights, typed_margin), total + 1)
    return out


def _collected(cache: Path | None, *, paths: list[Path]) -> list[Group]:
    if cache is not None and cache.exists():
        return load(cache)
    settings = Settings()
    assistants: dict[Path, PolicyAssistant] = {}
    by_set: dict[tuple[str, ...], PolicyAssistant] = {}
    for path in paths:
        sets = () if path.parent == EVAL else (path.parent.name,)
        if sets not in by_set:
            by_set[sets] = assistant_for(sets, settings)  # the index ``assistant eval --documents`` builds
        assistants[path] = by_set[sets]
    groups = collect(assistants)
    if cache is not None:
        save(groups, cache)
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=None, help="keep the collected candidates in this .npz "
                        "and read them from it when it exists (skips the index build and the asks)")
    parser.add_argument("--out", type=Path, default=None, help="write the fitted weights here (a file in the "
                        "format of assistant/answer/selection_weights.json)")
    parser.add_argument("--with-rounds", action="store_true", help="fit on the later tuning sets too (``ROUNDS``)")
    args = parser.parse_args()
    paths = [*TUNE, *ROUNDS] if args.with_rounds else TUNE
    groups = _collected(args.cache, paths=paths)
    packaged = SelectionWeights.packaged()
    prior = np.array([HAND_SET[name] for name in FEATURES])
    fitted_on = sum(g.answerable for g in groups)
    print(f"{fitted_on} tuning questions with an answering candidate (fitted on), "
          f"{len(groups) - fitted_on} unanswerable ones asking for a specific kind of fact (scored only)")
    scores = cross_validate(groups, prior, folds=args.folds, typed_margin=packaged.typed_margin,
                            follow_margin=packaged.follow_margin)
    best = max(scores.values())
    penalty = max(p for p, score in scores.items() if score == best)  # ties: the one nearest the prior
    fitted = fit(groups, prior, penalty=penalty)
    print(f"chosen penalty {penalty}\n| set | hand-set lead right | fitted lead right (in sample) |\n|---|---:|---:|")
    before, after = per_source(groups, prior, packaged.typed_margin), per_source(groups, fitted, packaged.typed_margin)
    for source in before:
        print(f"| {source} | {before[source][0]}/{before[source][1]} | {after[source][0]}/{after[source][1]} |")
    for name, old, new in zip(FEATURES, prior, fitted, strict=True):
        print(f"{name:12s} {old:+.3f} → {new:+.4f}")
    answerable, unanswerable = fitted_on, len(groups) - fitted_on
    print(f"| typed_margin | leads right ({answerable}) | declined ({unanswerable}) |\n|---:|---:|---:|")
    for margin, (right, declined) in by_margin(groups, fitted).items():
        mark = " (packaged)" if margin == packaged.typed_margin else ""
        print(f"| {margin}{mark} | {right} | {declined} |")
    print(f"| follow_margin | evidence in some point ({answerable}) | points quoted, mean |\n|---:|---:|---:|")
    for margin, (right, points) in by_follow_margin(groups, fitted, packaged.typed_margin).items():
        mark = " (packaged)" if margin == packaged.follow_margin else ""
        print(f"| {margin}{mark} | {right} | {points:.2f} |")
    if args.out is not None:
        names = ", ".join(str(path.relative_to(EVAL)) for path in paths)
        weights = SelectionWeights(
            weights={n: round(float(x), 4) + 0.0 for n, x in zip(FEATURES, fitted, strict=True)},
            fitted_on=f"{dt.date.today().isoformat()}: conditional logit on {fitted_on} answerable questions of the "
                      f"tuning halves ({names}), pulled towards the hand-set weights with penalty {penalty} (chosen by "
                      f"{args.folds}-fold cross-validation by document: {best[0]}/{len(groups)} right, with "
                      f"{len(groups) - fitted_on} unanswerable ones declined, against {scores[float('inf')][0]} "
                      f"hand-set; ties broken by the evidence in some point, {best[1]}/{fitted_on})",
            typed_margin=packaged.typed_margin, follow_margin=packaged.follow_margin,
            tie_margin=packaged.tie_margin, alone_weight=packaged.alone_weight,
            elsewhere_margin=packaged.elsewhere_margin)
        args.out.write_text(weights.to_json(), encoding="utf-8")
        print(f"written {args.out}")


if __name__ == "__main__":
    main()
