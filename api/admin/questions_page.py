"""The console's Questions page: what staff asked that the policies did not answer, grouped by
wording with counts and the closest passages, and the same as CSV for a spreadsheet."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.admin.deps import ConsoleDep
from api.admin.render import page
from api.deps import AssistantDep
from assistant.questions import groups_csv

router = APIRouter(prefix="/admin", include_in_schema=False)
SHOWN = 200  # groups on the page; the CSV has them all


@router.get("/questions")
async def questions_page(request: Request, assistant: AssistantDep, session: ConsoleDep) -> Response:
    groups = await run_in_threadpool(assistant.question_groups)
    return page(request, "questions.html", session=session, groups=groups[:SHOWN], total=len(groups),
                days=assistant.settings.question_log_days)


@router.get("/questions.csv")
async def questions_csv(assistant: AssistantDep, session: ConsoleDep) -> Response:
    groups = await run_in_threadpool(assistant.question_groups)
    return Response(groups_csv(groups), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="unanswered-questions.csv"',
                             "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
