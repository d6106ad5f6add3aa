"""Answers written by an LLM behind an OpenAI-compatible API, cited to the retrieved passages.

The model sees the passages as numbered, delimited sources and is told to cite them as ``[n]``
(``llm_prompt``). Its text is then cleaned, the same way whether it arrives whole or streamed,
and each cited source becomes a citation quoting the passage, never the model (``llm_reply``).
Every upstream failure becomes an ``UpstreamError`` with a short message (``llm_upstream``); the
caller decides whether to fall back. Follow-up questions are rewritten by ``llm_rewrite``.

The names of those modules stay importable from here.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from assistant.answer.base import AnswerContext, AnswerDelta, Answerer, AnswerEvent, AnswerFinal, Passage
from assistant.answer.llm_prompt import (
    MAX_HISTORY_CHARS,
    MAX_HISTORY_TURNS,
    NO_ANSWER,
    REWRITE_PROMPT,
    SYSTEM_PROMPT,
    build_messages,
    source_block,
)
from assistant.answer.llm_reply import (
    MAX_HELD_CHARS,
    Cleaner,
    best_span,
    cite,
    clean_text,
    could_become_no_answer,
    is_no_answer,
)
from assistant.answer.llm_rewrite import MAX_REWRITE_CHARS, QuestionRewriter, RewrittenQuestion, parse_rewrite
from assistant.answer.llm_upstream import StreamedText, UpstreamError, build_client, message_text, upstream_errors
from assistant.models import Answer, Language

if TYPE_CHECKING:  # the SDK takes a second to import: only processes that talk to an LLM pay for it
    import openai
    from openai.types.chat import ChatCompletionChunk

__all__ = [
    "ABSTENTION",
    "MAX_HELD_CHARS",
    "MAX_HISTORY_CHARS",
    "MAX_HISTORY_TURNS",
    "MAX_REWRITE_CHARS",
    "NO_ANSWER",
    "REWRITE_PROMPT",
    "SYSTEM_PROMPT",
    "TRUNCATED_WARNING",
    "UNSUPPORTED_WARNING",
    "LLMAnswerer",
    "QuestionRewriter",
    "RewrittenQuestion",
    "UpstreamError",
    "abstention",
    "best_span",
    "build_client",
    "build_messages",
    "cite",
    "clean_text",
    "parse_rewrite",
    "source_block",
]

ABSTENTION = {"en": "The policies in the corpus do not answer this.", "sv": "Policydokumenten besvarar inte detta."}
UNSUPPORTED_WARNING = "unsupported: the answer cites no source"
TRUNCATED_WARNING = "truncated: the answer reached the token limit"


class LLMAnswerer(Answerer):
    """Asks a chat model to answer from the first ``max_passages`` passages, citing them as ``[n]``.

    Source ``n`` is ``context.passages[n - 1]``; the model's numbers are kept as given (not
    renumbered), so streamed text and the final text are the same.
    """

    def __init__(self, *, client: openai.OpenAI, model: str, max_passages: int = 6, temperature: float = 0.0,
                 max_tokens: int = 600) -> None:
        self._client = client
        self._model = model
        self._max_passages = max_passages
        self._temperature = temperature
        self._max_tokens = max_tokens

    def answer(self, context: AnswerContext) -> Answer:
        """A cited answer, or an abstention when the model replies ``NO_ANSWER``.

        Cost: one chat completion (none when there are no passages). Raises ``UpstreamError``.
        """
        passages = context.passages[:self._max_passages]
        if not passages:
            return abstention(context.language)
        raw, finish_reason = self._complete(build_messages(context, passages))
        if is_no_answer(raw):
            return abstention(context.language)
        cleaner = Cleaner(sources=len(passages))
        text = cleaner.feed(raw) + cleaner.finish()
        return _final_answer(text, passages, context.language, truncated=finish_reason == "length")

    def stream(self, context: AnswerContext) -> Iterator[AnswerEvent]:
        """Cleaned text as it arrives, then ``AnswerFinal`` whose text is the deltas joined.

        An unfinished ``[..`` (or tag, or link) is held back until it closes, so only valid markers
        are emitted, and ``NO_ANSWER`` is never emitted: an abstention is one delta with the
        abstention sentence. Cost: one streamed chat completion (none without passages). Raises
        ``UpstreamError`` when the upstream fails, before or after the first delta.
        """
        passages = context.passages[:self._max_passages]
        if not passages:
            yield from _abstention_events(context.language)
            return
        pieces = StreamedText(self._open_stream(build_messages(context, passages)))
        try:
            head = _read_head(pieces)
            if is_no_answer(head):
                pieces.close()
                yield from _abstention_events(context.language)
                return
            emitted = yield from _cleaned_deltas(head, pieces, sources=len(passages))
        finally:
            pieces.close()  # hang up at once when the reply is not needed or the consumer stops
        yield AnswerFinal(_final_answer(emitted, passages, context.language,
                                        truncated=pieces.finish_reason == "length"))

    def _complete(self, messages: list[dict[str, str]]) -> tuple[str, str | None]:
        with upstream_errors():
            response = self._client.chat.completions.create(
                model=self._model, messages=messages,  # type: ignore[arg-type]
                temperature=self._temperature, max_tokens=self._max_tokens)
        return message_text(response)

    def _open_stream(self, messages: list[dict[str, str]]) -> openai.Stream[ChatCompletionChunk]:
        with upstream_errors():
            return self._client.chat.completions.create(
                model=self._model, messages=messages,  # type: ignore[arg-type]
                temperature=self._temperature, max_tokens=self._max_tokens, stream=True)


def abstention(language: Language) -> Answer:
    """The answer that says the policies do not answer the question."""
    return Answer(answer=ABSTENTION[language], citations=[], abstained=True, mode="llm", language=language)


def _abstention_events(language: Language) -> Iterator[AnswerEvent]:
    answer = abstention(language)
    yield AnswerDelta(answer.answer)
    yield AnswerFinal(answer)


def _final_answer(text: str, passages: Sequence[Passage], language: Language, *, truncated: bool) -> Answer:
    """The answer for cleaned ``text``: one citation per cited source, warnings for what is off."""
    if not text:
        raise UpstreamError("LLM upstream returned an empty answer")
    citations = cite(text, passages)
    warnings = [] if citations else [UNSUPPORTED_WARNING]
    if truncated:
        warnings.append(TRUNCATED_WARNING)
    return Answer(answer=text, citations=citations, abstained=False, mode="llm", language=language,
                  warnings=warnings)


def _read_head(pieces: Iterable[str]) -> str:
    """Raw text up to the point where it is known whether it starts with ``NO_ANSWER``."""
    head = ""
    for piece in pieces:
        head += piece
        if not could_become_no_answer(head):
            break
    return head


def _cleaned_deltas(head: str, pieces: Iterable[str], *, sources: int) -> Generator[AnswerEvent, None, str]:
    """Emits the cleaned text of ``head`` and the remaining pieces; returns the text emitted."""
    cleaner = Cleaner(sources=sources)
    emitted = ""
    for raw in _chain(head, pieces):
        if text := cleaner.feed(raw):
            emitted += text
            yield AnswerDelta(text)
    if text := cleaner.finish():
        emitted += text
        yield AnswerDelta(text)
    return emitted


def _chain(head: str, pieces: Iterable[str]) -> Iterator[str]:
    if head:
        yield head
    yield from pieces
