"""The HTML of the document viewer: a document's text as indexed, laid out for reading, with a cited
span marked.

- Lines are paragraphs; the lines where sections begin are headings (never a table row).
- Table rows — TAB-separated lines, or Markdown pipe rows (the ``|---|`` line skipped) — become one
  ``<table>`` per run of rows, its first row the header row (unless that row states a metadata
  field: "Diarienummer | KS 2017.411" heads no column). A blank line followed by a row whose first
  cell is empty does not end the table (a row continued over a page break in the source).
- Inline markup the source carries literally (``<u>…</u>``, ``**…**``, a Markdown heading's ``#``)
  is not shown; every offset still refers to the raw text, so the marked span is exactly the cited
  characters, in as many ``<mark>`` elements as lines or cells it covers (the first ``id="cited"``).
- Where the document has pages, a label ``Sida N / Page N`` (``id="page-N"``) stands where each
  page begins: between paragraphs, in a row of its own in a table, or splitting a paragraph that
  runs over the page break.

Every text of the document is escaped; the page needs nothing from outside.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from itertools import pairwise

from assistant.models import Document
from assistant.parse.markdown import CELL_SPLIT, PIPE_ROW, TABLE_DELIMITER

Span = tuple[int, int]

STYLE = """
body { font: 16px/1.55 system-ui, sans-serif; margin: 0 auto; max-width: 46rem; padding: 1rem 1.25rem 4rem;
       color: #1b1b1b; background: #fff; }
header { border-bottom: 1px solid #d5d9df; margin-bottom: 1rem; padding-bottom: .5rem; }
header p { color: #4a4f57; margin: .25rem 0; }
header .where { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
a { color: #0b57d0; } a:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; } h3, h4, h5, h6 { font-size: 1.1rem; }
p { margin: .4rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
mark { background: #ffe27a; color: inherit; padding: 0 .1em; outline-offset: 2px; }
mark#cited { scroll-margin: 30vh 1.5rem 1rem; }
mark#cited:focus { outline: 3px solid #0b57d0; }
/* A table may be wider than the text: up to 70rem, centred on it, scrolled sideways beyond that. */
.table { overflow-x: auto; margin: 1rem 0; position: relative; left: 50%; transform: translateX(-50%);
         width: max-content; min-width: 100%; max-width: min(70rem, calc(100vw - 2.5rem)); }
table { border-collapse: collapse; font-size: .9rem; line-height: 1.45; }
th, td { border: 1px solid #c3c8d0; padding: .35rem .5rem; text-align: left; vertical-align: top;
         min-width: 6rem; overflow-wrap: break-word; }
th { background: #eef1f5; font-weight: 600; }
.page { color: #4a4f57; font-size: .8rem; margin: 1.25rem 0 .5rem; border-top: 1px dashed #b5bbc4;
        padding-top: .2rem; }
td.page-cell { border-left: 0; border-right: 0; padding: 0; } td.page-cell .page { margin: .25rem 0; }
/* On a narrow screen each row is a card, each cell under its column's name. */
@media (max-width: 40rem) {
  .table { left: 0; transform: none; width: auto; max-width: none; }
  table, tbody, tr, td { display: block; } thead { position: absolute; left: -9999px; }
  tr { border: 1px solid #c3c8d0; margin-bottom: .75rem; } td { border: 0; min-width: 0; }
  td[data-label]::before { content: attr(data-label); display: block; font-weight: 600; color: #4a4f57; }
  td:empty { display: none; }
}
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .25rem; }
"""

# Inline formatting tags some sources carry as text (Tierp's "område <u>Arbete</u>").
_TAG = re.compile(r"</?(?:u|b|i|em|strong|s|del|ins|sup|sub|span|font|mark)(?:\s[^<>]*)?/?>", re.IGNORECASE)
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ATX_OPEN = re.compile(r"^\s{0,3}#{1,6}\s+")
_ATX_CLOSE = re.compile(r"\s+#+\s*$")


def page_label(n: int) -> str:
    """The bilingual name of page ``n`` (HTML)."""
    return f'Sida {n} / <span lang="en">Page {n}</span>'


def document_body(document: Document, span: Span | None) -> str:
    """The document's text as HTML (headings, paragraphs, tables, page labels), ``span`` marked.
    Cost: linear in the length of the text."""
    # In Markdown a TAB indents (code, list continuations); only pipe rows are table rows there.
    tabs = not document.source_path.lower().endswith((".md", ".markdown"))
    renderer = _Renderer(document.text, _heading_levels(document), _Marks(span), _Pages(document.page_starts),
                         fields=[(a, b) for a, b in document.field_spans.values()], tabs=tabs)
    return "\n".join(renderer.render())


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class _Cell:
    start: int
    end: int


@dataclass
class _Marks:
    """Puts the cited span in ``<mark>`` elements, the first one ``id="cited"``."""

    span: Span | None
    placed: bool = False

    def render(self, text: str, start: int, end: int, hidden: list[Span]) -> str:
        """``text[start:end]`` escaped, without the ``hidden`` (absolute) ranges, its part inside the
        span marked."""
        if self.span is None or self.span[1] <= start or self.span[0] >= end:
            return html.escape(_visible(text, start, end, hidden))
        a, b = max(self.span[0], start), min(self.span[1], end)
        attributes = "" if self.placed else ' id="cited" tabindex="-1"'
        self.placed = True
        inside = html.escape(_visible(text, a, b, hidden))
        return (f"{html.escape(_visible(text, start, a, hidden))}<mark{attributes}>{inside}</mark>"
                f"{html.escape(_visible(text, b, end, hidden))}")


@dataclass
class _Pages:
    """The page labels still to place, in order of where their pages begin."""

    starts: list[int]
    _next: int = 0

    def before(self, offset: int, *, inclusive: bool = True) -> list[str]:
        """Labels of the pages beginning before ``offset`` (or at it), each once."""
        labels = []
        while self._next < len(self.starts) and (self.starts[self._next] < offset or (
                inclusive and self.starts[self._next] == offset)):
            self._next += 1
            labels.append(f'<div class="page" id="page-{self._next}">{page_label(self._next)}</div>')
        return labels

    def inside(self, start: int, end: int) -> list[int]:
        """Where pages begin strictly inside ``start``..``end`` (not yet placed)."""
        return [p for p in self.starts[self._next:] if start < p < end]


@dataclass
class _Renderer:
    text: str
    headings: dict[int, int]
    marks: _Marks
    pages: _Pages
    fields: list[Span] = field(default_factory=list)  # where the header's metadata fields are stated
    tabs: bool = True  # whether a TAB-separated line is a table row
    _out: list[str] = field(default_factory=list)

    def render(self) -> list[str]:
        lines = _lines(self.text)
        index = 0
        while index < len(lines):
            line = lines[index]
            if not line.text.strip():
                index += 1
            elif _is_row(lines, index, tabs=self.tabs):
                index = self._table(lines, index)
            else:
                self._line(line)
                index += 1
        self._out.extend(self.pages.before(len(self.text) + 1))
        return self._out

    def _line(self, line: _Line) -> None:
        """A heading or a paragraph; a paragraph a page begins inside is split there."""
        level = self.headings.get(line.start)
        hidden = _markup(line.text, line.start, heading=level is not None)
        self._out.extend(self.pages.before(line.start))
        if level is not None:
            self._out.extend(self.pages.before(line.end, inclusive=False))  # a heading is never split
            inner = self.marks.render(self.text, line.start, line.end, hidden)
            self._out.append(f"<h{level}>{inner}</h{level}>")
            return
        cuts = [line.start, *self.pages.inside(line.start, line.end), line.end]
        for a, b in pairwise(cuts):
            self._out.extend(self.pages.before(a))
            self._out.append(f"<p>{self.marks.render(self.text, a, b, hidden)}</p>")

    def _table(self, lines: list[_Line], index: int) -> int:
        """The run of rows from ``lines[index]`` as one table; the index after it."""
        rows, after = _table_rows(lines, index, tabs=self.tabs)
        width = max((i + 1 for _, cells in rows for i, cell in enumerate(cells) if cell.end > cell.start),
                    default=1)
        head_line, head = rows[0]
        self._out.extend(self.pages.before(head_line.end, inclusive=False))
        out = ['<div class="table"><table>']
        labels: list[str] = []
        body = rows
        if not self._states_a_field(head_line):  # a metadata row ("Diarienummer KS 2017.411") heads nothing
            out.append(f"<thead>{self._row(head, width, 'th')}</thead>")
            labels, body = self._labels(head), rows[1:]
        if body:
            out.append("<tbody>")
            for line, cells in body:
                out.extend(f'<tr><td class="page-cell" colspan="{width}">{label}</td></tr>'
                           for label in self.pages.before(line.end, inclusive=False))
                out.append(self._row(cells, width, "td", labels))
            out.append("</tbody>")
        out.append("</table></div>")
        self._out.append("\n".join(out))
        return after

    def _row(self, row: list[_Cell], width: int, tag: str, labels: list[str] | None = None) -> str:
        """One ``<tr>`` of ``width`` cells; body cells carry their column's name (``labels``)."""
        scope = ' scope="col"' if tag == "th" else ""
        cells = []
        for i in range(width):
            cell = row[i] if i < len(row) else None
            inner = "" if cell is None else self.marks.render(self.text, cell.start, cell.end, self._markup(cell))
            label = labels[i] if labels and i < len(labels) and labels[i] else ""
            named = f' data-label="{html.escape(label)}"' if label else ""
            cells.append(f"<{tag}{scope}{named}>{inner}</{tag}>")
        return f"<tr>{''.join(cells)}</tr>"

    def _states_a_field(self, line: _Line) -> bool:
        """Whether a metadata field (label and value) is stated within ``line``."""
        return any(line.start <= a and b <= line.end for a, b in self.fields)

    def _markup(self, cell: _Cell) -> list[Span]:
        return _markup(self.text[cell.start:cell.end], cell.start)

    def _labels(self, head: list[_Cell]) -> list[str]:
        """The header row's cell texts as shown (without markup), to name the body's cells."""
        return [_visible(self.text, cell.start, cell.end, self._markup(cell)).strip() for cell in head]


def _lines(text: str) -> list[_Line]:
    lines, offset = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(offset, raw))
        offset += len(raw) + 1
    return lines


def _is_row(lines: list[_Line], index: int, *, tabs: bool) -> bool:
    """A TAB-separated line (where ``tabs``), a pipe row, or a line with a pipe above a ``|---|`` line."""
    text = lines[index].text
    if (tabs and "\t" in text) or (PIPE_ROW.match(text) and text.count("|") >= 2):
        return True
    following = lines[index + 1].text if index + 1 < len(lines) else ""
    return "|" in text and _is_delimiter(following)


def _is_delimiter(text: str) -> bool:
    return "-" in text and "|" in text and TABLE_DELIMITER.match(text) is not None


def _table_rows(lines: list[_Line], index: int, *, tabs: bool) -> tuple[list[tuple[_Line, list[_Cell]]], int]:
    """The rows of the table starting at ``lines[index]`` (each its line and cells), and the index
    after it."""
    tabbed = tabs and "\t" in lines[index].text
    rows: list[tuple[_Line, list[_Cell]]] = []
    cursor = index
    while cursor < len(lines):
        line = lines[cursor]
        if not line.text.strip():
            following = next((i for i in range(cursor + 1, len(lines)) if lines[i].text.strip()), None)
            if not (tabbed and following is not None and _continues_row(lines[following].text)):
                break
            cursor = following
            continue
        if not _same_kind(line.text, tabbed=tabbed, tabs=tabs):
            break
        if not tabbed and rows and _is_delimiter(line.text):
            cursor += 1
            continue
        rows.append((line, _tab_cells(line) if tabbed else _pipe_cells(line)))
        cursor += 1
    return rows, cursor


def _same_kind(text: str, *, tabbed: bool, tabs: bool) -> bool:
    """Whether ``text`` is a row of the table being read (TAB rows, or pipe rows)."""
    has_tab = tabs and "\t" in text
    return has_tab if tabbed else "|" in text and not has_tab


def _continues_row(text: str) -> bool:
    """A row whose first cell is empty continues the row above it."""
    return "\t" in text and not text.split("\t", 1)[0].strip()


def _tab_cells(line: _Line) -> list[_Cell]:
    cells, offset = [], line.start
    for raw in line.text.split("\t"):
        cells.append(_trimmed(raw, offset))
        offset += len(raw) + 1
    return cells


def _pipe_cells(line: _Line) -> list[_Cell]:
    """The cells between a row's pipes (the outer pipes are optional; ``\\|`` is no separator)."""
    text, start = line.text, 0
    stripped = text.lstrip()
    if stripped.startswith("|"):
        start = len(text) - len(stripped) + 1
    end = len(text.rstrip())
    if end > start and text[end - 1] == "|" and not text[:end].endswith("\\|"):
        end -= 1
    cells, offset = [], start
    for raw in CELL_SPLIT.split(text[start:end]):
        cells.append(_trimmed(raw, line.start + offset))
        offset += len(raw) + 1
    return cells


def _trimmed(raw: str, at: int) -> _Cell:
    begin = at + len(raw) - len(raw.lstrip())
    return _Cell(begin, max(begin, at + len(raw.rstrip())))


def _markup(text: str, at: int, *, heading: bool = False) -> list[Span]:
    """Absolute ranges of ``text`` (at offset ``at``) that are markup, not content: inline tags,
    paired ``**``/``__``, and a heading's ``#`` marks. Sorted, not overlapping."""
    ranges = [(m.start(), m.end()) for m in _TAG.finditer(text)]
    for match in _EMPHASIS.finditer(text):
        ranges += [(match.start(), match.start() + 2), (match.end() - 2, match.end())]
    if heading and (opening := _ATX_OPEN.match(text)):
        ranges.append((0, opening.end()))
        if closing := _ATX_CLOSE.search(text, opening.end()):
            ranges.append((closing.start(), closing.end()))
    merged: list[Span] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return [(at + a, at + b) for a, b in merged]


def _visible(text: str, start: int, end: int, hidden: list[Span]) -> str:
    """``text[start:end]`` without the ``hidden`` ranges."""
    pieces, cursor = [], start
    for a, b in hidden:
        if b <= cursor or a >= end:
            continue
        pieces.append(text[cursor:max(cursor, a)])
        cursor = max(cursor, b)
    pieces.append(text[cursor:end] if cursor < end else "")
    return "".join(pieces)


def _heading_levels(document: Document) -> dict[int, int]:
    """Offsets where a heading line starts, with its level (the title 1, sections by depth + 1)."""
    levels = {section.start: min(6, len(section.path) + 1) for section in document.sections}
    # The title: the first line, when the title begins with it ("Integrationspolicy" of
    # "Integrationspolicy, Åstorps kommun", whose municipality line follows).
    first_line = next((line for line in document.text.split("\n") if line.strip()), "").strip()
    if first_line and document.title.strip().startswith(first_line.lstrip("# ").strip()):
        levels[document.text.find(first_line)] = 1
    return levels
