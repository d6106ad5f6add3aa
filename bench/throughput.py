"""Serving throughput: concurrent clients asking new questions over HTTP, for the file backend
(one `assistant serve` process) and the PostgreSQL backend (replicas over one real PostgreSQL),
in one run.

    python -m bench.throughput [--clients 8] [--seconds 30] [--replicas 2] [--backends files,postgres]

Each client sends ``POST /v1/ask`` as soon as its last answer came back, spreading over the
replicas in turn. Every question is a new string (an eval question with a serial number put
before it), so no query-vector cache answers it. Prints requests, errors, answers/s, answers/s per
core and p50/p95 per configuration, after a warm-up of a few requests per server.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.evaluate import percentile
from bench.server_process import free_port, stop, wait_until_ready
from tests.postgres_server import EmbeddedPostgres, new_database

REPO = Path(__file__).resolve().parent.parent
QUESTION_FILES = [REPO / "tests" / "eval" / "questions.jsonl", REPO / "tests" / "eval" / "unseen" / "tune.jsonl"]


@dataclass
class Result:
    backend: str
    replicas: int
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return (self.requests - self.errors) / self.seconds


def questions() -> list[str]:
    found = []
    for path in QUESTION_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line)["question"])
    return found


def start_server(root: Path, *, env: dict[str, str], name: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    log = root / f"{name}.log"
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port",
                                str(port)], cwd=root, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_until_ready(url, process, log=log, timeout=900)
    return process, url


async def load(urls: list[str], *, clients: int, seconds: float, pool: list[str], serial: itertools.count[int]
               ) -> tuple[int, int, list[float]]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    spread = itertools.cycle(urls)

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            n = next(serial)
            question = f"{n}. {pool[n % len(pool)]}"
            started = time.perf_counter()
            try:
                response = await http.post(f"{next(spread)}/v1/ask", json={"question": question})
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            errors += not ok

    async with httpx.AsyncClient(timeout=60, trust_env=False) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return len(latencies), errors, latencies


def run(backend: str, root: Path, *, replicas: int, clients: int, seconds: float,
        server: EmbeddedPostgres | None) -> Result:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_RATE_LIMIT_PER_MINUTE="0", HF_HUB_OFFLINE="1")
    folder = root / backend
    folder.mkdir()
    shutil.copytree(REPO / "corpus", folder / "corpus")
    env.update(ASSISTANT_CORPUS_DIR=str(folder / "corpus"), ASSISTANT_INDEX_DIR=str(root / "index"),
               ASSISTANT_DATA_DIR=str(folder / "data"))
    count = 1
    if backend == "postgres":
        assert server is not None
        env["ASSISTANT_DATABASE_URL"] = new_database(server.url(), "throughput")
        count = replicas
    processes, urls = [], []
    try:
        for i in range(count):
            process, url = start_server(folder, env=env, name=f"replica{i}")
            processes.append(process)
            urls.append(url)
        pool, serial = questions(), itertools.count(1_000_000 * (1 + (backend == "postgres")))
        asyncio.run(load(urls, clients=clients, seconds=3, pool=pool, serial=serial))  # warm-up
        started = time.perf_counter()
        requests, errors, latencies = asyncio.run(load(urls, clients=clients, seconds=seconds, pool=pool,
                                                       serial=serial))
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            stop(process)
    return Result(backend, count, clients, requests, errors, elapsed, latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--backends", default="files,postgres")
    args = parser.parse_args()
    backends = args.backends.split(",")
    server = EmbeddedPostgres().start() if "postgres" in backends else None
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-throughput-") as folder:
            for backend in backends:
                results.append(run(backend, Path(folder), replicas=args.replicas, clients=args.clients,
                                   seconds=args.seconds, server=server))
    finally:
        if server is not None:
            server.stop()
    cores = os.cpu_count() or 1
    print(f"{'backend':<10} {'replicas':>8} {'clients':>7} {'requests':>8} {'errors':>6} {'answers/s':>9} "
          f"{'per core':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for r in results:
        print(f"{r.backend:<10} {r.replicas:>8} {r.clients:>7} {r.requests:>8} {r.errors:>6} {r.per_second:>9.1f} "
              f"{r.per_second / cores:>8.1f} {percentile(r.latencies_ms, 50):>7.0f} "
              f"{percentile(r.latencies_ms, 95):>7.0f}")
    print(f"({cores} cores; every question a new string)")


if __name__ == "__main__":
    main()
