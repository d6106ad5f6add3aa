"""A bounded load test on loopback: concurrent users on search, ask and chat completions while an
admin uploads and deletes documents (each change re-indexes the corpus).

    python -m bench.load [--users 20] [--seconds 120] [--llm none|stub|stall] [--postgres]
                         [--url http://127.0.0.1:PORT]

Without ``--url`` it starts ``assistant serve`` in a subprocess on a free loopback port, over a
copy of ``corpus/`` in a temporary folder (the index is built there first), with a reader key for
the users and an admin key for the uploader, and rate limiting off (20 users hammering from one
address would otherwise be refused by design). ``--llm stub`` points the server at the loopback
OpenAI stub (``tests/answer/openai_stub.py``) answering at once; ``--llm stall`` at one that
stalls every call past the server's timeout, to watch the fallback under load. ``--postgres`` serves
from the PostgreSQL backend, on a scratch PostgreSQL 18 + pgvector (``tests/postgres_server.py``).

Each user sends its next request as soon as the last one is answered: ``/v1/search``, ``/v1/ask``
and ``/v1/chat/completions`` in turn, with questions from ``tests/eval/questions.jsonl``. Prints
total requests, failures (anything but the expected status, or a transport error), p50/p95 per
endpoint and throughput; exits 1 when anything failed. Only loopback addresses are ever contacted,
and every loop ends at ``--seconds`` (plus the requests in flight then).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

from bench.server_process import free_port, stop, wait_until_ready

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "tests" / "eval" / "questions.jsonl"
READER_KEY = "load-reader-key"
ADMIN_KEY = "load-admin-key"
EXPECTED = {"search": 200, "ask": 200, "chat": 200, "upload": 201, "delete": 204}
UPLOAD_PAUSE_SECONDS = 2.0
REQUEST_TIMEOUT_SECONDS = 120.0
START_TIMEOUT_SECONDS = 600.0


# --- results ----------------------------------------------------------------------------------


@dataclass
class Results:
    """Latencies (seconds) of the requests answered as expected, and failures, by endpoint."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)

    def record(self, endpoint: str, seconds: float, *, status: int | None, error: str = "") -> None:
        if status == EXPECTED[endpoint]:
            self.latencies[endpoint].append(seconds)
            return
        self.failures[endpoint] += 1
        if len(self.examples) < 10:
            self.examples.append(f"{endpoint}: {status if status is not None else error}")

    def total(self) -> int:
        return sum(len(v) for v in self.latencies.values()) + sum(self.failures.values())

    def table(self, *, elapsed: float) -> str:
        """A Markdown table per endpoint, then totals. Cost: sorting the samples."""
        lines = ["| endpoint | requests | failures | p50 ms | p95 ms | max ms | req/s |",
                 "|---|---|---|---|---|---|---|"]
        for endpoint in EXPECTED:
            samples, failed = self.latencies.get(endpoint, []), self.failures.get(endpoint, 0)
            if samples or failed:
                lines.append(f"| {endpoint} | {len(samples) + failed} | {failed} | {_ms(percentile(samples, 50))} | "
                             f"{_ms(percentile(samples, 95))} | {_ms(max(samples, default=0.0))} | "
                             f"{(len(samples) + failed) / elapsed:.1f} |")
        failures = sum(self.failures.values())
        lines.append(f"\ntotal requests {self.total()}, failures {failures}, {elapsed:.0f} s, "
                     f"throughput {self.total() / elapsed:.1f} req/s")
        return "\n".join(lines)


def percentile(samples: list[float], p: int) -> float:
    """The ``p``-th percentile (inclusive method), 0 for no samples."""
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# --- the users --------------------------------------------------------------------------------


async def user(url: str, questions: list[str], results: Results, *, deadline: float, seed: int) -> None:
    """Search, ask, chat in turn, back to back, until ``deadline``."""
    chooser = random.Random(seed)
    headers = {"Authorization": f"Bearer {READER_KEY}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS) as http:
        turn = seed
        while time.monotonic() < deadline:
            question = chooser.choice(questions)
            endpoint = ("search", "ask", "chat")[turn % 3]
            turn += 1
            path, body = request_for(endpoint, question)
            await timed(results, endpoint, http.post(path, json=body))


def request_for(endpoint: str, question: str) -> tuple[str, dict[str, Any]]:
    """The path and JSON body of ``endpoint`` for ``question``."""
    if endpoint == "search":
        return "/v1/search", {"query": question, "k": 5}
    if endpoint == "ask":
        return "/v1/ask", {"question": question}
    return "/v1/chat/completions", {"model": "policy-assistant", "messages": [{"role": "user", "content": question}]}


async def timed(results: Results, endpoint: str, call: Any) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await call
    except httpx.HTTPError as error:
        results.record(endpoint, time.perf_counter() - started, status=None, error=type(error).__name__)
        return None
    results.record(endpoint, time.perf_counter() - started, status=response.status_code)
    return response


async def uploader(url: str, results: Results, *, deadline: float) -> None:
    """Upload a new document (indexed before the answer), then delete it, until ``deadline``."""
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS) as http:
        round_ = 0
        while time.monotonic() < deadline:
            round_ += 1
            files = {"file": (f"load-test-{round_}.md", _document(round_), "text/markdown")}
            response = await timed(results, "upload", http.post("/v1/documents", files=files))
            if response is not None and response.status_code == 201:
                await timed(results, "delete", http.delete(f"/v1/documents/{response.json()['id']}"))
            await asyncio.sleep(UPLOAD_PAUSE_SECONDS)


