"""The pure parts of crawling a website: URL normalisation and scope, the links of a page, whether
a page is only navigation, sitemaps, and the format of a response. No I/O here; ``website.py``
does the requests.

Rules (documented here because the connector and its tests share them):

* A URL is normalised to ``scheme://host[:port]/path[?query]``: lowercase scheme and host, no
  default port, no fragment, no ``.``/``..`` segments, unsafe characters percent-encoded, ``/`` for
  an empty path. Only ``http`` and ``https`` URLs exist for a crawl (no ``mailto:``, ``javascript:``).
* A *page* is in scope when it has the start URL's scheme and host and its path starts with the
  start URL's directory (``/styrdokument/`` for ``/styrdokument/`` or ``/styrdokument/index.html``;
  a last segment without a dot is a directory too: ``/styrdokument`` → ``/styrdokument/``). With a
  sitemap as the start, the pages in scope are exactly the URLs it lists.
* A *document* (a supported non-HTML format, by the link's extension) is in scope anywhere on the
  same scheme and host: CMSs keep files under ``/download/`` or ``/globalassets/``.
* A page is *navigation only* (kept for its links, not indexed) when the text the HTML reader would
  index is under ``NAVIGATION_MIN_CHARS`` characters, or when link text is more than half of it
  (a list of links with a sentence of introduction), or when it says ``<meta name="robots"
  content="noindex">``.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from assistant.parse import SUPPORTED_SUFFIXES
from assistant.parse.errors import ParseError

HTML_SUFFIX = ".html"
DOCUMENT_SUFFIXES = frozenset(SUPPORTED_SUFFIXES - {".html", ".htm"})
# Extensions that servers use for HTML pages; any other extension (.jpg, .css, .zip, .xlsx) is
# neither a page nor a supported document, and is never requested.
PAGE_SUFFIXES = frozenset({"", ".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp", ".cfm"})
NAVIGATION_MIN_CHARS = 200
NAVIGATION_LINK_SHARE = 0.5

_CONTENT_TYPES = {
    "text/html": HTML_SUFFIX,
    "application/xhtml+xml": HTML_SUFFIX,
    "application/pdf": ".pdf",
    "application/x-pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
}
# Types that say nothing about the format: the URL's extension (or the attachment's name) decides.
_GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/download",
                            "application/force-download", "application/x-download"})
# Characters left as they are in a path or query: RFC 3986 unreserved, sub-delims, ':', '@', '/'
# and '%' (an existing escape stays one; re-quoting must not double it).
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
_SITEMAP_SNIFF = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<([A-Za-z_][\w.-]*:)?(urlset|sitemapindex)\b",
                            re.DOTALL)
_SPACE = re.compile(r"\s+")


def normalise_url(url: str, base: str | None = None) -> str | None:
    """``url`` (resolved against ``base``) in its one normal form, or ``None`` for anything that is not an
    ``http(s)`` URL with a host (``mailto:``, ``javascript:``, ``tel:``, a malformed port)."""
    url = url.strip()
    try:
        parts = urlsplit(urljoin(base, url) if base else url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in {"http", "https"} or not host:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    path = _requote(_remove_dot_segments(parts.path or "/"), _SAFE_PATH)
    query = _requote(parts.query, _SAFE_QUERY)
    return f"{scheme}://{host}{path}" + (f"?{query}" if query else "")


def _remove_dot_segments(path: str) -> str:
    if "." not in path:
        return path
    normal = posixpath.normpath(path)
    if normal.startswith("//"):  # normpath keeps a leading '//' (POSIX); a URL path does not need it
        normal = "/" + normal.lstrip("/")
    # normpath drops a trailing slash, which on the web names a different resource.
    return normal + "/" if path.endswith(("/", "/.", "/..")) and normal != "/" else normal


def _requote(text: str, safe: str) -> str:
    quoted = quote(text, safe=safe)
    return _ESCAPE.sub(lambda match: match.group(0).upper(), quoted)


def url_suffix(url: str) -> str:
    """The lowercase extension of the URL path's last segment (``""`` for none)."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return posixpath.splitext(name)[1].lower()


def url_path(url: str) -> str:
    """The URL's path, percent-decoded (what include/exclude globs are written against)."""
    return unquote(urlsplit(url).path)


def page_prefix(start_url: str) -> str:
    """The path prefix under which pages are followed: the start URL's directory (see module rules)."""
    path = urlsplit(start_url).path or "/"
    directory, _, name = path.rpartition("/")
    return path + "/" if name and "." not in name else directory + "/"


@dataclass(frozen=True, slots=True)
class Scope:
    """Which URLs a crawl may take, from its start URL. ``listed``: with a sitemap start, the page URLs
    the sitemap lists (``None``: a page start, pages under ``prefix``)."""

    origin: str  # scheme://host[:port]
    prefix: str
    start: str
    listed: frozenset[str] | None = None

    @classmethod
    def of(cls, start_url: str, *, listed: Collection[str] | None = None) -> Scope:
        parts = urlsplit(start_url)
        return cls(f"{parts.scheme}://{parts.netloc}", page_prefix(start_url), start_url,
                   None if listed is None else frozenset(listed))

    def same_site(self, url: str) -> bool:
        return url == self.origin or url.startswith(self.origin + "/")

    def is_page(self, url: str) -> bool:
        """A page this crawl follows (whatever the URL's extension: the response's type decides)."""
        if self.listed is not None:  # a sitemap start: the sitemap itself is no page
            return url in self.listed
        if url == self.start:
            return True
        return self.same_site(url) and urlsplit(url).path.startswith(self.prefix)

    def kind(self, url: str) -> str | None:
        """``"document"`` for a same-site link to a supported document format, ``"page"`` for an HTML
        page in scope, ``None`` for a link this crawl does not take."""
        if not self.same_site(url):
            return None
        suffix = url_suffix(url)
        if suffix in DOCUMENT_SUFFIXES:
            return "document"
        if suffix in PAGE_SUFFIXES and self.is_page(url):
            return "page"
        return None


