"""The chat widget: ``GET /widget.js`` (the embeddable ``<policy-assistant>`` element, one file, no
dependencies) and ``GET /`` (a demo page with the widget and the list of documents).

Both are static files under ``api/static``, served as they are; the demo page gets a Content
Security Policy that allows scripts only from this origin, so nothing a document contains can
run there even if it were ever inserted as markup.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(tags=["widget"])

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

DEMO_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                 "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'")


@router.get("/", response_class=FileResponse, include_in_schema=False)
def demo_page() -> FileResponse:
    """The demo page (HTML): the chat widget and the documents of the corpus with their status."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": DEMO_PAGE_CSP, "Cache-Control": "no-cache",
                                 "X-Content-Type-Options": "nosniff"})


@router.get("/widget.js", response_class=FileResponse, summary="The embeddable chat widget")
def widget_script() -> FileResponse:
    """The chat widget as one JavaScript file (``application/javascript``). It defines the custom
    elements ``<policy-assistant>`` and ``<policy-documents>``; embed it with
    ``<script src="https://host/widget.js" defer></script><policy-assistant api-base="https://host"></policy-assistant>``.
    """
    return FileResponse(STATIC_DIR / "widget.js", media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
