"""The chat widget end to end: the app served by uvicorn on a loopback port, the demo page and
``widget.js`` driven in headless Chromium (Debian's ``chromium`` through Playwright; no browser is
ever downloaded). Each test is a specification of what a member of staff sees and does.

The real assistant answers over the real index; its stream events are spaced out a little
(``PacedAssistant``) so that the browser can be watched rendering an answer while it arrives.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Request, Route, expect

from api.app import create_app
from api.server import serve_in_background
from assistant.access import Viewer
from assistant.answer.base import AnswerDelta, AnswerEvent
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.models import ChatTurn, Filters
from tests.chromium import chromium
from tests.conftest import REPO, make_assistant
from tests.sources.site import BOSTAD_PAGE, BOSTAD_PDF, INDEX, MunicipalSite, municipal_site

PACE_SECONDS = 0.06
QUESTION_LABEL = "Your question (Swedish or English)"
HOUSING = "Who owns housing goals?"
XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=2">'
# The parser strips complete inline tags from titles; an unclosed tag survives, and would become a
# live <img onerror> if a title were ever inserted as markup.
XSS_TITLE_TAG = '<img src=x onerror="window.__pwned=2"'
TOO_LONG = "question: String should have at most 2000 characters"


# --- the assistant, the server and the browser --------------------------------------------------


class PacedAssistant(PolicyAssistant):
    """The real assistant, whose answer stream waits ``PACE_SECONDS`` before each delta (the
    extractive answerer otherwise yields every sentence at once)."""

    def ask_stream(self, question: str, history: Sequence[ChatTurn] | None = None,
                   filters: Filters | None = None, *, viewer: Viewer | None = None) -> Iterator[AnswerEvent]:
        return _paced(super().ask_stream(question, history, filters, viewer=viewer))


def _paced(events: Iterator[AnswerEvent]) -> Iterator[AnswerEvent]:
    try:
        for event in events:
            if isinstance(event, AnswerDelta):
                time.sleep(PACE_SECONDS)
            yield event
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()


def serve(assistant: PolicyAssistant) -> AbstractContextManager[str]:
    """``create_app(assistant)`` on a free loopback port; yields its base URL."""
    return serve_in_background(create_app(assistant))


@pytest.fixture(scope="module")
def widget_assistant(assistant: PolicyAssistant, tmp_path_factory: pytest.TempPathFactory) -> PolicyAssistant:
    """The session's index, answered through ``PacedAssistant``, with its own feedback store."""
    settings = assistant.settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("widget-data")})
    paced = PacedAssistant(settings=settings, embedder=assistant.embedder, glossary=assistant.glossary)
    paced.ensure_index()
    return paced


@pytest.fixture(scope="module")
def base_url(widget_assistant: PolicyAssistant) -> Iterator[str]:
    with serve(widget_assistant) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium. Missing Chromium is a failure that says how to install it."""
    with chromium() as launched:
        yield launched


def open_page(browser: Browser, *, width: int = 1100, height: int = 900) -> tuple[Page, list[str]]:
    """A fresh page, and the list that collects its uncaught script errors."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Failed to load resource" not in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    return page, errors


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page; the test fails if a script error was thrown on it."""
    opened, errors = open_page(browser)
    yield opened
    opened.context.close()
    assert errors == [], errors


# --- what the tests look at -------------------------------------------------------------------


def widget(page: Page) -> Locator:
    return page.locator("policy-assistant")


def answers(page: Page) -> Locator:
    return widget(page).locator("article.bot")


def ask(page: Page, question: str) -> Locator:
    """Type ``question`` and press Enter; returns the new answer, once it is complete."""
    count = answers(page).count()
    box = page.get_by_label(QUESTION_LABEL)
    box.fill(question)
    box.press("Enter")
    answer = answers(page).nth(count)
    expect(answer).to_have_attribute("data-state", "done")
    return answer


def focused(page: Page) -> dict[str, Any] | None:
    """What has the keyboard focus inside the widget's shadow root."""
    return page.evaluate("""() => {
        const active = document.querySelector("policy-assistant").shadowRoot.activeElement;
        return active ? {tag: active.tagName, cls: active.className, n: active.dataset.n || null,
                         label: active.getAttribute("aria-label"), text: active.textContent} : null;
    }""")


