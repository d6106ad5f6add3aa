"""The format readers: Markdown, HTML, DOCX and PDF → text plus located elements.

Fixture files are generated here (reportlab, python-docx, literal HTML/Markdown) so the tests
state exactly what each document contains.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import ListFlowable, ListItem, PageBreak, Paragraph, SimpleDocTemplate

from assistant.models import BlockKind, Document, ElementKind, ExtractedText
from assistant.parse import ParseError, parse_bytes
from assistant.parse.docx import read_docx
from assistant.parse.errors import EmptyDocumentError
from assistant.parse.html import read_html
from assistant.parse.markdown import read_markdown
from assistant.parse.pdf import read_pdf

SWEDISH_BODY = (
    "Kommunens integrationsarbete ska bidra till att nyanlända snabbt kommer in i arbetslivet och "
    "samhället. Arbetet bedrivs i samverkan med Arbetsförmedlingen, civilsamhället och näringslivet "
    "och följs upp årligen av kommunstyrelsen."
)
SECOND_BODY = (
    "Målet är att alla invånare ska ha goda förutsättningar att delta i samhällslivet på lika villkor. "
    "Särskilt fokus ligger på språk, utbildning, boende och egen försörjning under de första åren."
)


# --- helpers -------------------------------------------------------------------------------


def _normalized(text: str) -> str:
    return " ".join(text.replace("**", "").replace("__", "").replace("\\", "").split())


def assert_elements_are_located(extracted: ExtractedText) -> None:
    """Every element's span lies in the text, in reading order, and holds the element's text."""
    previous_start = -1
    for element in extracted.elements:
        assert 0 <= element.start <= element.end <= len(extracted.text)
        assert element.start > previous_start
        previous_start = element.start
        span = _normalized(extracted.text[element.start:element.end])
        if element.kind == ElementKind.TABLE_ROW:
            assert element.cells is not None
            assert all(_normalized(cell) in span for cell in element.cells)
        else:
            assert _normalized(element.text) in span


def kinds(extracted: ExtractedText) -> list[tuple[ElementKind, str]]:
    return [(element.kind, element.text) for element in extracted.elements]


def headings(extracted: ExtractedText) -> list[tuple[str, int | None]]:
    return [(e.text, e.level) for e in extracted.elements if e.kind == ElementKind.HEADING]


def rows(extracted: ExtractedText) -> list[tuple[str, ...] | None]:
    return [e.cells for e in extracted.elements if e.kind == ElementKind.TABLE_ROW]


def section_titles(document: Document) -> set[str]:
    return {section.path[-1] for section in document.sections}


# --- fixtures ------------------------------------------------------------------------------


def make_pdf(path: Path) -> Path:
    """A title, two headings each with a wrapped paragraph, a bulleted list, then a second page."""
    styles = getSampleStyleSheet()
    story = [
        Paragraph("Integrationspolicy för Exempelby kommun", styles["Title"]),
        Paragraph("Bakgrund", styles["Heading1"]),
        Paragraph(SWEDISH_BODY, styles["BodyText"]),
        Paragraph("Mål och inriktning", styles["Heading1"]),
        Paragraph(SECOND_BODY, styles["BodyText"]),
        ListFlowable(
            [ListItem(Paragraph("Arbete och egen försörjning", styles["BodyText"])),
             ListItem(Paragraph("Boende på lika villkor", styles["BodyText"]))],
            bulletType="bullet",
        ),
        PageBreak(),
        Paragraph("Uppföljning", styles["Heading1"]),
        Paragraph(SWEDISH_BODY, styles["BodyText"]),
    ]

    def page_number(pdf: canvas.Canvas, _document: SimpleDocTemplate) -> None:
        pdf.drawString(290, 20, str(pdf.getPageNumber()))

    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=page_number, onLaterPages=page_number)
    return path


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Handlingsplan för integration", style="Title")
    document.add_heading("Bakgrund", level=1)
    document.add_paragraph("Kommunfullmäktige antog en strategi för integration.")
    document.add_paragraph("")
    document.add_heading("Mål", level=2)
    document.add_paragraph("Det övergripande målet är egen försörjning.")
    document.add_paragraph("Arbete", style="List Bullet")
    document.add_paragraph("Boende", style="List Bullet")
    table = document.add_table(rows=3, cols=3)
    for r, values in enumerate([("Aktivitet", "Huvudansvar", "Tidplan"),
                                ("Praktikplatser", "Arbetsmarknadsenheten", "2018"),
                                ("Språkstöd", "Vuxenutbildningen", "2019")]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.add_paragraph("Planen följs upp årligen.")
    document.save(str(path))
    return path


HTML_PAGE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Policy</title>
<script>document.write("ska inte synas");</script><style>p { color: red }</style></head>
<body>
<header><a href="/">Startsida</a></header>
<nav><ul><li><a href="/a">Meny A</a></li><li><a href="/b">Meny B</a></li></ul></nav>
<main>
<h1>Integrationspolicy för Exempelby kommun</h1>
<p>Policyn gäller för   alla
   kommunens verksamheter.</p>
<h2>Mål</h2>
<ul><li>Arbete och <b>egen</b> försörjning</li><li>Boende på lika villkor</li></ul>
<div aria-hidden="true">Dold text</div>
<table>
<tr><th>Aktivitet</th><th>Huvudansvar</th><th>Tidplan</th></tr>
<tr><td>Praktikplatser</td><td>Arbetsmarknadsenheten</td><td>2018</td></tr>
<tr><td>Språkstöd</td><td>Vuxenutbildningen</td><td>2019</td></tr>
</table>
</main>
<footer>Kontakta oss</footer>
</body></html>
"""

