"""The whole-corpus benchmark's measurements (``bench/whole_corpus.py``): the embedding floor, an
index build or a PostgreSQL load as a measured child process, and a server asked the questions,
with its memory and the machine's load."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from assistant.index.layout import IndexLayout, Manifest
from bench.server_process import free_port, stop, wait_until_ready
from bench.whole_corpus_sample import FILTERED_EVERY, Question

SERVER_TIMEOUT_S = 3600.0
PASSED_SETTINGS = ("ASSISTANT_EMBEDDING_", "ASSISTANT_UNIT_VECTORS", "ASSISTANT_CHUNK_", "ASSISTANT_HNSW_",
                   "ASSISTANT_DATABASE_EF_SEARCH", "ASSISTANT_DATABASE_POOL_SIZE", "ASSISTANT_QUERY_PREFIX",
                   "ASSISTANT_PASSAGE_PREFIX", "ASSISTANT_CANDIDATES", "ASSISTANT_DENSE_WEIGHT",
                   "ASSISTANT_LEXICAL_WEIGHT", "ASSISTANT_INDEX_MMAP", "ASSISTANT_MODEL_CACHE_DIR")



# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Load:
    """One backend's build (files) or load (PostgreSQL)."""

    wall_s: float
    cpu_s: float
    """User + system seconds of the command and its parse workers (not PostgreSQL's)."""
    load_average: float
    """The machine's 5-minute load average at the end (other sessions' work included)."""
    peak_rss: int
    model: str
    documents: int
    chunks: int
    units: int
    vectors_computed: int
    """Rows the command added to the embedding cache (chunk vectors and unit vectors)."""
    skipped: int
    build_s: float | None = None
    """The build's own seconds (files: the manifest's); ``None`` when not known."""
    index_bytes: int = 0
    """Files: the index version folder. PostgreSQL: the database."""
    cache_bytes: int = 0
    postings: int | None = None
    """PostgreSQL: rows of ``chunk_terms`` (BM25 postings)."""
    vector_index: str = "hnsw"
    """Files: "flat" or "hnsw" as the manifest says; PostgreSQL: always pgvector's HNSW."""

    @property
    def scalable_s(self) -> float:
        """The seconds that grow with the corpus: the build's own (without the command's start-up and a
        first model export) where known, else the wall time."""
        return self.build_s if self.build_s is not None else self.wall_s


@dataclass
class Serving:
    ready_s: float
    rss: int
    peak_rss: int
    floor: list[float] = field(default_factory=list)
    """Query embedding alone (``embedding_floor``), ms, right after the timed questions."""
    load_average: float = 0.0
    latencies: list[tuple[bool, float]] = field(default_factory=list)
    """(filtered, milliseconds) per timed question."""
    title_found: int = 0
    title_found_same_title: int = 0
    title_asked: int = 0


def passed_settings() -> dict[str, str]:
    """The ``ASSISTANT_*`` variables of this environment that shape the index or the search
    (``PASSED_SETTINGS``): the commands get them, so ``ASSISTANT_EMBEDDING_BACKEND=onnx-int8 python -m
    bench.whole_corpus`` measures that engine. Every other ``ASSISTANT_*`` is dropped."""
    return {k: v for k, v in os.environ.items() if k.startswith(PASSED_SETTINGS)}


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment with only ``passed_settings()`` of its ``ASSISTANT_*`` variables,
    plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(passed_settings(), HF_HUB_OFFLINE="1", **settings)
    return env


def embedding_floor(root: Path, texts: Sequence[str]) -> list[float]:
    """Milliseconds to embed each of ``texts`` alone as a query, in a fresh process with the settings
    the server has (no query cache; the index folder's exported models): the floor a search cannot
    beat, measured at the same moment."""
    env = clean_env(ASSISTANT_INDEX_DIR=str(root / "index"), ASSISTANT_CORPUS_DIR=str(root / "corpus"),
                    ASSISTANT_DATA_DIR=str(root / "data" / "floor"))
    completed = subprocess.run([sys.executable, "-c", _FLOOR_SCRIPT], input=json.dumps(list(texts)),
                               capture_output=True, text=True, env=env, cwd=root, timeout=SERVER_TIMEOUT_S,
                               check=True)
    return [float(ms) for ms in json.loads(completed.stdout.strip().splitlines()[-1])]


