"""Staff reach the chat when keys are required: signing in on the chat page (a session cookie, with
CSRF on every change), a short-lived widget token handed out by an intranet page's server, or a
single-sign-on proxy's headers, accepted only from the proxy's address. Each reads exactly as the
key or user it stands for: a restricted document stays hidden from everyone outside its groups."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.sessions import COOKIE, CSRF_COOKIE, widget_token
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.conftest import make_assistant

ADMIN = "a-sessions-admin"
READER = "r-sessions-reader"
SECRET = "Zylofonrutinen"
QUESTION = "Hur stor är kvarnstensbonusen för en zylofonincident?"


@pytest.fixture
def assistant(tmp_path: Path, embedder: Embedder, glossary: Glossary) -> PolicyAssistant:
    built = make_assistant(tmp_path, embedder, glossary, admin_keys=(ADMIN,), reader_keys=(READER,),
                           trusted_proxies=("10.0.0.0/8",), proxy_admin_group="it-admin")
    built.ensure_index()
    built.library.add("zylofon.md", f"# {SECRET}\n\nPersonalavdelningen betalar ut en kvarnstensbonus om 900 "
                       "kronor till den som anmäler en zylofonincident.".encode(), access=["hr"])
    return built


def titles(response_json: dict) -> set[str]:
    return {d["title"] for d in response_json["documents"]}


def test_staff_sign_in_on_the_chat_page_and_the_widget_works_with_the_session(assistant: PolicyAssistant) -> None:
    browser = TestClient(create_app(assistant), follow_redirects=False)
    assert browser.get("/v1/documents").status_code == 401
    form = browser.get("/sign-in", params={"next": "/"})
    assert form.status_code == 200 and 'action="/sign-in"' in form.text

    signed = browser.post("/sign-in", data={"key": READER, "next": "/"})

    assert signed.status_code == 303 and signed.headers["location"] == "/"
    assert {COOKIE, CSRF_COOKIE} <= set(browser.cookies.keys())
    listed = browser.get("/v1/documents")
    assert listed.status_code == 200 and SECRET not in titles(listed.json())  # a reader without "hr"
    refused = browser.post("/v1/ask", json={"question": QUESTION})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    asked = browser.post("/v1/ask", json={"question": QUESTION}, headers={"X-CSRF-Token": browser.cookies[CSRF_COOKIE]})
    assert asked.status_code == 200 and SECRET not in asked.text

    wrong = TestClient(create_app(assistant), follow_redirects=False).post("/sign-in", data={"key": "guess"})
    assert wrong.status_code == 401 and COOKIE not in wrong.headers.get("set-cookie", "")
    away = browser.post("/sign-in", data={"key": READER, "next": "//evil.example/"})
    assert away.headers["location"] == "/"


def test_an_intranet_page_hands_its_widget_a_short_lived_token(assistant: PolicyAssistant) -> None:
    api = TestClient(create_app(assistant))
    issued = api.post("/v1/widget-tokens", headers={"Authorization": f"Bearer {ADMIN}"},
                      json={"user": "anna.andersson", "groups": ["hr"], "minutes": 10})
    assert issued.status_code == 201 and issued.json()["expires_in"] == 600
    token = issued.json()["token"]

    as_anna = api.get("/v1/documents", headers={"Authorization": f"Bearer {token}"})
    assert as_anna.status_code == 200 and SECRET in titles(as_anna.json())
    assert api.post("/v1/documents", headers={"Authorization": f"Bearer {token}"},
                    files={"file": ("x.md", b"# X\n\ny", "text/markdown")}).status_code == 403  # reads only

    own = api.post("/v1/widget-tokens", headers={"Authorization": f"Bearer {READER}"}, json={})
    assert own.status_code == 201
    assert SECRET not in titles(api.get("/v1/documents", headers={"Authorization": f"Bearer {own.json()['token']}"}
                                        ).json())
    assert api.post("/v1/widget-tokens", headers={"Authorization": f"Bearer {READER}"},
                    json={"groups": ["hr"]}).status_code == 403  # a reader cannot widen its own groups
    assert api.post("/v1/widget-tokens", json={}).status_code == 401
    expired = widget_token(assistant.settings, name="anna", groups=["hr"], seconds=60, now=1_000_000.0)
    assert api.get("/v1/documents", headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert api.get("/v1/documents", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_a_single_sign_on_proxy_names_the_user_only_from_its_own_address(assistant: PolicyAssistant) -> None:
    headers = {"X-Remote-User": "anna.andersson", "X-Remote-Groups": "personal, hr"}
    proxy = TestClient(create_app(assistant), client=("10.1.2.3", 40000))
    stranger = TestClient(create_app(assistant), client=("192.168.1.20", 40000))

    through = proxy.get("/v1/documents", headers=headers)
    assert through.status_code == 200 and SECRET in titles(through.json())
    assert stranger.get("/v1/documents", headers=headers).status_code == 401  # the same headers, not from the proxy
    assert proxy.get("/v1/keys", headers=headers).status_code == 403  # a reader
    admin = proxy.get("/v1/keys", headers={"X-Remote-User": "it.chef", "X-Remote-Groups": "it-admin"})
    assert admin.status_code == 200
    feedback = proxy.post("/v1/feedback", headers=headers, json={"question": "q", "answer": "a", "rating": "up"})
    assert feedback.status_code == 201
    assert assistant.feedback()[0].given_by == "anna.andersson"
