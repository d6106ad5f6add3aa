"""The website connector against a real municipal site on loopback, through a real httpx client."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import httpx
import pytest

from assistant.parse.html import read_html
from assistant.sources import FailedItem, KnownItem, Scan, SourceUnreadableError
from assistant.sources.crawl import normalise_url, page_prefix, read_page
from assistant.sources.website import WebsiteConnector, website_client
from tests.sources.site import (
    AVFALL_PDF,
    BOSTAD_PAGE,
    BOSTAD_PDF,
    IMAGE,
    INDEX,
    INTERN_PAGE,
    OUTSIDE_PAGES,
    PDF,
    REPRESENTATION_DOCX,
    REPRESENTATION_PAGE,
    SAKERHET_PAGE,
    MunicipalSite,
    make_pdf_bytes,
    municipal_site,
)

USER_AGENT = "policy-assistant/0.1.0 (+https://github.com/example/policy-assistant)"
IN_SCOPE = (INDEX, BOSTAD_PAGE, SAKERHET_PAGE, REPRESENTATION_PAGE, AVFALL_PDF, BOSTAD_PDF, REPRESENTATION_DOCX)
SUFFIXES = {INDEX: ".html", BOSTAD_PAGE: ".html", SAKERHET_PAGE: ".html", REPRESENTATION_PAGE: ".html",
            AVFALL_PDF: ".pdf", BOSTAD_PDF: ".pdf", REPRESENTATION_DOCX: ".docx"}


@pytest.fixture
def site() -> Iterator[MunicipalSite]:
    with municipal_site() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with website_client(user_agent=USER_AGENT, timeout_seconds=2.0) as http:
        yield http


def connector(site: MunicipalSite, client: httpx.Client, start: str = INDEX, **options: object) -> WebsiteConnector:
    options = {"requests_per_second": 1000.0, "max_bytes": 1_000_000, **options}
    return WebsiteConnector(start_url=site.url(start), client=client, **options)  # type: ignore[arg-type]


def known_from(*scans: Scan) -> dict[str, KnownItem]:
    """What a sync would keep of the scans' fetched items."""
    return {item.key: KnownItem(key=item.key, document_name="x" if item.indexed else "", digest=item.digest,
                                etag=item.etag, last_modified=item.last_modified, url=item.url, links=item.links)
            for scan in scans for item in scan.fetched}


def urls(site: MunicipalSite, paths: Iterable[str]) -> set[str]:
    return {site.url(path) for path in paths}


def paths_requested(site: MunicipalSite) -> set[str]:
    return {request.path for request in site.log}


def first_scan(site: MunicipalSite, client: httpx.Client, **options: object) -> tuple[WebsiteConnector, Scan]:
    website = connector(site, client, **options)
    return website, website.scan({})


# --- the first scan ----------------------------------------------------------------------------


def test_first_scan_fetches_every_in_scope_page_and_linked_document_and_nothing_else(site, client) -> None:
    _, scan = first_scan(site, client)

    items = {item.key: item for item in scan.fetched}
    assert set(items) == urls(site, IN_SCOPE)
    assert (scan.unchanged, scan.gone, scan.failed) == ([], [], [])
    for path in IN_SCOPE:
        item = items[site.url(path)]
        body = site.files[path][0]
        assert (item.suffix, item.url, item.data) == (SUFFIXES[path], site.url(path), body)
        # A document by its bytes; a page by the text that is indexed (see the next test).
        page = SUFFIXES[path] == ".html"
        assert item.digest == (read_page(body, item.key).text_digest if page else hashlib.sha256(body).hexdigest())
        assert item.etag == site.etag(path)
        assert item.last_modified == "Mon, 02 Jun 2025 08:00:00 GMT"
    # Menu, header and footer links outside /styrdokument/, off-site links, mailto:, tel:,
    # javascript:, an image and the robots-disallowed section are never requested.
    assert paths_requested(site) == {"/robots.txt", *IN_SCOPE}
    assert not paths_requested(site) & {INTERN_PAGE, IMAGE, *OUTSIDE_PAGES}
    assert {request.user_agent for request in site.log} == {USER_AGENT}
    assert scan.requests == len(site.log) == len(IN_SCOPE) + 1
    assert (scan.conditional, scan.not_modified) == (0, 0)


