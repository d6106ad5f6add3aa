"""The admin console in a real browser: the app served by uvicorn on a loopback port, its pages
driven in headless Chromium (Debian's ``chromium`` through Playwright; no browser is ever
downloaded), checked by axe-core and photographed in English and Swedish.

One server and one browser serve the whole module. Every test opens its own browser contexts (its
own cookies; "signed in" is the admin's session from one real sign-in) and makes the documents,
keys and sources it looks at, so each reads as a specification on its own. A console page whose
route does not exist is skipped, not failed. Screenshots go to ``$CONSOLE_SCREENSHOTS`` (default:
the test's ``tmp_path``).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, Route, expect

from api.app import create_app
from api.server import serve_in_background
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.chromium import chromium
from tests.conftest import make_assistant, questions_subset

ADMIN = "a-console-browser-admin-key"
READER = "r-console-browser-reader-key"  # a configured reader key: in no access group
WIDE, NARROW = 1280, 390
KEY_LABEL = re.compile("^(API key|API-nyckel)$")
# Every console page behind the sign-in, by its menu name.
CONSOLE_PAGES = {"documents": "/admin/documents", "sources": "/admin/sources", "questions": "/admin/questions",
                 "feedback": "/admin/feedback", "keys": "/admin/keys", "audit": "/admin/audit",
                 "status": "/admin/status"}
BLOCKING_IMPACTS = ("serious", "critical")
CORPUS_DOCUMENT = "tierp-handlingsplan-for-integration"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)

# An uploaded policy whose subject no shipped document mentions: the one to be restricted.
DOG_PARKS_TITLE = "Riktlinje för hundrastgårdar"
DOG_PARKS = (f"# {DOG_PARKS_TITLE}\n\n## Öppettider\n\nHundrastgården vid Ängsvägen är öppen klockan 06–22 alla "
             "dagar. Tekniska förvaltningen sköter hundrastgårdarna och tömmer papperskorgarna varje måndag.\n")
DOG_PARKS_QUESTION = "När är hundrastgården vid Ängsvägen öppen?"


# --- the assistant, the server and the browser --------------------------------------------------


@pytest.fixture(scope="module")
def console_assistant(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder,
                      glossary: Glossary) -> PolicyAssistant:
    """The shipped corpus indexed, with one admin key, one reader key and an evaluation set of four
    of the policies' questions."""
    root = tmp_path_factory.mktemp("console")
    built = make_assistant(root, embedder, glossary, admin_keys=(ADMIN,), reader_keys=(READER,),
                           eval_questions=questions_subset(root / "eval.jsonl", ("q001", "q002", "q069", "q070")))
    built.ensure_index()
    return built


@pytest.fixture(scope="module")
def base_url(console_assistant: PolicyAssistant) -> Iterator[str]:
    with serve_in_background(create_app(console_assistant)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium. Missing Chromium is a failure that says how to install it."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def admin_session(browser: Browser, base_url: str) -> dict[str, Any]:
    """The browser state (the session cookie) after signing in once with the admin key."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    sign_in(page, ADMIN)
    expect(page).to_have_url(f"{base_url}/admin/documents")
    state = context.storage_state()
    context.close()
    return state  # type: ignore[return-value]


class Pages:
    """Opens browser pages, each in a context of its own, and collects their uncaught script
    errors; closes them all at the end of the test."""

    def __init__(self, browser: Browser, base_url: str, admin_session: dict[str, Any]) -> None:
        self.browser, self.base_url, self.admin_session = browser, base_url, admin_session
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []

    def open(self, *, width: int = WIDE, height: int = 900, signed_in: bool = False, **options: Any) -> Page:
        """A page ``width`` wide; with the admin's session if ``signed_in``."""
        context = self.browser.new_context(viewport={"width": width, "height": height}, base_url=self.base_url,
                                           storage_state=self.admin_session if signed_in else None, **options)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and "Failed to load resource" not in message.text:
                self.errors.append(message.text)

        page.on("console", on_console)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser, base_url: str, admin_session: dict[str, Any]) -> Iterator[Pages]:
    """Browser pages for one test; the test fails if a script error was thrown on any of them."""
    opened = Pages(browser, base_url, admin_session)
    yield opened
    opened.close()
    assert opened.errors == [], opened.errors