MARKDOWN_DOC = """# Integrationspolicy för **Exempelby** kommun

Policyn gäller för alla
kommunens verksamheter.

## Mål

- Arbete och
  egen försörjning
- Boende på lika villkor

Uppföljning
-----------

| Aktivitet | Huvudansvar | Tidplan |
|-----------|-------------|---------|
| Praktikplatser | Arbetsmarknadsenheten | 2018 |
| | Vuxenutbildningen | 2019 |

```
kod som inte tolkas

# inte en rubrik
```
"""


# --- Markdown ------------------------------------------------------------------------------


def test_markdown_text_is_returned_without_strong_emphasis_and_elements_point_into_it() -> None:
    extracted = read_markdown(MARKDOWN_DOC)

    assert extracted.text == MARKDOWN_DOC.replace("**Exempelby**", "Exempelby")
    assert_elements_are_located(extracted)


def test_strong_emphasis_leaves_the_text_so_no_quote_shows_it() -> None:
    text = read_markdown("**Beslutad av:** Kommunfullmäktige\n\nAvgiften är **400 kronor** och 2 ** 3 är "
                         "åtta.\n\n| **Aktivitet** | Ansvar |\n|---|---|\n| Praktik | **AME** |\n").text
    assert "**" not in text.replace("2 ** 3", "")
    assert "Beslutad av: Kommunfullmäktige" in text and "Avgiften är 400 kronor och 2 ** 3 är åtta." in text
    assert "| Aktivitet | Ansvar |" in text and "| Praktik | AME |" in text


def test_a_link_leaves_its_text_alone_so_no_quote_shows_the_address() -> None:
    text = read_markdown("Se [Uppdraget i regleringsbrevet (esv.se)](https://www.esv.se/?RBID=25187) här.\n\n"
                         "[Pressmeddelande: Nya medel](/pressmeddelanden/2024/12/nya-medel/ \"Nya medel\")\n\n"
                         "![Karta över länet](karta.png)\n\na [b] (c)\n").text
    assert "Se Uppdraget i regleringsbrevet (esv.se) här." in text
    assert "Pressmeddelande: Nya medel\n" in text and "Karta över länet" in text
    assert "RBID" not in text and "/pressmeddelanden/" not in text and "karta.png" not in text
    assert "a [b] (c)" in text  # brackets that make no link stay


@pytest.mark.parametrize(("title", "expected"), [
    ("Integrationspolicy, Åstorps kommun", "Policy"), ("Riktlinjer för mottagande i Heby", "Riktlinje"),
    ("Integrationspolitiskt program för Tranås kommun", "Program"), ("Lokal handlingsplan för boende", "Handlingsplan"),
    ("Uppdrag att strategiskt planera arbetet för ökad kolsänka", None),
    ("Uppdrag om ett nationellt program för proteinforskning", None),
    ("EU:s handelsministrar välkomnade kommissionens nya handelsstrategi", None)])
