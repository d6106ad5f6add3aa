"""The weights of answer selection's features and the margins ``selection.select`` applies, as
shipped in ``selection_weights.json`` (fitted by ``bench/fit_selection.py``)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

# What the scorer knows of a candidate (``selection.Candidate.features``), in this order.
FEATURES = ("similarity", "overlap", "numbers", "typed", "rank", "assigns", "asked_time", "lead_in",
            "item", "row", "short", "distinct")


@dataclass(frozen=True)
class SelectionWeights:
    """One weight per feature of ``FEATURES`` (a candidate's score is their weighted sum) and the
    margins ``select`` applies on that scale. The packaged weights are fitted on the tuning halves
    by ``bench/fit_selection.py`` (a conditional logit held near the earlier hand-set weights, how
    near chosen by cross-validation; ``fitted_on`` says how); the margins are set by hand."""

    weights: dict[str, float]
    fitted_on: str = ""
    typed_margin: float = 0.02  # the best unit stating the asked-for kind of fact leads if this close to the best
    follow_margin: float = 0.08  # further points must score this close to the lead
    tie_margin: float = 0.02  # candidates this close to the lead are read again, each sentence alone
    alone_weight: float = 0.4  # the weight of that second cosine in breaking the tie
    # Another document's fact than the top passage's answers only if its unit is at most this much
    # less similar to the question than the top passage's closest unit (when the top passage's
    # document states none), or than that document's unit stating one (``lead_rules``).
    elsewhere_margin: float = 0.01

    @classmethod
    def packaged(cls) -> SelectionWeights:
        """The weights shipped in ``assistant/answer/selection_weights.json``. Cost: one small read."""
        return _packaged()

    @classmethod
    def from_json(cls, text: str) -> SelectionWeights:
        data = json.loads(text)
        unknown = set(data["weights"]) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown selection features {sorted(unknown)}")
        return cls(weights={name: float(data["weights"].get(name, 0.0)) for name in FEATURES},
                   fitted_on=str(data.get("fitted_on", "")), typed_margin=float(data["typed_margin"]),
                   follow_margin=float(data["follow_margin"]),
                   tie_margin=float(data.get("tie_margin", cls.tie_margin)),
                   alone_weight=float(data.get("alone_weight", cls.alone_weight)),
                   elsewhere_margin=float(data.get("elsewhere_margin", cls.elsewhere_margin)))

    def to_json(self) -> str:
        return json.dumps({"fitted_on": self.fitted_on, "typed_margin": self.typed_margin,
                           "follow_margin": self.follow_margin, "tie_margin": self.tie_margin,
                           "alone_weight": self.alone_weight, "elsewhere_margin": self.elsewhere_margin,
                           "weights": self.weights},
                          ensure_ascii=False, indent=2) + "\n"

    def score(self, features: dict[str, float]) -> float:
        return sum(self.weights[name] * value for name, value in features.items())


@functools.cache
def _packaged() -> SelectionWeights:
    text = (resources.files("assistant.answer") / "selection_weights.json").read_text(encoding="utf-8")
    return SelectionWeights.from_json(text)
