"""From a reader's elements to a ``Document``: title, header metadata, sections, lists and tables.

The same rules apply to every format:
- the first element is the title (a bare "Åstorps kommun" line after it joins the title);
- labelled front matter becomes typed metadata and is not content;
- a table of contents ("Innehållsförteckning") is skipped;
- headings open sections. Levels come from the format (Markdown, DOCX, HTML) or from numbering
  (``1.1.2``); an unnumbered plain-text heading directly followed by another heading becomes the
  parent of the second, otherwise plain-text headings are siblings (a conservative reading: plain
  text does not say more);
- table rows become records with the column names inline; a header row naming an area
  (``Mål/delmål för område Boende``) opens the sub-section ``… > Boende``; a row whose first cells
  are empty continues the goal of the row above, which is carried into its record.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from assistant.models import Block, BlockKind, Document, Element, ElementKind, ExtractedText, Section
from assistant.municipalities import municipality_as_owner_mentions, municipality_mentions
from assistant.parse.metadata import extract_header_metadata

_TOC_HEADING = re.compile(r"^(?:\d{1,2}\.?\s+)?(innehållsförteckning|innehåll|table of contents|contents)$",
                          re.IGNORECASE)
_TOC_ENTRY = re.compile(r"(\.{2,}|…)\s*\d+\s*$|\s\d{1,3}\s*$")
_MUNICIPALITY_LINE = re.compile(r"^[A-ZÅÄÖ][\w-]*(?:\s[A-ZÅÄÖ][\w-]*)?s?\s+[Kk]ommun$")
_AREA = re.compile(r"^(?P<column>.*?)\s*\b(?:för\s+)?(?:område|area)\s*:?\s+(?P<area>\S.*)$", re.IGNORECASE)
# A first line of body text this short, above a heading, names who publishes (not what): the
# heading is the title.
_MAX_MASTHEAD_WORDS = 6
_INLINE_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_DOCUMENT_TYPES = ["handlingsplan", "åtgärdsplan", "program", "policy", "strategi", "riktlinje",
                   "reglemente", "plan"]


def slugify(value: str) -> str:
    """ASCII, lowercase, hyphen-separated: "Åstorp Integrationspolicy" → "astorp-integrationspolicy"."""
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_value.lower()).strip("-") or "document"


def clean_inline(text: str) -> str:
    """Cell or heading text without inline markup (``<u>Arbete</u>`` → ``Arbete``)."""
    return re.sub(r"\s+", " ", _INLINE_TAG.sub("", text)).strip()


def build_document(extracted: ExtractedText, *, document_id: str, source_path: str) -> Document:
    """Assemble a ``Document`` from a reader's output. Cost: linear in the number of elements."""
    elements = extracted.elements
    title, title_indexes = _title(elements)
    header = extract_header_metadata(extracted.text, elements, skip=title_indexes)
    values = dict(header.values)
    consumed = title_indexes | header.consumed
    builder = _SectionBuilder(text=extracted.text, root=title)
    builder.consume(elements, skip=consumed)
    title_start = min((elements[i].start for i in title_indexes), default=0)
    title_end = max((elements[i].end for i in title_indexes), default=0)
    return Document(
        id=document_id,
        title=title,
        municipality=_municipality(title, extracted.text),
        document_type=_document_type(values.pop("document_type", None), title),
        source_path=source_path,
        header_start=min(title_start, header.start if header.start is not None else title_start),
        header_end=max(title_end, header.end or 0),
        text=extracted.text,
        sections=builder.sections,
        blocks=builder.blocks,
        field_spans={name: span for name, span in header.spans.items() if name in _FIELDS},
        page_starts=list(extracted.page_starts),
        **_typed_fields(values),
    )