def test_the_document_type_is_what_the_title_begins_by_naming(title: str, expected: str | None) -> None:
    page = f"# {title}\n\nRegeringen ger myndigheten i uppdrag att utreda frågan.\n"
    assert parse_bytes(page.encode(), suffix=".md", source_path="d.md", document_id="d").document_type == expected


def test_a_registration_number_glued_to_the_title_is_the_registration_number() -> None:
    # As regeringen.se's assignments from 2025 on come: "… under 2026Diarienummer: LI2025/02194".
    page = ("# Uppdrag till Trafikverket att ingå överenskommelser under 2026Diarienummer: LI2025/02194\n\n"
            "Regeringen ger Trafikverket i uppdrag att förhandla.\n")
    document = parse_bytes(page.encode(), suffix=".md", source_path="uppdrag.md", document_id="uppdrag")

    assert document.title == "Uppdrag till Trafikverket att ingå överenskommelser under 2026"
    assert document.registration_number == "LI2025/02194"
    assert "under 2026\n\nDiarienummer: LI2025/02194\n\nRegeringen" in document.text
    assert [block.section_path for block in document.blocks] == [(document.title,)]


def test_markdown_headings_have_levels_and_titles_without_markers_or_emphasis() -> None:
    extracted = read_markdown(MARKDOWN_DOC)

    assert headings(extracted) == [
        ("Integrationspolicy för Exempelby kommun", 1), ("Mål", 2), ("Uppföljning", 2),
    ]
    first = extracted.elements[0]
    assert extracted.text[first.start:first.end] == "# Integrationspolicy för Exempelby kommun"


def test_markdown_paragraph_spans_all_its_lines() -> None:
    extracted = read_markdown(MARKDOWN_DOC)

    paragraph = extracted.elements[1]
    assert paragraph.kind == ElementKind.PARAGRAPH
    assert extracted.text[paragraph.start:paragraph.end] == "Policyn gäller för alla\nkommunens verksamheter."


def test_markdown_list_items_take_their_indented_continuation_lines() -> None:
    extracted = read_markdown(MARKDOWN_DOC)

    items = [e for e in extracted.elements if e.kind == ElementKind.LIST_ITEM]
    assert [e.text for e in items] == ["Arbete och egen försörjning", "Boende på lika villkor"]
    assert extracted.text[items[0].start:items[0].end] == "- Arbete och\n  egen försörjning"


def test_markdown_pipe_table_keeps_header_row_and_skips_separator() -> None:
    extracted = read_markdown(MARKDOWN_DOC)

    assert rows(extracted) == [
        ("Aktivitet", "Huvudansvar", "Tidplan"),
        ("Praktikplatser", "Arbetsmarknadsenheten", "2018"),
        ("", "Vuxenutbildningen", "2019"),
    ]


def test_a_table_under_a_caption_takes_its_column_names_from_the_row_below() -> None:
    # As regeringen.se sets a budget table: the caption in the header row, the years in the next.
    page = ("# Utökad rätt\n\n| **Stärkt rätt (mnkr)** | | |\n| --- | --- | --- |\n| | **2026** | **2027** |\n"
            "| **Medel till Försäkringskassan** | 19,1 | 18,6 |\n")
    document = parse_bytes(page.encode(), suffix=".md", source_path="vab.md", document_id="vab")

    rows = [block for block in document.blocks if block.kind == BlockKind.TABLE_ROW]
    assert [block.record for block in rows] == [
        "Stärkt rätt (mnkr): Medel till Försäkringskassan\n2026: 19,1\n2027: 18,6"]


def test_markdown_fenced_code_is_one_paragraph_and_hides_its_hash_lines() -> None:
    extracted = read_markdown(MARKDOWN_DOC)

    last = extracted.elements[-1]
    assert last.kind == ElementKind.PARAGRAPH
    assert "# inte en rubrik" in last.text
    assert extracted.text[last.start:last.end].startswith("```")


def test_markdown_numbered_items_and_lazy_lines_belong_to_the_item() -> None:
    extracted = read_markdown("1. Första punkten\nfortsätter här\n2) Andra punkten\n")

    assert kinds(extracted) == [
        (ElementKind.LIST_ITEM, "Första punkten fortsätter här"),
        (ElementKind.LIST_ITEM, "Andra punkten"),
    ]


