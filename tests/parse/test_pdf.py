"""The PDF reader on documents laid out the way municipalities publish them: the five policies
rendered as Word exports (bold headings, ruled or unruled tables breaking across pages, running
headers, "Sida N av M", two columns, hyphenation) read back into the same structure as their text
versions, with pages; and a new user's two-page policy with numbered headings and an action table."""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Table, TableStyle

from assistant.models import BlockKind, Document
from assistant.parse import parse_bytes, parse_file
from tests.render import PdfStyle, elements_of, elements_of_text, render_pdf
from tests.render.scan import scan_pdf

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
POLICIES = sorted(CORPUS.glob("*.txt"))
TIERP = CORPUS / "tierp-handlingsplan-for-integration.txt"
_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")


def as_pdf(path: Path, style: PdfStyle) -> Document:
    data = render_pdf(elements_of(path), style=style)
    return parse_bytes(data, suffix=".pdf", source_path=path.name, document_id=path.stem)


def outline(document: Document) -> list[str]:
    """Each block as "section path | kind | text", heading numbers dropped (a rendering may add them)."""
    lines = []
    for block in document.blocks:
        path = " > ".join(_NUMBER.sub("", title) for title in block.section_path)
        text = block.record if block.record is not None else document.text[block.start:block.end]
        lines.append(f"{path} | {block.kind} | {' '.join(text.split())}")
    return lines


def similarity(a: Document, b: Document) -> float:
    """How alike two outlines are, word by word (a narrow table cell may break a word in two)."""
    words = ["\n".join(outline(document)).split(" ") for document in (a, b)]
    return difflib.SequenceMatcher(None, *words, autojunk=False).ratio()


PUBLISHED = PdfStyle(running_header="Kommunens styrdokument", footer="Sida {page} av {pages}")


@pytest.mark.parametrize("path", POLICIES, ids=lambda path: path.stem)
def test_a_policy_published_as_pdf_reads_like_its_text(path: Path) -> None:
    text, pdf = parse_file(path), as_pdf(path, PUBLISHED)

    assert (pdf.title, pdf.municipality, pdf.document_type) == (text.title, text.municipality, text.document_type)
    assert (pdf.adopted_by, pdf.adopted_date, pdf.registration_number) == (
        text.adopted_by, text.adopted_date, text.registration_number)
    assert similarity(text, pdf) >= 0.95, "\n".join(difflib.unified_diff(outline(text), outline(pdf), n=0))


@pytest.mark.parametrize("style", [
    PdfStyle(numbered_headings=True, hyphenate=True),
    PdfStyle(two_columns=True, footer="{page} ({pages})", footer_align="right"),
    PdfStyle(table_style="unruled", running_header="Dals-Eds kommun"),
], ids=["numbered-hyphenated", "two-columns", "unruled"])
@pytest.mark.parametrize("name", ["dals-ed-policy-for-integrationsarbetet", "tranas-integrationspolitiskt-program"])
def test_other_layouts_of_prose_policies_read_the_same(style: PdfStyle, name: str) -> None:
    path = CORPUS / f"{name}.txt"
    text, pdf = parse_file(path), as_pdf(path, style)

    assert pdf.title == text.title
    assert similarity(text, pdf) >= 0.85, "\n".join(difflib.unified_diff(outline(text), outline(pdf), n=0))


def test_running_headers_footers_and_page_numbers_are_not_text() -> None:
    pdf = as_pdf(CORPUS / "varnamo-policy-for-integrationspolitik.txt", PUBLISHED)

    assert "Kommunens styrdokument" not in pdf.text
    assert not re.search(r"Sida \d+ av \d+", pdf.text)


def test_a_one_page_pdfs_running_header_is_not_its_title() -> None:
    # One page shows no repetition, so the header stays as text; the heading under it is the title.
    text = ("# Författningsberedskap inför framtida pandemier\n\n"
            "En särskild utredare ska se över smittskyddslagen inför framtida pandemier.\n")
    data = render_pdf(elements_of_text(text, markdown=True), style=PdfStyle(running_header="Regeringskansliet"))

    document = parse_bytes(data, suffix=".pdf", source_path="dir.pdf", document_id="dir")

    assert document.title == "Författningsberedskap inför framtida pandemier"
    assert {block.section_path for block in document.blocks} == {("Författningsberedskap inför framtida pandemier",)}


_PROSE = ("Kommunen behöver fler platser i förskolan de kommande åren och samtidigt hålla nere kostnaderna för "
          "lokaler, så att barnomsorgen kan byggas ut i takt med att bostadsområdena växer. ")
_QUOTED = ("– Nu tar vi nästa steg för att bygga ut förskolan i hela kommunen, så att alla barn får en plats nära "
           "hemmet, säger kommunstyrelsens ordförande Anna Berg.")