def recording(page: Page, url_suffix: str) -> list[Request]:
    """The requests ``page`` sends to ``url_suffix``, as they happen."""
    seen: list[Request] = []
    page.on("request", lambda request: seen.append(request) if request.url.endswith(url_suffix) else None)
    return seen


def citations_of(assistant: PolicyAssistant, question: str,
                 history: Sequence[ChatTurn] = ()) -> list[dict[str, Any]]:
    return [c.model_dump() for c in assistant.ask(question, history=list(history)).citations]


# --- the specifications -------------------------------------------------------------------------


def test_the_widget_and_the_demo_page_are_served(base_url: str) -> None:
    script = httpx.get(f"{base_url}/widget.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("application/javascript")
    assert 'customElements.define("policy-assistant"' in script.text
    assert "innerHTML" not in script.text and "insertAdjacentHTML" not in script.text
    page = httpx.get(f"{base_url}/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/widget.js"' in page.text and "<policy-assistant" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_an_answer_streams_in_with_citation_chips_that_open_the_source(
        page: Page, base_url: str, widget_assistant: PolicyAssistant, tmp_path: Path) -> None:
    page.goto(base_url + "/")
    expect(page.locator("policy-documents li")).to_have_count(len(widget_assistant.documents()))
    # Sample the answer's text every few milliseconds while it streams.
    page.evaluate("""() => {
        window.__samples = [];
        const root = document.querySelector("policy-assistant").shadowRoot;
        const timer = setInterval(() => {
            const answer = root.querySelector("article.bot:last-of-type");
            if (!answer) return;
            const text = answer.querySelector(".answer");
            window.__samples.push({length: text.textContent.length, done: Boolean(answer.dataset.state),
                                   pending: text.classList.contains("pending"),
                                   chips: text.querySelectorAll(".chip").length});
            if (answer.dataset.state) clearInterval(timer);
        }, 5);
    }""")
    answer = ask(page, HOUSING)

    samples = page.evaluate("window.__samples")
    growing = [s["length"] for s in samples if not (s["done"] or s["pending"] or s["chips"])]
    assert len(set(growing)) >= 2 and growing == sorted(growing), samples  # text grew before `done`
    assert int(answer.get_attribute("data-deltas") or 0) >= 2
    expect(answer.locator(".answer")).to_contain_text("Chef kvalitet och strategisk utveckling")
    expected = citations_of(widget_assistant, HOUSING)
    chips = answer.locator("button.chip")
    expect(chips).to_have_count(len(expected))
    assert "[1]" not in answer.locator(".answer").inner_text()  # every marker became a chip

    page.screenshot(path=tmp_path / "widget.png", full_page=True)
    (REPO / "test-output").mkdir(exist_ok=True)
    shutil.copyfile(tmp_path / "widget.png", REPO / "test-output" / "widget.png")

    chips.first.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Source [1]")
    expect(dialog).to_be_visible()
    first = expected[0]
    assert first["section"] == "Handlingsplan för integration > Boende" and first["municipality"] == "Tierp"
    # The quote, marked, within the rest of its sentence or table row.
    expect(dialog.locator("blockquote mark")).to_have_text(first["quote"])
    expect(dialog.locator("blockquote")).to_have_text(first["before"] + first["quote"] + first["after"])
    link = dialog.get_by_role("link", name="Open in document")
    expect(link).to_have_attribute("href", f"{base_url}{first['url']}#cited")
    expect(dialog.locator('[data-field="section"]')).to_have_text("Handlingsplan för integration > Boende")
    expect(dialog.locator('[data-field="document"]')).to_have_text(first["title"])
    expect(dialog.locator('[data-field="municipality"]')).to_have_text("Tierp")
    expect(dialog.locator(".badge")).to_have_attribute("data-status", "expired")
    expect(dialog.locator(".badge")).to_have_text("expired")
    assert (focused(page) or {}).get("label") == "Close source"  # focus moved into the panel

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert (focused(page) or {}).get("n") == "1"  # and back to the chip it came from


def test_a_follow_up_sends_the_conversation_and_gets_answered_for_the_new_municipality(
        page: Page, base_url: str, widget_assistant: PolicyAssistant) -> None:
    sent = recording(page, "/v1/ask/stream")
    page.goto(base_url + "/")
    first = ask(page, HOUSING)
    second = ask(page, "And in Tranås?")

    first_text = widget_assistant.ask(HOUSING).answer
    assert sent[0].post_data_json == {"question": HOUSING, "history": []}
    assert sent[1].post_data_json == {"question": "And in Tranås?", "history": [
        {"role": "user", "content": HOUSING}, {"role": "assistant", "content": first_text}]}
    expect(first.locator(".answer")).to_contain_text("Chef kvalitet och strategisk utveckling")
    chips = second.locator("button.chip")
    assert chips.count() >= 1
    for label in chips.evaluate_all("chips => chips.map(chip => chip.getAttribute('aria-label'))"):
        assert "Tranås" in label, label
    chips.first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator('[data-field="municipality"]')).to_have_text("Tranås")
    expect(dialog.locator(".badge")).to_have_attribute("data-status", "due_for_revision")
    dialog.get_by_role("button", name="Close source").click()
    expect(dialog).to_be_hidden()


