"""Front matter written as a table gives the same typed metadata as label lines do: two-column rows
(``| Beslutad av | Kommunfullmäktige |``) or a row of labels over a row of values, in Markdown,
plain text and DOCX. Those rows are metadata, not content, and each field's span is its cells' text.
(Beside ``test_formats.py``, in its style: the fixtures are written here, DOCX with python-docx.)"""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from assistant.models import BlockKind, Document
from assistant.parse import parse_bytes

TITLE = "Riktlinje för bostadsanpassning"
FIELDS = [("Beslutad av", "Kommunfullmäktige"), ("Datum", "2021-03-15"), ("Diarienummer", "KS 2021/12"),
          ("Dokumentansvarig", "Socialchef")]
EXPECTED = {"adopted_by": "Kommunfullmäktige", "adopted_date": dt.date(2021, 3, 15),
            "registration_number": "KS 2021/12", "document_owner": "Socialchef"}
BODY_HEADING = "Syfte"
BODY = "Riktlinjen beskriver hur kommunen handlägger ansökningar om bostadsanpassningsbidrag."


def label_lines_txt() -> bytes:
    lines = "\n".join(f"{label}: {value}" for label, value in FIELDS)
    return f"{TITLE}\n\n{lines}\n\n{BODY_HEADING}\n\n{BODY}\n".encode()


def two_column_md() -> bytes:
    rows = [f"| {label} | {value} |" for label, value in FIELDS]
    table = "\n".join([rows[0], "|---|---|", *rows[1:]])
    return f"# {TITLE}\n\n{table}\n\n## {BODY_HEADING}\n\n{BODY}\n".encode()


def header_row_md() -> bytes:
    labels = " | ".join(label for label, _ in FIELDS)
    values = " | ".join(value for _, value in FIELDS)
    return (f"# {TITLE}\n\n| {labels} |\n|{'---|' * len(FIELDS)}\n| {values} |\n\n"
            f"## {BODY_HEADING}\n\n{BODY}\n").encode()


def two_column_tab_txt() -> bytes:
    rows = "\n".join(f"{label}\t{value}" for label, value in FIELDS)
    return f"{TITLE}\n\n{rows}\n\n{BODY_HEADING}\n\n{BODY}\n".encode()


def a_docx(rows: list[tuple[str, ...]]) -> bytes:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    document.add_heading(BODY_HEADING, level=1)
    document.add_paragraph(BODY)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def two_column_docx() -> bytes:
    return a_docx(list(FIELDS))


def header_row_docx() -> bytes:
    return a_docx([tuple(label for label, _ in FIELDS), tuple(value for _, value in FIELDS)])


SOURCES = {
    "txt label lines": (".txt", label_lines_txt),
    "md two-column table": (".md", two_column_md),
    "md header-row table": (".md", header_row_md),
    "txt TAB table": (".txt", two_column_tab_txt),
    "docx two-column table": (".docx", two_column_docx),
    "docx header-row table": (".docx", header_row_docx),
}


def parsed(name: str) -> Document:
    suffix, make = SOURCES[name]
    return parse_bytes(make(), suffix=suffix, source_path=f"riktlinje{suffix}", document_id="riktlinje")


@pytest.mark.parametrize("name", list(SOURCES))
def test_front_matter_in_a_table_gives_the_metadata_label_lines_give(name: str) -> None:
    document = parsed(name)

    assert document.title == TITLE
    assert {field: getattr(document, field) for field in EXPECTED} == EXPECTED
    assert document == parsed(name)  # and nothing else differs from run to run


@pytest.mark.parametrize("name", list(SOURCES))
def test_the_metadata_rows_are_not_content(name: str) -> None:
    document = parsed(name)

    assert not [b for b in document.blocks if b.kind == BlockKind.TABLE_ROW]
    assert [document.text[b.start:b.end] for b in document.blocks] == [BODY]
    assert all(section.path == [BODY_HEADING] for section in document.sections)
    assert document.header_start < document.header_end <= document.text.index(BODY_HEADING)


@pytest.mark.parametrize("name", list(SOURCES))
def test_each_field_span_is_the_text_of_its_cells(name: str) -> None:
    document = parsed(name)

    for (label, value), field in zip(FIELDS, EXPECTED, strict=True):
        start, end = document.field_spans[field]
        stated = document.text[start:end]
        assert stated.endswith(value), (field, stated)
        # A label and its value in one row are both in the span; under a header row, the value alone.
        assert stated.startswith(label) or (stated == value and "header-row" in name), (field, stated)


def test_a_table_under_a_section_heading_is_content_even_with_a_date_column() -> None:
    text = (f"# {TITLE}\n\nBeslutad av: Kommunstyrelsen\n\n## Aktiviteter\n\n| Aktivitet | Datum |\n|---|---|\n"
            "| Informationsmöte | 2022-01-10 |\n")
    document = parse_bytes(text.encode(), suffix=".md", source_path="r.md", document_id="r")

    assert document.adopted_by == "Kommunstyrelsen" and document.adopted_date is None
    records = [b.record for b in document.blocks if b.kind == BlockKind.TABLE_ROW]
    assert records == ["Aktivitet: Informationsmöte\nDatum: 2022-01-10"]


def test_a_label_cell_with_an_empty_value_cell_takes_nothing_from_the_next_row() -> None:
    text = f"# {TITLE}\n\n| Beslutad av | |\n|---|---|\n| Datum | 2021-03-15 |\n\n## {BODY_HEADING}\n\n{BODY}\n"
    document = parse_bytes(text.encode(), suffix=".md", source_path="r.md", document_id="r")

    assert document.adopted_by is None and document.adopted_date == dt.date(2021, 3, 15)
