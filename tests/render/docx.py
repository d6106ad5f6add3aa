"""Render elements as a DOCX the way a municipality's Word document is built: built-in styles for
the title, headings and bullet lists, real Word tables, a running header and a page number footer.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph

from assistant.models import Element
from tests.render import source
from tests.render.source import Block, blocks_of

_MAX_HEADING_LEVEL = 9  # Word's built-in styles stop at "Heading 9"
_FIXED_TIME = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def render_docx(elements: Sequence[Element], *, numbered_headings: bool = False,
                running_header: str | None = None) -> bytes:
    """The DOCX bytes of ``elements``: element 0 in the "Title" style, headings in "Heading N"
    (a heading without a stated level is "Heading 1"), list items in "List Bullet", paragraphs in
    "Normal" (line breaks kept), and each run of consecutive table rows one "Table Grid" table whose
    first row is a bold header row repeated on every page. ``numbered_headings`` prefixes headings
    with "1.", "1.1" as ``render_pdf`` does. The page header carries ``running_header``; the footer
    reads "Sida <PAGE field>". A4, 2.5 cm margins. Deterministic.
    """
    document = Document()
    _page_setup(document, elements[0].text if elements else "", running_header)
    numbered = source.numbered_headings(elements) if numbered_headings else {}
    for block in blocks_of(elements):
        _add_block(document, block, numbered)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _add_block(document: WordDocument, block: Block, numbered: dict[int, str]) -> None:
    first = block.elements[0]
    if block.kind == "title":
        document.add_paragraph(first.text, style="Title")
    elif block.kind == "heading":
        level = min(max(first.level or 1, 1), _MAX_HEADING_LEVEL)
        document.add_paragraph(numbered.get(block.first, first.text), style=f"Heading {level}")
    elif block.kind == "list":
        for item in block.elements:
            document.add_paragraph(item.text, style="List Bullet")
    elif block.kind == "table":
        _add_table(document, block)
    else:
        document.add_paragraph(first.text, style="Normal")


def _add_table(document: WordDocument, block: Block) -> None:
    """A "Table Grid" table of the block's rows, short rows padded; the first row is the header."""
    rows = [row.cells or (row.text,) for row in block.elements]
    columns = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=columns)
    table.style = document.styles["Table Grid"]
    for index, (cells, row) in enumerate(zip(rows, table.rows, strict=True)):
        for text, cell in zip(cells, row.cells, strict=False):
            if text:
                cell.paragraphs[0].add_run(text).bold = True if index == 0 else None
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))  # "Repeat as header row at the top of each page"


def _page_setup(document: WordDocument, title: str, running_header: str | None) -> None:
    """A4 with 2.5 cm margins, the running header, the page number footer and fixed core properties."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2.5)
    if running_header:
        section.header.paragraphs[0].text = running_header
    footer = section.footer.paragraphs[0]
    footer.text = "Sida "
    _append_page_field(footer)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, "", ""
    properties.created = properties.modified = _FIXED_TIME
    properties.revision = 1


def _append_page_field(paragraph: Paragraph) -> None:
    """A PAGE field, which Word fills in with each page's number (the cached value reads 1)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _fixed_zip_times(data: bytes) -> bytes:
    """The same package with every member dated 1980-01-01: python-docx stamps members with the
    current time, which would make two renderings of one text differ."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return buffer.getvalue()