def test_open_in_document_shows_the_whole_document_with_the_quote_marked_and_in_view(
        page: Page, base_url: str, widget_assistant: PolicyAssistant, tmp_path: Path) -> None:
    page.goto(base_url + "/")
    answer = ask(page, "Vem ansvarar för uppföljningen av integrationsarbetet i Åstorp?")
    answer.locator("button.chip").first.click()
    dialog = page.get_by_role("dialog")
    with page.context.expect_page() as opened:
        dialog.get_by_role("link", name="Open in document").click()
    viewer = opened.value
    viewer.wait_for_load_state()
    mark = viewer.locator("mark#cited")
    expect(mark).to_be_visible()
    expect(mark).to_be_focused()
    assert viewer.evaluate("""() => { const r = document.getElementById('cited').getBoundingClientRect();
                                     return r.top >= 0 && r.bottom <= window.innerHeight; }""")
    cited = citations_of(widget_assistant, "Vem ansvarar för uppföljningen av integrationsarbetet i Åstorp?")[0]
    marked = " ".join(viewer.locator("mark").all_inner_texts())  # a quote over several lines: a mark a line
    assert marked.split() == cited["quote"].split()
    expect(viewer.locator("h1")).to_contain_text("Integrationspolicy")
    viewer.screenshot(path=tmp_path / "viewer.png")
    (REPO / "test-output").mkdir(exist_ok=True)
    shutil.copyfile(tmp_path / "viewer.png", REPO / "test-output" / "viewer.png")
    viewer.close()


