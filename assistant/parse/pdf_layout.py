"""PDF page layout: positioned words → lines in reading order, without page furniture.

The PDF reader (``assistant.parse.pdf``) hands each page's words here, from the text layer or from
OCR. This module groups them into lines (one baseline), reads two-column pages column by column,
and recognises running headers, footers and page numbers: lines in the page margins repeated on
many pages (digits ignored), or lines that are only a page number ("Sida 3", "3 (12)").

Pure geometry on plain dataclasses; PDF units (points), origin at the page's top-left.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|page|s\.)\s*)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:/|av|of|\()\s*\d{1,4}\s*\)?)?$", re.IGNORECASE)
# Share of the page height at the top and the bottom where running headers and footers sit.
_MARGIN_SHARE = 0.1
# A line repeated in the margins of this share of the pages (at least two) is furniture.
_RUNNING_SHARE = 0.4
# Words whose baselines are closer than this share of their size sit on one line.
_SAME_LINE = 0.45
# A gutter between two columns: this wide, empty over this share of the body's lines.
_MIN_GUTTER = 9.0
_GUTTER_ZONE = (0.3, 0.7)
_MIN_COLUMN_LINES = 4
_COLUMN_BALANCE = 0.85


# Glyphs without a Unicode mapping come out as "(cid:N)"; 127 and 149 are the bullet in the
# standard fonts' encodings (reportlab's and Word's), the others cannot be read.
_BULLET_CIDS = re.compile(r"\(cid:(?:127|149)\)")
_UNMAPPED = re.compile(r"\(cid:\d+\)")


def _glyphs(text: str) -> str:
    return _UNMAPPED.sub("", _BULLET_CIDS.sub("•", text))


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a page: its text, box, font size and whether its font is bold."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False

    @classmethod
    def from_pdfplumber(cls, word: dict[str, object]) -> Word:
        return cls(text=_glyphs(str(word["text"])), x0=float(word["x0"]), x1=float(word["x1"]),  # type: ignore[arg-type]
                   top=float(word["top"]), bottom=float(word["bottom"]),  # type: ignore[arg-type]
                   size=float(word.get("size") or 0.0) or float(word["bottom"]) - float(word["top"]),  # type: ignore[arg-type]
                   bold=bool(_BOLD_FONT.search(str(word.get("fontname") or ""))))


@dataclass(slots=True)
class Line:
    """Words on one baseline, left to right, on page ``page`` (0-based)."""

    words: list[Word]
    page: int
    column_right: float = 0.0  # the right edge of the column the line is in (set per page)
    scanned: bool = False  # read by OCR: no fonts, sizes only estimated from the line's height

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @property
    def size(self) -> float:
        """The size most of its characters are set in."""
        weights: Counter[float] = Counter()
        for word in self.words:
            weights[round(word.size * 2) / 2] += len(word.text)
        return weights.most_common(1)[0][0]

    @property
    def bold(self) -> bool:
        letters = [word for word in self.words if any(ch.isalpha() for ch in word.text)]
        return bool(letters) and all(word.bold for word in letters)


def same_size(previous: Line, line: Line) -> bool:
    """Set in one size: within half a point or a tenth; for scanned lines, whose sizes are line
    heights (accents and descenders add to them), within a third."""
    return _sizes_alike(line.size, previous.size, scanned=line.scanned or previous.scanned)


def _sizes_alike(a: float, b: float, *, scanned: bool) -> bool:
    share = 0.35 if scanned else 0.1
    return abs(a - b) <= max(0.5, share * max(a, b))


@dataclass(slots=True)
class PageLayout:
    """A page's lines in reading order and its size."""

    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)


def group_lines(words: Sequence[Word], *, page: int) -> list[Line]:
    """Words → lines: sorted by baseline, words within a fraction of their size of one baseline
    share a line. Cost: a sort, then linear."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (round(w.bottom, 1), w.x0)):
        current = lines[-1] if lines else None
        if current is not None and abs(current.words[-1].bottom - word.bottom) <= _SAME_LINE * max(word.size, 1.0):
            current.words.append(word)
        else:
            lines.append(Line([word], page))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def in_reading_order(page: PageLayout) -> list[Line]:
    """The page's lines read column by column where the page has two columns; full-width lines
    (a title, a table caption) split the page into bands read top to bottom. Sets each line's
    ``column_right``. Cost: linear in the words, plus a scan of the page width."""
    lines = sorted(page.lines, key=lambda line: line.top)
    gutter = _gutter(lines, width=page.width, height=page.height)
    if gutter is None:
        right = _right_edge(lines)
        for line in lines:
            line.column_right = right
        return lines
    left_edge, right_edge = gutter
    lines = [part for line in lines for part in _split_at(line, left_edge, right_edge)]
    ordered: list[Line] = []
    band_left: list[Line] = []
    band_right: list[Line] = []
    for line in lines:
        if line.x1 <= left_edge:
            band_left.append(line)
        elif line.x0 >= right_edge:
            band_right.append(line)
        else:
            ordered.extend(_closed_band(band_left, band_right))
            band_left, band_right = [], []
            line.column_right = _right_edge([line])
            ordered.append(line)
    ordered.extend(_closed_band(band_left, band_right))
    return ordered


def reset_right_edges(lines: Sequence[Line]) -> None:
    """Recompute each column's right edge from the lines still in it (after tables were taken out,
    whose rows can reach past the text column)."""
    columns: dict[float, list[Line]] = {}
    for line in lines:
        columns.setdefault(line.column_right, []).append(line)
    for members in columns.values():
        edge = _right_edge(members)
        for line in members:
            line.column_right = edge


def _split_at(line: Line, left_edge: float, right_edge: float) -> list[Line]:
    """A baseline with words in both columns (and none across the gutter) is two lines."""
    left = [word for word in line.words if word.x1 <= left_edge]
    right = [word for word in line.words if word.x0 >= right_edge]
    if not left or not right or len(left) + len(right) != len(line.words):
        return [line]
    return [Line(left, line.page, scanned=line.scanned), Line(right, line.page, scanned=line.scanned)]


def _closed_band(left: list[Line], right: list[Line]) -> list[Line]:
    for column in (left, right):
        edge = _right_edge(column)
        for line in column:
            line.column_right = edge
    return [*left, *right]


def _right_edge(lines: Sequence[Line]) -> float:
    """Where full lines end: a high percentile of the lines' right ends (robust to one long line)."""
    ends = sorted(line.x1 for line in lines)
    return ends[int(0.9 * (len(ends) - 1))] if ends else 0.0


