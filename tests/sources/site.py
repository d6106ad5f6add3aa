"""A municipal website on loopback, for the website connector's tests and benchmarks.

``MunicipalSite`` serves ``files`` (path → body and content type) from a real
``ThreadingHTTPServer`` in a thread, the way a municipal CMS does: an ETag (the quoted SHA-1 of the
body, unless the path is in ``no_etag``) and a Last-Modified on every file, 304 Not Modified for a
matching ``If-None-Match`` (or, without one, an ``If-Modified-Since`` not older than the file),
a configurable robots.txt, generated sitemaps, and fault switches: ``failing`` (path → status),
``delays`` (path → seconds before answering), ``chunked`` (paths sent without Content-Length) and
``redirects`` (path → status and Location).
Every request is logged (``log``: method, path, conditional or not, status, user agent).

``municipal_site()`` builds a small kommun site: a navigation-only ``/styrdokument/`` index with
header, menu and footer, three policy pages, two PDFs under ``/download/18.…/`` and a DOCX under
``/globalassets/``, a robots-disallowed internal section, pages outside ``/styrdokument/`` and
off-site links. ``add_policy_pages(n)`` adds ``n`` distinct generated policies for benchmarks.
"""

from __future__ import annotations

import hashlib
import io
import random
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape

HTML = "text/html; charset=utf-8"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XML = "application/xml"
# 2 June 2025 08:00 UTC: the default Last-Modified of every file.
PUBLISHED = 1748851200.0
ROBOTS = "User-agent: *\nDisallow: /styrdokument/intern/\nDisallow: /sok\n"


def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    conditional: bool
    status: int
    user_agent: str


