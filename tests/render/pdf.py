"""Render elements as a PDF laid out the way Swedish municipalities publish policies exported from Word.

A4 portrait, 2.5 cm margins, Helvetica body text, a bold title, bold headings, bullet lists with a
hanging indent, tables with wrapped cells that break across pages, an optional running header and a
"Sida N" footer. Only reportlab's built-in Helvetica fonts are used (their WinAnsi encoding covers
å ä ö é), and the output is byte-for-byte deterministic.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    KeepInFrame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from assistant.models import Element
from tests.render.source import Block, blocks_of, numbered_headings

TableRules = Literal["ruled", "unruled", "header_rule"]

_FONT, _BOLD = "Helvetica", "Helvetica-Bold"
_GRAY = colors.Color(0.35, 0.35, 0.35)
_CELL_PADDING = 4.0
_COLUMN_GAP = 0.8 * cm
_TITLE_FRAME_HEIGHT = 2.8 * cm


@dataclass(frozen=True, slots=True)
class PdfStyle:
    """Layout options of ``render_pdf``; the defaults give a plain Word export of a policy.

    ``footer`` may use ``{page}`` and ``{pages}`` ("Sida {page} av {pages}"); ``None`` draws none.
    ``page_break_before`` holds element indexes that start on a new page.
    """

    page_size: tuple[float, float] = A4
    margin: float = 2.5 * cm
    font_size: float = 11.0
    title_size: float = 20.0
    table_font_size: float = 9.0
    numbered_headings: bool = False
    numbered_lists: bool = False
    running_header: str | None = None
    footer: str | None = "Sida {page}"
    footer_align: Literal["center", "right"] = "center"
    table_style: TableRules = "ruled"
    repeat_table_header: bool = False
    two_columns: bool = False
    hyphenate: bool = False
    page_break_before: Collection[int] = frozenset()


def render_pdf(elements: Sequence[Element], *, style: PdfStyle = PdfStyle()) -> bytes:
    """The PDF bytes of ``elements`` laid out with ``style``: element 0 is the title, the rest follow
    in order (see ``blocks_of`` for how lists and tables are grouped). Deterministic.
    """
    buffer = io.BytesIO()
    title = elements[0].text if elements else ""
    document = BaseDocTemplate(
        buffer, pagesize=style.page_size, leftMargin=style.margin, rightMargin=style.margin,
        topMargin=style.margin, bottomMargin=style.margin, title=title, author="", creator="Microsoft Word",
        invariant=1, pageTemplates=_page_templates(style),
    )
    document.build(list(_story(elements, style)), canvasmaker=_canvas_maker(style))
    return buffer.getvalue()


# --- pages ---------------------------------------------------------------------------------------


def _page_templates(style: PdfStyle) -> list[PageTemplate]:
    """One template for single-column pages; for two columns a first page with a full-width title
    frame above the columns, and the later pages with two columns only."""
    width, height = style.page_size
    body_width, body_height = width - 2 * style.margin, height - 2 * style.margin
    if not style.two_columns:
        return [PageTemplate("body", [Frame(style.margin, style.margin, body_width, body_height, id="body")])]

    def columns(top: float) -> list[Frame]:
        column = (body_width - _COLUMN_GAP) / 2
        return [Frame(style.margin + i * (column + _COLUMN_GAP), style.margin, column, top - style.margin,
                      id=f"column{i}") for i in (0, 1)]

    title_bottom = height - style.margin - _TITLE_FRAME_HEIGHT
    title = Frame(style.margin, title_bottom, body_width, _TITLE_FRAME_HEIGHT, id="title")
    return [PageTemplate("first", [title, *columns(title_bottom)], autoNextPageTemplate="columns"),
            PageTemplate("columns", columns(height - style.margin))]


def _canvas_maker(style: PdfStyle) -> Callable[..., Canvas]:
    """A canvas that holds its pages back until the document ends, so the footer can say how many
    pages there are ("Sida 2 av 7") — platypus only knows the count after the last page."""

    class PagedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name, hence not snake_case
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                _decorate(self, style, number, len(self._held))
                super().showPage()
            super().save()

    return PagedCanvas


def _decorate(canvas: Canvas, style: PdfStyle, page: int, pages: int) -> None:
    """The running header (small, gray, top left) and the footer of one page."""
    width, height = style.page_size
    canvas.saveState()
    canvas.setFillColor(_GRAY)
    if style.running_header:
        canvas.setFont(_FONT, 8.5)
        canvas.drawString(style.margin, height - style.margin / 2, style.running_header)
    if style.footer:
        canvas.setFont(_FONT, 9)
        text = style.footer.format(page=page, pages=pages)
        if style.footer_align == "right":
            canvas.drawRightString(width - style.margin, style.margin / 2, text)
        else:
            canvas.drawCentredString(width / 2, style.margin / 2, text)
    canvas.restoreState()


# --- the story ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Styles:
    title: ParagraphStyle
    headings: tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]
    body: ParagraphStyle
    bullet_item: ParagraphStyle
    numbered_item: ParagraphStyle
    cell: ParagraphStyle
    header_cell: ParagraphStyle


def _styles(style: PdfStyle) -> _Styles:
    size = style.font_size
    # Word's automatic hyphenation: reportlab asks this callable where a word may break.
    hyphenation: dict[str, Any] = (
        {"hyphenationLang": _hyphenation_points, "embeddedHyphenation": 1, "hyphenationMinWordLength": 8}
        if style.hyphenate else {})
    body = ParagraphStyle("body", fontName=_FONT, fontSize=size, leading=size * 1.3, spaceAfter=size * 0.6,
                          alignment=TA_LEFT, **hyphenation)
    heading = ParagraphStyle("heading", parent=body, fontName=_BOLD, keepWithNext=1, hyphenationLang="",
                             embeddedHyphenation=0)
    item = ParagraphStyle("item", parent=body, leftIndent=18, bulletIndent=5, spaceAfter=size * 0.3)
    cell = ParagraphStyle("cell", parent=body, fontSize=style.table_font_size,
                          leading=style.table_font_size * 1.25, spaceAfter=0)
    return _Styles(
        title=ParagraphStyle("title", parent=heading, fontSize=style.title_size, leading=style.title_size * 1.2,
                             spaceAfter=style.title_size * 0.9),
        headings=(
            ParagraphStyle("h1", parent=heading, fontSize=14, leading=17, spaceBefore=14, spaceAfter=5),
            ParagraphStyle("h2", parent=heading, fontSize=12, leading=15, spaceBefore=11, spaceAfter=4),
            ParagraphStyle("h3", parent=heading, fontSize=size, leading=size * 1.3, spaceBefore=9, spaceAfter=3),
        ),
        body=body,
        # Bullets in Symbol, as Word sets them: Helvetica's "•" is code 127, which text extractors
        # cannot map back to a character.
        bullet_item=ParagraphStyle("bullet_item", parent=item, bulletFontName="Symbol"),
        numbered_item=ParagraphStyle("numbered_item", parent=item, bulletFontName=_FONT),
        cell=cell,
        header_cell=ParagraphStyle("header_cell", parent=cell, fontName=_BOLD),
    )


def _story(elements: Sequence[Element], style: PdfStyle) -> Iterator[Flowable]:
    styles = _styles(style)
    headings = numbered_headings(elements) if style.numbered_headings else {}
    frame_width = _frame_width(style)
    for block in blocks_of(elements, breaks=style.page_break_before):
        if block.first in style.page_break_before and block.first > 0:
            yield PageBreak()
        if block.kind == "title":
            yield from _title(block.elements[0], styles, style)
        elif block.kind == "heading":
            yield _heading(block, headings, styles)
        elif block.kind == "list":
            yield from _list(block, styles, numbered=style.numbered_lists)
        elif block.kind == "table":
            yield _table(block, styles, style, frame_width)
        else:
            yield Paragraph(_markup(block.elements[0].text), styles.body)


def _frame_height(style: PdfStyle) -> float:
    """The height of the shortest body frame (a page's column under the two-column title frame)."""
    body = style.page_size[1] - 2 * style.margin
    return body - _TITLE_FRAME_HEIGHT if style.two_columns else body


def _frame_width(style: PdfStyle) -> float:
    body = style.page_size[0] - 2 * style.margin
    return (body - _COLUMN_GAP) / 2 if style.two_columns else body


def _title(element: Element, styles: _Styles, style: PdfStyle) -> Iterator[Flowable]:
    title = Paragraph(_markup(element.text), styles.title)
    if not style.two_columns:
        yield title
        return
    # The title has the first page's full-width frame to itself; the body starts in the left column.
    yield KeepInFrame(0, _TITLE_FRAME_HEIGHT, [title], mode="shrink")
    yield FrameBreak()


def _heading(block: Block, numbered: dict[int, str], styles: _Styles) -> Paragraph:
    element = block.elements[0]
    level = min(max(element.level or 1, 1), len(styles.headings))
    return Paragraph(_markup(numbered.get(block.first, element.text)), styles.headings[level - 1])


def _list(block: Block, styles: _Styles, *, numbered: bool) -> Iterator[Flowable]:
    style = styles.numbered_item if numbered else styles.bullet_item
    for number, item in enumerate(block.elements, start=1):
        yield Paragraph(_markup(item.text), style, bulletText=f"{number}." if numbered else "•")
    yield Spacer(0, styles.body.spaceAfter - style.spaceAfter)  # a list ends with a paragraph's space


# --- tables ------------------------------------------------------------------------------------


def _table(block: Block, styles: _Styles, style: PdfStyle, width: float) -> Table:
    """One table of the block's rows: the first row is the header, short rows are padded with empty
    cells, every cell wraps, and the table splits between (and if need be inside) rows at page ends.
    A later row that repeats the header's column names (a new section of an action plan, as in
    Tierp's) is set bold like the header."""
    columns = max(len(row.cells or (row.text,)) for row in block.elements)
    texts = [[*(row.cells or (row.text,)), *[""] * columns][:columns] for row in block.elements]
    names = texts[0][1:]
    widths = _column_widths(texts, width, style.table_font_size)
    bold = [r == 0 or _repeats(row, names) for r, row in enumerate(texts)]
    texts = [[_word_broken(text, width=w - 2 * _CELL_PADDING, font=_BOLD if heavy else _FONT,
                           size=style.table_font_size) for text, w in zip(row, widths, strict=True)]
             for row, heavy in zip(texts, bold, strict=True)]
    data = [[Paragraph(_markup(text), styles.header_cell if heavy else styles.cell) if text else "" for text in row]
            for row, heavy in zip(texts, bold, strict=True)]
    return Table(data, colWidths=widths, style=_table_rules(style.table_style),
                 repeatRows=1 if style.repeat_table_header else 0, splitByRow=1,
                 splitInRow=int(_tallest_row(data, widths) > _frame_height(style) - 12),  # 12: frame padding
                 hAlign="LEFT", spaceBefore=4, spaceAfter=10)


def _word_broken(text: str, *, width: float, font: str, size: float) -> str:
    """As Word breaks a word too long for its cell: the word starts a line of its own and is cut,
    without a hyphen, wherever the cell's edge falls (reportlab would cut it on the current line)."""
    lines = []
    for line in text.split("\n"):
        words: list[str] = []
        for word in line.split(" "):
            if stringWidth(word, font, size) <= width:
                words.append(word)
                continue
            pieces = [""]
            for char in word:
                if pieces[-1] and stringWidth(pieces[-1] + char, font, size) > width:
                    pieces.append("")
                pieces[-1] += char
            words.append("\n" + "\n".join(pieces) + "\n")
        lines.append(" ".join(words).replace(" \n", "\n").replace("\n ", "\n").strip("\n"))
    return "\n".join(lines)


def _tallest_row(data: list[list[Paragraph | str]], widths: list[float]) -> float:
    """The height of the table's tallest row, each cell wrapped at its column's width."""
    return max(max((cell.wrap(width - 2 * _CELL_PADDING, 1e6)[1] if isinstance(cell, Paragraph) else 0.0)
                   for cell, width in zip(row, widths, strict=True)) + 2 * _CELL_PADDING for row in data)


def _repeats(row: list[str], names: list[str]) -> bool:
    # Two names at least: a table of contents repeats its page numbers, not a header.
    return sum(1 for name in names if name) >= 2 and row[1:] == names


def _table_rules(rules: TableRules) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *[(side, (0, 0), (-1, -1), _CELL_PADDING) for side in
          ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")],
    ]
    if rules == "ruled":
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    elif rules == "header_rule":
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black))
    return TableStyle(commands)


