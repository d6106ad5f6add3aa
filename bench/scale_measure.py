"""Measurements of ``bench/scale.py`` on a built index: HNSW recall@10 against exact over an
``ef_search`` sweep, the plain LangChain baseline (build and search), the server in a subprocess (RSS,
``/v1/ask`` latency, ``/v1/search`` throughput), and the embedding floor against plain encoding."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.embed import Embedder
from assistant.settings import Settings
from bench.scale_build import BuildResult, Perturber
from bench.scale_common import EF_SWEEP, NEAR_TIE, REPO, Latency, first_and_repeated, timed_ms
from bench.search_vs_langchain import Result, recall_at_5
from bench.server_process import free_port, stop, wait_until_ready

if TYPE_CHECKING:
    from langchain_community.vectorstores import FAISS
    from sentence_transformers import SentenceTransformer

    from assistant.evaluate import EvalQuestion
    from assistant.facade import PolicyAssistant
    from assistant.glossary import Glossary


# --- in-process search and recall --------------------------------------------------------------------


def open_assistant(settings: Settings, *, embedder: Embedder, glossary: Glossary) -> PolicyAssistant:
    from assistant.facade import PolicyAssistant

    assistant = PolicyAssistant(settings=settings, embedder=embedder, glossary=glossary)
    assistant.load_index()
    return assistant


@dataclass(frozen=True)
class RecallRow:
    m: int
    ef: int
    served: float  # with the municipality steering the product applies
    unfiltered: float
    faiss: Latency  # one dense search of ``candidates`` rows, as served
    served_near: float  # as ``served``, counting hits within NEAR_TIE cosine of the exact 10th as found


def recall_sweep(*, flat_dir: Path, hnsw_dir: Path, m: int, queries: Sequence[str], embedder: Embedder,
                 glossary: Glossary, candidates: int, efs: Sequence[int] = EF_SWEEP,
                 rebuild_m: int | None = None) -> tuple[list[RecallRow], Latency]:
    """HNSW recall@10 against exact over ``efs``; with ``rebuild_m``, on an HNSW graph rebuilt from the
    exact vectors with that M instead of the built one. Also the exact dense search latency."""
    from assistant.index.build import SearchIndex
    from assistant.index.layout import IndexLayout
    from assistant.index.vectors import VectorIndex
    from assistant.retrieve import HybridRetriever

    flat_version, hnsw_version = IndexLayout(flat_dir).current(), IndexLayout(hnsw_dir).current()
    assert flat_version is not None and hnsw_version is not None
    exact_index = SearchIndex.load(flat_version)
    try:
        retriever = HybridRetriever(index=exact_index, embedder=embedder, glossary=glossary)
        allowed = [exact_index.rows_in(retriever.plan(q).scope) for q in queries]
        vectors = embedder.embed_queries(list(queries))
        truth, exact_ms = _dense_runs(exact_index.vectors, vectors, allowed, k=candidates)
        truth_all, _ = _dense_runs(exact_index.vectors, vectors, [None] * len(queries), k=candidates)
    finally:
        exact_index.close()
    if rebuild_m:
        hnsw_version = _rebuilt(flat_version, m=rebuild_m, into=flat_dir.parent / f"{flat_dir.name}-m{rebuild_m}")
    rows = []
    for ef in efs:
        hnsw = VectorIndex.load(hnsw_version, ef_search=ef)
        found, ms = _dense_runs(hnsw, vectors, allowed, k=candidates)
        found_all, _ = _dense_runs(hnsw, vectors, [None] * len(queries), k=candidates)
        rows.append(RecallRow(m=rebuild_m or m, ef=ef, served=_recall_at_10(found, truth),
                              unfiltered=_recall_at_10(found_all, truth_all), faiss=Latency.of(ms),
                              served_near=_recall_at_10(found, truth, tolerance=NEAR_TIE)))
    return rows, Latency.of(exact_ms)


def _dense_runs(index: Any, vectors: np.ndarray, allowed: Sequence[np.ndarray | None], *,
                k: int) -> tuple[list[list[tuple[int, float]]], list[float]]:
    results, timings = [], []
    for vector, rows in zip(vectors, allowed, strict=True):
        began = time.perf_counter()
        results.append(index.search(vector[None, :], k=k, allowed=rows)[0])
        timings.append((time.perf_counter() - began) * 1000)
    return results, timings


def _recall_at_10(found: list[list[tuple[int, float]]], truth: list[list[tuple[int, float]]], *,
                  tolerance: float = 1e-5) -> float:
    """Share of the exact top 10 the approximate top 10 matches; a hit scoring at least the exact
    10th score (less ``tolerance``: ties, near-duplicates) counts as found."""
    hits = total = 0
    for approximate, exact in zip(found, truth, strict=True):
        exact = exact[:10]
        if not exact:
            continue
        threshold = exact[-1][1] - tolerance
        hits += sum(1 for _, score in approximate[:10] if score >= threshold)
        total += len(exact)
    return hits / total if total else 1.0


def _rebuilt(flat_version: Path, *, m: int, into: Path) -> Path:
    """An HNSW index with ``m`` links over the exact index's vectors, built as the product builds
    it and saved in ``into``."""
    import faiss

    from assistant.index.vectors import VectorIndex

    flat = faiss.read_index(str(flat_version / "vectors.faiss"))
    into.mkdir(parents=True, exist_ok=True)
    VectorIndex.build(flat.reconstruct_n(0, flat.ntotal), hnsw_threshold=1, hnsw_m=m).save(into)
    return into

# --- the LangChain baseline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LangChainResult:
    chunks: int
    seconds: float
    first: Latency
    recall_at_5: float


def langchain_store(corpus: Path, *, embeddings: Any, perturber: Perturber | None) -> tuple[FAISS, int]:
    """RecursiveCharacterTextSplitter(1000, 200) + LangChain FAISS, as in LangChain's tutorials."""
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    documents = [Document(page_content=p.read_text(encoding="utf-8"), metadata={"document_id": p.stem})
                 for p in sorted(corpus.iterdir()) if p.suffix in {".txt", ".md"}]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)
    if perturber is None:
        return FAISS.from_documents(chunks, embeddings), len(chunks)
    texts = [chunk.page_content for chunk in chunks]
    pairs = list(zip(texts, perturber.vectors(texts).tolist(), strict=True))
    return FAISS.from_embeddings(pairs, embeddings, metadatas=[c.metadata for c in chunks]), len(chunks)


