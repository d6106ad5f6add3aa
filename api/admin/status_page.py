"""The console's Status page, and the work it starts: a rebuild of the index and a measurement of
its quality, each a background job (``assistant.jobs``) so the page answers at once and shows
the job's progress while it runs. A sync started on the Sources pages is such a job too; all
of them are listed here."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from api.admin.deps import ChangeDep, ConsoleDep
from api.admin.i18n import Lang, language_of
from api.admin.manage import back_to_page, duration, error_status, notice_of, problem
from api.admin.reasons import reason_in
from api.admin.render import page, redirect
from api.admin.session import Session
from api.deps import AssistantDep
from api.routes.documents import audit
from assistant.errors import AssistantError
from assistant.facade import PolicyAssistant
from assistant.jobs import Job, JobKind

router = APIRouter(prefix="/admin", include_in_schema=False)
NOTICES = ("job_started",)


@router.get("/status")
def status_page(request: Request, assistant: AssistantDep, session: ConsoleDep) -> Response:
    return _status_page(request, assistant, session)


def _status_page(request: Request, assistant: PolicyAssistant, session: Session, *, status_code: int = 200,
                 refusal: dict[str, str] | None = None) -> Response:
    """The serving index, a running build's progress, where the index is kept (never the
    database's URL), on PostgreSQL every replica's view, the latest quality figures, the jobs
    started from the console, the sources' last runs, and the rebuild and measure buttons."""
    try:
        manifest, index_problem = assistant.manifest, None
    except AssistantError as error:
        manifest, index_problem = None, str(error)
    build = assistant.build_status()
    settings = assistant.settings
    postgres = settings.database_url is not None
    return page(request, "status.html", session=session, status_code=status_code, manifest=manifest,
                index_problem=index_problem, build=build,
                build_times={"eta": duration(build.eta_seconds), "elapsed": duration(build.elapsed_seconds)}
                if build else None, postgres=postgres, index_dir="" if postgres else str(settings.index_dir.resolve()),
                replicas=assistant.replicas() if postgres else [], jobs=assistant.jobs.recent(),
                followed=followed_job(request, assistant), eval_questions=settings.eval_questions,
                quality=assistant.quality.latest(), sources=assistant.sources.statuses(), refusal=refusal,
                notice=notice_of(request, NOTICES))


def start_job(request: Request, assistant: PolicyAssistant, session: Session, kind: JobKind,
              work: Callable[[], str], *, target: str = "", then: str = "/admin/status",
              refused: Callable[[int, dict[str, str]], Response] | None = None) -> Response:
    """Start ``work`` as a job and send the browser to ``then``, which shows it running; while
    another job runs, the refusal (409) on ``refused``'s page (the Status page by default)."""
    try:
        job = assistant.jobs.start(kind, work, started_by=session.caller.name, target=target)
    except AssistantError as error:
        reason = problem(f"{kind}_refused", str(error))
        if refused is not None:
            return refused(error_status(error), reason)
        return _status_page(request, assistant, session, status_code=error_status(error), refusal=reason)
    return redirect(then, notice=f"job_started:{job.number}")


def followed_job(request: Request, assistant: PolicyAssistant) -> Job | None:
    """The job a page follows: the one its ``job_started`` notice names, running or (if it was
    quick) already ended; else the one running now."""
    notice = notice_of(request, NOTICES)
    number = notice.partition(":")[2] if notice else ""
    named = next((job for job in assistant.jobs.recent() if str(job.number) == number), None)
    return named or assistant.jobs.running()


@router.post("/status/rebuild")
def rebuild(request: Request, assistant: AssistantDep, session: ChangeDep) -> Response:
    """Build a new index version from the documents and switch to it (as ``POST
    /v1/index/rebuild``), as a job; audited with the version when it is serving."""
    def work() -> str:
        manifest = assistant.build_index()
        audit(assistant, session.caller, "rebuild", manifest.version)
        return manifest.version

    return start_job(request, assistant, session, "rebuild", work)


@router.post("/status/evaluate")
def evaluate(request: Request, assistant: AssistantDep, session: ChangeDep) -> Response:
    """Measure the serving index against the configured evaluation set, as a job; the figures
    replace the page's previous ones. Refused (422) when no set is configured."""
    if assistant.settings.eval_questions is None:
        return _status_page(request, assistant, session, status_code=422,
                            refusal=problem("evaluate_refused", "ASSISTANT_EVAL_QUESTIONS is not set"))

    def work() -> str:
        figures = assistant.measure_quality()
        audit(assistant, session.caller, "quality measured", figures.summary())
        return figures.summary()

    return start_job(request, assistant, session, "evaluate", work)


@router.get("/jobs/latest")
def latest_job(request: Request, assistant: AssistantDep, session: ConsoleDep) -> JSONResponse:
    """The newest job, for the script that follows one from a page: its kind, target, outcome,
    result (a failure's reason in the page's language), and while a build runs the texts embedded
    of those to embed; ``{}`` when none ran."""
    job = assistant.jobs.recent()[:1]
    shown = _as_json(job[0], assistant, language_of(request)) if job else {}
    return JSONResponse(shown, headers={"Cache-Control": "no-store"})


def _as_json(job: Job, assistant: PolicyAssistant, lang: Lang) -> dict[str, object]:
    build = assistant.build_status() if job.outcome == "running" else None
    result = reason_in(lang, job.result) if job.outcome == "failed" else job.result
    return {"number": job.number, "kind": job.kind, "target": job.target, "outcome": job.outcome,
            "result": result, "done": build.done if build else None, "total": build.total if build else None}


router.add_api_route("/status/rebuild", back_to_page, methods=["GET"])
router.add_api_route("/status/evaluate", back_to_page, methods=["GET"])