def test_links_are_the_normalised_in_scope_links_of_a_page(site, client) -> None:
    _, scan = first_scan(site, client)
    items = {item.key: item for item in scan.fetched}

    # Fragments stripped, relative links resolved, the page itself and out-of-scope links left out;
    # the disallowed page is in scope (robots.txt is applied when following, as it may change).
    assert items[site.url(INDEX)].links == tuple(site.url(path) for path in (
        BOSTAD_PAGE, SAKERHET_PAGE, REPRESENTATION_PAGE, AVFALL_PDF, BOSTAD_PDF, INTERN_PAGE))
    # Every page's menu links to the index; the jpg, the off-site PDF and the fragment are not taken.
    assert items[site.url(BOSTAD_PAGE)].links == (site.url(INDEX), site.url(BOSTAD_PDF))
    assert items[site.url(REPRESENTATION_PAGE)].links == (site.url(INDEX), site.url(REPRESENTATION_DOCX))
    assert items[site.url(AVFALL_PDF)].links == ()


def test_a_navigation_page_is_fetched_for_its_links_but_not_indexed(site, client) -> None:
    _, scan = first_scan(site, client)
    items = {item.key: item for item in scan.fetched}

    assert not items[site.url(INDEX)].indexed
    assert all(items[site.url(path)].indexed for path in IN_SCOPE if path != INDEX)
    # What a policy page gives the index is its main content, not the site's chrome.
    text = read_html(items[site.url(BOSTAD_PAGE)].data).text
    assert "Kommunstyrelsen ansvarar för att riktlinjerna genomförs" in text
    assert "Kontakta oss" not in text and "Tillgänglighetsredogörelse" not in text


# --- later scans: conditional requests ---------------------------------------------------------


def test_a_second_scan_asks_conditionally_and_finds_everything_unchanged(site, client) -> None:
    website, first = first_scan(site, client)
    known = known_from(first)
    site.clear_log()

    second = website.scan(known)

    assert sorted(second.unchanged) == sorted(known)
    assert (second.fetched, second.gone, second.failed) == ([], [], [])
    assert second.conditional == second.not_modified == len(known) == second.requests - 1
    item_requests = [request for request in site.log if request.path != "/robots.txt"]
    assert len(item_requests) == len(known)
    assert all(request.conditional and request.status == 304 for request in item_requests)
    # The 304 pages' stored links were followed: the documents were reached (and asked) again.
    assert paths_requested(site) == {"/robots.txt", *IN_SCOPE}


def test_a_changed_pdf_comes_back_with_a_new_digest(site, client) -> None:
    website, first = first_scan(site, client)
    known = known_from(first)
    site.put(BOSTAD_PDF, make_pdf_bytes("Riktlinjer för bostadsförsörjning 2024–2027 (reviderad)",
                                        ["# Ändring", "Målet höjs till 150 nya bostäder per år."]), PDF)

    second = website.scan(known)

    assert [item.key for item in second.fetched] == [site.url(BOSTAD_PDF)]
    item = second.fetched[0]
    assert item.digest == hashlib.sha256(site.files[BOSTAD_PDF][0]).hexdigest() != known[item.key].digest
    assert item.etag == site.etag(BOSTAD_PDF)
    assert sorted(second.unchanged) == sorted(set(known) - {item.key})
    assert second.not_modified == len(known) - 1


def test_a_new_last_modified_with_the_same_body_is_fetched_with_the_same_digest(site, client) -> None:
    site.no_etag.add(SAKERHET_PAGE)  # this page has only Last-Modified: If-Modified-Since decides
    website, first = first_scan(site, client)
    known = known_from(first)
    assert known[site.url(SAKERHET_PAGE)].etag is None
    site.touch(SAKERHET_PAGE)
    site.clear_log()

    second = website.scan(known)

    [item] = second.fetched
    assert item.key == site.url(SAKERHET_PAGE)
    assert item.digest == known[item.key].digest
    assert item.last_modified == "Tue, 03 Jun 2025 08:00:00 GMT"
    [request] = site.requests_for(SAKERHET_PAGE)
    assert request.conditional and request.status == 200


