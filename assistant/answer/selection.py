"""Answer selection: which sentences, list items and table rows of the retrieved passages answer.

Every unit of the top passages is a candidate, scored by
- its cosine similarity with the question (from the unit vectors; the multilingual embedder reads
  an English question against a Swedish sentence),
- the question's words it shares (Swedish stems and compound parts; English words through the
  glossary's Swedish forms), and the share of the question's distinguishing words it has (those
  few other candidates share: ``_distinct``),
- whether it states the kind of fact asked for (``answer_type``: an amount, a deadline, a body …),
  in a document that names what a Swedish question names (``names``), and for a time, whether it
  names the time asked for (a time limit, or the date of the event asked about: ``asked_time``),
- its passage's rank.

A topic is easy to match; the sentence that *answers* is the one stating the fact. So when the
question asks for a specific kind of fact, the best candidate that states one leads, provided it is
nearly as close to the question as the best candidate of all; when none is, the documents do not
state the fact (``Selection.missing_fact``).

The weights are fitted on the tuning halves of the evaluation sets (``tests/eval/``) by
``bench/fit_selection.py``; the margins are set by hand.

What is quoted for a chosen unit (a lead-in with its list, a sentence pointing back with the one
before it …) is ``quoting``'s; ``quoted_spans`` and ``is_list_item`` stay importable from here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from assistant.answer.answer_type import SPECIFIC, AnswerType
from assistant.answer.base import Passage
from assistant.answer.bodies import besides_for_an_agency, named_bodies
from assistant.answer.citations import sentence_spans
from assistant.answer.fact_forms import states
from assistant.answer.figures import (
    NUMBER,
    counted_words,
    counts_names,
    counts_of,
    months_dating,
    names_a_year_of,
    names_each,
    numbers_named,
    speaks_of_a_total,
    with_header_units,
)
from assistant.answer.lead_rules import same_paragraph, stated_only_elsewhere, tie_broken, top_document_first
from assistant.answer.list_lines import is_list_item, item_heading, listed_after
from assistant.answer.list_questions import announcing_as_many, asks_for_every_one, enumerates
from assistant.answer.ordinals import asked_places, names_the_place_of
from assistant.answer.preamble import in_preamble
from assistant.answer.quoting import _with_antecedent, announces_a_list, quoted_spans
from assistant.answer.relations import NARROWER_THAN_RESPONSIBILITY, Relation, done_by, gives, names_whom_given
from assistant.answer.selection_weights import FEATURES as FEATURES  # re-exported: importable from here
from assistant.answer.selection_weights import SelectionWeights
from assistant.answer.specifics import FIGURES, AskedFact
from assistant.answer.whose import (
    documents_naming,
    named_by_heading,
    named_by_title,
    names_the_countries_of,
    speaks_of_names,
)
from assistant.chunk import MIN_UNIT_CHARS
from assistant.parse.characters import as_read

PASSAGES = 5  # the first content passages, whose units compete (with the first document's further ones)
# The kinds of fact that are names (the question's own names, in either language, do not answer it),
# and a definition (of a term the question may name by its glossary form).
_NAMED_OR_DEFINED = frozenset({AnswerType.BODY, AnswerType.PERSON, AnswerType.PLACE, AnswerType.DEFINITION})
_TOTALLED = frozenset({AnswerType.MONEY, AnswerType.COUNT, AnswerType.QUANTITY})  # "sammanlagt", "in total"
# What a page's byline or dateline tells (who wrote or spoke, where, when): for any other question it
# only restates the words that say which page is meant.
_ABOUT_THE_PAGE = frozenset({AnswerType.PERSON, AnswerType.PLACE, AnswerType.DATE})
# Sentences and rows that assign responsibility or a task ("X samordnar arbetet", "X utför kontrollen" too).
_ASSIGNS = re.compile(r"ansvar|uppdrag|uppgift|åligger|ska ta fram|huvudansvar|samordn|responsib|in charge|"
                      r"coordinat|\butför|\bsköter|\bhandhar|carr(?:y|ies) out|\bperforms?\b", re.IGNORECASE)


class _Unit(NamedTuple):
    """A unit read by ``candidates``, before its distinguishing words are weighed among the others."""

    rank: int
    passage: Passage
    span: tuple[int, int]
    text: str
    typed: bool
    features: dict[str, float]
    terms: frozenset[str]
    by_heading: bool  # typed only by the heading above it (``whose.named_by_heading``)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One unit of a passage with its features (``FEATURES``: its similarity, overlap …) and score."""

    passage: Passage
    rank: int
    span: tuple[int, int]
    text: str
    states_type: bool
    score: float
    features: dict[str, float] = field(default_factory=dict)
    describes_page: bool = False  # the page's byline or dateline (``preamble``)
    # Its document names a name the question names ("Kriminalvården" for "the Prison and Probation
    # Service"), where another document names none: ``lead_rules`` reads which matter is asked.
    names_what_is_asked: bool = False


