"""How a document's lines form lists: whether a line is a list item, where its words begin, the
items (or, under a colon, the short lines) after a unit, the title of the item a unit stands in, and
the non-blank lines before and after a place. Line and regex work only; ``quoting`` and
``selection`` read a chosen unit's list with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.chunk import unit_spans

MAX_LIST_ITEMS = 12
_MAX_TITLE_CHARS = 150  # an item's title, or a title run into a short sentence (a Word list paragraph)

# A list item: a bullet (a middle dot too: "· ett mer suveränt Europa"), or a number or letter with a
# dot or parenthesis ("1. ", "b) ").
ITEM_MARKER = re.compile(r"\s*(?:[-•*–·●▪◦]|\d{1,2}[.)]|[a-z][.)])\s")
_SPACES = re.compile(r"[ \t]*")


def is_list_item(line: str) -> bool:
    """``line`` starts a list item."""
    return ITEM_MARKER.match(line) is not None


def opens_an_item(text: str, start: int) -> bool:
    """Whether the unit starting at ``start`` of ``text`` is a list item's first words: only its
    bullet or number stands before it on its line ("67. Region Västmanland", read without "67. ")."""
    line_start = text.rfind("\n", 0, start) + 1
    marker = ITEM_MARKER.match(text, line_start)
    return marker is not None and not text[marker.end():start].strip()


def is_item_at(text: str, start: int, unit: str) -> bool:
    """Whether ``unit``, starting at ``start`` of ``text``, is a list item, its bullet or number in
    it or just before it (``opens_an_item``)."""
    return is_list_item(unit) or opens_an_item(text, start)


def after_item_marker(text: str, start: int) -> int:
    """Where the words of a list item whose line starts at ``start`` begin: after its bullet or
    number and the spaces after it ("* SGU ska …", "2. Kommunen …"); ``start`` for any other line."""
    marker = ITEM_MARKER.match(text, start)
    return start if marker is None else _SPACES.match(text, marker.end()).end()


def item_heading(text: str, start: int) -> str:
    """The opening sentence of the list item the unit at ``start`` is inside, when the unit is not
    that sentence; else "". A numbered item's title ("3. Förmedla bidrag till Sweden Food Arena")
    says what the sentences under it are about ("För åtgärden får … högst 3 miljoner kronor."), as a
    heading does: on the item's own line, or above an indented paragraph of it. Cost: a scan back
    over the item's lines."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start:len(text) if line_end == -1 else line_end]
    if ITEM_MARKER.match(line) is None:
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            return ""
        for first, _ in lines_before(text, start):
            above = text.rfind("\n", 0, first) + 1
            if first - above >= indent:
                continue  # another paragraph of the same item
            line_start, line_end = above, text.find("\n", first)
            line = text[line_start:line_end]
            break
        else:
            return ""
    marker = ITEM_MARKER.match(line)
    if marker is None:
        return ""
    opening = unit_spans(line[marker.end():], base=line_start + marker.end())
    if not opening or opening[0][0] <= start < opening[0][1]:
        return ""  # the unit is the opening sentence itself
    if opening[0][1] - opening[0][0] > _MAX_TITLE_CHARS:
        return ""  # a long opening sentence states a fact of its own; it is no title over the next
    return text[opening[0][0]:opening[0][1]]


def listed_after(text: str, unit: str, end: int) -> list[tuple[int, int]]:
    """The list items after a unit ending at ``end`` (``_items_after``); for a unit ending in a
    colon, when no bullet marks them, the short lines right under it ("Kontaktpersoner:" over
    "Terrängkörning: Anna Berglund 08-405 49 58", a web page's list written line by line)."""
    items = _items_after(text, end)
    if items or not unit.rstrip().rstrip("*_").rstrip().endswith(":"):
        return items
    return _lines_under(text, end)


_LONGEST_LISTED_LINE = 200  # a line longer than this under a colon is a paragraph, not an item


def _lines_under(text: str, end: int) -> list[tuple[int, int]]:
    """The lines right under the line ending at ``end`` (its markup aside), up to a blank line, a
    heading or a bullet, when there are two or more and each is short: lines the unit announces."""
    lines: list[tuple[int, int]] = []
    previous = end
    for start, stop in lines_after(text, end):
        gap = text[previous:start].strip(" \t*_")
        line = text[start:stop]
        if gap != "\n" or line.startswith("#") or is_list_item(line) or len(line) > _LONGEST_LISTED_LINE \
                or len(lines) >= MAX_LIST_ITEMS:
            break
        lines.append((start, stop))
        previous = stop
    return lines if len(lines) >= 2 else []


def _items_after(text: str, position: int) -> list[tuple[int, int]]:
    """The list items that follow ``position`` in ``text`` (blank lines between them allowed); an
    indented line continues the item above it ("* Utifrån gällande regelverk beskriva hur och" /
    "  identifieringen av …"), so an item is never cut at its first line break."""
    items: list[tuple[int, int]] = []
    for start, end in lines_after(text, position):
        if items and not is_list_item(text[start:end]) and indented(text, start):
            items[-1] = (items[-1][0], end)
            continue
        if not is_list_item(text[start:end]) or len(items) >= MAX_LIST_ITEMS:
            break
        items.append((start, end))
    return items


def indented(text: str, start: int) -> bool:
    """The line holding ``start`` (a stripped span's start) is indented in ``text``."""
    line_start = text.rfind("\n", 0, start) + 1
    return start > line_start


def lines_after(text: str, position: int) -> Iterator[tuple[int, int]]:
    """Non-blank lines after the line holding ``position``, as stripped spans."""
    at = text.find("\n", position)
    while at != -1:
        nxt = text.find("\n", at + 1)
        line_end = len(text) if nxt == -1 else nxt
        line = text[at + 1:line_end]
        if line.strip():
            offset = at + 1 + len(line) - len(line.lstrip())
            yield offset, offset + len(line.strip())
        at = nxt


def lines_before(text: str, position: int) -> Iterator[tuple[int, int]]:
    """Non-blank lines before the line holding ``position``, nearest first, as stripped spans."""
    at = text.rfind("\n", 0, position)
    while at != -1:
        previous = text.rfind("\n", 0, at)
        line = text[previous + 1:at]
        if line.strip():
            offset = previous + 1 + len(line) - len(line.lstrip())
            yield offset, offset + len(line.strip())
        at = previous
