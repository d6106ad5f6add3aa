"""Header metadata: the labelled facts at the top of a Swedish policy document.

Recognises ``Label: value``, ``Label:`` followed by the value on the next line(s), ``Label value``
in table cells (``Fastställd av Kommunstyrelsen § 72.2017``) and ``Antagen 2018-06-25`` followed by
``av Kommunfullmäktige``. A table before the first section heading states them too, as rows of a
label cell and a value cell (``| Beslutad av | Kommunfullmäktige |``) or as a row of labels over a
row of values (``| Beslutad av | Datum |`` over ``| KF | 2021-03-15 |``); there a cell that is a
label alone ("Datum") counts without a colon, and a field's span is its cells' text. Only what the
document states is returned; nothing is inferred.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from assistant.models import Element, ElementKind

# The front matter is searched for labels only this far into the document.
FRONT_MATTER_ELEMENTS = 40
_MAX_LABEL_LINE_CHARS = 160

_VERB = r"(?:beslutad|beslutat|beslutade|fastställd|fastställt|fastställdes|antagen|antaget|antogs|godkänd|godkänt)"
_TOM = r"(?:t\.?\s?o\.?\s?m\.?|till\s+och\s+med|till)"

# Most specific first: "Fastställd datum" before "Fastställd av", "Gäller t o m" before "Gäller för".
_LABELS: list[tuple[str, re.Pattern[str]]] = [
    (field_name, re.compile(rf"^\s*(?:{pattern})(?:\s*:\s*|\s+|$)(?P<value>.*)$", re.IGNORECASE))
    for field_name, pattern in [
        ("valid_until", rf"(?:dokumentet\s+)?(?:gäller|giltig)\s+{_TOM}(?:\s+datum)?"),
        ("valid_from", r"(?:dokumentet\s+)?(?:gäller|giltig)\s+(?:från(?:\s+och\s+med)?|fr\.?\s?o\.?\s?m\.?)"),
        ("applies_to", r"(?:dokumentet\s+)?gäller\s+för"),
        ("adopted_date", rf"{_VERB}\s+(?:datum|den)|beslutsdatum|datum\s+för\s+beslut"),
        ("adopted_by", rf"{_VERB}\s+av|beslutsinstans|beslutande\s+organ"),
        ("published_date", r"publiceringsdatum|publicerad"),
        ("revision_date", r"revideras(?:\s+senast)?|revideringsdatum|nästa\s+revidering|senast\s+reviderad"),
        ("registration_number", r"diarienummer|diarienr|dnr"),
        ("document_owner", r"dokumentansvarig|dokumentägare"),
        ("issued_by", r"utfärdat\s+av|utfärdad\s+av|upprättad\s+av|upprättat\s+av"),
        ("document_type", r"dokumenttyp|dokumentslag"),
        ("version", r"version"),
        ("document_number", r"dokument-id|dokumentnummer"),
        ("date", r"datum"),
    ]
]
# "Antagen 2018-06-25" states the adoption date with the verb as its label.
_VERB_WITH_DATE = re.compile(rf"^\s*{_VERB}\s+(?P<value>\d{{4}}-\d{{2}}-\d{{2}}.*)$", re.IGNORECASE)
_BY_LINE = re.compile(r"^\s*av\s+(?P<value>[A-ZÅÄÖ].*)$")
_INLINE_BY = re.compile(r"\d{4}-\d{2}-\d{2}\S*\s+av\s+(?P<value>[A-ZÅÄÖ].*)$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SWEDISH_MONTHS = {
    name: number
    for number, name in enumerate(
        ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
         "oktober", "november", "december"], start=1)
}
_SWEDISH_DATE = re.compile(r"(\d{1,2})\s+(" + "|".join(_SWEDISH_MONTHS) + r")\s+(\d{4})", re.IGNORECASE)
_PARAGRAPH_REFERENCE = re.compile(r"\s*,?\s*§.*$")
_DATE_FIELDS = {"adopted_date", "published_date", "valid_from", "valid_until", "revision_date"}


@dataclass
class HeaderMetadata:
    """Fields found in the front matter, and which elements held nothing but header lines."""

    values: dict[str, str | dt.date] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # label through value, in the text
    consumed: set[int] = field(default_factory=set)
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class _Line:
    element: int
    start: int
    end: int
    text: str
    column: int | None = None  # a cell of a table before the first section: its column


def _is_cell(line: _Line) -> bool:
    return line.column is not None


def parse_date(value: str) -> dt.date | None:
    """The first ISO (2017-05-30) or Swedish (30 maj 2017) date in ``value``."""
    if match := _ISO_DATE.search(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _SWEDISH_DATE.search(value):
        day, month, year = int(match.group(1)), _SWEDISH_MONTHS[match.group(2).lower()], int(match.group(3))
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def extract_header_metadata(text: str, elements: list[Element], *, skip: set[int]) -> HeaderMetadata:
    """Find labelled metadata in the first elements (``skip``: indexes already used, e.g. the title).

    Cost: linear in the front matter.
    """
    lines = _front_lines(text, elements, skip=skip)
    header = HeaderMetadata()
    used = _label_rows(header, lines)
    for index, line in enumerate(lines):
        if index in used:
            continue
        found = _match_label(line.text, bare=_is_cell(line))
        if found is None:
            continue
        name, value = found
        used.add(index)
        last = index
        if not value:
            value, taken = _value_in_row(lines, index) if _is_cell(line) else ("", [])
            if not taken:
                value, taken = _value_on_following_lines(lines, index)
            used.update(taken)
            last = max(taken, default=index)
        if name == "adopted_date" and index + 1 < len(lines) and (by := _BY_LINE.match(lines[index + 1].text)):
            _store(header, "adopted_by", by.group("value"), span=(lines[index].start, lines[index + 1].end))
            used.add(index + 1)
        if name == "adopted_date" and (inline := _INLINE_BY.search(value)):
            _store(header, "adopted_by", inline.group("value"), span=(line.start, line.end))
        _store(header, name, value, span=(line.start, lines[last].end))
    _mark_consumed(header, lines, used)
    return header


def _front_lines(text: str, elements: list[Element], *, skip: set[int]) -> list[_Line]:
    lines: list[_Line] = []
    in_front = True  # before the first section heading
    for index, element in enumerate(elements[:FRONT_MATTER_ELEMENTS]):
        if index in skip:
            continue
        if element.kind == ElementKind.HEADING:
            in_front = False
            # A styled heading is a section title, unless it is a label ("DNR 2018/103" set as a
            # heading in a Word document is still the registration number).
            if element.level is not None and _match_label(element.text, bare=False) is None:
                continue
        if element.kind == ElementKind.TABLE_ROW and in_front and element.cells:
            lines.extend(_cell_lines(index, text, element))
            continue
        separator = "\t" if element.kind == ElementKind.TABLE_ROW else "\n"
        lines.extend(_split_lines(index, text, element.start, element.end, separator))
    return lines


def _cell_lines(index: int, text: str, element: Element) -> list[_Line]:
    """A row's non-empty cells, each located in the row's text (a cell not found verbatim, e.g. one
    with an escaped ``\\|``, spans the whole row)."""
    assert element.cells is not None  # checked by the caller
    lines, cursor = [], element.start
    for column, cell in enumerate(element.cells):
        if not cell.strip():
            continue
        at = text.find(cell, cursor, element.end)
        if at < 0:
            lines.append(_Line(index, element.start, element.end, cell.strip(), column))
            continue
        lines.append(_Line(index, at, at + len(cell), cell.strip(), column))
        cursor = at + len(cell)
    return lines


def _label_rows(header: HeaderMetadata, lines: list[_Line]) -> set[int]:
    """Rows of labels over rows of values (``Beslutad av | Datum`` over ``KF | 2021-03-15``): each
    value is stored under the label of its column, spanning the value's cell. The indexes of the
    lines used."""
    rows: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        if _is_cell(line):
            rows.setdefault(line.element, []).append(index)
    used: set[int] = set()
    for element, indexes in rows.items():
        values = rows.get(element + 1, [])
        labels = [_match_label(lines[i].text, bare=True) for i in indexes]
        if (len(indexes) < 2 or not values or any(found is None or found[1] for found in labels)
                or any(_match_label(lines[i].text, bare=True) for i in values) or used & set(indexes)):
            continue
        by_column = {lines[i].column: i for i in values}
        for i, found in zip(indexes, labels, strict=True):
            value = by_column.get(lines[i].column)
            if found is not None and value is not None:
                _store(header, found[0], lines[value].text, span=(lines[value].start, lines[value].end))
                used.add(value)
        used.update(indexes)
    return used


def _value_in_row(lines: list[_Line], index: int) -> tuple[str, list[int]]:
    """A label cell's value: the next cell of its row, unless that one is a label too."""
    following = index + 1
    if (following < len(lines) and lines[following].element == lines[index].element
            and _match_label(lines[following].text, bare=True) is None):
        return lines[following].text, [following]
    return "", []