def test_on_a_swedish_page_the_widget_speaks_swedish(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.evaluate("""() => {
        document.documentElement.lang = "sv";
        document.body.replaceChildren(document.createElement("policy-assistant"));
    }""")
    expect(page.get_by_label("Din fråga (på svenska eller engelska)")).to_be_visible()
    box = page.get_by_label("Din fråga (på svenska eller engelska)")
    box.fill("Vem ansvarar för boende i Tierp?")
    box.press("Enter")
    answer = widget(page).locator("article.bot").first
    expect(answer).to_have_attribute("data-state", "done")
    expect(widget(page).get_by_role("button", name="Ny konversation")).to_be_visible()
    expect(answer.get_by_role("button", name="Inte till hjälp")).to_be_visible()
    answer.locator("button.chip").first.click()
    dialog = page.get_by_role("dialog", name="Källa [1]")
    expect(dialog.get_by_role("link", name="Öppna i dokumentet")).to_be_visible()
    expect(dialog.locator(".badge")).to_have_text("har upphört att gälla")
    expect(dialog.get_by_role("button", name="Stäng källan")).to_be_focused()


def test_thumbs_down_with_a_comment_is_stored_and_thanked(
        page: Page, base_url: str, widget_assistant: PolicyAssistant) -> None:
    page.goto(base_url + "/")
    answer = ask(page, HOUSING)
    answer.get_by_role("button", name="Not helpful").click()
    expect(answer.get_by_role("button", name="Not helpful")).to_have_attribute("aria-pressed", "true")
    comment = answer.get_by_label("Comment (optional)")
    expect(comment).to_be_focused()
    comment.fill("Planen gick ut 2018 – finns en ny?")
    with page.expect_response(lambda r: r.url.endswith("/v1/feedback") and r.request.method == "POST") as info:
        answer.get_by_role("button", name="Send feedback").click()
    assert info.value.status == 201
    expect(answer.get_by_role("status")).to_have_text("Thanks for your feedback!")

    stored = widget_assistant.feedback(limit=1)[0]
    assert stored.rating == "down" and stored.comment == "Planen gick ut 2018 – finns en ny?"
    assert stored.question == HOUSING
    assert stored.answer == widget_assistant.ask(HOUSING).answer
    assert [c.model_dump() for c in stored.citations] == citations_of(widget_assistant, HOUSING)


def test_document_and_answer_text_is_shown_as_text_and_never_runs(
        browser: Browser, tmp_path: Path, embedder: Embedder, glossary: Glossary) -> None:
    corpus = tmp_path / "source"
    corpus.mkdir()
    (corpus / "tolkning.md").write_text(
        f"# Riktlinje för tolkning {XSS_TITLE_TAG}\n\nTierps kommun\n\nDokumenttyp: Riktlinje\n"
        f"Gäller till: 2030-12-31\n\n## Tolkning\n\n"
        f"Tolk bokas via kontaktcenter {XSS_SCRIPT} senast två arbetsdagar före besöket {XSS_IMG}.\n",
        encoding="utf-8")
    private = make_assistant(tmp_path, embedder, glossary, corpus=corpus, data_dir=tmp_path / "data")
    private.ensure_index()
    title = private.documents()[0].title
    assert XSS_TITLE_TAG in title

    page, errors = open_page(browser)
    with serve(private) as url:
        # The demo page: the document list shows the title's characters.
        page.goto(url + "/")
        expect(page.locator("policy-documents .doc-title")).to_have_text(title)
        # A plain intranet page without a Content Security Policy: one script tag, one element.
        page.route(url + "/intranet", lambda route: route.fulfill(
            content_type="text/html", body='<!doctype html><meta charset="utf-8"><title>Intranät</title>'
            '<script src="/widget.js"></script><policy-assistant></policy-assistant>'
            '<policy-documents></policy-documents>'))
        page.goto(url + "/intranet")
        expect(page.locator("policy-documents .doc-title")).to_have_text(title)
        answer = ask(page, "Hur bokas tolk?")
        text = answer.locator(".answer")
        expect(text).to_contain_text(XSS_SCRIPT)
        expect(text).to_contain_text(XSS_IMG)
        expect(text).to_contain_text(XSS_TITLE_TAG)
        answer.locator("button.chip").first.click()
        dialog = page.get_by_role("dialog")
        expect(dialog.locator("blockquote")).to_contain_text(f"kontaktcenter {XSS_SCRIPT} senast")
        expect(dialog.locator("blockquote")).to_contain_text(XSS_IMG)
        expect(dialog.locator('[data-field="document"]')).to_have_text(title)
        page.wait_for_timeout(300)  # time for a broken image to fire its onerror, had one been made

        assert page.evaluate("typeof window.__pwned") == "undefined"
        counts = page.evaluate("""() => {
            const roots = [document, ...[...document.querySelectorAll("policy-assistant, policy-documents")]
                .map(host => host.shadowRoot)];
            return roots.map(root => root.querySelectorAll("img, script:not([src])").length);
        }""")
        assert counts == [0, 0, 0], counts
        page.context.close()
    assert errors == [], errors


def test_it_fits_a_narrow_screen_and_works_with_the_keyboard_alone(
        browser: Browser, base_url: str) -> None:
    page, errors = open_page(browser, width=360, height=740)
    page.goto(base_url + "/")
    expect(page.locator("policy-documents li").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    for _ in range(10):  # from the top of the page, Tab reaches the question box
        page.keyboard.press("Tab")
        if (focused(page) or {}).get("tag") == "INPUT":
            break
    assert (focused(page) or {}).get("tag") == "INPUT", focused(page)
    page.keyboard.type("Vem ansvarar för boende i Tierp?")
    page.keyboard.press("Enter")
    answer = answers(page).first
    expect(answer).to_have_attribute("data-state", "done")
    expect(answer.locator("button.chip").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    for _ in range(10):  # back from the box, Shift+Tab passes the feedback buttons to a chip
        page.keyboard.press("Shift+Tab")
        if "chip" in ((focused(page) or {}).get("cls") or ""):
            break
    chip = focused(page) or {}
    assert "chip" in (chip.get("cls") or ""), chip
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert (focused(page) or {}).get("n") == chip["n"]
    page.context.close()
    assert errors == [], errors


def test_new_conversation_clears_the_log_and_starter_questions_ask_themselves(
        page: Page, base_url: str) -> None:
    sent = recording(page, "/v1/ask/stream")
    page.goto(base_url + "/")
    starters = widget(page).get_by_role("group", name="Suggested questions")
    expect(starters.get_by_role("button")).to_have_text(
        ["Who owns housing goals?", "Vad är kommunstyrelsen?", "När gäller Tierps handlingsplan till?"])
    ask(page, HOUSING)
    expect(starters).to_be_hidden()

    widget(page).get_by_role("button", name="New conversation").click()
    assert page.evaluate(
        "document.querySelector('policy-assistant').shadowRoot.querySelector('[role=log]').childElementCount") == 0
    expect(starters).to_be_visible()
    expect(page.get_by_label(QUESTION_LABEL)).to_be_focused()

    starters.get_by_role("button", name="Vad är kommunstyrelsen?").click()
    answer = answers(page).first
    expect(answer).to_have_attribute("data-state", "done")
    expect(widget(page).locator(".msg.user")).to_have_text(["You: Vad är kommunstyrelsen?"])
    expect(answer.locator(".answer")).to_contain_text("kommunstyrelsen")
    expect(answer.locator("button.chip")).not_to_have_count(0)
    assert sent[-1].post_data_json == {"question": "Vad är kommunstyrelsen?", "history": []}


def test_errors_are_shown_readably_and_the_api_key_goes_with_every_request(page: Page, base_url: str) -> None:
    replies: list[Callable[[Route], None]] = [
        lambda route: route.fulfill(status=422, content_type="application/json",
                                    body=json.dumps({"detail": TOO_LONG})),
        lambda route: route.fulfill(status=200, content_type="text/event-stream", body=(
            'event: delta\ndata: {"text": "Delvis svar"}\n\n'
            'event: error\ndata: {"message": "the answer could not be completed"}\n\n')),
    ]
    page.route(base_url + "/v1/ask/stream", lambda route: replies.pop(0)(route))
    page.route(base_url + "/v1/documents", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps({"documents": []})))
    sent = recording(page, "/v1/ask/stream")
    documents = recording(page, "/v1/documents")
    page.route(base_url + "/keyed", lambda route: route.fulfill(content_type="text/html", body=(
        f'<!doctype html><meta charset="utf-8"><script src="{base_url}/widget.js"></script>'
        f'<policy-assistant api-base="{base_url}/" api-key="k-123"></policy-assistant>'
        f'<policy-documents api-base="{base_url}" api-key="k-123"></policy-documents>')))
    page.goto(base_url + "/keyed")

    box = page.get_by_label(QUESTION_LABEL)
    box.fill("x")
    box.press("Enter")
    refused = answers(page).nth(0)
    expect(refused).to_have_attribute("data-state", "error")
    expect(refused.get_by_role("alert")).to_contain_text(TOO_LONG)

    box.fill("Vem ansvarar?")
    box.press("Enter")
    broken = answers(page).nth(1)
    expect(broken).to_have_attribute("data-state", "error")
    expect(broken.locator(".answer")).to_have_text("Delvis svar")
    expect(broken.get_by_role("alert")).to_have_text("the answer could not be completed")

    assert len(sent) == 2 and documents
    for request in [*sent, *documents]:
        assert request.headers.get("authorization") == "Bearer k-123", request.url
    assert sent[1].post_data_json["history"] == []  # failed turns are not part of the conversation


def test_a_citation_from_a_paged_source_shows_its_page_in_the_pages_language(
        page: Page, base_url: str, widget_assistant: PolicyAssistant) -> None:
    answer = widget_assistant.ask(HOUSING)
    citations = [c.model_copy(update={"page": 2 if c.n == 1 else None}) for c in answer.citations]
    body = (f"event: delta\ndata: {json.dumps({'text': answer.answer}, ensure_ascii=False)}\n\n"
            f"event: citations\ndata: {json.dumps([c.model_dump() for c in citations], ensure_ascii=False)}\n\n"
            f"event: done\ndata: {answer.model_dump_json(exclude={'citations'})}\n\n")
    page.route(base_url + "/v1/ask/stream", lambda route: route.fulfill(
        status=200, content_type="text/event-stream; charset=utf-8", body=body.encode()))
    page.goto(base_url + "/")

    chips = ask(page, HOUSING).locator("button.chip")
    chips.first.click()
    dialog = page.get_by_role("dialog", name="Source [1]")
    expect(dialog.locator('[data-field="page"]')).to_have_text("Page 2")
    dialog.get_by_role("button", name="Close source").click()
    if chips.count() > 1:  # a citation without a page shows none
        chips.nth(1).click()
        expect(page.get_by_role("dialog", name="Source [2]").locator('[data-field="page"]')).to_have_count(0)
        page.keyboard.press("Escape")

    page.evaluate("""() => {
        document.documentElement.lang = "sv";
        document.body.replaceChildren(document.createElement("policy-assistant"));
    }""")
    box = page.get_by_label("Din fråga (på svenska eller engelska)")
    box.fill(HOUSING)
    box.press("Enter")
    widget(page).locator("article.bot button.chip").first.click()
    expect(page.get_by_role("dialog", name="Källa [1]").locator('[data-field="page"]')).to_have_text("Sida 2")


@pytest.mark.parametrize(("kind", "question"), [
    ("table", HOUSING), ("prose", "Vem ansvarar för uppföljningen av integrationsarbetet i Åstorp?")])
def test_the_viewer_scrolls_the_quote_into_view_with_context_above_it(
        page: Page, base_url: str, widget_assistant: PolicyAssistant, tmp_path: Path, kind: str, question: str) -> None:
    citation = citations_of(widget_assistant, question)[0]
    page.goto(f"{base_url}{citation['url']}#cited")  # as "Open in document" links it

    mark = page.locator("mark#cited")
    expect(mark).to_be_focused()
    top, bottom, height = page.evaluate("""() => { const r = document.getElementById('cited').getBoundingClientRect();
                                                   return [r.top, r.bottom, window.innerHeight]; }""")
    assert height * 0.2 <= top and bottom <= height, (top, bottom, height)  # in view, not at the very top
    if kind == "table":
        expect(page.locator("td > mark#cited")).to_have_text(citation["quote"])
        headers = mark.locator("xpath=ancestor::table//thead//th")
        expect(headers.nth(3)).to_have_text("Huvudansvar")
    page.screenshot(path=tmp_path / f"viewer-{kind}.png")
    (REPO / "test-output").mkdir(exist_ok=True)
    shutil.copyfile(tmp_path / f"viewer-{kind}.png", REPO / "test-output" / f"viewer-{kind}.png")


# --- documents synced from the municipality's website -------------------------------------------

BOSTAD_QUESTION = "Hur många nya bostäder ska färdigställas varje år?"
ORIGINAL_LINK = {"en": ("Original on the website", "Open in document", "Source", "Close source"),
                 "sv": ("Originalet på webbplatsen", "Öppna i dokumentet", "Källa", "Stäng källan")}


@pytest.fixture(scope="module")
def website() -> Iterator[MunicipalSite]:
    """The loopback kommun website of ``tests/sources/site.py``."""
    with municipal_site() as served:
        yield served


@pytest.fixture(scope="module")
def website_assistant(website: MunicipalSite, tmp_path_factory: pytest.TempPathFactory,
                      embedder: Embedder, glossary: Glossary) -> PolicyAssistant:
    """The shipped corpus plus the website's policies, synced over real HTTP as a source "webb"."""
    built = make_assistant(tmp_path_factory.mktemp("website"), embedder, glossary,
                           sync_requests_per_second=100.0, sync_timeout_seconds=2.0)
    built.ensure_index()
    built.sources.add("webb", website.url(INDEX))
    [report] = built.sources.sync("webb")
    assert report.status == "ok" and report.added, report
    return built


@pytest.fixture(scope="module")
def website_url(website_assistant: PolicyAssistant) -> Iterator[str]:
    with serve(website_assistant) as url:
        yield url


def ask_in(page: Page, lang: str, question: str) -> Locator:
    """Ask ``question`` in a fresh widget on a page in ``lang``; returns the completed answer."""
    page.evaluate("""lang => {
        document.documentElement.lang = lang;
        document.body.replaceChildren(document.createElement("policy-assistant"));
    }""", lang)
    box = page.get_by_label(QUESTION_LABEL if lang == "en" else "Din fråga (på svenska eller engelska)")
    box.fill(question)
    box.press("Enter")
    answer = answers(page).first
    expect(answer).to_have_attribute("data-state", "done")
    return answer


@pytest.mark.parametrize("width", [1100, 360], ids=["desktop", "narrow"])
def test_a_citation_of_a_synced_page_links_to_its_original_on_the_website_too(
        browser: Browser, website: MunicipalSite, website_assistant: PolicyAssistant, website_url: str,
        width: int) -> None:
    documents = {d.id: d for d in website_assistant.documents()}
    synced = next(c for c in website_assistant.ask(BOSTAD_QUESTION).citations if c.source_url)
    assert synced.source_url == documents[synced.document_id].source_url
    assert synced.source_url in {website.url(BOSTAD_PDF), website.url(BOSTAD_PAGE)}
    shipped = website_assistant.ask(HOUSING).citations[0]
    assert documents[shipped.document_id].source_url is None and shipped.source_url is None

    page, errors = open_page(browser, width=width, height=740 if width < 600 else 900)
    page.goto(website_url + "/")
    for lang, (original, in_document, source, close) in ORIGINAL_LINK.items():
        answer = ask_in(page, lang, BOSTAD_QUESTION)
        expect(answer.locator(".answer")).to_contain_text("120")
        answer.locator(f'button.chip[data-n="{synced.n}"]').first.click()
        dialog = page.get_by_role("dialog", name=f"{source} [{synced.n}]")
        link = dialog.get_by_role("link", name=original)
        expect(link).to_have_attribute("href", synced.source_url)
        expect(link).to_have_text(original)
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", "noopener noreferrer")
        expect(link).to_have_class("open-document original")
        document_link = dialog.get_by_role("link", name=in_document)
        expect(document_link).to_have_attribute("href", f"{website_url}{synced.url}#cited")

        # The two links sit side by side or one under the other, never over each other, and the
        # panel does not overflow the screen or scroll sideways.
        boxes = [document_link.bounding_box(), link.bounding_box(), dialog.bounding_box()]
        assert all(boxes), boxes
        first, second, panel = (b for b in boxes if b is not None)
        assert (first["x"] + first["width"] <= second["x"] or first["y"] + first["height"] <= second["y"]), boxes
        for box in (first, second):
            assert panel["x"] <= box["x"] and box["x"] + box["width"] <= panel["x"] + panel["width"], boxes
        assert dialog.evaluate("d => d.scrollWidth <= d.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        suffix = "" if width < 600 else "-desktop"
        dialog.screenshot(path=f"/tmp/widget-original-{lang}{suffix}.png")

        with page.context.expect_page() as opened:  # the link opens the original in a new tab
            link.click()
        expect(opened.value).to_have_url(synced.source_url)
        opened.value.close()
        dialog.get_by_role("button", name=close).click()
        expect(dialog).to_be_hidden()

        # A shipped corpus document has no original on the website: no such link.
        answer = ask_in(page, lang, HOUSING)
        answer.locator("button.chip").first.click()
        dialog = page.get_by_role("dialog", name=f"{source} [{shipped.n}]")
        expect(dialog.get_by_role("link", name=in_document)).to_be_visible()
        expect(dialog.locator("a.original")).to_have_count(0)
        expect(dialog.get_by_role("link", name=original)).to_have_count(0)
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
    page.context.close()
    assert errors == [], errors
