"""The names that state the body or place a question asks for, beyond the forms ``fact_forms``
knows: the short names a document gives its bodies ("Verket för innovationssystem (Vinnova)"), and
for "which country?" the countries' names ("Litauen övertar ordförandeskapet").
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources

from assistant.answer.answer_type import AnswerType
from assistant.answer.events import cue
from assistant.answer.fact_forms import body_aliases
from assistant.parse.characters import as_read

# "Which country takes over the chair?", "Vilket land …?", "Which countries …?"
# ("Which member state …?", "Vilken medlemsstat …?" ask for a country too.)
_ASKS_COUNTRY = cue(r"\b(?:countr(?:y|ies)|nations?|land|länder(?:na)?|member states?|medlemsstat(?:en|er|erna)?|"
                    r"medlemsländer(?:na)?|medlemslandet)\b")


def asks_for_a_country(question: str) -> bool:
    """Whether ``question`` asks which country (a country's name answers it, "Litauen övertar …")."""
    return _ASKS_COUNTRY.search(question) is not None


@functools.cache
def country_names() -> frozenset[str]:
    """The countries' names in Swedish and English (``data/countries.json``). Cost: one small read."""
    entries = json.loads((resources.files("assistant") / "data" / "countries.json").read_text(encoding="utf-8"))
    return frozenset(name for entry in entries for name in (entry["term"], entry["english"]))


def named_bodies(documents: Mapping[str, str], *, answer_type: AnswerType | None,
                 asked: str) -> dict[str, frozenset[str]]:
    """Per document id of ``documents`` (id → text), the names that state the asked-for body or
    place (``states``' ``bodies=``): for a body, the short names the document gives its bodies
    (``body_aliases``, read without soft hyphens); for "which country?", the countries' names. Empty
    for other kinds of fact. Cost: a regex pass per document."""
    if answer_type not in (AnswerType.BODY, AnswerType.PLACE):
        return {}
    countries = country_names() if asks_for_a_country(asked) else frozenset()
    own = answer_type is AnswerType.BODY
    return {document: countries | (body_aliases(as_read(text)) if own else frozenset())
            for document, text in documents.items()}
