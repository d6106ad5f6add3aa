"""HTML reader: the visible content of a page, as blocks of plain text with their elements.

Page chrome (scripts, styles, navigation, the page's own header and footer, forms, hidden content)
is dropped. The remaining blocks are laid out one per paragraph, separated by a blank line:
``h1``-``h6`` become headings, ``li`` a ``- item`` line, every ``tr`` one TAB-separated line, and
any other run of text (``p``, ``blockquote``, ``pre``, ``dt``/``dd``, text directly in a ``div``)
a paragraph. ``BlockTextWriter`` does the layout and is shared with the DOCX reader.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import EncodingDetector
from bs4.element import CData, Comment, Declaration, Doctype, ProcessingInstruction

from assistant.models import Element, ElementKind, ExtractedText
from assistant.parse.characters import without_invisibles
from assistant.parse.errors import ParseError

_NOT_HTML = "the file is not readable HTML"

# Never content: code, page chrome, form controls and embedded objects.
_DROPPED_TAGS = frozenset({
    "script", "style", "template", "noscript", "nav", "form", "head", "title", "meta", "link",
    "iframe", "object", "embed", "svg", "canvas", "button", "select", "textarea", "input", "option",
})
_DROPPED_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
# A <header>/<footer> inside these is part of the content (an article's title), not page chrome.
_SECTIONING = frozenset({"article", "main", "section", "aside"})
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
# Tags that start a new block; everything else is inline and joins the surrounding text.
_BLOCK_TAGS = frozenset({
    *_HEADINGS, "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
    "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "header",
    "hr", "html", "li", "main", "menu", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul", "legend",
    # Dropped, but still a boundary: text on either side does not join into one paragraph.
    "nav", "form", "noscript", "template",
})
_NESTED_BLOCKS = frozenset({"ul", "ol", "menu", "dl", "table"})
_SKIPPED_STRINGS = (Comment, CData, Declaration, Doctype, ProcessingInstruction)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
# More control characters than this share of the start of a file means it is binary, not HTML.
_MAX_CONTROL_SHARE = 0.01
_SNIFF_CHARS = 4096
_MAX_SPAN = 1000


def read_html(data: bytes) -> ExtractedText:
    """Extract the visible text of an HTML page with its headings, paragraphs, list items and rows.

    The charset comes from a byte-order mark or the page's declaration, else UTF-8 (Windows-1252
    when the bytes are not UTF-8). Malformed markup is read as browsers would; bytes that are not
    text at all raise ``ParseError``. Cost: linear in the size of the page (one lxml parse, one walk).
    """
    markup = _decode(data)
    if _looks_binary(markup):
        raise ParseError(_NOT_HTML)
    soup = BeautifulSoup(markup, "lxml")
    writer = BlockTextWriter()
    root = soup.find("main") or soup.find(attrs={"role": "main"}) or soup
    if isinstance(root, Tag):
        _walk(root, writer)
    return writer.result()


# --- decoding ------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    data, bom_encoding = EncodingDetector.strip_byte_order_mark(data)
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    for encoding in (bom_encoding, _usable(declared), "utf-8"):
        if encoding is None:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    # Undeclared legacy pages are Windows-1252 exports far more often than anything else.
    return data.decode("cp1252", errors="replace")


def _usable(declared: str | None) -> str | None:
    """A declared charset Python knows; a declared UTF-16/32 without a BOM is UTF-8 (as in browsers)."""
    if not declared:
        return None
    try:
        name = codecs.lookup(declared).name
    except (LookupError, ValueError):  # unknown, or not a name at all ("utf-8\x00": ValueError)
        return None
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def _looks_binary(markup: str) -> bool:
    sample = markup[:_SNIFF_CHARS]
    if "\x00" in sample:
        return True
    return len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * max(len(sample), 1)


# --- walking the tree ----------------------------------------------------------------------


def _is_dropped(tag: Tag) -> bool:
    if tag.name in _DROPPED_TAGS or tag.get("aria-hidden") == "true" or tag.has_attr("hidden"):
        return True
    if tag.get("role") in _DROPPED_ROLES:
        return True
    if tag.name in {"header", "footer"}:
        return tag.find_parent(_SECTIONING) is None
    return False


def _walk(container: Tag, writer: BlockTextWriter) -> None:
    """Write the blocks inside ``container``; runs of inline content between blocks are paragraphs."""
    run: list[str] = []
    for child in container.children:
        if isinstance(child, Tag) and child.name in _BLOCK_TAGS:
            writer.paragraph(_collapse("".join(run)))
            run = []
            if not _is_dropped(child):
                _block(child, writer)
        else:
            run.append(_inline_text(child))
    writer.paragraph(_collapse("".join(run)))


def _block(tag: Tag, writer: BlockTextWriter) -> None:
    if tag.name in _HEADINGS:
        writer.heading(_collapse(_inline_text(tag)), level=_HEADINGS[tag.name])
    elif tag.name in {"p", "pre", "dt", "dd", "caption", "figcaption", "summary", "legend"}:
        writer.paragraph(_collapse(_inline_text(tag)))
    elif tag.name == "li":
        _list_item(tag, writer)
    elif tag.name == "table":
        _table(tag, writer)
    else:
        _walk(tag, writer)


def _list_item(item: Tag, writer: BlockTextWriter) -> None:
    """The item's own text is one line; lists and tables nested in it follow as their own blocks."""
    writer.list_item(_collapse(_inline_text(item, skip=_NESTED_BLOCKS)))
    for nested in _outermost(item, _NESTED_BLOCKS):
        _block(nested, writer)


