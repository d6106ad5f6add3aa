"""The plain-text reader's rules for headings, lists and table rows."""

from __future__ import annotations

import pytest

from assistant.models import ElementKind
from assistant.parse.plaintext import is_heading_line, numbered_heading_level, read_plain_text


@pytest.mark.parametrize("line", ["Bakgrund", "Syfte & mål", "1.1.2 Skola, Utbildning och Egenförsörjning",
                                  "Ansvar och befogenheter", "Handlingsplan för integration"])
def test_short_title_lines_are_headings(line: str) -> None:
    assert is_heading_line(line)


@pytest.mark.parametrize("line", [
    "Programmet riktar sig till alla medarbetare i Tranås kommun.",  # a sentence
    "Delmål:",  # a label
    "Fastställd av: Kommunfullmäktige",  # label and value
    "Syftet med detta program är att",  # introduces a list
    "780 - 135",  # no words
    "¹ Europeiska rådets dokument 14615/04 den 19 november 2004",  # a footnote
    "för alla. Värnamo kommun är kommunens största arbetsgivare",  # starts lowercase
])
def test_sentences_labels_and_fragments_are_not_headings(line: str) -> None:
    assert not is_heading_line(line)


def test_numbered_headings_take_their_depth_as_level() -> None:
    assert numbered_heading_level("1.1 Prioriterade områden") == 2
    assert numbered_heading_level("1.1.3 Bostad och Boende") == 3
    assert numbered_heading_level("Bakgrund") is None


def test_elements_keep_exact_spans_in_the_unchanged_text() -> None:
    text = "Titel\n\nRubrik\n\nEtt stycke text.\nSom fortsätter.\n\n- punkt ett\n- punkt två\nA\tB\tC\n"
    extracted = read_plain_text(text)
    assert extracted.text == text
    kinds = [e.kind for e in extracted.elements]
    assert kinds == [ElementKind.HEADING, ElementKind.HEADING, ElementKind.PARAGRAPH,
                     ElementKind.LIST_ITEM, ElementKind.LIST_ITEM, ElementKind.TABLE_ROW]
    paragraph = extracted.elements[2]
    assert text[paragraph.start:paragraph.end] == "Ett stycke text.\nSom fortsätter."
    assert extracted.elements[3].text == "punkt ett"
    assert extracted.elements[5].cells == ("A", "B", "C")


def test_pipe_table_separator_rows_are_dropped() -> None:
    extracted = read_plain_text("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert [e.cells for e in extracted.elements] == [("a", "b"), ("1", "2")]


def test_adoption_date_and_body_on_one_line_are_both_read() -> None:
    from assistant.parse.structure import build_document

    text = "Riktlinje för bostäder\n\nAntagen 2019-03-14 av Kommunfullmäktige\n\nSyfte\n\nText om syftet.\n"
    document = build_document(read_plain_text(text), document_id="x", source_path="x.txt")
    assert str(document.adopted_date) == "2019-03-14"
    assert document.adopted_by == "Kommunfullmäktige"


def test_strong_emphasis_markers_are_taken_out_of_plain_text_written_as_markdown() -> None:
    extracted = read_plain_text("Mål\n\nSamarbetet utvecklas. **Klart innan juni 2014.**\n\n2 ** 3 är åtta.\n")
    assert "Samarbetet utvecklas. Klart innan juni 2014." in extracted.text
    assert "2 ** 3 är åtta." in extracted.text  # not a pair hugging its words
    paragraph = next(e for e in extracted.elements if "Klart" in extracted.text[e.start:e.end])
    assert extracted.text[paragraph.start:paragraph.end] == "Samarbetet utvecklas. Klart innan juni 2014."