_FLOOR_SCRIPT = """
import json, sys, time
from assistant.embed import embedder_for
from assistant.settings import Settings
texts = json.load(sys.stdin)
embedder = embedder_for(Settings())
embedder.embed_queries(["uppvärmning"])
out = []
for text in texts:
    started = time.perf_counter()
    embedder.embed_queries([text])
    out.append((time.perf_counter() - started) * 1000)
print(json.dumps(out))
"""


def run_measured(argv: Sequence[str], *, env: dict[str, str], cwd: Path, log: Path) -> tuple[float, float, int]:
    """Run ``argv`` to completion: (wall seconds, CPU seconds, peak RSS in bytes of its largest process),
    CPU and RSS counting the process and the children it waited for (the parse workers).
    ``RuntimeError`` naming the log when it fails."""
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        process.kill()
        process.wait()
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[1:])} exited with {process.returncode}; see {log}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024  # ru_maxrss: kilobytes on Linux


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def cache_rows(index_dir: Path) -> int:
    """Vectors in the embedding cache (0 when it does not exist yet)."""
    path = index_dir / "cache" / "embeddings.sqlite"
    if not path.is_file():
        return 0
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM vectors").fetchone()[0])
    finally:
        connection.close()


def cache_bytes(index_dir: Path) -> int:
    folder = index_dir / "cache"
    return sum(p.stat().st_size for p in folder.glob("*.sqlite*")) if folder.is_dir() else 0


def build_files(root: Path) -> Load:
    """``assistant index`` over ``root/corpus`` into the empty ``root/index``."""
    index_dir = root / "index"
    env = clean_env(ASSISTANT_CORPUS_DIR=str(root / "corpus"), ASSISTANT_INDEX_DIR=str(index_dir),
                    ASSISTANT_DATA_DIR=str(root / "data" / "files"))
    before = cache_rows(index_dir)
    seconds, cpu, peak = run_measured([sys.executable, "-m", "assistant.cli", "index"], env=env, cwd=root,
                                      log=root / "index.log")
    current = IndexLayout(index_dir).current()
    assert current is not None, "assistant index published no version"
    manifest = Manifest.read(current)
    connection = sqlite3.connect(current / "chunks.sqlite")
    try:
        chunks, units = connection.execute("SELECT count(*), coalesce(sum(json_array_length(units)), 0) "
                                           "FROM chunks").fetchone()
    finally:
        connection.close()
    return Load(wall_s=seconds, cpu_s=cpu, load_average=_load_average(), peak_rss=peak, model=manifest.model,
                documents=manifest.documents, chunks=int(chunks), units=int(units),
                vectors_computed=cache_rows(index_dir) - before, skipped=len(manifest.skipped),
                build_s=manifest.build_seconds, index_bytes=folder_bytes(current),
                cache_bytes=cache_bytes(index_dir), vector_index=manifest.vector_index)


def load_postgres(root: Path, url: str) -> Load:
    """``assistant migrate`` of ``root/corpus`` into the empty database at ``url``, sharing ``root/index``'s
    embedding cache."""
    index_dir = root / "index"
    env = clean_env(ASSISTANT_CORPUS_DIR=str(root / "corpus"), ASSISTANT_INDEX_DIR=str(index_dir),
                    ASSISTANT_DATA_DIR=str(root / "data" / "postgres"), ASSISTANT_DATABASE_URL=url)
    before = cache_rows(index_dir)
    seconds, cpu, peak = run_measured([sys.executable, "-m", "assistant.cli", "migrate"], env=env, cwd=root,
                                      log=root / "migrate.log")
    with psycopg.connect(url) as connection:
        size, documents, chunks, units, postings, skipped, model = connection.execute(
            "SELECT pg_database_size(current_database()), (SELECT count(*) FROM documents), "
            "(SELECT count(*) FROM chunks), (SELECT coalesce(sum(jsonb_array_length(units)), 0) FROM chunks), "
            "(SELECT count(*) FROM chunk_terms), skipped, model FROM assistant_state WHERE id = 1").fetchone()
    return Load(wall_s=seconds, cpu_s=cpu, load_average=_load_average(), peak_rss=peak, model=str(model),
                documents=int(documents), chunks=int(chunks), units=int(units),
                vectors_computed=cache_rows(index_dir) - before, skipped=len(skipped or []),
                index_bytes=int(size), cache_bytes=cache_bytes(index_dir), postings=int(postings))