def _title(elements: list[Element]) -> tuple[str, set[int]]:
    """The title and the indexes of the elements it takes: the first element, or the heading right
    after a short line of body text above it (an organisation's name or a running header on a
    one-page PDF, where no repetition shows it for one); a bare "X kommun" line after it joins it."""
    if not elements:
        return "Untitled", set()
    at = 1 if _masthead_above_heading(elements) else 0
    title = clean_inline(elements[at].text.split("\n")[0])
    used = {at}
    if len(elements) > at + 1 and _MUNICIPALITY_LINE.match(elements[at + 1].text.strip()):
        title = f"{title}, {elements[at + 1].text.strip()}"
        used.add(at + 1)
    return title, used


def _masthead_above_heading(elements: list[Element]) -> bool:
    """Whether the first element is a short line of body text set above the first heading: a
    paragraph of at most ``_MAX_MASTHEAD_WORDS`` words on one line, without final punctuation."""
    if len(elements) < 2 or elements[0].kind != ElementKind.PARAGRAPH or elements[1].kind != ElementKind.HEADING:
        return False
    text = elements[0].text.strip()
    return "\n" not in text and len(text.split()) <= _MAX_MASTHEAD_WORDS and text[-1:] not in ".:;!?"


def _municipality(title: str, text: str) -> str | None:
    """The municipality whose document this is: the one the title calls "X kommun"; or the one a
    municipal document type's title names ("Riktlinje för mottagande i Heby") or a title names
    that the text calls "X kommun"; else the one the text keeps calling "X kommun" (at least twice,
    and twice as often as any other). A government page that lists "Gävle kommun" among a council's
    members, a speech given in Göteborg, an assignment to "Länsstyrelsen i Jönköpings län" belong to
    no municipality."""
    if in_title := municipality_as_owner_mentions(title):
        return in_title[0][0]
    mentions = municipality_as_owner_mentions(text)
    named = [name for name, _ in municipality_mentions(title)]
    if named and (_document_type(None, title) or named[0] in dict(mentions)):
        return named[0]
    if not mentions or mentions[0][1] < 2:
        return None
    runner_up = mentions[1][1] if len(mentions) > 1 else 0
    return mentions[0][0] if mentions[0][1] >= 2 * runner_up else None


# A cell that is only a time: "2018", "2018-2019", "Hösten 2018", "2018-06-30", "Löpande".
_TIME_CELL = re.compile(r"(?:(?:vår|vår(?:en|terminen)|höst|hösten|höstterminen|januari|februari|mars|april|maj|"
                        r"juni|juli|augusti|september|oktober|november|december|kvartal \d)\s+)?"
                        r"(?:19|20)\d\d(?:\s*[-–/]\s*(?:(?:19|20)?\d\d)|-\d\d-\d\d)?", re.IGNORECASE)
_TIME_COLUMN = re.compile(r"tidplan|tidsplan|^tid\b|^när\b|tidpunkt|klart senast|datum", re.IGNORECASE)
_ROLE_COLUMN = re.compile(r"ansvar", re.IGNORECASE)


def _realigned(cells: tuple[str, ...], columns: tuple[str, ...]) -> tuple[str, ...]:
    """A row whose leading empty cells were lost in the source (text exported from a table) comes
    out shifted left: "Driva projekt …", "", "Kultur- och fritidschef", "2018" under Mål, Problem,
    Aktivitet, Huvudansvar. When the row's one time-only cell sits left of the time column and the
    cell before it could name who is responsible (the column before the time column is a
    responsibility column), the row is realigned from what its cells hold: the time under the time
    column, the responsible before it, the cells before that right before it in their order, the
    cells after the time after it. Rows that would not fit are left as they are."""
    time_column = next((i for i, name in enumerate(columns) if _TIME_COLUMN.search(name)), None)
    times = [i for i, cell in enumerate(cells) if _TIME_CELL.fullmatch(cell.strip())]
    if time_column is None or len(times) != 1 or not 0 < times[0] < time_column:
        return cells
    year = times[0]
    role = cells[year - 1].strip()
    if not _ROLE_COLUMN.search(columns[time_column - 1]) or not role or len(role) > 80 or role.endswith("."):
        return cells
    before = [cell for cell in cells[:year - 1] if cell.strip()]
    after = list(cells[year + 1:])
    width = max(len(columns), len(cells))
    if len(before) > time_column - 1 or any(after[width - time_column - 1:]):
        return cells
    row = [""] * width
    row[time_column - 1 - len(before):time_column - 1] = before
    row[time_column - 1], row[time_column] = cells[year - 1], cells[year]
    row[time_column + 1:time_column + 1 + len(after)] = after[:width - time_column - 1]
    return tuple(row[:width])


