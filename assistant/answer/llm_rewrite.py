"""Rewriting a follow-up question: standalone, and in Swedish for retrieval when it is English.

The model is asked once for a small JSON object; its reply is read defensively (fenced, wrapped
in prose, missing or overlong fields), and anything unusable is an ``UpstreamError``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.answer.llm_prompt import REWRITE_PROMPT, rewrite_request
from assistant.answer.llm_upstream import UpstreamError, message_text, upstream_errors
from assistant.models import ChatTurn, Language

if TYPE_CHECKING:  # the SDK takes a second to import: only processes that talk to an LLM pay for it
    import openai

MAX_REWRITE_CHARS = 1000


@dataclass(frozen=True, slots=True)
class RewrittenQuestion:
    """A follow-up made standalone, and its Swedish version for retrieval (``None`` if Swedish)."""

    standalone: str
    swedish: str | None


class QuestionRewriter:
    """Makes a follow-up question standalone and gives a Swedish version of an English question."""

    def __init__(self, *, client: openai.OpenAI, model: str) -> None:
        self._client = client
        self._model = model

    def rewrite(self, question: str, *, history: Sequence[ChatTurn], language: Language) -> RewrittenQuestion:
        """Ask the model once for ``{"standalone": ..., "swedish": ...}``.

        ``swedish`` is ``None`` for a Swedish question. Cost: one chat completion; none for a
        Swedish question without history (there is nothing to do). Raises ``UpstreamError`` when
        the upstream fails or the reply is not such an object.
        """
        if not history and language == "sv":
            return RewrittenQuestion(standalone=question, swedish=None)
        messages = [{"role": "system", "content": REWRITE_PROMPT},
                    {"role": "user", "content": rewrite_request(question, history, language)}]
        with upstream_errors():
            response = self._client.chat.completions.create(
                model=self._model, messages=messages, temperature=0.0, max_tokens=300)  # type: ignore[arg-type]
        return parse_rewrite(message_text(response)[0], language=language)


def parse_rewrite(text: str, *, language: Language) -> RewrittenQuestion:
    """The rewritten question in the model's ``text``: a JSON object, possibly fenced or wrapped in
    prose. Raises ``UpstreamError`` when there is none or ``standalone`` is missing."""
    data = _json_object(text)
    standalone = _text_field(data, "standalone")
    if standalone is None:
        raise UpstreamError("LLM upstream sent an unusable rewrite")
    return RewrittenQuestion(standalone=standalone,
                             swedish=_text_field(data, "swedish") if language == "en" else None)


def _json_object(text: str) -> dict[str, Any]:
    """The outermost ``{...}`` in ``text`` as a dict; empty when there is none."""
    start, end = text.find("{"), text.rfind("}")
    try:
        data = json.loads(text[start:end + 1]) if 0 <= start < end else None
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _text_field(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_REWRITE_CHARS:
        return None
    return value.strip()
