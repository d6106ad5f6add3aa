"""PDF reader: the layout of each page (fonts, positions, rules) read back into structure.

pdfplumber (MIT, on pdfminer.six) gives every word with its box, font and size, and the lines and
rectangles a page draws. From those:

1. ruled tables are found from the drawn rules (``pdf_tables.ruled_tables``) and their words taken
   out of the running text;
2. the other words are grouped into lines (``pdf_layout``); running headers, footers and page
   numbers are dropped; two-column pages are read column by column; aligned columns of words
   without rules are read as tables too;
3. pages without a text layer (scans) are read by Tesseract (``assistant.parse.ocr``), within the
   OCR pages and seconds of the parse limits, into the same lines;
4. ``pdf_blocks.assemble`` turns the lines and tables into headings, re-flowed paragraphs, list
   items and table rows, and records where each page begins in the text.
"""

from __future__ import annotations

import contextlib
import io
import re
import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from assistant.models import ExtractedText
from assistant.parse.errors import DocumentLimitError, EmptyDocumentError, ParseError
from assistant.parse.guard import ParseLimits
from assistant.parse.pdf_blocks import assemble
from assistant.parse.pdf_layout import (
    Line,
    PageLayout,
    Word,
    drop_furniture,
    group_lines,
    in_reading_order,
    reset_right_edges,
)
from assistant.parse.pdf_tables import PdfTable, inside, ruled_tables, unruled_tables

_NOT_PDF = "the file is not a valid PDF document"
_ENCRYPTED = "the PDF is encrypted"
_NO_TEXT = "the PDF has no text layer (it may be a scanned image)"
# Word grouping: letters closer than this (points) belong to one word; pdfplumber's default (3)
# glues words in tightly justified lines.
_X_TOLERANCE = 1.5
_Y_TOLERANCE = 2.0


def read_pdf(data: bytes, *, limits: ParseLimits | None = None) -> ExtractedText:
    """Read a PDF's text with its structure: headings, paragraphs, lists, tables, and pages.

    Pages without a text layer are read by OCR, spending at most ``limits.ocr_max_pages`` pages and
    ``limits.ocr_seconds`` seconds. Raises ``ParseError`` for a file that is not a readable PDF or
    is encrypted with a password, ``OcrUnavailableError`` for scanned pages where Tesseract is not
    installed, ``EmptyDocumentError`` when no page has any text. Cost: pdfplumber's parse (about
    0.1 s per text page on these machines; pages that draw rules also pay for the table search),
    plus a few seconds per scanned page.
    """
    limits = limits or ParseLimits()
    layouts: list[PageLayout] = []
    tables: dict[int, list[PdfTable]] = {}
    with _opened(data) as pdf:
        scanned = []
        for number, page in enumerate(pdf.pages):
            words, found = _page_words(page, number=number)
            if not words and not found and _has_images(page):
                scanned.append(number)
            lines = group_lines(words, page=number)
            layouts.append(PageLayout(number, float(page.width), float(page.height), lines))
            tables[number] = found
    if len(scanned) > limits.ocr_max_pages:  # refused before any OCR is spent on it
        raise DocumentLimitError(f"the PDF has {len(scanned)} pages without a text layer (scanned pages); at most "
                                 f"{limits.ocr_max_pages} are read with OCR")
    if scanned:
        _read_scanned(data, scanned, layouts, limits=limits)
    drop_furniture(layouts)
    pages = [_page_items(layout, tables[layout.number]) for layout in layouts]
    if not any(pages):
        raise EmptyDocumentError(_NO_TEXT)
    return assemble(pages)


@contextmanager
def _opened(data: bytes) -> Iterator[Any]:
    """The PDF open in pdfplumber; any failure while it is read becomes a ``ParseError``."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:
        raise _unreadable(error) from error
    try:
        yield pdf
    except ParseError:
        raise
    # Pages are read lazily: a damaged page tree, page dictionary or content stream fails here.
    except Exception as error:
        raise _unreadable(error) from error
    finally:
        with contextlib.suppress(Exception):  # closing walks the (possibly damaged) pages again
            pdf.close()


def _unreadable(error: Exception) -> ParseError:
    """pdfminer reports damaged files with its own errors, and with whatever a truncated or malformed
    structure makes it trip over (KeyError, ValueError, TypeError, ...); pdfplumber wraps them
    (``PdfminerException(PDFPasswordIncorrect())``)."""
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    if isinstance(error, PDFPasswordIncorrect) or any(isinstance(arg, PDFPasswordIncorrect) for arg in error.args):
        return ParseError(_ENCRYPTED)
    return ParseError(_NOT_PDF)


def _page_words(page: Any, *, number: int) -> tuple[list[Word], list[PdfTable]]:
    """The page's upright words outside its ruled tables, and those tables."""
    raw = page.extract_words(x_tolerance=_X_TOLERANCE, y_tolerance=_Y_TOLERANCE, extra_attrs=["size", "fontname"])
    words = [Word.from_pdfplumber(word) for word in raw if word.get("upright", True) and word["text"].strip()]
    found = ruled_tables(page, words, number=number) if words else []
    return [word for word in words if not any(inside(word, table) for table in found)], found


def _has_images(page: Any) -> bool:
    try:
        return bool(page.images)
    except Exception:  # a damaged image dictionary: nothing to read there either
        return False


