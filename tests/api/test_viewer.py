"""The cited passage in its document: every citation links to a page of the assistant that shows the
whole document with the quote marked, and the document's text is there for integrators to check."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from api.app import create_app
from api.document_page import document_body
from assistant.facade import PolicyAssistant
from assistant.parse import parse_bytes


@pytest.fixture(scope="module")
def client(assistant: PolicyAssistant) -> TestClient:
    return TestClient(create_app(assistant))


def cited(client: TestClient, question: str) -> list[dict]:  # type: ignore[type-arg]
    response = client.post("/v1/ask", json={"question": question})
    assert response.status_code == 200
    return response.json()["citations"]


def test_a_document_is_served_with_the_text_its_citations_index_into(client: TestClient) -> None:
    for citation in cited(client, "Who owns housing goals?"):
        document = client.get(f"/v1/documents/{citation['document_id']}").json()
        assert document["text"][citation["start"]:citation["end"]] == citation["quote"]


def test_every_citation_links_to_its_quote_marked_in_the_document(client: TestClient) -> None:
    for citation in cited(client, "Vem ansvarar för uppföljningen av integrationsarbetet i Åstorp?"):
        url = urlsplit(citation["url"])
        assert url.path == f"/documents/{citation['document_id']}"
        assert parse_qs(url.query) == {"start": [str(citation["start"])], "end": [str(citation["end"])]}
        page = client.get(citation["url"])
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        marked = re.findall(r"<mark[^>]*>(.*?)</mark>", page.text, flags=re.S)
        assert html.unescape("".join(marked)).split() == citation["quote"].split()
        assert page.text.count('id="cited"') == 1


def test_the_viewer_shows_headings_as_headings_and_needs_nothing_from_outside(client: TestClient) -> None:
    page = client.get("/documents/astorp-integrationspolicy?start=0&end=10")
    assert "<h1>" in page.text and "<h2>" in page.text  # the title and the section headings
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page.text)  # no external assets
    policy = page.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)  # type: ignore[union-attr]
    assert f'<script nonce="{nonce}">' in page.text and "default-src 'none'" in policy
    assert page.text.count("<script") == 1


def test_the_glossary_that_definitions_cite_can_be_viewed_too(client: TestClient) -> None:
    citation = cited(client, "Vad är kommunfullmäktige?")[0]
    assert citation["document_id"] == "glossary"
    page = client.get(citation["url"])
    assert page.status_code == 200 and "<mark" in page.text


@pytest.mark.parametrize(("query", "status", "fragment"), [
    ("start=5", 422, "both start and end"),
    ("start=10&end=5", 422, "not inside the document"),
    ("start=0&end=99999999", 422, "not inside the document"),
    ("start=-1&end=4", 422, "start"),
])
def test_a_span_that_is_not_in_the_document_is_refused_by_name(client: TestClient, query: str, status: int,
                                                               fragment: str) -> None:
    response = client.get(f"/documents/tierp-handlingsplan-for-integration?{query}")
    assert response.status_code == status and fragment in response.json()["detail"]


def test_an_unknown_document_is_404(client: TestClient) -> None:
    assert client.get("/documents/no-such-document?start=0&end=1").status_code == 404


def test_document_text_is_escaped_in_the_viewer(client: TestClient) -> None:
    assert "<mark" not in client.get("/documents/tierp-handlingsplan-for-integration").text  # no span: no mark
    hostile = ("# Plan\n\nA <script>alert(1)</script> & <img src=x onerror=alert(2)> <u>ok</u>\n\n"
               "| <b>x</b> | <script>y</script> |\n|---|---|\n| & | <i onclick=alert(3)>1</i> |\n")
    document = parse_bytes(hostile.encode(), suffix=".md", source_path="h.md", document_id="h")
    body = document_body(document, (0, len(hostile)))
    assert "<script" not in body and "<img" not in body and "onclick" not in body and "<u>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt; ok" in body


# --- tables, inline markup and pages --------------------------------------------------------------

TIERP = "tierp-handlingsplan-for-integration"
CHEF = "Chef kvalitet och strategisk utveckling"


def soup(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")


def span_of(text: str, quote: str, *, after: str = "") -> tuple[int, int]:
    start = text.index(quote, text.index(after) if after else 0)
    return start, start + len(quote)


def test_a_cited_table_row_is_shown_in_its_table_under_its_column_headers(client: TestClient,
                                                                          assistant: PolicyAssistant) -> None:
    start, end = span_of(assistant.document_text(TIERP), CHEF)
    page = soup(client.get(f"/documents/{TIERP}?start={start}&end={end}").text)

    mark = page.select_one("mark#cited")
    assert mark is not None and mark.get_text() == CHEF and mark.parent.name == "td"
    table = mark.find_parent("table")
    headers = [th.get_text() for th in table.select("thead th[scope=col]")]
    assert headers == ["Mål/delmål för område Boende", "Problem/behov", "Aktivitet", "Huvudansvar", "Tidplan",
                       "Uppföljning/resultat, datum"]
    row = [td.get_text() for td in mark.find_parent("tr").find_all("td")]
    assert row[3:5] == [CHEF, "2018"]
    # A table's header row is never a heading, and no row is tab-spaced text.
    assert not [h for h in page.select("h1, h2, h3, h4, h5, h6") if "Mål/delmål" in h.get_text()]
    assert "\t" not in page.select_one("main").get_text()


def test_a_quote_over_several_cells_is_marked_in_each_cell_of_its_row(client: TestClient,
                                                                      assistant: PolicyAssistant) -> None:
    text = assistant.document_text(TIERP)
    start = text.index("skrivas in i bostadsförsörjningsprogrammet.")
    end = text.index(CHEF) + len("Chef kvalitet")
    page = soup(client.get(f"/documents/{TIERP}?start={start}&end={end}").text)

    marks = page.find_all("mark")
    assert [m.get_text() for m in marks] == ["skrivas in i bostadsförsörjningsprogrammet.", "Chef kvalitet"]
    assert [m.parent.name for m in marks] == ["td", "td"] and marks[0].find_parent("tr") is marks[1].find_parent("tr")
    assert [m.get("id") for m in marks] == ["cited", None]


def test_inline_markup_the_source_carries_is_not_shown(client: TestClient) -> None:
    page = client.get(f"/documents/{TIERP}").text
    assert "&lt;u&gt;" not in page and "<u>" not in page
    assert "Mål/delmål för område Arbete" in soup(page).select_one("thead").get_text()


MARKDOWN = """# Riktlinje för bidrag

