"""Talking to an OpenAI-compatible chat server: the client, and its replies read defensively.

Every upstream failure (timeout, connection, rate limit, HTTP error, malformed reply) becomes an
``UpstreamError`` with a short message that never holds the API key or the server's URL. The
``openai`` SDK is imported only inside the functions that need it (it takes a second to import),
so importing this module is cheap.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from assistant.errors import AssistantError

if TYPE_CHECKING:  # the SDK takes a second to import: only processes that talk to an LLM pay for it
    import openai
    from openai.types.chat import ChatCompletionChunk


class UpstreamError(AssistantError):
    """The LLM server failed, timed out, rate-limited us or answered nonsense.

    The message is short and safe to show: it never holds the API key or the server's URL.
    """


@contextmanager
def upstream_errors() -> Iterator[None]:
    """Turns what the openai client raises into ``UpstreamError`` with a short, key-free message."""
    try:
        yield
    except Exception as error:
        message = _upstream_message(error)
        if message is None:
            raise
        raise UpstreamError(message) from error


def _upstream_message(error: BaseException) -> str | None:
    """A short message for an upstream failure; ``None`` for anything else (a bug, not upstream)."""
    import openai

    if isinstance(error, openai.APITimeoutError):
        return "LLM upstream timed out"
    if isinstance(error, openai.APIConnectionError):
        return "LLM upstream unreachable"
    if isinstance(error, openai.RateLimitError):
        return "LLM upstream rate limited (429)"
    if isinstance(error, openai.APIStatusError):
        return f"LLM upstream failed (HTTP {error.status_code})"
    if isinstance(error, openai.APIResponseValidationError | json.JSONDecodeError):
        return "LLM upstream sent a malformed response"
    if isinstance(error, openai.OpenAIError):
        return "LLM upstream reported an error"
    return None


def message_text(response: object) -> tuple[str, str | None]:
    """The content and finish reason of a completion; ``UpstreamError`` when there is none."""
    # The client does not validate replies, so a malformed one arrives as a bare value or a model
    # with missing fields: read it defensively.
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise UpstreamError("LLM upstream sent no choices")
    content = getattr(getattr(choices[0], "message", None), "content", None)
    if not isinstance(content, str) or not content.strip():
        raise UpstreamError("LLM upstream returned an empty answer")
    finish_reason = getattr(choices[0], "finish_reason", None)
    return content, finish_reason if isinstance(finish_reason, str) else None


class StreamedText:
    """The content pieces of a streamed completion, with upstream failures as ``UpstreamError``."""

    def __init__(self, stream: openai.Stream[ChatCompletionChunk]) -> None:
        self._stream = stream
        self._pieces = self._read()
        self.finish_reason: str | None = None

    def __iter__(self) -> Iterator[str]:
        return self._pieces

    def close(self) -> None:
        """Hang up; called when the rest of the reply is not needed. Idempotent."""
        self._pieces.close()
        self._stream.close()

    def _read(self) -> Iterator[str]:
        with upstream_errors():
            try:
                for chunk in self._stream:
                    yield from self._content(chunk)
            finally:
                self._stream.close()

    def _content(self, chunk: object) -> Iterator[str]:
        choices = getattr(chunk, "choices", None)
        if not isinstance(choices, list) or not choices:
            return  # e.g. a usage-only chunk
        reason = getattr(choices[0], "finish_reason", None)
        if isinstance(reason, str):
            self.finish_reason = reason
        content = getattr(getattr(choices[0], "delta", None), "content", None)
        if isinstance(content, str) and content:
            yield content


def build_client(*, base_url: str, api_key: str, timeout_seconds: float) -> openai.OpenAI:
    """An OpenAI client for ``base_url`` with one retry and ``timeout_seconds`` per read.

    No request is made here. A failing request costs at most about twice the timeout plus the
    client's backoff (or the server's ``Retry-After``, which the client honours up to 120 s).
    """
    import openai

    timeout = openai.Timeout(timeout_seconds, connect=min(5.0, timeout_seconds))
    return openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=1)