def test_markdown_thematic_break_is_not_a_heading_but_an_underline_is() -> None:
    extracted = read_markdown("Stycke.\n\n---\n\nRubrik\n---\n")

    assert kinds(extracted) == [(ElementKind.PARAGRAPH, "Stycke."), (ElementKind.HEADING, "Rubrik")]


def test_markdown_prose_above_a_rule_stays_body_text() -> None:
    """A page export separates its parts with ``---`` right under the text: the lines above are a
    paragraph, not an underlined heading that would drop them from the body."""
    prose = ("Main text:\nThe photography to illustrate poverty often features a woman.\n"
             "An important point of departure for change is the Government Bill 2002/03:122 on global development.\n")
    extracted = read_markdown(f"{prose}---\nStockholm, February 2004\n")

    assert [kind for kind, _ in kinds(extracted)] == [ElementKind.PARAGRAPH, ElementKind.PARAGRAPH]
    assert "Government Bill 2002/03:122" in extracted.elements[0].text
    two_sentences = read_markdown("Avtalet undertecknades den 23 juni 2010. Lagen träder i kraft 2011.\n---\n")
    assert kinds(two_sentences) == [(ElementKind.PARAGRAPH, two_sentences.elements[0].text)]


def test_markdown_front_matter_title_becomes_the_first_heading() -> None:
    extracted = read_markdown("---\ntitle: Integrationspolicy\nDiarienummer: KS 2017/1\n---\n\nText.\n")

    assert kinds(extracted) == [
        (ElementKind.HEADING, "Integrationspolicy"),
        (ElementKind.PARAGRAPH, "Diarienummer: KS 2017/1"),
        (ElementKind.PARAGRAPH, "Text."),
    ]


def test_markdown_handles_windows_line_endings() -> None:
    text = "# Rubrik\r\n\r\nStycke ett.\r\n"

    extracted = read_markdown(text)

    assert kinds(extracted) == [(ElementKind.HEADING, "Rubrik"), (ElementKind.PARAGRAPH, "Stycke ett.")]
    assert extracted.text[extracted.elements[1].start:extracted.elements[1].end] == "Stycke ett."


# --- HTML ----------------------------------------------------------------------------------


def test_html_drops_scripts_styles_navigation_page_header_footer_and_hidden_content() -> None:
    extracted = read_html(HTML_PAGE.encode())

    for hidden in ("ska inte synas", "color", "Startsida", "Meny A", "Kontakta oss", "Dold text", "Policy\n"):
        assert hidden not in extracted.text


def test_html_blocks_become_headings_paragraphs_list_items_and_rows() -> None:
    extracted = read_html(HTML_PAGE.encode())

    assert [e.kind for e in extracted.elements] == [
        ElementKind.HEADING, ElementKind.PARAGRAPH, ElementKind.HEADING, ElementKind.LIST_ITEM,
        ElementKind.LIST_ITEM, ElementKind.TABLE_ROW, ElementKind.TABLE_ROW, ElementKind.TABLE_ROW,
    ]
    assert headings(extracted) == [("Integrationspolicy för Exempelby kommun", 1), ("Mål", 2)]
    assert rows(extracted)[1] == ("Praktikplatser", "Arbetsmarknadsenheten", "2018")
    assert_elements_are_located(extracted)


def test_html_text_layout_collapses_whitespace_and_marks_list_items() -> None:
    extracted = read_html(HTML_PAGE.encode())

    assert "Policyn gäller för alla kommunens verksamheter." in extracted.text
    assert "\n\n- Arbete och egen försörjning\n\n- Boende på lika villkor\n\n" in extracted.text
    assert "Aktivitet\tHuvudansvar\tTidplan\nPraktikplatser\tArbetsmarknadsenheten\t2018\n" in extracted.text
    item = next(e for e in extracted.elements if e.kind == ElementKind.LIST_ITEM)
    assert extracted.text[item.start:item.end] == "- Arbete och egen försörjning"


def test_html_respects_the_declared_charset() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><h1>Målgrupp</h1></body></html>'

    extracted = read_html(page.encode("cp1252"))

    assert headings(extracted) == [("Målgrupp", 1)]


def test_html_undeclared_charset_is_read_as_utf8() -> None:
    extracted = read_html("<p>Språk och försörjning</p>".encode())

    assert extracted.text == "Språk och försörjning"


