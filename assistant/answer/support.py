"""How well the retrieved passages support a question: the signal behind abstention.

Support is the share of the question's content words (weighted by how rare they are in the corpus)
that the top passages contain. A word the corpus never uses weighs most: "snöröjning" or "lunch" in
a question about integration policies means the policies cannot answer it. A Swedish compound
counts as found when the passages use it or every one of its parts, and weighs as rare as the
compound itself is: "personalparkeringen" is not found in a text that says only "personal" (on the
90 drawn pages, two more of the 20 Swedish off-topic tuning questions fall under the bar; no
answerable or hard-negative tuning question moves across it). Of an English question
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
more and the passages write a form of every one ("When did Russia start its war against Ukraine?":
Ryssland, Ukraina, krig).

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
from assistant.answer.definitions import GLOSSARY_DOCUMENT_ID
from assistant.answer.language import detect_language
from assistant.glossary import Glossary, GlossaryEntry, names_plainly
from assistant.glossary_compounds import COMPOUND_MIN_WORD
from assistant.index.lexical import LexicalIndex
from assistant.models import Language
from assistant.municipalities import find_municipalities_in_query, load_municipalities, municipality_mentions

_WORD = re.compile(r"[\wåäöÅÄÖéü-]+")
_YEAR = re.compile(r"(?:19|20)\d\d")
# Words every question about these documents uses; they tell nothing about answerability. "Hur mycket
# pengar …?" names the kind of answer: the text says "medel" or "kronor".
_UNINFORMATIVE = frozenset("""
    what who whom which when where why how does do did is are was were be been can could should would
    will shall may might must have has had the a an of to in on for with by at from about and or not
    this that these those there their its it our we you i me my new here please tell explain say says
    mean means meant according policy policies plan plans programme program document documents
    integration municipality municipal council kommun kommunen kommunens kommuns
    vad vem vilka vilken vilket när var varför hur är finns ska skall kan har hade gör görs
    den det de en ett och eller i på för med av till om som enligt säger står policyn policy
    planen plan programmet program dokumentet integration integrationen integrations
    up out also just like many much often get got take took make made give gave go going want wants
    any some other such than then there them they he she his her its one ones whose whom
    vill ville tog ta tar fram fick få får gett ge ger gav låg ligger se ser göra gjorde sitt sin
    sina sig man vi ni du jag oss deras dess något några många mycket ofta länge år året reda
    också även bara redan nu då här där denna detta dessa vilket samt mer mest
    bakom emot mot genom hos inom utom bland kring utan innan efter före sedan bort
    annars alltid aldrig ibland vidare dock ju väl ändå andra annat annan övriga vissa hela
    ja nej hej måste finnas fanns haft säga sagt gå går tas per
    pengar