@pytest.fixture(scope="module")
def existing_pages(base_url: str) -> dict[str, str]:
    """The console pages whose routes exist, by menu name (signed in over HTTP)."""
    with httpx.Client(base_url=base_url) as client:
        answer = client.post("/admin/sign-in", data={"key": ADMIN, "next": "/admin/documents"})
        assert answer.status_code == 303, answer.text
        return {name: path for name, path in CONSOLE_PAGES.items() if client.get(path).status_code != 404}


def needs(existing_pages: dict[str, str], name: str) -> None:
    if name not in existing_pages:
        pytest.skip(f"the console has no {CONSOLE_PAGES[name]} page yet")


# --- what the tests do and look at ----------------------------------------------------------------


def sign_in(page: Page, key: str, *, path: str = "/admin/sign-in") -> None:
    """Open ``path`` (the sign-in form, or a page that sends there), type ``key`` and press Enter."""
    page.goto(path)
    field = page.get_by_label(KEY_LABEL)
    field.fill(key)
    field.press("Enter")
    page.wait_for_load_state()


def api(method: str, base_url: str, path: str, *, key: str = READER, **options: Any) -> httpx.Response:
    return httpx.request(method, base_url + path, headers={"Authorization": f"Bearer {key}"}, timeout=60, **options)


def upload(base_url: str, filename: str, text: str) -> dict[str, Any]:
    """A Markdown policy uploaded through the API; its document (id, title, …)."""
    answer = api("POST", base_url, "/v1/documents", key=ADMIN,
                 files={"file": (filename, text.encode(), "text/markdown")})
    assert answer.status_code == 201, answer.text
    return answer.json()


def row_of(page: Page, document_id: str) -> Locator:
    """The Documents table's row of ``document_id``."""
    return page.locator("table.documents tbody tr").filter(has=page.locator("code", has_text=document_id))


def reader_ids(base_url: str) -> set[str]:
    """The ids of the documents the reader key lists."""
    return {d["id"] for d in api("GET", base_url, "/v1/documents").json()["documents"]}


def search_hits(base_url: str, query: str, key: str = READER) -> list[dict[str, Any]]:
    answer = api("POST", base_url, "/v1/search", key=key, json={"query": query, "k": 5})
    assert answer.status_code == 200, answer.text
    return answer.json()["hits"]


