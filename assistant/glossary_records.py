"""Glossary entries and the JSON records they are read from, validated field by field.

A record is an object with exactly the fields ``term``, ``english``, ``explanation``,
``explanation_sv``, ``forms`` and ``english_terms``; any other shape is a ``ValueError`` naming the
entry. Reading a file from ``assistant/data`` is the only I/O here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from assistant.glossary_phrases import phrase_key

_FIELDS = ("term", "english", "explanation", "explanation_sv", "forms", "english_terms")


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One glossary term.

    ``forms`` are the lowercase Swedish forms matched in text (inflections, compound stems such as
    "bostads", close variants); ``english_terms`` are lowercase English words and phrases a user may
    type for the term, synonyms and inflections included, broadest first after ``english``.
    ``explanation`` is in English, ``explanation_sv`` the same in Swedish. A ``proper_name`` entry
    names one body (an agency, a court, a ministry): it is matched and explained like any term, but
    its forms are not words to split Swedish compounds by ("Klimatpolitiska rådet" must not make
    "klimat" a part of every compound that starts with it). An entry that is not ``defined`` (a
    country: "Ryssland" is Russia) is matched and translated, but "Vad är Ryssland?" is not answered
    by its explanation, which only translates the name.
    """

    term: str
    english: str
    explanation: str
    explanation_sv: str
    forms: tuple[str, ...]
    english_terms: tuple[str, ...]
    proper_name: bool = False
    defined: bool = True


def data_text(name: str) -> str:
    """The text of a file in ``assistant/data``, read through importlib.resources."""
    try:
        return (resources.files("assistant") / "data" / name).read_text(encoding="utf-8")
    except NotADirectoryError:
        # An editable install of a namespace package exposes a path entry importlib.resources
        # cannot list; the data folder beside this module is the same folder.
        return (Path(__file__).parent / "data" / name).read_text(encoding="utf-8")


def entry_from_record(record: object, index: int, *, proper_name: bool = False,
                      defined: bool = True) -> GlossaryEntry:
    """The entry for parsed JSON ``record``, the ``index``-th of its file, stripped of padding.

    Raises ``ValueError`` naming the entry when a field is missing, unknown, empty or of the wrong
    type, or a form or English term is padded or not lowercase. Cost: linear in the record.
    """
    label = f"glossary entry {index}"
    if not isinstance(record, dict):
        raise ValueError(f"{label}: expected an object with {', '.join(_FIELDS)}")
    if isinstance(record.get("term"), str):
        label = f"{label} ({record['term']!r})"
    missing = [name for name in _FIELDS if name not in record]
    extra = sorted(set(record) - set(_FIELDS))
    if missing or extra:
        raise ValueError(f"{label}: missing fields {missing}, unknown fields {extra}")
    for name in ("term", "english", "explanation", "explanation_sv"):
        if not isinstance(record[name], str) or not record[name].strip():
            raise ValueError(f"{label}: {name!r} must be a non-empty string")
    forms = _lowercase_phrases(record["forms"], label=label, name="forms")
    english_terms = _lowercase_phrases(record["english_terms"], label=label, name="english_terms")
    if not forms:
        raise ValueError(f"{label}: 'forms' must not be empty")
    return GlossaryEntry(record["term"].strip(), record["english"].strip(), record["explanation"].strip(),
                         record["explanation_sv"].strip(), forms, english_terms, proper_name, defined)


def _lowercase_phrases(value: object, *, label: str, name: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{label}: {name!r} must be a list of strings")
    for phrase in value:
        if not isinstance(phrase, str) or phrase != phrase.strip() or not phrase_key(phrase):
            raise ValueError(f"{label}: {name!r} has an empty or padded item {phrase!r}")
        if phrase != phrase.lower():
            raise ValueError(f"{label}: {name!r} item {phrase!r} must be lowercase")
    return tuple(value)


def check_unique_terms(entries: Sequence[GlossaryEntry]) -> None:
    """Raises ``ValueError`` naming the first entry whose term repeats an earlier one's (compared as
    phrase keys: case and punctuation between words do not count). Cost: one pass."""
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        key = phrase_key(entry.term)
        if key in seen:
            raise ValueError(f"glossary entry {index} ({entry.term!r}) repeats the term of entry {seen[key]}")
        seen[key] = index