def test_a_page_is_compared_by_its_indexed_text_not_its_chrome_or_tokens(site, client) -> None:
    website, first = first_scan(site, client)
    known = known_from(first)
    body = site.files[SAKERHET_PAGE][0].decode("utf-8")
    site.put(SAKERHET_PAGE, body.replace("</footer>", '<input type="hidden" name="csrf" value="a81f3c"><p>Senast '
                                         "uppdaterad 3 juni 2025</p></footer>"))
    unchanged = {i.key: i for i in website.scan(known).fetched}[site.url(SAKERHET_PAGE)]
    assert unchanged.digest == known[unchanged.key].digest

    site.put(SAKERHET_PAGE, body.replace("vartannat år", "varje år"))
    changed = {i.key: i for i in website.scan(known).fetched}[site.url(SAKERHET_PAGE)]
    assert changed.digest != known[changed.key].digest


def test_a_removed_pdf_is_gone(site, client) -> None:
    website, first = first_scan(site, client)
    site.remove(AVFALL_PDF)

    second = website.scan(known_from(first))

    assert second.gone == [site.url(AVFALL_PDF)]
    assert (second.fetched, second.failed) == ([], [])


def test_a_pdf_whose_link_was_removed_is_not_met(site, client) -> None:
    website, first = first_scan(site, client)
    body, content_type = site.files[INDEX]
    site.put(INDEX, body.replace(f'<li><a href="{AVFALL_PDF}">'.encode(), b"<li><a>"), content_type)
    site.clear_log()

    second = website.scan(known_from(first))

    assert [item.key for item in second.fetched] == [site.url(INDEX)]
    met = {*second.unchanged, *second.gone, *(item.key for item in second.failed), site.url(INDEX)}
    assert site.url(AVFALL_PDF) not in met
    assert not site.requests_for(AVFALL_PDF)


def test_a_permanently_moved_pdf_is_gone_and_its_new_address_fetched(site, client) -> None:
    website, first = first_scan(site, client)
    new_path = "/download/18.abc1234/1712345679999/Avfallsplan-2024-2030-rev.pdf"
    site.put(new_path, site.files[AVFALL_PDF][0], PDF)
    site.redirects[AVFALL_PDF] = (301, site.url(new_path))

    second = website.scan(known_from(first))

    assert second.gone == [site.url(AVFALL_PDF)]
    assert [(item.key, item.suffix) for item in second.fetched] == [(site.url(new_path), ".pdf")]


# --- where a crawl starts ------------------------------------------------------------------------


def test_a_start_url_that_redirects_is_followed_and_sets_the_scope(site, client) -> None:
    site.redirects["/styrdokument"] = (301, "/styrdokument/")

    scan = connector(site, client, start="/styrdokument").scan({})

    assert {item.key for item in scan.fetched} == urls(site, IN_SCOPE)


def test_a_sitemap_start_takes_the_pages_it_lists_and_the_documents_they_link(site, client) -> None:
    site.add_sitemap("/sitemap.xml", [INDEX, BOSTAD_PAGE, SAKERHET_PAGE, AVFALL_PDF])

    scan = connector(site, client, start="/sitemap.xml").scan({})

    # Not the representation page (not listed) nor the DOCX only it links to.
    assert {item.key for item in scan.fetched} == urls(site, [INDEX, BOSTAD_PAGE, SAKERHET_PAGE, AVFALL_PDF,
                                                              BOSTAD_PDF])
    assert not site.requests_for(REPRESENTATION_PAGE)


