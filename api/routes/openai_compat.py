"""An OpenAI-compatible API, so that OpenAI clients and chat front ends can use the assistant as a model.

``GET /v1/models`` lists one model, ``policy-assistant``; ``POST /v1/chat/completions`` answers the
last user message, with the earlier user and assistant messages as the conversation's history
(system, developer and tool messages are ignored). Responses are OpenAI's ``chat.completion`` (or,
with ``stream: true``, ``chat.completion.chunk`` events ending in ``data: [DONE]``) plus two
top-level fields: ``citations`` (as in ``/v1/ask``) and ``policy_assistant`` (``abstained``,
``mode``, ``language``, ``warnings``); a stream carries them on its last chunk with a choice.

Every error of these routes, bad input included, has OpenAI's shape, which OpenAI clients turn into
their own exceptions: ``{"error": {"message", "type", "param", "code"}}``, with status 400 for bad
input (``type`` ``invalid_request_error``), 404 for an unknown model, 503 while no index is ready;
an HTTP error raised by a dependency (401 for a missing API key, say) keeps its status and headers.
Once a stream has started, a failure is sent in-band as one ``data: {"error": ...}`` event.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from api.deps import AssistantDep
from api.openai_schemas import (
    MODEL_ID,
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ChatMessage,
    Choice,
    ChunkChoice,
    ChunkDelta,
    ErrorDetail,
    ErrorResponse,
    ModelCard,
    ModelList,
    PolicyAssistantInfo,
    Usage,
)
from api.security import READER, ReaderDep
from assistant.answer.base import AnswerDelta, AnswerEvent, AnswerFinal
from assistant.errors import AssistantError, IndexNotReadyError, InvalidRequestError, UnknownFilterError
from assistant.models import Answer, ChatTurn
from assistant.validation import MAX_QUERY_CHARS

logger = logging.getLogger(__name__)

_CREATED = int(time.time())  # the model's creation time: when this server process loaded the API
_CHARS_PER_TOKEN = 4
_END = object()
_HTTP_ERROR_TYPES = {401: "authentication_error", 403: "permission_error", 404: "not_found_error",
                     429: "rate_limit_error"}


# --- errors in OpenAI's shape -------------------------------------------------------------------


class OpenAIError(Exception):
    """A refusal of these routes, rendered as ``{"error": {"message", "type", "param", "code"}}``."""

    def __init__(self, message: str, *, status: int = 400, type: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.detail = ErrorDetail(message=message, type=type, param=param, code=code)

    def response(self, *, headers: Mapping[str, str] | None = None) -> JSONResponse:
        return JSONResponse(ErrorResponse(error=self.detail).model_dump(), status_code=self.status, headers=headers)


class _OpenAIErrorRoute(APIRoute):
    """Turns request validation, the assistant's refusals and HTTP errors raised by dependencies
    (an API key check, say) into OpenAI-shaped errors, for this router only (the rest of the API
    keeps ``{"detail": ...}``). Cost: one try block per request."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                return _from_validation(error).response()
            except OpenAIError as error:
                return error.response()
            except AssistantError as error:
                return _from_assistant(error).response()
            except HTTPException as error:
                return _from_http(error).response(headers=error.headers)

        return handle


def _from_validation(error: RequestValidationError) -> OpenAIError:
    problems, params = [], []
    for item in error.errors():
        where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        if item.get("type") == "json_invalid":
            problems.append(f"the body is not valid JSON: {item.get('ctx', {}).get('error', 'decode error')}")
            continue
        params.append(where)
        problems.append(f"{where}: {item.get('msg', 'invalid')}" if where else str(item.get("msg")))
    return OpenAIError("; ".join(problems), param=params[0] if params else None)


def _from_http(error: HTTPException) -> OpenAIError:
    kind = _HTTP_ERROR_TYPES.get(error.status_code, "server_error" if error.status_code >= 500 else
                                 "invalid_request_error")
    return OpenAIError(str(error.detail), status=error.status_code, type=kind)


def _from_assistant(error: AssistantError) -> OpenAIError:
    if isinstance(error, UnknownFilterError):
        return OpenAIError(f"filters: {error}", param=f"filters.{error.field}", code="unknown_filter")
    if isinstance(error, InvalidRequestError):
        return OpenAIError(str(error))
    if isinstance(error, IndexNotReadyError):
        return OpenAIError(str(error), status=503, type="service_unavailable_error")
    logger.error("request failed: %s", error)
    return OpenAIError("the request could not be completed", status=500, type="server_error")