""".split())
NEUTRAL_SUPPORT = 0.5
# A question whose words the passages hold (nearly) all of is not refused for its distance: "Vem är
# Robert Petersson?" reads far from a passage that names him once among other things. On the tuning
# halves every question the closeness floor refuses has at most 0.5 (neutral: no checkable word).
WORDS_OVERRULE_DISTANCE = 0.75
# The same for an English question, by its glossary concepts: all of two or more found in the top
# passages ("forest fire" and "Civil Contingencies Agency"). On the tuning halves this lets three
# answerable English questions through and none of the off-topic ones, whose concepts the passages
# hold only in part ("staff" of "staff fitness benefit") or which name one ("issued").
MIN_CONCEPTS_OVERRULE = 2
_MIN_STEM = 5  # a shorter form ("lön") starts too many unrelated words ("lönsam") to stand for a compound
# Below this share of the English question's glossary concepts found in the top passages, the
# passages are about something else (0/1 … 0/4, 1/5: see the module docstring).
MIN_CONCEPT_SHARE = 0.25


# Glossary terms that name the kind of answer asked for ("On which date …?"), not what it is about.
_ANSWER_KINDS = frozenset({"någonstans", "datum"})


def _asks_only(term: str) -> bool:
    """A glossary term that is a question word ("var någonstans", "när") or names the kind of
    answer ("datum"): it names no concept a passage must speak of."""
    return all(word in _UNINFORMATIVE or word in _ANSWER_KINDS for word in term.casefold().split())


def _pieces(word: str) -> list[str]:
    """The pieces of a hyphenated word ("va-taxan": va, taxan); a word without hyphens is one."""
    return [piece for piece in word.split("-") if piece]


def _named_part(word: str) -> str:
    """``word``, or for a hyphenated word whose last part is a word of compound length on its own
    ("e-hälsomyndigheten"), that part; "p-plats" stays as it is (plats names no parking)."""
    head, _, last = word.rpartition("-")
    return last if head and len(last) >= COMPOUND_MIN_WORD and last.isalnum() else word


def _starts_a_compound(terms: set[str], seen: set[str]) -> bool:
    """Whether a name of an English question starts a word of the passages the analyzer left whole:
    "COVID" in "covidbevis", a word no lexicon splits (cost: a prefix test per passage term)."""
    names = [t for t in terms if len(t) >= _MIN_STEM - 1 and t.isalpha()]
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
        self._concepts = concepts or glossary
        self._min_closeness = min_closeness or {}
        self._lexical = lexical
        self._analyzer = lexical.analyzer
        self._glossary = glossary
        self._indexed = {m.casefold() for m in municipalities}
        self._top = top_passages
        self._rows = max(1, len(lexical))
        self._concept_terms: dict[str, frozenset[str]] = {}

    def score(self, question: str, *, language: Language, passages: Sequence[Passage],
              follow_up: bool = False) -> Support:
        """How well ``passages`` support ``question``. A ``follow_up`` (a question with history,
        resolved against it) is not held to the closeness floor: its topic was the earlier
        question's, and "And who can receive that money?" reads far from any passage."""
        top = passages[: self._top]
        unknown = self._unknown_municipalities(question, top)
        if unknown:
            return Support(0.0, (), (), unknown)
        far = not follow_up and self._too_far(language, passages)
        written, seen = set(), set()
        for passage in top:
            hit = passage.hit
            written.update(self._analyzer.terms(f"{hit.title}\n{hit.section}\n{hit.text}"))
            # The same view of the passage the index has: with English glosses of its Swedish terms.
            seen.update(self._analyzer.terms(" ".join(self._glossary.english_for_swedish(hit.text))))
        seen |= written
        if language == "en" and self._judges_concepts(passages):
            in_english = self._named_in_english(top)
            if unaddressed := self._unaddressed_concepts(question, written, in_english):
                return Support(0.0, (), unaddressed, too_far=far, unaddressed=unaddressed)
            # An English question's words are the documents' only through the glossary: when it
            # names two concepts or more and the passages use a form of every one, it is not far.
            far = far and not self._every_concept_written(question, top)
        matched, missing, total, found = [], [], 0.0, 0.0
        for word in self._content_words(question, language=language):
            terms = self._terms(word, language=language)
            if not terms:
                continue
            weight = self._weight(terms if language == "en" else self._own_terms(word, terms))
            total += weight
            if self._addressed(word, terms, seen) or (language == "en" and _starts_a_compound(terms, seen)):
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
            return bool(terms & seen)
        if whole[0] in seen:
            return True
        parts = [stems[0] for part in self._analyzer.split_compound(word) if (stems := self._analyzer.terms(part))]
        return bool(parts) and all(part in seen for part in parts)

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

    def _named_in_english(self, top: Sequence[Passage]) -> frozenset[str] | None:
        """The glossary concepts the English passages of ``top`` name by an English phrase
        ("annual leave", "overtime"): an English page speaks of a concept in English. ``None``
        when every passage is Swedish. Cost: one tokenizing pass per English passage."""
        english = [p for p in top if detect_language(p.hit.text, default="sv") == "en"]
        if not english:
            return None
        return frozenset(entry.term for p in english
                         for _, entries in self._concepts.english_phrases(p.hit.text) for entry in entries)

    def _unaddressed_concepts(self, question: str, written: set[str],
                              in_english: frozenset[str] | None = None) -> tuple[str, ...]:
        """The glossary concepts an English question names, when fewer than ``MIN_CONCEPT_SHARE``
        of them have a Swedish form written in the passages (``written``: their own terms, not
        the English glosses the index adds); else ``()``. Question words and concepts whose forms
        analyse to nothing are not counted."""
        phrases, concepts, found = self._concepts_found(question, written, in_english)
        if not concepts:
            return ()
        # A concept no document speaks of, in Swedish or English ("salary": lön), is not answered
        # by any passage, however close the others come. Only a concept named plainly: a one-word
        # alternative term ("seat" for a board member) too often means something else.
        if absent := self._absent_phrases(phrases):
            return absent
        return tuple(entry.term for entry in concepts) if found / len(concepts) < MIN_CONCEPT_SHARE else ()

    def _every_concept_written(self, question: str, top: Sequence[Passage]) -> bool:
        """Whether ``question`` (English) names ``MIN_CONCEPTS_OVERRULE`` glossary concepts or more
        and the passages write a form of every one as it stands, or a compound starting with it
        ("skogsbränder"). Forms, not stems: "skrivare" (printer) is not "skriva" (write)."""
        _, concepts, _ = self._concepts_found(question, set(), None)
        if len(concepts) < MIN_CONCEPTS_OVERRULE:
            return False
        text = " ".join(f"{p.hit.title} {p.hit.section} {p.hit.text}" for p in top).casefold()
        return all(any(re.search(rf"(?<!\w){re.escape(form.casefold())}", text) for form in entry.forms)
                   for entry in concepts)

    def _concepts_found(self, question: str, written: set[str], in_english: frozenset[str] | None
                        ) -> tuple[list[tuple[str, list[GlossaryEntry]]], list[GlossaryEntry], int]:
        """The English question's phrases with the glossary entries each names, the concepts among
        those entries (not question words, with forms that analyse to something), and how many of
        the concepts the passages speak of (``written``, or ``in_english`` by an English name)."""
        phrases = self._concepts.english_phrases(question)
        if in_english is not None:
            # Beside English text only the concepts named plainly are judged: by a one-word
            # alternative term a question often means something else ("tax burden" is no anhörig's).
            phrases = [(said, [e for e in entries if names_plainly(e, said)]) for said, entries in phrases]
        named = {entry: None for _, entries in phrases for entry in entries}  # each once, in order
        concepts = [entry for entry in named if not _asks_only(entry.term) and self._concept(entry)]
        found = sum(bool(self._concept(entry) & written) or entry.term in (in_english or ()) for entry in concepts)
        return phrases, concepts, found

    def _absent_phrases(self, phrases: list[tuple[str, list[GlossaryEntry]]]) -> tuple[str, ...]:
        """The terms of the concepts named plainly by ``phrases`` (a question's English phrases and
        the entries each names) that no indexed document speaks of in any sense the glossary gives
        the phrase: "interim report" is absent only if neither a delårsrapport nor a delredovisning
        is, and "entry requirements" only if neither behörighet nor antagningskrav is (the
        glossary's first sense is often not the document's)."""
        absent: dict[str, None] = {}
        for said, entries in phrases:
            plain = [e for e in entries if names_plainly(e, said) and not _asks_only(e.term) and self._concept(e)]
            if plain and all(self._absent(e) for e in entries):
                absent.update(dict.fromkeys(e.term for e in plain))
        return tuple(absent)

    def _absent(self, entry: GlossaryEntry) -> bool:
        """No indexed document uses a form of ``entry`` (nor a compound starting with one) nor one
        of its English terms. A form is judged by its words' whole stems, never by the parts a
        compound splits into: "parkeringsplats" is not used by a text that only says "plats", nor
        "car park" by one that says "car" but never "park"."""
        phrases = [*entry.forms, entry.english, *entry.english_terms]
        stems = [self._whole_stems(phrase) for phrase in phrases]
        if any(words and all(self._lexical.document_frequency(t) > 0 for t in words) for words in stems):
            return False
        single = {words[0] for words in stems[:len(entry.forms)] if len(words) == 1 and len(words[0]) >= _MIN_STEM}
        return not any(self._lexical.uses_term_starting(t) for t in single)

    def _whole_stems(self, phrase: str) -> tuple[str, ...]:
        """The index term of each whole word of ``phrase`` (its stem, not its compound parts);
        stopwords give none. A phrase with a hyphenated word gives none at all: the index splits
        "p-plats" into "plats", which any text about places has. A long last part names the thing on
        its own: "e-hälsomyndigheten" is judged by "hälsomyndigheten"."""
        words = [_named_part(word) for word in phrase.split()]
        if not all(word.isalnum() for word in words):
            return ()
        return tuple(terms[0] for word in words if (terms := self._analyzer.terms(word)))

    def _concept(self, entry: GlossaryEntry) -> frozenset[str]:
        """The terms that show a Swedish passage speaks of ``entry``: its forms'."""
        if entry.term not in self._concept_terms:
            self._concept_terms[entry.term] = frozenset(t for form in entry.forms for t in self._analyzer.terms(form))
        return self._concept_terms[entry.term]

    def _content_words(self, question: str, *, language: Language) -> list[str]:
        """The words whose presence can be checked: for Swedish every content word; for English only
        Swedish names and codes ("Möbeln", "SFI", "LSS", "2016"), which read the same in both languages."""
        names = {m.casefold() for m in load_municipalities()}
        words = []
        for word in _WORD.findall(question):
            lowered = word.casefold().strip("-")
            if len(lowered) < 2 or lowered in _UNINFORMATIVE or lowered.rstrip("s") in names or lowered in names:
                continue
            if language == "en" and not _reads_the_same_in_swedish(word):
                continue
            words.append(lowered)
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
        return {t for t in own if self._lexical.document_frequency(t) > 0}

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
