"""From a PDF's lines and tables, page by page in reading order, to blocks of text.

- **Headings** are told by their font: larger than the body text, or bold and short, with no
  final punctuation. Lines of one heading style that follow each other closely are one heading (a
  title that wraps stays whole). Numbered headings ("2.1 Mål") take their level from the number,
  others from the rank of their style among the document's heading styles.
- **Paragraphs** are re-flowed: a line continues the paragraph when it follows closely in the same
  font and the previous line was full (the next word would not have fitted), also over a page or
  column break. Words broken by a hyphen at a line end are made whole again.
- **List items** begin with a bullet or an enumerator; their indented lines continue them.
- **Tables** keep their rows; a table that goes on over a page break is one table, and a header
  row repeated on the next page is dropped.

The result is the plain text every format reader produces (``BlockTextWriter``), plus where each
page begins in it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from assistant.models import ExtractedText
from assistant.parse.html import BlockTextWriter
from assistant.parse.pdf_layout import Line, body_size, same_size
from assistant.parse.pdf_tables import PdfTable, join_wrapped

_BULLETS = "•●▪■◦○‣⁃∙·\x7f\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0e0\uf06e\uf0a8-–*"
_LIST_START = re.compile(rf"^(?:(?P<bullet>[{re.escape(_BULLETS)}])\s*|(?P<number>(?:\d{{1,2}}|[a-z])[.)])\s+)(?=\S)")
_DASHES = frozenset("-–")
_NUMBERED = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+\S")
_FINAL = ".:;!?"
_HEADING_SIZE = 1.12
_MAX_HEADING_WORDS = 14
_MAX_TITLE_WORDS = 30
_MAX_SCANNED_WORDS = 8
_SCANNED_HEADING_SIZE = 1.35
# A line follows the one above closely when the space between them is at most the document's
# usual line gap plus this share of the font size.
_CLOSE = 0.45
_TIGHT = 0.5  # a gap between a paragraph's lines is under half a line (single to 1.5 spacing)
_WRAP_SLACK = 3.0  # points: a line ending this near its column's right edge is full
_COLUMN_SLACK = 8.0  # points: columns of a table's parts on two pages begin this close


@dataclass(slots=True)
class _Block:
    kind: str  # "heading", "paragraph", "list_item", "table"
    lines: list[Line] = field(default_factory=list)
    text: str = ""
    marker: str = "-"
    pages: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, page) where a page begins
    table: PdfTable | None = None
    row_pages: list[int] = field(default_factory=list)
    wraps_under_marker: bool = False  # a list item whose lines wrap back under its bullet, not its text


def _looks_like_heading(text: str, *, line: Line, body: float) -> bool:
    """A heading by its shape alone, for scanned lines (OCR sees no bold, and line heights only
    approximate sizes): a numbered title ("3. Principer") or a clearly larger short line, without
    final punctuation."""
    if not any(ch.isalpha() for ch in text) or text[-1] in _FINAL + "," or len(text.split()) > _MAX_SCANNED_WORDS:
        return False
    if _NUMBERED.match(text):
        return True
    return line.size >= _SCANNED_HEADING_SIZE * body and (text[0].isupper() or text[0].isdigit())


def _line_gap(gaps: list[float], *, body: float) -> float:
    """The usual gap between the lines of one paragraph, from the sorted gaps between body lines.

    Their lower quartile, unless that is half a line or more while closer gaps exist: a page of
    one-line paragraphs (a CV's appointments, a list of awards) has more gaps between paragraphs
    than within them, and its quartile would join every paragraph into one.
    """
    if not gaps:
        return 0.2 * body
    quartile = gaps[len(gaps) // 4]
    tight = [gap for gap in gaps if gap < _TIGHT * body]
    if quartile >= _TIGHT * body and len(tight) >= 2:
        return tight[len(tight) // 2]
    return quartile


class _Style:
    """Document-wide font facts: the body text's size and the usual gap between its lines."""

    def __init__(self, pages: list[list[Line | PdfTable]]) -> None:
        lines = [item for page in pages for item in page if isinstance(item, Line)]
        self.body = body_size(lines) or 10.0
        gaps = sorted(line.top - previous.bottom for previous, line in itertools.pairwise(lines)
                      if line.page == previous.page and line.size == previous.size == self.body
                      and 0 <= line.top - previous.bottom < 2 * self.body)
        self.gap = _line_gap(gaps, body=self.body)

    def is_heading(self, line: Line) -> bool:
        text = line.text.strip()
        if line.scanned:
            return _looks_like_heading(text, line=line, body=self.body)
        # A line set clearly larger may end in a comma: a title wraps there ("Regeringen tilldelar
        # Lena Anderson," / "Christofer Murray och …"); body lines that end so are a paragraph's.
        ends = _FINAL if line.size >= _HEADING_SIZE * self.body else _FINAL + ","
        if not any(ch.isalpha() for ch in text) or text[-1] in ends or _LIST_START.match(text):
            # "1. Syfte" is a heading when set in bold or larger (scans show no bold), not a list item.
            prominent = line.bold or line.size >= _HEADING_SIZE * self.body
            return _NUMBERED.match(text) is not None and prominent and text[-1] not in _FINAL + ","
        words = len(text.split())
        if line.size >= _HEADING_SIZE * self.body:
            return words <= _MAX_TITLE_WORDS
        return line.bold and words <= _MAX_HEADING_WORDS and line.size >= 0.95 * self.body

    def close(self, previous: Line, line: Line) -> bool:
        return line.page == previous.page and 0 <= line.top - previous.bottom <= self.gap + _CLOSE * line.size


def assemble(pages: list[list[Line | PdfTable]]) -> ExtractedText:
    """Blocks from the pages' items (lines and tables in reading order), written as text with the
    offset where each page begins (a page that starts inside a paragraph begins at its first word).
    Cost: linear in the lines."""
    style = _Style(pages)
    blocks = _blocks(pages, style)
    _set_heading_levels(blocks)
    return _write(blocks, page_count=len(pages))


def _blocks(pages: list[list[Line | PdfTable]], style: _Style) -> list[_Block]:
    blocks: list[_Block] = []
    for items in pages:
        for item in items:
            current = blocks[-1] if blocks else None
            if isinstance(item, PdfTable):
                if current is not None and current.kind == "table" and _continues_table(current, item):
                    _extend_table(current, item)
                else:
                    blocks.append(_Block("table", table=item, row_pages=[item.page] * len(item.rows)))
                continue
            if current is not None and _opens_with_a_dash(current, item, style):
                if _in_a_list(blocks[:-1]):
                    current.wraps_under_marker = True  # an item whose lines wrap back under its dash
                else:
                    # "– Nu tar vi …": a quotation's dash opens a paragraph, whose next line wraps
                    # back under the dash (a list item's lines are indented under its text).
                    current.kind, current.text, current.marker = "paragraph", current.lines[0].text.strip(), "-"
            joint = _joint(current, item, style) if current is not None else None
            if current is not None and joint is not None:
                _append_line(current, item, joint=joint)
            else:
                blocks.append(_start(item, style))
    return [block for block in blocks if block.text or block.table is not None]


def _start(line: Line, style: _Style) -> _Block:
    text = line.text.strip()
    if style.is_heading(line):
        return _Block("heading", [line], text, pages=[(0, line.page)])
    item = _LIST_START.match(text)
    if item and line.size <= 1.05 * style.body:
        marker = item.group("number") or "-"
        return _Block("list_item", [line], text[item.end():].strip(), marker=marker, pages=[(0, line.page)])
    return _Block("paragraph", [line], text, pages=[(0, line.page)])


def _joint(block: _Block, line: Line, style: _Style) -> str | None:
    """How ``line`` goes on with ``block``: " " (the same line of text, wrapped), "\n" (a line of a
    paragraph broken on purpose, as in a block of "Label: value" lines), or ``None`` (a new block)."""
    previous = block.lines[-1] if block.lines else None
    if previous is None or block.kind == "table":
        return None
    text = line.text.strip()
    if block.kind == "heading":
        wrapped = style.is_heading(line) or (line.scanned and text[-1] not in _FINAL + ","
                                             and len(text.split()) <= _MAX_SCANNED_WORDS)
        same = (wrapped and style.close(previous, line) and same_size(previous, line)
                and line.bold == previous.bold and not _NUMBERED.match(text) and _aligned(previous, line))
        return " " if same else None
    if style.is_heading(line) or not same_size(previous, line):
        return None
    full = _was_full(previous, line)
    if (item := _LIST_START.match(text)) and not (item.group("bullet") in _DASHES and style.close(previous, line)
                                                   and full):
        return None  # a new item; but a dash at the start of a wrapped line is the sentence's own
    if block.kind == "list_item" and line.x0 < block.lines[0].x0 + 2.0 and not block.wraps_under_marker:
        return None  # a list item's own lines are indented under its text
    if style.close(previous, line):
        return " " if full else ("\n" if block.kind == "paragraph" else None)
    # Over a page or column break: the sentence visibly runs on.
    moved_on = line.page != previous.page or line.top < previous.top
    runs_on = previous.text.rstrip()[-1] not in _FINAL and (text[0].islower() or previous.text.endswith("-"))
    return " " if full and moved_on and runs_on else None


def _in_a_list(blocks: list[_Block]) -> bool:
    """The last block is a list item, or announces a list ("Förslagen är följande:")."""
    return bool(blocks) and (blocks[-1].kind == "list_item" or blocks[-1].text.rstrip().endswith(":"))


def _opens_with_a_dash(block: _Block, line: Line, style: _Style) -> bool:
    """``block`` is one line begun by a dash, full, and ``line`` wraps it back at the dash."""
    if block.kind != "list_item" or len(block.lines) != 1:
        return False
    first = block.lines[0]
    return (first.text.strip()[:1] in _DASHES
            and style.close(first, line) and same_size(first, line) and abs(line.x0 - first.x0) <= 2.0
            and _was_full(first, line) and not _LIST_START.match(line.text.strip()))


def _aligned(previous: Line, line: Line) -> bool:
    """Two lines of one wrapped heading start at the same place, or are centred on the same axis."""
    centres = abs((previous.x0 + previous.x1) - (line.x0 + line.x1)) / 2
    return abs(previous.x0 - line.x0) <= 2.0 or centres <= 3.0


def _was_full(previous: Line, line: Line) -> bool:
    """The previous line ended because the next word did not fit on it (it was wrapped)."""
    next_word = line.words[0]
    space = 0.25 * next_word.size
    return previous.x1 + space + (next_word.x1 - next_word.x0) >= previous.column_right - _WRAP_SLACK


def _append_line(block: _Block, line: Line, *, joint: str) -> None:
    joined = join_wrapped(block.text, line.text.strip()) if joint == " " else f"{block.text}\n{line.text.strip()}"
    if line.page != block.lines[-1].page:
        # The new page begins with this line's first word, wherever the join put it.
        block.pages.append((len(joined) - len(line.text.strip()), line.page))
    block.text = joined
    block.lines.append(line)


def _continues_table(block: _Block, table: PdfTable) -> bool:
    """A table at the top of the next page whose columns begin where the table above has columns
    goes on with it (an unruled table may show fewer columns on a page where one is empty)."""
    previous = block.table
    assert previous is not None
    if table.page != previous.page + 1 or len(table.columns) > len(previous.columns):
        return False
    return all(min(abs(x - column) for column in previous.columns) <= _COLUMN_SLACK for x in table.columns)


def _extend_table(block: _Block, table: PdfTable) -> None:
    """Append ``table``'s rows, each cell moved under the column it stands under, without a header
    row repeated from the table above."""
    assert block.table is not None
    columns = block.table.columns
    targets = [min(range(len(columns)), key=lambda i, x=x: abs(columns[i] - x)) for x in table.columns]
    rows = []
    for row in table.rows:
        cells = [""] * len(columns)
        for target, cell in zip(targets, row, strict=False):
            cells[target] = f"{cells[target]} {cell}".strip()
        rows.append(tuple(cells))
    if rows and _same_row(rows[0], block.table.rows[0]):
        rows = rows[1:]
    block.table.rows.extend(rows)
    block.row_pages.extend([table.page] * len(rows))
    block.table.page = table.page


def _same_row(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return [" ".join(cell.split()).casefold() for cell in a] == [" ".join(cell.split()).casefold() for cell in b]


def _set_heading_levels(blocks: list[_Block]) -> None:
    """Numbered headings: the depth of the number, and below it the rank of their style among the
    numbered headings of that depth when a text layer sets them in more than one ("1. Åtgärder under
    2020" in 12 pt over "1. Förstudie …" in body size: the items of a chapter numbered again from
    1). Others: the rank of their style (size, then bold) among the unnumbered headings after the
    title, when they come in more than one style; in one style the PDF states no level (``None``),
    as plain text does not. The title (the first heading) states no level."""
    headings = [block for block in blocks if block.kind == "heading"]
    unnumbered = [h for h in headings[1:] if not _NUMBERED.match(h.text)]
    ranks = sorted({_heading_style(h) for h in unnumbered})
    numbered_ranks = _numbered_style_ranks(headings[1:])
    for index, heading in enumerate(headings):
        numbered = _NUMBERED.match(heading.text)
        if numbered:
            depth = _depth(numbered.group("number"))
            styles = numbered_ranks.get(depth, [])
            style = _heading_style(heading)
            heading.marker = str(depth + (styles.index(style) if style in styles else 0))
        elif index and len(ranks) > 1:
            heading.marker = str(ranks.index(_heading_style(heading)) + 1)
        else:
            heading.marker = ""


def _numbered_style_ranks(headings: list[_Block]) -> dict[int, list[tuple[float, bool]]]:
    """For each depth of number whose headings a text layer sets in more than one style, those
    styles, largest first, when each smaller style numbers again from 1 after a larger one (a
    chapter's items; one heading merely set larger is no chapter). Scanned headings are left out:
    OCR only estimates a line's size."""
    styles: dict[int, list[tuple[tuple[float, bool], str]]] = {}
    for heading in headings:
        if (numbered := _NUMBERED.match(heading.text)) and not heading.lines[0].scanned:
            number = numbered.group("number")
            styles.setdefault(_depth(number), []).append((_heading_style(heading), number.split(".")[-1]))
    ranks = {}
    for depth, found in styles.items():
        order = sorted({style for style, _ in found})
        restarts = {style for position, (style, number) in enumerate(found) if number == "1"
                    and any(larger < style for larger, _ in found[:position])}
        if len(order) > 1 and set(order[1:]) <= restarts:
            ranks[depth] = order
    return ranks


def _depth(number: str) -> int:
    """How deep a heading's number is: "2" 1, "2.1" 2."""
    return number.count(".") + 1


def _heading_style(heading: _Block) -> tuple[float, bool]:
    return -heading.lines[0].size, not heading.lines[0].bold


def _write(blocks: list[_Block], *, page_count: int) -> ExtractedText:
    writer = BlockTextWriter()
    starts: dict[int, int] = {}
    for block in blocks:
        if block.kind == "table":
            assert block.table is not None
            before = len(writer.elements)
            rows = [row for row in block.table.rows if any(row)]
            writer.table(rows)
            pages = [page for row, page in zip(block.table.rows, block.row_pages, strict=True) if any(row)]
            for element, page in zip(writer.elements[before:], pages, strict=True):
                starts.setdefault(page, element.start)
            continue
        if block.kind == "heading":
            writer.heading(block.text, level=int(block.marker) if block.marker else None)
        elif block.kind == "list_item":
            writer.list_item(block.text, marker=block.marker)
        else:
            writer.paragraph(block.text)
        element = writer.elements[-1]
        offset = element.end - len(block.text)  # past a list item's marker
        for at, page in block.pages:
            starts.setdefault(page, offset + at)
    extracted = writer.result()
    return ExtractedText(text=extracted.text, elements=extracted.elements,
                         page_starts=_page_starts(starts, page_count=page_count, end=len(extracted.text)))


def _page_starts(starts: dict[int, int], *, page_count: int, end: int) -> list[int]:
    """One offset per page; a page without text begins where the next page with text begins."""
    result = [end] * page_count
    following = end
    for page in range(page_count - 1, -1, -1):
        following = min(starts.get(page, following), following)
        result[page] = following
    result[0] = 0
    return result
