"""The admin console at ``/admin``: server-rendered pages (Jinja2) over the same facade as the API,
signed in with a key held in a session cookie. ``install_console(app)`` adds it to an app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.admin import manage, pages, questions_page, sources_pages, status_page
from api.admin.deps import install_console_errors
from api.admin.render import TEMPLATES


def install_console(app: FastAPI) -> None:
    app.include_router(pages.router)
    app.include_router(pages.staff)
    app.include_router(manage.router)
    app.include_router(sources_pages.router)
    app.include_router(status_page.router)
    app.include_router(questions_page.router)
    app.mount("/admin/static", StaticFiles(directory=TEMPLATES.parent / "static"), name="admin-static")
    install_console_errors(app)
