"""Who may read what, tried by someone trying to leak it: a restricted HR routine uploaded for the
group ``hr``, then every route asked, by a reader outside the group and by an anonymous caller,
about exactly what it says. Its unique words, title and id never come back; a reader in the group
finds it at the rank an unrestricted copy has. For both backends (files, PostgreSQL)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.conftest import make_assistant
from tests.test_document_management import a_docx

ADMIN_KEY = "an-admin-key"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
SECRET_WORDS = ("Zylofon", "zylofon", "kvarnstensbonus", "Kvarnstensbonus", "rutin-for-zylofonhantering")
TITLE = "Rutin för Zylofonhantering"
BODY = ("Personalavdelningen betalar ut en kvarnstensbonus om 900 kronor till den som anmäler en "
        "zylofonincident. Zylofonrutinen gäller alla anställda i Tierps kommun.")
QUESTIONS = ["Hur stor är kvarnstensbonusen?", "Vad gäller för zylofonincidenter?",
             "How big is the kvarnstensbonus for a zylofon incident?"]


@dataclass
class Site:
    client: TestClient
    assistant: PolicyAssistant
    hr: dict[str, str]
    reader: dict[str, str]
    document_id: str


def site_for(root: Path, embedder: Embedder, glossary: Glossary, *, access: str, **settings: object) -> Site:
    assistant = make_assistant(root, embedder, glossary, admin_keys=(ADMIN_KEY,), **settings)
    assistant.ensure_index()
    client = TestClient(create_app(assistant))
    uploaded = client.post("/v1/documents", headers=ADMIN, data={"access": access},
                           files={"file": ("rutin-for-zylofonhantering.docx", a_docx(TITLE, BODY),
                                           "application/octet-stream")})
    assert uploaded.status_code == 201, uploaded.text
    keys = {}
    for name, groups in (("hr", ["hr"]), ("reader", [])):
        made = client.post("/v1/keys", headers=ADMIN,
                           json={"name": f"{name} staff", "role": "reader", "groups": groups})
        assert made.status_code == 201, made.text
        keys[name] = {"Authorization": f"Bearer {made.json()['key']}"}
    return Site(client, assistant, keys["hr"], keys["reader"], uploaded.json()["id"])


@pytest.fixture(params=["files", "postgres"])
def site(request: pytest.FixtureRequest, tmp_path: Path, embedder: Embedder, glossary: Glossary) -> Iterator[Site]:
    settings: dict[str, object] = {}
    if request.param == "postgres":
        settings["database_url"] = request.getfixturevalue("database_url")
    built = site_for(tmp_path, embedder, glossary, access="hr, Ledning", **settings)
    yield built
    built.assistant.close()


def leaks(text: str) -> list[str]:
    return [word for word in (*SECRET_WORDS, TITLE) if word in text]


def outsider_responses(site: Site, headers: dict[str, str] | None) -> dict[str, str]:
    """Every route's answer to a caller outside the group, about what the restricted document says."""
    c, doc = site.client, site.document_id
    out: dict[str, str] = {}
    for n, question in enumerate(QUESTIONS):
        out[f"search {n}"] = c.post("/v1/search", headers=headers, json={"query": question, "k": 50}).text
        out[f"ask {n}"] = c.post("/v1/ask", headers=headers, json={"question": question}).text
        out[f"stream {n}"] = c.post("/v1/ask/stream", headers=headers, json={"question": question}).text
        messages = [{"role": "user", "content": question}]
        out[f"chat {n}"] = c.post("/v1/chat/completions", headers=headers,
                                  json={"model": "policy-assistant", "messages": messages}).text
        out[f"chat stream {n}"] = c.post("/v1/chat/completions", headers=headers,
                                         json={"model": "policy-assistant", "messages": messages, "stream": True}).text
    history = [{"role": "user", "content": "Vem ansvarar för integrationen i Tierp?"},
               {"role": "assistant", "content": "Kommunstyrelsen."}]
    out["follow-up"] = c.post("/v1/ask", headers=headers,
                              json={"question": "Och hur stor är bonusen för incidenter?", "history": history}).text
    refused = c.post("/v1/search", headers=headers, json={"query": "bonus", "filters": {"document_id": doc}})
    missing = c.post("/v1/search", headers=headers, json={"query": "bonus", "filters": {"document_id": "nope"}})
    assert refused.status_code == missing.status_code == 422  # as for an id that does not exist
    out["filter"] = refused.text.replace(f"'{doc}'", "")
    out["list"] = c.get("/v1/documents", headers=headers).text
    for path in (f"/v1/documents/{doc}", f"/v1/documents/{doc}/overview", f"/documents/{doc}?start=0&end=10",
                 f"/documents/{doc}/original"):
        response = c.get(path, headers=headers)
        assert response.status_code == 404, (path, response.status_code)
        out[path] = response.text.replace(f"'{doc}'", "")  # the 404 echoes the id asked for, nothing more
    out["metrics"] = c.get("/metrics").text
    return out


