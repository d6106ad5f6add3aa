"""The HTTP contract: /v1/search, /v1/documents, /healthz, and clear 4xx errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.facade import PolicyAssistant

HIT_FIELDS = {"chunk_id", "document_id", "title", "municipality", "section", "section_path", "text",
              "score", "start", "end", "pages", "source_url"}


@pytest.fixture(scope="module")
def client(assistant: PolicyAssistant) -> TestClient:
    return TestClient(create_app(assistant))


def test_search_returns_hits_with_exactly_the_documented_fields(client: TestClient) -> None:
    response = client.post("/v1/search", json={"query": "Who owns housing goals?", "k": 3})
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert len(hits) == 3
    for hit in hits:
        assert set(hit) == HIT_FIELDS
        assert hit["section"] == " > ".join(hit["section_path"])


def test_search_filters_by_municipality_and_document(client: TestClient) -> None:
    by_municipality = client.post("/v1/search", json={"query": "uppföljning", "filters": {"municipality": "tranås"}})
    assert {h["municipality"] for h in by_municipality.json()["hits"]} == {"Tranås"}
    by_document = client.post("/v1/search", json={"query": "uppföljning",
                                                  "filters": {"document_id": "astorp-integrationspolicy"}})
    assert {h["document_id"] for h in by_document.json()["hits"]} == {"astorp-integrationspolicy"}


@pytest.mark.parametrize(("body", "fragment"), [
    ({"query": "   "}, "query"),
    ({"query": ""}, "query"),
    ({"query": "bostad", "k": 0}, "k"),
    ({"query": "bostad", "k": 51}, "k"),
    ({"query": "bostad", "filters": {"color": "red"}}, "color"),
    ({"query": "x" * 2001}, "query"),
    ({}, "query"),
])
def test_bad_search_requests_get_a_422_naming_the_problem(client: TestClient, body: dict, fragment: str) -> None:
    response = client.post("/v1/search", json=body)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_an_unknown_municipality_lists_the_known_ones(client: TestClient) -> None:
    response = client.post("/v1/search", json={"query": "bostad", "filters": {"municipality": "Malmö"}})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "Malmö" in detail
    for known in ("Dals-Ed", "Tierp", "Tranås", "Värnamo", "Åstorp"):
        assert known in detail


def test_an_unknown_document_filter_is_a_422(client: TestClient) -> None:
    response = client.post("/v1/search", json={"query": "bostad", "filters": {"document_id": "nope"}})
    assert response.status_code == 422 and "nope" in response.json()["detail"]


def test_malformed_json_is_a_422_that_says_so_in_words(client: TestClient) -> None:
    response = client.post("/v1/search", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("the request body is not valid JSON (") and "character 1" in detail
    assert "JSON decode error" not in detail


def test_the_api_docs_work_without_internet(client: TestClient) -> None:
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = client.get(page)
        assert html.status_code == 200 and f"/docs-assets/{asset}" in html.text
        assert "cdn.jsdelivr" not in html.text and "fonts.googleapis" not in html.text
        served = client.get(f"/docs-assets/{asset}")
        assert served.status_code == 200 and len(served.content) > 100_000
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200


def test_documents_lists_metadata_of_all_five(client: TestClient) -> None:
    documents = client.get("/v1/documents").json()["documents"]
    by_id = {d["id"]: d for d in documents}
    assert len(by_id) == 5
    tierp = by_id["tierp-handlingsplan-for-integration"]
    assert tierp["valid_until"] == "2018-12-31" and tierp["document_owner"] == "Kommunchef"
    assert by_id["dals-ed-policy-for-integrationsarbetet"]["adopted_date"] is None
    assert "text" not in tierp


def test_a_document_comes_with_its_sections(client: TestClient) -> None:
    response = client.get("/v1/documents/tierp-handlingsplan-for-integration")
    assert response.status_code == 200
    paths = [" > ".join(s["path"]) for s in response.json()["sections"]]
    assert "Handlingsplan för integration > Boende" in paths


def test_an_unknown_document_is_a_404(client: TestClient) -> None:
    response = client.get("/v1/documents/no-such-document")
    assert response.status_code == 404 and "no-such-document" in response.json()["detail"]


def test_healthz_reports_what_is_served(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["documents"] == 5 and body["chunks"] > 50
