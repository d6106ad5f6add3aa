"""The admin console over HTTP, as a browser sends it: sign-in with a key into a session cookie
(HttpOnly, SameSite=Strict), CSRF on every change, readers and strangers refused, titles escaped.
The browser-driven tests (Chromium, axe-core, screenshots) are in ``test_console_browser.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.sessions import COOKIE, SESSION_SECONDS, session_cookie, session_key
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.conftest import make_assistant

ADMIN_KEY = "a-console-admin-key"
READER_KEY = "r-console-reader-key"


@pytest.fixture
def assistant(tmp_path: Path, embedder: Embedder, glossary: Glossary) -> PolicyAssistant:
    built = make_assistant(tmp_path, embedder, glossary, admin_keys=(ADMIN_KEY,), reader_keys=(READER_KEY,))
    built.ensure_index()
    return built


@pytest.fixture
def browser(assistant: PolicyAssistant) -> TestClient:
    return TestClient(create_app(assistant), base_url="http://testserver", follow_redirects=False)


def sign_in(browser: TestClient, key: str = ADMIN_KEY) -> str:
    """Signs in; the CSRF token the next page's forms carry."""
    answer = browser.post("/admin/sign-in", data={"key": key, "next": "/admin/documents"})
    assert answer.status_code == 303, answer.text
    page = browser.get("/admin/documents")
    assert page.status_code == 200
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def test_a_page_without_a_session_sends_the_browser_to_sign_in(browser: TestClient) -> None:
    answer = browser.get("/admin/documents")
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/sign-in?next=%2Fadmin%2Fdocuments"
    form = browser.get("/admin/sign-in")
    assert 'type="password"' in form.text and 'name="key"' in form.text
    assert 'autocomplete="current-password"' in form.text


def test_signing_in_sets_a_strict_httponly_cookie_and_lands_on_documents(browser: TestClient) -> None:
    answer = browser.post("/admin/sign-in", data={"key": ADMIN_KEY, "next": "/admin/documents"})
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/documents"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain HTTP here; under TLS (or X-Forwarded-Proto: https) it is Secure
    page = browser.get("/admin/documents")
    assert page.status_code == 200 and "Tierp" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_a_bad_key_a_reader_key_and_an_open_redirect_are_refused(browser: TestClient) -> None:
    wrong = browser.post("/admin/sign-in", data={"key": "guess"})
    assert wrong.status_code == 401 and "not valid" in wrong.text and COOKIE not in wrong.headers.get("set-cookie", "")
    reader = browser.post("/admin/sign-in", data={"key": READER_KEY})
    assert reader.status_code == 403 and "admin key" in reader.text
    away = browser.post("/admin/sign-in", data={"key": ADMIN_KEY, "next": "https://evil.example/"})
    assert away.headers["location"] == "/admin/documents"


def test_a_change_without_the_csrf_token_is_refused_and_changes_nothing(browser: TestClient,
                                                                         assistant: PolicyAssistant) -> None:
    sign_in(browser)
    document_id = assistant.documents()[0].id
    forged = browser.post(f"/admin/documents/{document_id}/delete", data={"csrf": "forged"})
    assert forged.status_code == 403
    missing = browser.post(f"/admin/documents/{document_id}/delete")
    assert missing.status_code == 403
    assert document_id in {d.id for d in assistant.documents()}


def test_an_expired_or_forged_session_is_not_a_session(assistant: PolicyAssistant) -> None:
    settings = assistant.settings
    old = session_cookie(settings, ADMIN_KEY, now=1_000_000.0)
    assert session_key(settings, old, now=1_000_000.0 + 60) == ADMIN_KEY
    assert session_key(settings, old, now=1_000_000.0 + SESSION_SECONDS + 1) is None
    payload, signature = old.rsplit(".", 1)
    assert session_key(settings, f"{payload}.{signature[:-2]}AA", now=1_000_000.0) is None
    other = settings.model_copy(update={"admin_keys": ()})  # keys changed: every session ends
    assert session_key(other, old, now=1_000_000.0) is None


