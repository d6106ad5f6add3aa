"""How well the retrieved passages support a question: the signal behind abstention.

Support is the share of the question's content words (weighted by how rare they are in the corpus)
that the top passages contain. A word the corpus never uses weighs most: "snöröjning" or "lunch" in
a question about integration policies means the policies cannot answer it. A Swedish compound
counts as found when the passages use it or every one of its parts, and weighs as rare as the
compound itself is: "personalparkeringen" is not found in a text that says only "personal" (on the
90 drawn pages, two more of the 20 Swedish off-topic tuning questions fall under the bar; no
answerable or hard-negative tuning question moves across it). A compound no lexicon splits
("bredbandsuppdraget") is found by its head and a word its first part starts ("uppdraget",
"bredbandsinfrastruktur"). Of an English question
only Swedish names and codes are checked ("Möbeln", "SFI"): its other words are not the documents' words,
and translating them through the glossary misjudged documents outside municipal policy (see
``SupportScorer._terms``).

A question naming a municipality that has no document in the index is not supported at all, unless
the passages found speak of that place themselves (a government speech given in Stockholm).

Nor is an English question whose municipal concepts the passages do not speak of: of the
glossary entries the question names in English ("staff", "fee", "home care"), fewer than a
quarter have a Swedish form in the top passages or are named in English by an English one
("annual leave", "overtime"). Beside English passages only the concepts the question names
plainly count (by their English name or a phrase): a one-word alternative term too often means
something else. On the five policies it abstains on one more English off-topic question in each
half (tuning 8 → 9 of 20, test 5 → 6) and on none of the 40 answerable English questions. Judging
English pages too took the English off-topic questions over the 90 drawn pages from 12 to 17 of
20 abstaining (tuning half), for one answerable English tuning question refused ("tax burden
relative to GDP": "relative" is a glossary word for a family member).

Nor is an English question that names a concept no indexed document uses at all, in Swedish or
English, nor as the start of a compound ("salary": lön, in none of the five policies). The
concepts are the glossary's and the municipal service topics of ``service_topics.json`` (parking,
overtime, annual leave …), which serve this check only. A form counts by its whole words, never by
a compound's parts ("plats" in any text would otherwise stand for "parkeringsplats"), and only a
concept the question names plainly is checked: by its English name or a phrase, not by a one-word
alternative ("seat", listed for a board member, is a company's seat in a law text).

Nor is a question no passage comes close to: when the best passage's cosine similarity with the
question is below the floor fitted for the embedding model and the pair of languages, the
question's and that passage's (``closeness.json``, written by ``bench/fit_closeness.py`` from the
tuning halves; an English question reads a Swedish passage at lower cosines than an English one),
the documents are about something else ("How do I book the conference room?"). A pair or model
without a fitted floor is not checked: its cosines live on another scale. Nor is a question whose
words the passages hold (support ``WORDS_OVERRULE_DISTANCE`` or more): a short "Vem är Paulina
Brandberg?" reads far from the passage that names her once. An English question's words are the
documents' only through the glossary: it is not held to the floor when it names two concepts or
more and the passages write a form of every one (``concepts.ConceptCheck.every_written``).

Whether the passages state the *kind* of fact asked for (an amount, a date) is the answer step's
check (``assistant.answer.selection``), made sentence by sentence.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from assistant.answer.base import Passage
from assistant.answer.concepts import MIN_STEM, UNINFORMATIVE, ConceptCheck
from assistant.answer.definitions import GLOSSARY_DOCUMENT_ID
from assistant.answer.followup import without_things_named_again
from assistant.answer.language import detect_language
from assistant.answer.number_words import swedish_number
from assistant.glossary import Glossary
from assistant.index.lexical import LexicalIndex
from assistant.models import Language
from assistant.municipalities import find_municipalities_in_query, load_municipalities, municipality_mentions
from assistant.parse.characters import INVISIBLE, without_invisibles

_WORD = re.compile(r"[\wåäöÅÄÖéü-]+")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A figure joined to English words ("15-year-olds", "a 30-day period"): Swedish writes the figure and
# its own words ("15-åringarna", "30 dagar"), so only the figure reads the same.
_FIGURE_WITH_ENGLISH_WORDS = re.compile(r"(\d+)(?:-[a-z]+)+")

# A code: letters and digits in one word ("cop18", "h2", "5g"), not an ordinal or a decade written
# the English way ("19th", "21st", "1990s": Swedish writes "19:e", "1990-talet").
_CODE = re.compile(r"(?=\w*[a-zåäö])(?=\w*\d)(?!\d+(?:st|nd|rd|th|s)$)[a-zåäö\d]+")

NEUTRAL_SUPPORT = 0.5
_MIN_COMPOUND_PART = 4  # the fewest letters of either part of a compound found apart
# A question whose words the passages hold (nearly) all of is not refused for its distance: "Vem är
# Robert Petersson?" reads far from a passage that names him once among other things. On the tuning
# sets (issue 20's thirteenth pass, the facts sets included) the closeness floor refuses 52
# standalone questions: the 39 unanswerable ones (off-topic and hard negatives) have at most 0.33 of
# their words' weight in the passages, or the neutral 0.5 (an English question: no checkable word);
# four of the five Swedish answerable ones 0.57–0.64 ("Vilket år genomfördes den första
# PISA-mätningen?": 0.64), the fifth 0.49.
WORDS_OVERRULE_DISTANCE = 0.55


def _pieces(word: str) -> list[str]:
    """The pieces of a hyphenated word ("va-taxan": va, taxan); a word without hyphens is one."""
    return [piece for piece in word.split("-") if piece]


def _starts_a_compound(terms: set[str], seen: set[str]) -> bool:
    """Whether one of ``terms`` (a question word's ``_heads``) starts a longer word of the passages
    the analyzer left whole: "COVID" in "covidbevis", a word no lexicon splits; "försök" in
    "försöksverksamhet" (cost: a prefix test per passage term)."""
    names = [t for t in terms if len(t) >= MIN_STEM - 1 and t.isalpha()]
    return any(word.startswith(name) and word != name for name in names for word in seen)


def _reads_the_same_in_swedish(word: str) -> bool:
    """A word of an English question that the Swedish text would write alike: a name with Swedish
    letters, an acronym, a figure. Capitalised English words are not: "Swedish Transport
    Administration" is "Trafikverket" in the documents. Nor is a year: "the ambassadors presented
    in 2018", "the 2020 memorandum" give the document's date, which its passages seldom repeat."""
    if _YEAR.fullmatch(word):
        return False
    return any(c in "åäöÅÄÖ" or c.isdigit() for c in word) or (len(word) >= 2 and word.isupper())


@dataclass(frozen=True, slots=True)
class Support:
    """``score`` in [0, 1]; ``unknown_municipalities`` named by the question but not indexed."""

    score: float
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    unknown_municipalities: tuple[str, ...] = ()
    too_far: bool = False  # no passage is as close to the question as the model's floor
    unaddressed: tuple[str, ...] = ()  # an English question's concepts the passages do not speak of


class SupportScorer:
    """Scores support against one index version. Cost per question: a few dictionary lookups per
    word and one analysis of the top passages' text."""

    def __init__(self, *, lexical: LexicalIndex, glossary: Glossary, municipalities: Sequence[str],
                 top_passages: int = 5, min_closeness: dict[str, float] | None = None,
                 concepts: Glossary | None = None) -> None:
        """``concepts``: the glossary an English question's concepts are looked up in (default:
        ``glossary``, which glosses the passages)."""
        self._concepts = ConceptCheck(lexical=lexical, glossary=concepts or glossary)
        self._min_closeness = min_closeness or {}
        self._lexical = lexical
        self._analyzer = lexical.analyzer
        self._glossary = glossary
        self._indexed = {m.casefold() for m in municipalities}
        self._top = top_passages
        self._rows = max(1, len(lexical))

    def score(self, question: str, *, language: Language, passages: Sequence[Passage],
              follow_up: bool = False, searched_alone: bool = False) -> Support:
        """How well ``passages`` support ``question``. A ``follow_up`` (a question with history,
        resolved against it) is not held to the closeness floor: its topic was the earlier
        question's, and "And who can receive that money?" reads far from any passage. One
        ``searched_alone`` (not joined to the earlier question) names the thing talked about by
        its definite nouns ("the money"), which are no concepts the passages must write."""
        top = passages[: self._top]
        unknown = self._unknown_municipalities(question, top)
        if unknown:
            return Support(0.0, (), (), unknown)
        far = not follow_up and self._too_far(language, passages)
        written, seen = set(), set()
        for passage in top:
            hit = passage.hit
            text = f"{hit.title}\n{hit.section}\n{hit.text}"
            written.update(self._analyzer.terms(text))
            # A word broken by soft hyphens ("slut\u00adredovisas") is written whole too, though the
            # index reads its parts (``parse.characters``): "final report" is spoken of.
            if INVISIBLE.search(text):
                written.update(self._analyzer.terms(without_invisibles(text)))
            # The same view of the passage the index has: with English glosses of its Swedish terms.
            seen.update(self._analyzer.terms(" ".join(self._glossary.english_for_swedish(hit.text))))
            # A Swedish question reads an English page (a speech "på engelska") through the
            # glossary's Swedish forms of its English words: "strategic" speaks of "strategisk".
            if language == "sv" and detect_language(hit.text, default="sv") == "en":
                seen.update(self._analyzer.terms(" ".join(self._glossary.swedish_for_english(hit.text))))
        seen |= written
        if language == "en" and self._judges_concepts(passages):
            in_english = self._concepts.named_in_english(top)
            # A follow-up's "the money" is the thing talked about, by whatever name the pages give it.
            asked = without_things_named_again(question) if follow_up and searched_alone else question
            if unaddressed := self._concepts.unaddressed(asked, written, in_english):
                return Support(0.0, (), unaddressed, too_far=far, unaddressed=unaddressed)
            # An English question's words are the documents' only through the glossary: when it
            # names two concepts or more and the passages use a form of every one, it is not far.
            far = far and not self._concepts.every_written(question, top)
        matched, missing, total, found = [], [], 0.0, 0.0
        for word in self._content_words(question, language=language):
            terms = self._terms(word, language=language)
            if not terms:
                continue
            weight = self._weight(terms if language == "en" else self._own_terms(word, terms))
            total += weight
            if self._addressed(word, terms, seen) or _starts_a_compound(self._heads(word, terms, language), seen) \
                    or self._written_out(word, seen):
                found += weight
                matched.append(word)
            else:
                missing.append(word)
        # A question with no checkable word (English words the glossary and corpus do not know)
        # gets a neutral score: retrieval found passages, and nothing speaks for or against them.
        score = found / total if total else NEUTRAL_SUPPORT
        if far and score < WORDS_OVERRULE_DISTANCE:
            return Support(0.0, (), (), too_far=True)
        return Support(score, tuple(matched), tuple(missing))

    def _written_out(self, word: str, seen: set[str]) -> bool:
        """Whether a small number the question writes in figures is written out in the passages:
        "… before turning 18?" by "innan han eller hon fyllt arton år"."""
        spelled = swedish_number(int(word)) if word.isdigit() and len(word) <= 2 else None
        return spelled is not None and bool(set(self._analyzer.terms(spelled)) & seen)

    def _heads(self, word: str, terms: set[str], language: Language) -> set[str]:
        """The terms of ``word`` a compound of the passages may start with and so speak of it: an
        English name's ("COVID" in "covidbevis"); a Swedish word's whole stem, longer than
        ``MIN_STEM`` ("försöket" in "försöksverksamheten", a kind of försök), never its own
        compound's parts ("personalparkeringen" is not spoken of by "personalens")."""
        if language == "en":
            return terms
        return {t for t in self._analyzer.terms(word)[:1] if len(t) > MIN_STEM}

    def _own_terms(self, word: str, terms: set[str]) -> set[str]:
        """The terms a Swedish word weighs by: its own stem, not its compound's parts.
        "Personalparkeringen" is as rare as the word is, not as common as "personal"; a hyphenated
        word as its rarest piece ("VA-taxan" as "taxan", not "va")."""
        pieces = [own[:1] for piece in _pieces(word) if (own := self._analyzer.terms(piece))]
        if len(pieces) > 1:
            return set(min(pieces, key=lambda own: self._lexical.document_frequency(own[0])))
        return set(self._analyzer.terms(word)[:1]) or terms

    def _addressed(self, word: str, terms: set[str], seen: set[str]) -> bool:
        """Whether the passages (``seen``: their terms) speak of ``word``: its own stem, or every
        part of a compound ("reseräkning" by "räkningar" for resor). One part is not enough:
        "personalparkeringen" is not addressed by a text on "personal", nor "passerkort" by one
        on any "kort". A hyphenated word is addressed by all of its pieces ("VA-taxan" not by
        "va-bolag")."""
        if len(pieces := _pieces(word)) > 1:
            return all(self._addressed(piece, own, seen) for piece in pieces
                       if (own := set(self._analyzer.terms(piece))))
        whole = self._analyzer.terms(word)[:1]
        if not whole or len(terms) == 1:
            return bool(terms & seen) or (bool(whole) and self._addressed_apart(word, seen))
        if whole[0] in seen:
            return True
        parts = [stems[0] for part in self._analyzer.split_compound(word) if (stems := self._analyzer.terms(part))]
        if parts:
            return all(part in seen for part in parts)
        return self._addressed_apart(word, seen)

    def _addressed_apart(self, word: str, seen: set[str]) -> bool:
        """Whether a compound the analyzer cannot split ("bredbandsuppdraget": no lexicon knows
        "bredband") is addressed part by part: its head is a term of the passages ("uppdrag") and
        its first part starts one ("bredbandsinfrastruktur"). Both parts at least
        ``_MIN_COMPOUND_PART`` letters. Cost: one analysis and one scan of ``seen`` per split point."""
        for split in range(_MIN_COMPOUND_PART, len(word) - _MIN_COMPOUND_PART + 1):
            head = self._analyzer.terms(word[split:])[:1]
            if head and head[0] in seen and any(term.startswith(word[:split]) for term in seen):
                return True
        return False

    def _too_far(self, language: Language, passages: Sequence[Passage]) -> bool:
        """Whether the closest passage is further from the question than the floor fitted for the
        pair of languages (``pair_key``): an English question reads a Swedish passage at a lower
        cosine than a Swedish one does, and an English passage at about the same."""
        # The passages whose units the answer chooses from (``selection.PASSAGES``), as the fit saw them.
        scored = [p for p in passages if p.kind != "header"][:self._top]
        scored = [p for p in scored if p.dense_score is not None]
        if not scored:
            return False
        closest = max(scored, key=lambda p: p.dense_score or 0.0)
        floor = self._min_closeness.get(pair_key(language, detect_language(closest.hit.text, default="sv")))
        return floor is not None and (closest.dense_score or 0.0) < floor

    @staticmethod
    def _judges_concepts(passages: Sequence[Passage]) -> bool:
        """Whether an English question's concepts can be looked for in the passages: not when the
        glossary's own definition is among them (it answers)."""
        return not any(p.hit.document_id == GLOSSARY_DOCUMENT_ID for p in passages)

    def _content_words(self, question: str, *, language: Language) -> list[str]:
        """The words whose presence can be checked: for Swedish every content word; for English only
        Swedish names and codes ("Möbeln", "SFI", "LSS", "2016"), which read the same in both languages."""
        names = {m.casefold() for m in load_municipalities()}
        words = []
        for word in _WORD.findall(question):
            lowered = word.casefold().strip("-")
            if len(lowered) < 2 or lowered in UNINFORMATIVE or lowered.rstrip("s") in names or lowered in names:
                continue
            if language == "en" and not _reads_the_same_in_swedish(word):
                continue
            figure = _FIGURE_WITH_ENGLISH_WORDS.fullmatch(lowered) if language == "en" else None
            if figure and _YEAR.fullmatch(figure.group(1)):
                continue  # "the 2020-era rules": a year, as ``_reads_the_same_in_swedish`` reads one
            words.append(figure.group(1) if figure else lowered)
        return words

    def _terms(self, word: str, *, language: Language) -> set[str]:
        """The index terms that would show ``word`` is addressed: its own (an English name's only
        where the corpus uses it). Empty when nothing can be checked.

        English words are not checked through their Swedish glossary forms: the glossary knows the
        words of municipal policy, and on documents about anything else its translation of
        "registered" or "support" is often not the word the document uses, so a question the
        documents answer would look unsupported. The multilingual embedder has found the passages;
        whether they state the kind of fact asked is checked sentence by sentence (``selection``)."""
        own = set(self._analyzer.terms(word))
        if language == "sv":
            return own
        # A code of letters and digits ("COP18") is written alike in both languages: one the corpus
        # never uses names something it does not speak of ("COP17" and "COP16" are other meetings).
        return {t for t in own if self._lexical.document_frequency(t) > 0 or _CODE.fullmatch(t)}

    def _weight(self, terms: set[str]) -> float:
        frequency = max((self._lexical.document_frequency(t) for t in terms), default=0)
        return math.log(1 + self._rows / (1 + frequency))

    def _unknown_municipalities(self, question: str, passages: Sequence[Passage]) -> tuple[str, ...]:
        named = find_municipalities_in_query(question, names=load_municipalities())
        text = "\n".join(p.hit.text for p in passages)
        return tuple(m for m in named
                     if m.casefold() not in self._indexed and not municipality_mentions(text, names=[m]))


def pair_key(question: Language, passage: Language) -> str:
    """How ``closeness.json`` names a question language read against a passage language: "en>sv"."""
    return f"{question}>{passage}"


def closeness_floor(model_id: str) -> dict[str, float]:
    """The cosine floors fitted for ``model_id``'s model family (``closeness.json``), by language
    pair (``pair_key``); empty for a model without them. Cost: one small read."""
    data = json.loads((resources.files("assistant.answer") / "closeness.json").read_text(encoding="utf-8"))
    return next(({pair: float(floor) for pair, floor in floors.items()}
                 for family, floors in data["models"].items() if family in model_id), {})
