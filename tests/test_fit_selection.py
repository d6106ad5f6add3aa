"""``bench/fit_selection.py``: the conditional logit that fits the answer-selection weights keeps
the similarity weight at 1, stays on the hand-set weights under an infinite penalty, moves towards
what the labels reward without one, and scores a hard negative right only when it says "not
stated". Synthetic candidates: the fit's arithmetic, not the shipped weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.answer.selection import FEATURES
from bench.fit_selection import HAND_SET, Group, by_follow_margin, by_margin, fit, folds_of, lead_right, load, save

PRIOR = np.array([HAND_SET[name] for name in FEATURES])
ROW = FEATURES.index("row")


def _groups(count: int = 60, *, seed: int = 7) -> list[Group]:
    """Questions whose evidence is always the table row, which is a little less similar than the
    best candidate: a fit may only get it right by weighting ``row``."""
    rng = np.random.default_rng(seed)
    groups = []
    for i in range(count):
        features = np.zeros((4, len(FEATURES)))
        features[:, FEATURES.index("similarity")] = np.array([0.86, 0.85, 0.84, 0.80]) + rng.normal(0, 0.002, 4)
        features[1, ROW] = 1.0
        labels = np.array([False, True, False, False])
        groups.append(Group("synthetic", f"doc-{i % 12}", features, labels, np.zeros(4, dtype=bool), False))
    return groups


def test_an_infinite_penalty_keeps_the_hand_set_weights() -> None:
    assert np.array_equal(fit(_groups(), PRIOR, penalty=float("inf")), PRIOR)


def test_without_a_penalty_the_fit_learns_what_the_labels_reward_and_keeps_similarity_at_one() -> None:
    groups = _groups()
    fitted = fit(groups, PRIOR, penalty=0.0, steps=500)
    assert fitted[FEATURES.index("similarity")] == 1.0
    assert fitted[ROW] > 0.02  # enough to lift the row over a candidate 0.01 more similar
    assert sum(lead_right(g, fitted, 0.1) for g in groups) == len(groups)
    assert sum(lead_right(g, PRIOR, 0.1) for g in groups) == 0


def test_a_hard_negative_is_right_only_when_no_typed_candidate_is_within_the_margin() -> None:
    features = np.zeros((2, len(FEATURES)))
    features[:, FEATURES.index("similarity")] = [0.9, 0.85]
    negative = Group("synthetic", "doc", features, np.zeros(2, dtype=bool), np.array([False, True]), True)
    assert not negative.answerable
    assert lead_right(negative, PRIOR, 0.01)  # the typed one is 0.05 behind: "not stated"
    assert not lead_right(negative, PRIOR, 0.1)  # within the margin: it would be quoted


def test_a_deadline_lead_is_the_best_candidate_naming_a_time_limit_as_select_takes_it() -> None:
    features = np.zeros((2, len(FEATURES)))
    features[:, FEATURES.index("similarity")] = [0.95, 0.85]
    features[1, FEATURES.index("asked_time")] = 1.0
    group = Group("synthetic", "doc", features, np.array([False, True]), np.array([True, True]), True)
    assert lead_right(group, PRIOR, 0.1)  # within the margin, the time limit leads the closer date
    assert not lead_right(group, PRIOR, 0.01)  # outside it, the closer date does


def test_the_margin_table_counts_leads_and_declined_hard_negatives() -> None:
    features = np.zeros((2, len(FEATURES)))
    features[:, FEATURES.index("similarity")] = [0.9, 0.85]
    negative = Group("synthetic", "doc", features, np.zeros(2, dtype=bool), np.array([False, True]), True)
    table = by_margin([*_groups(4), negative], PRIOR, margins=(0.01, 0.1))
    assert table == {0.01: (0, 1), 0.1: (0, 0)}


def test_the_follow_margin_table_counts_answers_with_the_evidence_in_some_point_and_the_points() -> None:
    """The evidence is the second candidate, 0.01 behind the lead: a margin of 0.02 quotes it too."""
    table = by_follow_margin(_groups(4), PRIOR, 0.1, margins=(0.0, 0.02))
    assert table[0.0] == (0, 1.0)
    right, points = table[0.02]
    assert right == 4 and 2.0 <= points <= 3.0  # the third candidate is 0.02 behind, give or take


def test_unanswerable_groups_are_scored_but_never_fitted_on() -> None:
    negative = Group("synthetic", "doc", np.ones((3, len(FEATURES))), np.zeros(3, dtype=bool),
                     np.zeros(3, dtype=bool), True)
    groups = _groups()
    assert np.allclose(fit([*groups, negative], PRIOR, penalty=0.0, steps=200),
                       fit(groups, PRIOR, penalty=0.0, steps=200))


def test_folds_keep_a_documents_questions_together() -> None:
    groups = _groups()
    folds = folds_of(groups, 5)
    by_document: dict[str, set[int]] = {}
    for group, fold in zip(groups, folds, strict=True):
        by_document.setdefault(group.document, set()).add(fold)
    assert all(len(seen) == 1 for seen in by_document.values())


def test_collected_candidates_round_trip_through_a_plain_npz(tmp_path: Path) -> None:
    groups = _groups(5)
    save(groups, tmp_path / "candidates.npz")
    again = load(tmp_path / "candidates.npz")
    assert [(g.source, g.document, g.specific) for g in again] == [(g.source, g.document, g.specific) for g in groups]
    assert all(np.array_equal(a.features, b.features) and np.array_equal(a.labels, b.labels)
               for a, b in zip(again, groups, strict=True))
