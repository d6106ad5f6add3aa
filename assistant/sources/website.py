"""Website sources: a crawl from a start page or a sitemap, reading in full only what changed.

``WebsiteConnector.scan`` walks the site breadth first from its start URL and returns a ``Scan``
(see ``assistant.sources.models``): pages and documents answered 200 are ``fetched``, known ones
answered 304 to a conditional request are ``unchanged``, known ones answered 404/410 (or now
excluded, or disallowed by robots.txt, or moved permanently) are ``gone``, and items that could
not be read are ``failed``. Known items the crawl no longer reaches are in no list: the sync
removes them after two runs. Scope, link and navigation rules: ``assistant.sources.crawl``.

Politeness: one robots.txt read per scan (its Disallow rules for our user agent and its
Crawl-delay), at most ``requests_per_second`` requests per second, one request at a time, no
redirect followed without checking it is in scope, and a User-Agent that names us.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from urllib.robotparser import RobotFileParser

import httpx

from assistant.sources.base import Connector, SourceUnreadableError
from assistant.sources.crawl import (
    HTML_SUFFIX,
    Scope,
    is_sitemap,
    normalise_url,
    read_page,
    read_sitemap,
    response_suffix,
    sitemap_bytes,
    url_path,
)
from assistant.sources.models import FailedItem, FailureReason, FetchedItem, KnownItem, Scan

# RFC 9309: crawlers must parse at least 500 KiB of a robots.txt; what is past that is ignored.
ROBOTS_MAX_BYTES = 500 * 1024
# The sitemap protocol's own limits: 50 MB uncompressed per file; an index of indexes is not
# allowed, but some sites nest one level anyway.
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
MAX_SITEMAPS = 100
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_CHUNK = 64 * 1024


def website_client(*, user_agent: str, timeout_seconds: float) -> httpx.Client:
    """The HTTP client a website source runs on: our ``user_agent`` on every request (robots.txt
    rules are matched against it too), ``timeout_seconds`` for connecting and for each read, and no
    automatic redirects (the connector checks every redirect against its scope). The caller closes it."""
    return httpx.Client(headers={"User-Agent": user_agent}, timeout=httpx.Timeout(timeout_seconds),
                        follow_redirects=False)


class WebsiteConnector(Connector):
    """Reads the pages and documents of one website (see the module docstring and ``crawl``).

    ``include`` / ``exclude``: ``fnmatch`` globs over the URL path (``*`` crosses ``/``). An excluded
    URL is never requested (its links are not followed; a known one is ``gone``). A document that
    no include matches is treated as excluded; a page that no include matches is still read and
    followed for its links, but not indexed (``indexed=False``), so ``include=["*.pdf"]`` takes the
    PDFs a section links to. The start page is always read.
    ``max_items``: URLs met beyond this many are not taken (the first of them is a ``FailedItem``
    "refused" saying so, the rest are not met). ``max_bytes``: the largest item read.
    Cost: one request per item reached (conditional for known ones, so an unchanged site costs
    304s, no bodies), plus robots.txt and the sitemaps, paced by ``requests_per_second`` and
    Crawl-delay; memory holds the fetched bodies.
    """

    def __init__(self, *, start_url: str, client: httpx.Client, include: Sequence[str] = (),
                 exclude: Sequence[str] = (), requests_per_second: float = 2.0, max_items: int = 2000,
                 max_bytes: int, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        start = normalise_url(start_url)
        if start is None:
            raise ValueError(f"a website source starts at an http(s) URL, got {start_url!r}")
        if requests_per_second <= 0 or max_items < 1 or max_bytes < 1:
            raise ValueError("requests_per_second, max_items and max_bytes must be positive")
        self.start_url = start
        self.client = client
        self.include, self.exclude = tuple(include), tuple(exclude)
        self.requests_per_second, self.max_items, self.max_bytes = requests_per_second, max_items, max_bytes
        self.sleep, self.clock = sleep, clock
        self.last_request_at: float | None = None  # pacing holds across scans of this connector

    def scan(self, known: Mapping[str, KnownItem]) -> Scan:
        """See ``Connector.scan``. Raises ``SourceUnreadableError`` when robots.txt answers 5xx or
        disallows the start URL, or the start URL (or a sitemap) cannot be read."""
        return _Crawl(self, known).run()

    def wanted(self, path: str, *, document: bool) -> bool:
        """Whether include/exclude let a URL path through (a page always passes include)."""
        if any(fnmatchcase(path, pattern) for pattern in self.exclude):
            return False
        return not document or self.included(path)

    def included(self, path: str) -> bool:
        return not self.include or any(fnmatchcase(path, pattern) for pattern in self.include)


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes = b""


class _Failure(Exception):
    def __init__(self, reason: FailureReason, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


class _Crawl:
    """One scan's state: the queue, the URLs met, the robots rules and the ``Scan`` being filled."""

    def __init__(self, connector: WebsiteConnector, known: Mapping[str, KnownItem]) -> None:
        self.c, self.known, self.scan = connector, known, Scan()
        self.user_agent = connector.client.headers.get("User-Agent", "*")
        self.interval = 1.0 / connector.requests_per_second
        self.scope = Scope.of(connector.start_url)
        self.robots = RobotFileParser()
        self.queue: deque[tuple[str, bool]] = deque()  # (url, reached as a document link)
        self.met: set[str] = set()
        self.taken = 0
        self.refused: dict[str, None] = {}  # URLs not taken for the limit, in the order met

    def run(self) -> Scan:
        self.read_robots()
        self.start(self.c.start_url)
        while self.queue:
            self.visit(*self.queue.popleft())
        if self.refused:
            self.scan.failed.append(FailedItem(next(iter(self.refused)), "refused", (
                f"crawl limit of {self.c.max_items} items reached; {len(self.refused)} links not followed")))
        return self.scan

    # --- the start: robots.txt, then a page or a sitemap -------------------------------------

    def read_robots(self) -> None:
        url = self.scope.origin + "/robots.txt"
        try:
            # Redirects are followed here (RFC 9309 asks for at least five); it is only read.
            answer = self.get(url, known=None, limit=ROBOTS_MAX_BYTES, truncate=True, follow_redirects=True)
        except _Failure as failure:
            raise SourceUnreadableError(f"{self.c.start_url} cannot be read: the site does not answer "
                                        f"({url}: {failure.detail})") from None
        if answer.status >= 500:
            raise SourceUnreadableError(f"{self.c.start_url} cannot be read: {url} answered HTTP {answer.status}, "
                                        "and a robots.txt that fails with a server error disallows the whole site "
                                        "(RFC 9309)")
        # 4xx: no robots.txt, everything is allowed (RFC 9309).
        text = answer.body.decode("utf-8", errors="replace") if answer.status == 200 else ""
        self.robots.parse(text.splitlines())
        delay = self.robots.crawl_delay(self.user_agent)
        if delay:
            self.interval = max(self.interval, float(delay))

    def allowed(self, url: str) -> bool:
        return self.robots.can_fetch(self.user_agent, url)

    def start(self, url: str) -> None:
        for _ in range(MAX_REDIRECTS + 1):
            if not self.allowed(url):
                raise SourceUnreadableError(f"robots.txt disallows {url} for {self.user_agent!r}")
            known = self.known.get(url)
            try:
                answer = self.get(url, known=known, limit=max(self.c.max_bytes, SITEMAP_MAX_BYTES))
            except _Failure as failure:
                raise SourceUnreadableError(f"the start URL {url} could not be read: {failure.detail}") from None
            if answer.status not in _REDIRECTS or "location" not in answer.headers:
                break
            target = normalise_url(answer.headers["location"], url)
            if target is None or not self.scope.same_site(target):
                # The scope (and the robots.txt read) belong to the start's scheme and host.
                raise SourceUnreadableError(f"the start URL {url} redirects to {answer.headers['location']}, "
                                            "another site: configure that URL as the source's location")
            url = target  # the start moved (/styrdokument → /styrdokument/): the scope follows it
            self.scope = Scope.of(url)
        else:
            raise SourceUnreadableError(f"the start URL {self.c.start_url} redirects more than {MAX_REDIRECTS} times")
        if answer.status == 304 and known is not None:
            self.met.add(url)
            self.taken += 1
            self.scan.unchanged.append(url)
            self.follow(known.links)
        elif answer.status != 200:
            raise SourceUnreadableError(f"the start URL {url} answered HTTP {answer.status}")
        elif is_sitemap(xml := self.sitemap_xml(url, answer.body)):
            self.read_sitemaps(url, xml)
        elif len(answer.body) > self.c.max_bytes:
            raise SourceUnreadableError(f"the start URL {url} is larger than {self.c.max_bytes} bytes")
        else:
            self.met.add(url)
            self.taken += 1
            self.take(url, answer)

    def sitemap_xml(self, url: str, body: bytes) -> bytes:
        try:
            return sitemap_bytes(body, limit=SITEMAP_MAX_BYTES)
        except ValueError as error:
            raise SourceUnreadableError(f"the sitemap {url} is not readable: {error}") from None

    def read_sitemaps(self, url: str, xml: bytes) -> None:
        """Every page the sitemap (and the sitemaps of an index) lists becomes the crawl's page scope
        and its queue. A sitemap that cannot be read fails the whole scan: a partial list would make
        the sync remove what the missing part lists."""
        pending, seen, listed = [(url, xml)], {url}, dict[str, None]()
        self.met.add(url)  # a page may link to the sitemap: it is no item
        while pending:
            url, xml = pending.pop(0)
            try:
                is_index, locations = read_sitemap(xml)
            except ValueError as error:
                raise SourceUnreadableError(f"the sitemap {url} is not readable: {error}") from None
            for location in filter(self.scope.same_site, filter(None, (normalise_url(loc, url) for loc in locations))):
                if not is_index:
                    listed[location] = None
                elif location not in seen and len(seen) < MAX_SITEMAPS:
                    seen.add(location)
                    self.met.add(location)
                    pending.append((location, self.sitemap_xml(location, self.fetch_sitemap(location))))
        self.scope = Scope.of(self.scope.start, listed=listed)
        self.follow(listed)

    def fetch_sitemap(self, url: str) -> bytes:
        if not self.allowed(url):
            raise SourceUnreadableError(f"robots.txt disallows the sitemap {url}")
        try:
            answer = self.get(url, known=None, limit=SITEMAP_MAX_BYTES)
        except _Failure as failure:
            raise SourceUnreadableError(f"the sitemap {url} could not be read: {failure.detail}") from None
        if answer.status != 200:
            raise SourceUnreadableError(f"the sitemap {url} answered HTTP {answer.status}")
        return answer.body

    # --- the crawl ----------------------------------------------------------------------------

    def follow(self, links: Iterable[str]) -> None:
        for link in links:
            kind = self.scope.kind(link)
            if kind is not None:
                self.meet(link, document=kind == "document")

    def meet(self, url: str, *, document: bool) -> None:
        if url in self.met:
            return
        if not self.c.wanted(url_path(url), document=document) or not self.allowed(url):
            self.met.add(url)
            if url in self.known:  # excluded or disallowed now: certainly not part of the source any more
                self.scan.gone.append(url)
            return
        if self.taken >= self.c.max_items:
            # The first URL past the limit carries the notice; the rest are not met this run.
            self.refused.setdefault(url, None)
            if len(self.refused) == 1:
                self.met.add(url)
            return
        self.met.add(url)
        self.taken += 1
        self.queue.append((url, document))

    def visit(self, url: str, document: bool) -> None:
        known = self.known.get(url)
        try:
            answer = self.get(url, known=known, limit=self.c.max_bytes)
        except _Failure as failure:
            self.scan.failed.append(FailedItem(url, failure.reason, failure.detail))
            return
        status = answer.status
        if status == 200:
            self.take(url, answer)
        elif status == 304 and known is not None:
            self.scan.unchanged.append(url)
            self.follow(known.links)  # the page is as it was: so are its links
        elif status in {404, 410}:
            if known is not None:
                self.scan.gone.append(url)
        elif status in _REDIRECTS:
            target = self.location(answer, url)
            if known is not None and status in _PERMANENT:
                self.scan.gone.append(url)
            elif known is not None:  # a temporary move (maintenance, login) does not remove it
                self.scan.failed.append(FailedItem(url, "unreachable", f"moved temporarily (HTTP {status})"))
            if target is not None and (kind := self.scope.kind(target) or ("document" if document else None)):
                self.meet(target, document=kind == "document")
        elif 400 <= status < 500:  # 401, 403, 429, ...: the server will not give it to us
            self.scan.failed.append(FailedItem(url, "refused", f"the server answered HTTP {status}"))
        else:
            self.scan.failed.append(FailedItem(url, "unreachable", f"the server answered HTTP {status}"))

    def take(self, url: str, answer: _Answer) -> None:
        """A 200: a page in scope or a supported document is fetched; anything else (an image, an
        HTML page behind a document link outside the page scope) is no item of this source."""
        suffix = response_suffix(answer.headers.get("content-type"), answer.headers.get("content-disposition"), url)
        wanted = self.c.wanted(url_path(url), document=True)  # the start page is read even when it is not
        page = suffix == HTML_SUFFIX
        if suffix is None or (page and not self.scope.is_page(url)) or (not page and not wanted):
            if url in self.known:
                self.scan.gone.append(url)
            return
        links: tuple[str, ...] = ()
        indexed = True
        digest = hashlib.sha256(answer.body).hexdigest()
        if page:
            reading = read_page(answer.body, url)
            links = tuple(link for link in reading.links if self.scope.kind(link)) if reading.follow else ()
            indexed = not reading.navigation and wanted
            # A page is compared by the text that is indexed: a CMS's per-request token, a new
            # menu or footer does not make it changed.
            digest = reading.text_digest
        self.scan.fetched.append(FetchedItem(
            key=url, data=answer.body, digest=digest, suffix=suffix,
            etag=answer.headers.get("etag"), last_modified=answer.headers.get("last-modified"), url=url,
            links=links, indexed=indexed))
        self.follow(links)

    def location(self, answer: _Answer, url: str) -> str | None:
        """Where a redirect points (normalised, same site only), or ``None`` for any other answer."""
        if answer.status not in _REDIRECTS or "location" not in answer.headers:
            return None
        target = normalise_url(answer.headers["location"], url)
        return target if target is not None and target != url and self.scope.same_site(target) else None

    # --- one request --------------------------------------------------------------------------

    def pace(self) -> None:
        """Requests start at least ``interval`` apart (1/requests_per_second, or robots.txt's Crawl-delay)."""
        now = self.c.clock()
        last = self.c.last_request_at
        if last is not None and now < last + self.interval:
            self.c.sleep(last + self.interval - now)
            now = last + self.interval
        self.c.last_request_at = now

    def get(self, url: str, *, known: KnownItem | None, limit: int, truncate: bool = False,
            follow_redirects: bool = False) -> _Answer:
        """One paced GET, conditional when ``known`` has validators. The body is read only for a 200, and
        never past ``limit`` + one chunk (``_Failure`` "too_large", or cut at ``limit`` with ``truncate``)."""
        headers = {}
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        self.pace()
        self.scan.requests += 1
        self.scan.conditional += bool(headers)
        try:
            with self.c.client.stream("GET", url, headers=headers, follow_redirects=follow_redirects) as response:
                self.scan.not_modified += response.status_code == 304
                if response.status_code != 200:
                    return _Answer(response.status_code, response.headers)
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > limit and not truncate:
                    raise _Failure("too_large", f"{length} bytes, more than the limit of {limit}")
                body = bytearray()
                for chunk in response.iter_bytes(chunk_size=min(_CHUNK, limit + 1)):
                    body += chunk
                    if len(body) > limit:
                        if truncate:
                            break
                        raise _Failure("too_large", f"more than the limit of {limit} bytes")
                return _Answer(200, response.headers, bytes(body[:limit]))
        except httpx.TimeoutException as error:
            raise _Failure("timed_out", f"no answer within the timeout ({type(error).__name__})") from None
        except httpx.DecodingError as error:
            raise _Failure("unreadable", f"the response could not be decoded ({error})") from None
        except httpx.RequestError as error:
            raise _Failure("unreachable", f"{type(error).__name__}: {error or 'connection failed'}") from None
