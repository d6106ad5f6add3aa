"""Definitions for new officials: "what is kommunfullmäktige?" answered from the glossary.

The glossary is rendered once as a text (each entry a line in English and a line in Swedish) so that
its explanations can be cited like any document: ``document_id = "glossary"``, with a verbatim quote
and offsets into that text; a Swedish question gets the Swedish explanation. The policies win where
they define a term themselves ("Nyanländ är den som …").
"""

from __future__ import annotations

import re
from functools import cached_property

from assistant.answer.base import Passage
from assistant.glossary import Glossary, GlossaryEntry
from assistant.models import DocumentInfo, Hit, Language

GLOSSARY_DOCUMENT_ID = "glossary"
GLOSSARY_TITLE = "Svensk–engelsk kommunal ordlista / Swedish–English municipal glossary"
_ASKS_DEFINITION = re.compile(
    r"^\s*(?:what(?:'s| is| are| does)|define|explain|vad (?:är|betyder|innebär|menas med)|vad gör|"
    r"förklara|vilken roll har)\s+(?:a |an |the |en |ett )?(?P<term>[\wåäöÅÄÖ -]+?)\s*"
    r"(?:mean|stand for|do|betyder|innebär|för något|for)?\s*[?.!]*\s*$", re.IGNORECASE)


def asked_term(question: str) -> str | None:
    """The term a "what is X?" / "vad är X?" question asks about, else ``None``."""
    match = _ASKS_DEFINITION.match(question)
    return match.group("term").strip() if match else None


def defines(text: str, term: str) -> bool:
    """Whether ``text`` states what ``term`` is ("Nyanländ är den som …")."""
    stem = re.escape(term[: max(4, len(term) - 2)])
    return re.search(rf"\b{stem}\w*\s+(?:är|avses|betyder|innebär|means|is)\b", text, re.IGNORECASE) is not None


class GlossaryDocument:
    """The glossary as a citable text. Rendering costs one pass over the entries, once."""

    def __init__(self, glossary: Glossary) -> None:
        self._glossary = glossary

    @cached_property
    def _rendered(self) -> tuple[str, dict[tuple[str, Language], tuple[int, int, int]]]:
        lines: list[str] = []
        spans: dict[tuple[str, Language], tuple[int, int, int]] = {}
        offset = 0
        for entry in self._glossary.entries:
            for language, head, explanation in (("en", f"{entry.term} — {entry.english}: ", entry.explanation),
                                                ("sv", f"{entry.term}: ", entry.explanation_sv)):
                line = head + explanation
                spans[(entry.term, language)] = (offset, offset + len(head), offset + len(line))
                lines.append(line)
                offset += len(line) + 1
        return "\n".join(lines), spans

    @property
    def text(self) -> str:
        return self._rendered[0]

    @property
    def info(self) -> DocumentInfo:
        return DocumentInfo(id=GLOSSARY_DOCUMENT_ID, title=GLOSSARY_TITLE, source_path="assistant/data/glossary.json")

    def lookup(self, term: str) -> GlossaryEntry | None:
        """The entry defining ``term``; ``None`` for one that only translates a name ("Ryssland")."""
        entry = self._glossary.lookup(term)
        return entry if entry is not None and entry.defined else None

    def passage(self, entry: GlossaryEntry, *, language: Language = "en") -> Passage:
        """The entry as a retrieved passage whose span is its explanation in ``language``."""
        line_start, start, end = self._rendered[1][(entry.term, language)]
        hit = Hit(chunk_id=f"{GLOSSARY_DOCUMENT_ID}:{entry.term}", document_id=GLOSSARY_DOCUMENT_ID,
                  title=GLOSSARY_TITLE, municipality=None, section=entry.term, section_path=[entry.term],
                  text=self.text[line_start:end], score=1.0, start=start, end=end)
        return Passage(hit=hit, kind="text", document=self.info, document_text=self.text)