def _split_lines(element: int, text: str, start: int, end: int, separator: str) -> list[_Line]:
    """The element's lines (or a row's cells) with their own spans, surrounding blanks trimmed."""
    lines = []
    offset = start
    for raw in text[start:end].split(separator):
        stripped = raw.strip()
        if stripped:
            begin = offset + len(raw) - len(raw.lstrip())
            lines.append(_Line(element, begin, begin + len(stripped), stripped))
        offset += len(raw) + 1
    return lines


def _match_label(text: str, *, bare: bool = False) -> tuple[str, str] | None:
    """The field a label line names and the value it states (empty: on the next line or cell).
    ``bare``: ``text`` is a whole table cell, where a label alone ("Datum") is a label."""
    if len(text) > _MAX_LABEL_LINE_CHARS:
        return None
    if match := _VERB_WITH_DATE.match(text):
        # "Antagen 2018-06-25" — the body may follow on the same line ("… av Kommunfullmäktige").
        return "adopted_date", match.group("value").strip()
    for name, pattern in _LABELS:
        match = pattern.match(text)
        if match is None:
            continue
        value = match.group("value").strip()
        # "Datum"/"Version" alone are too common in prose to count without a colon or a value.
        if name in {"date", "version"} and ":" not in text and not value and not bare:
            return None
        return name, value
    return None