Stödet ges till **ideella föreningar** med <u>säte</u> i kommunen.

## Ansvar

| Uppgift | Ansvarig |
|---|---|
| **Beslut** om bidrag | Kultur- och fritidsnämnden |
| Utbetalning \\| kontroll | <u>Ekonomienheten</u> |
"""


def rendered(text: str, span: tuple[int, int] | None, *, suffix: str = ".md",
             page_starts: list[int] | None = None) -> BeautifulSoup:
    document = parse_bytes(text.encode(), suffix=suffix, source_path=f"r{suffix}", document_id="r")
    document = document.model_copy(update={"page_starts": page_starts or []})
    return soup(document_body(document, span))


def test_a_markdown_pipe_table_is_a_table_and_markers_are_dropped_with_the_mark_on_the_cited_characters() -> None:
    text = parse_bytes(MARKDOWN.encode(), suffix=".md", source_path="r.md", document_id="r").text
    start = text.index("Beslut om")  # the parsed text has no "**": a citation never spans one
    page = rendered(MARKDOWN, (start, start + len("Beslut om")))

    assert page.select_one("h2").get_text() == "Ansvar"  # without its "##"
    assert [th.get_text() for th in page.select("th[scope=col]")] == ["Uppgift", "Ansvarig"]
    assert [[td.get_text() for td in tr.find_all("td")] for tr in page.select("tbody tr")] == [
        ["Beslut om bidrag", "Kultur- och fritidsnämnden"], ["Utbetalning \\| kontroll", "Ekonomienheten"]]
    assert page.select_one("mark#cited").get_text() == "Beslut om"
    assert page.select("p")[0].get_text() == "Stödet ges till ideella föreningar med säte i kommunen."
    assert "---" not in page.get_text() and "**" not in page.get_text()


def test_in_markdown_a_tab_indents_and_makes_no_table_but_in_text_it_separates_cells() -> None:
    text = "# Plan\n\nInledning.\n\n\tindraget\tmed tab\n"
    assert not rendered(text, None).select("table")
    assert [td.get_text() for td in rendered(text, None, suffix=".txt").select("th")] == ["", "indraget", "med tab"]


def test_page_labels_stand_where_pages_begin_and_never_inside_a_paragraph() -> None:
    text = parse_bytes(MARKDOWN.encode(), suffix=".md", source_path="r.md", document_id="r").text
    paragraph = text.index("Stödet ges")
    mid_paragraph = text.index("med <u>säte")
    row = text.index("| Utbetalning")
    page = rendered(MARKDOWN, (mid_paragraph, mid_paragraph + 3), page_starts=[0, mid_paragraph, row])

    labels = page.select("div.page")
    assert [(d["id"], d.get_text()) for d in labels] == [
        ("page-1", "Sida 1 / Page 1"), ("page-2", "Sida 2 / Page 2"), ("page-3", "Sida 3 / Page 3")]
    assert [d.parent.name for d in labels] == ["[document]", "[document]", "td"]
    assert labels[0].find_next_sibling().name == "h1"
    # The paragraph the second page begins in is split there; the mark is after the label.
    before, after = labels[1].find_previous_sibling("p"), labels[1].find_next_sibling("p")
    assert text[paragraph:mid_paragraph].rstrip() == before.get_text().rstrip()
    assert after.get_text().startswith("med säte") and after.select_one("mark#cited").get_text() == "med"
    assert labels[2].find_parent("tr").find_next_sibling("tr").get_text().startswith("Utbetalning")
    assert not page.select("p div.page, p .page")  # no label inside a paragraph