def _read_scanned(data: bytes, numbers: list[int], layouts: list[PageLayout], *, limits: ParseLimits) -> None:
    """OCR the pages without a text layer, filling their lines in place."""
    import pypdfium2

    from assistant.parse.ocr import OcrBudget, ocr_page

    budget = OcrBudget(max_pages=limits.ocr_max_pages, seconds=limits.ocr_seconds, languages=limits.ocr_languages)
    document = pypdfium2.PdfDocument(data)
    try:
        for number in numbers:
            words = ocr_page(document[number], budget=budget)
            layouts[number].lines = _ocr_lines(words, page=number)
    finally:
        document.close()


def _ocr_lines(words: list[Any], *, page: int) -> list[Line]:
    """Tesseract's lines as layout lines. A line's words take its height, to whole points, as their
    size (OCR knows no fonts; the height still tells headings from body text). Lines that sit on one
    row (the cells of a table, which Tesseract reads as separate blocks) become one line; rules read
    as "|" are dropped, and a bullet read as a letter ("e", "°") becomes "•"."""
    grouped: dict[tuple[int, int, int], list[Any]] = {}
    for word in words:
        if not _RULE_GLYPHS.fullmatch(word.text):
            grouped.setdefault((word.block, word.paragraph, word.line), []).append(word)
    level = _levelling(list(grouped.values()))
    # Each line's words as (level box, text), left to right; the lines from the top down.
    levelled = [(members, sorted((level(w), w.text) for w in members)) for members in grouped.values()]
    lines: list[Line] = []
    for members, placed in sorted(levelled, key=lambda line: min(box[1] for box, _ in line[1])):
        top, bottom = min(box[1] for box, _ in placed), max(box[3] for box, _ in placed)
        height = round(statistics.median(_font_size(w.text, w.bottom - w.top) for w in members))
        row = [Word(text=text, x0=x0, x1=x1, top=y0, bottom=y1, size=height) for (x0, y0, x1, y1), text in placed]
        if row and row[0].text in _BULLET_LOOKALIKES and row[0].bottom - row[0].top < 0.75 * height and len(row) > 1:
            row[0] = Word(text="•", x0=row[0].x0, x1=row[0].x1, top=row[0].top, bottom=row[0].bottom, size=height)
        same_row = next((line for line in lines if _overlap(line, top, bottom) > 0.6), None)
        if same_row is not None:
            same_row.words = sorted([*same_row.words, *row], key=lambda w: w.x0)
        else:
            lines.append(Line(row, page, scanned=True))
    return lines


def _levelling(lines: list[list[Any]]) -> Callable[[Any], tuple[float, float, float, float]]:
    """A word's box (x0, top, x1, bottom) on the page turned level. Tesseract reads a crooked scan
    level but places its words where they lie, so each line climbs or falls across the page; its
    words' tops then differ by points, and lines one gap apart overlap, which split every wrapped
    line of a page scanned 0.7° off into a paragraph of its own. The slope is the median over the
    lines of three words or more of their centres' least-squares slope; each box is turned about
    the page's origin by it (small angles: y − s·x, x + s·y). Cost: linear in the words."""
    slopes = [slope for members in lines if len(members) >= 3 and (slope := _slope(members)) is not None]
    s = statistics.median(slopes) if slopes else 0.0
    if abs(s) < _LEVEL_SLOPE:
        return lambda w: (w.x0, w.top, w.x1, w.bottom)

    def level(w: Any) -> tuple[float, float, float, float]:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        dx, dy = s * cy, -s * cx
        return w.x0 + dx, w.top + dy, w.x1 + dx, w.bottom + dy

    return level


def _slope(members: list[Any]) -> float | None:
    xs = [(w.x0 + w.x1) / 2 for w in members]
    ys = [(w.top + w.bottom) / 2 for w in members]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else None


def _font_size(text: str, height: float) -> float:
    """The font size a word's box height suggests: a box spans the x-height, plus ascenders or
    capitals, plus descenders, plus the accent of "Å" or "Ä" (shares of the size in common fonts)."""
    share = 0.72 if any(ch.isupper() or ch.isdigit() or ch in _ASCENDERS for ch in text) else 0.52
    share += 0.21 if any(ch in _DESCENDERS for ch in text) else 0.0
    share += 0.15 if any(ch in "ÅÄÖÉ" for ch in text) else 0.0
    return height / share


_ASCENDERS = frozenset("bdfhklt/()[]!?'\"")
_DESCENDERS = frozenset("gjpqy,;()[]")
# A slope below this (0.06°: 0.4 pt across a page) leaves the words where they are.
_LEVEL_SLOPE = 0.001
_RULE_GLYPHS = re.compile(r"[|\[\]_—–-]+")
_BULLET_LOOKALIKES = frozenset({"e", "°", "«", "»", "o", "©", "¢", "*", "+"})


def _overlap(line: Line, top: float, bottom: float) -> float:
    """How much of the shorter of the line and the span ``top``..``bottom`` the other covers."""
    shared = min(line.bottom, bottom) - max(line.top, top)
    return shared / max(1e-6, min(line.bottom - line.top, bottom - top))


def _page_items(layout: PageLayout, ruled: list[PdfTable]) -> list[Line | PdfTable]:
    """The page's lines and tables in reading order: ruled tables where they stand, unruled ones
    found among the lines."""
    lines = in_reading_order(layout)
    unruled, lines = unruled_tables(lines, number=layout.number)
    if unruled:
        reset_right_edges(lines)
    items: list[Line | PdfTable] = list(lines)
    for table in sorted([*ruled, *unruled], key=lambda table: table.top):
        at = next((i for i, item in enumerate(items) if isinstance(item, Line) and item.top >= table.top
                   and item.x0 < table.x1 and item.x1 > table.x0), len(items))
        items.insert(at, table)
    return items