def _column_widths(rows: list[list[str]], width: float, size: float) -> list[float]:
    """Widths that fill ``width``, as Word's autofit roughly does: each column gets its longest word
    (up to most of an even share), and the rest of the width in proportion to the square root of
    how much text the column holds — so a column of years stays narrow and the wordy columns share
    the room without one of them squeezing the others to a word per line."""
    columns = len(rows[0])
    cap = 0.75 * width / columns
    padding = 2 * _CELL_PADDING

    def longest_word(column: int) -> float:
        words = (word for row in rows for word in row[column].split())
        return max((stringWidth(word, _BOLD, size) for word in words), default=0.0)

    def volume(column: int) -> float:
        return sum(stringWidth(row[column], _FONT, size) for row in rows) ** 0.5

    floors = [min(longest_word(c) + padding, cap) for c in range(columns)]
    weights = [volume(c) for c in range(columns)]
    spare = max(0.0, width - sum(floors))
    total = sum(weights) or 1.0
    widths = [floor + spare * weight / total for floor, weight in zip(floors, weights, strict=True)]
    return [w * width / sum(widths) for w in widths]


# --- text ----------------------------------------------------------------------------------------


# Helvetica's WinAnsi encoding has ¹ ² ³ but no other superscript digits; Word would set a raised
# digit (a footnote reference), so do that rather than draw reportlab's black box for a missing glyph.
_SUPERSCRIPTS = {ord(sup): f"<super>{digit}</super>" for sup, digit in zip("⁰⁴⁵⁶⁷⁸⁹", "0456789", strict=True)}


def _markup(text: str) -> str:
    """``text`` escaped for reportlab's mini-markup; line breaks inside an element stay line breaks."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\n", "<br/>").translate(_SUPERSCRIPTS)


_VOWELS = frozenset("aeiouyåäöéüAEIOUYÅÄÖÉÜ")
_MIN_PIECE = 3
_WORD = re.compile(r"^[^\W\d_]+$")


def _hyphenation_points(word: str) -> list[tuple[str, str]]:
    """(head, tail) splits of ``word``, longest head first, as reportlab's hyphenator hook expects.

    Swedish rule of thumb: between two vowels the last consonant starts the next syllable
    ("kom-mu-nens", "in-teg-ra-tion"). Heads and tails keep at least three letters.
    """
    if not _WORD.match(word):
        return []
    points = []
    for i in range(_MIN_PIECE, len(word) - _MIN_PIECE + 1):
        if word[i] not in _VOWELS and i + 1 < len(word) and word[i + 1] in _VOWELS and any(
                ch in _VOWELS for ch in word[:i]):
            points.append(i)
    return [(word[:i], word[i:]) for i in reversed(points)]
