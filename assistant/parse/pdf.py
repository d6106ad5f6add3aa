"""PDF reader: the text layer of a PDF, reflowed into paragraphs and handed to the plain-text reader.

A PDF stores positioned lines, not paragraphs. ``reflow_pdf_text`` rebuilds the blocks: the lines
of one paragraph are joined (a line continues into the next when the next line's first word would
not have fitted on it, i.e. the text was wrapped), hyphenation at a line end is undone, list items
and headings keep their own lines, page numbers and repeated running headers are dropped. Before
that, ``mark_paragraph_gaps`` puts a blank line wherever the page layout shows a break (more
vertical space than between the lines of a paragraph, a change of font size); the reflow always
honours blank lines. The result is plain text with blank lines between blocks, which
``read_plain_text`` then reads.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from assistant.models import ExtractedText
from assistant.parse.errors import EmptyDocumentError, ParseError
from assistant.parse.plaintext import read_plain_text

_NOT_PDF = "the file is not a valid PDF document"
_ENCRYPTED = "the PDF is encrypted"
_AES_UNSUPPORTED = "the PDF is encrypted with AES, which this installation cannot open"
_NO_TEXT = "the PDF has no text layer (it may be a scanned image)"

# Glyphs PDFs use as bullets; pypdf yields some as control or private-use characters
# (reportlab's bullet comes out as DEL, Word's Symbol bullet as U+F0B7).
_BULLET_GLYPHS = "•●▪■◦○‣⁃∙·\x7f\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0e0\uf06e\uf0a8"
_LIST_LINE = re.compile(rf"^(?:[-–*{_BULLET_GLYPHS}]|\d{{1,2}}[.)])\s+\S")
# Not "-"/"–": a dash alone on a line more often stands for "nothing" than for a bullet.
_LONE_BULLET = re.compile(rf"^[{_BULLET_GLYPHS}]$")
_LEADING_BULLET = re.compile(rf"^[{_BULLET_GLYPHS}]\s*")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|page|s\.)\s*)?[-–]?\s*\d{1,3}\s*[-–]?(?:\s*(?:/|av|of|\()\s*\d{1,3}\s*\)?)?$",
    re.IGNORECASE,
)
_FINAL_PUNCTUATION = ".:;!?"
# Swedish suspended compounds ("integrations- och arbetsmarknadsfrågor") keep their hyphen.
_SUSPENSION_WORDS = frozenset({"och", "eller", "samt", "respektive", "resp.", "till", "som"})
# A line counts as wrapped when its next word would have reached this share of the line width:
# character counts only approximate widths in proportional fonts.
_WRAP_TOLERANCE = 0.9
_WIDTH_PERCENTILE = 0.9
_MIN_WIDTH = 30
# A line this much further below the previous one than the usual spacing starts a new paragraph;
# a font size this much different starts a new block (headings are set larger).
_PARAGRAPH_GAP = 1.3
_SIZE_CHANGE = 0.1
_SPACING_PERCENTILE = 0.25
_MIN_GAP_SHARE = 0.5
_HEADING_SHARE = 0.6
_MAX_HEADING_WORDS = 12
# A line repeated at the top or bottom of this many pages (and at least half of them) is a
# running header or footer, not content.
_MIN_RUNNING_PAGES = 3
_EDGE_LINES = 2


def read_pdf(data: bytes) -> ExtractedText:
    """Extract a PDF's text, reflow it, and find its elements with the plain-text reader.

    The returned text is the reflowed text. Raises ``ParseError`` for a file that is not a readable
    PDF or is encrypted with a password, ``EmptyDocumentError`` for a PDF without a text layer.
    Cost: pypdf's text extraction (roughly linear in the content streams), then one pass.
    """
    pages = _page_texts(_open(data))
    text = reflow_pdf_text(pages)
    if not text.strip():
        raise EmptyDocumentError(_NO_TEXT)
    return read_plain_text(text)


def _open(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError(_ENCRYPTED)
    except DependencyError as error:
        raise ParseError(_AES_UNSUPPORTED) from error
    except ParseError:
        raise
    # pypdf reports damaged files with its own errors but also with whatever a truncated or
    # malformed structure makes the parser trip over (KeyError, ValueError, TypeError, ...).
    except Exception as error:
        raise ParseError(_NOT_PDF) from error
    return reader


def _page_texts(reader: PdfReader) -> list[str]:
    try:
        return [_page_text(page) for page in reader.pages]
    except FileNotDecryptedError as error:
        raise ParseError(_ENCRYPTED) from error
    except Exception as error:  # see _open: damaged content streams fail in many ways
        raise ParseError(_NOT_PDF) from error


# --- layout: where the page leaves vertical space ------------------------------------------


@dataclass(frozen=True, slots=True)
class PdfLine:
    """One extracted line with its baseline height (PDF units, up is larger) and its font size.

    ``y`` and ``size`` are ``None`` for a line without visible text.
    """

    text: str
    y: float | None = None
    size: float | None = None


def _page_text(page: PageObject) -> str:
    """The page's text, with a blank line wherever the layout shows a paragraph break."""
    fragments: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or 1.0  # Word sets "1 Tf" and scales the font by the text matrix
        fragments.append((text, y, size * scale))

    plain = page.extract_text(visitor_text=visit) or ""
    lines = _located_lines(fragments)
    if "\n".join(line.text for line in lines) != plain:
        return plain  # the fragments did not add up to the text: use it without layout hints
    return mark_paragraph_gaps(lines)