def docx_policy(title: str, paragraphs: list[str]) -> bytes:
    """A small real Word file: a title, a heading and paragraphs."""
    from docx import Document

    document = Document()
    document.add_heading(title, level=0)
    document.add_heading("Syfte", level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def chat_with_reader_key(pages: Pages) -> Page:
    """The demo page ``/`` served as it is, its two widgets given the reader key (``api-key``),
    once its document list has arrived."""
    page = pages.open()

    def keyed(route: Route) -> None:
        response = route.fetch()
        body = response.text()
        for tag in ("policy-assistant", "policy-documents"):
            body = body.replace(f"<{tag}>", f'<{tag} api-key="{READER}">')
        assert body.count(f'api-key="{READER}"') == 2, "the demo page no longer has its two widgets"
        route.fulfill(response=response, body=body)

    page.route(pages.base_url + "/", keyed)
    page.goto("/")
    expect(page.locator("policy-documents li").first).to_be_visible()
    return page


def widget_markup(page: Page, tag: str) -> str:
    """Everything in a widget's shadow root, text and attributes (a chip's title is an attribute)."""
    return page.evaluate("tag => document.querySelector(tag).shadowRoot.innerHTML", tag)


def ask_widget(page: Page, question: str) -> Locator:
    """Type ``question`` into the chat and press Enter; the answer, once complete."""
    box = page.get_by_label("Your question (Swedish or English)")
    box.fill(question)
    box.press("Enter")
    answer = page.locator("policy-assistant article.bot").last
    expect(answer).to_have_attribute("data-state", "done", timeout=30_000)
    return answer


def markup(locator: Locator) -> str:
    return locator.evaluate("element => element.outerHTML")


def notice(page: Page) -> Locator:
    """The line a change leaves on the page it returns to."""
    return page.locator("main .notice[role=status]")


# --- signing in ---------------------------------------------------------------------------------


def test_staff_without_a_key_in_the_page_sign_in_from_the_chat_and_then_ask(pages: Pages, base_url: str,
                                                                           tmp_path: Path) -> None:
    folder = Path(os.environ.get("CONSOLE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    swedish = pages.open()
    swedish.goto("/")
    swedish.evaluate("document.documentElement.lang = 'sv'")
    swedish.reload()
    swedish.evaluate("document.documentElement.lang = 'sv'")
    page = pages.open()
    page.goto("/")
    documents = page.locator("policy-documents")
    expect(documents).to_contain_text("Not authorised (401")  # keys are required and the page has none
    page.screenshot(path=folder / "chat-not-signed-in-en.png")
    documents.get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(f"{base_url}/sign-in?next=%2F")
    page.screenshot(path=folder / "chat-sign-in-en.png")
    swedish.goto("/sign-in?next=%2F&lang=sv")
    expect(swedish.get_by_role("button", name="Logga in")).to_be_visible()
    swedish.screenshot(path=folder / "chat-sign-in-sv.png")
    expect(page.get_by_label("API key")).to_be_focused()
    page.get_by_label("API key").fill(READER)
    page.get_by_label("API key").press("Enter")
    expect(page).to_have_url(f"{base_url}/")
    expect(page.locator("policy-documents li").first).to_be_visible()  # the list now loads with the session

    answer = ask_widget(page, "Vem ansvarar för bostadsförsörjningen i Tierp?")
    expect(answer.locator(".error")).to_have_count(0)  # the ask (a POST) carried the CSRF token
    assert "pa_session" in {c["name"] for c in page.context.cookies() if c["httpOnly"]}



def test_typing_the_admin_key_and_pressing_enter_lands_on_documents(pages: Pages, base_url: str) -> None:
    page = pages.open()
    page.goto("/admin")
    expect(page).to_have_url(f"{base_url}/admin/sign-in?next=%2Fadmin%2Fdocuments")
    expect(page.get_by_label("API key")).to_be_focused()  # autofocus: the key can be typed at once
    expect(page.get_by_label("API key")).to_have_attribute("type", "password")
    sign_in(page, ADMIN, path=page.url)
    expect(page).to_have_url(f"{base_url}/admin/documents")
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    expect(row_of(page, CORPUS_DOCUMENT)).to_have_count(1)
    expect(page.get_by_role("navigation").get_by_role("link", name="Documents")).to_have_attribute(
        "aria-current", "page")


def test_a_wrong_key_shows_the_error_and_a_reader_key_is_refused(pages: Pages, base_url: str) -> None:
    page = pages.open()
    sign_in(page, "not-a-key")
    expect(page.get_by_role("alert")).to_have_text("That key is not valid.")
    expect(page.get_by_label("API key")).to_have_value("")  # the typed key is not echoed back
    sign_in(page, READER)
    expect(page.get_by_role("alert")).to_contain_text("That key may read but not administer")
    assert "pa_session" not in {cookie["name"] for cookie in page.context.cookies()}  # no session was started
    page.goto("/admin")
    expect(page).to_have_url(f"{base_url}/admin/sign-in?next=%2Fadmin%2Fdocuments")
    assert api("GET", base_url, "/v1/keys").status_code == 403  # and the admin API refuses it too


def test_a_page_opened_without_a_session_asks_for_the_key_and_comes_back_to_it(pages: Pages, base_url: str) -> None:
    page = pages.open()
    page.goto("/admin/documents")
    expect(page).to_have_url(f"{base_url}/admin/sign-in?next=%2Fadmin%2Fdocuments")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    sign_in(page, ADMIN, path=page.url)
    expect(page).to_have_url(f"{base_url}/admin/documents")
    # Signing out ends the session: the page sends to the sign-in form again.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base_url}/admin/sign-in")
    page.goto("/admin/documents")
    expect(page).to_have_url(f"{base_url}/admin/sign-in?next=%2Fadmin%2Fdocuments")


# --- documents ----------------------------------------------------------------------------------


def test_uploading_a_policy_and_a_picture_indexes_the_one_and_refuses_the_other(
        pages: Pages, base_url: str, tmp_path: Path) -> None:
    policy = tmp_path / "cykelparkering.docx"
    policy.write_bytes(docx_policy("Riktlinje för cykelparkering", [
        "Vid kommunhuset finns 37 cykelplatser under tak.",
        "Cyklar som stått övergivna i mer än tre månader forslas bort av tekniska förvaltningen."]))
    picture = tmp_path / "karta.png"
    picture.write_bytes(PNG)
    page = pages.open(signed_in=True)
    page.goto("/admin/documents")
    page.locator("#files").set_input_files([policy, picture])  # what "Choose files" opens
    results = page.locator("#upload-results li")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_have_text("cykelparkering.docx indexed: Riktlinje för cykelparkering (cykelparkering)")
    expect(results.nth(1)).to_contain_text("karta.png refused: ")
    expect(results.nth(1).locator(".refused")).to_contain_text("unsupported file type")
    page.reload()
    row = row_of(page, "cykelparkering")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name="Riktlinje för cykelparkering")).to_be_visible()
    expect(row).to_contain_text("upload")
    expect(row_of(page, "karta")).to_have_count(0)
    assert "cykelparkering" in reader_ids(base_url)


def test_a_document_restricted_to_hr_is_found_by_no_reader_outside_the_group(
        pages: Pages, base_url: str) -> None:
    dog_parks = upload(base_url, "hundrastgardar.md", DOG_PARKS)
    document_id = dog_parks["id"]
    assert dog_parks["title"] == DOG_PARKS_TITLE
    assert search_hits(base_url, DOG_PARKS_QUESTION)[0]["document_id"] == document_id  # found while open to all

    # While it is open to every reader, the chat lists it and its answer names it.
    chat = chat_with_reader_key(pages)
    expect(chat.locator("policy-documents li", has_text=DOG_PARKS_TITLE)).to_have_count(1)
    answer = ask_widget(chat, DOG_PARKS_QUESTION)
    assert DOG_PARKS_TITLE in markup(answer)

    page = pages.open(signed_in=True)
    page.goto("/admin/documents")
    row = row_of(page, document_id)
    groups = row.get_by_label(f"Access groups: {DOG_PARKS_TITLE}")
    expect(groups).to_have_value("")
    expect(groups).to_have_attribute("placeholder", "everyone")
    groups.fill("hr")
    row.get_by_role("button", name="Save").click()
    expect(notice(page)).to_have_text(f"Access groups of {document_id} saved.")
    expect(row_of(page, document_id).get_by_label(f"Access groups: {DOG_PARKS_TITLE}")).to_have_value("hr")

    # Restricted to hr, the same question on a fresh chat page: the answer never names it.
    chat.reload()
    expect(chat.locator("policy-documents li").first).to_be_visible()
    assert DOG_PARKS_TITLE not in widget_markup(chat, "policy-documents")
    answer = ask_widget(chat, DOG_PARKS_QUESTION)
    shown = markup(answer)
    assert DOG_PARKS_TITLE not in shown and document_id not in shown and "Ängsvägen" not in shown, shown

    # The API with the reader key: neither search nor the list nor the document itself.
    assert document_id not in {hit["document_id"] for hit in search_hits(base_url, DOG_PARKS_QUESTION)}
    assert document_id not in reader_ids(base_url)
    assert api("GET", base_url, f"/v1/documents/{document_id}").status_code == 404
    assert search_hits(base_url, DOG_PARKS_QUESTION, key=ADMIN)[0]["document_id"] == document_id


def test_deleting_a_document_asks_first_and_removes_it_from_the_table_and_the_api(
        pages: Pages, base_url: str) -> None:
    document_id = upload(base_url, "snorojning.md", "# Riktlinje för snöröjning\n\nGång- och cykelvägar plogas "
                         "när snödjupet är fem centimeter.\n")["id"]
    assert document_id in reader_ids(base_url)
    page = pages.open(signed_in=True)
    page.goto("/admin/documents")
    delete = row_of(page, document_id).get_by_role("button", name="Delete: Riktlinje för snöröjning")

    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    delete.click()
    expect(row_of(page, document_id)).to_have_count(1)  # dismissed: nothing happens
    assert asked == ["Delete this document from the index?"]

    page.once("dialog", lambda dialog: dialog.accept())
    delete.click()
    expect(notice(page)).to_have_text(f"Deleted {document_id}.")
    expect(row_of(page, document_id)).to_have_count(0)
    expect(row_of(page, CORPUS_DOCUMENT)).to_have_count(1)
    assert document_id not in reader_ids(base_url)
    assert api("GET", base_url, f"/v1/documents/{document_id}").status_code == 404


def test_a_form_sent_with_a_stale_token_is_refused_changes_nothing_and_the_page_says_how_to_go_on(
        pages: Pages, base_url: str) -> None:
    document_id = upload(base_url, "vinterdack.md", "# Riktlinje för vinterdäck\n\nKommunens bilar har "
                         "vinterdäck från den 1 november.\n")["id"]
    page = pages.open(signed_in=True)
    page.goto("/admin/documents")
    form = page.locator(f"form[action='/admin/documents/{document_id}/delete']")
    form.locator("input[name=csrf]").evaluate("input => { input.value = 'stale'; }")
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button").click()
    expect(page.get_by_role("alert")).to_have_text("The form expired; reload the page and try again.")
    assert document_id in reader_ids(base_url)
    # The language link leads to a page (not to the form's action, which has none to GET).
    page.get_by_role("link", name="På svenska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokument")
    expect(row_of(page, document_id)).to_have_count(1)


# --- sources, keys, feedback, audit trail, status ------------------------------------------------


def follow_job_to_its_result(page: Page, job: str, *, ended: str) -> None:
    """After a job was started from ``page``: the page says so, follows the job with its script
    until it ends (or shows it ended, when it ended first), and its link leads to the result."""
    expect(notice(page)).to_have_text("Started. It runs in the background; this page follows it.")
    line = page.locator("p.job")
    expect(line).to_contain_text(re.compile(rf"{job}:\s+finished(: {ended}|\s+Show the result)"), timeout=60_000)
    line.get_by_role("link").click()


def test_a_folder_source_added_and_synced_from_its_page_shows_what_it_took_in(
        pages: Pages, existing_pages: dict[str, str], tmp_path: Path) -> None:
    needs(existing_pages, "sources")
    folder = tmp_path / "personalpolicyer"
    folder.mkdir()
    (folder / "semester.md").write_text("# Riktlinje för semesterplanering\n\nSemesterönskemål lämnas till "
                                        "närmaste chef senast den 31 mars.\n", encoding="utf-8")
    page = pages.open(signed_in=True)
    page.goto("/admin/sources")
    page.get_by_label("Name", exact=True).fill("personal")
    page.get_by_label("Folder or address").fill(str(folder))
    page.get_by_role("button", name="Add", exact=True).click()
    expect(notice(page)).to_have_text("Source personal added; sync it to take in its documents.")
    row = page.locator("table.sources tbody tr", has=page.get_by_role("link", name="personal", exact=True))
    expect(row).to_contain_text("Never synced.")

    row.get_by_role("button", name="Sync now: personal").click()
    follow_job_to_its_result(page, "Sync of personal", ended="the run.s report")
    expect(page.get_by_role("heading", name="Latest runs")).to_be_visible()
    page.goto("/admin/sources")
    expect(row.locator(".run")).to_contain_text("completed")
    expect(row.locator(".counts")).to_have_text("1 added, 0 changed, 0 renamed, 0 removed, 0 unchanged, 0 failed")
    row.get_by_text("Documents").click()  # the folded list of what the run changed
    expect(row.locator("details dd code")).to_have_count(1)
    document_id = row.locator("details dd code").inner_text()

    page.goto("/admin/documents")
    expect(row_of(page, document_id)).to_contain_text("Riktlinje för semesterplanering")
    expect(row_of(page, document_id)).to_contain_text("Sources: personal")


def test_a_reader_key_created_on_the_keys_page_is_shown_once_and_refused_once_revoked(
        pages: Pages, base_url: str, existing_pages: dict[str, str]) -> None:
    needs(existing_pages, "keys")
    page = pages.open(signed_in=True)
    page.goto("/admin/keys")
    page.get_by_label("Name", exact=True).fill("Intranätets startsida")
    page.get_by_label("Role", exact=True).select_option("reader")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("heading", name="New key for Intranätets startsida")).to_be_visible()
    secret = page.get_by_label("The key", exact=True)
    expect(secret).to_be_focused()
    key = secret.input_value()
    assert len(key) >= 20 and api("GET", base_url, "/v1/documents", key=key).status_code == 200
    row = page.locator("table.keys tbody tr", has_text="Intranätets startsida")
    expect(row).to_contain_text("reader")
    key_id = row.locator("code").inner_text()

    page.goto("/admin/keys")  # shown once: never again, not even to the admin who made it
    assert key not in page.content()
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=re.compile("^Revoke: Intranätets startsida")).click()
    expect(notice(page)).to_have_text(f"Key {key_id} revoked.")
    expect(row).to_have_count(0)
    assert api("GET", base_url, "/v1/documents", key=key).status_code == 401


