"""The renderers lay the real corpus out as a municipality's Word export would be: paged PDFs with
footers, tables that break across pages, two columns, hyphenation; DOCX files with Word's styles."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import docx
import pdfplumber
import pytest

from assistant.models import ElementKind
from tests.render import PdfStyle, elements_of, elements_of_text, render_docx, render_pdf
from tests.render.source import numbered_headings

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SOURCES = sorted(CORPUS.glob("*.txt"))
TIERP = next(CORPUS.glob("tierp-*.txt"))
VARNAMO = next(CORPUS.glob("varnamo-*.txt"))


def open_pdf(data: bytes) -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(data))


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem.split("-")[0])
def test_each_corpus_file_renders_with_page_footers_and_its_title_on_page_one(source: Path) -> None:
    elements = elements_of(source)
    with open_pdf(render_pdf(elements)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            assert page.extract_text().splitlines()[-1] == f"Sida {number}"
        first_page_words = {word["text"] for word in pdf.pages[0].extract_words()}
    assert set(elements[0].text.split()) <= first_page_words


def test_footer_can_state_the_page_count_and_output_is_deterministic() -> None:
    style = PdfStyle(footer="Sida {page} av {pages}", running_header="Tierps kommun – Handlingsplan")
    data = render_pdf(elements_of(TIERP), style=style)
    assert data == render_pdf(elements_of(TIERP), style=style)
    with open_pdf(data) as pdf:
        pages = len(pdf.pages)
        lines = pdf.pages[-1].extract_text().splitlines()
    assert lines[0] == "Tierps kommun – Handlingsplan"
    assert lines[-1] == f"Sida {pages} av {pages}"


def test_the_tierp_action_plan_is_a_ruled_table_that_continues_over_pages() -> None:
    with open_pdf(render_pdf(elements_of(TIERP), style=PdfStyle(table_style="ruled"))) as pdf:
        pages_with_plan = [page.page_number for page in pdf.pages
                           if any(len(table.extract()[0]) == 6 for table in page.find_tables())]
    assert len(pages_with_plan) > 1


def test_a_repeated_table_header_starts_every_page_the_table_continues_on() -> None:
    style = PdfStyle(repeat_table_header=True, footer=None)
    with open_pdf(render_pdf(elements_of(TIERP), style=style)) as pdf:
        continued = [page for page in pdf.pages[2:] if page.find_tables()]
        assert continued
        for page in continued:
            assert page.find_tables()[0].extract()[0][1:3] == ["Problem/behov", "Aktivitet"]


def test_two_columns_put_body_text_on_both_halves_of_the_page_and_none_in_the_gutter() -> None:
    style = PdfStyle(two_columns=True)
    with open_pdf(render_pdf(elements_of(VARNAMO), style=style)) as pdf:
        page = pdf.pages[1]
        middle, body_top, body_bottom = page.width / 2, style.margin, page.height - style.margin
        body = [char for char in page.chars if body_top < char["top"] < body_bottom and char["text"].strip()]
    assert any(char["x1"] < middle for char in body)
    assert any(char["x0"] > middle for char in body)
    assert not any(char["x0"] < middle < char["x1"] for char in body)


def test_hyphenation_breaks_long_words_at_line_ends_inside_the_word() -> None:
    source_text = VARNAMO.read_text(encoding="utf-8")
    with open_pdf(render_pdf(elements_of(VARNAMO), style=PdfStyle(hyphenate=True, footer=None))) as pdf:
        lines = [[line["text"] for line in page.extract_text_lines()] for page in pdf.pages]
    broken = [(line.split()[-1], following.split()[0]) for page in lines
              for line, following in itertools.pairwise(page) if line.endswith("-") and line[-2].isalpha()]
    assert len(broken) >= 5
    assert all(head[:-1] + tail.rstrip(".,;:") in source_text for head, tail in broken)


def test_numbered_headings_and_lists() -> None:
    style = PdfStyle(numbered_headings=True, numbered_lists=True)
    with open_pdf(render_pdf(elements_of(CORPUS / "tranas-integrationspolitiskt-program.txt"), style=style)) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "2. Syfte & mål" in text.splitlines()
    assert "1. Utbildning" in text.splitlines()  # the first item of a list


def test_heading_numbers_follow_levels_from_the_shallowest_and_keep_existing_numbers() -> None:
    page = "# Titel\n\n## Syfte\n\n### Mål\n\n### Ansvar\n\n## 3 Uppföljning\n\n## Bilagor\n"
    assert list(numbered_headings(elements_of_text(page, markdown=True)).values()) == [
        "1. Syfte", "1.1 Mål", "1.2 Ansvar", "2. Bilagor"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem.split("-")[0])
def test_docx_has_word_styles_and_one_table_per_source_table(source: Path) -> None:
    elements = elements_of(source)
    document = docx.Document(io.BytesIO(render_docx(elements)))
    styles = {paragraph.style.name for paragraph in document.paragraphs}
    source_tables = sum(kind == ElementKind.TABLE_ROW for kind, _ in itertools.groupby(e.kind for e in elements))
    assert document.paragraphs[0].style.name == "Title"
    assert "Heading 1" in styles
    assert len(document.tables) == source_tables