def _located_lines(fragments: list[tuple[str, float, float]]) -> list[PdfLine]:
    """Split the fragments pypdf wrote into lines, each placed where its first visible text is."""
    lines: list[PdfLine] = []
    parts: list[str] = []
    y: float | None = None
    size: float | None = None
    for text, fragment_y, fragment_size in fragments:
        for index, piece in enumerate(text.split("\n")):
            if index:
                lines.append(PdfLine("".join(parts), y, size))
                parts, y, size = [], None, None
            if piece.strip():
                y = fragment_y if y is None else y
                size = max(size or 0.0, fragment_size)
            parts.append(piece)
    lines.append(PdfLine("".join(parts), y, size))
    return lines


def mark_paragraph_gaps(lines: Sequence[PdfLine]) -> str:
    """Join the lines, adding a blank line where the next line sits clearly lower than the page's
    usual line spacing, moves up (a new column or region), or changes font size (a heading).

    Pure; cost linear in the number of lines (plus sorting the line spacings).
    """
    spacing = _usual_spacing(lines)
    out: list[str] = [lines[0].text] if lines else []
    for previous, line in itertools.pairwise(lines):
        if spacing is not None and _breaks_between(previous, line, spacing=spacing):
            out.append("")
        out.append(line.text)
    return "\n".join(out)


def _usual_spacing(lines: Sequence[PdfLine]) -> float | None:
    """The spacing of lines inside a paragraph: a low percentile of the gaps between lines.

    Not the median: on a page of short paragraphs and headings most gaps are paragraph gaps.
    Gaps much smaller than the font (a superscript, a split line) are not line spacing.
    """
    gaps = sorted(
        previous.y - line.y
        for previous, line in itertools.pairwise(lines)
        if previous.y is not None and line.y is not None and line.size is not None
        and previous.y - line.y >= _MIN_GAP_SHARE * line.size
    )
    return gaps[int(_SPACING_PERCENTILE * (len(gaps) - 1))] if gaps else None


def _breaks_between(previous: PdfLine, line: PdfLine, *, spacing: float) -> bool:
    if previous.y is None or line.y is None or previous.size is None or line.size is None:
        return False
    gap = previous.y - line.y
    if gap <= 0 or gap > _PARAGRAPH_GAP * spacing:
        return True
    return abs(previous.size - line.size) > _SIZE_CHANGE * max(previous.size, line.size)


# --- reflow --------------------------------------------------------------------------------


def reflow_pdf_text(pages: Sequence[str]) -> str:
    """Rebuild paragraphs from the hard-wrapped lines of a PDF's pages.

    Blocks (paragraphs, headings) are separated by a blank line, consecutive list items by a
    newline, pages by a blank line unless a paragraph runs on over the page break. Lines that are
    only a page number, and running headers or footers repeated on many pages, are dropped; bullet
    glyphs become ``•``. Pure; cost linear in the length of the text.
    """
    page_lines = [_clean_lines(page) for page in pages]
    page_lines = _drop_running_lines(page_lines)
    width = _line_width([line for lines in page_lines for line in lines])
    text = ""
    for block in (_page_blocks(lines, width=width) for lines in page_lines):
        if not block:
            continue
        if text and text[-1] not in _FINAL_PUNCTUATION and block[0].islower():
            text = _join(text, block)  # a paragraph that goes on from the previous page
        else:
            text = f"{text}\n\n{block}" if text else block
    return text


