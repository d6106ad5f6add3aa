"""The console's Sources pages: every source with its schedule and last run, one source's latest
runs, and adding, syncing and removing sources, through the same ``assistant.sources`` calls and
audit entries as ``api/routes/sources.py``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.admin.deps import ChangeDep, ConsoleDep
from api.admin.manage import back_to_page, error_status, notice_of, problem, split_list, validation_problem
from api.admin.render import page, redirect
from api.admin.session import Session
from api.admin.status_page import start_job
from api.deps import AssistantDep
from api.routes.documents import audit
from api.routes.sources import SourceRequest
from assistant.errors import AssistantError
from assistant.facade import PolicyAssistant

router = APIRouter(prefix="/admin", include_in_schema=False)


class SyncFailedError(AssistantError):
    """A sync that could read nothing of its source (its report says why)."""


RUNS_SHOWN = 20
NOTICES = ("source_added", "source_removed", "job_started")
EMPTY_FORM = {"name": "", "location": "", "groups": "", "every": "", "include": "", "exclude": ""}


@router.get("/sources")
def sources_page(request: Request, assistant: AssistantDep, session: ConsoleDep) -> Response:
    return _sources_page(request, assistant, session)


def _sources_page(request: Request, assistant: PolicyAssistant, session: Session, *, status_code: int = 200,
                  refusal: dict[str, str] | None = None, form: dict[str, str] | None = None) -> Response:
    return page(request, "sources.html", session=session, status_code=status_code,
                sources=assistant.sources.statuses(), refusal=refusal, form=form or EMPTY_FORM,
                notice=notice_of(request, NOTICES))


@router.get("/sources/{name}")
def source_page(name: str, request: Request, assistant: AssistantDep, session: ConsoleDep) -> Response:
    """One source's configuration and its latest runs, newest first."""
    try:
        status = assistant.sources.status(assistant.sources.get(name))
        runs = assistant.sources.runs(name, limit=RUNS_SHOWN)
    except AssistantError as error:
        return page(request, "source.html", session=session, status_code=error_status(error), item=None, runs=[],
                    refusal=problem("not_found", str(error)), notice=None)
    job = next((j for j in assistant.jobs.recent() if j.kind == "sync" and j.target == name), None)
    return page(request, "source.html", session=session, item=status, runs=runs, refusal=None, job=job,
                notice=notice_of(request, NOTICES))


@router.post("/sources")
def add_source(request: Request, assistant: AssistantDep, session: ChangeDep, name: Annotated[str, Form()] = "",
               location: Annotated[str, Form()] = "", groups: Annotated[str, Form()] = "",
               every: Annotated[str, Form()] = "", include: Annotated[str, Form()] = "",
               exclude: Annotated[str, Form()] = "") -> Response:
    """Add a source, checked as ``POST /v1/sources`` checks it; nothing is read until it syncs. A
    refusal (422 bad input, 409 a name in use) is the Sources page with the reason and the form
    as typed."""
    typed = {"name": name, "location": location, "groups": groups, "every": every, "include": include,
             "exclude": exclude}
    try:
        body = SourceRequest(name=name.strip(), location=location.strip(), groups=split_list(groups),
                             every=every.strip() or None, include=split_list(include), exclude=split_list(exclude))
        config = assistant.sources.add(body.name, body.location, groups=body.groups, every=body.every,
                                       include=body.include, exclude=body.exclude)
    except ValidationError as error:
        return _sources_page(request, assistant, session, status_code=422, form=typed,
                             refusal=problem("add_refused", validation_problem(error)))
    except AssistantError as error:
        return _sources_page(request, assistant, session, status_code=error_status(error), form=typed,
                             refusal=problem("add_refused", str(error)))
    audit(assistant, session.caller, "source added", f"{config.name} ({config.kind.value} {config.location})")
    return redirect("/admin/sources", notice=f"source_added:{config.name}")


@router.post("/sources/{name}/sync")
def sync_source(name: str, request: Request, assistant: AssistantDep, session: ChangeDep) -> Response:
    """Sync now, as a job: the browser goes to the source's page, which follows the job and then
    shows the run as the source's latest. 404 for no such source, 409 while another job runs (a
    scheduled sync running makes the job fail with the reason)."""
    try:
        assistant.sources.get(name)
    except AssistantError as error:
        return _sources_page(request, assistant, session, status_code=error_status(error),
                             refusal=problem("sync_refused", str(error)))

    def work() -> str:
        [report] = assistant.sources.sync(name)
        audit(assistant, session.caller, "source synced", report.summary())
        if report.status == "failed":
            raise SyncFailedError(report.summary())
        return report.summary()

    def refused(status_code: int, reason: dict[str, str]) -> Response:
        return _sources_page(request, assistant, session, status_code=status_code, refusal=reason)

    return start_job(request, assistant, session, "sync", work, target=name,
                     then=f"/admin/sources/{quote(name, safe='')}", refused=refused)


@router.post("/sources/{name}/remove")
def remove_source(name: str, request: Request, assistant: AssistantDep, session: ChangeDep) -> Response:
    """Remove a source and its documents (one index change); 404 / 409 as for a sync."""
    try:
        removed = assistant.sources.remove(name)
    except AssistantError as error:
        return _sources_page(request, assistant, session, status_code=error_status(error),
                             refusal=problem("remove_refused", str(error)))
    audit(assistant, session.caller, "source removed", f"{name} ({len(removed)} documents)")
    return redirect("/admin/sources", notice=f"source_removed:{name}")


router.add_api_route("/sources/{name}/sync", back_to_page, methods=["GET"])
router.add_api_route("/sources/{name}/remove", back_to_page, methods=["GET"])
