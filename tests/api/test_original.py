"""The original file behind each document (``GET /documents/{id}/original``), for both backends
(files, PostgreSQL): the bytes as uploaded or shipped, shown inline in a sandbox, under the same
access check as the document (404 for a caller outside its groups, as for a document that does not
exist); and the viewer's page labels and its link to the original at the quote's page."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from api.app import create_app
from assistant.access import Viewer
from assistant.embed import Embedder
from assistant.errors import DocumentNotFoundError
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.conftest import CORPUS, make_assistant
from tests.test_document_management import a_docx

ADMIN = {"Authorization": "Bearer an-admin-key"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TIERP = "tierp-handlingsplan-for-integration"
RESTRICTED = a_docx("Rutin för Zylofonhantering", "Personalavdelningen betalar ut en kvarnstensbonus om 900 kronor.")
ON_PAGE_2 = "Ansökan om verksamhetsbidrag lämnas till kultur- och fritidsnämnden senast den 1 mars varje år."


def a_pdf() -> bytes:
    """Three pages: a background, the application rule (page 2), the follow-up (page 3)."""
    styles, buffer = getSampleStyleSheet(), io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([
        Paragraph("Riktlinje för föreningsbidrag i Exempelby kommun", styles["Title"]),
        Paragraph("Bakgrund", styles["Heading1"]),
        Paragraph("Kommunen stödjer föreningar som bedriver verksamhet för barn och unga.", styles["Normal"]),
        PageBreak(), Paragraph("Ansökan", styles["Heading1"]), Paragraph(ON_PAGE_2, styles["Normal"]),
        PageBreak(), Paragraph("Uppföljning", styles["Heading1"]),
        Paragraph("Kultur- och fritidsnämnden följer upp bidragen årligen.", styles["Normal"])])
    return buffer.getvalue()


PDF = a_pdf()


@dataclass
class Site:
    client: TestClient
    assistant: PolicyAssistant
    hr: dict[str, str]
    reader: dict[str, str]


def upload(client: TestClient, name: str, data: bytes, access: str = "") -> str:
    response = client.post("/v1/documents", headers=ADMIN, data={"access": access},
                           files={"file": (name, data, "application/octet-stream")})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture(scope="module", params=["files", "postgres"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, embedder: Embedder,
         glossary: Glossary) -> Iterator[Site]:
    settings: dict[str, object] = {}
    if request.param == "postgres":
        from tests.postgres_server import new_database

        settings["database_url"] = new_database(request.getfixturevalue("postgres_server"), "t_original_files")
    assistant = make_assistant(tmp_path_factory.mktemp(f"original-{request.param}"), embedder, glossary,
                               admin_keys=("an-admin-key",), **settings)
    assistant.ensure_index()
    client = TestClient(create_app(assistant))
    assert upload(client, "rutin-for-zylofonhantering.docx", RESTRICTED, "hr") == "rutin-for-zylofonhantering"
    assert upload(client, "foreningsbidrag.pdf", PDF) == "foreningsbidrag"
    keys = {}
    for name, groups in (("hr", ["hr"]), ("reader", [])):
        made = client.post("/v1/keys", headers=ADMIN, json={"name": name, "role": "reader", "groups": groups})
        keys[name] = {"Authorization": f"Bearer {made.json()['key']}"}
    yield Site(client, assistant, keys["hr"], keys["reader"])
    assistant.close()


def test_a_reader_in_the_group_gets_the_uploaded_file_inline_in_a_sandbox(site: Site) -> None:
    response = site.client.get("/documents/rutin-for-zylofonhantering/original", headers=site.hr)

    assert response.status_code == 200 and response.content == RESTRICTED
    assert response.headers["content-type"] == DOCX
    assert response.headers["content-disposition"] == 'inline; filename="rutin-for-zylofonhantering.docx"'
    assert response.headers["x-content-type-options"] == "nosniff"
    assert re.match(r"sandbox(;|$)", response.headers["content-security-policy"])


@pytest.mark.parametrize("who", ["reader", "anonymous"])
def test_outside_the_group_the_file_is_a_404_like_a_document_that_does_not_exist(site: Site, who: str) -> None:
    headers = site.reader if who == "reader" else None
    hidden = site.client.get("/documents/rutin-for-zylofonhantering/original", headers=headers)
    missing = site.client.get("/documents/no-such-document/original", headers=headers)

    assert hidden.status_code == missing.status_code == 404
    assert "Zylofon" not in hidden.text and "kvarnstensbonus" not in hidden.text
    assert hidden.json()["detail"].replace("rutin-for-zylofonhantering", "X") == missing.json()["detail"].replace(
        "no-such-document", "X")
    with pytest.raises(DocumentNotFoundError):
        site.assistant.original_file("rutin-for-zylofonhantering", viewer=Viewer.public())


def test_a_shipped_document_is_served_as_the_corpus_file_with_its_charset(site: Site) -> None:
    response = site.client.get(f"/documents/{TIERP}/original", headers=site.reader)

    assert response.status_code == 200 and response.content == (CORPUS / f"{TIERP}.txt").read_bytes()
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_the_glossary_has_no_original_file(site: Site) -> None:
    assert site.assistant.original_file("glossary") is None
    response = site.client.get("/documents/glossary/original")
    assert response.status_code == 404 and "no original file" in response.json()["detail"]


def test_the_viewer_shows_the_quotes_page_and_links_the_pdf_at_that_page(site: Site) -> None:
    document = site.client.get("/v1/documents/foreningsbidrag").json()
    start = document["text"].index(ON_PAGE_2[:40])
    page = BeautifulSoup(site.client.get(f"/documents/foreningsbidrag?start={start}&end={start + 40}").text,
                         "html.parser")

    header = page.select_one("header")
    assert "Sida 2 / Page 2" in header.get_text()
    assert header.select_one("a[href='#page-2']") is not None
    link = header.find("a", string=None, href=re.compile("original"))
    assert link["href"] == "foreningsbidrag/original#page=2" and link.get_text() == "Originalfil / Original file"
    assert [d["id"] for d in page.select("div.page")] == ["page-1", "page-2", "page-3"]
    assert page.select_one("mark#cited").find_previous("div", class_="page")["id"] == "page-2"
    original = site.client.get("/documents/foreningsbidrag/original")
    assert original.status_code == 200 and original.content == PDF
    assert original.headers["content-type"] == "application/pdf"


def test_the_viewer_links_the_original_only_for_who_may_read_it(site: Site) -> None:
    for headers in (site.hr, ADMIN):
        page = site.client.get("/documents/rutin-for-zylofonhantering", headers=headers).text
        assert 'href="rutin-for-zylofonhantering/original"' in page  # no page fragment: not a PDF
    assert "original" not in site.client.get("/documents/glossary").text.split("<main>")[0]


def test_a_file_replaced_with_other_groups_is_not_read_under_the_old_ones(site: Site) -> None:
    upload(site.client, "rutin-for-nycklar.docx", a_docx("Rutin för nycklar", "Nycklar kvitteras i receptionen."),
           "hr")
    original = site.assistant.original_file("rutin-for-nycklar", viewer=Viewer(groups=frozenset({"hr"})))
    assert original is not None and original.access == ("hr",)
    upload(site.client, "rutin-for-nycklar.docx", a_docx("Rutin för nycklar", "Nya regler för nycklar."), "ledning")

    with pytest.raises(DocumentNotFoundError):
        original.read()
    response = site.client.get("/documents/rutin-for-nycklar/original", headers=site.hr)
    assert response.status_code == 404


def test_a_missing_file_in_the_folder_is_a_404_not_a_500(site: Site, tmp_path: Path) -> None:
    if site.assistant.settings.database_url:
        pytest.skip("the PostgreSQL backend keeps the bytes in the database")
    path = site.assistant.settings.corpus_dir / f"{TIERP}.txt"
    original = site.assistant.original_file(TIERP)
    assert original is not None
    moved = tmp_path / path.name
    path.rename(moved)
    try:
        with pytest.raises(DocumentNotFoundError):
            original.read()
    finally:
        moved.rename(path)
