"""A slow or dead LLM upstream under concurrent load, over real loopback HTTP.

* With every LLM call stalling past its timeout, concurrent ``/v1/search`` calls all finish while
  every ask is still stuck: slow asks are bounded by ``llm_max_concurrency`` and the upstream
  timeout, and searches never wait for them.
* Streams whose clients hang up after the first event leave nothing behind: every upstream request
  is closed (the stub sees each one disconnect), and the server's threads and asyncio tasks come
  back to what they were.

Bounded: 8 slow asks and 40 + 40 searches; 10 + 50 aborted streams; a few seconds of settling.
"""

from __future__ import annotations

import asyncio
import collections
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from assistant.answer.llm import LLMAnswerer, QuestionRewriter, build_client
from assistant.facade import LLM, PolicyAssistant
from assistant.settings import Settings
from tests.answer.openai_stub import MODEL, Reply, StubServer, stall

# Long enough that no ask gives up (and answers extractively, competing for the two cores) while
# the loaded searches run: they then meet only asks stuck upstream or waiting for a slot. Search
# latency under that load is measured in `python -m bench.load --llm stall`, not asserted here.
UPSTREAM_TIMEOUT = 4.0
SLOT_WAIT = 4.0
LLM_SLOTS = 2
SLOW_ASKS = 8
SEARCHES = 40
SEARCH_CONCURRENCY = 4
ABORTED_STREAMS = 50
ABORT_BATCH = 10
SEARCH_QUERIES = ["bostad", "Who owns housing goals?", "uppföljning", "språkstöd", "arbetsmarknad",
                  "Vem ansvarar för boende i Tierp?", "integration", "föreningsliv"]
ENGLISH_QUESTIONS = ["Who owns housing goals?", "Who is responsible for language training?",
                     "When was the integration policy adopted?", "Who follows up the action plan?"]
SLOW_TEXT = "Chef kvalitet och strategisk utveckling ansvarar för boendefrågorna i Tierp enligt planen [1]. " * 3


@pytest.fixture(scope="module")
def stub() -> Iterator[StubServer]:
    server = StubServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def llm_app(assistant: PolicyAssistant, stub: StubServer) -> FastAPI:
    """The app over the session's index with an LLM at the stub: 4 s timeouts, 2 upstream slots,
    no rate limit (this is one client making many requests)."""
    stub.reset()
    client = build_client(base_url=stub.base_url, api_key="sk-test-secret", timeout_seconds=UPSTREAM_TIMEOUT)
    llm = LLM(answerer=LLMAnswerer(client=client, model=MODEL), rewriter=QuestionRewriter(client=client, model=MODEL),
              max_concurrency=LLM_SLOTS, slot_wait_seconds=SLOT_WAIT)
    settings = Settings(**{**assistant.settings.model_dump(), "rate_limit_per_minute": 0})
    return create_app(PolicyAssistant(settings=settings, embedder=assistant.embedder, glossary=assistant.glossary,
                                      llm=llm))


@contextmanager
def serving(app: FastAPI) -> Iterator[tuple[str, asyncio.AbstractEventLoop]]:
    """uvicorn on a free loopback port, on an event loop of our own (so that its tasks can be
    counted); yields the base URL and the loop."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),), name="uvicorn-faults",
                              daemon=True)
    thread.start()
    wait_for(lambda: server.started, seconds=10)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", loop
    finally:
        server.should_exit = True
        thread.join(10)
        loop.close()


def wait_for(condition: Callable[[], bool], *, seconds: float) -> bool:
    """Poll ``condition`` every 50 ms for at most ``seconds``; its last value."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return condition()
        time.sleep(0.05)
    return True


def server_tasks(loop: asyncio.AbstractEventLoop) -> int:
    """Tasks alive on the server's loop, not counting the one asking."""

    async def count() -> int:
        return len(asyncio.all_tasks()) - 1

    return asyncio.run_coroutine_threadsafe(count(), loop).result(timeout=5)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


async def timed_searches(http: httpx.AsyncClient, count: int) -> list[float]:
    """``count`` searches, ``SEARCH_CONCURRENCY`` at a time; each one's seconds."""
    gate = asyncio.Semaphore(SEARCH_CONCURRENCY)

    async def one(n: int) -> float:
        async with gate:
            started = time.perf_counter()
            response = await http.post("/v1/search", json={"query": SEARCH_QUERIES[n % len(SEARCH_QUERIES)]})
            assert response.status_code == 200
            return time.perf_counter() - started

    return list(await asyncio.gather(*(one(n) for n in range(count))))


