"""A document nobody here wrote, uploaded as PDF through the API and asked about in English: the
answer quotes the sentence that holds the asked-for fact, and a fact the document does not state
is said to be missing instead of being answered with the nearest figure."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate

from assistant.embed import Embedder
from assistant.glossary import Glossary
from tests.api.uploads import client_with_uploads


def cycling_guideline_pdf() -> bytes:
    """A municipal guideline of the kind staff upload, in Swedish, with a bonus, a body and a date."""
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    story = [
        Paragraph("Riktlinje för cykelpremie till anställda, Ystads kommun", styles["Title"]),
        Paragraph("Syfte", styles["Heading1"]),
        Paragraph("Kommunen vill att fler medarbetare tar cykeln till arbetet. Det minskar utsläppen och "
                  "förbättrar hälsan hos personalen.", body),
        Paragraph("Cykelpremie", styles["Heading1"]),
        Paragraph("Medarbetare som cyklar till arbetet minst 80 dagar per år får en cykelpremie. Premien är "
                  "500 kronor per år och betalas ut i december tillsammans med lönen. Den som vill ha premien "
                  "registrerar sina cykeldagar i personalsystemet.", body),
        Paragraph("Ansvar", styles["Heading1"]),
        Paragraph("HR-avdelningen ansvarar för att premien betalas ut. Varje chef ansvarar för att informera "
                  "sina medarbetare om riktlinjen.", body),
        Paragraph("Villkor", styles["Heading1"]),
        Paragraph("För att få premien gäller följande villkor:", body),
        ListFlowable([ListItem(Paragraph("anställningen är en tillsvidareanställning", body)),
                      ListItem(Paragraph("cykeldagarna är registrerade senast den 30 november", body))],
                     bulletType="bullet"),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, glossary: Glossary) -> TestClient:
    return client_with_uploads(tmp_path_factory.mktemp("unseen-upload"), embedder, glossary,
                               [("cykelpremie.pdf", cycling_guideline_pdf(), "application/pdf")])


def ask(client: TestClient, question: str) -> dict:  # type: ignore[type-arg]
    response = client.post("/v1/ask", json={"question": question})
    assert response.status_code == 200, response.text
    return response.json()


def test_how_big_is_the_bicycle_bonus_quotes_the_amount(client: TestClient) -> None:
    answer = ask(client, "How big is the bicycle bonus?")
    assert not answer["abstained"] and answer["language"] == "en"
    lead = answer["citations"][0]
    assert lead["document_id"] == "cykelpremie" and "500 kronor" in lead["quote"]
    assert "500 kronor" in answer["answer"].split("\n")[1]  # the first point, right under the intro


def test_who_pays_it_and_when_are_answered_from_the_right_sentences(client: TestClient) -> None:
    who = ask(client, "Who makes sure the bonus is paid out?")
    assert "HR-avdelningen" in who["citations"][0]["quote"]
    when = ask(client, "When is the cycling bonus paid?")
    assert "december" in when["citations"][0]["quote"]
    deadline = ask(client, "By when must the cycling days be registered?")
    assert "30 november" in deadline["answer"]


def test_the_conditions_are_quoted_as_the_list_they_are(client: TestClient) -> None:
    answer = ask(client, "What are the conditions for getting the bonus?")
    quote = answer["citations"][0]["quote"]
    assert "tillsvidareanställning" in quote and "30 november" in quote


def test_a_figure_the_guideline_does_not_state_is_not_made_up(client: TestClient) -> None:
    # "80 dagar" and "30 november" are figures, but neither is a number of employees.
    answer = ask(client, "How many employees received the bonus last year?")
    assert answer["abstained"]
    assert "None of the passages found states a number." in answer["answer"]
    swedish = ask(client, "Hur många anställda fick cykelpremien förra året?")
    assert swedish["abstained"] and swedish["language"] == "sv"
    parking = ask(client, "Vad kostar en parkeringsplats för cykeln vid stadshuset?")
    assert parking["abstained"]


def test_the_guideline_belongs_to_the_municipality_its_title_names(client: TestClient) -> None:
    documents = client.get("/v1/documents").json()["documents"]
    guideline = next(d for d in documents if d["id"] == "cykelpremie")
    assert guideline["municipality"] == "Ystad"