router = APIRouter(prefix="/v1", tags=["openai-compatible"], route_class=_OpenAIErrorRoute, dependencies=[READER],
                   responses={400: {"model": ErrorResponse, "description": "Bad input, named in error.message"}})


# --- models -----------------------------------------------------------------------------------


@router.get("/models", response_model=ModelList)
def list_models() -> ModelList:
    """The one model this server answers as. Cost: none."""
    return ModelList(data=[_model_card()])


@router.get("/models/{model_id}", response_model=ModelCard,
            responses={404: {"model": ErrorResponse, "description": "No such model"}})
def retrieve_model(model_id: str) -> ModelCard:
    """``policy-assistant``, or a 404 naming the model asked for. Cost: none."""
    if model_id != MODEL_ID:
        raise OpenAIError(f"the model {model_id!r} does not exist; this server has {MODEL_ID!r}", status=404,
                          param="model", code="model_not_found")
    return _model_card()


def _model_card() -> ModelCard:
    return ModelCard(id=MODEL_ID, created=_CREATED, owned_by=MODEL_ID)


# --- chat completions -------------------------------------------------------------------------


@router.post("/chat/completions", response_model=ChatCompletion,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "chat.completion, or with stream: chat.completion.chunk events"}})
async def chat_completions(body: ChatCompletionRequest, assistant: AssistantDep,
                           request: Request, caller: ReaderDep) -> ChatCompletion | Response:
    """Answer the last user message with numbered citations, as OpenAI's chat completion.

    Bad input (no user message, an empty one, more history turns than the assistant accepts, an
    unknown filter) is a 400 before anything is streamed. Cost: one ``PolicyAssistant.ask`` (or
    ``ask_stream``), run in the threadpool.
    """
    question, history = conversation(body.messages, max_turns=assistant.settings.max_history_turns)
    stamp = _Stamp.new(body.model or MODEL_ID, prompt_tokens=sum(estimate_tokens(m.text()) for m in body.messages))
    if not body.stream:
        answer = await run_in_threadpool(lambda: assistant.ask(question, history, body.filters, viewer=caller.viewer))
        return _completion(answer, stamp)
    events = await run_in_threadpool(lambda: assistant.ask_stream(question, history, body.filters,
                                                                  viewer=caller.viewer))
    include_usage = body.stream_options is not None and body.stream_options.include_usage
    stream = _StreamState(stamp=stamp, include_usage=include_usage)
    return StreamingResponse(_sse(events, request, stream), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def conversation(messages: Sequence[ChatMessage], *, max_turns: int) -> tuple[str, list[ChatTurn]]:
    """The question (the last user message's text) and the history (the last ``max_turns`` user and
    assistant messages with text before it, oldest first). Raises ``OpenAIError`` naming what is wrong.
    Cost: O(total message length)."""
    users = [index for index, message in enumerate(messages) if message.role == "user"]
    if not users:
        raise OpenAIError("messages has no user message; the last user message is the question", param="messages")
    last = users[-1]
    question = messages[last].text().strip()
    if not question:
        raise OpenAIError(f"messages.{last}: the last user message is empty", param=f"messages.{last}.content")
    if len(question) > MAX_QUERY_CHARS:
        raise OpenAIError(f"messages.{last}: the last user message is longer than {MAX_QUERY_CHARS} characters",
                          param=f"messages.{last}.content")
    history = [ChatTurn(role="user" if message.role == "user" else "assistant", content=text)
               for message in messages[:last]
               if message.role in ("user", "assistant") and (text := message.text().strip())]
    # Chat front ends (Open WebUI, LibreChat) send the whole conversation every time: keep its end.
    return question, history[-max_turns:] if max_turns else []


def estimate_tokens(text: str) -> int:
    """About four characters a token, rounded up; a length estimate, not a tokenizer. Cost: O(1)."""
    return -(-len(text) // _CHARS_PER_TOKEN)


@dataclass(frozen=True, slots=True)
class _Stamp:
    """What every response or chunk of one completion shares."""

    id: str
    created: int
    model: str
    prompt_tokens: int

    @classmethod
    def new(cls, model: str, *, prompt_tokens: int) -> _Stamp:
        return cls(id=f"chatcmpl-{uuid.uuid4().hex}", created=int(time.time()), model=model,
                   prompt_tokens=prompt_tokens)

    def usage(self, completion: str) -> Usage:
        completion_tokens = estimate_tokens(completion)
        return Usage(prompt_tokens=self.prompt_tokens, completion_tokens=completion_tokens,
                     total_tokens=self.prompt_tokens + completion_tokens)


def _completion(answer: Answer, stamp: _Stamp) -> ChatCompletion:
    return ChatCompletion(id=stamp.id, created=stamp.created, model=stamp.model,
                          choices=[Choice(message=AssistantMessage(content=answer.answer))],
                          usage=stamp.usage(answer.answer), citations=answer.citations,
                          policy_assistant=_info(answer))


def _info(answer: Answer) -> PolicyAssistantInfo:
    return PolicyAssistantInfo(abstained=answer.abstained, mode=answer.mode, language=answer.language,
                               warnings=answer.warnings)


# --- streaming --------------------------------------------------------------------------------


@dataclass(slots=True)
class _StreamState:
    """Turns answer events into ``data:`` frames, remembering the text already sent."""

    stamp: _Stamp
    include_usage: bool
    sent: str = field(default="")

    def opening(self) -> str:
        return self._frame([ChunkChoice(index=0, delta=ChunkDelta(role="assistant"), finish_reason=None)])

    def frames(self, event: AnswerEvent) -> list[str]:
        if isinstance(event, AnswerDelta):
            return [self._content(event.text)] if event.text else []
        assert isinstance(event, AnswerFinal)
        answer = event.answer
        rest = catch_up(self.sent, answer.answer)
        frames = [self._content(rest)] if rest else []
        stop = ChunkChoice(index=0, delta=ChunkDelta(), finish_reason="stop")
        frames.append(self._frame([stop], citations=answer.citations, policy_assistant=_info(answer)))
        if self.include_usage:
            frames.append(self._frame([], usage=self.stamp.usage(self.sent)))
        return [*frames, "data: [DONE]\n\n"]

    def _content(self, text: str) -> str:
        self.sent += text
        return self._frame([ChunkChoice(index=0, delta=ChunkDelta(content=text), finish_reason=None)])

    def _frame(self, choices: list[ChunkChoice], **extra: Any) -> str:
        stamp = self.stamp
        chunk = ChatCompletionChunk(id=stamp.id, object="chat.completion.chunk", created=stamp.created,
                                    model=stamp.model, choices=choices, **extra)
        # exclude_unset: a delta has only the keys it sets; finish_reason is always set, null or not.
        return f"data: {chunk.model_dump_json(exclude_unset=True)}\n\n"


def catch_up(sent: str, final: str) -> str:
    """The text still to send so that what the client shows ends with ``final``.

    Normally the deltas are the final text, and this is what (if anything) is missing at its end.
    When they diverge (the LLM failed mid-stream and the extractive answer replaced it), the whole
    final answer follows what was sent, after a blank line; its warnings say why. Cost: O(length).
    """
    if final.startswith(sent):
        return final[len(sent):]
    return f"\n\n{final}"


async def _sse(events: Iterator[AnswerEvent], request: Request, state: _StreamState) -> AsyncIterator[str]:
    try:
        yield state.opening()
        while not await request.is_disconnected():
            # Not cancellable: when the client goes away mid-call, this waits for the call to
            # return, so that the iterator is idle and can be closed below.
            event = await run_in_threadpool(next, events, _END)
            if event is _END:
                return
            for frame in state.frames(event):  # type: ignore[arg-type]
                yield frame
    except Exception:  # the stream has started: report in-band, never as a broken connection
        logger.exception("chat completion stream failed")
        error = ErrorResponse(error=ErrorDetail(message="the answer could not be completed", type="server_error"))
        yield f"data: {error.model_dump_json()}\n\n"
    finally:
        # Shielded: on a disconnect this code runs inside a cancelled scope, and the upstream
        # request is only released when the iterator is closed.
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_close, events)


def _close(events: Iterator[AnswerEvent]) -> None:
    close = getattr(events, "close", None)
    if close is not None:
        close()