@dataclass(frozen=True, slots=True)
class Selection:
    """What answers: the candidates to quote, best first (each a unit, or a list with its items as
    several spans), and whether the asked-for kind of fact is missing from the passages."""

    chosen: list[tuple[Candidate, tuple[tuple[int, int], ...]]]
    answer_type: AnswerType | None
    missing_fact: bool


def _competing(passages: Sequence[Passage]) -> list[Passage]:
    """The passages whose units compete: the first ``PASSAGES``, and after them the first passage's
    document's retrieved further down, as many as other documents hold places among the first (its
    answering passage is often ranked just below theirs; a question scoped to one document already
    reads its best ``PASSAGES``)."""
    first = list(passages[:PASSAGES])
    if not first:
        return first
    lead = first[0].hit.document_id
    others = sum(p.hit.document_id != lead for p in first)
    return first + [p for p in passages[PASSAGES:] if p.hit.document_id == lead][:others]


def candidates(passages: Sequence[Passage], *, question: str, overlap: Callable[[str], float],
               answer_type: AnswerType | None, counted: frozenset[str] = frozenset(),
               responsibility: bool = False, relation: Relation | None = None,
               weights: SelectionWeights | None = None,
               asked: str | None = None, figures: str | None = None,
               matched: Callable[[str], frozenset[str]] | None = None,
               names: tuple[str, ...] = (), known: Sequence[str] = ()) -> list[Candidate]:
    """Every unit of the passages that compete (``_competing``: the first ``PASSAGES``, and the first
    document's further ones) with its features (``FEATURES``), scored by ``weights`` (the packaged
    ones by default), best first. ``overlap(text)`` is the lexical overlap of a text with the
    question; ``counted`` the five-letter stems of what a "how many" question counts, in both
    languages (a count of something else does not answer it);
    ``responsibility``: the question asks who is responsible; ``relation``: the role it asks about
    beyond that (``relations``: who was given a task, whom to consult …; a sentence giving that role
    ``assigns``, as one assigning responsibility does for ``responsibility``, and so does a sum or
    count stated as a total when the question asks for one: "sammanlagt", "in total");
    ``asked``: the words that say what is asked, when not all of ``question`` do (a follow-up's
    own, "And what is planned for 2022?", whose event is not the earlier question's); ``figures``:
    the words whose years and numbers are asked about (default ``asked``; "Och hur såg motsvarande
    siffra ut 1995?" asks the earlier question again, for 1995); ``matched(text)``: the question's
    terms a text contains, for ``distinct`` (``_distinct``; 0 without it); ``names``: the names the
    question is about (``names.question_names``): a unit states the asked-for kind of fact only in
    a document that names one of them, when another document does; ``known``: the documents' words
    for the question's own (its glossary expansions), which no more answer it than the question's
    words do ("Which organisations should the Medical Products Agency cooperate with?" is not
    answered by a sentence naming only Läkemedelsverket). Cost: regex and term analysis per unit."""
    weights = weights or SelectionWeights.packaged()
    asked = asked or question
    # The glossary's Swedish for an English question's names: only where names are the answer
    # ("the purpose" glossed as "syftet" must not hide "Syftet med programmet är …").
    # (A term asked the meaning of in English is defined by its glossary form: "Ansvarsprincipen innebär att …".)
    besides = " ".join([question, *known]) if answer_type in _NAMED_OR_DEFINED else question
    besides = f"{besides} {besides_for_an_agency(asked)}" if answer_type is AnswerType.BODY else besides
    figures = figures or asked
    numbers = set(NUMBER.findall(figures))
    dated = months_dating(figures)  # a year named with its month ("in June 2016")
    specified = AskedFact.of(answer_type, asked=asked, figures=figures)
    # A total asked for is given by the figure stated as one: the role of the fact, as a relation's is.
    total = answer_type in _TOTALLED and speaks_of_a_total(figures)
    competing = _competing(passages)
    # Things named one by one are counted by their names, whatever the glossary knows of the
    # question's other words ("How many higher education institutions …?": ``counted`` is empty).
    by_name = answer_type is AnswerType.COUNT and counts_names(
        counted | frozenset(word[:5] for word in counted_words(asked)))
    several = asks_for_every_one(asked)
    agent = done_by(asked) if answer_type in (AnswerType.BODY, AnswerType.PERSON) else None
    so_many = announcing_as_many(asked)
    naming = documents_naming(competing, names)
    names_spoken_of = speaks_of_names(competing, names, naming=naming)
    titled = named_by_title(competing, question)
    # A figure for a year the document never names is not stated there, however close its sums.
    of_the_years = names_a_year_of(competing, specified.years) if answer_type in FIGURES and specified.years else {}
    # Nor is a fact of the fifth assembly stated by a page on the sixth.
    places = asked_places(asked) if answer_type is not AnswerType.NTH else frozenset()
    of_the_place = names_the_place_of(competing, places) if places else {}
    # Nor is a figure for a country by a page that never names it.
    of_the_countries = names_the_countries_of(competing, specified.countries.names)
    # Whose fact each document can state, read once per document, not once per unit.
    whose_fact = {document: names_spoken_of[document] and titled[document] and of_the_years.get(document, True)
                  and of_the_place.get(document, True) and of_the_countries.get(document, True)
                  for document in names_spoken_of}
    # The short names each document gives its bodies ("Verket för innovationssystem (Vinnova)"), and
    # the countries' names when the question asks which country.
    bodies = named_bodies({p.hit.document_id: p.document_text for p in competing}, answer_type=answer_type,
                          asked=asked)
    found: list[_Unit] = []
    for rank, passage in enumerate(competing):
        for span in _unit_spans(passage):
            text = passage.hit.text if passage.kind == "table_row" else passage.document_text[span[0]:span[1]]
            if len(text) < MIN_UNIT_CHARS:
                continue
            similarity, context = _read_in_context(passage, span, text)
            # A list item's title reads as a heading for the sentences under it.
            heading = item_heading(passage.document_text, span[0]) if passage.kind == "text" else ""
            context = f"{heading}\n{context}" if heading else context
            # ("67. Region Västmanland" is read without its number: an item still, announcing nothing.)
            items = listed_after(passage.document_text, text, span[1]) \
                if passage.kind == "text" and announces_a_list(passage.document_text, span[0], text) else []
            # A lead-in is quoted with its items: it states what they state.
            stated = f"{text}\n{passage.document_text[items[0][0]:items[-1][1]]}" if items else text
            # A table cell's number states what its column's header says it is ("… (MSEK): 103").
            stated = with_header_units(stated, question=asked) if passage.kind == "table_row" else stated
            # The forms of a fact are read as a reader sees the text: "Migra\u00adtions\u00adverket"
            # (soft hyphens, kept in Markdown for the lexical index) names a body, "redo¬visas" reports.
            seen, stated = as_read(text), as_read(stated)
            aliases = bodies.get(passage.hit.document_id, frozenset())
            # "Hur många myndigheter …?" is answered by a sentence naming each of them, too.
            own = answer_type is not None and (
                (states(answer_type, stated, besides=besides, bodies=aliases)
                 and (answer_type is not AnswerType.COUNT or not counted or counts_of(stated, counted)))
                or (by_name and names_each(stated))
                # Whom support may go to is often a kind of body, named by no name ("stöd kan ges
                # till bl.a. bostadsrättsföreningar och arbetsgivare").
                or (relation is Relation.RECIPIENT and names_whom_given(seen)))
            by_heading = not own and named_by_heading(answer_type, passage, text, besides)
            typed = (own or by_heading) and whose_fact[passage.hit.document_id] \
                and specified.fits(stated, context=as_read(context), heading=passage.hit.section_path[-1],
                                   before=passage.document_text[max(0, span[0] - 300):span[0]])
            features = {
                "similarity": similarity,
                "overlap": overlap(f"{passage.hit.section_path[-1]}\n{context}"),
                # A year or figure the question names ("set aside in 2023") marks the sentence that has it.
                "numbers": float(numbers_named(numbers, seen, dated=dated)),
                "typed": float(typed),
                "rank": 1 / (rank + 1),
                "assigns": float((responsibility and relation not in NARROWER_THAN_RESPONSIBILITY
                                  and bool(_ASSIGNS.search(seen)))
                                 or (relation is not None and gives(relation, seen))
                                 or (agent is not None and agent.search(seen) is not None)
                                 or (total and typed and speaks_of_a_total(seen))),
                # The time asked for, named ("senast den …" for "by when?").
                "asked_time": float(typed and specified.names_the_time_asked(seen, stated=stated)),
                # A list: a lead-in with its items, or, for a question asking for every one of
                # several things, a sentence naming four or more in a row; for one asking for two
                # or three, a sentence announcing that many ("två delar: …").
                "lead_in": float(bool(items) or (several and enumerates(seen))
                                 or (so_many is not None and so_many.search(seen) is not None)),
                "item": float(passage.kind == "text" and is_list_item(text)),
                "row": float(passage.kind == "table_row"),
                "short": float(len(seen) < 40),
            }
            terms = matched(f"{passage.hit.section_path[-1]}\n{context}") if matched else frozenset()
            found.append(_Unit(rank, passage, span, text, typed, features, terms, by_heading))
    distinct = _distinct([unit.terms for unit in found])
    # A heading's name answers only where no unit of its section names one itself
    # (``whose.named_by_heading``): a programme's other sections name their own people.
    named_in_text = {_section_of(unit.passage) for unit in found if unit.typed and not unit.by_heading}
    out = []
    for unit, share in zip(found, distinct, strict=True):
        typed = unit.typed and not (unit.by_heading and _section_of(unit.passage) in named_in_text)
        features = unit.features
        features["typed"], features["distinct"] = float(typed), share
        passage = unit.passage
        out.append(Candidate(passage, unit.rank, unit.span, unit.text, typed, weights.score(features), features,
                             passage.kind == "text" and in_preamble(passage.document_text, unit.span,
                                                                    title=passage.document.title),
                             passage.hit.document_id in naming))
    return sorted(out, key=lambda c: (-c.score, c.rank, c.span))


