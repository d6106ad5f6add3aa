"""The OpenAI-compatible API, driven by the official ``openai`` SDK over real HTTP: the app is served
by uvicorn on a loopback port, answering extractively (the session assistant) or with an LLM (the
loopback OpenAI stub as its upstream)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import httpx
import openai
import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_assistant
from api.routes.openai_compat import catch_up
from api.server import serve_in_background
from assistant.answer.llm import LLMAnswerer, QuestionRewriter, build_client
from assistant.facade import LLM, PolicyAssistant
from tests.answer.openai_stub import MODEL, Reply, StubServer, answer_with, stall_mid_stream

QUESTION = "Who owns housing goals?"
OWNER = "Chef kvalitet och strategisk utveckling"
CITATION_FIELDS = {"n", "chunk_id", "document_id", "title", "municipality", "section", "quote", "start", "end",
                   "before", "after", "page", "source_url", "url"}
UPSTREAM_TIMEOUT = 1.0


def serving(assistant: PolicyAssistant) -> AbstractContextManager[str]:
    """The HTTP app on a real loopback port, stopped on exit."""
    return serve_in_background(create_app(assistant))


def sdk(served: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{served}/v1", api_key="unused", max_retries=0, timeout=20)


def markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


@pytest.fixture(scope="module")
def served(assistant: PolicyAssistant) -> Iterator[str]:
    with serving(assistant) as url:
        yield url


@pytest.fixture(scope="module")
def client(served: str) -> openai.OpenAI:
    return sdk(served)


@pytest.fixture(scope="module")
def stub() -> Iterator[StubServer]:
    server = StubServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def llm_served(assistant: PolicyAssistant, stub: StubServer) -> Iterator[str]:
    """The app over an assistant whose LLM is the loopback stub (wired as in test_ask_with_llm)."""
    upstream = build_client(base_url=stub.base_url, api_key="sk-test", timeout_seconds=UPSTREAM_TIMEOUT)
    llm = LLM(answerer=LLMAnswerer(client=upstream, model=MODEL),
              rewriter=QuestionRewriter(client=upstream, model=MODEL))
    with_llm = PolicyAssistant(settings=assistant.settings, embedder=assistant.embedder,
                               glossary=assistant.glossary, llm=llm)
    with serving(with_llm) as url:
        yield url


@pytest.fixture
def llm_client(llm_served: str, stub: StubServer) -> openai.OpenAI:
    stub.reset()
    return sdk(llm_served)


# --- models ------------------------------------------------------------------------------------


def test_the_assistant_is_listed_as_the_one_model(client: openai.OpenAI) -> None:
    models = client.models.list()
    assert [(m.id, m.object, m.owned_by) for m in models.data] == [("policy-assistant", "model", "policy-assistant")]
    assert isinstance(models.data[0].created, int)
    assert client.models.retrieve("policy-assistant").id == "policy-assistant"
    with pytest.raises(openai.NotFoundError, match="gpt-4o"):
        client.models.retrieve("gpt-4o")


# --- extractive answers ------------------------------------------------------------------------


def test_a_completion_is_the_cited_answer(client: openai.OpenAI, assistant: PolicyAssistant) -> None:
    response = client.chat.completions.create(
        model="policy-assistant", temperature=0.2, max_tokens=200, user="staff-1",
        messages=[{"role": "system", "content": "You are helpful."}, {"role": "user", "content": QUESTION}],
        extra_body={"a_future_openai_field": {"ignored": True}})
    assert response.id.startswith("chatcmpl-") and response.object == "chat.completion"
    assert response.model == "policy-assistant" and isinstance(response.created, int)
    [choice] = response.choices
    assert (choice.index, choice.finish_reason, choice.message.role) == (0, "stop", "assistant")
    content = choice.message.content or ""
    assert OWNER in content and content == assistant.ask(QUESTION).answer
    citations = response.model_extra["citations"]
    assert all(set(c) == CITATION_FIELDS for c in citations)
    assert {c["n"] for c in citations} == markers(content) != set()
    assert all(assistant.document_text(c["document_id"])[c["start"]:c["end"]] == c["quote"] for c in citations)
    info = response.model_extra["policy_assistant"]
    assert set(info) == {"abstained", "mode", "language", "warnings"}
    assert (info["abstained"], info["mode"], info["language"]) == (False, "extractive", "en")
    usage = response.usage
    assert usage is not None and usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_content_parts_are_read_and_the_requested_model_is_echoed(client: openai.OpenAI) -> None:
    response = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": [
        {"type": "text", "text": QUESTION},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}])
    assert response.model == "gpt-4o"
    assert OWNER in (response.choices[0].message.content or "")


def test_a_streamed_completion_is_the_same_answer_in_chunks(client: openai.OpenAI,
                                                            assistant: PolicyAssistant) -> None:
    chunks = list(client.chat.completions.create(model="policy-assistant", stream=True,
                                                 stream_options={"include_usage": True},
                                                 messages=[{"role": "user", "content": QUESTION}]))
    expected = assistant.ask(QUESTION)
    assert len({chunk.id for chunk in chunks}) == 1 and chunks[0].id.startswith("chatcmpl-")
    assert {chunk.object for chunk in chunks} == {"chat.completion.chunk"}
    assert chunks[0].choices[0].delta.role == "assistant"
    with_choice = [chunk for chunk in chunks if chunk.choices]
    text = "".join(chunk.choices[0].delta.content or "" for chunk in with_choice)
    assert text == expected.answer and OWNER in text
    last = with_choice[-1]
    assert last.choices[0].finish_reason == "stop"
    assert all(chunk.choices[0].finish_reason is None for chunk in with_choice[:-1])
    assert last.model_extra["citations"] == [c.model_dump() for c in expected.citations]
    assert {c["n"] for c in last.model_extra["citations"]} == markers(text)
    assert last.model_extra["policy_assistant"]["mode"] == "extractive"
    usage_chunk = chunks[-1]
    assert usage_chunk.choices == [] and usage_chunk.usage is not None and usage_chunk.usage.completion_tokens > 0


def test_the_stream_is_plain_data_events_ending_in_done(served: str) -> None:
    body = {"model": "policy-assistant", "stream": True, "messages": [{"role": "user", "content": QUESTION}]}
    with httpx.Client(timeout=20) as http:
        response = http.post(f"{served}/v1/chat/completions", json=body)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    frames = response.text.strip().split("\n\n")
    assert all(frame.startswith("data: ") and "\n" not in frame for frame in frames)
    assert frames[-1] == "data: [DONE]"
    first, last = json.loads(frames[0][6:]), json.loads(frames[-2][6:])
    assert first["choices"] == [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]
    assert last["choices"] == [{"index": 0, "delta": {}, "finish_reason": "stop"}] and last["citations"]


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
def test_earlier_messages_are_the_history(client: openai.OpenAI, stream: bool) -> None:
    messages = [{"role": "system", "content": "Answer briefly."},
                {"role": "user", "content": "Who is responsible for housing in Tierp?"},
                {"role": "assistant", "content": f"{OWNER} [1]."},
                {"role": "user", "content": "And in Tranås?"}]
    citations = _citations(client, messages, stream=stream)
    assert citations and {c["municipality"] for c in citations} == {"Tranås"}


def test_filters_are_passed_through(client: openai.OpenAI) -> None:
    citations = _citations(client, [{"role": "user", "content": "Who is responsible for housing?"}],
                           stream=False, extra_body={"filters": {"municipality": "tranås"}})
    assert citations and {c["municipality"] for c in citations} == {"Tranås"}


def _citations(client: openai.OpenAI, messages: list[dict[str, Any]], *, stream: bool,
               extra_body: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    if not stream:
        response = client.chat.completions.create(model="policy-assistant", messages=messages,  # type: ignore[arg-type]
                                                  extra_body=extra_body)
        return response.model_extra["citations"]
    chunks = client.chat.completions.create(model="policy-assistant", messages=messages,  # type: ignore[arg-type]
                                            stream=True, extra_body=extra_body)
    return [chunk for chunk in chunks if chunk.choices][-1].model_extra["citations"]


# --- bad requests ------------------------------------------------------------------------------

TURNS = [{"role": "user", "content": "Who is responsible for housing in Tierp?"},
         {"role": "assistant", "content": "Chef kvalitet och strategisk utveckling [1]."}]


@pytest.mark.parametrize(("messages", "extra", "fragment"), [
    ([{"role": "system", "content": "Be brief."}], {}, "no user message"),
    ([], {}, "messages"),
    ([{"role": "user", "content": "   "}], {}, "empty"),
    ([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}], {}, "empty"),
    ([{"role": "user", "content": "x" * 2001}], {}, "longer than 2000"),
    ([{"role": "robot", "content": "hi"}], {}, "messages.0.role"),
    ([{"role": "user", "content": QUESTION}], {"filters": {"municipality": "Malmö"}}, "Malmö"),
    ([{"role": "user", "content": QUESTION}], {"filters": {"county": "Jönköping"}}, "filters.county"),
], ids=["no-user", "no-messages", "blank", "no-text-part", "too-long", "bad-role",
        "unknown-municipality", "unknown-filter"])
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
def test_bad_requests_are_400_naming_the_problem(client: openai.OpenAI, messages: list[dict[str, Any]],
                                                 extra: dict[str, Any], fragment: str, stream: bool) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="policy-assistant", messages=messages,  # type: ignore[arg-type]
                                       stream=stream, extra_body=extra)
    error = raised.value
    assert error.status_code == 400 and fragment in error.message
    assert error.type == "invalid_request_error" and isinstance(error.body, dict) and fragment in error.body["message"]


def test_a_long_conversation_keeps_its_last_twenty_turns(client: openai.OpenAI) -> None:
    # Chat front ends resend the whole conversation; it must not fail after ten exchanges.
    long = [*TURNS * 15, {"role": "user", "content": "And in Tranås?"}]
    response = client.chat.completions.create(model="policy-assistant", messages=long)  # type: ignore[arg-type]
    assert {c["municipality"] for c in response.model_extra["citations"]} == {"Tranås"}


def test_twenty_turns_of_history_are_accepted(client: openai.OpenAI) -> None:
    messages = [*TURNS * 10, {"role": "user", "content": "And in Tranås?"}]
    assert _citations(client, messages, stream=False)


def test_an_unknown_municipality_lists_the_known_ones(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="policy-assistant", messages=[{"role": "user", "content": QUESTION}],
                                       extra_body={"filters": {"municipality": "Malmö"}})
    assert "Tranås" in raised.value.message and raised.value.param == "filters.municipality"


def test_a_body_that_is_not_json_is_an_openai_shaped_400(served: str) -> None:
    with httpx.Client(timeout=20) as http:
        response = http.post(f"{served}/v1/chat/completions", content=b"{not json",
                             headers={"content-type": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and "not valid JSON" in error["message"]


def test_the_rest_of_the_api_keeps_its_own_error_shape(served: str) -> None:
    with httpx.Client(timeout=20) as http:
        response = http.post(f"{served}/v1/ask", json={"question": " "})
        assert response.status_code == 422 and "detail" in response.json()
        assert http.get(f"{served}/openapi.json").status_code == 200


def test_http_errors_from_dependencies_keep_their_status_in_openai_shape(assistant: PolicyAssistant) -> None:
    def refuse() -> PolicyAssistant:
        raise HTTPException(401, "a valid API key is required", headers={"WWW-Authenticate": "Bearer"})

    app = create_app(assistant)
    app.dependency_overrides[get_assistant] = refuse
    response = TestClient(app).post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "x"}]})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"] == {"message": "a valid API key is required", "type": "authentication_error",
                                        "param": None, "code": None}


# --- with an LLM -------------------------------------------------------------------------------

LLM_QUESTION = "Vem har huvudansvar för boende i Tierp?"
LLM_ANSWER = "Chef kvalitet och strategisk utveckling har huvudansvaret [1]."


def test_the_llm_writes_the_completion(llm_client: openai.OpenAI, stub: StubServer) -> None:
    stub.script(answer_with(LLM_ANSWER))
    response = llm_client.chat.completions.create(model="policy-assistant",
                                                  messages=[{"role": "user", "content": LLM_QUESTION}])
    assert response.choices[0].message.content == LLM_ANSWER
    assert response.model_extra["policy_assistant"]["mode"] == "llm"
    assert [c["n"] for c in response.model_extra["citations"]] == [1]


def test_the_llm_streams_the_completion(llm_client: openai.OpenAI, stub: StubServer) -> None:
    stub.script(answer_with(LLM_ANSWER))
    chunks = [chunk for chunk in llm_client.chat.completions.create(
        model="policy-assistant", stream=True, messages=[{"role": "user", "content": LLM_QUESTION}]) if chunk.choices]
    assert len(chunks) > 3  # streamed in pieces, not sent whole
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == LLM_ANSWER
    assert chunks[-1].model_extra["policy_assistant"]["mode"] == "llm"
    assert [c["n"] for c in chunks[-1].model_extra["citations"]] == [1]


def test_an_upstream_failure_mid_stream_ends_with_the_extractive_answer(
        llm_client: openai.OpenAI, stub: StubServer, assistant: PolicyAssistant) -> None:
    stub.script(stall_mid_stream(LLM_ANSWER, after=2, seconds=UPSTREAM_TIMEOUT * 4))
    chunks = [chunk for chunk in llm_client.chat.completions.create(
        model="policy-assistant", stream=True, messages=[{"role": "user", "content": LLM_QUESTION}]) if chunk.choices]
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks)
    fallback = assistant.ask(LLM_QUESTION)
    sent_before_failure, separator, rest = text.partition("\n\n")
    assert sent_before_failure and LLM_ANSWER.startswith(sent_before_failure)  # what was shown stays
    assert separator and rest == fallback.answer  # then the whole extractive answer
    info = chunks[-1].model_extra["policy_assistant"]
    assert info["mode"] == "extractive" and any("answered extractively" in w for w in info["warnings"])
    assert chunks[-1].model_extra["citations"] == [c.model_dump() for c in fallback.citations]


def test_a_client_that_hangs_up_stops_the_upstream_request(llm_client: openai.OpenAI, stub: StubServer) -> None:
    slow = f"{OWNER} ansvarar för boendefrågorna i Tierp enligt planen [1]. " * 3
    stub.script(lambda _request: Reply(text=slow, chunk_size=6, chunk_delay=0.3))
    stream = llm_client.chat.completions.create(model="policy-assistant", stream=True,
                                                messages=[{"role": "user", "content": LLM_QUESTION}])
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            break  # got the first piece of text: hang up
    stream.close()
    deadline = time.monotonic() + 5
    while stub.disconnects == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stub.disconnects == 1


# --- the catch-up rule -------------------------------------------------------------------------


@pytest.mark.parametrize(("sent", "final", "rest"), [
    ("Svar [1].", "Svar [1].", ""),
    ("Svar ", "Svar [1].", "[1]."),
    ("", "Svar [1].", "Svar [1]."),
    ("Chef kval", "Extraktivt svar [1].", "\n\nExtraktivt svar [1]."),
])
def test_catch_up_completes_what_was_sent(sent: str, final: str, rest: str) -> None:
    assert catch_up(sent, final) == rest