# A press release: a title in two lines, prose, and a quotation opened by a dash, as Swedish prints it.
_PRESS_RELEASE = ("# Finansiering och riskdelning vid investeringar i nya förskolor och skolbyggnader\n\n"
                  + "\n\n".join([_PROSE * 2, _QUOTED, _PROSE * 3, _PROSE * 2, _PROSE * 2]) + "\n")


def test_a_two_column_brochure_is_read_as_prose_though_its_title_reaches_into_the_gutter() -> None:
    data = render_pdf(elements_of_text(_PRESS_RELEASE, markdown=True),
                      style=PdfStyle(two_columns=True, hyphenate=True, running_header="Exempelby kommun"))
    with pdfplumber.open(io.BytesIO(data)) as rendered:
        title_end = rendered.pages[0].extract_text_lines()[2]["x1"]
    assert 0.45 < title_end / A4[0] < 0.7, "the title's second line ends in the gutter"

    document = parse_bytes(data, suffix=".pdf", source_path="brochure.pdf", document_id="brochure")

    assert BlockKind.TABLE_ROW not in {block.kind for block in document.blocks}
    assert " ".join((_PROSE * 2).split()) in document.text


_APPOINTMENTS = """# Nya ambassadörer

**H.E. Mr Exempel Exemplarsson, Exempelland**

är född 1964 och har en kandidatexamen i historia. Han har tjänstgjort inom utrikesministeriet sedan 1993 \
och har de senaste åren innehaft bl.a. följande befattningar:

2016 – 2018 Utrikesminister.

2013 – 2016 Ambassadör, FN, New York.

2011 – 2013 Ambassadör, ständig representant vid de internationella organisationerna, Wien.

2008 – 2011 Ambassadör, ständig representant vid OSSE, Wien.

2006 – 2007 Vice utrikesminister.

Han talar engelska och ryska.
"""


@pytest.mark.parametrize("scanned", [False, True], ids=["text-layer", "scan"])
def test_a_page_of_one_line_paragraphs_keeps_them_apart(scanned: bool) -> None:
    """A CV's appointments: more gaps between paragraphs than within them, so the usual gap between a
    paragraph's lines is not the commonest gap."""
    data = render_pdf(elements_of_text(_APPOINTMENTS, markdown=True))
    if scanned:
        data = scan_pdf(data, dpi=300)

    document = parse_bytes(data, suffix=".pdf", source_path="cv.pdf", document_id="cv")

    paragraphs = [document.text[block.start:block.end] for block in document.blocks]
    assert len(paragraphs) >= 7
    assert any(text.startswith("2013") and text.endswith("New York.") for text in paragraphs)


_CHAPTERS = """# Uppdrag att genomföra åtgärder

Regeringen uppdrar åt verket att genomföra åtgärderna nedan.

## Åtgärder som ska genomföras under 2020

### 1. Förstudie om data

Verket får använda 2 miljoner kronor under 2020.

### 2. Studie om livsmedel

Verket får använda 1 miljon kronor under 2020.

## Åtgärder som ska genomföras under 2021–2025

### 1. Uppföljning av strategin

Verket får använda 3 miljoner kronor per år.
"""


def _section_paths(document: Document) -> list[tuple[str, ...]]:
    return list(dict.fromkeys(block.section_path for block in document.blocks
                              if block.section_path != (document.title,)))


def test_items_numbered_again_from_one_under_each_numbered_chapter_are_its_subsections() -> None:
    data = render_pdf(elements_of_text(_CHAPTERS, markdown=True), style=PdfStyle(numbered_headings=True))

    document = parse_bytes(data, suffix=".pdf", source_path="uppdrag.pdf", document_id="uppdrag")

    assert _section_paths(document) == [
        ("1. Åtgärder som ska genomföras under 2020", "1. Förstudie om data"),
        ("1. Åtgärder som ska genomföras under 2020", "2. Studie om livsmedel"),
        ("2. Åtgärder som ska genomföras under 2021–2025", "1. Uppföljning av strategin")]


def test_a_numbered_heading_merely_set_larger_is_no_chapter() -> None:
    text = "# Plan\n\nInledande text om planen.\n\n## 1. Sammanfattning\n\nKort text.\n\n### 2. Bakgrund\n\n" \
           "Mer text.\n\n### 3. Mål\n\nMålen nedan.\n"
    data = render_pdf(elements_of_text(text, markdown=True))

    document = parse_bytes(data, suffix=".pdf", source_path="plan.pdf", document_id="plan")

    assert _section_paths(document) == [("1. Sammanfattning",), ("2. Bakgrund",), ("3. Mål",)]