def _document_type(stated: object, title: str) -> str | None:
    """The type the header states, else the one the title's first two words name, alone or as a
    compound's end ("Integrationspolicy", "Integrationspolitiskt program för Tranås kommun",
    "Riktlinjer för …"). Further in, a type word says what a text is about, not what it is: "Uppdrag
    att strategiskt planera arbetet …" is an assignment, "EU:s nya handelsstrategi" a news item."""
    if isinstance(stated, str) and stated:
        return stated
    for word in _WORD.findall(title.lower())[:2]:
        for name in _DOCUMENT_TYPES:
            if re.fullmatch(rf"[\w-]*{name}(?:r|rna|er|en|et|n|ar|erna)?", word):
                return name.capitalize()
    return None


_FIELDS = frozenset({"adopted_by", "adopted_date", "published_date", "valid_from", "valid_until",
                     "revision_date", "registration_number", "document_owner", "issued_by", "applies_to",
                     "version", "document_type"})


def _typed_fields(values: dict[str, object]) -> dict[str, object]:
    return {name: value for name, value in values.items()
            if name in _FIELDS and name != "document_type" and value is not None}


@dataclass
class _Table:
    columns: tuple[str, ...]
    path: tuple[str, ...]
    start: int
    end: int
    previous: tuple[str, ...] | None = None
    unnamed: bool = False  # the header names no column after the first (a caption over the table)