def indexed_ids(root: Path, url: str | None) -> set[str]:
    """The document ids the first loaded backend holds (parse failures are not among them)."""
    current = IndexLayout(root / "index").current()
    if current is not None:
        connection = sqlite3.connect(current / "chunks.sqlite")
        try:
            return {row[0] for row in connection.execute("SELECT id FROM documents")}
        finally:
            connection.close()
    assert url is not None
    with psycopg.connect(url) as pg:
        return {row[0] for row in pg.execute("SELECT id FROM documents")}


def start_server(root: Path, backend: str, *, url: str | None) -> tuple[subprocess.Popen[bytes], str, float]:
    """``assistant serve`` over one backend on a free loopback port: (process, base URL, seconds until
    ``/healthz`` answered)."""
    settings = {"ASSISTANT_CORPUS_DIR": str(root / "corpus"), "ASSISTANT_INDEX_DIR": str(root / "index"),
                "ASSISTANT_DATA_DIR": str(root / "data" / backend), "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0"}
    if url is not None:
        settings["ASSISTANT_DATABASE_URL"] = url
    port, log = free_port(), root / f"serve-{backend}.log"
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1",
                                "--port", str(port)], cwd=root, env=clean_env(**settings),
                               stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_ready(base, process, log=log, timeout=SERVER_TIMEOUT_S)
    except BaseException:
        stop(process)
        raise
    return process, base, time.perf_counter() - started


def serve_and_ask(root: Path, backends: Sequence[str], *, url: str | None, questions: Sequence[Question],
                  titles: Sequence[Question], same_title: dict[str, set[str]]) -> dict[str, Serving]:
    """Start a server per backend (one after the other), then send each of ``questions`` to every
    backend in turn, alternating which goes first, so that both meet the machine in the same state;
    then the title lookups; then the embedding floor."""
    results: dict[str, Serving] = {}
    with contextlib.ExitStack() as stack:
        clients: dict[str, httpx.Client] = {}
        processes: dict[str, subprocess.Popen[bytes]] = {}
        for backend in backends:
            process, base, ready_s = start_server(root, backend, url=url if backend == "postgres" else None)
            stack.callback(stop, process)
            processes[backend] = process
            clients[backend] = stack.enter_context(httpx.Client(base_url=base, timeout=120, trust_env=False))
            results[backend] = Serving(ready_s=ready_s, rss=0, peak_rss=0)
        warm = questions[0].source if questions else None
        for backend, client in clients.items():
            for n in range(4):  # strings no timed question uses
                body: dict[str, object] = {"query": f"uppvärmning {backend} {n}", "k": 5}
                if n % 2 and warm:
                    body["filters"] = {"document_id": warm}
                client.post("/v1/search", json=body).raise_for_status()
        for number, question in enumerate(questions):
            body = {"query": question.text, "k": 5}
            if question.filtered:
                body["filters"] = {"document_id": question.source}
            for backend in (backends if number % 2 == 0 else list(reversed(backends))):
                began = time.perf_counter()
                response = clients[backend].post("/v1/search", json=body)
                elapsed = (time.perf_counter() - began) * 1000
                response.raise_for_status()
                results[backend].latencies.append((question.filtered, elapsed))
        load_average = _load_average()
        for backend, client in clients.items():
            result = results[backend]
            result.load_average = load_average
            for question in titles:
                response = client.post("/v1/search", json={"query": question.text, "k": 5})
                response.raise_for_status()
                found = {hit["document_id"] for hit in response.json()["hits"]}
                result.title_asked += 1
                result.title_found += question.source in found
                result.title_found_same_title += bool(found & same_title[question.source])
            result.rss, result.peak_rss = _memory(processes[backend].pid)
        floor = embedding_floor(root, [f"floor {q.text}" for q in questions[::FILTERED_EVERY]])
        for result in results.values():
            result.floor = floor
    return results


def _load_average() -> float:
    return os.getloadavg()[1]


def _memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process, in bytes."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024)