def _section_of(passage: Passage) -> tuple[str, str]:
    """The section a passage stands in: its document and its last heading."""
    return passage.hit.document_id, passage.hit.section_path[-1] if passage.hit.section_path else ""


def _distinct(matched: Sequence[frozenset[str]]) -> list[float]:
    """For each unit, the share of the question's distinguishing words it contains: its matched
    terms weighted by how few of the candidate units contain them (idf over the candidates, not the
    corpus), over the weight of all the question's terms any candidate contains. A word every
    sentence of the document shares ("regeringen", the topic) tells little of which sentence
    answers; the one word only two sentences share ("panel") tells much. Cost: one pass."""
    count = len(matched)
    frequency: dict[str, int] = {}
    for terms in matched:
        for term in terms:
            frequency[term] = frequency.get(term, 0) + 1
    weight = {term: math.log(1 + count / n) for term, n in frequency.items()}
    total = sum(weight.values())
    return [sum(weight[t] for t in terms) / total if total else 0.0 for terms in matched]


def _read_in_context(passage: Passage, span: tuple[int, int], text: str) -> tuple[float, str]:
    """A unit's similarity to the question and the text its words are matched in: its own; for a
    fragment or a sentence pointing back ("Klart innan januari 2014."), those of the sentences
    it is quoted with (``_with_antecedent``), the closest of them, so it is read as what it is about."""
    similarity = passage.unit_scores.get(span, passage.dense_score or 0.0)
    if passage.kind != "text":
        return similarity, text
    start, end = _with_antecedent(passage.document_text, span)
    if (start, end) == span:
        return similarity, text
    inside = [score for (a, b), score in passage.unit_scores.items() if start <= a and b <= end]
    return max([similarity, *inside]), passage.document_text[start:end]