@dataclass
class _SectionBuilder:
    """Walks the content elements once, keeping the open heading path."""

    text: str
    root: str
    sections: list[Section] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    _stack: list[tuple[int, str, int]] = field(default_factory=list)  # (level, title, start)
    _table: _Table | None = None
    _numbered_base: int = 1
    _previous_was_heading: bool = False
    _in_toc: bool = False

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(title for _, title, _ in self._stack) or (self.root,)

    def consume(self, elements: list[Element], *, skip: set[int]) -> None:
        levels = [e.level for e in elements if e.kind == ElementKind.HEADING and e.level is not None]
        self._numbered_base = min(levels, default=1)
        for index, element in enumerate(elements):
            if index in skip:
                continue
            if self._in_toc and self._is_toc_entry(element):
                continue
            self._in_toc = False
            if element.kind == ElementKind.HEADING:
                self._heading(element)
            elif element.kind == ElementKind.TABLE_ROW:
                self._table_row(element)
            else:
                self._content(element)
        self._close_table()
        self._close_sections(level=0, end=len(self.text))

    # --- headings -----------------------------------------------------------------------------

    def _heading(self, element: Element) -> None:
        title = clean_inline(element.text)
        if _TOC_HEADING.match(title):
            self._in_toc = True
            return
        self._close_table()
        level = self._level(element)
        self._close_sections(level=level, end=element.start)
        self._stack.append((level, title, element.start))
        self._previous_was_heading = True

    def _level(self, element: Element) -> int:
        if element.level is not None:
            return max(1, element.level - self._numbered_base + 1)
        # Plain text states no level: a heading right under another heading is its child.
        if self._previous_was_heading and self._stack:
            return self._stack[-1][0] + 1
        return 1

    def _close_sections(self, *, level: int, end: int) -> None:
        while self._stack and self._stack[-1][0] >= level:
            path = [title for _, title, _ in self._stack]
            _, _, start = self._stack.pop()
            self.sections.append(Section(path=path, start=start, end=self._trim_end(end)))

    def _trim_end(self, end: int) -> int:
        while end > 0 and self.text[end - 1].isspace():
            end -= 1
        return end

    def _is_toc_entry(self, element: Element) -> bool:
        if element.kind == ElementKind.TABLE_ROW:
            return True
        return all(_TOC_ENTRY.search(line) for line in element.text.split("\n") if line.strip())

    # --- content ------------------------------------------------------------------------------

    def _content(self, element: Element) -> None:
        self._close_table()
        self._previous_was_heading = False
        if not any(ch.isalpha() for ch in element.text):
            return  # page numbers, stray registry codes: nothing a reader would cite
        kind = BlockKind.LIST if element.kind == ElementKind.LIST_ITEM else BlockKind.PARAGRAPH
        last = self.blocks[-1] if self.blocks else None
        if (kind == BlockKind.LIST and last is not None and last.kind == BlockKind.LIST
                and last.section_path == self.path):
            # Consecutive items form one list block.
            self.blocks[-1] = Block(BlockKind.LIST, last.start, element.end, last.section_path)
            return
        self.blocks.append(Block(kind, element.start, element.end, self.path))

    # --- tables -------------------------------------------------------------------------------

    def _table_row(self, element: Element) -> None:
        self._previous_was_heading = False
        cells = tuple(clean_inline(cell) for cell in element.cells or (element.text,))
        if self._table is None or self._is_repeated_header(cells):
            self._open_table(cells, element)
            return
        table = self._table
        if table.unnamed and table.previous is None and len(cells) > 1 and not cells[0] and all(cells[1:]):
            # "| Stärkt rätt … (mnkr) | | |" over "| | 2026 | 2027 |": the second row names the columns.
            table.columns, table.unnamed, table.end = (table.columns[0], *cells[1:]), False, element.end
            return
        cells = _realigned(cells, table.columns)
        cells = self._carry_goal(cells, table.previous)
        table.previous = cells
        table.end = element.end
        pairs = tuple((name, value) for name, value in zip(table.columns, cells, strict=False) if value)
        if not pairs:
            return
        record = "\n".join(f"{name}: {value}" if name else value for name, value in pairs)
        self.blocks.append(Block(BlockKind.TABLE_ROW, element.start, element.end, table.path,
                                 record=record, cells=pairs))

    def _is_repeated_header(self, cells: tuple[str, ...]) -> bool:
        columns = self._table.columns if self._table else ()
        return len(cells) > 2 and cells[1:] == columns[1:] and cells[0] != ""

    def _open_table(self, header: tuple[str, ...], element: Element) -> None:
        self._close_table()
        columns = list(header)
        path = self.path
        area = _AREA.match(header[0]) if header else None
        if area:
            columns[0] = area.group("column") or header[0]
            path = (*self.path, area.group("area").strip())
        unnamed = len(columns) > 1 and not any(columns[1:])
        columns = [name or f"Kolumn {i + 1}" for i, name in enumerate(columns)]
        self._table = _Table(columns=tuple(columns), path=path, start=element.start, end=element.end,
                             unnamed=unnamed)

    def _carry_goal(self, cells: tuple[str, ...], previous: tuple[str, ...] | None) -> tuple[str, ...]:
        """Leading empty cells continue the row above: carry its leading cells down."""
        if previous is None or (cells and cells[0]):
            return cells
        carried = list(cells)
        for i, cell in enumerate(cells):
            if cell or i >= len(previous):
                break
            carried[i] = previous[i]
        return tuple(carried)

    def _close_table(self) -> None:
        table, self._table = self._table, None
        if table is not None and table.path != self.path:
            self.sections.append(Section(path=list(table.path), start=table.start, end=self._trim_end(table.end)))

