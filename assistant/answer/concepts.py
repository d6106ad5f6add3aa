"""Whether the passages speak of the concepts an English question names, by the glossary.

An English question's words are not the Swedish documents' words: the glossary ties them ("staff":
personal, anställd). ``ConceptCheck`` tells when the top passages speak of too few of a question's
concepts to answer it, when a concept is in no indexed document at all ("salary": lön), and when
they write every one of two or more, which outweighs a low cosine (``support.SupportScorer``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from assistant.answer.base import Passage
from assistant.answer.concept_phrases import (
    ACT,
    asked_for,
    cognate,
    in_a_name,
    names_a_kind,
    names_whole,
    used_as_verb,
    writes,
)
from assistant.answer.language import detect_language
from assistant.glossary import Glossary, GlossaryEntry, names_plainly
from assistant.glossary_compounds import COMPOUND_MIN_WORD
from assistant.index.lexical import LexicalIndex

# Words every question about these documents uses; they tell nothing about answerability. "Hur mycket
# pengar …?" names the kind of answer: the text says "medel" or "kronor"; so does "What is it meant to
# achieve?" (a purpose: "Avsikten är att främja …", no "uppnå"). "Vad står förkortningen NCQG för?"
# asks about NCQG: the text spells it out and never says "förkortning". "Vad menas med det nya
# superdepartementet som nämns i debattartikeln?" asks about the department: no text says "menas".
UNINFORMATIVE = frozenset("""
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
    achieve achieves achieved
    förkortning förkortningen förkortningar abbreviation abbreviations acronym stand stands betyder
    menas avses nämns nämnd nämnda nämnt mentioned
