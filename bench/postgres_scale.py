"""The PostgreSQL backend at 100k chunks: ingest throughput, database size, and search latency over
HTTP with one replica, every question a new string.

    python -m bench.postgres_scale [--chunks 100000] [--requests 300]

Embedding 100k chunks (and their half a million sentences) for real would take about eight hours
on 2 cores, so the corpus is **the five policies, embedded for real, then copied** until it holds
``--chunks`` chunks: each copy is a new document (own id, file and chunk ids) with the same text,
and vectors and unit vectors that are the real ones plus Gaussian noise (cosine ≈ 0.95 to their
source, renormalised). Postings, HNSW inserts, the database's size, the SQL of every search and
every query embedding are real. Identical texts make BM25's posting lists as long as they can get
(every term occurs in every copy), which is the hard case for the SQL ranking. The copies are
written through the backend's own insert, in transactions of 50 documents.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import psycopg

from assistant.evaluate import percentile
from assistant.facade import PolicyAssistant
from assistant.index.postgres.backend import PostgresBackend, _bump, _insert, _Rows, _Source, _term_counts
from assistant.models import Document
from assistant.settings import Settings
from bench.server_process import free_port, stop, wait_until_ready
from tests.postgres_server import EmbeddedPostgres, new_database

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "tests" / "eval" / "questions.jsonl"
BATCH_DOCUMENTS = 50


def noisy(vectors: np.ndarray, rng: np.random.Generator, *, sigma: float = 0.017) -> np.ndarray:
    """``vectors`` plus N(0, sigma²) per dimension, renormalised (cosine ≈ 0.95 at 384 dimensions)."""
    out = vectors + rng.normal(0, sigma, size=vectors.shape).astype(np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.where(norms == 0, 1, norms)).astype(np.float32)


def originals(backend: PostgresBackend) -> list[tuple[_Source, Document, _Rows]]:
    """The ingested policies, with their chunks, real vectors and term counts."""
    with backend.pool.connection() as connection:
        files = connection.execute("SELECT filename, original FROM documents ORDER BY id").fetchall()
    sources = [_Source(name, bytes(data), "upload") for name, data in files]
    parsed, _ = backend._parse(sources)
    analyzer = backend._analyzer()
    rows = backend._rows([d for _, d in parsed], analyzer=analyzer)  # from the embedding cache
    return [(source, document, made) for (source, document), made in zip(parsed, rows, strict=True)]


def copy_of(source: _Source, document: Document, made: _Rows, number: int, rng: np.random.Generator
            ) -> tuple[tuple[_Source, Document], _Rows]:
    suffix = f"-copy{number}"
    new_id = document.id + suffix
    name = source.name.replace(".", f"{suffix}.", 1)
    chunks = [c.model_copy(update={"chunk_id": c.chunk_id + suffix, "document_id": new_id}) for c in made.chunks]
    dimension = made.vectors.shape[1]
    units = [noisy(np.frombuffer(blob, dtype=np.float16).astype(np.float32).reshape(-1, dimension), rng)
             .astype(np.float16).tobytes() for blob in made.unit_vectors]
    return ((_Source(name, source.data, "upload"), document.model_copy(update={"id": new_id})),
            _Rows(chunks, noisy(made.vectors, rng), units, made.terms))


def fill(url: str, backend: PostgresBackend, *, target: int, seed: int = 0) -> tuple[int, float]:
    """Insert copies until the database holds ``target`` chunks; (chunks inserted, seconds)."""
    rng = np.random.default_rng(seed)
    base = originals(backend)
    for _, _, made in base:
        if not made.terms:
            made.terms.extend(_term_counts(backend._analyzer(), c.lexical_text) for c in made.chunks)
    with psycopg.connect(url) as connection:
        have = connection.execute("SELECT count(*) FROM chunks").fetchone()[0]
    inserted, number, started = 0, 0, time.perf_counter()
    while have + inserted < target:
        batch = []
        for _ in range(BATCH_DOCUMENTS):
            source, document, made = base[number % len(base)]
            batch.append(copy_of(source, document, made, number, rng))
            number += 1
        with backend.pool.connection() as connection, connection.transaction():
            _insert(connection, [pair for pair, _ in batch], [rows for _, rows in batch])
            _bump(connection)
        inserted += sum(len(rows.chunks) for _, rows in batch)
        print(f"\r{have + inserted:,} chunks", end="", flush=True)
    print()
    return inserted, time.perf_counter() - started


def http_search(url: str, *, requests: int) -> list[float]:
    pool = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    latencies = []
    with httpx.Client(base_url=url, timeout=60, trust_env=False) as client:
        for n in range(5):
            client.post("/v1/search", json={"query": f"uppvärmning {n}", "k": 5}).raise_for_status()
        for n in range(requests):
            question = f"{n}. {pool[n % len(pool)]}"  # a new string every time
            started = time.perf_counter()
            client.post("/v1/search", json={"query": question, "k": 5}).raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    server = EmbeddedPostgres().start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pg-scale-") as folder:
            root = Path(folder)
            url = new_database(server.url(), "scale")
            settings = Settings(corpus_dir=REPO / "corpus", index_dir=root / "index", data_dir=root / "data",
                                database_url=url, rate_limit_per_minute=0)
            assistant = PolicyAssistant.from_settings(settings)
            started = time.perf_counter()
            assistant.ensure_index()
            first = time.perf_counter() - started
            backend = assistant.backend
            assert isinstance(backend, PostgresBackend)
            inserted, seconds = fill(url, backend, target=args.chunks)
            assistant.close()
            with psycopg.connect(url) as connection:
                size = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]
                chunks, documents = connection.execute(
                    "SELECT (SELECT count(*) FROM chunks), (SELECT count(*) FROM documents)").fetchone()
                postings = connection.execute("SELECT count(*) FROM chunk_terms").fetchone()[0]
            env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
            env.update(ASSISTANT_DATABASE_URL=url, ASSISTANT_CORPUS_DIR=str(REPO / "corpus"),
                       ASSISTANT_INDEX_DIR=str(root / "index"), ASSISTANT_DATA_DIR=str(root / "data"),
                       ASSISTANT_RATE_LIMIT_PER_MINUTE="0", HF_HUB_OFFLINE="1")
            port, log = free_port(), root / "serve.log"
            process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                                       cwd=root, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
            try:
                wait_until_ready(f"http://127.0.0.1:{port}", process, log=log, timeout=600)
                latencies = http_search(f"http://127.0.0.1:{port}", requests=args.requests)
            finally:
                stop(process)
    finally:
        server.stop()
    print(f"first start (5 policies, real embeddings): {first:.1f} s")
    print(f"copies inserted: {inserted:,} chunks in {seconds:.0f} s = {inserted / seconds:,.0f} chunks/s "
          "(postings and HNSW inserts included, embedding not)")
    print(f"database: {documents:,} documents, {chunks:,} chunks, {postings:,} postings, "
          f"{size / 2**20:,.0f} MiB ({size / chunks / 1024:.1f} KiB a chunk)")
    print(f"HTTP /v1/search, one replica, {len(latencies)} new questions: p50 {percentile(latencies, 50):.1f} ms, "
          f"p95 {percentile(latencies, 95):.1f} ms, max {max(latencies):.1f} ms")


if __name__ == "__main__":
    main()