class MunicipalSite:
    """A website served on ``127.0.0.1`` while started (``with site:`` or ``start``/``stop``).

    Tests mutate ``files``, ``last_modified``, ``robots_txt`` (``None``: 404), ``robots_status``,
    ``failing``, ``delays``, ``chunked``, ``redirects`` and ``no_etag`` at any time; the next request
    sees them.
    """

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self.last_modified: dict[str, float] = {}
        self.robots_txt: str | None = ROBOTS
        self.robots_status: int | None = None  # set: robots.txt answers this status instead
        self.failing: dict[str, int] = {}
        self.delays: dict[str, float] = {}
        self.chunked: set[str] = set()
        self.no_etag: set[str] = set()
        self.redirects: dict[str, tuple[int, str]] = {}  # path → (status, Location)
        self.sitemaps: set[str] = set()  # paths whose "{base}" is served as the site's base URL
        self.log: list[Request] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- serving -------------------------------------------------------------------------------

    def start(self) -> MunicipalSite:
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="municipal-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MunicipalSite:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "the site is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    # --- content -------------------------------------------------------------------------------

    def put(self, path: str, body: bytes | str, content_type: str = HTML, *, modified: float | None = None) -> None:
        """Publish (or replace) a file; ``modified`` defaults to the current Last-Modified, else ``PUBLISHED``."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.files[path] = (data, content_type)
        self.last_modified[path] = modified if modified is not None else self.last_modified.get(path, PUBLISHED)

    def touch(self, path: str, *, seconds_later: float = 86400.0) -> None:
        """A new Last-Modified for the same body (a CMS republishing a page unchanged)."""
        self.last_modified[path] = self.last_modified.get(path, PUBLISHED) + seconds_later

    def remove(self, path: str) -> None:
        self.files.pop(path, None)

    def etag(self, path: str) -> str | None:
        if path in self.no_etag or path not in self.files:
            return None
        return '"' + hashlib.sha1(self.files[path][0]).hexdigest() + '"'

    def add_sitemap(self, path: str, pages: Iterable[str]) -> None:
        """A ``urlset`` listing ``pages`` (paths on this site, written as absolute URLs when served)."""
        entries = "".join(f"<url><loc>{{base}}{xml_escape(page)}</loc><lastmod>2025-06-02</lastmod></url>\n"
                          for page in pages)
        self.sitemaps.add(path)
        self.put(path, '<?xml version="1.0" encoding="UTF-8"?>\n'
                       f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n', XML)

    def add_sitemap_index(self, path: str, sitemaps: Iterable[str]) -> None:
        entries = "".join(f"<sitemap><loc>{{base}}{xml_escape(sitemap)}</loc></sitemap>\n" for sitemap in sitemaps)
        self.sitemaps.add(path)
        self.put(path, '<?xml version="1.0" encoding="UTF-8"?>\n'
                       f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n',
                 XML)

    # --- the request log -----------------------------------------------------------------------

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [request for request in self.log if request.path == path]

    def requested_paths(self) -> set[str]:
        with self._lock:
            return {request.path for request in self.log}

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    def _record(self, request: Request) -> None:
        with self._lock:
            self.log.append(request)

    # --- generated content ---------------------------------------------------------------------

    def add_policy_pages(self, n: int, *, pdfs: int = 0, seed: int = 7) -> list[str]:
        """``n`` generated policy pages under ``/styrdokument/samling/`` (plus ``pdfs`` PDFs under
        ``/download/``), each text distinct, all linked from ``/styrdokument/samling/`` which the
        index links to. Returns the paths of the new items."""
        rng = random.Random(seed)
        paths: list[str] = []
        links: list[tuple[str, str]] = []
        for number in range(1, n + pdfs + 1):
            title, paragraphs = _generated_policy(rng, number)
            if number <= n:
                path = f"/styrdokument/samling/policy-{number:04d}.html"
                self.put(path, policy_page(title, paragraphs))
            else:
                path = f"/download/18.gen{number:04d}/{1700000000000 + number}/policy-{number:04d}.pdf"
                self.put(path, make_pdf_bytes(title, paragraphs), PDF)
            paths.append(path)
            links.append((path, title))
        listing = "".join(f'<li><a href="{escape(path)}">{escape(title)}</a></li>' for path, title in links)
        self.put("/styrdokument/samling/",
                 page("Samlade styrdokument", f"<h1>Samlade styrdokument</h1><ul>{listing}</ul>"))
        index, content_type = self.files["/styrdokument/"]
        if b"/styrdokument/samling/" not in index:
            self.put("/styrdokument/", index.replace(
                b"</ul>\n</main>", b'<li><a href="samling/">Samlade styrdokument</a></li></ul>\n</main>'), content_type)
        return paths


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (a timeout, a body too large) leaves a broken pipe: not a test failure.
        pass


def _handler(site: MunicipalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: without this, Nagle's algorithm and the client's
        # delayed ACK add 40 ms to every keep-alive request.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self.answer(send_body=False)

        def do_GET(self) -> None:
            self.answer(send_body=True)

        def answer(self, *, send_body: bool) -> None:
            path = unquote(urlsplit(self.path).path)  # as a real server decodes it
            conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
            if path in site.delays:
                time.sleep(site.delays[path])
            status, headers, body = self.respond(path)
            site._record(Request(self.command, self.path, conditional, status, self.headers.get("User-Agent", "")))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if path in site.chunked and status == 200:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                if send_body:
                    for start in range(0, len(body), 8192):
                        piece = body[start:start + 8192]
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
            if path in site.failing:
                return site.failing[path], {"Content-Type": "text/plain"}, b"Tekniskt fel"
            if path in site.redirects:
                status, location = site.redirects[path]
                return status, {"Location": location, "Content-Type": HTML}, b""
            if path == "/robots.txt":
                if site.robots_status is not None:
                    return site.robots_status, {"Content-Type": "text/plain"}, b"fel"
                if site.robots_txt is None:
                    return 404, {"Content-Type": "text/plain"}, b"Sidan finns inte"
                return 200, {"Content-Type": "text/plain"}, site.robots_txt.encode()
            if path not in site.files:
                return 404, {"Content-Type": HTML}, page("Sidan hittades inte", "<h1>Sidan hittades inte</h1>")
            body, content_type = site.files[path]
            if path in site.sitemaps:  # sitemaps name the site's absolute URLs
                body = body.replace(b"{base}", site.base_url.encode())
            modified = site.last_modified.get(path, PUBLISHED)
            headers = {"Content-Type": content_type, "Last-Modified": http_date(modified)}
            etag = site.etag(path)
            if etag:
                headers["ETag"] = etag
            if self.not_modified(etag, modified):
                return 304, headers, b""
            return 200, headers, body

        def not_modified(self, etag: str | None, modified: float) -> bool:
            # RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only without it.
            if "If-None-Match" in self.headers:
                tags = {tag.strip() for tag in self.headers["If-None-Match"].split(",")}
                return etag is not None and (etag in tags or "*" in tags)
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    return int(modified) <= parsedate_to_datetime(since).timestamp()
                except (TypeError, ValueError):
                    return False
            return False

    return Handler


# --- documents ---------------------------------------------------------------------------------


def make_pdf_bytes(title: str, paragraphs: Sequence[str]) -> bytes:
    """A PDF laid out like a Word export: a bold title, then ``paragraphs`` (one starting with ``# ``
    is a heading, with ``- `` a bullet). Helvetica's WinAnsi encoding covers å ä ö; deterministic bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Kommunstyrelsen", invariant=True,
                                 leftMargin=2.5 * cm, rightMargin=2.5 * cm, topMargin=2.5 * cm, bottomMargin=2.5 * cm)
    story = [Paragraph(xml_escape(title), styles["Title"]), Spacer(1, 12)]
    for paragraph in paragraphs:
        if paragraph.startswith("# "):
            story.append(Paragraph(xml_escape(paragraph[2:]), styles["Heading2"]))
        elif paragraph.startswith("- "):
            story.append(Paragraph(xml_escape(paragraph[2:]), styles["BodyText"], bulletText="•"))
        else:
            story.append(Paragraph(xml_escape(paragraph), styles["BodyText"]))
    document.build(story)
    return buffer.getvalue()