@dataclass(frozen=True, slots=True)
class PageReading:
    """What a crawl takes from an HTML page: its links (normalised, in order, once each, including out-
    of-scope ones: the caller filters) and whether it is only navigation."""

    links: tuple[str, ...]
    navigation: bool
    follow: bool  # False: <meta name="robots" content="nofollow">
    text_digest: str  # SHA-256 of the text the HTML reader indexes: page chrome and tokens do not count


def read_page(data: bytes, url: str) -> PageReading:
    """Links and the navigation verdict of a page. Cost: two parses of the page (links here, its text
    by the HTML reader, so the verdict matches what would be indexed), linear in its size."""
    from assistant.parse.html import read_html  # bs4/lxml are loaded by the caller's first page anyway

    soup = BeautifulSoup(data, "lxml")
    base_tag = soup.find("base", href=True)
    base = normalise_url(str(base_tag["href"]), url) if isinstance(base_tag, Tag) else None
    links: dict[str, None] = {}
    for anchor in soup.find_all(["a", "area"], href=True):
        link = normalise_url(str(anchor["href"]), base or url)
        if link and link != url:
            links[link] = None
    robots = " ".join(str(meta.get("content", "")) for meta in soup.find_all("meta")
                      if str(meta.get("name", "")).lower() == "robots").lower()
    try:
        text = _SPACE.sub(" ", read_html(data).text).strip()
    except ParseError:
        text = ""
    return PageReading(tuple(links), "noindex" in robots or _is_navigation(soup, text), "nofollow" not in robots,
                       hashlib.sha256(text.encode("utf-8")).hexdigest())


def _is_navigation(soup: BeautifulSoup, text: str) -> bool:
    if len(text) < NAVIGATION_MIN_CHARS:
        return True
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    root = main if isinstance(main, Tag) else soup
    # The reader drops page chrome (any <nav>; <header>/<footer> outside the main content), so the
    # links in it are not part of ``text`` either.
    chrome = ["nav"] if main is not None else ["nav", "header", "footer"]
    link_chars = sum(len(_SPACE.sub(" ", anchor.get_text(" ")).strip())
                     for anchor in root.find_all("a") if anchor.find_parent(chrome) is None)
    return link_chars > NAVIGATION_LINK_SHARE * len(text)


def response_suffix(content_type: str | None, disposition: str | None, url: str) -> str | None:
    """The format of a response: by its Content-Type, else (a generic type) by the attachment's file
    name, else by the URL's extension; ``None`` when it is no supported format."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in _CONTENT_TYPES:
        return _CONTENT_TYPES[mime]
    if mime not in _GENERIC_TYPES:
        return None
    for name in (_attachment_name(disposition), urlsplit(url).path):
        suffix = posixpath.splitext(name.rsplit("/", 1)[-1])[1].lower()
        if suffix in SUPPORTED_SUFFIXES:
            return HTML_SUFFIX if suffix == ".htm" else suffix
    return None


def _attachment_name(disposition: str | None) -> str:
    if not disposition:
        return ""
    message = Message()
    message["content-disposition"] = disposition
    return str(message.get_filename() or "")


def sitemap_bytes(data: bytes, *, limit: int) -> bytes:
    """A sitemap's XML: gunzipped when it is a ``.xml.gz`` file (at most ``limit`` bytes of it)."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        xml = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, limit + 1)
    except zlib.error as error:
        raise ValueError(f"not a readable gzip file ({error})") from error
    if len(xml) > limit:
        raise ValueError(f"more than {limit} bytes uncompressed")
    return xml


def is_sitemap(data: bytes) -> bool:
    """Whether ``data`` is a sitemap (root element ``urlset`` or ``sitemapindex``, any namespace)."""
    return bool(_SITEMAP_SNIFF.match(data.lstrip(b"\xef\xbb\xbf")[:4096]))


def read_sitemap(data: bytes) -> tuple[bool, list[str]]:
    """``(is_index, locations)``: the ``<loc>`` of each ``<url>`` (or each ``<sitemap>`` of an index),
    as written. Entities and DTDs are not resolved (no billion laughs, no external files); malformed
    XML raises ``ValueError``. Cost: one streaming parse, linear in the size."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not well-formed XML ({error})") from error
    name = etree.QName(root).localname
    if name not in _SITEMAP_ROOTS:
        raise ValueError(f"root element is <{name}>, not <urlset> or <sitemapindex>")
    return name == "sitemapindex", list(_locations(root))


def _locations(root: Any) -> Iterator[str]:
    from lxml import etree

    for entry in root:
        if not isinstance(entry.tag, str):
            continue
        for child in entry:
            if isinstance(child.tag, str) and etree.QName(child).localname == "loc" and (child.text or "").strip():
                yield child.text.strip()
                break
