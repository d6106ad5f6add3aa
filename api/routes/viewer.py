"""The document viewer: ``GET /documents/{id}?start=…&end=…``, the page every citation's ``url``
points to. It renders the whole document as indexed, its headings as headings, the cited span in a
``<mark id="cited">`` scrolled into view and focused, so an official sees the quote in its place.

One self-contained HTML page: no external assets; every text of the document is escaped; the only
script is inline, allowed by a per-response nonce in the Content Security Policy.
"""

from __future__ import annotations

import html
import secrets
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.deps import AssistantDep
from api.security import READER, ReaderDep
from assistant.errors import InvalidRequestError
from assistant.models import Document

router = APIRouter(tags=["documents"], dependencies=[READER])

_STYLE = """
body { font: 16px/1.55 system-ui, sans-serif; margin: 0 auto; max-width: 46rem; padding: 1rem 1.25rem 4rem;
       color: #1b1b1b; background: #fff; }
header p { color: #555; margin: .25rem 0 1.5rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; } h3, h4, h5, h6 { font-size: 1.1rem; }
p { margin: .4rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
mark { background: #ffe27a; color: inherit; padding: 0 .1em; outline-offset: 2px; }
mark#cited:focus { outline: 3px solid #0b57d0; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .25rem; }
"""


@router.get("/documents/{document_id}", response_class=HTMLResponse, summary="A document, with a cited span marked")
def view_document(document_id: str, assistant: AssistantDep, caller: ReaderDep,
                  start: Annotated[int | None, Query(ge=0, description="Start of the cited span")] = None,
                  end: Annotated[int | None, Query(ge=0, description="End of the cited span")] = None,
                  ) -> HTMLResponse:
    """The document as an HTML page, the span ``start``..``end`` (a citation's offsets) marked and
    scrolled into view. 404 for an unknown document, 422 when the span is not inside it."""
    document = assistant.document(document_id, viewer=caller.viewer)
    span = _checked_span(document, start, end)
    nonce = secrets.token_urlsafe(16)
    page = _page(document, span, nonce=nonce, lang="sv")
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
           "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
    return HTMLResponse(page, headers={"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
                                       "Cache-Control": "no-cache"})


def _checked_span(document: Document, start: int | None, end: int | None) -> tuple[int, int] | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise InvalidRequestError("give both start and end, or neither")
    if not start < end <= len(document.text):
        raise InvalidRequestError(f"the span {start}..{end} is not inside the document (0..{len(document.text)})")
    return start, end


def _page(document: Document, span: tuple[int, int] | None, *, nonce: str, lang: str) -> str:
    headings = _heading_levels(document)
    facts = " · ".join(part for part in (document.municipality, document.document_type,
                                         f"status: {document.status}" if document.status else None) if part)
    body = "\n".join(_lines(document.text, headings, span))
    script = ("const m=document.getElementById('cited');if(m){m.scrollIntoView({block:'center'});"
              "m.focus({preventScroll:true});}")
    skip = '<a class="skip" href="#cited">Till det citerade / To the quote</a>' if span else ""
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(document.title)}</title><style>{_STYLE}</style></head>\n"
            f"<body>{skip}<header><p>{html.escape(facts)}</p></header><main>\n{body}\n</main>"
            f'<script nonce="{nonce}">{script}</script></body></html>\n')


def _heading_levels(document: Document) -> dict[int, int]:
    """Offsets where a heading line starts, with its level (the title 1, sections by depth + 1)."""
    levels = {section.start: min(6, len(section.path) + 1) for section in document.sections}
    # The title: the first line, when the title begins with it ("Integrationspolicy" of
    # "Integrationspolicy, Åstorps kommun", whose municipality line follows).
    first_line = next((line for line in document.text.split("\n") if line.strip()), "").strip()
    if first_line and document.title.strip().startswith(first_line.lstrip("# ").strip()):
        levels[document.text.find(first_line)] = 1
    return levels


def _lines(text: str, headings: dict[int, int], span: tuple[int, int] | None) -> list[str]:
    """Each non-blank line of ``text`` as a heading or a paragraph, the part inside ``span`` marked."""
    out, offset, marked = [], 0, False
    for line in text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        if not line.strip():
            continue
        inner, marked = _marked(line, line_start, span, first=not marked)
        level = headings.get(line_start)
        out.append(f"<h{level}>{inner}</h{level}>" if level else f"<p>{inner}</p>")
    return out


def _marked(line: str, line_start: int, span: tuple[int, int] | None, *, first: bool) -> tuple[str, bool]:
    """The escaped line with its part inside ``span`` in ``<mark>`` (the first one ``id="cited"``);
    and whether a mark was placed in this or an earlier line."""
    if span is None or span[1] <= line_start or span[0] >= line_start + len(line):
        return html.escape(line), not first
    a, b = max(span[0], line_start) - line_start, min(span[1], line_start + len(line)) - line_start
    attributes = ' id="cited" tabindex="-1"' if first else ""
    return (f"{html.escape(line[:a])}<mark{attributes}>{html.escape(line[a:b])}</mark>"
            f"{html.escape(line[b:])}"), True