def _document(round_: int) -> bytes:
    return (f"# Riktlinje för lasttest {round_} i Tierps kommun\n\n"
            f"Antagen av kommunstyrelsen 2024-01-{round_ % 28 + 1:02d}.\n\n"
            f"## Ansvar\n\nKommunchefen ansvarar för uppföljning av riktlinje {round_}.\n\n"
            "## Boende\n\nSocialnämnden ansvarar för boende för nyanlända.\n").encode()


async def run_load(url: str, *, users: int, seconds: float) -> tuple[Results, float]:
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    results = Results()
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(uploader(url, results, deadline=deadline),
                         *(user(url, questions, results, deadline=deadline, seed=n) for n in range(users)))
    return results, time.monotonic() - started


# --- the server -------------------------------------------------------------------------------


def require_loopback(url: str) -> None:
    """Refuse any target but a loopback address: this tool never sends traffic elsewhere."""
    host = urlparse(url).hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"refusing {url}: only loopback addresses (127.0.0.0/8, ::1, localhost) are load-tested")


@contextlib.contextmanager
def upstream(kind: str, *, timeout: float) -> Iterator[dict[str, str]]:
    """The server's LLM settings: none, or the loopback OpenAI stub answering or stalling."""
    if kind == "none":
        yield {}
        return
    sys.path.insert(0, str(REPO))
    from tests.answer.openai_stub import StubServer, answer_with, stall

    stub = StubServer()
    stub.script(stall(seconds=timeout * 4) if kind == "stall" else answer_with("Se källan [1]."))
    stub.start()
    try:
        yield {"ASSISTANT_LLM_BASE_URL": stub.base_url, "ASSISTANT_LLM_MODEL": "stub-model",
               "ASSISTANT_LLM_API_KEY": "sk-load-test", "ASSISTANT_LLM_TIMEOUT_SECONDS": str(timeout)}
    finally:
        stub.stop()


@contextlib.contextmanager
def database(*, postgres: bool) -> Iterator[dict[str, str]]:
    """The server's storage settings: the file backend, or a scratch PostgreSQL for the run."""
    if not postgres:
        yield {}
        return
    sys.path.insert(0, str(REPO))
    from tests.postgres_server import EmbeddedPostgres, new_database

    postgres = EmbeddedPostgres().start()
    try:
        yield {"ASSISTANT_DATABASE_URL": new_database(postgres.url(), "load")}
    finally:
        postgres.stop()


@contextlib.contextmanager
def server(*, settings: dict[str, str], log: Path) -> Iterator[str]:
    """``assistant serve`` over a temporary copy of the corpus, on a free loopback port, with
    ``settings`` (``ASSISTANT_*`` variables: the LLM's, the storage's) besides the run's own."""
    with tempfile.TemporaryDirectory(prefix="policy-load-") as scratch:
        root = Path(scratch)
        shutil.copytree(REPO / "corpus", root / "corpus")
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_") and k != "OPENAI_API_KEY"}
        env |= {"ASSISTANT_CORPUS_DIR": str(root / "corpus"), "ASSISTANT_INDEX_DIR": str(root / "index"),
                "ASSISTANT_DATA_DIR": str(root / "data"), "ASSISTANT_READER_KEYS": READER_KEY,
                "ASSISTANT_ADMIN_KEYS": ADMIN_KEY, "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",
                "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error", **settings}
        command = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        with open(log, "wb") as sink:
            process = subprocess.Popen(command, cwd=root, env=env, stdout=sink, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            try:
                wait_until_ready(url, process, log=log, timeout=START_TIMEOUT_SECONDS)
            except (RuntimeError, TimeoutError) as error:
                raise SystemExit(str(error)) from None
            yield url
        finally:
            stop(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent users (default 20)")
    parser.add_argument("--seconds", type=float, default=120.0, help="how long to load (default 120)")
    parser.add_argument("--llm", choices=("none", "stub", "stall"), default="none",
                        help="no LLM (extractive), the loopback stub answering, or stalling past the timeout")
    parser.add_argument("--llm-timeout", type=float, default=2.0, help="the server's LLM timeout with --llm")
    parser.add_argument("--postgres", action="store_true", help="serve from the PostgreSQL backend (a scratch server)")
    parser.add_argument("--url", help="load an already running server (loopback only; keys as above)")
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) / "policy-load-server.log")
    args = parser.parse_args(argv)
    if args.users < 1 or not 0 < args.seconds <= 3600:
        parser.error("--users must be at least 1 and --seconds within (0, 3600]")
    with contextlib.ExitStack() as stack:
        if args.url:
            url = args.url.rstrip("/")
        else:
            llm = stack.enter_context(upstream(args.llm, timeout=args.llm_timeout))
            storage = stack.enter_context(database(postgres=args.postgres))
            print(f"starting the server (index build included; log: {args.log}) ...", flush=True)
            url = stack.enter_context(server(settings={**llm, **storage}, log=args.log))
        require_loopback(url)
        print(f"{args.users} users for {args.seconds:.0f} s on {url} (llm: {args.llm}"
              f"{', PostgreSQL' if args.postgres else ''}), uploads meanwhile ...",
              flush=True)
        results, elapsed = asyncio.run(run_load(url, users=args.users, seconds=args.seconds))
    print(results.table(elapsed=elapsed))
    for example in results.examples:
        print("  failed:", example)
    return 1 if sum(results.failures.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
