"""Searching the glossary by name: ranked substring search and the keys of exact look-ups.

Both compare phrase keys (lowercase words joined by single spaces), as typed and without
diacritics. The rows and keys are built once per ``Glossary``; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.glossary_phrases import fold, phrase_key
from assistant.glossary_records import GlossaryEntry


@dataclass(frozen=True, slots=True)
class SearchRow:
    """One entry's searchable strings, as typed and without diacritics. Names are newline-framed so
    one substring test answers "is the query exactly / a prefix of / inside one of these names"."""

    names: tuple[str, str, str]
    explanation: str
    folded_names: tuple[str, str, str]
    folded_explanation: str

    @classmethod
    def of(cls, entry: GlossaryEntry) -> SearchRow:
        """The row of ``entry``: its term, forms and English names, and its explanation."""
        def framed(phrases: Sequence[str]) -> str:
            return "\n" + "\n".join(phrase_key(phrase) for phrase in phrases) + "\n"

        names = (framed([entry.term]), framed(entry.forms), framed([entry.english, *entry.english_terms]))
        explanation = entry.explanation.casefold()
        return cls(names, explanation, (fold(names[0]), fold(names[1]), fold(names[2])), fold(explanation))

    def rank(self, raw: str, key: str, *, folded: bool) -> int | None:
        """0–2 exact (term, form, English), 3–5 prefix, 6 inside a name, 7 inside the explanation."""
        names = self.folded_names if folded else self.names
        if key:
            for tier, pattern in enumerate((f"\n{key}\n", f"\n{key}")):
                for offset, blob in enumerate(names):
                    if pattern in blob:
                        return tier * len(names) + offset
            if any(key in blob for blob in names):
                return 6
        if raw in (self.folded_explanation if folded else self.explanation):
            return 7
        return None


def lookup_keys(entries: Sequence[GlossaryEntry]) -> tuple[dict[str, int], ...]:
    """Key → first entry index, one dictionary per priority: term, forms, English terms."""
    terms: dict[str, int] = {}
    forms: dict[str, int] = {}
    english: dict[str, int] = {}
    for index, entry in enumerate(entries):
        terms.setdefault(phrase_key(entry.term), index)
        for form in entry.forms:
            forms.setdefault(phrase_key(form), index)
        for phrase in (entry.english, *entry.english_terms):
            english.setdefault(phrase_key(phrase), index)
    return terms, forms, english
