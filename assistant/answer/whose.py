"""Whose fact a unit states: the documents a question's names, title or countries point to, the
person or body a heading names over a programme's entries, and the countries a figure is asked of
(``CountriesAsked``: "till Indien" states no figure for Indonesia). ``selection.candidates`` reads a
unit as stating the asked-for kind of fact only where these allow it. String work over the competing
passages.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from assistant.answer.answer_type import AnswerType
from assistant.answer.base import Passage
from assistant.answer.bodies import country_forms
from assistant.answer.concepts import names_whole
from assistant.answer.fact_forms import states
from assistant.answer.language import detect_language
from assistant.answer.named_documents import names_title
from assistant.answer.names import named_in
from assistant.answer.number_words import factored
from assistant.glossary import Glossary


def named_in_english(question: str, glossary: Glossary) -> tuple[str, ...]:
    """The Swedish forms of the state bodies an English ``question`` names by their English names
    (the glossary's defined proper names: not a country's, "Sweden" is every page's), and of the
    things it calls by a capitalised name the glossary gives in full ("the new Social Services Act":
    socialtjänstlagen), each once: the names ``speaks_of_names`` looks for."""
    forms = (form for said, entries in glossary.english_phrases(question)
             for entry in entries if (entry.proper_name and entry.defined) or names_whole(said, question)
             for form in entry.forms)
    return tuple(dict.fromkeys(forms))


def documents_naming(passages: Sequence[Passage], names: tuple[str, ...]) -> frozenset[str]:
    """The documents of ``passages`` whose text names one of ``names`` (``named_in``). Cost: a
    regex search per name and document, each document read once however many passages it has."""
    texts = {p.hit.document_id: p.document_text for p in passages}
    return frozenset(document for document, text in texts.items() if names and named_in(text, names))


def speaks_of_names(passages: Sequence[Passage], names: tuple[str, ...], *,
                    naming: AbstractSet[str] | None = None) -> dict[str, bool]:
    """Per document of ``passages``: whether it names one of the question's names (``names``) when
    another of them does: a fact stated in a document naming none of them is about something else
    ("När ska Arbetsmiljöverket … slutredovisa?" and another agency's deadline). An English page is
    not judged by them (a Swedish question's "Sveriges" is its "Sweden"). ``naming``: the documents
    naming them, when read already (``documents_naming``). Cost: ``documents_naming``'s, and a
    language check of the retrieved passages of each document naming none."""
    if not names:
        return {p.hit.document_id: True for p in passages}
    naming = documents_naming(passages, names) if naming is None else naming
    # A Swedish question's names ("Sveriges") are not an English page's ("Sweden"): such a page is
    # not judged by them. Its language is read from its retrieved passages, the text an answer
    # quotes (not the whole page: this runs on every question).
    retrieved = defaultdict(list)
    for passage in passages:
        retrieved[passage.hit.document_id].append(passage.hit.text)
    return {document: document in naming or not naming
            or detect_language("\n".join(texts), default="sv") == "en"
            for document, texts in retrieved.items()}


# An entry this short under a heading naming a person is that person's: "### Justitieminister Gunnar
# Strömmer" over "Debatt om gängkriminalitet arrangerat av Expressen (kl. 15.30)" in a programme.
_ENTRY_CHARS = 100


def named_by_heading(answer_type: AnswerType | None, passage: Passage, text: str, besides: str) -> bool:
    """Whether a short entry (a programme's or list's line) is under a section heading naming the
    person or body a question asks for: "Which minister takes part in the debate on gang crime?"
    is answered by the debate's line, its heading naming the minister. (``selection.candidates`` reads
    it so only where no unit of its section names one in its own words.)"""
    return answer_type in (AnswerType.PERSON, AnswerType.BODY) and passage.kind == "text" \
        and len(text) <= _ENTRY_CHARS and bool(passage.hit.section_path) \
        and passage.hit.section_path[-1] != passage.hit.title \
        and states(answer_type, passage.hit.section_path[-1], besides=besides)


def named_by_title(passages: Sequence[Passage], question: str) -> dict[str, bool]:
    """Per document of ``passages``: whether the question names it by its whole title
    (``names_title``), or names none of them: "När ska utredningen om en socialt hållbar
    bostadsförsörjning lämna en delredovisning?" is not answered by another assignment's interim report."""
    documents = {p.hit.document_id: p.document for p in passages}
    named = {document_id: names_title(question, document) for document_id, document in documents.items()}
    anywhere = any(named.values())
    return {document_id: found or not anywhere for document_id, found in named.items()}


def names_the_countries_of(passages: Sequence[Passage], named: AbstractSet[str]) -> dict[str, bool]:
    """Per document of ``passages``: whether its title or text names every country of ``named``
    (a question's, ``CountriesAsked.names``: Sweden is no entry, every page's). "Hur många personer
    från Ukraina har tillfälligt skydd i Norge?" is not answered by a page on the Ukrainians in Sweden
    that never names Norway. Empty when the question names no country. Cost: one regex pass per
    document text, remembered (as ``ordinals`` keeps the places each text names)."""
    if not named:
        return {}
    documents = {p.hit.document_id: p for p in passages}.values()
    return {p.hit.document_id: named <= (_countries_in(p.document.title) | _countries_in(p.document_text))
            for p in documents}


@dataclass(frozen=True)
class CountriesAsked:
    """The countries a question names (in its own language: the Swedish "finns" is no Finns; Sweden
    is no entry) and the roles it names them in, by the preposition before each ("exporten till
    Indonesien": to)."""

    names: frozenset[str] = frozenset()
    roles: frozenset[tuple[str, str]] = frozenset()  # (role, country)

    @classmethod
    def of(cls, question: str) -> CountriesAsked:
        """Cost: a lookup per n-gram of ``question`` and one regex pass."""
        language = detect_language(question, default="sv")
        return cls(frozenset(_countries_named(question, country_forms(language))), _roles_in(question, language))

    def another_in_the_same_role(self, text: str) -> bool:
        """Whether ``text`` names another country in a role the question names one in, and none
        of the question's: "Svensk export till Indien ökade med 17 procent" states no figure of the
        export to Indonesia. (A country in another role may stand beside the figure asked for:
        "Sedan Rysslands invasion har Sverige gett …" is aid to Ukraine.) Cost: two regex passes,
        in the text's own language (the Swedish "finns" names no Finns)."""
        if not self.roles:
            return False
        language = detect_language(text, default="sv")
        if _countries_in(text, language) & self.names:
            return False
        asked = {role for role, _ in self.roles}
        return any(role in asked and country not in self.names for role, country in _roles_in(text, language))


# The roles a country is named in, by its preposition, alike in both languages.
_ROLES = {"till": "to", "to": "to", "into": "to", "i": "in", "in": "in", "inom": "in", "within": "in",
          "från": "from", "from": "from", "ur": "from", "med": "with", "with": "with", "mot": "against",
          "against": "against"}


def _roles_in(text: str, language: str) -> frozenset[tuple[str, str]]:
    forms = country_forms(language)
    return frozenset((_ROLES[match.group(1).casefold()], forms[match.group(2).casefold()])
                     for match in _country_after_a_preposition(language).finditer(text))


@functools.cache
def _country_after_a_preposition(language: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)({'|'.join(_ROLES)})\s+(?:the\s+)?({factored(country_forms(language))})(?::?s)?(?!\w)",
                      re.IGNORECASE)


def _countries_named(question: str, forms: dict[str, str]) -> set[str]:
    """The countries ``forms`` (form → country) name in ``question``, by its words and pairs and
    triples of words ("new zealand"), in the genitive too. Cost: a dictionary lookup per n-gram."""
    words = re.findall(r"[\wåäöéü-]+", question.casefold())
    grams = (" ".join(words[i:i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1))
    return {forms.get(gram) or forms.get(gram.removesuffix("s").removesuffix(":")) for gram in grams} - {None}


@functools.lru_cache(maxsize=512)
def _countries_in(text: str, language: str | None = None) -> frozenset[str]:
    """The countries ``text`` names, in ``language``'s forms (default either), in the genitive too
    ("Estonias förlisning"); remembered per text (the texts are loaded once per index version)."""
    forms = country_forms(language)
    return frozenset(forms[match.group(1).casefold()] for match in _every_country(language).finditer(text))


@functools.cache
def _every_country(language: str | None = None) -> re.Pattern[str]:
    # One alternation factored by the forms' shared beginnings (the longest tried first): one pass.
    return re.compile(rf"(?<!\w)({factored(country_forms(language))})(?::?s)?(?!\w)", re.IGNORECASE)
