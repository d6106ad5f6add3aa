"""Markdown reader: the block structure of a Markdown text, located in the text itself.

Handles what policy documents written in Markdown use: ATX (``## Mål``) and setext (underlined)
headings (a long, several-line text above ``---`` is a paragraph above a rule, as page exports
write it), paragraphs, ``-``/``*``/``+``/``1.``/``1)`` list items with their indented or lazy
continuation lines, pipe tables, fenced code blocks, block quotes and YAML front matter. Strong
emphasis (``**…**`` within a line) is taken out of the text, and an inline link or image leaves
its text alone, so a quote never shows the markup; other inline markup is left in it, and heading
titles also lose ``__…__``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Element, ElementKind, ExtractedText

_ATX = re.compile(r"^ {0,3}(?P<marks>#{1,6})(?:[ \t]+(?P<title>.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?P<bar>=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_LIST_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap>[ \t]+|$)(?P<body>.*)$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
# Pipe tables: also read by the document viewer, which lays the rows out again.
TABLE_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
PIPE_ROW = re.compile(r"^ {0,3}\|")
CELL_SPLIT = re.compile(r"(?<!\\)\|")
_QUOTE_MARKER = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_EMPHASIS = re.compile(r"(\*\*|__)(?P<inner>.+?)\1")
# ``**`` pairs hugging their words on one line (not ``2 ** 3``, never across lines).
_STRONG = re.compile(r"\*\*(?P<inner>[^\s*](?:[^\n]*?[^\s*])?)\*\*")
# An inline link or image on one line: ``[text](destination "title")``; a destination holding
# spaces or brackets ("(http://Kemikalieinspektionens föreskrifter (KIFS))") is not one, and stays.
_LINK = re.compile(r"!?\[(?P<text>[^\[\]\n]*)\]"
                   r"\((?:<[^<>\n]*>|[^\s()<>]*)(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?[ \t]*\)")
_FRONT_MATTER_END = frozenset({"---", "..."})
_FRONT_MATTER_TITLE = re.compile(r"^(?:title|titel|rubrik)\s*:\s*(?P<value>\S.*)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int  # excludes the newline (and a CR before it)
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" "))


def read_markdown(text: str) -> ExtractedText:
    """Find the headings, paragraphs, list items and table rows of ``text``, which is returned with
    its strong emphasis markers (``**``) taken out, a registration-number label glued to a
    heading's end put on a line of its own, and otherwise unchanged.

    Element spans cover the lines without surrounding whitespace. Cost: one pass over the lines,
    linear in the length of the text.
    """
    plain = _GLUED_LABEL.sub(r"\g<heading>\n\n\g<label>", without_inline_markup(text))
    return ExtractedText(text=plain, elements=_Reader(_lines(plain)).elements())


# "# Uppdrag … under 2026Diarienummer: LI2025/02194": regeringen.se's assignments and referrals
# from 2025 on (668 of the shared corpus's pages) glue the registration number to the title. Apart,
# the title is the title and the number the document's registration number.
_GLUED_LABEL = re.compile(r"^(?P<heading> {0,3}#{1,6}[ \t]+[^\n]*?\S)(?P<label>(?:Diarienummer|Dnr)\s*:)",
                          re.MULTILINE)


def without_inline_markup(text: str) -> str:
    """``text`` without its ``**…**`` markers (pairs hugging their words on one line) and with
    each inline link or image as its text alone (``[Pressmeddelande: …](/pressmeddelanden/… "…")``
    as ``Pressmeddelande: …``), as a reader sees them; plain-text documents written as Markdown use
    them too. Cost: two regex passes."""
    return _LINK.sub(r"\g<text>", _STRONG.sub(r"\g<inner>", text))


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    start = 0
    for raw in text.split("\n"):
        content = raw[:-1] if raw.endswith("\r") else raw
        lines.append(_Line(start, start + len(content), content))
        start += len(raw) + 1
    return lines


def _span(first: _Line, last: _Line) -> tuple[int, int]:
    """From the first non-blank character of ``first`` to the last one of ``last``."""
    start = first.start + len(first.text) - len(first.text.lstrip())
    end = last.end - (len(last.text) - len(last.text.rstrip()))
    return start, end


MAX_SETEXT_LINES = 2  # underlined text longer than this is a paragraph above a rule, not a title
MAX_SETEXT_CHARS = 150


def _titles(lines: list[_Line]) -> bool:
    """Whether underlined lines read as a title: at most ``MAX_SETEXT_LINES`` lines and
    ``MAX_SETEXT_CHARS`` characters, and not two sentences ("Avtalet undertecknades den 23 juni
    2010. Lagen föreslås träda i kraft …")."""
    text = " ".join(line.text.strip() for line in lines)
    return len(lines) <= MAX_SETEXT_LINES and len(text) <= MAX_SETEXT_CHARS and not _SENTENCES.search(text)


_SENTENCES = re.compile(r"[.!?] +[A-ZÅÄÖ]")


def _heading_title(raw: str) -> str:
    return " ".join(_EMPHASIS.sub(r"\g<inner>", raw).split())


def _is_delimiter_row(line: _Line) -> bool:
    return "-" in line.text and TABLE_DELIMITER.match(line.text) is not None


def _cells(line: _Line) -> tuple[str, ...]:
    row = line.text.strip()
    row = row.removeprefix("|")
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return tuple(cell.strip().replace("\\|", "|") for cell in CELL_SPLIT.split(row))


class _Reader:
    """Walks the lines once; each ``_read_*`` method consumes one block and returns the next index."""

    def __init__(self, lines: list[_Line]) -> None:
        self._lines = lines
        self._out: list[Element] = []

    def elements(self) -> list[Element]:
        index = self._front_matter()
        while index < len(self._lines):
            index = self._read_block(index)
        return self._out

    def _read_block(self, index: int) -> int:
        line = self._lines[index]
        if line.blank or _THEMATIC_BREAK.match(line.text):
            return index + 1
        if _ATX.match(line.text):
            return self._read_atx(index)
        if _FENCE.match(line.text):
            return self._read_fence(index)
        if self._starts_table(index):
            return self._read_table(index)
        if _LIST_ITEM.match(line.text):
            return self._read_list_item(index)
        return self._read_paragraph(index)

    def _starts_block(self, index: int) -> bool:
        """Whether the line at ``index`` interrupts a paragraph (CommonMark's rule, simplified)."""
        text = self._lines[index].text
        return bool(_ATX.match(text) or _FENCE.match(text) or _THEMATIC_BREAK.match(text)
                    or _LIST_ITEM.match(text) or self._starts_table(index))

    def _starts_table(self, index: int) -> bool:
        line = self._lines[index]
        if "|" not in line.text:
            return False
        following = self._lines[index + 1] if index + 1 < len(self._lines) else None
        return bool(PIPE_ROW.match(line.text)) or (following is not None and _is_delimiter_row(following))

    # --- blocks -------------------------------------------------------------------------------

    def _front_matter(self) -> int:
        """YAML front matter: each ``key: value`` line becomes a paragraph the metadata step can read."""
        if len(self._lines) < 2 or self._lines[0].text.rstrip() != "---":
            return 0
        for end in range(1, len(self._lines)):
            if self._lines[end].text.rstrip() in _FRONT_MATTER_END:
                for line in self._lines[1:end]:
                    self._front_matter_line(line)
                return end + 1
        return 0  # no closing line: not front matter but a thematic break

    def _front_matter_line(self, line: _Line) -> None:
        """A ``title:`` entry is the document's title (a level-1 heading); others are label lines."""
        title = _FRONT_MATTER_TITLE.match(line.text)
        if title:
            self._emit(ElementKind.HEADING, line, line, title.group("value").strip("\"' "), level=1)
        else:
            self._emit(ElementKind.PARAGRAPH, line, line, line.text.strip())

    def _read_atx(self, index: int) -> int:
        line = self._lines[index]
        match = _ATX.match(line.text)
        assert match is not None  # checked by the caller
        title = _heading_title(match.group("title") or "")
        self._emit(ElementKind.HEADING, line, line, title, level=len(match.group("marks")))
        return index + 1

    def _read_fence(self, index: int) -> int:
        opening = _FENCE.match(self._lines[index].text)
        assert opening is not None  # checked by the caller
        fence = opening.group("fence")
        close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = index + 1
        while end < len(self._lines) and not close.match(self._lines[end].text):
            end += 1
        last = min(end, len(self._lines) - 1)  # an unclosed fence runs to the end of the text
        body = "\n".join(line.text for line in self._lines[index + 1:end]).strip("\n")
        self._emit(ElementKind.PARAGRAPH, self._lines[index], self._lines[last], body)
        return last + 1

    def _read_table(self, index: int) -> int:
        end = index
        while end < len(self._lines) and not self._lines[end].blank and "|" in self._lines[end].text:
            line = self._lines[end]
            # The |---| row only separates the header row from the body.
            if not _is_delimiter_row(line):
                cells = _cells(line)
                if any(cells):
                    text = " ".join(cell for cell in cells if cell)
                    self._emit(ElementKind.TABLE_ROW, line, line, text, cells=cells)
            end += 1
        return end

    def _read_list_item(self, index: int) -> int:
        match = _LIST_ITEM.match(self._lines[index].text)
        assert match is not None  # checked by the caller
        content_indent = len(match.group("indent")) + len(match.group("marker")) + 1
        parts = [match.group("body").strip()]
        last = index
        cursor = index + 1
        while cursor < len(self._lines):
            line = self._lines[cursor]
            if line.blank:
                # A blank line ends the item unless the next text is indented under it.
                following = self._next_non_blank(cursor)
                if following is None or not self._continues_item(following, content_indent):
                    break
                cursor = following
                continue
            if not self._continues_item(cursor, content_indent) and (
                last != cursor - 1 or self._starts_block(cursor)
            ):
                break
            parts.append(line.text.strip())
            last = cursor
            cursor += 1
        body = " ".join(part for part in parts if part)
        self._emit(ElementKind.LIST_ITEM, self._lines[index], self._lines[last], body)
        return last + 1

    def _continues_item(self, index: int, content_indent: int) -> bool:
        """An indented line belongs to the item, unless it is itself a (nested) list item."""
        line = self._lines[index]
        return line.indent >= content_indent and not _LIST_ITEM.match(line.text)

    def _next_non_blank(self, index: int) -> int | None:
        for cursor in range(index, len(self._lines)):
            if not self._lines[cursor].blank:
                return cursor
        return None

    def _read_paragraph(self, index: int) -> int:
        end = index + 1
        while end < len(self._lines):
            line = self._lines[end]
            # An underline turns the lines above into a heading; it wins over a thematic break,
            # unless the lines above are prose: "…paragraph.\n---" in a page export is a rule under
            # it, and reading it as a heading would drop the paragraph from the body text.
            if _SETEXT.match(line.text):
                if _titles(self._lines[index:end]):
                    return self._emit_setext(index, end)
                self._emit_paragraph(index, end - 1)
                return end + 1
            if line.blank or self._starts_block(end):
                break
            end += 1
        self._emit_paragraph(index, end - 1)
        return end

    def _emit_setext(self, first: int, underline: int) -> int:
        match = _SETEXT.match(self._lines[underline].text)
        assert match is not None  # checked by the caller
        level = 1 if match.group("bar").startswith("=") else 2
        title = _heading_title(" ".join(line.text.strip() for line in self._lines[first:underline]))
        self._emit(ElementKind.HEADING, self._lines[first], self._lines[underline], title, level=level)
        return underline + 1

    def _emit_paragraph(self, first: int, last: int) -> None:
        lines = self._lines[first:last + 1]
        # One line per source line, so that a label line ("Diarienummer: …") stays a line of its own.
        body = "\n".join(_QUOTE_MARKER.sub("", line.text).strip() for line in lines)
        self._emit(ElementKind.PARAGRAPH, lines[0], lines[-1], body)

    def _emit(self, kind: ElementKind, first: _Line, last: _Line, text: str, *,
              level: int | None = None, cells: tuple[str, ...] | None = None) -> None:
        if not text and cells is None:
            return
        start, end = _span(first, last)
        self._out.append(Element(kind, start, end, text, level=level, cells=cells))