def test_a_sitemap_index_is_read_with_its_sitemaps_whatever_its_name(site, client) -> None:
    site.add_sitemap("/sitemap-sidor.xml", [BOSTAD_PAGE, REPRESENTATION_PAGE])
    site.add_sitemap("/sitemap-filer.xml", [AVFALL_PDF])
    site.add_sitemap_index("/webbkarta", ["/sitemap-sidor.xml", "/sitemap-filer.xml"])
    site.files["/webbkarta"] = (site.files["/webbkarta"][0], "text/plain")  # a CMS that says so

    scan = connector(site, client, start="/webbkarta").scan({})

    assert {item.key for item in scan.fetched} == urls(site, [BOSTAD_PAGE, REPRESENTATION_PAGE, AVFALL_PDF,
                                                              BOSTAD_PDF, REPRESENTATION_DOCX])
    assert not site.requests_for(INDEX)


# --- robots.txt ----------------------------------------------------------------------------------


def test_robots_rules_for_our_user_agent_are_respected_and_a_disallowed_known_item_is_gone(site, client) -> None:
    website, first = first_scan(site, client)
    assert not site.requests_for(INTERN_PAGE)
    site.robots_txt = ("User-agent: policy-assistant\nDisallow: /download/18.abc1234/1712345678955/\n\n"
                       "User-agent: *\nDisallow: /\n")
    site.clear_log()

    second = website.scan(known_from(first))

    assert second.gone == [site.url(AVFALL_PDF)]
    assert not site.requests_for(AVFALL_PDF)
    assert site.url(INTERN_PAGE) in {item.key for item in second.fetched}  # our rules do not disallow it


def test_a_missing_robots_txt_allows_everything(site, client) -> None:
    site.robots_txt = None

    _, scan = first_scan(site, client)

    assert {item.key for item in scan.fetched} == urls(site, [*IN_SCOPE, INTERN_PAGE])


def test_a_robots_txt_server_error_makes_the_source_unreadable(site, client) -> None:
    site.robots_status = 503

    with pytest.raises(SourceUnreadableError, match=r"robots\.txt answered HTTP 503"):
        connector(site, client).scan({})
    assert paths_requested(site) == {"/robots.txt"}


# --- failures ------------------------------------------------------------------------------------


def test_a_server_error_on_one_item_fails_it_and_the_rest_is_read(site, client) -> None:
    site.failing[BOSTAD_PDF] = 500

    _, scan = first_scan(site, client)

    assert scan.failed == [FailedItem(site.url(BOSTAD_PDF), "unreachable", "the server answered HTTP 500")]
    assert {item.key for item in scan.fetched} == urls(site, set(IN_SCOPE) - {BOSTAD_PDF})


def test_a_slow_item_times_out(site) -> None:
    site.delays[AVFALL_PDF] = 3.0
    with website_client(user_agent=USER_AGENT, timeout_seconds=0.5) as quick:
        _, scan = first_scan(site, quick)

    [failure] = scan.failed
    assert (failure.key, failure.reason) == (site.url(AVFALL_PDF), "timed_out")
    assert {item.key for item in scan.fetched} == urls(site, set(IN_SCOPE) - {AVFALL_PDF})


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "streamed"])
def test_an_item_larger_than_max_bytes_is_too_large(site, client, chunked: bool) -> None:
    site.put(AVFALL_PDF, b"%PDF-1.7\n" + b"0" * 300_000, PDF)
    if chunked:
        site.chunked.add(AVFALL_PDF)

    _, scan = first_scan(site, client, max_bytes=100_000)

    [failure] = scan.failed
    assert (failure.key, failure.reason) == (site.url(AVFALL_PDF), "too_large")
    assert {item.key for item in scan.fetched} == urls(site, set(IN_SCOPE) - {AVFALL_PDF})


@pytest.mark.parametrize(("fault", "message"), [
    ("refused", "ConnectError"), ("server_error", "HTTP 502"), ("not_found", "HTTP 404"), ("slow", "timeout"),
])
def test_a_start_url_that_cannot_be_read_makes_the_source_unreadable(site, fault: str, message: str) -> None:
    start = site.url(INDEX)
    if fault == "refused":
        site.stop()
    elif fault == "server_error":
        site.failing[INDEX] = 502
    elif fault == "not_found":
        site.remove(INDEX)
    else:
        site.delays[INDEX] = 3.0
    with website_client(user_agent=USER_AGENT, timeout_seconds=0.5) as quick:
        website = WebsiteConnector(start_url=start, client=quick, requests_per_second=1000.0, max_bytes=1_000_000)
        with pytest.raises(SourceUnreadableError, match=message) as raised:
            website.scan({})
    assert start in str(raised.value)