def select(ranked: list[Candidate], *, question: str, answer_type: AnswerType | None,
           max_points: int = 3, weights: SelectionWeights | None = None,
           read_alone: Callable[[Sequence[str]], list[float]] | None = None) -> Selection:
    """The lead candidate and the candidates nearly as good as it (``weights.follow_margin``; half
    of it for a candidate from another document than the lead's), at most ``max_points``. For a
    specific kind of fact (a date, an amount …) the best candidate that states one leads if it
    scores within ``weights.typed_margin`` of the best of all (for "by when?" the best of those
    naming a time limit, "senast den …", or for "when did …?" the date of the event asked about,
    within ``weights.follow_margin``, when one does; else a sentence of the best one's paragraph
    within ``follow_margin``, ``same_paragraph``), the top passage's document's first when another
    document's is less like the question (``top_document_first``); when none does, or the one that
    does stands only in another document than the top passage's and is less like the question
    (``stated_only_elsewhere``), the documents do not state the fact (``Selection.missing_fact``),
    and only candidates that state one follow ("by when?" is answered by the dates, not the
    sentences around them). A lead-in is quoted with its list. With ``read_alone`` (the question's
    cosine with sentences embedded on their own), a near tie for the lead is broken by it
    (``tie_broken``), unless the lead was chosen for its document."""
    if not ranked:
        return Selection([], answer_type, missing_fact=False)
    weights = weights or SelectionWeights.packaged()
    # A page's byline or dateline leads only a question about the page; the margins below are
    # measured from the best candidate that may lead, not from a byline that may not.
    eligible, missing, settled = ranked, False, False  # the candidates that may lead, best first
    if answer_type not in _ABOUT_THE_PAGE:
        eligible = [c for c in ranked if not c.describes_page] or ranked
    if answer_type in SPECIFIC:
        best = eligible[0].score
        typed = [c for c in eligible if c.states_type and c.score >= best - weights.typed_margin]
        # "By when?" is answered by a time limit ("senast den 12 maj") before any other date, and
        # "when did it enter into force?" by the date of that event: one nearly as good as the best
        # (``follow_margin``) leads once some candidate states a date.
        limits = [c for c in eligible if c.features.get("asked_time") and c.score >= best - weights.follow_margin]
        # A sentence of the best one's paragraph states the fact the best one is about: "… bör sätta
        # ett tak för antalet medarbetare … 20–30 personer är lämpligt."; "Regeringen avser att
        # bemyndiga FMV att anskaffa … Totalt avsätts ca 9,2 miljarder kronor i detta syfte."
        typed = typed or [c for c in eligible if c.states_type and c.score >= best - weights.follow_margin
                          and same_paragraph(c, eligible[0])][:1]
        if typed:
            leads = limits or typed
            eligible = top_document_first(leads, eligible, ranked, best=best, weights=weights)
            settled = eligible[0] is not leads[0]  # chosen for its document: no second reading overturns it
        missing = not typed
        # "When was the strategy for X decided?" over a page on X that gives no date is not answered
        # by a date another page gives for something less like the question: the fact is missing.
        missing = missing or stated_only_elsewhere(eligible[0], ranked, margin=weights.elsewhere_margin)
    lead = eligible[0]
    if read_alone is not None and not missing and not settled:
        lead = tie_broken(lead, eligible, read_alone, weights)
    chosen = [(lead, quoted_spans(lead, question=question, answer_type=answer_type))]
    for candidate in ranked:
        if len(chosen) >= max_points:
            break
        if candidate is lead or candidate.score < lead.score - _margin(candidate, lead, weights):
            continue
        if candidate.describes_page and answer_type not in _ABOUT_THE_PAGE:
            continue
        if answer_type in SPECIFIC and not candidate.states_type:
            continue
        spans = quoted_spans(candidate, question=question, answer_type=answer_type)
        if any(_overlaps(candidate, spans, other, quoted) or _same_words(candidate, other) for other, quoted in chosen):
            continue
        chosen.append((candidate, spans))
    return Selection(chosen, answer_type, missing_fact=missing)