def save_langchain_base(store: FAISS, target: Path) -> None:
    """Keep the LangChain store's real vectors, keyed by its chunk texts, for perturbed sizes."""
    rows = range(store.index.ntotal)
    texts = [store.docstore.search(store.index_to_docstore_id[row]).page_content for row in rows]
    keys = np.array([np.frombuffer(Perturber.key(text), dtype=np.uint8) for text in texts], dtype=np.uint8)
    Perturber(store.index.reconstruct_n(0, store.index.ntotal), keys).save(target)


def run_langchain(corpus: Path, *, embeddings: Any, perturber: Perturber | None, queries: Sequence[str],
                  warmup: Sequence[str], answerable: Sequence[EvalQuestion],
                  keep_base: Path | None = None) -> LangChainResult:
    began = time.perf_counter()
    store, chunks = langchain_store(corpus, embeddings=embeddings, perturber=perturber)
    seconds = time.perf_counter() - began
    if keep_base is not None:
        save_langchain_base(store, keep_base)

    def search(question: str) -> list[Result]:
        return [Result(d.metadata["document_id"], d.page_content) for d in store.similarity_search(question, k=10)]

    first, _ = first_and_repeated(search, queries, warmup=warmup, passes=1)
    return LangChainResult(chunks=chunks, seconds=seconds, first=Latency.of(first),
                           recall_at_5=recall_at_5(search, answerable))

# --- the server in a subprocess --------------------------------------------------------------------------

_SERVE = """
import sys
import uvicorn
from api.app import create_app
from api.observability import configure_logging
from assistant.facade import PolicyAssistant
from assistant.settings import Settings
configure_logging()
assistant = PolicyAssistant.from_settings(Settings())
assistant.load_index()
uvicorn.run(create_app(assistant), host="127.0.0.1", port=int(sys.argv[1]), log_config=None, access_log=False)
"""
_NOT_FOR_THE_SERVER = ("ASSISTANT_LLM_BASE_URL", "ASSISTANT_LLM_MODEL", "ASSISTANT_LLM_API_KEY", "OPENAI_API_KEY",
                       "ASSISTANT_READER_KEYS", "ASSISTANT_ADMIN_KEYS")


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def rss(self) -> int:
        import psutil

        return int(psutil.Process(self.pid).memory_info().rss)


@contextlib.contextmanager
def serving(settings: Settings, *, log: Path, timeout: float = 300) -> Iterator[Server]:
    """``assistant serve`` on a loopback port in a subprocess (extractive answers, no keys, no rate limit)."""
    env = {k: v for k, v in os.environ.items() if k not in _NOT_FOR_THE_SERVER}
    env |= {"ASSISTANT_CORPUS_DIR": str(settings.corpus_dir), "ASSISTANT_INDEX_DIR": str(settings.index_dir),
            "ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_HNSW_EF_SEARCH": str(settings.hnsw_ef_search),
            "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",  # the default 120/min per caller would answer with 429
            "TRANSFORMERS_VERBOSITY": "error"}
    port = free_port()
    with open(log, "wb") as sink:
        process = subprocess.Popen([sys.executable, "-c", _SERVE, str(port)], cwd=REPO, env=env,
                                   stdout=sink, stderr=subprocess.STDOUT)
    try:
        server = Server(f"http://127.0.0.1:{port}", process.pid)
        wait_until_ready(server.url, process, log=log, timeout=timeout)
        yield server
    finally:
        stop(process)