def test_feedback_given_in_the_chat_is_listed_on_the_feedback_page(
        pages: Pages, existing_pages: dict[str, str]) -> None:
    needs(existing_pages, "feedback")
    chat = chat_with_reader_key(pages)
    answer = ask_widget(chat, "Vem ansvarar för bostadsmålen i Tierp?")
    answer.get_by_role("button", name="Not helpful").click()
    answer.get_by_label("Comment (optional)").fill("Svaret nämner inte bostadsbolaget.")
    answer.get_by_role("button", name="Send feedback").click()
    expect(answer.get_by_role("status")).to_have_text("Thanks for your feedback!")

    page = pages.open(signed_in=True)
    page.goto("/admin/feedback")
    newest = page.locator("table.feedback tbody tr").first
    expect(newest).to_contain_text("Vem ansvarar för bostadsmålen i Tierp?")
    expect(newest).to_contain_text("not helpful")
    expect(newest).to_contain_text("Svaret nämner inte bostadsbolaget.")
    expect(newest).to_contain_text("environment reader key")


def test_a_re_index_from_the_documents_page_is_the_newest_entry_of_the_audit_trail(
        pages: Pages, existing_pages: dict[str, str]) -> None:
    needs(existing_pages, "audit")
    page = pages.open(signed_in=True)
    page.goto("/admin/documents")
    row_of(page, CORPUS_DOCUMENT).get_by_role("button", name=re.compile("^Re-index: ")).click()
    expect(notice(page)).to_have_text(f"{CORPUS_DOCUMENT} re-indexed.")
    page.get_by_role("navigation").get_by_role("link", name="Audit trail").click()
    newest = page.locator("table.audit tbody tr").first
    expect(newest.locator("td")).to_have_text([re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"), "environment admin key",
                                               "re-indexed", CORPUS_DOCUMENT, re.compile(".+")])


