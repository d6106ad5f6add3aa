"""Scans of PDF pages, and how well OCR reads them.

``scan_pdf`` rasterizes chosen pages (optionally rotated, as a page fed crooked into a scanner) and
puts them back as image-only pages, with no text layer, the size of the originals. ``prose`` picks
the running-text paragraphs of a plain-text or Markdown source, ``paragraphs_pdf`` sets them as an A4
PDF to scan, and ``character_error_rate`` compares what OCR read with them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Sequence
from xml.sax.saxutils import escape

import numpy as np
import pypdfium2 as pdfium
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

_WHITE = 255
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14, spaceAfter=8)
# Blocks that are not running text: headings, tables, list items, quotes, rules, images.
_NOT_PROSE = re.compile(r"^(?:#|\||[-*+] |\d{1,2}[.)] |>|---|!\[)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def prose(text: str, *, min_chars: int = 150) -> list[str]:
    """The paragraphs of ``text`` (blocks between blank lines) that are running text of at least
    ``min_chars`` characters, each on one line, Markdown links and emphasis reduced to their text;
    paragraphs with characters Helvetica lacks (outside Windows-1252) are left out."""
    found = []
    for block in re.split(r"\n\s*\n", text):
        paragraph = " ".join(_EMPHASIS.sub("", _LINK.sub(r"\1", block)).split())
        if len(paragraph) < min_chars or _NOT_PROSE.match(paragraph):
            continue
        try:
            paragraph.encode("cp1252")
        except UnicodeEncodeError:
            continue
        found.append(paragraph)
    return found


def paragraphs_pdf(paragraphs: Sequence[str]) -> bytes:
    """``paragraphs`` set in Helvetica 11 pt on A4 pages (reportlab's platypus, default margins).
    Helvetica has only Windows-1252's characters: others come out as boxes, so leave them out."""
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([Paragraph(escape(text), BODY) for text in paragraphs])
    return out.getvalue()


def normalized(text: str) -> str:
    """``text`` with every run of whitespace one space, none at the ends."""
    return " ".join(text.split())


def character_error_rate(reference: str, read: str) -> float:
    """The edit distance (insertions, deletions, substitutions of characters) from ``reference`` to
    ``read``, both whitespace-normalized, per reference character. Cost: O(n·m) in numpy, one vector
    operation per reference character (~0.1 s for two pages of text)."""
    return edit_distance(normalized(reference), normalized(read)) / max(1, len(normalized(reference)))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, row by row: a row's insertions are a running minimum of
    ``cost[j] - j``, so each row is a handful of vector operations."""
    if not a or not b:
        return len(a) + len(b)
    target = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(len(b) + 1)
    row = steps.copy()
    for i, char in enumerate(a, start=1):
        current = np.empty_like(row)
        current[0] = i
        current[1:] = np.minimum(row[1:] + 1, row[:-1] + (target != ord(char)))
        row = np.minimum.accumulate(current - steps) + steps
    return int(row[-1])


def scan_pdf(pdf: bytes, *, dpi: int = 300, rotate_degrees: float = 0.0,
             pages: Collection[int] | None = None) -> bytes:
    """``pdf`` with the pages at the 0-based indexes ``pages`` (default: all) replaced by grayscale
    scans at ``dpi``, turned ``rotate_degrees`` counter-clockwise about their centre (corners filled
    white); the other pages are copied as they are. Raises ``ValueError`` for an index that is not
    a page. Cost: one render and one lossless image per scanned page (about 0.5 s and 0.3-1 MB at
    300 dpi for an A4 page of text).
    """
    source = pdfium.PdfDocument(pdf)
    try:
        count = len(source)
        chosen = set(range(count)) if pages is None else set(pages)
        if not chosen <= set(range(count)):
            raise ValueError(f"no such pages: {sorted(chosen - set(range(count)))} (the PDF has {count})")
        scans = {index: _scanned(source[index], dpi=dpi, rotate_degrees=rotate_degrees) for index in chosen}
    finally:
        source.close()
    writer = PdfWriter()
    for index, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        writer.add_page(PdfReader(io.BytesIO(scans[index])).pages[0] if index in scans else page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _scanned(page: pdfium.PdfPage, *, dpi: int, rotate_degrees: float) -> bytes:
    """A one-page PDF of the page's size holding only its picture."""
    width, height = page.get_size()
    image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    if rotate_degrees:
        image = image.rotate(rotate_degrees, resample=Image.Resampling.BICUBIC, fillcolor=_WHITE)
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=(width, height))
    sheet.drawImage(ImageReader(image), 0, 0, width=width, height=height)
    sheet.showPage()
    sheet.save()
    return out.getvalue()