@dataclass(frozen=True)
class ServerResult:
    kind: str
    rss_loaded: int
    rss_after: int
    ask_first: Latency
    ask_repeated: Latency
    throughput: dict[int, tuple[float, int, int]]  # clients → (requests/s, answered, failed)


def measure_server(settings: Settings, *, kind: str, log: Path, queries: Sequence[str], warmup: Sequence[str],
                   pool: Sequence[str], passes: int, max_requests: int, max_seconds: float) -> ServerResult:
    import httpx

    with serving(settings, log=log) as server:
        rss_loaded = server.rss()
        with httpx.Client(base_url=server.url, timeout=120) as client:
            def ask(question: str) -> None:
                client.post("/v1/ask", json={"question": question}).raise_for_status()

            first, repeated = first_and_repeated(ask, queries, warmup=warmup, passes=passes)
        throughput = {}
        for number, clients in enumerate((8, 32)):
            batch = pool[number * max_requests:(number + 1) * max_requests]
            throughput[clients] = asyncio.run(_throughput(server.url, batch, clients=clients, max_seconds=max_seconds))
        return ServerResult(kind=kind, rss_loaded=rss_loaded, rss_after=server.rss(), ask_first=Latency.of(first),
                            ask_repeated=Latency.of(repeated), throughput=throughput)


async def _throughput(url: str, queries: Sequence[str], *, clients: int, max_seconds: float) -> tuple[float, int, int]:
    """``clients`` concurrent loops posting distinct searches until the queries or the time run out."""
    import httpx

    pending = iter(queries)
    counts = {"ok": 0, "failed": 0}
    deadline = time.perf_counter() + max_seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        async def loop() -> None:
            for query in pending:
                if time.perf_counter() > deadline:
                    return
                response = await client.post("/v1/search", json={"query": query, "k": 10})
                counts["ok" if response.status_code == 200 else "failed"] += 1

        began = time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(clients)))
        seconds = time.perf_counter() - began
    return counts["ok"] / seconds, counts["ok"], counts["failed"]

# --- the floor and plain encoding -------------------------------------------------------------------------


def floor_ms(model: SentenceTransformer, questions: Sequence[str], *, passes: int) -> list[float]:
    """One short question embedded with the model alone, no assistant around it."""
    def encode(question: str) -> None:
        model.encode([question], normalize_embeddings=True, show_progress_bar=False)

    timed_ms(encode, questions[:10])
    return [t for _ in range(passes) for t in timed_ms(encode, questions)]


@dataclass(frozen=True)
class EncodeResult:
    sample: int
    plain: float  # chunks/s, SentenceTransformer.encode(batch_size=32)
    ours: float  # chunks/s, Embedder.embed_passages (length-sorted batches)
    build: float  # chunks/s of the whole build at that size
    onnx: float  # chunks/s, OnnxEmbedder (int8).embed_passages
    onnx_build: float  # chunks/s of the whole build with ASSISTANT_EMBEDDING_BACKEND=onnx-int8


def encode_comparison(index_dir: Path, *, model: SentenceTransformer, embedder: Embedder, onnx: Embedder,
                      batch_size: int, sample: int, build: BuildResult, onnx_build: BuildResult) -> EncodeResult:
    from assistant.index.build import SearchIndex
    from assistant.index.layout import IndexLayout

    version = IndexLayout(index_dir).current()
    assert version is not None
    index = SearchIndex.load(version)
    try:
        texts = [chunk.embedding_text for chunk in index.store.all_chunks()]
    finally:
        index.close()
    chosen = random.Random(0).sample(texts, sample) if 0 < sample < len(texts) else texts
    began = time.perf_counter()
    model.encode(chosen, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
    plain = len(chosen) / (time.perf_counter() - began)
    began = time.perf_counter()
    embedder.embed_passages(chosen, batch_size=batch_size)
    ours = len(chosen) / (time.perf_counter() - began)
    began = time.perf_counter()
    onnx.embed_passages(chosen, batch_size=batch_size)
    quantized = len(chosen) / (time.perf_counter() - began)
    return EncodeResult(sample=len(chosen), plain=plain, ours=ours, build=build.chunks_per_second, onnx=quantized,
                        onnx_build=onnx_build.chunks_per_second)
