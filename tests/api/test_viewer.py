"""The cited passage in its document: every citation links to a page of the assistant that shows the
whole document with the quote marked, and the document's text is there for integrators to check."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.facade import PolicyAssistant


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


def test_document_text_is_escaped_in_the_viewer(client: TestClient, assistant: PolicyAssistant) -> None:
    text = assistant.document_text("tierp-handlingsplan-for-integration")
    page = client.get("/documents/tierp-handlingsplan-for-integration").text
    if "<" in text or "&" in text:
        assert html.escape("<") in page or html.escape("&") in page
    assert "<mark" not in page  # no span asked for: nothing marked