def test_html_spanned_cells_keep_later_cells_in_their_columns() -> None:
    page = """<table>
    <tr><th>Mål</th><th>Aktivitet</th><th>Huvudansvar</th><th>Tidplan</th></tr>
    <tr><td rowspan="2">Egen försörjning</td><td>Praktik</td><td colspan="2">Arbetsmarknadsenheten</td></tr>
    <tr><td>Språkstöd</td><td>Vuxenutbildningen</td><td>2019</td></tr>
    </table>"""

    extracted = read_html(page.encode())

    assert rows(extracted)[1:] == [
        ("Egen försörjning", "Praktik", "Arbetsmarknadsenheten", ""),
        ("", "Språkstöd", "Vuxenutbildningen", "2019"),
    ]


def test_html_text_directly_in_a_div_and_nested_lists_are_kept() -> None:
    page = "<div>Inledning <em>kort</em><ul><li>Ett<ul><li>Under ett</li></ul></li></ul>Avslutning</div>"

    extracted = read_html(page.encode())

    assert kinds(extracted) == [
        (ElementKind.PARAGRAPH, "Inledning kort"),
        (ElementKind.LIST_ITEM, "Ett"),
        (ElementKind.LIST_ITEM, "Under ett"),
        (ElementKind.PARAGRAPH, "Avslutning"),
    ]


def test_html_layout_table_is_read_as_page_content_not_as_rows() -> None:
    page = "<table><tr><td><h1>Policy</h1><p>Inledning.</p></td><td><p>Sidospalt.</p></td></tr></table>"

    extracted = read_html(page.encode())

    assert kinds(extracted) == [
        (ElementKind.HEADING, "Policy"),
        (ElementKind.PARAGRAPH, "Inledning."),
        (ElementKind.PARAGRAPH, "Sidospalt."),
    ]


def test_html_malformed_markup_is_read_without_error() -> None:
    extracted = read_html(b"<h2>Rubrik<p>Stycke <b>fet <i>kursiv</p></div></span>slut")

    assert headings(extracted) == [("Rubrik", 2)]
    assert "Stycke fet kursiv" in extracted.text
    assert_elements_are_located(extracted)


def test_html_binary_bytes_are_rejected() -> None:
    with pytest.raises(ParseError, match="not readable HTML"):
        read_html(random.Random(0).randbytes(2048))


# --- DOCX ----------------------------------------------------------------------------------


def test_docx_styles_give_headings_levels_and_list_items(tmp_path: Path) -> None:
    extracted = read_docx(make_docx(tmp_path / "plan.docx").read_bytes())

    assert headings(extracted) == [("Handlingsplan för integration", 1), ("Bakgrund", 1), ("Mål", 2)]
    assert [e.text for e in extracted.elements if e.kind == ElementKind.LIST_ITEM] == ["Arbete", "Boende"]
    assert "\n\n- Arbete\n\n- Boende\n\n" in extracted.text
    assert_elements_are_located(extracted)


def test_docx_body_is_read_in_document_order_without_empty_paragraphs(tmp_path: Path) -> None:
    extracted = read_docx(make_docx(tmp_path / "plan.docx").read_bytes())

    assert [e.kind for e in extracted.elements] == [
        ElementKind.HEADING, ElementKind.HEADING, ElementKind.PARAGRAPH, ElementKind.HEADING,
        ElementKind.PARAGRAPH, ElementKind.LIST_ITEM, ElementKind.LIST_ITEM,
        ElementKind.TABLE_ROW, ElementKind.TABLE_ROW, ElementKind.TABLE_ROW, ElementKind.PARAGRAPH,
    ]
    assert "\n\n\n" not in extracted.text


def test_docx_table_rows_keep_their_column_positions(tmp_path: Path) -> None:
    extracted = read_docx(make_docx(tmp_path / "plan.docx").read_bytes())

    assert rows(extracted) == [
        ("Aktivitet", "Huvudansvar", "Tidplan"),
        ("Praktikplatser", "Arbetsmarknadsenheten", "2018"),
        ("Språkstöd", "Vuxenutbildningen", "2019"),
    ]
    assert "Aktivitet\tHuvudansvar\tTidplan\nPraktikplatser\tArbetsmarknadsenheten\t2018\n" in extracted.text