def _table(table: Tag, writer: BlockTextWriter) -> None:
    cells = [cell for tr in _outermost(table, frozenset({"tr"}))
             for cell in tr.find_all(["td", "th"], recursive=False)]
    if _is_layout_table(table, cells):
        for cell in cells:
            _walk(cell, writer)
        return
    caption = table.find("caption", recursive=False)
    if isinstance(caption, Tag):
        writer.paragraph(_collapse(_inline_text(caption)))
    # Rows of nested tables sit inside a cell of an outer row, so they are never reached here.
    rows = [
        [_GridCell(_collapse(_inline_text(cell)), _span(cell, "colspan"), _span(cell, "rowspan"))
         for cell in tr.find_all(["td", "th"], recursive=False)]
        for tr in _outermost(table, frozenset({"tr"}))
    ]
    writer.table(_aligned(rows))


def _is_layout_table(table: Tag, cells: list[Tag]) -> bool:
    """A table that lays out a page (old sites put the whole page in one) rather than holding data:
    marked presentational, or with headings or further tables inside its cells."""
    if table.get("role") in {"presentation", "none"}:
        return True
    return any(cell.find(["h1", "h2", "h3", "h4", "h5", "h6", "table"]) is not None for cell in cells)


@dataclass(frozen=True, slots=True)
class _GridCell:
    text: str
    colspan: int
    rowspan: int


def _span(cell: Tag, attribute: str) -> int:
    value = str(cell.get(attribute) or "1").strip()
    # 0 ("to the end") and junk count as 1; a cap keeps a hostile colspan from costing memory.
    return min(int(value), _MAX_SPAN) if value.isdigit() and int(value) > 0 else 1


def _aligned(rows: list[list[_GridCell]]) -> list[tuple[str, ...]]:
    """One text per grid column: a spanning cell's text sits in its first position, the other
    positions it covers are "" (below a rowspan the row thus continues the row above)."""
    covered: dict[int, int] = {}  # column → rows still covered by a rowspan from above
    aligned: list[tuple[str, ...]] = []
    for row in rows:
        active = {column for column, left in covered.items() if left > 0}
        covered = {column: left - 1 for column, left in covered.items() if left > 1}
        cells: list[str] = []
        for cell in row:
            while len(cells) in active:
                cells.append("")
            for offset in range(cell.colspan):
                if cell.rowspan > 1:
                    covered[len(cells)] = cell.rowspan - 1
                cells.append("" if offset else cell.text)
        aligned.append(tuple(cells))
    return aligned


def _outermost(tag: Tag, names: frozenset[str]) -> Iterator[Tag]:
    """Descendants named ``names`` that are not inside another such descendant or dropped content."""
    for child in tag.children:
        if not isinstance(child, Tag) or _is_dropped(child):
            continue
        if child.name in names:
            yield child
        else:
            yield from _outermost(child, names)


def _inline_text(node: object, *, skip: frozenset[str] = frozenset()) -> str:
    """All visible text under ``node``; block boundaries and ``<br>`` become spaces."""
    if isinstance(node, _SKIPPED_STRINGS):
        return ""
    if isinstance(node, NavigableString):
        return str(node)
    if not isinstance(node, Tag) or _is_dropped(node) or node.name in skip:
        return ""
    if node.name == "br":
        return " "
    inner = "".join(_inline_text(child, skip=skip) for child in node.children)
    return f" {inner} " if node.name in _BLOCK_TAGS else inner


def _collapse(text: str) -> str:
    return " ".join(without_invisibles(text).split())


# --- layout --------------------------------------------------------------------------------


class BlockTextWriter:
    """Lays out blocks as plain text and records each block's element at its span.

    Blocks are separated by a blank line; the rows of one table by a single newline. A list item
    is written ``- item`` (its span covers the marker, its ``Element.text`` does not); a table row
    joins its cells with a TAB. Empty blocks and all-empty rows are skipped. Cost: amortised
    constant per character written.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._elements: list[Element] = []

    def heading(self, text: str, *, level: int | None) -> None:
        if text:
            start, end = self._write(text, separator="\n\n")
            self._elements.append(Element(ElementKind.HEADING, start, end, text, level=level))

    def paragraph(self, text: str) -> None:
        if text:
            start, end = self._write(text, separator="\n\n")
            self._elements.append(Element(ElementKind.PARAGRAPH, start, end, text))

    def list_item(self, text: str, *, marker: str = "-") -> None:
        """Write ``{marker} {text}``: "-" for a bullet, the number for an enumerated item ("1.")."""
        if text:
            start, end = self._write(f"{marker} {text}", separator="\n\n")
            self._elements.append(Element(ElementKind.LIST_ITEM, start, end, text))

    @property
    def elements(self) -> Sequence[Element]:
        """The elements written so far, in order (a view: do not change it)."""
        return self._elements

    @property
    def length(self) -> int:
        """The length of the text written so far."""
        return self._length

    def table(self, rows: Sequence[tuple[str, ...]]) -> None:
        """Write one table. Cells must not contain TABs or newlines (collapse them first)."""
        separator = "\n\n"
        for cells in rows:
            if not any(cells):
                continue
            line = "\t".join(cells)
            start, end = self._write(line, separator=separator)
            text = " ".join(cell for cell in cells if cell)
            self._elements.append(Element(ElementKind.TABLE_ROW, start, end, text, cells=cells))
            separator = "\n"

    def result(self) -> ExtractedText:
        return ExtractedText(text="".join(self._parts), elements=list(self._elements))

    def _write(self, block: str, *, separator: str) -> tuple[int, int]:
        if self._length:
            self._parts.append(separator)
            self._length += len(separator)
        start = self._length
        self._parts.append(block)
        self._length += len(block)
        return start, self._length
