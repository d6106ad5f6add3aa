"""Which documents a question names: by municipality, by most of the title's longer words, or by
the kind of document ("the strategy", "handlingsplanen"), and how an answer names a document.
String work only."""

from __future__ import annotations

import re

from assistant.models import DocumentInfo

_DOCUMENT_TYPE_WORDS = {
    "strategi": re.compile(r"\bstrateg(y|ies|in?|ier)\b", re.IGNORECASE),
    "program": re.compile(r"\bprogram(me|met|s)?\b", re.IGNORECASE),
    "policy": re.compile(r"\bpolic(y|yn|ies)\b", re.IGNORECASE),
    "plan": re.compile(r"\b(action plan|plan|handlingsplan(en)?|åtgärdsplan(en)?)\b", re.IGNORECASE),
    "riktlinje": re.compile(r"\b(guidelines?|riktlinjer(na)?|riktlinjen)\b", re.IGNORECASE),
}


def named_document_types(question: str) -> set[str]:
    """The kinds of document ``question`` names ("strategi", "plan" …): "when was the strategy
    adopted?" is not about an action plan's header."""
    return {name for name, pattern in _DOCUMENT_TYPE_WORDS.items() if pattern.search(question)}


def is_of_type(document: DocumentInfo, types: set[str]) -> bool:
    """Whether ``document``'s type or title is one of ``types`` (``named_document_types``)."""
    own = f"{document.document_type or ''} {document.title}".casefold()
    return any(name in own for name in types)


_TITLE_WORD = re.compile(r"[\wåäöÅÄÖ]{4,}")


def names_document(question: str, document: DocumentInfo) -> bool:
    """The question names the document: its municipality, or most of its title's longer words."""
    asked = question.casefold()
    if document.municipality and re.search(rf"\b{re.escape(document.municipality.casefold())}", asked):
        return True
    words = {w.casefold() for w in _TITLE_WORD.findall(document.title)}
    asked_words = {w.casefold() for w in _TITLE_WORD.findall(question)}
    return len(words) >= 2 and sum(_word_named(w, asked_words) for w in words) >= 0.6 * len(words)


def names_title(question: str, document: DocumentInfo) -> bool:
    """The question names every longer word of the document's title, three at least ("utredningen
    om en socialt hållbar bostadsförsörjning"): stricter than ``names_document``, whose most of
    the words a question on the same topic also uses ("hedersrelaterat våld och förtryck" does not
    name "Regeringen i samtal om hedersrelaterat våld och förtryck")."""
    words = {w.casefold() for w in _TITLE_WORD.findall(document.title)}
    asked_words = {w.casefold() for w in _TITLE_WORD.findall(question)}
    return len(words) >= 3 and all(_word_named(w, asked_words) for w in words)


_INFLECTION_CHARS = 4  # "integrationspolicy" / "integrationspolicyn", "program" / "programmet"


def _word_named(word: str, asked: set[str]) -> bool:
    """A question word is ``word`` inflected: the same start and about as long ("integrated" does
    not name "integrationspolitik", so a question about integrating gender equality names no
    integration policy)."""
    return any(q[:6] == word[:6] and abs(len(q) - len(word)) <= _INFLECTION_CHARS for q in asked)


def document_name(document: DocumentInfo) -> str:
    """How an answer names ``document``: its title, with its municipality unless the title has it."""
    return f"{document.title}" + (f" ({document.municipality})" if document.municipality and
                                  document.municipality not in document.title else "")