def make_docx_bytes(title: str, paragraphs: Sequence[str]) -> bytes:
    """A DOCX with a Title, then ``paragraphs`` (``# `` a Heading 1, ``- `` a List Bullet)."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    for paragraph in paragraphs:
        if paragraph.startswith("# "):
            document.add_heading(paragraph[2:], level=1)
        elif paragraph.startswith("- "):
            document.add_paragraph(paragraph[2:], style="List Bullet")
        else:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- pages ---------------------------------------------------------------------------------------

_MENU = """<nav class="main-menu" aria-label="Huvudmeny"><ul>
<li><a href="/">Start</a></li>
<li><a href="/omsorg-och-hjalp/">Omsorg och hjälp</a></li>
<li><a href="/bygga-bo-och-miljo/">Bygga, bo och miljö</a></li>
<li><a href="/kommun-och-politik/">Kommun och politik</a></li>
<li><a href="/styrdokument/">Styrdokument</a></li>
<li><a href="/kontakt/">Kontakta oss</a></li>
</ul></nav>"""
_HEADER = """<header class="site-header"><a href="/" class="logo">Exempelby kommun</a>
<form action="/sok" role="search"><input name="q" placeholder="Sök på webbplatsen"><button>Sök</button></form>
<a href="/sok?q=styrdokument">Sök styrdokument</a> <a href="/languages/english.html">In English</a></header>"""
_FOOTER = """<footer class="site-footer"><p>Exempelby kommun, Storgatan 1, 123 45 Exempelby.
Telefon: <a href="tel:+46101234500">010-123 45 00</a>.
E-post: <a href="mailto:kommun@exempelby.se">kommun@exempelby.se</a></p>
<ul><li><a href="/om-webbplatsen/tillganglighetsredogorelse.html">Tillgänglighetsredogörelse</a></li>
<li><a href="/om-webbplatsen/cookies.html">Kakor (cookies)</a></li>
<li><a href="https://www.facebook.com/exempelbykommun">Facebook</a></li>
<li><a href="javascript:window.print()">Skriv ut sidan</a></li></ul></footer>"""


def page(title: str, main: str) -> str:
    """A whole page of the site: header, menu, ``main`` and footer."""
    return (f'<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8"><title>{escape(title)} - Exempelby kommun'
            f'</title><link rel="stylesheet" href="/css/site.css"></head>\n<body>\n{_HEADER}\n{_MENU}\n'
            f'<main id="content">\n{main}\n</main>\n{_FOOTER}\n</body></html>\n')


def policy_page(title: str, paragraphs: Sequence[str], *, extra: str = "") -> str:
    """A policy published as a page: a heading, then ``paragraphs`` (``# `` subheading, ``- `` item)."""
    parts = [f"<h1>{escape(title)}</h1>"]
    items: list[str] = []
    for paragraph in [*paragraphs, ""]:
        if paragraph.startswith("- "):
            items.append(f"<li>{escape(paragraph[2:])}</li>")
            continue
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if paragraph.startswith("# "):
            parts.append(f"<h2>{escape(paragraph[2:])}</h2>")
        elif paragraph:
            parts.append(f"<p>{escape(paragraph)}</p>")
    return page(title, "\n".join(parts) + extra)


BOSTAD_PDF = "/download/18.abc1234/1712345678901/Riktlinjer-for-bostadsforsorjning-2024-2027.pdf"
AVFALL_PDF = "/download/18.abc1234/1712345678955/Avfallsplan-2024-2030.pdf"
REPRESENTATION_DOCX = "/globalassets/styrdokument/riktlinjer-for-representation.docx"
INDEX = "/styrdokument/"
BOSTAD_PAGE = "/styrdokument/riktlinjer-for-bostadsforsorjning.html"
SAKERHET_PAGE = "/styrdokument/informationssakerhetspolicy"
REPRESENTATION_PAGE = "/styrdokument/representation/"
INTERN_PAGE = "/styrdokument/intern/delegationsordning.html"
IMAGE = "/styrdokument/bilder/bostadsbyggande-karta.jpg"
OUTSIDE_PAGES = ("/", "/kontakt/", "/kommun-och-politik/", "/om-webbplatsen/tillganglighetsredogorelse.html",
                 "/languages/english.html")

BOSTAD = [
    "Riktlinjerna för bostadsförsörjning antogs av kommunfullmäktige den 12 februari 2024, § 18, och gäller "
    "för perioden 2024–2027. De beskriver hur Exempelby kommun ska planera för att alla invånare ska kunna "
    "leva i goda bostäder och hur kommunen ska medverka till att bostäder byggs.",
    "# Bakgrund",
    "Enligt lagen (2000:1383) om kommunernas bostadsförsörjningsansvar ska varje kommun med riktlinjer "
    "planera för bostadsförsörjningen. Riktlinjerna ska antas av kommunfullmäktige under varje mandatperiod.",
    "# Mål",
    "- Minst 120 nya bostäder ska färdigställas varje år under perioden.",
    "- Andelen hyresrätter i nyproduktionen ska vara minst 40 procent.",
    "- Alla nya bostadsområden ska ha god tillgång till kollektivtrafik, förskola och grönområden.",
    "- Bostäder för äldre och personer med funktionsnedsättning ska planeras i samverkan med socialnämnden.",
    "# Ansvar",
    "Kommunstyrelsen ansvarar för att riktlinjerna genomförs och följs upp och för kommunens markpolitik. "
    "Samhällsbyggnadsnämnden ansvarar för detaljplanering och bygglov. Socialnämnden ansvarar för att "
    "bedöma behovet av särskilda boendeformer. Det kommunala bostadsbolaget Exempelbyhem AB ska bidra "
    "till att målen nås genom nyproduktion och genom att erbjuda lägenheter till kommunens sociala kontrakt.",
    "# Uppföljning",
    "Riktlinjerna följs upp årligen i samband med årsredovisningen. Kommunstyrelsen redovisar antalet "
    "färdigställda bostäder, bostadsbeståndets sammansättning och läget på bostadsmarknaden till "
    "kommunfullmäktige senast den 30 april varje år.",
]
SAKERHET = [
    "Policyn för informationssäkerhet gäller för alla nämnder, förvaltningar och helägda kommunala bolag "
    "i Exempelby kommun. Den antogs av kommunfullmäktige den 9 oktober 2023, § 112.",
    "# Syfte",
    "Kommunens information ska skyddas så att rätt information finns tillgänglig för rätt person vid rätt "
    "tidpunkt. Informationssäkerhetsarbetet ska säkerställa informationens konfidentialitet, riktighet och "
    "tillgänglighet och följa dataskyddsförordningen och säkerhetsskyddslagen.",
    "# Roller och ansvar",
    "- Kommunstyrelsen har det övergripande ansvaret för kommunens informationssäkerhet.",
    "- Varje nämnd ansvarar för informationssäkerheten i sin verksamhet och utser informationsägare.",
    "- Informationssäkerhetssamordnaren stödjer förvaltningarna och samordnar incidenthanteringen.",
    "- Alla medarbetare ska genomgå utbildning i informationssäkerhet vartannat år.",
    "# Incidenter",
    "En informationssäkerhetsincident ska rapporteras till närmaste chef och till kommunens IT-servicedesk "
    "utan dröjsmål. Personuppgiftsincidenter anmäls till Integritetsskyddsmyndigheten inom 72 timmar.",
]
REPRESENTATION = [
    "Riktlinjerna gäller för extern och intern representation i Exempelby kommun och kompletterar "
    "kommunens policy mot mutor och jäv.",
    "# Allmänt",
    "Representation ska ha ett direkt samband med kommunens verksamhet och vara återhållsam. Alkohol "
    "serveras inte vid intern representation. Kostnaden för måltid vid extern representation får uppgå "
    "till högst 300 kronor per person exklusive moms.",
    "# Ansvar och beslut",
    "Förvaltningschefen beslutar om representation inom förvaltningen. Kommundirektören beslutar om "
    "representation som rör flera förvaltningar. Deltagare och syfte ska alltid anges på fakturan.",
]
AVFALL = [
    "# Inledning",
    "Avfallsplanen för 2024–2030 är gemensam för kommunerna i Exempelbyregionen och beskriver hur mängden "
    "avfall ska minska och hur återanvändning och materialåtervinning ska öka.",
    "# Mål",
    "- Mängden mat- och restavfall per invånare ska minska med 25 procent till år 2030.",
    "- Minst 70 procent av förpackningsavfallet ska materialåtervinnas.",
    "- Nedskräpningen i kommunens parker och naturområden ska minska.",
    "# Ansvar",
    "Tekniska nämnden ansvarar för insamling av hushållsavfall och för att avfallsplanen genomförs. "
    "Miljönämnden utövar tillsyn enligt miljöbalken.",
]


def municipal_site() -> MunicipalSite:
    """A small kommun website (see the module docstring); not started."""
    site = MunicipalSite()
    index = f"""<h1>Styrdokument</h1>
<p>Här hittar du kommunens gällande styrdokument.</p>
<ul>
<li><a href="riktlinjer-for-bostadsforsorjning.html">Riktlinjer för bostadsförsörjning 2024–2027</a></li>
<li><a href="{SAKERHET_PAGE}#syfte">Policy för informationssäkerhet</a></li>
<li><a href="./representation/">Riktlinjer för representation</a></li>
<li><a href="{AVFALL_PDF}">Avfallsplan 2024–2030 (pdf, 210 kB)</a></li>
<li><a href="{BOSTAD_PDF}">Riktlinjer för bostadsförsörjning (pdf)</a></li>
<li><a href="intern/delegationsordning.html">Delegationsordning (intern)</a></li>
<li><a href="https://www.riksdagen.se/sv/dokument-och-lagar/kommunallag-2017725_sfs-2017-725/">Kommunallagen</a></li>
</ul>"""
    site.put(INDEX, page("Styrdokument", index))
    site.put(BOSTAD_PAGE, policy_page("Riktlinjer för bostadsförsörjning 2024–2027", BOSTAD, extra=(
        f'<p>Riktlinjerna i sin helhet: <a href="{BOSTAD_PDF}">Riktlinjer för bostadsförsörjning (pdf)</a>. '
        f'Karta över planerat bostadsbyggande: <a href="bilder/bostadsbyggande-karta.jpg">karta (jpg)</a>. '
        '<a href="https://www.boverket.se/globalassets/publikationer/dokument/2023/bostadsmarknaden.pdf">'
        'Boverkets bostadsmarknadsenkät</a>. <a href="#ansvar">Till ansvar</a></p>')))
    site.put(SAKERHET_PAGE, policy_page("Policy för informationssäkerhet", SAKERHET))
    site.put(REPRESENTATION_PAGE, policy_page("Riktlinjer för representation", REPRESENTATION[:1], extra=(
        f'<p>Läs hela riktlinjerna: <a href="../..{REPRESENTATION_DOCX}">Riktlinjer för representation (docx)</a>.'
        '</p><p>Frågor om representation besvaras av kommunledningsförvaltningens ekonomienhet, som också '
        'ger råd om vad som är tillåtet vid studiebesök, jubileer och avtackningar av medarbetare.</p>')))
    site.put(INTERN_PAGE, policy_page("Delegationsordning för kommunstyrelsen", SAKERHET[:2]))
    site.put(BOSTAD_PDF, make_pdf_bytes("Riktlinjer för bostadsförsörjning 2024–2027", BOSTAD), PDF)
    site.put(AVFALL_PDF, make_pdf_bytes("Avfallsplan 2024–2030", AVFALL), PDF)
    site.put(REPRESENTATION_DOCX, make_docx_bytes("Riktlinjer för representation", REPRESENTATION), DOCX)
    site.put(IMAGE, b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")
    for path in OUTSIDE_PAGES:
        site.put(path, policy_page("Exempelby kommun", ["Välkommen till Exempelby kommun. " * 10]))
    return site


# --- generated policies -------------------------------------------------------------------------

_KINDS = ("Riktlinjer för", "Policy för", "Handlingsplan för", "Program för", "Strategi för", "Regler för")
_TOPICS = ("äldreomsorg", "förskola", "gatubelysning", "vinterväghållning", "upphandling", "friskvård",
           "lokalförsörjning", "dricksvatten", "krisberedskap", "kulturstöd", "föreningsbidrag", "parkering",
           "digitalisering", "arkivvård", "tillgänglighet", "folkhälsa", "skolskjuts", "energieffektivisering",
           "bredbandsutbyggnad", "trygghetsarbete", "mottagande av nyanlända", "biblioteksverksamhet")
_BOARDS = ("kommunstyrelsen", "barn- och utbildningsnämnden", "socialnämnden", "tekniska nämnden",
           "kultur- och fritidsnämnden", "samhällsbyggnadsnämnden", "miljönämnden")
_VERBS = ("ska säkerställa", "ansvarar för", "ska årligen följa upp", "ska samordna", "ska verka för")
_OBJECTS = ("en likvärdig service i hela kommunen", "att verksamheten bedrivs kostnadseffektivt",
            "att invånarna får information i god tid", "samverkan med regionen och civilsamhället",
            "att miljökraven i upphandlingar följs", "att barnrättsperspektivet beaktas i alla beslut",
            "att personuppgifter hanteras enligt dataskyddsförordningen", "en god arbetsmiljö för medarbetarna")


def _generated_policy(rng: random.Random, number: int) -> tuple[str, list[str]]:
    """A distinct policy: its number, year, topic and board, and shuffled sentences, are in the text."""
    topic = _TOPICS[number % len(_TOPICS)]
    year = 2015 + number % 11
    title = f"{_KINDS[number % len(_KINDS)]} {topic} ({number})"
    board = rng.choice(_BOARDS)

    def sentences(count: int) -> str:
        return " ".join(f"{rng.choice(_BOARDS).capitalize()} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."
                        for _ in range(count))

    return title, [
        f"Dokumentet om {topic} antogs av kommunfullmäktige år {year}, ärende KS {year}/{100 + number}, och "
        f"gäller tills vidare. {board.capitalize()} är ansvarig för att dokumentet hålls aktuellt.",
        "# Syfte", sentences(3),
        "# Ansvar", *(f"- {sentence}" for sentence in sentences(3).split(". ") if sentence),
        "# Uppföljning",
        f"Uppföljningen av arbetet med {topic} redovisas senast den {1 + number % 28} maj varje år. {sentences(2)}",
    ]
