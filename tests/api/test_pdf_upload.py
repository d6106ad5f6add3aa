"""A new user's own PDFs uploaded through the API and asked about: a two-page policy with numbered
headings and an action table, and the same policy as a scan. Answers quote the row or sentence
that holds the fact, verbatim, and cite the page it is on."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.embed import Embedder
from assistant.glossary import Glossary
from tests.api.uploads import client_with_uploads
from tests.parse.test_pdf import climate_policy_pdf
from tests.render.scan import scan_pdf


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, glossary: Glossary) -> TestClient:
    return client_with_uploads(tmp_path_factory.mktemp("pdf-upload"), embedder, glossary, [
        ("klimatpolicy.pdf", climate_policy_pdf(), "application/pdf"),
        ("skannad-klimatpolicy.pdf", scan_pdf(climate_policy_pdf(), rotate_degrees=1.0), "application/pdf")])


def ask(client: TestClient, question: str, document_id: str = "klimatpolicy") -> dict:  # type: ignore[type-arg]
    response = client.post("/v1/ask", json={"question": question, "filters": {"document_id": document_id}})
    assert response.status_code == 200, response.text
    return response.json()


def test_who_is_responsible_is_answered_from_the_action_table(client: TestClient) -> None:
    answer = ask(client, "Who is responsible for the skyfallsplan?")

    assert not answer["abstained"]
    lead = answer["citations"][0]
    assert lead["document_id"] == "klimatpolicy" and "Fastighetsenheten" in answer["answer"]
    assert lead["section"].endswith("4. Åtgärder") and lead["page"] == 2


def test_a_deadline_is_quoted_from_its_row(client: TestClient) -> None:
    answer = ask(client, "När ska kartläggningen av översvämningsrisker vara klar?")

    assert not answer["abstained"] and "2026-06-30" in answer["answer"]


def test_every_quote_is_verbatim_and_points_at_its_page(client: TestClient) -> None:
    answer = ask(client, "Vem samordnar arbetet med klimatanpassning?")
    citation = answer["citations"][0]
    viewer = client.get(citation["url"])

    assert "Samhällsbyggnadschefen" in citation["quote"] and citation["page"] == 2
    assert viewer.status_code == 200 and "Sida 2" in viewer.text


def test_a_scanned_copy_is_read_by_ocr_and_quoted_verbatim(client: TestClient) -> None:
    answer = ask(client, "Who is responsible for the skyfallsplan?", document_id="skannad-klimatpolicy")

    assert not answer["abstained"] and "Fastighetsenheten" in answer["answer"]
    citation = answer["citations"][0]
    viewer = client.get(citation["url"])
    assert viewer.status_code == 200 and citation["quote"] in viewer.text.replace("&amp;", "&")