def test_a_stalled_llm_does_not_slow_down_search(llm_app: FastAPI, stub: StubServer) -> None:
    stub.script(stall(seconds=30))  # every LLM call stalls far beyond the upstream timeout
    in_flight: list[int] = []  # upstream requests open at the stub, sampled while the asks wait

    async def scenario(url: str) -> tuple[list[float], list[float], int, list[httpx.Response]]:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            await timed_searches(http, 10)  # warm-up
            unloaded = await timed_searches(http, SEARCHES)
            asks = [asyncio.create_task(http.post("/v1/ask", json={"question": ENGLISH_QUESTIONS[n % 4]}))
                    for n in range(SLOW_ASKS)]
            while len(stub.requests) < LLM_SLOTS:  # the asks are now waiting on the upstream
                await asyncio.sleep(0.02)
            loaded = await timed_searches(http, SEARCHES)
            still_waiting = sum(not task.done() for task in asks)
            while not all(task.done() for task in asks):
                in_flight.append(len(stub.requests) - stub.disconnects)
                await asyncio.sleep(0.05)
            return unloaded, loaded, still_waiting, list(await asyncio.gather(*asks))

    with serving(llm_app) as (url, _loop):
        started = time.monotonic()
        unloaded, loaded, still_waiting, answers = asyncio.run(asyncio.wait_for(scenario(url), timeout=90))
        elapsed = time.monotonic() - started
    print(f"\nsearch p95 unloaded {p95(unloaded) * 1000:.1f} ms, with {SLOW_ASKS} stalled asks "
          f"{p95(loaded) * 1000:.1f} ms; asks done in {elapsed:.1f} s; upstream requests {len(stub.requests)}, "
          f"at most {max(in_flight)} at once")
    assert still_waiting == SLOW_ASKS, "the searches finished while every ask was stuck upstream"
    # The stub notices a hang-up within its 50 ms poll, so a call that just timed out may still be
    # counted while its slot's next call starts: at most one such per slot. Unbounded, all 8 show.
    assert max(in_flight) <= 2 * LLM_SLOTS < SLOW_ASKS, f"upstream calls at once: {max(in_flight)}"
    for response in answers:
        assert response.status_code == 200
        answer = response.json()
        assert answer["mode"] == "extractive" and answer["citations"]
        assert any("answered extractively" in warning for warning in answer["warnings"])
    assert elapsed < 60


def test_aborted_streams_leave_no_upstream_connection_thread_or_task(llm_app: FastAPI, stub: StubServer) -> None:
    slow = Reply(text=SLOW_TEXT, chunk_size=6, chunk_delay=0.3)  # ~14 s to the end: never reached

    async def abort_streams(url: str, count: int) -> list[str]:
        async def one() -> str:
            async with httpx.AsyncClient(base_url=url, timeout=30) as http, http.stream(
                    "POST", "/v1/ask/stream", json={"question": "Vem ansvarar för boende i Tierp?"}) as response:
                assert response.status_code == 200
                async for line in response.aiter_lines():
                    if line.startswith("event: "):
                        return line  # the first event: hang up
            return ""

        firsts: list[str] = []
        for start in range(0, count, ABORT_BATCH):
            firsts += await asyncio.gather(*(one() for _ in range(min(ABORT_BATCH, count - start))))
        return firsts

    with serving(llm_app) as (url, loop):
        stub.script(lambda _request: slow)
        asyncio.run(abort_streams(url, ABORT_BATCH))  # warm-up: the worker threads one batch needs
        assert wait_for(lambda: stub.disconnects == len(stub.requests), seconds=5)
        time.sleep(0.5)
        threads, tasks = threading.active_count(), server_tasks(loop)
        stub.reset()
        stub.script(lambda _request: slow)

        firsts = asyncio.run(asyncio.wait_for(abort_streams(url, ABORTED_STREAMS), timeout=120))

        assert firsts == ["event: delta"] * ABORTED_STREAMS
        assert stub.requests, "some streams reached the upstream"
        assert wait_for(lambda: stub.disconnects == len(stub.requests), seconds=5), \
            f"{len(stub.requests)} upstream requests, {stub.disconnects} closed"
        # A thread stuck on each hung-up stream would add 50. AnyIO's worker pool may keep a few more
        # idle workers than the warm-up left (it prunes idle workers only when it is next used), so
        # the pool may grow, within one batch, but no more.
        assert wait_for(lambda: threading.active_count() <= threads + ABORT_BATCH // 2, seconds=5), \
            (threads, sorted(collections.Counter(t.name for t in threading.enumerate()).items()))
        assert wait_for(lambda: server_tasks(loop) <= tasks, seconds=5), (tasks, server_tasks(loop))
        print(f"\n{ABORTED_STREAMS} aborted streams: {len(stub.requests)} upstream requests, {stub.disconnects} "
              f"closed; threads {threading.active_count()} (before {threads}), tasks {server_tasks(loop)} "
              f"(before {tasks})")