def test_a_reader_outside_the_group_never_sees_the_document(site: Site) -> None:
    for what, text in outsider_responses(site, site.reader).items():
        assert not leaks(text), f"{what} leaked {leaks(text)}: {text[:300]}"


def test_an_anonymous_caller_never_sees_the_document(site: Site) -> None:
    for what, text in outsider_responses(site, None).items():
        assert not leaks(text), f"{what} leaked {leaks(text)}: {text[:300]}"


def test_an_outsider_gets_the_404_of_a_document_that_does_not_exist(site: Site) -> None:
    hidden = site.client.get(f"/v1/documents/{site.document_id}", headers=site.reader)
    missing = site.client.get("/v1/documents/no-such-document", headers=site.reader)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(site.document_id, "X") == missing.json()["detail"].replace(
        "no-such-document", "X")


def test_a_reader_in_the_group_finds_it_where_an_unrestricted_copy_is_found(
        site: Site, tmp_path: Path, embedder: Embedder, glossary: Glossary) -> None:
    open_site = site_for(tmp_path / "open", embedder, glossary, access="")
    for question in QUESTIONS:
        restricted = [h["document_id"] for h in site.client.post(
            "/v1/search", headers=site.hr, json={"query": question, "k": 10}).json()["hits"]]
        unrestricted = [h["document_id"] for h in open_site.client.post(
            "/v1/search", headers=open_site.reader, json={"query": question, "k": 10}).json()["hits"]]
        assert site.document_id in restricted
        assert restricted.index(site.document_id) == unrestricted.index(site.document_id), question
    answer = site.client.post("/v1/ask", headers=site.hr, json={"question": QUESTIONS[0]}).json()
    assert "900 kronor" in answer["answer"] and answer["citations"][0]["document_id"] == site.document_id
    assert site.client.get(f"/v1/documents/{site.document_id}", headers=site.hr).status_code == 200
    open_site.assistant.close()


def test_restricted_documents_do_not_crowd_allowed_passages_out(site: Site) -> None:
    """The group filter is inside the queries: an outsider still gets k hits, all of them allowed."""
    hits = site.client.post("/v1/search", headers=site.reader, json={"query": BODY, "k": 20}).json()["hits"]
    assert len(hits) == 20 and all(h["document_id"] != site.document_id for h in hits)


def test_admins_see_every_document_with_its_groups(site: Site) -> None:
    listed = {d["id"]: d for d in site.client.get("/v1/documents", headers=ADMIN).json()["documents"]}
    assert listed[site.document_id]["access"] == ["hr", "ledning"]
    readers = site.client.get("/v1/documents", headers=site.hr).json()["documents"]
    assert all(d["access"] == [] for d in readers)  # group names are for admins


def test_a_revoked_key_is_refused_on_the_next_request(site: Site) -> None:
    keys = site.client.get("/v1/keys", headers=ADMIN).json()
    assert {k["name"] for k in keys} == {"hr staff", "reader staff"} and all("key" not in k for k in keys)
    hr = next(k for k in keys if k["name"] == "hr staff")
    assert site.client.post("/v1/search", headers=site.hr, json={"query": "bonus"}).status_code == 200
    assert site.client.delete(f"/v1/keys/{hr['id']}", headers=ADMIN).status_code == 204
    assert site.client.post("/v1/search", headers=site.hr, json={"query": "bonus"}).status_code == 401
    assert site.client.delete(f"/v1/keys/{hr['id']}", headers=ADMIN).status_code == 404


