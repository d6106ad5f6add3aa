"""Tables of a PDF page: ruled tables from the page's drawn lines (pdfplumber's table finder), and
unruled tables from words aligned in columns. Both come out as rows of cell texts with the
same shape the DOCX and HTML readers give, so the table-aware steps downstream treat them alike.

A table that runs over a page break is joined by ``assistant.parse.pdf_blocks``; this module only
finds each page's tables.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.parse.pdf_layout import Line, Word, same_size

# The smallest table worth reading as one: a framed paragraph is not a table.
_MIN_ROWS = 2
_MIN_COLUMNS = 2
_MIN_TABLE_LINES = 3
_RUN_GAP = 1.2
# A row of an unruled table begins after a gap this much larger than the spacing of wrapped lines.
_ROW_GAP = 1.25
_MARKER = re.compile(r"^(?:[•●▪■◦○‣⁃∙·\x7f\uf0b7\uf0a7\-–*]|\d{1,2}[.)]|[a-z][.)])$")
_SOFT_HYPHEN_END = re.compile(r"(?<=[a-zåäöé])-$")


@dataclass(slots=True)
class PdfTable:
    """A table found on one page: its rows of cells, its box, and where its columns begin."""

    rows: list[tuple[str, ...]]
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    columns: list[float]


def ruled_tables(page: object, words: Sequence[Word], *, number: int) -> list[PdfTable]:
    """Tables drawn with rules on a pdfplumber ``page``, their cells filled from ``words`` (the
    page's words). Cells that span columns or rows give their text once, in their first position;
    the other positions are "". Cost: pdfplumber's edge merging and intersection search, only on
    pages that draw lines or rectangles; then one pass over the words per table."""
    if not (getattr(page, "edges", None)):
        return []
    found = []
    for table in page.find_tables():  # type: ignore[attr-defined]
        x0, top, x1, bottom = table.bbox
        box = PdfTable(rows=[], page=number, top=top, bottom=bottom, x0=x0, x1=x1, columns=[])
        inner = [word for word in words if inside(word, box)]
        rows = [tuple(_cell_text([w for w in inner if _in_cell(w, cell)], cell) if cell else "" for cell in row.cells)
                for row in table.rows]
        box.rows = [row for row in rows if any(row)]
        box.columns = sorted({round(cell[0], 1) for row in table.rows for cell in row.cells if cell})
        if len(box.rows) >= _MIN_ROWS and len(box.columns) >= _MIN_COLUMNS:
            found.append(box)
    return found


def inside(word: Word, table: PdfTable) -> bool:
    """Whether the word's centre lies in the table's box."""
    x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return table.x0 <= x <= table.x1 and table.top <= y <= table.bottom


def _in_cell(word: Word, cell: tuple[float, float, float, float]) -> bool:
    x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return cell[0] <= x <= cell[2] and cell[1] <= y <= cell[3]


def _cell_text(words: list[Word], cell: tuple[float, float, float, float]) -> str:
    """A ruled cell's text: its words grouped into lines, joined by ``_joined``. The padding is the
    same on both sides, so the text may reach as far from the right rule as it starts from the left."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w.bottom), w.x0)):
        if lines and abs(lines[-1][-1].bottom - word.bottom) <= 0.45 * word.size:
            lines[-1].append(word)
        else:
            lines.append([word])
    right = cell[2] - (min((word.x0 for word in words), default=cell[0]) - cell[0])
    return _joined([sorted(line, key=lambda w: w.x0) for line in lines], right=right)


def _joined(lines: list[list[Word]], *, right: float) -> str:
    """A cell's lines as one line: a word broken by a hyphen at a line end is made whole, and so is
    a word too long for the cell, which fills its own line to the edge (``right``) and goes on in
    the next (Word breaks it there, without a hyphen)."""
    text = ""
    for index, line in enumerate(lines):
        line_text = " ".join(word.text for word in line)
        previous = lines[index - 1] if index else None
        if previous is not None and len(previous) == 1 and previous[0].x1 >= right - 0.5 * previous[0].size \
                and line_text[:1].islower() and not text.endswith("-") \
                and line_text.split(" ")[0].rstrip(".,;:") not in _FUNCTION_WORDS:
            text += line_text  # "Kommunlednings" + "gruppen": one word broken at the cell's edge
        else:
            text = join_wrapped(text, line_text) if text else line_text
    return " ".join(text.split())


def join_wrapped(current: str, line: str) -> str:
    """``current`` continued by the next wrapped ``line``: a space between, or a word broken by a
    hyphen at the line end made whole ("integrations-" + "arbete"), but not a Swedish suspended
    compound ("integrations- och") or a hyphenated name ("EU-" + "medel")."""
    if not current.endswith("-") or len(current) < 2 or current[-2].isspace():
        return f"{current} {line}"
    next_word = line.split()[0]
    if next_word in _SUSPENSION_WORDS:
        return f"{current} {line}"
    if _SOFT_HYPHEN_END.search(current) and line[0].islower():
        return f"{current[:-1]}{line}"
    return f"{current}{line}"


# A line that begins with one of these follows a whole word, even when the word above reached the
# cell's edge ("modersmåslärare" / "och studiehandledare").
_FUNCTION_WORDS = frozenset({"och", "i", "att", "för", "av", "med", "som", "på", "till", "en", "ett", "det", "den",
                             "de", "om", "eller", "samt", "är", "vid", "under", "the", "and", "of", "to", "in",
                             "for", "or", "a", "an", "is", "with", "by"})
_SUSPENSION_WORDS = frozenset({"och", "eller", "samt", "respektive", "resp.", "till", "som", "and", "or"})


# --- unruled tables ----------------------------------------------------------------------------


def unruled_tables(lines: Sequence[Line], *, number: int) -> tuple[list[PdfTable], list[Line]]:
    """Blocks of lines whose words leave empty vertical strips between them (columns), read as
    tables; returns them and the lines left over, in their order. A block is a run of at least
    ``_MIN_TABLE_LINES`` close lines in one font size; prose never leaves a strip empty over
    several lines, while a table's columns do. Cost: linear in the words of each block."""
    tables: list[PdfTable] = []
    rest: list[Line] = []
    for run in _runs(lines):
        columns = _strips(run) if len(run) >= _MIN_TABLE_LINES else None
        rows = _rows(run, columns) if columns else []
        if len(rows) < _MIN_ROWS:
            rest.extend(run)
            continue
        tables.append(PdfTable(rows=rows, page=number, top=run[0].top, bottom=run[-1].bottom,
                               x0=min(line.x0 for line in run), x1=max(line.x1 for line in run),
                               columns=columns or []))
    return tables, rest


def _runs(lines: Sequence[Line]) -> list[list[Line]]:
    """Lines in one font size that follow closely: each begins within ``_RUN_GAP`` × its size below
    the lowest line before it (in a table, the tallest cell of the row above)."""
    runs: list[list[Line]] = []
    bottom = 0.0
    for line in lines:
        previous = runs[-1][-1] if runs else None
        if (previous is not None and -0.5 * line.size <= line.top - bottom <= _RUN_GAP * line.size
                and same_size(previous, line)):
            runs[-1].append(line)
            bottom = max(bottom, line.bottom)
        else:
            runs.append([line])
            bottom = line.bottom
    return runs


def _strips(run: list[Line]) -> list[float] | None:
    """Where the columns of a block begin, if empty vertical strips divide it: each strip at least
    half the font size wide, with words on both sides of it on two lines or more. A strip that
    only sets bullets or numbers apart from their items is not a column."""
    size = run[0].size
    left = int(min(line.x0 for line in run))
    covered = [False] * (int(max(line.x1 for line in run)) + 2 - left)
    for line in run:
        for word in line.words:
            for x in range(int(word.x0) - left, int(word.x1) + 1 - left):
                covered[x] = True
    starts = [float(left)]
    gap_start = None
    for x, filled in enumerate(covered):
        if not filled and gap_start is None:
            gap_start = x
        elif filled and gap_start is not None:
            if x - gap_start >= 0.5 * size and _divides(run, left + gap_start, left + x):
                starts.append(float(left + x))
            gap_start = None
    return starts if len(starts) >= _MIN_COLUMNS else None


def _divides(run: list[Line], gap_start: float, gap_end: float) -> bool:
    both = [line for line in run if line.x0 < gap_start and line.x1 > gap_end]
    if len(both) < 2:
        return False
    markers = all(_MARKER.match(" ".join(w.text for w in line.words if w.x1 <= gap_start))
                  for line in run if line.x0 < gap_start)
    return not markers


def _rows(run: list[Line], columns: list[float]) -> list[tuple[str, ...]]:
    """Lines → rows: a new row begins after a gap wider than wrapped lines leave, or, where all
    gaps are alike, at each line with text in the first column. A cell's lines are joined as in a
    ruled table (``_joined``), the column's widest line standing for its edge."""
    gaps = []
    bottom = run[0].bottom
    for line in run[1:]:
        gaps.append(line.top - bottom)
        bottom = max(bottom, line.bottom)
    wrapped = min(gaps) if gaps else 0.0
    spread = max(gaps) - wrapped if gaps else 0.0
    placed = [_placed(line, columns) for line in run]
    edges = [max((cell[-1].x1 for cells in placed for cell in [cells[i]] if cell), default=0.0)
             for i in range(len(columns))]
    rows: list[list[list[list[Word]]]] = []  # row → column → the cell's lines of words
    for index, (line, cells) in enumerate(zip(run, placed, strict=True)):
        gap = gaps[index - 1] if index else None
        if gap is not None and spread > 1.0:
            new_row = gap > wrapped + max(1.0, (_ROW_GAP - 1) * statistics.median([wrapped, line.size]))
        else:
            new_row = bool(cells[0]) or index == 0
        if new_row or not rows:
            rows.append([[] for _ in columns])
        for column, words in enumerate(cells):
            if words:
                rows[-1][column].append(words)
    return [tuple(_joined(lines, right=edge) for lines, edge in zip(row, edges, strict=True)) for row in rows]


def _placed(line: Line, columns: list[float]) -> list[list[Word]]:
    """The line's words under the column each begins in."""
    cells: list[list[Word]] = [[] for _ in columns]
    for word in line.words:
        column = max((i for i, start in enumerate(columns) if start <= word.x0 + 1.0), default=0)
        cells[column].append(word)
    return cells