def test_the_status_page_shows_the_index_being_served(
        pages: Pages, base_url: str, existing_pages: dict[str, str]) -> None:
    needs(existing_pages, "status")
    served = api("GET", base_url, "/v1/index").json()["index"]
    page = pages.open(signed_in=True)
    page.goto("/admin/status")
    facts = page.locator("section", has=page.get_by_role("heading", name="Serving index")).locator("dl")
    expect(facts).to_contain_text(served["version"])
    expect(facts.locator("dd").nth(1)).to_have_text(str(served["documents"]))
    expect(page.get_by_role("button", name="Rebuild index")).to_be_visible()


def test_the_status_page_measures_answer_quality_and_follows_the_measurement(
        pages: Pages, existing_pages: dict[str, str]) -> None:
    needs(existing_pages, "status")
    page = pages.open(signed_in=True)
    page.goto("/admin/status")
    page.get_by_role("button", name="Measure now").click()
    follow_job_to_its_result(page, "Quality measurement", ended="the figures")
    quality = page.locator("section", has=page.get_by_role("heading", name="Answer quality")).locator("dl").nth(1)
    expect(quality).to_contain_text("Answers holding the expected fact")
    expect(quality).to_contain_text("2 of 2")
    expect(page.locator("section", has=page.get_by_role("heading", name="Background jobs"))).to_contain_text(
        "Quality measurement")