@pytest.mark.parametrize("two_columns", [False, True], ids=["one-column", "two-columns"])
def test_a_quotation_opened_by_a_dash_is_one_paragraph_not_a_list_item(two_columns: bool) -> None:
    data = render_pdf(elements_of_text(_PRESS_RELEASE, markdown=True), style=PdfStyle(two_columns=two_columns))

    document = parse_bytes(data, suffix=".pdf", source_path="release.pdf", document_id="release")

    quoted = [block for block in document.blocks if "Nu tar vi" in document.text[block.start:block.end]]
    assert [(block.kind, document.text[block.start:block.end]) for block in quoted] == [
        (BlockKind.PARAGRAPH, _QUOTED)]


def test_dash_items_under_a_lead_in_stay_list_items_though_their_lines_wrap_under_the_dash() -> None:
    item = ("– Kommunen ska erbjuda fler platser i förskolan de kommande åren och samtidigt hålla nere "
            "kostnaderna för lokalerna i hela kommunen.")
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([Paragraph("Förslag", styles["Heading1"]), *(
        Paragraph(text, styles["BodyText"]) for text in (
            "Regeringen föreslår följande:", item, item.replace("Kommunen", "Regionen"), "Därefter följer resten."))])

    document = parse_bytes(out.getvalue(), suffix=".pdf", source_path="forslag.pdf", document_id="forslag")

    kinds = [(block.kind, document.text[block.start:block.end][:20]) for block in document.blocks]
    assert kinds == [(BlockKind.PARAGRAPH, "Regeringen föreslår "), (BlockKind.LIST, "- Kommunen ska erbju"),
                     (BlockKind.PARAGRAPH, "Därefter följer rest")]
    assert "hålla nere kostnaderna för lokalerna i hela kommunen." in document.text


def test_hyphenation_at_line_ends_is_undone() -> None:
    path = CORPUS / "tranas-integrationspolitiskt-program.txt"
    data = render_pdf(elements_of(path), style=PdfStyle(hyphenate=True))
    with pdfplumber.open(io.BytesIO(data)) as rendered:
        broken = [line for page in rendered.pages for line in (page.extract_text() or "").split("\n")
                  if re.search(r"[a-zåäö]-$", line)]
    assert broken, "the rendering hyphenates"

    pdf = parse_bytes(data, suffix=".pdf", source_path=path.name, document_id=path.stem)

    assert "integrationspolitiska" in pdf.text and "Integrationsarbete" in pdf.text
    assert not re.search(r"[a-zåäö]- [a-zåäö]", pdf.text.replace("- och", "").replace("- eller", ""))


@pytest.mark.parametrize("style", [
    PdfStyle(table_style="ruled"),
    PdfStyle(table_style="ruled", repeat_table_header=True),
    PdfStyle(table_style="header_rule", repeat_table_header=True),
    PdfStyle(table_style="unruled"),
], ids=["ruled", "ruled-repeated-header", "header-rule-repeated-header", "unruled"])
def test_the_action_plan_table_stays_one_table_over_its_pages(style: PdfStyle) -> None:
    text, pdf = parse_file(TIERP), as_pdf(TIERP, style)
    rows = [block for block in pdf.blocks if block.kind == BlockKind.TABLE_ROW]
    pages = {page for block in rows for page in pdf.pages_of(block.start, block.end)}

    assert len(pages) >= 3, "the table runs over several pages"
    expected = [block.record for block in text.blocks if block.kind == BlockKind.TABLE_ROW]
    found = [row.record or "" for row in rows]
    matched = difflib.SequenceMatcher(None, " ".join(expected).split(), " ".join(found).split(), autojunk=False)
    assert matched.ratio() >= (0.93 if style.table_style == "ruled" else 0.85)
    assert not any(row.record and row.record.startswith("Mål/delmål: Mål/delmål") for row in rows), \
        "a header row repeated on the next page is not a row of the table"
    responsible = [dict(row.cells or ()) for row in rows if row.section_path[-1] == "Språk"]
    assert any(cells.get("Huvudansvar", "").startswith("Rektorer") for cells in responsible)


def test_every_page_begins_where_its_first_words_are() -> None:
    path = CORPUS / "astorp-integrationspolicy.txt"
    data = render_pdf(elements_of(path), style=PUBLISHED)
    document = parse_bytes(data, suffix=".pdf", source_path=path.name, document_id=path.stem)
    with pdfplumber.open(io.BytesIO(data)) as rendered:
        page_count = len(rendered.pages)
        # The longest word of each page's body, found once in the document: its page is known.
        words = [max((w["text"] for w in page.extract_words() if 20 < w["top"] < page.height - 80
                      and w["text"].isalpha()), key=len) for page in rendered.pages]

    assert len(document.page_starts) == page_count and document.page_starts[0] == 0
    assert document.page_starts == sorted(document.page_starts)
    for number, word in enumerate(words, start=1):
        if document.text.count(word) == 1:
            at = document.text.index(word)
            assert document.pages_of(at, at + len(word)) == [number], word


