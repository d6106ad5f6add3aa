"""The names that state the body or place a question asks for, beyond the forms ``fact_forms``
knows: the short names a document gives its bodies ("Verket för innovationssystem (Vinnova)"), and
for "which country?" the countries' names ("Litauen övertar ordförandeskapet").
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

from assistant.answer.answer_type import AnswerType
from assistant.answer.events import cue
from assistant.answer.fact_forms import body_aliases
from assistant.answer.number_words import factored
from assistant.glossary_records import data_text
from assistant.parse.characters import as_read

# "Which country takes over the chair?", "Vilket land …?", "Which countries …?"
# ("Which member state …?", "Vilken medlemsstat …?" ask for a country too.)
_ASKS_COUNTRY = cue(r"\b(?:countr(?:y|ies)|nations?|land|länder(?:na)?|member states?|medlemsstat(?:en|er|erna)?|"
                    r"medlemsländer(?:na)?|medlemslandet)\b")


def asks_for_a_country(question: str) -> bool:
    """Whether ``question`` asks which country (a country's name answers it, "Litauen övertar …")."""
    return _ASKS_COUNTRY.search(question) is not None


# "Vilken myndighet ska följa upp …?", "Which agency …?": the government and the parliament are no
# agency ("Regeringen har därför beslutat om en förordning …" names no one who follows it up).
_ASKS_AGENCY = cue(r"\b(?:vilken|vilka) (?:[\wåäö]+ )?myndighet(?:en|er|erna)?\b|"
                   r"\bwhich (?:[\w-]+ )?(?:agency|agencies)\b")
_NO_AGENCY = "regeringen riksdagen regeringskansliet the government the riksdag the government offices"


def besides_for_an_agency(question: str) -> str:
    """The bodies that do not answer ``question`` when it asks which agency (the government, the
    parliament), to be read as named already (``states``' ``besides``); else ``""``."""
    return _NO_AGENCY if _ASKS_AGENCY.search(question) else ""


@functools.cache
def _country_entries() -> tuple[dict[str, Any], ...]:
    """The records of ``data/countries.json``, read once."""
    return tuple(json.loads(data_text("countries.json")))


@functools.cache
def country_names() -> frozenset[str]:
    """The countries' names in Swedish and English (``data/countries.json``). Cost: one small read."""
    return frozenset(name for entry in _country_entries() for name in (entry["term"], entry["english"]))


@functools.cache
def country_forms(language: str | None = None) -> dict[str, str]:
    """Every form naming a country in ``language`` ("sv", "en"; default either), casefolded, with
    the country's Swedish name: "ukrainas" and "ukrainian" → "Ukraina"."""
    swedish, english = language in (None, "sv"), language in (None, "en")
    return {form.casefold(): entry["term"] for entry in _country_entries()
            for form in ([entry["term"], *entry["forms"]] if swedish else [])
            + ([entry["english"], *entry["english_terms"]] if english else [])}


def named_bodies(documents: Mapping[str, str], *, answer_type: AnswerType | None,
                 asked: str) -> dict[str, frozenset[str]]:
    """Per document id of ``documents`` (id → text), the names that state the asked-for body or
    place (``states``' ``bodies=``): for a body, the short names the document gives its bodies
    (``body_aliases``, read without soft hyphens) and the state bodies it names (``agency_names``);
    for "which country?", the countries' names. Empty for other kinds of fact. Cost: two regex
    passes per document (the state bodies' pass remembered per text)."""
    if answer_type not in (AnswerType.BODY, AnswerType.PLACE):
        return {}
    countries = country_names() if asks_for_a_country(asked) else frozenset()
    if answer_type is not AnswerType.BODY:
        return {document: countries for document in documents}
    return {document: countries | body_aliases(as_read(text)) | _agencies_in(text)
            for document, text in documents.items()}


@functools.cache
def agency_names() -> frozenset[str]:
    """The state bodies' names as texts write them ("Trafikverket", "Statens geotekniska institut",
    ``data/agencies.json``). Cost: one small read."""
    return frozenset(entry["term"] for entry in json.loads(data_text("agencies.json")))


@functools.cache
def _agency_pattern() -> re.Pattern[str]:
    # One alternation factored by the names' shared beginnings: a single pass over a text.
    return re.compile(rf"(?<!\w)(?:{factored(agency_names())})(?!\w)")


@functools.lru_cache(maxsize=512)
def _agencies_in(text: str) -> frozenset[str]:
    """The state bodies ``text`` (a document's text) names, by their names. Cost: one regex pass,
    remembered per text (a document's text is asked about again and again)."""
    return frozenset(match.group(0) for match in _agency_pattern().finditer(text))