def test_changing_a_documents_groups_and_reindexing_it(browser: TestClient, assistant: PolicyAssistant) -> None:
    csrf = sign_in(browser)
    document_id = "tierp-handlingsplan-for-integration"
    saved = browser.post(f"/admin/documents/{document_id}/access", data={"csrf": csrf, "groups": "hr, chefer"})
    assert saved.status_code == 303
    info = next(d for d in assistant.documents() if d.id == document_id)
    assert info.access == ["chefer", "hr"]
    api = TestClient(create_app(assistant))
    listed = api.get("/v1/documents", headers={"Authorization": f"Bearer {READER_KEY}"}).json()["documents"]
    assert document_id not in {d["id"] for d in listed}  # a reader outside the groups no longer sees it
    assert browser.post(f"/admin/documents/{document_id}/reindex", data={"csrf": csrf}).status_code == 303
    assert next(d for d in assistant.documents() if d.id == document_id).access == ["chefer", "hr"]
    actions = [e.action for e in assistant.audit()]
    assert actions[:2] == ["re-indexed", "access changed"]


def test_uploads_answer_per_file_with_the_reason_of_a_refusal(browser: TestClient, assistant: PolicyAssistant) -> None:
    csrf = sign_in(browser)
    good = browser.post("/admin/documents/upload", headers={"X-CSRF-Token": csrf},
                        files={"file": ("parkering.md", "# Riktlinje för parkering\n\nBoendeparkering kostar 400 "
                                        "kronor i månaden.".encode(), "text/markdown")})
    assert good.status_code == 201 and good.json()["id"] == "parkering"
    bad = browser.post("/admin/documents/upload", headers={"X-CSRF-Token": csrf},
                       files={"file": ("bild.png", b"\x89PNG\r\n\x1a\n", "image/png")})
    assert bad.status_code == 422 and "unsupported file type" in bad.json()["error"]
    swedish = browser.post("/admin/documents/upload", headers={"X-CSRF-Token": csrf, "Accept-Language": "sv-SE"},
                           files={"file": ("bild.png", b"\x89PNG\r\n\x1a\n", "image/png")})
    assert swedish.status_code == 422
    assert swedish.json()["error"].startswith("filtypen '.png' stöds inte; de som stöds:")


def test_markup_in_what_a_page_shows_back_is_text(browser: TestClient, assistant: PolicyAssistant) -> None:
    sign_in(browser)
    attack = '"><script>alert(1)</script><img src=x onerror="alert(2)">'
    page = browser.get("/admin/documents", params={"q": attack, "notice": f"deleted:{attack}"})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    probe = browser.get("/admin/documents", params={"notice": "{id.__class__}:x"})
    assert probe.status_code == 200 and 'class="notice"' not in probe.text  # an unknown notice is not shown


def test_the_questions_page_groups_unanswered_questions_and_exports_them(browser: TestClient,
                                                                         assistant: PolicyAssistant) -> None:
    sign_in(browser)
    for question in ("Vilka regler gäller för parkering för personal?", "Vilka regler gäller för personalens "
                     "parkering?", "=cmd|' /C calc'!A0 bygglov för en altan?"):
        assert assistant.ask(question).abstained

    page = browser.get("/admin/questions")
    assert page.status_code == 200
    assert "Vilka regler gäller för personalens parkering?" in page.text and "2 without an answer" in page.text
    swedish = browser.get("/admin/questions", params={"lang": "sv"})
    assert "Vem som frågade sparas aldrig" in swedish.text and "2 utan svar" in swedish.text

    exported = browser.get("/admin/questions.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    lines = exported.text.splitlines()
    assert lines[0].startswith("question,count") and lines[1].startswith("Vilka regler gäller för personalens")
    assert "'=cmd" in exported.text  # a spreadsheet shows it as text, never runs it
    stranger = TestClient(create_app(assistant), follow_redirects=False)
    stranger.cookies.set(COOKIE, "forged.cookie")
    assert stranger.get("/admin/questions.csv").status_code == 303


def test_before_the_first_build_the_documents_page_says_where_to_build(tmp_path: Path, embedder: Embedder,
                                                                      glossary: Glossary) -> None:
    fresh = make_assistant(tmp_path / "fresh", embedder, glossary, admin_keys=(ADMIN_KEY,))
    browser = TestClient(create_app(fresh), follow_redirects=False)
    browser.post("/admin/sign-in", data={"key": ADMIN_KEY})
    page = browser.get("/admin/documents")
    assert page.status_code == 503 and "No index has been built yet" in page.text
    assert 'href="/admin/status"' in page.text
    assert browser.get("/admin/status").status_code == 200