# --- a new user's own policy --------------------------------------------------------------------


def climate_policy_pdf() -> bytes:
    """Two pages as a new user would make them with reportlab: numbered headings, a list, an action
    table (Åtgärd / Ansvarig / Tidplan), a title that wraps, "Sida N" in the footer."""
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                       ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    cell = styles["BodyText"]
    table = Table([
        [Paragraph("<b>Åtgärd</b>", cell), Paragraph("<b>Ansvarig</b>", cell), Paragraph("<b>Tidplan</b>", cell)],
        [Paragraph("Kartlägga översvämningsrisker längs Lindån och i centrala Lindesberg", cell),
         Paragraph("Samhällsbyggnadsförvaltningen", cell), Paragraph("Senast 2026-06-30", cell)],
        [Paragraph("Ta fram en skyfallsplan för tätorterna", cell), Paragraph("Fastighetsenheten", cell),
         Paragraph("Senast 2027-03-31", cell)],
        [Paragraph("Utbilda chefer i klimatanpassning", cell), Paragraph("HR-avdelningen", cell),
         Paragraph("Löpande", cell)],
    ], colWidths=[220, 140, 90], style=grid)
    story = [
        Paragraph("Policy för klimatanpassning och hantering av skyfall i Lindesbergs kommun", styles["Title"]),
        Paragraph("1. Syfte", heading),
        Paragraph("Policyn ska minska skadorna av översvämningar, skyfall och värmeböljor på kommunens "
                  "fastigheter, vägar och verksamheter.", body),
        Paragraph("2. Omfattning", heading),
        Paragraph("Policyn gäller alla förvaltningar och kommunala bolag i Lindesbergs kommun.", body),
        Paragraph("3. Principer", heading),
        ListFlowable([ListItem(Paragraph("Risker ska bedömas innan nya områden planeras.", body)),
                      ListItem(Paragraph("Naturliga lösningar ska prövas först.", body))], bulletType="bullet"),
        Paragraph("4. Åtgärder", heading),
        table,
        Paragraph("5. Ansvar", heading),
        Paragraph("Kommunstyrelsen äger policyn. Samhällsbyggnadschefen samordnar arbetet.", body),
        Paragraph("6. Uppföljning", heading),
        Paragraph("Policyn följs upp årligen i kommunens årsredovisning.", body),
    ]

    def footer(canvas: object, _document: object) -> None:
        canvas.drawString(280, 30, f"Sida {canvas.getPageNumber()}")  # type: ignore[attr-defined]

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([*story[:8], _page_break(), *story[8:]],
                                                 onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _page_break() -> object:
    from reportlab.platypus import PageBreak

    return PageBreak()


def test_a_new_users_policy_keeps_its_title_headings_and_action_table() -> None:
    document = parse_bytes(climate_policy_pdf(), suffix=".pdf", source_path="klimat.pdf", document_id="klimat")

    assert document.title == "Policy för klimatanpassning och hantering av skyfall i Lindesbergs kommun"
    assert document.municipality == "Lindesberg"
    assert [section.path[-1] for section in document.sections if len(section.path) == 1] == [
        "1. Syfte", "2. Omfattning", "3. Principer", "4. Åtgärder", "5. Ansvar", "6. Uppföljning"]
    rows = {block.cells[0][1]: dict(block.cells) for block in document.blocks
            if block.kind == BlockKind.TABLE_ROW and block.cells}
    assert rows["Ta fram en skyfallsplan för tätorterna"]["Ansvarig"] == "Fastighetsenheten"
    assert rows["Kartlägga översvämningsrisker längs Lindån och i centrala Lindesberg"]["Tidplan"] == \
        "Senast 2026-06-30"
    ansvar = next(block for block in document.blocks
                  if "Samhällsbyggnadschefen" in document.text[block.start:block.end])
    assert ansvar.section_path == ("5. Ansvar",)
    assert document.pages_of(ansvar.start, ansvar.end) == [2]
    assert "Sida" not in document.text


def test_a_title_wrapping_after_a_comma_stays_one_title() -> None:
    """A press release's long title wraps after "Lena Anderson,": the three lines are one title, and
    the paragraphs under it are not filed under its second half."""
    title = ("Regeringen tilldelar Lena Anderson, Christofer Murray och Carola Häggkvist medaljen "
             "Illis quorum meruere labores")
    body = ("Illis quorum meruere labores betyder ”Åt dem vars gärningar gör dem förtjänta av det”. "
            "Medaljen instiftades av Gustaf III 1785. ") * 4
    text = f"# {title}\n\n{body}\n\n{body}\n"
    document = parse_bytes(render_pdf(elements_of_text(text, markdown=True)), suffix=".pdf",
                           source_path="illis.pdf", document_id="illis")

    assert document.title == title
    assert all(block.section_path == (title,) for block in document.blocks)
