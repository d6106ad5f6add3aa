"""Verbatim quotes and consistent ``[n]`` markers.

Every quote is cut from the document text by offsets (``Document.text[start:end]``), never
written by an answerer, so a citation can always be checked against the source.
"""

from __future__ import annotations

import re

from assistant.answer.base import Passage
from assistant.answer.list_lines import after_item_marker
from assistant.chunk import unit_spans
from assistant.models import Citation

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
MAX_QUOTE_CHARS = 400


def sentence_spans(passage: Passage) -> list[tuple[int, int]]:
    """Sentences and list items of a prose passage, as spans in the document text (the chunk's units).
    Cost: none for a passage from the index, whose units the index split when it was built (the
    same ``unit_spans``: a change to it bumps the pipeline version, which rebuilds the index); one
    pass of the splitter, ~0.3 ms a chunk, for any other (a glossary entry)."""
    if passage.unit_scores:
        return list(passage.unit_scores)
    return unit_spans(passage.source, base=passage.hit.start)


def cell_span(passage: Passage, value: str) -> tuple[int, int] | None:
    """Where a table cell's ``value`` is written: in the row itself, or (a goal carried down from
    the row above) the nearest place before it."""
    text, row_start, row_end = passage.document_text, passage.hit.start, passage.hit.end
    at = text.find(value, row_start, row_end)
    if at < 0:
        at = text.rfind(value, 0, row_start)
    return (at, at + len(value)) if at >= 0 else None


def field_span(passage: Passage, name: str) -> tuple[int, int] | None:
    """Where the document states metadata field ``name`` (label and value)."""
    span = passage.document.field_spans.get(name)
    return (span[0], span[1]) if span else None


def passage_span(passage: Passage) -> tuple[int, int]:
    """A quotable span for the whole passage: prose as is (cut at a sentence end if long), a table
    row by its first cell, a header by its first stated field."""
    if passage.kind == "text":
        spans = sentence_spans(passage)
        start, end = spans[0] if spans else (passage.hit.start, passage.hit.end)
        for _, sentence_end in spans[1:]:
            if sentence_end - start > MAX_QUOTE_CHARS:
                break
            end = sentence_end
        return start, end
    if passage.kind == "table_row":
        for line in passage.hit.text.split("\n"):
            value = line.split(": ", 1)[-1]
            if span := cell_span(passage, value):
                return span
    for name in passage.document.field_spans:
        if span := field_span(passage, name):
            return span
    return passage.document.header_start, passage.document.header_end


def make_citation(passage: Passage, n: int, span: tuple[int, int] | None = None) -> Citation:
    """Citation ``n`` of ``passage``; ``span`` picks the quote (default: ``passage_span``). A quote
    that opens a list item starts after its bullet."""
    start, end = span or passage_span(passage)
    # A list item's bullet or number is markup of the source, not words of the policy.
    if start == 0 or passage.document_text[start - 1] == "\n":
        start = min(after_item_marker(passage.document_text, start), end)
    hit = passage.hit
    before, after = surrounding(passage.document_text, start, end)
    return Citation(n=n, chunk_id=hit.chunk_id, document_id=hit.document_id, title=hit.title,
                    municipality=hit.municipality, section=hit.section,
                    quote=passage.document_text[start:end], start=start, end=end, before=before, after=after,
                    page=next(iter(passage.document.pages_of(start, end)), None),
                    source_url=passage.document.source_url)


CONTEXT_CHARS = 160


def surrounding(text: str, start: int, end: int) -> tuple[str, str]:
    """The rest of the line (sentence run or table row) around ``text[start:end]``, cut at a word
    boundary after about ``CONTEXT_CHARS`` characters on each side ("…" marks a cut)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before, after = text[line_start:start], text[end:line_end]
    if len(before) > CONTEXT_CHARS:
        cut = before.find(" ", len(before) - CONTEXT_CHARS)
        before = "…" + before[cut + 1:] if cut >= 0 else before[-CONTEXT_CHARS:]
    if len(after) > CONTEXT_CHARS:
        cut = after.rfind(" ", 0, CONTEXT_CHARS)
        after = after[:cut if cut > 0 else CONTEXT_CHARS] + "…"
    return before.lstrip(), after.rstrip()


def normalize_markers(text: str) -> str:
    """``[1, 2]`` → ``[1][2]``, so that each marker names one source."""
    return _MARKER.sub(lambda m: "".join(f"[{n.strip()}]" for n in m.group(1).split(",")), text)


def markers(text: str) -> list[int]:
    """The source numbers cited in ``text``, in order of first appearance."""
    seen: list[int] = []
    for match in _MARKER.finditer(normalize_markers(text)):
        number = int(match.group(1))
        if number not in seen:
            seen.append(number)
    return seen


def reconcile(text: str, citations: dict[int, Citation]) -> tuple[str, list[Citation]]:
    """Drop markers that point to no citation, drop citations no marker uses, and renumber the rest
    1..n in order of first use. Returns the new text and the citations in order."""
    text = normalize_markers(text)
    used = [n for n in markers(text) if n in citations]
    renumber = {old: new for new, old in enumerate(used, start=1)}

    def replace(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return f"[{renumber[number]}]" if number in renumber else ""

    text = re.sub(r"\[(\d+)\]", replace, text)
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text).strip()
    ordered = [citations[old].model_copy(update={"n": new}) for old, new in renumber.items()]
    return text, ordered


def candidate_spans(passage: Passage) -> list[tuple[int, int]]:
    """Quotable spans: sentences of prose, cells of a table row, stated fields of a header."""
    if passage.kind == "text":
        return sentence_spans(passage)
    if passage.kind == "table_row":
        cells = (cell_span(passage, line.split(": ", 1)[-1]) for line in passage.hit.text.split("\n"))
        return [span for span in cells if span]
    fields = (field_span(passage, name) for name in passage.document.field_spans)
    return [span for span in fields if span]