# --- accessibility and looks ----------------------------------------------------------------------

View = Callable[[Page, str], None]


def views(existing_pages: dict[str, str]) -> dict[str, tuple[bool, View]]:
    """Every view of the console, by name: whether it is seen signed in, and how to open it in a
    language (``?lang=``, remembered in a cookie)."""

    def at(path: str) -> View:
        def opened(page: Page, lang: str) -> None:
            page.goto(f"{path}?lang={lang}")
        return opened

    def refused_key(page: Page, lang: str) -> None:
        sign_in(page, "not-a-key", path=f"/admin/sign-in?lang={lang}")
        expect(page.get_by_role("alert")).to_be_visible()

    def stale_form(page: Page, lang: str) -> None:
        """A change whose form carries a stale CSRF token: the console's message page."""
        page.goto(f"/admin/documents?lang={lang}")
        reindex = page.locator("form[action$='/reindex']").first
        reindex.locator("input[name=csrf]").evaluate("input => { input.value = 'stale'; }")
        reindex.get_by_role("button").click()
        expect(page.get_by_role("alert")).to_be_visible()

    return {"sign-in": (False, at("/admin/sign-in")), "sign-in-refused": (False, refused_key),
            "message": (True, stale_form), **{name: (True, at(path)) for name, path in existing_pages.items()}}


