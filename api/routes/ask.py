"""Answers: ``POST /v1/ask`` (one JSON answer) and ``POST /v1/ask/stream`` (Server-Sent Events).

The stream sends ``delta`` events with answer text, one ``citations`` event, then ``done`` with the
rest of the answer (its full text included, for clients that render only the final state), or an
``error`` event. When the client disconnects, the answer's iterator is closed, which closes the
upstream LLM request.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Iterator

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.observability import MetricsDep
from api.schemas import AskRequest
from api.security import READER, ReaderDep
from assistant.answer.base import AnswerDelta, AnswerEvent, AnswerFinal
from assistant.models import Answer

router = APIRouter(prefix="/v1", tags=["answers"], dependencies=[READER])
logger = logging.getLogger(__name__)
_END = object()


@router.post("/ask", response_model=Answer)
def ask(body: AskRequest, assistant: AssistantDep, metrics: MetricsDep, caller: ReaderDep) -> Answer:
    """An answer with numbered citations, in the question's language; abstains when the policies
    are silent."""
    started = time.perf_counter()
    answer = assistant.ask(body.question, history=body.history, filters=body.filters, viewer=caller.viewer)
    metrics.observe_answer(answer, seconds=time.perf_counter() - started)
    return answer


@router.post("/ask/stream", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}, "description": "delta*, citations, done"}})
async def ask_stream(body: AskRequest, assistant: AssistantDep, request: Request,
                     caller: ReaderDep) -> StreamingResponse:
    """The same answer as Server-Sent Events. Bad input is refused with a 4xx before streaming."""
    events = await run_in_threadpool(lambda: assistant.ask_stream(body.question, body.history, body.filters,
                                                                  viewer=caller.viewer))
    return StreamingResponse(_sse(events, request), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _sse(events: Iterator[AnswerEvent], request: Request) -> AsyncIterator[str]:
    try:
        while not await request.is_disconnected():
            # Not cancellable: when the client goes away mid-call, this waits for the call to
            # return, so that the iterator is idle and can be closed below.
            event = await run_in_threadpool(next, events, _END)
            if event is _END:
                return
            for name, data in _frames(event):  # type: ignore[arg-type]
                yield f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
    except Exception:  # the stream has started: report in-band, never as a broken connection
        logger.exception("answer stream failed")
        yield f"event: error\ndata: {json.dumps({'message': 'the answer could not be completed'})}\n\n"
    finally:
        # Shielded: on a disconnect this code runs inside a cancelled scope, and the upstream
        # request is only released when the iterator is closed.
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_close, events)


def _frames(event: AnswerEvent) -> list[tuple[str, object]]:
    if isinstance(event, AnswerDelta):
        return [("delta", {"text": event.text})]
    assert isinstance(event, AnswerFinal)
    answer = event.answer
    return [("citations", [citation.model_dump() for citation in answer.citations]),
            ("done", answer.model_dump(exclude={"citations"}))]


def _close(events: Iterator[AnswerEvent]) -> None:
    close = getattr(events, "close", None)
    if close is not None:
        close()