def _clean_lines(page: str) -> list[str]:
    """Lines with collapsed whitespace (TAB would mean a table row downstream), page numbers
    dropped and a bullet alone on its line joined to the text that follows it."""
    lines: list[str] = []
    pending_bullet = False
    for raw in page.split("\n"):
        line = " ".join(raw.split())
        if not line:
            lines.append("")
            continue
        if _PAGE_NUMBER.match(line):
            continue
        if _LONE_BULLET.match(line):
            pending_bullet = True
            continue
        line = _LEADING_BULLET.sub("• ", line)
        if pending_bullet and not _LIST_LINE.match(line):
            line = f"• {line}"
        pending_bullet = False
        lines.append(line)
    return lines


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove lines repeated at the top or bottom of many pages (digits ignored)."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_running_key(line) for line in _edge_lines(lines)})
    threshold = max(_MIN_RUNNING_PAGES, (len(pages) + 1) // 2)
    running = {key for key, count in counts.items() if count >= threshold}
    if not running:
        return pages
    # Page 1 too: a running header above the real title would otherwise be taken for the title.
    return [_without_running(lines, running) for lines in pages]


def _without_running(lines: list[str], running: set[str]) -> list[str]:
    edges = set(_edge_lines(lines))
    return [line for line in lines if not (line in edges and _running_key(line) in running)]


def _edge_lines(lines: list[str]) -> list[str]:
    text_lines = [line for line in lines if line]
    return text_lines[:_EDGE_LINES] + text_lines[-_EDGE_LINES:]


def _running_key(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _line_width(lines: list[str]) -> int:
    """The length of a full line: a high percentile of line lengths, robust to odd long lines."""
    lengths = sorted(len(line) for line in lines if len(line.split()) > 1)
    if not lengths:
        return _MIN_WIDTH
    return max(_MIN_WIDTH, lengths[int(_WIDTH_PERCENTILE * (len(lengths) - 1))])


def _page_blocks(lines: list[str], *, width: int) -> str:
    headings = {index for index in range(len(lines)) if _is_heading(lines, index, width=width)}
    blocks: list[str] = []
    current = ""  # the block being built, its lines joined
    previous = ""  # the last source line of that block
    for index, line in enumerate([*lines, ""]):
        if current and (not line or _LIST_LINE.match(line) or index in headings or index - 1 in headings
                        or not _continues(previous, line, width=width)):
            blocks.append(current)
            current = ""
        if line:
            current = _join(current, line) if current else line
        previous = line
    return _layout(blocks)


def _is_heading(lines: list[str], index: int, *, width: int) -> bool:
    """A short line without final punctuation, after a finished sentence and before a longer line.

    The wrap test alone misses a heading right after a paragraph whose last line is nearly full.
    """
    line = lines[index]
    if not line or _LIST_LINE.match(line) or len(line) > _HEADING_SHARE * width:
        return False
    if len(line.split()) > _MAX_HEADING_WORDS or line[-1] in _FINAL_PUNCTUATION + ",":
        return False
    if not (line[0].isupper() or line[0].isdigit()):
        return False
    before = lines[index - 1] if index else ""
    after = lines[index + 1] if index + 1 < len(lines) else ""
    finished = not before or before[-1] in _FINAL_PUNCTUATION
    return finished and bool(after) and (len(after) > len(line) or bool(_LIST_LINE.match(after)))


def _continues(previous: str, line: str, *, width: int) -> bool:
    """Whether ``line`` continues the paragraph (or list item) whose last line is ``previous``."""
    next_word = line.split()[0]
    if len(previous) + 1 + len(next_word) >= _WRAP_TOLERANCE * width:
        return True  # the next word did not fit: the text was wrapped here
    # A long line that stops mid-sentence and a next line in lower case: the same sentence goes on
    # (the width test misses some wraps in proportional fonts). A short line was broken on purpose.
    return (previous[-1] not in _FINAL_PUNCTUATION and line[0].islower()
            and len(previous) >= _HEADING_SHARE * width)


def _join(current: str, line: str) -> str:
    if not current.endswith("-") or len(current) < 2 or current[-2].isspace():
        return f"{current} {line}"
    next_word = line.split()[0]
    if next_word in _SUSPENSION_WORDS:
        return f"{current} {line}"
    if current[-2].islower() and line[0].islower():
        return f"{current[:-1]}{line}"  # "integrations-" + "arbete" → "integrationsarbete"
    return f"{current}{line}"  # "EU-" + "medel" → "EU-medel"


def _layout(blocks: list[str]) -> str:
    """Blank lines between blocks; consecutive list items stay on adjacent lines."""
    out: list[str] = []
    for index, block in enumerate(blocks):
        if index:
            both_items = _LIST_LINE.match(block) and _LIST_LINE.match(blocks[index - 1])
            out.append("\n" if both_items else "\n\n")
        out.append(block)
    return "".join(out)