def test_docx_merged_cells_are_written_once_and_later_cells_stay_aligned() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    for r, values in enumerate([("Mål", "Aktivitet", "Huvudansvar", "Tidplan"),
                                ("Egen försörjning", "Praktik", "Arbetsmarknadsenheten", "2018"),
                                ("", "Språkstöd", "Vuxenutbildningen", "2019")]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 0).merge(table.cell(2, 0))  # the goal spans both activity rows
    table.cell(1, 2).merge(table.cell(1, 3))  # one cell for responsibility and schedule
    buffer = io.BytesIO()
    document.save(buffer)

    extracted = read_docx(buffer.getvalue())

    assert rows(extracted)[1:] == [
        ("Egen försörjning", "Praktik", "Arbetsmarknadsenheten 2018", ""),
        ("", "Språkstöd", "Vuxenutbildningen", "2019"),
    ]


def test_docx_swedish_style_names_are_recognised() -> None:
    document = docx.Document()
    rubrik = document.styles.add_style("Rubrik 1", 1)  # 1: paragraph style, as in Swedish Word
    liststycke = document.styles.add_style("Liststycke", 1)
    document.add_paragraph("Syfte", style=rubrik)
    document.add_paragraph("Första punkten", style=liststycke)
    buffer = io.BytesIO()
    document.save(buffer)

    extracted = read_docx(buffer.getvalue())

    assert kinds(extracted) == [(ElementKind.HEADING, "Syfte"), (ElementKind.LIST_ITEM, "Första punkten")]
    assert extracted.elements[0].level == 1


def test_docx_rejects_a_zip_that_is_not_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "inte ett dokument")

    with pytest.raises(ParseError, match="not a valid DOCX"):
        read_docx(buffer.getvalue())


@pytest.mark.parametrize("data", [random.Random(1).randbytes(4096), b"PK\x03\x04" + b"\x00" * 200])
def test_docx_rejects_bytes_that_are_not_a_zip(data: bytes) -> None:
    with pytest.raises(ParseError, match="not a valid DOCX"):
        read_docx(data)


def test_docx_password_protected_or_legacy_word_file_is_named_as_such() -> None:
    ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

    with pytest.raises(ParseError, match="password-protected Office document"):
        read_docx(ole_header)