def _value_on_following_lines(lines: list[_Line], index: int) -> tuple[str, list[int]]:
    """A label with an empty value takes the following lines up to the next label (max 3)."""
    values: list[str] = []
    taken: list[int] = []
    for following in range(index + 1, min(index + 4, len(lines))):
        text = lines[following].text
        if not text or _match_label(text, bare=_is_cell(lines[following])) is not None \
                or len(text) > _MAX_LABEL_LINE_CHARS:
            break
        if lines[following].element != lines[index].element and values:
            break  # the value stayed inside the label's block
        values.append(text)
        taken.append(following)
        if lines[following].element != lines[index].element:
            break  # a value in the next block is one line, never more
    return ", ".join(values), taken


def _store(header: HeaderMetadata, name: str, value: str, *, span: tuple[int, int]) -> None:
    value = value.strip().rstrip(",;")
    if name == "date":
        name = "adopted_date"
    if not value or name in header.values:
        return
    if name in _DATE_FIELDS:
        date = parse_date(value)
        if date is None:
            return
        header.values[name] = date
    else:
        header.values[name] = _PARAGRAPH_REFERENCE.sub("", value) if name == "adopted_by" else value
    header.spans[name] = span


def _mark_consumed(header: HeaderMetadata, lines: list[_Line], used: set[int]) -> None:
    """Elements all of whose non-empty lines are header lines are not content."""
    by_element: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        if line.text:
            by_element.setdefault(line.element, []).append(index)
    for element, indexes in by_element.items():
        if all(index in used for index in indexes):
            header.consumed.add(element)
    spans = [(lines[i].start, lines[i].end) for i in used]
    if spans:
        header.start = min(start for start, _ in spans)
        header.end = max(end for _, end in spans)