def _unit_spans(passage: Passage) -> list[tuple[int, int]]:
    if passage.kind == "table_row":
        return [(passage.hit.start, passage.hit.end)]
    if passage.kind == "text":
        return sentence_spans(passage)
    return []


def _margin(candidate: Candidate, lead: Candidate, weights: SelectionWeights) -> float:
    """How far below the lead a further point may score: half as far from another document than the
    lead's, so a question about one court case is not padded with a policy's sentence on conventions."""
    same = candidate.passage.hit.document_id == lead.passage.hit.document_id
    return weights.follow_margin if same else weights.follow_margin / 2


def _same_words(a: Candidate, b: Candidate) -> bool:
    """Whether the two candidates say the same thing word for word: a page that repeats its deadline
    at the end is quoted once."""
    return " ".join(a.text.split()).casefold() == " ".join(b.text.split()).casefold()


def _overlaps(a: Candidate, a_spans: Sequence[tuple[int, int]], b: Candidate,
              b_spans: Sequence[tuple[int, int]]) -> bool:
    """Whether the two candidates would quote some of the same text of one document."""
    return a.passage.hit.document_id == b.passage.hit.document_id and any(
        x[0] < y[1] and y[0] < x[1] for x in (a.span, *a_spans) for y in (b.span, *b_spans))