def test_docx_rejects_a_truncated_document(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "plan.docx").read_bytes()

    with pytest.raises(ParseError, match="not a valid DOCX"):
        read_docx(data[: len(data) // 2])


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_title_headings_paragraphs_and_list_are_recovered(tmp_path: Path) -> None:
    extracted = read_pdf(make_pdf(tmp_path / "policy.pdf").read_bytes())

    assert [(e.kind, e.text[:20]) for e in extracted.elements] == [
        (ElementKind.HEADING, "Integrationspolicy f"),
        (ElementKind.HEADING, "Bakgrund"),
        (ElementKind.PARAGRAPH, SWEDISH_BODY[:20]),
        (ElementKind.HEADING, "Mål och inriktning"),
        (ElementKind.PARAGRAPH, SECOND_BODY[:20]),
        (ElementKind.LIST_ITEM, "Arbete och egen förs"),
        (ElementKind.LIST_ITEM, "Boende på lika villk"),
        (ElementKind.HEADING, "Uppföljning"),
        (ElementKind.PARAGRAPH, SWEDISH_BODY[:20]),
    ]
    assert_elements_are_located(extracted)


def test_pdf_wrapped_paragraph_becomes_one_line_and_page_numbers_go(tmp_path: Path) -> None:
    extracted = read_pdf(make_pdf(tmp_path / "policy.pdf").read_bytes())

    paragraphs = [e.text for e in extracted.elements if e.kind == ElementKind.PARAGRAPH]
    assert paragraphs[0] == SWEDISH_BODY
    assert paragraphs[1] == SECOND_BODY
    assert not re.search(r"^\s*\d+\s*$", extracted.text, flags=re.MULTILINE)


def test_pdf_rejects_a_truncated_file(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "policy.pdf").read_bytes()

    with pytest.raises(ParseError, match="not a valid PDF"):
        read_pdf(data[: len(data) // 2])


def test_pdf_rejects_an_encrypted_file() -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt="secret")
    pdf.drawString(100, 700, "Hemlig policy")
    pdf.save()

    with pytest.raises(ParseError, match="encrypted"):
        read_pdf(buffer.getvalue())


def test_pdf_without_a_text_layer_is_an_empty_document() -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(100, 100, 200, 200, fill=1)  # a drawing only, as a scanned page has an image only
    pdf.save()

    with pytest.raises(EmptyDocumentError, match="no text layer"):
        read_pdf(buffer.getvalue())


# --- every reader: rejected input is a ParseError ------------------------------------------


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html", ".md"])
def test_an_empty_file_is_a_parse_error(suffix: str) -> None:
    with pytest.raises(ParseError):
        parse_bytes(b"", suffix=suffix, source_path=f"tom{suffix}", document_id="tom")


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_bytes_are_a_parse_error_not_a_crash(suffix: str, seed: int) -> None:
    data = random.Random(seed).randbytes(4096)

    with pytest.raises(ParseError):
        parse_bytes(data, suffix=suffix, source_path=f"brus{suffix}", document_id="brus")


# --- through parse_bytes: the structured document ------------------------------------------


def test_parsed_docx_has_sections_and_table_records_naming_the_responsible(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "plan.docx").read_bytes()

    document = parse_bytes(data, suffix=".docx", source_path="plan.docx", document_id="plan")

    assert document.title == "Handlingsplan för integration"
    assert {"Bakgrund", "Mål"} <= section_titles(document)
    records = [b for b in document.blocks if b.kind == BlockKind.TABLE_ROW]
    assert len(records) == 2
    assert records[0].record is not None and "Huvudansvar: Arbetsmarknadsenheten" in records[0].record
    assert records[1].cells is not None and ("Huvudansvar", "Vuxenutbildningen") in records[1].cells
    assert records[0].section_path == ("Bakgrund", "Mål")


def test_parsed_pdf_has_sections_named_after_its_headings(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "policy.pdf").read_bytes()

    document = parse_bytes(data, suffix=".pdf", source_path="policy.pdf", document_id="policy")

    assert document.title == "Integrationspolicy för Exempelby kommun"
    assert {"Bakgrund", "Mål och inriktning", "Uppföljning"} <= section_titles(document)
    assert any(b.kind == BlockKind.LIST for b in document.blocks)


def test_parsed_html_has_sections_and_table_records() -> None:
    document = parse_bytes(HTML_PAGE.encode(), suffix=".html", source_path="p.html", document_id="p")

    assert document.title == "Integrationspolicy för Exempelby kommun"
    assert "Mål" in section_titles(document)
    records = [b.record for b in document.blocks if b.kind == BlockKind.TABLE_ROW]
    assert any(record and "Huvudansvar: Vuxenutbildningen" in record for record in records)


def test_parsed_markdown_has_sections_and_carries_the_row_above_into_continuation_rows() -> None:
    document = parse_bytes(MARKDOWN_DOC.encode(), suffix=".md", source_path="p.md", document_id="p")

    assert document.text == MARKDOWN_DOC.replace("**Exempelby**", "Exempelby")
    assert {"Mål", "Uppföljning"} <= section_titles(document)
    records = [b.record or "" for b in document.blocks if b.kind == BlockKind.TABLE_ROW]
    assert "Aktivitet: Praktikplatser" in records[1]
    assert "Huvudansvar: Vuxenutbildningen" in records[1]


def test_docx_header_fields_on_soft_line_breaks_are_read_like_separate_paragraphs() -> None:
    document = docx.Document()
    document.add_paragraph("Handlingsplan för integration", style="Title")
    header = document.add_paragraph()
    for n, line in enumerate(["Fastställd av: Kommunstyrelsen", "Fastställd datum: 2017-05-30",
                              "Gäller t o m: 2018-12-31"]):
        run = header.add_run(line)
        if n < 2:
            run.add_break()  # Shift+Enter: <w:br/> inside one paragraph
    document.add_heading("Bakgrund", level=1)
    document.add_paragraph("Kommunen arbetar med integration.")
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = parse_bytes(buffer.getvalue(), suffix=".docx", source_path="plan.docx", document_id="plan")
    assert parsed.adopted_by == "Kommunstyrelsen"
    assert str(parsed.adopted_date) == "2017-05-30" and str(parsed.valid_until) == "2018-12-31"