def each_view(pages: Pages, existing_pages: dict[str, str], *, width: int = WIDE,
              only: tuple[str, ...] | None = None) -> Iterator[tuple[str, Page]]:
    """Each view (or ``only`` these) in English and in Swedish, opened: ``("documents-sv", page)``."""
    anonymous, signed_in = pages.open(width=width), pages.open(width=width, signed_in=True)
    for name, (needs_session, open_view) in views(existing_pages).items():
        if only is not None and name not in only:
            continue
        for lang in ("en", "sv"):
            page = signed_in if needs_session else anonymous
            open_view(page, lang)
            expect(page.locator("html")).to_have_attribute("lang", lang)
            yield f"{name}-{lang}", page


def axe_check(page: Page, name: str) -> list[str]:
    """axe-core over ``page``: its serious and critical violations, as lines; the others (and what
    axe could not decide) printed."""
    results = Axe().run(page)
    blocking, other = [], []
    for violation in results.response["violations"]:
        targets = "; ".join(", ".join(map(str, node["target"])) for node in violation["nodes"][:5])
        line = f"{name}: {violation['id']} ({violation['impact']}) {violation['help']} – {targets}"
        (blocking if violation["impact"] in BLOCKING_IMPACTS else other).append(line)
    print(f"axe: {name}: {len(results.response['passes'])} rules passed, {len(blocking)} serious or critical "
          f"violations, {len(other)} others")
    for line in other:
        print("axe, not blocking:", line)
    for review in results.response["incomplete"]:
        print(f"axe, needs review: {name}: {review['id']} ({review['impact']}) on {len(review['nodes'])} elements")
    return blocking


def screenshot_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CONSOLE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its window (0: it does not scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_axe_finds_nothing_serious_on_any_console_page_in_either_language(
        pages: Pages, existing_pages: dict[str, str]) -> None:
    blocking = [line for name, page in each_view(pages, existing_pages) for line in axe_check(page, name)]
    print("console pages not there, not checked:", sorted(set(CONSOLE_PAGES) - set(existing_pages)))
    assert blocking == [], "\n".join(blocking)


def test_axe_finds_nothing_serious_on_the_chat_page_and_the_document_viewer(pages: Pages) -> None:
    chat = chat_with_reader_key(pages)
    ask_widget(chat, "Who owns housing goals?")
    blocking = axe_check(chat, "chat page / with an answer")
    viewer = pages.open(extra_http_headers={"Authorization": f"Bearer {READER}"})
    viewer.goto(f"/documents/{CORPUS_DOCUMENT}?start=0&end=20")
    expect(viewer.locator("mark#cited")).to_be_visible()
    blocking += axe_check(viewer, "document viewer")
    assert blocking == [], "\n".join(blocking)


def test_every_console_page_photographed_in_english_and_swedish_none_wider_than_the_window(
        pages: Pages, existing_pages: dict[str, str], tmp_path: Path) -> None:
    folder = screenshot_dir(tmp_path)
    too_wide = []
    for name, page in each_view(pages, existing_pages):
        page.screenshot(path=folder / f"{name}.png", full_page=True)
        if overflow(page) > 0:
            too_wide.append(f"{name}: {overflow(page)} px")
    print("screenshots in", folder)
    assert too_wide == [], f"pages wider than a {WIDE} px window: {too_wide}"


def test_on_a_phone_the_documents_table_scrolls_inside_its_frame_and_the_page_does_not(
        pages: Pages, tmp_path: Path) -> None:
    folder = screenshot_dir(tmp_path)
    for name, page in each_view(pages, CONSOLE_PAGES, width=NARROW, only=("documents", "sign-in")):
        page.screenshot(path=folder / f"{name}-{NARROW}px.png", full_page=True)
        assert overflow(page) == 0, f"{name} is wider than a {NARROW} px window"
        if name.startswith("documents"):
            frame = page.locator("div.table-scroll", has=page.locator("table.documents"))
            assert frame.evaluate("div => div.scrollWidth > div.clientWidth")  # it scrolls, inside
