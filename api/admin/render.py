"""Rendering the console's pages: Jinja2 templates from this package (autoescaped: a document
title or a question is text, never markup), the language, the signed-in session and its CSRF
token, and the headers every page gets (a CSP allowing only this origin's scripts and styles)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.admin.i18n import LANG_COOKIE, Words, language_of
from api.admin.reasons import reason_in
from api.admin.session import Session

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment, made on first use (not at import)."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


def page(request: Request, template: str, *, session: Session | None, status_code: int = 200,
         **context: object) -> HTMLResponse:
    """``template`` rendered for ``request`` in its language, with the session (for the menu and
    the forms' CSRF token) and ``context``."""
    lang = language_of(request)
    other = "en" if lang == "sv" else "sv"
    switch = {k: v for k, v in request.query_params.items() if k not in ("lang", "notice")} | {"lang": other}
    html = environment().get_template(template).render(
        request=request, lang=lang, t=Words(lang), reason=partial(reason_in, lang), session=session,
        path=request.url.path, other_lang=other,
        switch_href=f"{request.url.path}?{urlencode(switch)}", **context)
    response = HTMLResponse(html, status_code=status_code, headers=_headers())
    if request.query_params.get("lang") in ("en", "sv"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", path="/")
    return response


def redirect(url: str, *, notice: str | None = None, params: Mapping[str, str] | None = None) -> RedirectResponse:
    """A 303 to ``url`` (after a form's POST), carrying a notice for the next page to show."""
    query = {**(params or {}), **({"notice": notice} if notice else {})}
    return RedirectResponse(f"{url}?{urlencode(query)}" if query else url, status_code=303, headers=_headers())


def _headers() -> dict[str, str]:
    return {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin"}
