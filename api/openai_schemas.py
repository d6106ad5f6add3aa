"""Bodies of the OpenAI-compatible API (``api.routes.openai_compat``), in OpenAI's field names.

Requests accept and ignore fields this API does not use (``temperature``, ``tools``, ``seed``, …), as
OpenAI clients send many; only the fields read here are validated. Responses add two fields of
their own at the top level, ``citations`` and ``policy_assistant``; OpenAI clients keep unknown
fields (``response.model_extra`` in the ``openai`` SDK).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Citation, Filters, Language

MODEL_ID = "policy-assistant"

Role = Literal["system", "developer", "user", "assistant", "tool", "function"]


# --- requests ---------------------------------------------------------------------------------


class ContentPart(BaseModel):
    """One part of a multi-part message; only ``text`` parts are read."""

    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    """One message of the conversation. ``content`` may be a string or a list of parts."""

    model_config = ConfigDict(extra="allow")

    role: Role
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        """The message's text: the string, or its ``text`` parts joined by newlines. Cost: O(length)."""
        if isinstance(self.content, str):
            return self.content
        parts = self.content or []
        return "\n".join(part.text for part in parts if part.type == "text" and part.text)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """``POST /v1/chat/completions``. The last user message is the question."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"model": MODEL_ID, "messages": [{"role": "user", "content": "Who owns housing goals?"}]},
        {"model": MODEL_ID, "stream": True, "messages": [{"role": "user", "content": "Vem ansvarar för boende?"}]}]})

    model: str | None = Field(None, description=f"Echoed in the response; any value is served by {MODEL_ID!r}.")
    messages: list[ChatMessage] = Field(min_length=1, description="The conversation, oldest first.")
    stream: bool = Field(False, description="Answer as Server-Sent Events of chat.completion.chunk objects.")
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(None, description="Accepted and ignored.")
    max_tokens: int | None = Field(None, description="Accepted and ignored.")
    user: str | None = Field(None, description="Accepted and ignored.")
    filters: Filters | None = Field(None, description="Extension: restrict retrieval to a municipality or document.")


# --- responses --------------------------------------------------------------------------------


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class Usage(BaseModel):
    """Token counts estimated from text length (about four characters a token), not measured."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class PolicyAssistantInfo(BaseModel):
    """The answer's own metadata, as in ``POST /v1/ask``."""

    abstained: bool
    mode: Literal["extractive", "llm"]
    language: Language
    warnings: list[str]


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    """A whole answer: ``choices[0].message.content`` with its ``[n]`` markers, and ``citations``."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    citations: list[Citation]
    policy_assistant: PolicyAssistantInfo


class ChunkDelta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: ChunkDelta
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    """One stream event. The last one with a choice has ``finish_reason`` and the citations."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    citations: list[Citation] | None = None
    policy_assistant: PolicyAssistantInfo | None = None


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    """Every error of the OpenAI-compatible routes: ``{"error": {"message", "type", "param", "code"}}``."""

    error: ErrorDetail