# --- limits and options --------------------------------------------------------------------------


class FakeTime:
    """A clock that only sleeping moves."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(("robots", "gap"), [("User-agent: *\nDisallow:\n", 0.25),
                                             ("User-agent: *\nCrawl-delay: 3\n", 3.0)])
def test_requests_are_paced_by_the_rate_or_the_crawl_delay(site, client, robots: str, gap: float) -> None:
    site.robots_txt = robots
    fake = FakeTime()

    _, scan = first_scan(site, client, requests_per_second=4.0, sleep=fake.sleep, clock=fake.clock)

    assert len(scan.fetched) == len(IN_SCOPE) + 1  # the internal page is allowed here
    # No time passes but by sleeping: every request after the first waited the whole gap.
    assert fake.sleeps == pytest.approx([gap] * (scan.requests - 1))


def test_the_crawl_stops_at_max_items_and_says_so(site, client) -> None:
    _, scan = first_scan(site, client, max_items=3)

    assert len(scan.fetched) == 3
    [failure] = scan.failed
    assert failure.reason == "refused" and "crawl limit of 3 items reached" in failure.detail
    assert {item.key for item in scan.fetched}.isdisjoint({failure.key})
    assert scan.requests == 4


def test_include_and_exclude_select_by_url_path(site, client) -> None:
    _, scan = first_scan(site, client, include=["*.pdf"], exclude=["/styrdokument/representation/*"])

    items = {item.key: item for item in scan.fetched}
    assert set(items) == urls(site, [INDEX, BOSTAD_PAGE, SAKERHET_PAGE, AVFALL_PDF, BOSTAD_PDF])
    # Pages are read for their links; only included items are indexed.
    assert {key for key, item in items.items() if item.indexed} == urls(site, [AVFALL_PDF, BOSTAD_PDF])
    assert not site.requests_for(REPRESENTATION_PAGE) and not site.requests_for(REPRESENTATION_DOCX)


def test_a_site_of_generated_policies_is_read_in_full_with_distinct_texts(site, client) -> None:
    added = site.add_policy_pages(12, pdfs=3)

    _, scan = first_scan(site, client)

    items = {item.key: item for item in scan.fetched}
    assert urls(site, added) <= set(items)
    assert len({items[site.url(path)].digest for path in added}) == 15
    texts = [read_html(items[site.url(path)].data).text for path in added if path.endswith(".html")]
    assert len(set(texts)) == 12 and all(len(text) > 400 for text in texts)
    assert all(items[site.url(path)].indexed for path in added)
    assert site.files[added[-1]][1] == PDF


# --- the crawl rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(("link", "expected"), [
    ("HTTPS://Kommun.SE:443/a/./b/../c.pdf#sida=2", "https://kommun.se/a/c.pdf"),
    ("http://kommun.se", "http://kommun.se/"),
    ("riktlinjer för äldre.pdf?v=2", "https://kommun.se/styrdokument/riktlinjer%20f%C3%B6r%20%C3%A4ldre.pdf?v=2"),
    ("../download/18.ab/a%2fb.pdf", "https://kommun.se/download/18.ab/a%2Fb.pdf"),
    ("mailto:kommun@kommun.se", None), ("javascript:void(0)", None), ("tel:+46101234500", None),
    ("https://kommun.se:99999/", None),
])
def test_urls_have_one_normal_form(link: str, expected: str | None) -> None:
    assert normalise_url(link, "https://kommun.se/styrdokument/") == expected


@pytest.mark.parametrize(("start", "prefix"), [
    ("https://kommun.se/styrdokument/", "/styrdokument/"),
    ("https://kommun.se/styrdokument/index.html", "/styrdokument/"),
    ("https://kommun.se/styrdokument", "/styrdokument/"),
    ("https://kommun.se/", "/"),
])
def test_pages_are_followed_under_the_start_urls_directory(start: str, prefix: str) -> None:
    assert page_prefix(start) == prefix