def _gutter(lines: Sequence[Line], *, width: float, height: float) -> tuple[float, float] | None:
    """The empty vertical strip between two columns of body text, if the page has one: in the middle
    of the page, crossed by few lines, with enough lines on each side ending near it."""
    body = [line for line in lines if _MARGIN_SHARE * height < line.top < (1 - _MARGIN_SHARE) * height]
    if len(body) < 2 * _MIN_COLUMN_LINES:
        return None
    steps = int(width) + 1
    covered = [0] * steps
    # The strip is empty of body text: a title or heading in a larger size may span it (the second
    # line of a title ending in the gutter does not make the page one column).
    for line in _in_body_size(body):
        for word in line.words:
            for x in range(max(0, int(word.x0)), min(steps, math.ceil(word.x1))):
                covered[x] += 1
    low, high = int(_GUTTER_ZONE[0] * width), int(_GUTTER_ZONE[1] * width)
    best: tuple[int, int] | None = None
    start = None
    for x in range(low, high + 1):
        if covered[x] == 0 and start is None:
            start = x
        if (covered[x] != 0 or x == high) and start is not None:
            if best is None or x - start > best[1] - best[0]:
                best = (start, x)
            start = None
    if best is None or best[1] - best[0] < _MIN_GUTTER:
        return None
    parts = [part for line in body for part in _split_at(line, best[0], best[1])]
    left = [line for line in parts if line.x1 <= best[0]]
    right = [line for line in parts if line.x0 >= best[1]]
    crossing = len(parts) - len(left) - len(right)
    if len(left) < _MIN_COLUMN_LINES or len(right) < _MIN_COLUMN_LINES or crossing > 0.25 * len(body):
        return None
    # Columns of prose fill their width: most lines of one column or the other end close to its
    # right edge (the columns of a table with short cells do not).
    if not (_mostly_full(left) or _mostly_full(right)):
        return None
    # Text columns are about equally wide; a table's empty column between wider ones is not a gutter.
    widths = (best[0] - min(line.x0 for line in left), max(line.x1 for line in right) - best[1])
    if min(widths) < _COLUMN_BALANCE * max(widths):
        return None
    return float(best[0]), float(best[1])


def body_size(lines: Sequence[Line]) -> float | None:
    """The size most of the text of ``lines`` is set in (weighted by characters); ``None`` for none."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else None


def _in_body_size(lines: Sequence[Line]) -> list[Line]:
    """The lines set in the body text's size (``body_size``)."""
    body = body_size(lines)
    return [line for line in lines if body is not None and _sizes_alike(line.size, body, scanned=line.scanned)]


def _mostly_full(column: list[Line]) -> bool:
    left, right = min(line.x0 for line in column), _right_edge(column)
    full = sum(1 for line in column if line.x1 > right - 0.25 * (right - left))
    return full >= 0.5 * len(column)


# --- page furniture ---------------------------------------------------------------------------


def drop_furniture(pages: list[PageLayout]) -> None:
    """Remove running headers, footers and page numbers from every page, in place.

    A line in the top or bottom margin is furniture when it is only a page number, or when the same
    line (digits ignored) is in the margins of at least two pages and ``_RUNNING_SHARE`` of them.
    Page 1 too: a running header above the title would otherwise be taken for the title.
    """
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_running_key(line.text) for line in page.lines if _in_margin(line, page)})
    threshold = max(2, math.ceil(_RUNNING_SHARE * len(pages)))
    running = {key for key, count in counts.items() if count >= threshold}
    for page in pages:
        page.lines = [line for line in page.lines if not _is_furniture(line, page, running)]


def _is_furniture(line: Line, page: PageLayout, running: set[str]) -> bool:
    if not _in_margin(line, page):
        return False
    text = line.text.strip()
    return bool(PAGE_NUMBER.match(text)) or _running_key(text) in running


def _in_margin(line: Line, page: PageLayout) -> bool:
    return line.bottom < _MARGIN_SHARE * page.height or line.top > (1 - _MARGIN_SHARE) * page.height


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).casefold())
