"""New officials: document status, per-document overviews, the glossary, definitions."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.facade import PolicyAssistant
from assistant.models import DocumentInfo
from assistant.status import document_status


@pytest.fixture(scope="module")
def client(assistant: PolicyAssistant) -> TestClient:
    return TestClient(create_app(assistant))


@pytest.mark.parametrize(("fields", "today", "expected"), [
    ({"valid_until": dt.date(2018, 12, 31)}, dt.date(2026, 11, 23), "expired"),
    ({"valid_until": dt.date(2030, 1, 1)}, dt.date(2026, 11, 23), "current"),
    ({"revision_date": dt.date(2021, 12, 19)}, dt.date(2026, 11, 23), "due_for_revision"),
    ({"revision_date": dt.date(2021, 12, 19)}, dt.date(2020, 1, 1), "current"),
    ({"adopted_date": dt.date(2018, 6, 25)}, dt.date(2026, 11, 23), "unknown"),
])
def test_status_follows_the_stated_dates(fields: dict, today: dt.date, expected: str) -> None:
    document = DocumentInfo(id="x", title="X", source_path="x.txt", **fields)
    assert document_status(document, today=today) == expected


def test_documents_carry_their_status(client: TestClient) -> None:
    by_id = {d["id"]: d for d in client.get("/v1/documents").json()["documents"]}
    assert by_id["tierp-handlingsplan-for-integration"]["status"] == "expired"
    assert by_id["tranas-integrationspolitiskt-program"]["status"] == "due_for_revision"
    assert by_id["dals-ed-policy-for-integrationsarbetet"]["status"] == "unknown"


def test_an_overview_gives_purpose_areas_responsibility_and_dates_with_citations(
        client: TestClient, assistant: PolicyAssistant) -> None:
    body = client.get("/v1/documents/tierp-handlingsplan-for-integration/overview").json()
    text = body["overview"]
    assert "Purpose:" in text and "Areas:" in text and "Responsible:" in text and "Dates:" in text
    for area in ("Arbete", "Boende", "Språk", "Attityd", "Mötesplatser", "Samverkan"):
        assert area in text
    assert "Chef kvalitet och strategisk utveckling" in text
    assert "Status: expired" in text
    source = assistant.document_text("tierp-handlingsplan-for-integration")
    for citation in body["citations"]:
        assert source[citation["start"]:citation["end"]] == citation["quote"]
        assert f"[{citation['n']}]" in text
    swedish = client.get("/v1/documents/tierp-handlingsplan-for-integration/overview?lang=sv").json()
    assert "Syfte:" in swedish["overview"] and "har upphört att gälla" in swedish["overview"]


def test_the_glossary_is_searchable(client: TestClient) -> None:
    everything = client.get("/v1/glossary", params={"limit": 1000}).json()
    assert len(everything) >= 350
    assert set(everything[0]) == {"term", "english", "explanation", "explanation_sv"}
    found = client.get("/v1/glossary", params={"q": "fullmäktige"}).json()
    assert found[0]["term"] == "kommunfullmäktige" and found[0]["english"] == "municipal council"
    assert client.get("/v1/glossary", params={"q": "municipal executive board"}).json()[0]["term"] == \
        "kommunstyrelsen"


def test_what_is_a_term_the_policies_do_not_define_is_answered_from_the_glossary(
        assistant: PolicyAssistant) -> None:
    answer = assistant.ask("Vad är kommunfullmäktige?")
    assert not answer.abstained and answer.language == "sv"
    assert [c.document_id for c in answer.citations] == ["glossary"]
    citation = answer.citations[0]
    assert assistant.document_text("glossary")[citation.start:citation.end] == citation.quote
    # A Swedish question gets the Swedish explanation; an English one the English.
    assert "högsta beslutande organ" in answer.answer and "decision-making" not in answer.answer
    english = assistant.ask("What is kommunfullmäktige?")
    assert english.language == "en" and "municipal council" in english.answer
    assert "decision-making" in english.answer


def test_a_country_s_name_is_translated_but_not_defined_from_the_glossary(assistant: PolicyAssistant) -> None:
    """The glossary knows Ryssland is Russia, to search in both languages; "Vad är Ryssland?" is not
    answered by that translation."""
    answer = assistant.ask("Vad är Ryssland?")
    assert "glossary" not in [c.document_id for c in answer.citations]
    assert "heter Russia på engelska" not in answer.answer


def test_a_term_the_policies_define_is_answered_from_the_policies(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("Vad är en nyanländ?")
    assert any(c.document_id == "dals-ed-policy-for-integrationsarbetet" for c in answer.citations)
    assert "Nyanländ är den som har uppehållstillstånd" in answer.answer


def test_feedback_is_stored_with_the_answer_and_survives_a_restart(assistant: PolicyAssistant,
                                                                 client: TestClient) -> None:
    answer = client.post("/v1/ask", json={"question": "Who owns housing goals?"}).json()
    response = client.post("/v1/feedback", json={"question": "Who owns housing goals?", "answer": answer["answer"],
                                                 "rating": "down", "comment": "Saknar Tranås",
                                                 "citations": answer["citations"]})
    assert response.status_code == 201
    stored = response.json()
    again = PolicyAssistant(settings=assistant.settings, embedder=assistant.embedder, glossary=assistant.glossary)
    newest = again.feedback(limit=1)[0]
    assert newest.id == stored["id"] and newest.comment == "Saknar Tranås" and newest.rating == "down"
    assert [c.model_dump() for c in newest.citations] == answer["citations"]


def test_bad_feedback_is_a_422(client: TestClient) -> None:
    response = client.post("/v1/feedback", json={"question": "q", "answer": "a", "rating": "meh"})
    assert response.status_code == 422 and "rating" in response.json()["detail"]
