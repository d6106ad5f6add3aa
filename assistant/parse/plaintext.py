"""Plain-text reader: finds headings, paragraphs, list items and table rows by their shape.

Blank lines separate blocks. A block of one short line without final punctuation is a heading; a
line with a TAB, or a ``| … |`` line, is a table row; a line starting with a bullet or ``1.`` is a
list item; every other block is one paragraph. Numbered headings (``1.1.2 Skola …``) get a level
from their numbering; other plain-text headings have no stated level (``level=None``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.models import Element, ElementKind, ExtractedText
from assistant.parse.markdown import without_inline_markup

_LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+(?P<body>\S.*)$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_NUMBERED_HEADING = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<title>\S.*)$")
_FOOTNOTE_START = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰*†]")
_FINAL_PUNCTUATION = ".:;,!?"
_MAX_HEADING_CHARS = 100
_MAX_HEADING_WORDS = 12
_TRAILING_FUNCTION_WORDS = frozenset({
    "att", "och", "eller", "som", "för", "med", "av", "i", "på", "till", "är", "om", "en", "ett", "den",
    "det", "de", "från", "under", "mot", "vid", "samt",
    "the", "and", "or", "of", "to", "for", "with", "by", "in", "on", "at", "a", "an", "is", "are",
})


def read_plain_text(text: str) -> ExtractedText:
    """Split ``text`` into elements located by their spans in it. ``text`` is returned without the
    strong emphasis markers (``**Klart innan juni 2014.**``) and link markup (``[text](url)``) a
    text written as Markdown has, so no quote shows them; otherwise unchanged.

    Cost: one pass over the text.
    """
    plain = without_inline_markup(text)
    return ExtractedText(text=plain, elements=list(_elements(plain)))


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, line) for every line, ``end`` excluding the newline."""
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line), line
        start += len(line) + 1


def _elements(text: str) -> Iterator[Element]:
    block: list[tuple[int, int, str]] = []
    for start, end, line in _lines(text):
        if not line.strip():
            yield from _block_elements(block)
            block = []
        elif "\t" in line or _PIPE_ROW.match(line):
            yield from _block_elements(block)
            block = []
            row = _table_row(start, end, line)
            if row is not None:
                yield row
        elif _LIST_ITEM.match(line):
            yield from _block_elements(block)
            block = [(start, end, line)]
            yield from _block_elements(block)
            block = []
        else:
            block.append((start, end, line))
    yield from _block_elements(block)


def _table_row(start: int, end: int, line: str) -> Element | None:
    if "\t" in line:
        cells = tuple(cell.strip() for cell in line.split("\t"))
    elif _PIPE_SEPARATOR.match(line):
        return None
    else:
        cells = tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
    if not any(cells):
        return None
    end = start + len(line.rstrip())  # trailing empty cells are not part of the row's text
    return Element(ElementKind.TABLE_ROW, start, end, " ".join(c for c in cells if c), cells=cells)


def _block_elements(block: list[tuple[int, int, str]]) -> Iterator[Element]:
    if not block:
        return
    start, end = block[0][0], block[-1][1]
    # Spans exclude surrounding whitespace so that text[start:end] is exactly the element.
    first = block[0][2]
    start += len(first) - len(first.lstrip())
    last = block[-1][2]
    end -= len(last) - len(last.rstrip())
    body = "\n".join(line for _, _, line in block).strip()
    item = _LIST_ITEM.match(body) if len(block) == 1 else None
    if item:
        yield Element(ElementKind.LIST_ITEM, start, end, item.group("body").strip())
    elif len(block) == 1 and is_heading_line(body):
        yield Element(ElementKind.HEADING, start, end, body, level=numbered_heading_level(body))
    else:
        yield Element(ElementKind.PARAGRAPH, start, end, body)


def is_heading_line(line: str) -> bool:
    """A short line that starts like a title and does not end like a sentence or a label."""
    line = line.strip()
    if not line or len(line) > _MAX_HEADING_CHARS or len(line.split()) > _MAX_HEADING_WORDS:
        return False
    if line[-1] in _FINAL_PUNCTUATION or ": " in line or _FOOTNOTE_START.match(line):
        return False
    if not any(ch.isalpha() for ch in line):
        return False
    if line.split()[-1].lower() in _TRAILING_FUNCTION_WORDS:
        return False  # "Syftet med detta program är att" introduces a list; it names nothing
    numbered = _NUMBERED_HEADING.match(line)
    first = numbered.group("title")[0] if numbered else line[0]
    return first.isupper() or first in "\"”“'«"


def numbered_heading_level(line: str) -> int | None:
    """The depth of a numbered heading's number (``1`` → 1, ``1.1.2`` → 3), else ``None``."""
    numbered = _NUMBERED_HEADING.match(line.strip())
    if numbered is None:
        return None
    return numbered.group("number").count(".") + 1
