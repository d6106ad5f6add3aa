"""DOCX reader: the body of a Word document, paragraphs and tables interleaved in document order.

Headings come from paragraph styles (``Heading N``/``Rubrik N``, ``Title``/``Rubrik``, also through
a custom style based on one of them), list items from list styles or Word numbering. The text is
laid out like the HTML reader's (``BlockTextWriter``): a blank line between blocks, ``- item`` for
list items, one TAB-separated line per table row.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from docx import Document as open_docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

from assistant.models import ExtractedText
from assistant.parse.characters import without_invisibles
from assistant.parse.errors import ParseError
from assistant.parse.html import BlockTextWriter

_NOT_DOCX = "the file is not a valid DOCX document"
_OLE_FILE = "the file is a password-protected Office document or an old .doc file, not a DOCX document"
# Encrypted Office files and legacy .doc files are OLE compound files, not zip packages.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_STYLE = re.compile(r"^(?:heading|rubrik)\s*(?P<level>[1-9])$", re.IGNORECASE)
_TITLE_STYLES = frozenset({"title", "rubrik"})
_LIST_STYLE_MARKER = "list"  # matches "List Bullet", "List Number", Swedish "Liststycke"
# How far up a style's "based on" chain a heading style is looked for (Word allows long chains).
_MAX_STYLE_DEPTH = 5
# Runs whose text shows: not deleted or moved away (tracked changes), not inside a text box.
_VISIBLE_RUNS = (".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom)"
                 " and not(ancestor::w:txbxContent) and not(ancestor::*[local-name()='Fallback'])]")


def read_docx(data: bytes) -> ExtractedText:
    """Extract the body text of a DOCX file with its headings, paragraphs, list items and table rows.

    Raises ``ParseError`` for anything python-docx cannot open or read as a Word document. Page
    headers, footers, footnotes, comments and text boxes are not read. Cost: one parse of the
    document XML, then linear in its size.
    """
    document = _open(data)
    writer = BlockTextWriter()
    try:
        for block in _body_blocks(document):
            if isinstance(block, Paragraph):
                _paragraph(block, writer)
            else:
                writer.table(list(_table_rows(block)))
    # Parts are read lazily, so a damaged styles or numbering part only fails here.
    except Exception as error:
        raise ParseError(_NOT_DOCX) from error
    return writer.result()


def _open(data: bytes) -> DocxDocument:
    if data.startswith(_OLE_MAGIC):
        raise ParseError(_OLE_FILE)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ParseError(_NOT_DOCX)
    try:
        return open_docx(io.BytesIO(data))
    # A broken package fails in many ways: a missing part (KeyError), a member that does not
    # inflate (zlib.error, NotImplementedError, RuntimeError), XML that does not parse, a wrong
    # content type (ValueError). All mean the same to the user.
    except Exception as error:
        raise ParseError(_NOT_DOCX) from error


def _body_blocks(document: DocxDocument) -> Iterator[Paragraph | Table]:
    yield from _blocks_in(document.element.body, document)


def _blocks_in(container: etree._Element, document: DocxDocument) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables in document order, looking inside content controls (``w:sdt``)."""
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks_in(content, document)
        elif child.tag == qn("w:customXml"):
            yield from _blocks_in(child, document)


# --- paragraphs ----------------------------------------------------------------------------


def _paragraph(paragraph: Paragraph, writer: BlockTextWriter) -> None:
    lines = _paragraph_lines(paragraph)
    if not lines:
        return
    level = _heading_level(paragraph.style)
    if level is not None:
        writer.heading(" ".join(lines), level=level)
    elif _is_list_item(paragraph):
        writer.list_item(" ".join(lines))
    else:
        # Soft line breaks (Shift+Enter, <w:br/>) end lines, as in a text file: a header block typed
        # as "Fastställd av: KS<br/>Gäller t.o.m.: 2018-12-31" is one line per field, and a value
        # that goes on over two lines ("Utfärdat av:<br/>Kommunledningsförvaltningen<br/>
        # Ekonomiavdelningen") stays with its label.
        writer.paragraph("\n".join(lines))


def _paragraph_lines(paragraph: Paragraph) -> list[str]:
    """The paragraph's visible text, one item per line ended by a soft line break; blank lines dropped."""
    # Paragraph.text misses runs inside tracked insertions, fields, smart tags and content controls.
    runs = paragraph._p.xpath(_VISIBLE_RUNS)
    raw = "".join(run.text for run in runs)  # python-docx renders <w:br/> and <w:cr/> as "\n"
    return [line for line in (_collapse(part) for part in raw.split("\n")) if line]


def _paragraph_text(paragraph: Paragraph) -> str:
    return " ".join(_paragraph_lines(paragraph))


def _heading_level(style: BaseStyle | None) -> int | None:
    """Title → 1, Heading N → N, following the "based on" chain of custom styles."""
    for _ in range(_MAX_STYLE_DEPTH):
        if style is None:
            return None
        name = (style.name or "").strip()
        if name.casefold() in _TITLE_STYLES:
            return 1
        if match := _HEADING_STYLE.match(name):
            return int(match.group("level"))
        style = style.base_style
    return None


def _is_list_item(paragraph: Paragraph) -> bool:
    style = paragraph.style
    if style is not None and _LIST_STYLE_MARKER in (style.name or "").casefold():
        return True
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    if numbering is None or numbering.numId is None:
        return False
    # numId 0 is how Word switches numbering off for a paragraph whose style has it.
    return numbering.numId.val != 0


# --- tables --------------------------------------------------------------------------------


def _table_rows(table: Table) -> Iterator[tuple[str, ...]]:
    for row in table.rows:
        yield _row_cells(row)


def _row_cells(row: _Row) -> tuple[str, ...]:
    """One text per grid column, so that every row lines up with the header row.

    python-docx repeats a horizontally merged cell for each grid column it spans and yields the top
    cell again in each row a vertical merge covers. The text is kept once, in the first position
    of the merge; the other positions are "" (for a vertical merge that makes the row continue
    the row above, as a row with blank first cells does).
    """
    cells: list[str] = [""] * row.grid_cols_before
    previous: _Cell | None = None
    for cell in row.cells:
        repeated = previous is not None and cell._tc is previous._tc
        from_row_above = cell._tc.getparent() is not row._tr
        cells.append("" if repeated or from_row_above else _cell_text(cell))
        previous = cell
    return tuple(cells)


def _cell_text(cell: _Cell) -> str:
    parts = [_paragraph_text(paragraph) for paragraph in cell.paragraphs]
    parts.extend(
        " ".join(" ".join(row) for row in _table_rows(nested)) for nested in cell.tables
    )
    return _collapse(" ".join(parts))


def _collapse(text: str) -> str:
    return " ".join(without_invisibles(text).split())