""".split())
# An English question naming this many glossary concepts or more, every one written in the top
# passages ("How many forest fire depots does the Civil Contingencies Agency have?": skogsbrand,
# Myndigheten för samhällsskydd och beredskap), is not held to the closeness floor (``support``).
# On the tuning halves: one more unseen question answered, one false abstention fewer (now a wrong
# answer), and none of the off-topic questions let through, whose concepts the passages hold in
# part ("staff" of "staff fitness benefit") or which name one ("issued").
MIN_CONCEPTS_OVERRULE = 2
# A compound's parts read apart (``_written_apart``): a shorter first part ("bil", "lag") is a piece of
# too many words, and a head shorter than ``MIN_HEAD`` ("svar") is read only as a word of its own:
# as a word's end it is often a suffix or another word's ("ning", "ansvar").
MIN_PART = 4
MIN_HEAD = 5
_Split = tuple[frozenset[str], str, bool]  # a first part's stems, the head's stem, whether read only whole
MIN_STEM = 5  # a shorter form ("lön") starts too many unrelated words ("lönsam") to stand for a compound
# Below this share of the English question's glossary concepts found in the top passages, the
# passages are about something else (0/1 … 0/4, 1/5: see ``support``'s module docstring).
MIN_CONCEPT_SHARE = 0.25


# Glossary terms that name the kind of answer asked for ("On which date …?"), not what it is about.
_ANSWER_KINDS = frozenset({"någonstans", "datum"})


def _asks_only(term: str) -> bool:
    """A glossary term that is a question word ("var någonstans", "när") or names the kind of
    answer ("datum"): it names no concept a passage must speak of."""
    return all(word in UNINFORMATIVE or word in _ANSWER_KINDS for word in term.casefold().split())


def _named_part(word: str) -> str:
    """``word``, or for a hyphenated word whose last part is a word of compound length on its own
    ("e-hälsomyndigheten"), that part; "p-plats" stays as it is (plats names no parking). A
    compound's first part left for the next word ("Landsbygds- och infrastrukturdepartementet",
    "Kultur- och fritidsnämnden") is a word of its own."""
    if word.endswith("-") and word[:-1].isalnum():
        return word[:-1]
    head, _, last = word.rpartition("-")
    return last if head and len(last) >= COMPOUND_MIN_WORD and last.isalnum() else word


class ConceptCheck:
    """The glossary concepts of English questions against one index. Cost: a phrase lookup per
    question and a term analysis per concept, cached."""

    def __init__(self, *, lexical: LexicalIndex, glossary: Glossary) -> None:
        self._lexical = lexical
        self._analyzer = lexical.analyzer
        self._glossary = glossary
        self._concept_terms: dict[str, frozenset[str]] = {}
        self._term_splits: dict[str, tuple[_Split, ...]] = {}
        # ``unaddressed`` and ``every_written`` read the same question one after the other.
        self._question_phrases = functools.lru_cache(maxsize=64)(glossary.english_phrases)

    def named_in_english(self, top: Sequence[Passage]) -> frozenset[str] | None:
        """The glossary concepts the English passages of ``top`` name by an English phrase
        ("annual leave", "overtime"): an English page speaks of a concept in English. ``None``
        when every passage is Swedish. Cost: one tokenizing pass per English passage."""
        english = [p for p in top if detect_language(p.hit.text, default="sv") == "en"]
        if not english:
            return None
        return frozenset(entry.term for p in english
                         for _, entries in self._glossary.english_phrases(p.hit.text) for entry in entries)

    def unaddressed(self, question: str, written: set[str],
                    in_english: frozenset[str] | None = None) -> tuple[str, ...]:
        """The glossary concepts an English question names, when fewer than ``MIN_CONCEPT_SHARE``
        of them have a Swedish form written in the passages (``written``: their own terms, not
        the English glosses the index adds); else ``()``. Question words and concepts whose forms
        analyse to nothing are not counted."""
        phrases, concepts, found, alike = self._found(question, written, in_english)
        if not concepts:
            return ()
        # A concept no document speaks of, in Swedish or English ("salary": lön), is not answered
        # by any passage, however close the others come. Only a concept named plainly: a one-word
        # alternative term ("seat" for a board member) too often means something else. A word the
        # passages write as Swedish does ("operations": operationer) is not absent, whatever its sense.
        # Nor is one the passages write, though the index does not ("slut\u00adredovisas": soft
        # hyphens keep a word's parts apart in the index, not in ``written``).
        # Nor is a phrase used as a verb ("must the inquiry report?").
        if absent := self._absent_phrases([(said, named) for said, named in phrases if said not in alike
                                           and not used_as_verb(said, question)
                                           and not names_a_kind(said, question)
                                           and not any(self._written_whole(entry, written)
                                                       or self._written_apart(entry, written) for entry in named)]):
            return absent
        # An act the question calls by the glossary's name for it ("the new Social Services Act":
        # socialtjänstlagen) is what the question is about: passages that never write it are about
        # another act, whatever other concepts they share.
        if unwritten := self._named_unwritten(question, phrases, written, in_english):
            return unwritten
        return tuple(entry.term for entry in concepts) if found / len(concepts) < MIN_CONCEPT_SHARE else ()

    def _named_unwritten(self, question: str, phrases: list[tuple[str, list[GlossaryEntry]]], written: set[str],
                         in_english: frozenset[str] | None) -> tuple[str, ...]:
        """The terms of the acts ``question`` calls by a capitalised name the glossary gives in full
        (``names_whole``: "the Social Services Act") that the passages write in no form, nor in
        English. Only an act's: a body is often written by a short name the glossary lacks ("Sida"),
        and its name only marks whose fact it is (``whose.speaks_of_names``)."""
        unwritten: dict[str, None] = {}
        for said, entries in phrases:
            if not entries or not ACT.search(said) or not names_whole(said, question) or cognate(said, written):
                continue
            if not any(self._written_whole(e, written) or e.term in (in_english or ()) for e in entries):
                unwritten.update(dict.fromkeys(e.term for e in entries))
        return tuple(unwritten)

    def every_written(self, question: str, top: Sequence[Passage]) -> bool:
        """Whether ``question`` (English) names ``MIN_CONCEPTS_OVERRULE`` glossary concepts or more
        and the passages write a form of every one as it stands, or a compound starting with it
        ("skogsbränder"). Forms, not stems: "skrivare" (printer) is not "skriva" (write). A concept
        named by a question word ("when": tidplan) is not one of them."""
        # (A name's words count here: "the Civil Contingencies Agency" written as "MSB" speaks of it.)
        phrases, concepts, _, _ = self._found(question, set(), None, names_judged=True)
        asked = {entry for said, entries in phrases for entry in entries if _asks_only(said)}
        # A phrase naming several concepts ("interim report": a delårsrapport or a delredovisning)
        # is written when one of them is.
        senses = list({tuple(e.term for e in named): named for _, entries in phrases
                       if (named := [entry for entry in entries if entry in concepts and entry not in asked])}.values())
        if len(senses) < MIN_CONCEPTS_OVERRULE:
            return False
        text = " ".join(f"{p.hit.title} {p.hit.section} {p.hit.text}" for p in top).casefold()
        return all(any(writes(text, form.casefold()) for entry in named for form in entry.forms) for named in senses)

    def _found(self, question: str, written: set[str], in_english: frozenset[str] | None, *,
               names_judged: bool = False
               ) -> tuple[list[tuple[str, list[GlossaryEntry]]], list[GlossaryEntry], int, frozenset[str]]:
        """The English question's phrases with the glossary entries each names, the concepts among
        those entries (not question words, nor a name's words the passages do not speak of unless
        ``names_judged``; with forms that analyse to something), how many of the concepts the
        passages speak of (``written``, or ``in_english`` by an English name, or by the phrase itself
        written as Swedish writes it), and those phrases (``cognate``)."""
        phrases = self._question_phrases(question)
        if in_english is not None:
            # Beside English text only the concepts named plainly are judged: by a one-word
            # alternative term a question often means something else ("tax burden" is no anhörig's).
            phrases = [(said, [e for e in entries if names_plainly(e, said)]) for said, entries in phrases]
        named = {entry: None for _, entries in phrases for entry in entries}  # each once, in order
        # What a question word names ("when": tidplan) or the question asks for by its kind ("in
        # which town was it opened?": the answer names the town, not the word) is no concept the
        # passages must speak of, unless they do ("which agency …?" beside "myndigheten").
        # Nor are a name's words, unless the passages speak of them ("the Volvo Group": no kommunkoncern).
        asked = {entry for said, entries in phrases
                 if _asks_only(said) or asked_for(said, question) or used_as_verb(said, question)
                 or names_a_kind(said, question)
                 or (not names_judged and in_a_name(said, question))
                 for entry in entries}
        # "operations" is "operationer" in a text on surgery, though the glossary's sense is verksamhet.
        alike = frozenset(said for said, _ in phrases if cognate(said, written))
        alike_entries = {entry for said, entries in phrases if said in alike for entry in entries}

        def spoken_of(entry: GlossaryEntry) -> bool:
            return bool(self._concept(entry) & written) or entry.term in (in_english or ()) or entry in alike_entries \
                or self._written_apart(entry, written)

        concepts = [entry for entry in named if not _asks_only(entry.term) and self._concept(entry)
                    and (entry not in asked or spoken_of(entry))]
        return phrases, concepts, sum(map(spoken_of, concepts)), alike

    def _absent_phrases(self, phrases: list[tuple[str, list[GlossaryEntry]]]) -> tuple[str, ...]:
        """The terms of the concepts named plainly by ``phrases`` (a question's English phrases and
        the entries each names) that no indexed document speaks of in any sense the glossary gives
        the phrase: "interim report" is absent only if neither a delårsrapport nor a delredovisning
        is, and "entry requirements" only if neither behörighet nor antagningskrav is (the
        glossary's first sense is often not the document's)."""
        absent: dict[str, None] = {}
        for said, entries in phrases:
            if _asks_only(said):  # "achieve" in "What is it meant to achieve?" names no concept
                continue
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
        single = {words[0] for words in stems[:len(entry.forms)] if len(words) == 1 and len(words[0]) >= MIN_STEM}
        return not any(self._lexical.uses_term_starting(t) for t in single)

    def _written_whole(self, entry: GlossaryEntry, written: set[str]) -> bool:
        """Whether ``written`` (a passage's terms) holds every whole stem of one of ``entry``'s
        forms, as ``_absent`` reads the index: not a compound's parts."""
        return any(words and all(t in written for t in words) for words in map(self._whole_stems, entry.forms))

    def _written_apart(self, entry: GlossaryEntry, written: set[str]) -> bool:
        """Whether ``written`` (a passage's terms) holds the parts of ``entry``'s one-word term apart:
        its first part as a word and its head as a word or a word's end (a head shorter than
        ``MIN_HEAD`` as a word only: "ansvar" ends in "svar"). "support package" (stödpaket) is spoken
        of by "ett lagstiftningspaket om makrofinansiellt stöd"; "consultation responses" (remissvar)
        by "svara på remissen"; "staff parking" (personalparkering) only where both "personal" and a
        "…parkering" are written. Cost: a set lookup per split of the term (``_splits``, analysed
        once per term), and a scan of ``written`` per split whose first part it holds."""
        return any(first & written and (head in written if whole else any(word.endswith(head) for word in written))
                   for first, head, whole in self._splits(entry.term.casefold()))

    def _splits(self, term: str) -> tuple[_Split, ...]:
        """Each way to cut a one-word ``term`` into a first part (its stem, the stem without a joining
        "s", and with the letter it shares with the head) and a head (its stem), both long enough to
        be words, and whether the head is short enough to be read as a whole word only; remembered
        per term."""
        if term not in self._term_splits:
            cuts = range(MIN_PART, len(term) - MIN_PART + 1) if " " not in term and term.isalpha() else range(0)
            splits = []
            for cut in cuts:
                first, head = term[:cut], term[cut:]
                # A letter three would write is written twice: "remiss" + "svar" is "remissvar".
                parts = (first, first[:-1] if first.endswith("s") else "",
                         first + head[0] if first[-1] == head[0] else "")
                firsts = frozenset(self._one_stem(part) for part in parts if len(part) >= MIN_PART) - {""}
                if firsts and (stem := self._one_stem(head)):
                    splits.append((firsts, stem, len(head) < MIN_HEAD))
            self._term_splits[term] = tuple(splits)
        return self._term_splits[term]

    def _one_stem(self, word: str) -> str:
        stems = self._analyzer.terms(word)
        return stems[0] if len(stems) == 1 else ""

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
