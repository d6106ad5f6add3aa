"""Which candidate leads an answer, beyond the order of the scores (``selection.select``): the top
passage's document's fact before another document's less like the question, no fact when only
another document states one, a sentence of the best one's paragraph, and a near tie read again.
The first two are fitted by hand on the tuning sets (``SelectionWeights.elsewhere_margin``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from assistant.answer.selection_weights import SelectionWeights

if TYPE_CHECKING:  # (selection imports these rules: its candidates are only read here)
    from assistant.answer.selection import Candidate


def top_document_first(leads: list[Candidate], eligible: Sequence[Candidate], ranked: Sequence[Candidate], *,
                        best: float, weights: SelectionWeights) -> list[Candidate]:
    """``leads`` (the candidates that may lead, best first), with the top passage's document's best
    unit stating the fact first when the lead is another document's and that unit is more than
    ``weights.elsewhere_margin`` more similar to the question (and scores within ``follow_margin``
    of ``best``, and names the time asked for when the lead does): "When is the change to the
    high-cost protection to take effect?" is the high-cost page's question, not the winter-tyre
    page's, though that one says "börjar gälla". Cost: one pass over ``eligible``."""
    lead, document = leads[0], top_document(ranked)
    if document is None or lead.passage.hit.document_id == document:
        return leads
    timed = bool(lead.features.get("asked_time"))
    closer = next((c for c in eligible if c.states_type and c.passage.hit.document_id == document
                   and c.score >= best - weights.follow_margin and (not timed or c.features.get("asked_time"))
                   and c.features.get("similarity", 0.0) > lead.features.get("similarity", 0.0)
                   + weights.elsewhere_margin), None)
    return leads if closer is None else [closer, *(c for c in leads if c is not closer)]


def top_document(ranked: Sequence[Candidate]) -> str | None:
    """The document of the top passage (the question's matter, as retrieval read it)."""
    return next((c.passage.hit.document_id for c in ranked if c.rank == 0), None)


def stated_only_elsewhere(lead: Candidate, ranked: Sequence[Candidate], *, margin: float) -> bool:
    """Whether ``lead``, a unit stating the asked-for kind of fact, is in another document than the
    top passage's, that document states no such fact, and ``lead`` is more than ``margin`` less
    similar to the question than the top passage's closest unit: the question is about the top
    passage's matter, which does not give the fact. Not when ``lead`` names the years or figures
    the question names ("From 2020 to 2024, Sweden has doubled its defence budget …" for "Hur
    mycket har försvarsbudgeten vuxit mellan 2020 och 2024?"): it speaks of what is asked; nor
    when its document names a name the question names and the top one does not
    (``Candidate.names_what_is_asked``). Cost: two passes over ``ranked``."""
    document = top_document(ranked)
    if document is None or lead.passage.hit.document_id == document or lead.features.get("numbers"):
        return False
    if any(c.states_type for c in ranked if c.passage.hit.document_id == document):
        return False
    # Nor when ``lead``'s document names what the question names and the top document does not:
    # "How long should the Prison and Probation Service's new plan cover?" is about the
    # Kriminalvården ``lead`` names, not about a top passage on other agencies.
    if lead.names_what_is_asked and not any(c.names_what_is_asked for c in ranked
                                            if c.passage.hit.document_id == document):
        return False
    closest = max(c.features.get("similarity", 0.0) for c in ranked if c.rank == 0)
    return lead.features.get("similarity", 0.0) < closest - margin


def same_paragraph(one: Candidate, other: Candidate, *, at_most: int = 500) -> bool:
    """Whether two text units of one document stand in one paragraph's line, at most ``at_most``
    characters apart, or follow each other across a single line break (neighbouring list items, not
    the items beyond: each of those is about a thing of its own)."""
    if one.passage.kind != "text" or other.passage.kind != "text" \
            or one.passage.hit.document_id != other.passage.hit.document_id:
        return False
    first, second = sorted((one.span, other.span))
    if first[1] > second[0]:
        return False  # overlapping spans: one unit read twice, not two neighbours
    between = one.passage.document_text[first[1]:second[0]]
    if not between.strip():
        return between.count("\n") <= 1
    return len(between) <= at_most and "\n" not in between


TIE_POOL = 4  # at most this many candidates are read again


def tie_broken(lead: Candidate, eligible: Sequence[Candidate], read_alone: Callable[[Sequence[str]], list[float]],
                weights: SelectionWeights) -> Candidate:
    """The lead after a second reading of a near tie: the candidates that could lead and score
    within ``weights.tie_margin`` of ``lead`` (at most ``TIE_POOL``), each scored again with the
    question's cosine to its sentence embedded on its own (``read_alone``) at
    ``weights.alone_weight``. A unit's own vector is pooled from its chunk's pass and reads the
    sentence in its context; alone, the sentence is read for what it says. On the tuning
    questions the second cosine as a feature gave 270 of 350 cross-validated leads against 263
    (``bench/fit_selection.py``, weight 0.4); a near tie within 0.02 comes up for about one
    question in five. Cost: one engine pass over two to four sentences, only then."""
    near = [c for c in eligible if c is not lead and c.score >= lead.score - weights.tie_margin]
    if not near:
        return lead
    pool = [lead, *near[:TIE_POOL - 1]]
    alone = read_alone([c.text for c in pool])
    return max(zip(pool, alone, strict=True), key=lambda pair: pair[0].score + weights.alone_weight * pair[1])[0]
