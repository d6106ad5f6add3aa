"""The PostgreSQL backend at 100k chunks: ingest throughput, database size, search latency over
HTTP with one replica (every question a new string) and the recall of filtered searches.

    python -m bench.postgres_scale [--chunks 100000] [--requests 600] [--shared-buffers 1GB]
                                   [--recall-questions 40]

Embedding 100k chunks (and their half a million sentences) for real would take about eight hours
on 2 cores, so the corpus is **the five policies, embedded for real, then copied** until it holds
``--chunks`` chunks: each copy is a new document (own id, file and chunk ids) with the same text,
and vectors and unit vectors that are the real ones plus Gaussian noise (cosine ≈ 0.95 to their
source, renormalised). Postings, HNSW inserts, the database's size, the SQL of every search and
every query embedding are real. Identical texts make BM25's posting lists as long as they can get
(every term occurs in every copy), which is the hard case for the SQL ranking; a thousand noisy
copies of every chunk are as hard a case for HNSW. The copies are written through the backend's
own insert, in transactions of 50 documents.

The searches are a third filtered (``query_mix``): unfiltered (the eval questions without the
municipality they name, which would steer them into a filter), by municipality and by document,
with p50 / p95 for each. Then, in process, each class's dense candidates are compared with an
exact search (every allowed vector ranked, no vector index): recall@50 of the rows and of the
passages (copies count as their original), and whether the top 5 after fusion is the same.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import psycopg
from pgvector.psycopg import register_vector

from assistant.evaluate import percentile
from assistant.facade import PolicyAssistant
from assistant.index.backend import Scope
from assistant.index.postgres.backend import PostgresBackend
from assistant.index.postgres.search import _scope_sql
from assistant.index.postgres.writes import DocumentRows, SourceFile, bump_generation, insert_documents, term_counts
from assistant.models import Document, Filters
from assistant.municipalities import find_municipalities_in_query
from assistant.retrieve import fuse
from assistant.settings import Settings
from bench.server_process import free_port, stop, wait_until_ready
from tests.postgres_server import EmbeddedPostgres, new_database

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "tests" / "eval" / "questions.jsonl"
BATCH_DOCUMENTS = 50
CANDIDATES = 50  # what the retriever takes from each search (ASSISTANT_CANDIDATES)


def noisy(vectors: np.ndarray, rng: np.random.Generator, *, sigma: float = 0.017) -> np.ndarray:
    """``vectors`` plus N(0, sigma²) per dimension, renormalised (cosine ≈ 0.95 at 384 dimensions)."""
    out = vectors + rng.normal(0, sigma, size=vectors.shape).astype(np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.where(norms == 0, 1, norms)).astype(np.float32)


def originals(backend: PostgresBackend) -> list[tuple[SourceFile, Document, DocumentRows]]:
    """The ingested policies, with their chunks, real vectors and term counts."""
    with backend.pool.connection() as connection:
        files = connection.execute("SELECT filename, original FROM documents ORDER BY id").fetchall()
    sources = [SourceFile(name, bytes(data), "upload") for name, data in files]
    parsed, _ = backend._parse(sources)
    analyzer = backend._analyzer()
    rows = backend._rows([d for _, d in parsed], analyzer=analyzer)  # from the embedding cache
    return [(source, document, made) for (source, document), made in zip(parsed, rows, strict=True)]


def copy_of(source: SourceFile, document: Document, made: DocumentRows, number: int, rng: np.random.Generator
            ) -> tuple[tuple[SourceFile, Document], DocumentRows]:
    suffix = f"-copy{number}"
    new_id = document.id + suffix
    name = source.name.replace(".", f"{suffix}.", 1)
    chunks = [c.model_copy(update={"chunk_id": c.chunk_id + suffix, "document_id": new_id}) for c in made.chunks]
    dimension = made.vectors.shape[1]
    units = [noisy(np.frombuffer(blob, dtype=np.float16).astype(np.float32).reshape(-1, dimension), rng)
             .astype(np.float16).tobytes() for blob in made.unit_vectors]
    return ((SourceFile(name, source.data, "upload"), document.model_copy(update={"id": new_id})),
            DocumentRows(chunks, noisy(made.vectors, rng), units, made.terms))


def fill(url: str, backend: PostgresBackend, *, target: int, seed: int = 0) -> tuple[int, float]:
    """Insert copies until the database holds ``target`` chunks; (chunks inserted, seconds)."""
    rng = np.random.default_rng(seed)
    base = originals(backend)
    for _, _, made in base:
        if not made.terms:
            made.terms.extend(term_counts(backend._analyzer(), c.lexical_text) for c in made.chunks)
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
            insert_documents(connection, [pair for pair, _ in batch], [rows for _, rows in batch])
            bump_generation(connection)
        inserted += sum(len(rows.chunks) for _, rows in batch)
        print(f"\r{have + inserted:,} chunks", end="", flush=True)
    print()
    return inserted, time.perf_counter() - started


@dataclass(frozen=True)
class Query:
    """One search of the mix: its class (``unfiltered``, ``municipality``, ``document``), the
    question and the filters sent with it."""

    kind: str
    question: str
    filters: dict[str, str] | None


def query_mix(url: str, *, requests: int, seed: int = 1) -> list[Query]:
    """``requests`` searches, a third of them filtered (in every six: four unfiltered, one by
    municipality, one by document), every question a new string.

    The eval questions name their municipality (71 of 80), which steers an unfiltered search into
    a municipality filter; the unfiltered class takes the names out. The municipality class sends
    the question's own municipality as a filter (a round robin for questions without a document);
    the document class a random copy (or the original) of the question's document."""
    rng = np.random.default_rng(seed)
    pool = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    with psycopg.connect(url) as connection:
        documents = connection.execute("SELECT id, municipality FROM documents ORDER BY id").fetchall()
    municipality_of = dict(documents)
    names = sorted({m for _, m in documents if m})
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")s?\b")
    ids = [d for d, _ in documents]
    copies = {d: [c for c in ids if c == d or c.startswith(f"{d}-copy")] for d in ids if "-copy" not in d}
    mix = []
    for n in range(requests):
        item = pool[(n // 6) % len(pool)]
        document = item.get("document_id") or sorted(copies)[n % len(copies)]
        question = f"{n}. {item['question']}"
        if n % 6 == 4:
            mix.append(Query("municipality", question, {"municipality": municipality_of[document] or names[0]}))
        elif n % 6 == 5:
            choices = copies[document]
            mix.append(Query("document", question, {"document_id": choices[int(rng.integers(len(choices)))]}))
        else:
            unnamed = re.sub(r"\s+", " ", pattern.sub("", question)).strip()
            if find_municipalities_in_query(unnamed, names=names):
                raise AssertionError(f"{unnamed!r} still names a municipality")
            mix.append(Query("unfiltered", unnamed, None))
    return mix


def http_search(url: str, mix: Sequence[Query]) -> dict[str, list[float]]:
    """Milliseconds of each ``/v1/search`` (k = 5) of ``mix``, by class, in the mix's order."""
    latencies: dict[str, list[float]] = {}
    with httpx.Client(base_url=url, timeout=60, trust_env=False) as client:
        for n in range(5):
            client.post("/v1/search", json={"query": f"uppvärmning {n}", "k": 5}).raise_for_status()
        for query in mix:
            started = time.perf_counter()
            client.post("/v1/search", json={"query": query.question, "k": 5, "filters": query.filters}
                        ).raise_for_status()
            latencies.setdefault(query.kind, []).append((time.perf_counter() - started) * 1000)
    return latencies


def exact_dense(url: str, query: np.ndarray, *, k: int, scope: Scope | None) -> list[tuple[int, float]]:
    """The exact ``k`` nearest rows within ``scope``: every allowed row's inner product, no index
    over the vectors (the reference a served search is compared with)."""
    condition, args = _scope_sql(scope, prefix="") if scope is not None else ("true", {})
    dimension = len(query)
    distance = f"embedding::vector({dimension}) <#> %(q)s::vector({dimension})"
    with psycopg.connect(url) as connection, connection.transaction():
        register_vector(connection)
        connection.execute("SET LOCAL enable_indexscan = off")
        connection.execute("SET LOCAL jit = off")
        found = connection.execute(f"SELECT chunk_row, -({distance}) FROM chunks WHERE {condition} "
                                   f"ORDER BY {distance}, chunk_row LIMIT %(k)s", {**args, "q": query, "k": k}
                                   ).fetchall()
    return [(int(row), float(score)) for row, score in found]


def recall(assistant: PolicyAssistant, url: str, mix: Sequence[Query], *, k: int) -> dict[str, Recall]:
    """How the served dense search compares with exact search, by class (see ``Recall``)."""
    serving = assistant._require()
    store = serving.index.store
    weights = (assistant.settings.dense_weight, assistant.settings.lexical_weight)
    found: dict[str, list[tuple[float, float, bool, bool]]] = {}

    def passages(rows: Sequence[int]) -> set[str]:  # a copy's chunk counts as its original
        chunks = store.chunks(rows)
        return {re.sub(r"-copy\d+$", "", chunks[row].chunk_id) for row in rows}

    for query in mix:
        filters = Filters(**query.filters) if query.filters else None
        plan = serving.retriever.plan(query.question, filters=filters)
        vector = np.asarray(assistant.embedder.embed_queries([plan.question]), dtype=np.float32).reshape(-1)
        dense = serving.index.dense_search(vector, k=k, scope=plan.scope)
        served = [row for row, _ in dense]
        exact = exact_dense(url, vector, k=k, scope=plan.scope)
        lexical = serving.index.lexical_search(plan.lexical_query, k=k, scope=plan.scope)
        hits = [row for row, _ in fuse(dense, lexical, weights=weights)[:5]]
        expected = [row for row, _ in fuse(exact, lexical, weights=weights)[:5]]
        rows = len(set(served) & {r for r, _ in exact}) / max(1, len(exact))
        sources = passages([r for r, _ in exact])
        found.setdefault(query.kind, []).append((rows, len(passages(served) & sources) / max(1, len(sources)),
                                                 hits == expected, passages(hits) == passages(expected)))
    return {kind: Recall(len(values), *(float(np.mean([v[i] for v in values])) for i in range(4)),
                         lowest=min(v[0] for v in values)) for kind, values in found.items()}


@dataclass(frozen=True)
class Recall:
    """Served dense search against exact search over one class of questions: mean recall@k of
    the rows and of the passages (a copy's chunk counts as its original: the copies differ only by
    noise, so a search may return other copies of the same passages), and the share of questions
    whose top 5 after fusion is the exact search's, as rows and as a set of passages."""

    questions: int
    rows: float
    passages: float
    same_rows: float
    same_passages: float
    lowest: float  # the lowest recall@k of the rows


def per_class(mix: Sequence[Query], *, each: int) -> list[Query]:
    """At most ``each`` queries of every class of ``mix``, in order."""
    taken: dict[str, int] = {}
    kept = []
    for query in mix:
        if taken.get(query.kind, 0) < each:
            taken[query.kind] = taken.get(query.kind, 0) + 1
            kept.append(query)
    return kept


KINDS = {"unfiltered": "unfiltered", "municipality": "municipality filter", "document": "document filter"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=600, help="timed searches (a third filtered)")
    parser.add_argument("--shared-buffers", default="1GB",
                        help="PostgreSQL's buffer cache: docs/deployment.md's size for 100k chunks (the indexes "
                             "searches read stay in memory)")
    parser.add_argument("--recall-questions", type=int, default=40,
                        help="questions of each class whose dense candidates are compared with exact search")
    args = parser.parse_args()
    server = EmbeddedPostgres(shared_buffers=args.shared_buffers).start()
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
                latencies = http_search(f"http://127.0.0.1:{port}", query_mix(url, requests=args.requests))
            finally:
                stop(process)
            checked = per_class(query_mix(url, requests=6 * args.recall_questions, seed=2), each=args.recall_questions)
            recalls = recall(assistant, url, checked, k=CANDIDATES)
            assistant.close()
    finally:
        server.stop()
    print(f"first start (5 policies, real embeddings): {first:.1f} s")
    print(f"copies inserted: {inserted:,} chunks in {seconds:.0f} s = {inserted / seconds:,.0f} chunks/s "
          "(postings and HNSW inserts included, embedding not)")
    print(f"PostgreSQL shared_buffers {args.shared_buffers}")
    print(f"database: {documents:,} documents, {chunks:,} chunks, {postings:,} postings, "
          f"{size / 2**20:,.0f} MiB ({size / chunks / 1024:.1f} KiB a chunk)")
    every = [ms for values in latencies.values() for ms in values]
    print(f"\nHTTP /v1/search (k = 5), one replica, {len(every)} new questions, a third filtered:\n")
    print("| searches | n | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|")
    for kind, values in [*((KINDS[kind], latencies[kind]) for kind in KINDS if kind in latencies), ("all", every)]:
        print(f"| {kind} | {len(values)} | {percentile(values, 50):.1f} | {percentile(values, 95):.1f} | "
              f"{max(values):.1f} |")
    print(f"\nDense candidates (k = {CANDIDATES}) against exact search, in process:\n")
    print(f"| searches | n | recall@{CANDIDATES}: rows (lowest) | passages | top 5 as exact: rows | passages |")
    print("|---|---|---|---|---|---|")
    for kind in KINDS:
        if kind in recalls:
            r = recalls[kind]
            print(f"| {KINDS[kind]} | {r.questions} | {r.rows:.3f} ({r.lowest:.2f}) | {r.passages:.3f} | "
                  f"{r.same_rows:.0%} | {r.same_passages:.0%} |")


if __name__ == "__main__":
    main()
