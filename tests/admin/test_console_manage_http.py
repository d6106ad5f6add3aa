"""The console's Sources, Feedback, API keys, Audit trail and Status pages over HTTP, as a browser
sends them: each page for a signed-in admin in both languages, none without a session, no change
without the CSRF token; sources added, synced and removed; a key's secret shown once; refusals as
4xx pages keeping what was typed; markup shown as text."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from api.app import create_app
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.feedback import FeedbackIn
from assistant.glossary import Glossary
from tests.admin.test_console_http import READER_KEY, assistant, browser, sign_in  # noqa: F401 (fixtures)
from tests.conftest import make_assistant

PAGES = {  # page: (an English label, its Swedish label)
    "/admin/sources": ("Add a source", "Lägg till en källa"),
    "/admin/feedback": ("Given by", "Lämnad av"),
    "/admin/keys": ("Create a key", "Skapa en nyckel"),
    "/admin/audit": ("Request id", "Anrops-id"),
    "/admin/status": ("Serving index", "Index som används"),
}
POLICY = ("# Riktlinje för parkering\n\nKommun: Exempelby kommun\nDokumenttyp: Riktlinje\n\n## Syfte\n\n"
          "Boendeparkering kostar 400 kronor i månaden i innerstaden.\n\n## Ansvar\n\nTekniska nämnden ansvarar "
          "för att riktlinjen följs upp varje år.\n")


@pytest.fixture
def share(tmp_path: Path) -> Path:
    """A folder with one small Markdown policy, to add as a source."""
    root = tmp_path / "share"
    root.mkdir()
    (root / "parkering.md").write_text(POLICY, encoding="utf-8")
    return root


def notice_page(client: TestClient, answer: httpx.Response) -> str:
    """The page a 303 after a form leads to."""
    assert answer.status_code == 303, answer.text
    shown = client.get(answer.headers["location"])
    assert shown.status_code == 200
    return shown.text


def test_every_page_renders_for_an_admin_in_english_and_swedish(browser: TestClient) -> None:  # noqa: F811
    sign_in(browser)
    for path, (english, swedish) in PAGES.items():
        en = browser.get(path, params={"lang": "en"})
        assert en.status_code == 200, (path, en.text)
        assert english in en.text and '<html lang="en">' in en.text
        assert 'aria-current="page"' in en.text and "default-src 'self'" in en.headers["content-security-policy"]
        sv = browser.get(path, params={"lang": "sv"})
        assert sv.status_code == 200 and swedish in sv.text and '<html lang="sv">' in sv.text, path
    assert "<th scope=\"col\">" in browser.get("/admin/audit").text


def test_no_page_and_no_change_without_a_session(browser: TestClient) -> None:  # noqa: F811
    for path in PAGES:
        answer = browser.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/admin/sign-in?next=")
    for action in ("/admin/sources", "/admin/sources/delad/sync", "/admin/sources/delad/remove", "/admin/keys",
                   "/admin/keys/abc/revoke", "/admin/status/rebuild"):
        assert browser.post(action, data={"csrf": "x", "name": "n"}).status_code == 401, action


def test_every_change_needs_the_csrf_token_and_changes_nothing(browser: TestClient,  # noqa: F811
                                                                assistant: PolicyAssistant,  # noqa: F811
                                                                share: Path) -> None:
    assistant.sources.add("delad", str(share))
    key = assistant.create_key(name="intranät", role="reader")
    version = assistant.manifest.version
    sign_in(browser)
    changes = {"/admin/sources": {"name": "ny", "location": str(share)}, "/admin/sources/delad/sync": {},
               "/admin/sources/delad/remove": {}, "/admin/keys": {"name": "ny nyckel", "role": "admin"},
               f"/admin/keys/{key.id}/revoke": {}, "/admin/status/rebuild": {}}
    for action, fields in changes.items():
        for token in ({}, {"csrf": "forged"}):
            refused = browser.post(action, data=fields | token)
            assert refused.status_code == 403 and "reload the page" in refused.text, action
    assert [s.source.name for s in assistant.sources.statuses()] == ["delad"]
    assert assistant.sources.status(assistant.sources.get("delad")).last_run is None
    assert [k.name for k in assistant.keys()] == ["intranät"]  # noqa: SIM118 (the managed keys, not a dict)
    assert assistant.manifest.version == version and assistant.audit() == []


def test_a_folder_source_is_added_synced_shown_and_removed(browser: TestClient,  # noqa: F811
                                                            assistant: PolicyAssistant,  # noqa: F811
                                                            share: Path) -> None:
    csrf = sign_in(browser)
    added = browser.post("/admin/sources", data={"csrf": csrf, "name": "delad", "location": str(share),
                                                 "groups": "hr, chefer", "every": "6h",
                                                 "include": "*.md\n*.pdf", "exclude": "utkast/*, tmp/*"})
    listing = notice_page(browser, added)
    assert "Source delad added" in listing and "Never synced." in listing and "6h" in listing
    config = assistant.sources.get("delad")
    assert (config.groups, config.include, config.exclude) == (["chefer", "hr"], ["*.md", "*.pdf"],
                                                               ["utkast/*", "tmp/*"])

    synced = browser.post("/admin/sources/delad/sync", data={"csrf": csrf})
    assert synced.status_code == 303 and synced.headers["location"] == "/admin/sources/delad?notice=job_started%3A1"
    assert assistant.jobs.wait(timeout=120).outcome == "done"  # type: ignore[union-attr]
    shown = notice_page(browser, synced)
    assert "It runs in the background" in shown and "Sync of delad:" in shown
    assert 'finished: <a href="/admin/sources/delad">the run&#39;s report</a>' in shown
    listing = browser.get("/admin/sources").text
    assert "completed" in listing and "1 added, 0 changed, 0 renamed, 0 removed, 0 unchanged, 0 failed" in listing
    assert "<code>delad-parkering</code>" in listing
    assert "delad-parkering" in {d.id for d in assistant.documents()}

    detail = browser.get("/admin/sources/delad", params={"lang": "sv"})
    assert detail.status_code == 200 and "Senaste körningar" in detail.text and "1 tillagda" in detail.text
    assert str(share) in detail.text and "<code>*.md</code>" in detail.text

    removed = browser.post("/admin/sources/delad/remove", data={"csrf": csrf})
    assert "data-confirm=" in listing and removed.headers["location"].startswith("/admin/sources?notice=")
    assert "Källan delad och dess dokument har tagits bort." in notice_page(browser, removed)
    assert "delad-parkering" not in {d.id for d in assistant.documents()}
    assert [e.action for e in assistant.audit()] == ["source removed", "source synced", "source added"]


def test_a_refused_source_is_a_4xx_page_with_the_reason_and_the_form_as_typed(browser: TestClient,  # noqa: F811
                                                                               assistant: PolicyAssistant,  # noqa: F811
                                                                               share: Path) -> None:
    csrf = sign_in(browser)
    capitals = browser.post("/admin/sources", data={"csrf": csrf, "name": "Intranat", "location": str(share),
                                                    "groups": "hr", "every": "6h", "include": "*.md\n*.pdf"})
    assert capitals.status_code == 422 and "The source was not added:" in capitals.text
    assert "a source name is 1-40 lowercase letters" in capitals.text and 'role="alert"' in capitals.text
    assert 'value="Intranat"' in capitals.text and f'value="{share}"' in capitals.text
    assert 'value="hr"' in capitals.text and 'value="6h"' in capitals.text
    assert ">*.md\n*.pdf</textarea>" in capitals.text

    missing = browser.post("/admin/sources", data={"csrf": csrf, "name": "arkiv", "location": "/no/such/folder",
                                                   "every": "1d"})
    assert missing.status_code == 422 and "does not exist or is not a folder" in missing.text
    assert 'value="arkiv"' in missing.text and 'value="/no/such/folder"' in missing.text

    too_often = browser.post("/admin/sources", data={"csrf": csrf, "name": "arkiv", "location": str(share),
                                                     "every": "1m"})
    assert too_often.status_code == 422 and "the shortest interval is 5m" in too_often.text
    assert assistant.sources.statuses() == []

    assistant.sources.add("delad", str(share))
    taken = browser.post("/admin/sources", data={"csrf": csrf, "name": "delad", "location": str(share)})
    assert taken.status_code == 409 and 'value="delad"' in taken.text
    unknown = browser.post("/admin/sources/saknas/sync", data={"csrf": csrf})
    assert unknown.status_code == 404 and "The source was not synced:" in unknown.text and "saknas" in unknown.text
    assert browser.post("/admin/sources/saknas/remove", data={"csrf": csrf}).status_code == 404
    assert browser.get("/admin/sources/saknas").status_code == 404
    assert [e.action for e in assistant.audit()] == []

    # The language link of such a page is a GET of the form's address: it leads back to the page.
    back = browser.get("/admin/sources/saknas/sync", params={"lang": "sv"})
    assert back.status_code == 303 and back.headers["location"] == "/admin/sources?lang=sv"


def test_a_new_key_is_shown_once_works_as_a_bearer_key_and_stops_when_revoked(browser: TestClient,  # noqa: F811
                                                                               assistant: PolicyAssistant,  # noqa: F811
                                                                               ) -> None:
    csrf = sign_in(browser)
    created = browser.post("/admin/keys", data={"csrf": csrf, "name": "Intranätet", "role": "reader",
                                                "groups": "hr"})
    assert created.status_code == 201 and "location" not in created.headers
    assert "it will not be shown again" in created.text and created.headers["cache-control"] == "no-store"
    field = re.search(r'<input type="text" id="new-key-secret"[^>]*>', created.text).group(0)
    secret = re.search(r'value="([^"]+)"', field).group(1)
    assert secret.startswith("pa_") and 'autocomplete="off"' in field and "readonly" in field
    [key] = assistant.keys()
    assert (key.name, key.role, key.groups) == ("Intranätet", "reader", ["hr"])

    listing = browser.get("/admin/keys")
    assert listing.status_code == 200 and "Intranätet" in listing.text and secret not in listing.text

    api = TestClient(create_app(assistant))
    bearer = {"Authorization": f"Bearer {secret}"}
    assert api.post("/v1/search", headers=bearer, json={"query": "parkering"}).status_code == 200

    revoked = browser.post(f"/admin/keys/{key.id}/revoke", data={"csrf": csrf})
    assert f"Key {key.id} revoked." in notice_page(browser, revoked)
    assert api.post("/v1/search", headers=bearer, json={"query": "parkering"}).status_code == 401
    assert assistant.keys() == []
    again = browser.post(f"/admin/keys/{key.id}/revoke", data={"csrf": csrf})
    assert again.status_code == 404 and f"There is no key with id {key.id}." in again.text
    assert [e.action for e in assistant.audit()] == ["key revoked", "key created"]


def test_a_refused_key_is_a_422_page_keeping_what_was_typed(browser: TestClient,  # noqa: F811
                                                             assistant: PolicyAssistant) -> None:  # noqa: F811
    csrf = sign_in(browser)
    bad_group = browser.post("/admin/keys", data={"csrf": csrf, "name": "Ekonomi", "role": "admin",
                                                  "groups": "hr, löne grupp"}, params={"lang": "sv"})
    assert bad_group.status_code == 422 and "Nyckeln skapades inte:" in bad_group.text
    assert "invalid access group" in bad_group.text and 'value="Ekonomi"' in bad_group.text
    assert '<option value="admin" selected>' in bad_group.text and "new-key-secret" not in bad_group.text
    no_name = browser.post("/admin/keys", data={"csrf": csrf, "name": "", "role": "owner"})
    assert no_name.status_code == 422 and "role:" in no_name.text
    assert assistant.keys() == [] and assistant.audit() == []


def test_feedback_given_through_the_api_is_on_the_feedback_page_as_text(browser: TestClient,  # noqa: F811
                                                                         assistant: PolicyAssistant,  # noqa: F811
                                                                         ) -> None:
    api = TestClient(create_app(assistant))
    given = api.post("/v1/feedback", headers={"Authorization": f"Bearer {READER_KEY}"},
                     json={"question": "Vad kostar <b>boendeparkering</b>?", "answer": "400 kronor i månaden. " * 30,
                           "rating": "down", "comment": "<script>alert(1)</script>"})
    assert given.status_code == 201, given.text
    sign_in(browser)
    shown = browser.get("/admin/feedback", params={"lang": "en"}).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>alert(1)" not in shown
    assert "Vad kostar &lt;b&gt;boendeparkering&lt;/b&gt;?" in shown
    assert "not helpful" in shown and "environment reader key" in shown and "400 kronor i månaden." in shown
    assert "400 kronor i månaden. " * 30 not in shown  # an excerpt of the answer

    for n in range(55):  # a second page
        assistant.add_feedback(FeedbackIn(question=f"fråga {n}", answer="svar", rating="up"))
    first = browser.get("/admin/feedback").text
    assert "fråga 54" in first and "fråga 0<" not in first and 'href="/admin/feedback?page=2"' in first
    second = browser.get("/admin/feedback", params={"page": 2}).text
    assert "fråga 0<" in second and "boendeparkering" in second and "?page=3" not in second


def test_the_audit_page_lists_the_consoles_actions(browser: TestClient, assistant: PolicyAssistant,  # noqa: F811
                                                   share: Path) -> None:
    csrf = sign_in(browser)
    browser.post("/admin/sources", data={"csrf": csrf, "name": "delad", "location": str(share)})
    browser.post("/admin/keys", data={"csrf": csrf, "name": "Intranätet", "role": "reader"})
    shown = browser.get("/admin/audit").text
    assert "source added" in shown and f"delad (folder {share})" in shown and "key created" in shown
    assert "environment admin key" in shown
    request_ids = [e.request_id for e in assistant.audit()]
    assert all(request_ids) and all(f"<code>{r}</code>" in shown for r in request_ids)

    for n in range(50):
        assistant.record_audit(key_name="skript", action="upload", target=f"dokument-{n}")
    second = browser.get("/admin/audit", params={"page": 2}).text
    assert "source added" in second and "dokument-49" not in second


def test_status_shows_the_serving_index_and_rebuilds_it(browser: TestClient,  # noqa: F811
                                                         assistant: PolicyAssistant) -> None:  # noqa: F811
    csrf = sign_in(browser)
    manifest = assistant.manifest
    shown = browser.get("/admin/status", params={"lang": "en"}).text
    assert manifest.version in shown and manifest.model in shown and str(manifest.chunks) in shown
    assert f"files at {assistant.settings.index_dir.resolve()}" in shown and "No build is running." in shown
    assert "Never synced." not in shown and "No sources yet." in shown
    swedish = browser.get("/admin/status", params={"lang": "sv"}).text
    assert f"filer i {assistant.settings.index_dir.resolve()}" in swedish and "Bygg om indexet" in swedish

    rebuilt = browser.post("/admin/status/rebuild", data={"csrf": csrf})
    assert rebuilt.status_code == 303 and rebuilt.headers["location"] == "/admin/status?notice=job_started%3A1"
    job = assistant.jobs.wait(timeout=300)
    version = assistant.manifest.version
    assert job is not None and (job.kind, job.outcome, job.result, job.started_by) == ("rebuild", "done", version,
                                                                                       "environment admin key")
    shown = notice_page(browser, rebuilt)
    assert "Startat. Det körs i bakgrunden" in shown and "Ombyggnad av indexet</th>" in shown
    assert f"<code>{version}</code></td>" in shown and "klart" in shown and version != manifest.version
    [entry] = assistant.audit()
    assert (entry.action, entry.target) == ("rebuild", version)


def test_markup_in_a_source_is_text(browser: TestClient, assistant: PolicyAssistant,  # noqa: F811
                                    tmp_path: Path) -> None:
    csrf = sign_in(browser)
    folder = tmp_path / '"><img src=x onerror=alert(1)>'
    folder.mkdir()
    (folder / "parkering.md").write_text(POLICY, encoding="utf-8")
    browser.post("/admin/sources", data={"csrf": csrf, "name": "konstig", "location": str(folder)})
    listing = browser.get("/admin/sources").text
    assert "<img src=x" not in listing and str(escape(str(folder))) in listing

    attack = "<script>alert(1)</script>"
    refused = browser.post("/admin/sources", data={"csrf": csrf, "name": attack, "location": attack})
    assert refused.status_code == 422 and "<script>alert(1)" not in refused.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in refused.text
    unknown = browser.get("/admin/sources/<script>alert(1)<%2Fscript>")
    assert unknown.status_code == 404 and "<script>alert(1)" not in unknown.text
    forged_notice = browser.get("/admin/sources", params={"notice": "{0.__class__}:x"})
    assert forged_notice.status_code == 200 and "__class__" not in forged_notice.text


def test_the_status_page_on_postgresql_shows_each_replicas_version(
        tmp_path: Path, database_url: str, embedder: Embedder, glossary: Glossary) -> None:
    built = make_assistant(tmp_path, embedder, glossary, admin_keys=("a-console-admin-key",),
                           database_url=database_url)
    built.ensure_index()
    client = TestClient(create_app(built), base_url="http://testserver", follow_redirects=False)
    sign_in(client)
    page = client.get("/admin/status")
    assert page.status_code == 200
    assert "Replicas" in page.text and f"<code>{built.manifest.version}</code> (current)" in page.text
    swedish = client.get("/admin/status", headers={"Accept-Language": "sv"})
    assert "Repliker" in swedish.text and "(aktuell)" in swedish.text
    built.close()