def test_keys_are_for_admins_and_stored_only_as_hashes(site: Site, tmp_path: Path) -> None:
    assert site.client.post("/v1/keys", headers=site.reader, json={"name": "x"}).status_code == 403
    assert site.client.get("/v1/audit", headers=site.hr).status_code == 403
    made = site.client.post("/v1/keys", headers=ADMIN, json={"name": "intranet", "role": "admin"}).json()
    secret = made["key"]
    if site.assistant.settings.database_url:
        with psycopg.connect(site.assistant.settings.database_url.get_secret_value()) as connection:
            stored = json.dumps(connection.execute("SELECT * FROM api_keys").fetchall(), default=str)
    else:
        with sqlite3.connect(tmp_path / "data" / "access.sqlite") as connection:
            stored = json.dumps(connection.execute("SELECT * FROM api_keys").fetchall())
    assert secret not in stored and made["id"] in stored
    assert site.client.get("/v1/documents", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_bad_access_groups_and_key_requests_are_clear_4xx(site: Site) -> None:
    refused = site.client.post("/v1/documents", headers=ADMIN, data={"access": "hr; drop table"},
                               files={"file": ("x.docx", a_docx("X", "Text om något."), "application/octet-stream")})
    assert refused.status_code == 422 and "invalid access group 'hr; drop table'" in refused.text
    assert site.client.post("/v1/keys", headers=ADMIN, json={"name": "x", "role": "root"}).status_code == 422
    assert site.client.post("/v1/keys", headers=ADMIN, json={"name": "x", "groups": ["a b"]}).status_code == 422


def test_admin_actions_are_in_the_audit_trail_with_key_names_and_request_ids(site: Site) -> None:
    site.client.delete(f"/v1/documents/{site.document_id}", headers={**ADMIN, "X-Request-ID": "req-delete-1"})
    entries = site.client.get("/v1/audit", headers=ADMIN).json()
    actions = [(e["action"], e["key_name"]) for e in entries]
    assert actions[0] == ("delete", "environment admin key") and entries[0]["request_id"] == "req-delete-1"
    assert ("upload", "environment admin key") in actions and ("key created", "environment admin key") in actions
    assert entries[0]["target"] == site.document_id
    assert len(site.client.get("/v1/audit?limit=1&offset=1", headers=ADMIN).json()) == 1


def test_feedback_records_which_key_gave_it(site: Site) -> None:
    body = {"question": "Vem äger bostadsmålen?", "answer": "Kommunstyrelsen.", "rating": "up"}
    assert site.client.post("/v1/feedback", headers=site.hr, json=body).status_code == 201
    assert site.client.get("/v1/feedback", headers=ADMIN).json()[0]["given_by"] == "hr staff"


def test_a_shipped_document_is_restricted_by_its_access_sidecar(site: Site) -> None:
    corpus = site.assistant.settings.corpus_dir
    shipped = next(corpus.glob("tierp-*"))
    (corpus / f"{shipped.name}.access").write_text("ledning", encoding="utf-8")
    site.assistant.ensure_index()  # the sidecar changed the corpus: re-indexed with the restriction
    tierp = next(d["id"] for d in site.client.get("/v1/documents", headers=ADMIN).json()["documents"]
                 if d["id"].startswith("tierp-"))
    hits = site.client.post("/v1/search", headers=site.reader, json={"query": "handlingsplan Tierp", "k": 20}).json()
    assert all(h["document_id"] != tierp for h in hits["hits"])
    assert site.client.get(f"/v1/documents/{tierp}", headers=site.hr).status_code == 404
    admin_view = {d["id"]: d for d in site.client.get("/v1/documents", headers=ADMIN).json()["documents"]}
    assert admin_view[tierp]["access"] == ["ledning"]
