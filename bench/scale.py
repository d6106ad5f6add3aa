"""How the assistant behaves as the corpus grows: build, memory, search, answers, HTTP, at 1k-100k chunks.

    python -m bench.scale [--sizes 1000,10000,100000] [--regeringen PATH] [--out bench/out] [--repeat N]

For each size a corpus is generated in a temporary folder (``bench/scale_corpus.py``: the five real
policies, variants of them for other municipalities, and regeringen.se pages as Markdown when the
dump is readable), counted in chunks with the real parser and chunker. Then, side by side:

- this project: the index built in a child process (time, chunks/s, peak RSS, size on disk), once
  exact and once HNSW (the second from the embedding cache); search latency in-process for both
  (new questions, then the same questions again, when the query vector is cached); HNSW recall@10
  against exact over a sweep of ``ef_search``; the server (``assistant serve`` equivalent) in a
  subprocess: its RSS, ``POST /v1/ask`` latency over loopback HTTP, ``/v1/search`` throughput
  with 8 and 32 concurrent clients;
- the plain LangChain pipeline (RecursiveCharacterTextSplitter 1000/200, LangChain FAISS,
  HuggingFaceEmbeddings with the same model): build time and search latency;
- the floor (embedding one question with the model alone) and, at the largest size embedded for
  real, the build's throughput against a plain ``SentenceTransformer.encode(batch_size=32)``.

Sizes above ``--real-max`` (10,000) are not embedded for real (that would take hours on a CPU):
their vectors are the real vectors of the largest real size, chosen by text hash (a text's own
vector when it was embedded) plus small Gaussian noise, renormalised. Parsing, chunking, BM25 and
the chunk store see the real generated text; queries are embedded for real. Tables say which.

Prints Markdown tables and writes PNG plots and ``scale.json`` into ``--out``. A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.embed import Embedder
from assistant.settings import Settings
from bench.scale_corpus import ScaleCorpus, generate_corpus, generate_questions, load_pages, load_sources
from bench.search_vs_langchain import Result, percentile, recall_at_5
from bench.server_process import free_port, stop, wait_until_ready

if TYPE_CHECKING:
    from langchain_community.vectorstores import FAISS
    from sentence_transformers import SentenceTransformer

    from assistant.evaluate import EvalQuestion
    from assistant.facade import PolicyAssistant
    from assistant.glossary import Glossary

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REGERINGEN = REPO.parent / "shared" / "corpora" / "regeringen-g0vse-2026-01.jsonl.gz"
QUESTIONS = REPO / "tests" / "eval" / "questions.jsonl"
ADDED_SOURCE = REPO / "corpus" / "tranas-integrationspolitiskt-program.txt"  # added as another town's policy
NOISE_NORM = 0.3  # length of the noise added to a unit vector: cosine to its source ≈ 0.95
EF_SWEEP = (64, 128, 256, 512, 1024)
NEAR_TIE = 0.01  # cosine: hits this close to the exact 10th are near-duplicates of it
FLAT_ONLY = 10**9  # an hnsw_threshold no corpus reaches
GENERATED_QUESTIONS = 120
WARMUP_QUESTIONS = 20
MB = 1024 * 1024
TARGETS = {"floor_ratio_1k": 2.0, "search_p95_100k_ms": 30.0, "ask_p95_100k_ms": 80.0, "encode_ratio": 2.0,
           "rss_100k_mb": 1536.0, "recall": 0.98, "add_100k_s": 10.0}


# --- small helpers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    """Milliseconds: median, 95th percentile, how many samples."""

    p50: float
    p95: float
    n: int

    @classmethod
    def of(cls, timings: Sequence[float]) -> Latency:
        if len(timings) < 2:
            value = timings[0] if timings else float("nan")
            return cls(value, value, len(timings))
        return cls(percentile(timings, 50), percentile(timings, 95), len(timings))

    def cell(self) -> str:
        return f"{self.p50:.1f} / {self.p95:.1f}"


class Clock:
    """Prints each stage's start and duration; keeps them for the summary table."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stages: list[tuple[str, float]] = []

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        print(f"[{self.elapsed():7.1f} s] {name} …", flush=True)
        yield
        seconds = time.perf_counter() - began
        self.stages.append((name, seconds))
        load = os.getloadavg()[0]
        print(f"[{self.elapsed():7.1f} s] {name}: {seconds:.1f} s (load average {load:.1f})", flush=True)


def timed_ms(call: Callable[[str], object], items: Sequence[str]) -> list[float]:
    """Each item through ``call`` once, timed in milliseconds."""
    timings = []
    for item in items:
        began = time.perf_counter()
        call(item)
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def first_and_repeated(call: Callable[[str], object], queries: Sequence[str], *, warmup: Sequence[str],
                       passes: int) -> tuple[list[float], list[float]]:
    """Warm up on other questions, time one pass over new ``queries``, then ``passes - 1`` repeats."""
    timed_ms(call, warmup)
    first = timed_ms(call, queries)
    repeated = [t for _ in range(passes - 1) for t in timed_ms(call, queries)]
    return first, repeated


def folder_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def bench_settings(*, corpus: Path, index_dir: Path, data_dir: Path, hnsw_threshold: int | None = None,
                   hnsw_m: int | None = None, ef_search: int | None = None, backend: str | None = None) -> Settings:
    """The environment's settings with the benchmark's folders and index choices."""
    chosen = {"hnsw_threshold": hnsw_threshold, "hnsw_m": hnsw_m, "hnsw_ef_search": ef_search,
              "embedding_backend": backend}
    return Settings(corpus_dir=corpus, index_dir=index_dir, data_dir=data_dir,
                    **{key: value for key, value in chosen.items() if value is not None})


def real_embedder(settings: Settings) -> Embedder:
    """The embedder ``PolicyAssistant.from_settings`` would wire."""
    from assistant.embed import embedder_for

    return embedder_for(settings)


def quiet_libraries() -> None:
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


# --- perturbed embeddings for sizes not embedded for real ------------------------------------------


class Perturber:
    """Unit vectors for any text from a base of real ones: the text's own vector when the base holds
    it, else a base vector chosen by the text's hash; plus Gaussian noise seeded by that hash."""

    def __init__(self, vectors: np.ndarray, keys: np.ndarray, *, noise_norm: float = NOISE_NORM) -> None:
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._rows = {bytes(key): row for row, key in enumerate(keys)}
        self._sigma = noise_norm / np.sqrt(self._vectors.shape[1])

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha256(text.encode()).digest()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self._vectors.shape[1]), dtype=np.float32)
        for i, text in enumerate(texts):
            key = self.key(text)
            seed = int.from_bytes(key[:8], "little")
            row = self._rows.get(key, seed % len(self._vectors))
            noise = np.random.default_rng(seed).standard_normal(self._vectors.shape[1]).astype(np.float32)
            vector = self._vectors[row] + noise * self._sigma
            out[i] = vector / np.linalg.norm(vector)
        return out

    def save(self, path: Path) -> None:
        keys = np.array([np.frombuffer(key, dtype=np.uint8) for key in self._rows], dtype=np.uint8)
        np.savez(path, vectors=self._vectors, keys=keys)

    @classmethod
    def load(cls, path: Path) -> Perturber:
        with np.load(path, allow_pickle=False) as data:
            return cls(data["vectors"], data["keys"])


class PerturbedEmbedder(Embedder):
    """The real embedder for tokens and queries; perturbed base vectors for passages."""

    def __init__(self, real: Embedder, perturber: Perturber) -> None:
        self._real = real
        self._perturber = perturber
        self.model_id = real.model_id
        self.dimension = real.dimension
        self.max_tokens = real.max_tokens
        self.query_prefix = real.query_prefix
        self.passage_prefix = real.passage_prefix

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self._perturber.vectors(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._real.embed_queries(texts)

    def count_tokens(self, text: str) -> int:
        return self._real.count_tokens(text)


def save_base(index_dir: Path, target: Path, *, passage_prefix: str) -> int:
    """Keep the real vectors of a built index, keyed by the exact texts embedded."""
    import faiss

    from assistant.index.build import SearchIndex
    from assistant.index.layout import IndexLayout

    version = IndexLayout(index_dir).current()
    assert version is not None
    index = SearchIndex.load(version)
    try:
        chunks = index.store.chunks(range(index.store.chunk_count))
        keys = [Perturber.key(passage_prefix + chunks[row].embedding_text) for row in range(len(chunks))]
    finally:
        index.close()
    flat = faiss.read_index(str(version / "vectors.faiss"))
    vectors = flat.reconstruct_n(0, flat.ntotal)
    Perturber(vectors, np.array([np.frombuffer(k, dtype=np.uint8) for k in keys])).save(target)
    return len(keys)


# --- building in a child process -----------------------------------------------------------------------


@dataclass(frozen=True)
class BuildSpec:
    corpus: Path
    index_dir: Path
    data_dir: Path
    hnsw_threshold: int
    base: Path | None = None  # perturbed embeddings from this base
    backend: str | None = None  # embedding backend, else the settings'


@dataclass(frozen=True)
class BuildResult:
    seconds: float
    chunks: int
    documents: int
    skipped: int
    kind: str
    peak_rss: int
    rss_before: int  # after loading the model, before building
    disk_bytes: int

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds


def _build(spec: BuildSpec) -> BuildResult:
    """In a fresh process: wire the assistant, build, report time and peak memory."""
    quiet_libraries()
    from assistant.facade import PolicyAssistant
    from assistant.glossary import Glossary

    settings = bench_settings(corpus=spec.corpus, index_dir=spec.index_dir, data_dir=spec.data_dir,
                              hnsw_threshold=spec.hnsw_threshold, backend=spec.backend)
    real = real_embedder(settings)
    embedder = real if spec.base is None else PerturbedEmbedder(real, Perturber.load(spec.base))
    assistant = PolicyAssistant(settings=settings, embedder=embedder, glossary=Glossary.load_default())
    before = peak_rss()
    began = time.perf_counter()
    manifest = assistant.build_index()
    seconds = time.perf_counter() - began
    peak = peak_rss()
    version = assistant.layout.current()
    assert version is not None
    return BuildResult(seconds=seconds, chunks=manifest.chunks, documents=manifest.documents,
                       skipped=len(manifest.skipped), kind=manifest.vector_index, peak_rss=peak,
                       rss_before=before, disk_bytes=folder_bytes(version))


def peak_rss() -> int:
    """This process's peak resident memory in bytes. ``VmHWM`` where Linux has it: ``ru_maxrss``
    carries the parent's RSS over ``exec``, which would charge a spawned child with its parent's."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@dataclass(frozen=True)
class AddResult:
    seconds: float  # library.add: parse in a worker, chunk, embed, append, publish, load the new version
    chunks: int  # the added document's
    total: int  # the index's after the add
    appended: bool  # False: the build fell back to a full rebuild
    load_seconds: float  # opening the index before the add (not part of the add)


ADDED_NAME = "bench-tillagd-policy.txt"


def _add_document(spec: BuildSpec, source: Path) -> AddResult:
    """In a fresh process: serve the built index, then add one real policy (under a new name and
    municipality) through ``PolicyAssistant.library.add``, embedded for real, as an upload would be."""
    quiet_libraries()
    from assistant.facade import PolicyAssistant
    from assistant.glossary import Glossary

    settings = bench_settings(corpus=spec.corpus, index_dir=spec.index_dir, data_dir=spec.data_dir,
                              hnsw_threshold=spec.hnsw_threshold)
    assistant = PolicyAssistant(settings=settings, embedder=real_embedder(settings), glossary=Glossary.load_default())
    began = time.perf_counter()
    before = assistant.load_index()
    loaded = time.perf_counter() - began
    data = source.read_text(encoding="utf-8").replace("Tranås", "Heby").encode()
    began = time.perf_counter()
    info = assistant.library.add(ADDED_NAME, data)
    seconds = time.perf_counter() - began
    manifest = assistant.manifest
    served = info.id in {d.id for d in assistant.documents()}
    return AddResult(seconds=seconds, chunks=manifest.chunks - before.chunks, total=manifest.chunks,
                     appended=manifest.appended_to == before.version and served, load_seconds=loaded)


def add_in_child(spec: BuildSpec, source: Path) -> AddResult:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_add_document, spec, source).result()


def build_in_child(spec: BuildSpec) -> BuildResult:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_build, spec).result()


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


# --- parsing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParseCost:
    files: int
    build_ms: float  # per file, through the build's parse_corpus (as the product parses a corpus)
    direct_ms: float  # per file, parse_file in this process


def parse_cost(corpus: Path, *, sample: int, work: Path) -> ParseCost:
    """Per-file parse time the way the index build parses, and parsing in-process, on the same files."""
    import shutil

    from assistant.index.build import parse_corpus
    from assistant.parse import parse_file

    files = sorted(p for p in corpus.iterdir() if p.is_file())
    chosen = random.Random(0).sample(files, min(sample, len(files)))
    folder = work / "parse-sample"
    folder.mkdir()
    for path in chosen:
        shutil.copy(path, folder / path.name)
    began = time.perf_counter()
    parse_corpus(folder)
    build_ms = (time.perf_counter() - began) * 1000 / len(chosen)
    began = time.perf_counter()
    for path in sorted(folder.iterdir()):
        parse_file(path)
    direct_ms = (time.perf_counter() - began) * 1000 / len(chosen)
    shutil.rmtree(folder)
    return ParseCost(files=len(chosen), build_ms=build_ms, direct_ms=direct_ms)


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


# --- one size ---------------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    target: int
    corpus: dict[str, Any]
    perturbed: bool
    build: BuildResult
    other_build: BuildResult
    floor: Latency
    search: dict[str, Latency] = field(default_factory=dict)
    recall_5: dict[str, float] = field(default_factory=dict)
    overlap_10: float = float("nan")
    recall: list[RecallRow] = field(default_factory=list)
    exact_dense: Latency | None = None
    langchain: LangChainResult | None = None
    server: ServerResult | None = None
    encode: EncodeResult | None = None
    add: AddResult | None = None

    @property
    def chunks(self) -> int:
        return self.build.chunks

    @property
    def served(self) -> str:
        return self.build.kind


@dataclass
class Run:
    """What stays loaded across sizes, and the arguments."""

    args: argparse.Namespace
    clock: Clock
    work: Path
    settings: Settings
    embedder: Embedder
    onnx: Embedder  # the onnx-int8 backend, exported once into onnx_cache
    onnx_cache: Path
    glossary: Glossary
    plain: SentenceTransformer
    lc_embeddings: Any
    eval_questions: list[EvalQuestion]
    pages: list[Any]
    base: Path | None = None
    base_size: int = 0
    lc_base: Path | None = None
    parsing: ParseCost | None = None


def run_size(run: Run, target: int) -> SizeResult:
    clock, args = run.clock, run.args
    label = f"{target:,} chunks"
    perturbed = target > args.real_max
    with clock.stage(f"{label}: generate the corpus"):
        corpus = make_corpus(run, target)
    queries, warmup, pool = question_sets(run, corpus, target)
    flat_dir, hnsw_dir = run.work / f"index-{target}-flat", run.work / f"index-{target}-hnsw"
    default_kind = "hnsw" if corpus.chunks >= run.settings.hnsw_threshold else "flat"
    first_dir, second_dir = (hnsw_dir, flat_dir) if default_kind == "hnsw" else (flat_dir, hnsw_dir)
    embeddings = f"perturbed (from the {run.base_size:,} real)" if perturbed else "real"
    with clock.stage(f"{label}: build {default_kind} ({embeddings} embeddings)"):
        build = build_in_child(_spec(run, corpus.directory, first_dir, perturbed=perturbed))
    second_dir.mkdir(parents=True)
    (second_dir / "cache").symlink_to(first_dir / "cache", target_is_directory=True)
    with clock.stage(f"{label}: build {'flat' if default_kind == 'hnsw' else 'hnsw'} (embeddings from the cache)"):
        other = build_in_child(_spec(run, corpus.directory, second_dir, perturbed=perturbed))
    if run.parsing is None:
        with clock.stage(f"{label}: parse cost per file"):
            run.parsing = parse_cost(corpus.directory, sample=run.args.parse_sample, work=run.work)
    if not perturbed:  # sizes ascend: the largest real size is the base of the perturbed ones
        run.base, run.base_size = run.work / "base.npz", save_base(flat_dir, run.work / "base.npz",
                                                                    passage_prefix=run.embedder.passage_prefix)
    with clock.stage(f"{label}: floor"):
        floor = Latency.of(floor_ms(run.plain, [q.question for q in run.eval_questions], passes=args.repeat))
    result = SizeResult(target=target, corpus=_corpus_summary(corpus), perturbed=perturbed, build=build,
                        other_build=other, floor=floor)
    with clock.stage(f"{label}: search in-process (exact and HNSW)"):
        measure_search(run, result, corpus=corpus.directory, flat_dir=flat_dir, hnsw_dir=hnsw_dir, queries=queries,
                       warmup=warmup)
    with clock.stage(f"{label}: HNSW recall@10 against exact"):
        measure_recall(run, result, flat_dir=flat_dir, hnsw_dir=hnsw_dir, queries=queries)
    with clock.stage(f"{label}: LangChain baseline ({embeddings} embeddings)"):
        perturber = Perturber.load(run.lc_base) if perturbed and run.lc_base else None
        keep = run.work / "langchain-base.npz" if not perturbed else None
        result.langchain = run_langchain(corpus.directory, embeddings=run.lc_embeddings, perturber=perturber,
                                         queries=queries, warmup=warmup, keep_base=keep,
                                         answerable=[q for q in run.eval_questions if q.answerable])
        run.lc_base = keep or run.lc_base
    with clock.stage(f"{label}: server ({default_kind}): RSS, /v1/ask, /v1/search throughput"):
        settings = _settings(run, corpus.directory, first_dir)
        result.server = measure_server(settings, kind=default_kind, log=run.work / f"server-{target}.log",
                                       queries=queries, warmup=warmup, pool=pool, passes=args.repeat,
                                       max_requests=args.max_requests, max_seconds=args.max_seconds)
    with clock.stage(f"{label}: add one document to the {default_kind} index (real embeddings)"):
        result.add = add_in_child(_spec(run, corpus.directory, first_dir, perturbed=perturbed), ADDED_SOURCE)
    if not perturbed and target == max(s for s in args.sizes if s <= args.real_max):
        onnx_dir = run.work / f"index-{target}-onnx"
        (onnx_dir / "cache").mkdir(parents=True)
        (onnx_dir / "cache" / "onnx").symlink_to(run.onnx_cache, target_is_directory=True)  # exported already
        with clock.stage(f"{label}: build flat with the onnx-int8 backend (real embeddings)"):
            onnx_build = build_in_child(BuildSpec(corpus=corpus.directory, index_dir=onnx_dir,
                                                  data_dir=run.work / "data", hnsw_threshold=FLAT_ONLY,
                                                  backend="onnx-int8"))
        with clock.stage(f"{label}: plain SentenceTransformer.encode vs ours"):
            result.encode = encode_comparison(flat_dir, model=run.plain, embedder=run.embedder, onnx=run.onnx,
                                              batch_size=run.settings.embedding_batch_size,
                                              sample=args.encode_sample, build=build, onnx_build=onnx_build)
    gc.collect()
    return result


def make_corpus(run: Run, target: int) -> ScaleCorpus:
    from assistant.chunk import Chunker
    from assistant.parse import parse_file

    s = run.settings
    chunker = Chunker(count_tokens=run.embedder.count_tokens, max_tokens=s.chunk_max_tokens,
                      overlap_tokens=s.chunk_overlap_tokens, glossary=run.glossary)
    corpus = generate_corpus(run.work / f"corpus-{target}", chunks=target,
                             count_chunks=lambda path: len(chunker.chunk(parse_file(path))),
                             sources=load_sources(), pages=run.pages, page_share=run.args.page_share,
                             pages_per_document=run.args.pages_per_document, include_sources=True,
                             seed=run.args.seed)
    print(f"    {corpus.chunks:,} chunks in {corpus.documents:,} documents ({corpus.pages:,} regeringen pages, "
          f"{corpus.variants:,} policies); parser refused {len(corpus.parse_failures)}, "
          f"parser errors {len(corpus.errors)}", flush=True)
    for name, error in corpus.errors[:5]:
        print(f"    parser error: {name}: {error}", flush=True)
    return corpus


def question_sets(run: Run, corpus: ScaleCorpus, target: int) -> tuple[list[str], list[str], list[str]]:
    """The timed questions (the eval set plus generated ones), warm-up questions, and a pool of
    distinct questions for the throughput test; no question is in two of them."""
    needed = GENERATED_QUESTIONS + WARMUP_QUESTIONS + 2 * run.args.max_requests
    generated = generate_questions(corpus, count=needed, seed=run.args.seed + target)
    evaluated = [q.question for q in run.eval_questions]
    fresh = [q for q in generated if q not in set(evaluated)]
    queries = evaluated + fresh[:GENERATED_QUESTIONS]
    return queries, fresh[GENERATED_QUESTIONS:GENERATED_QUESTIONS + WARMUP_QUESTIONS], \
        fresh[GENERATED_QUESTIONS + WARMUP_QUESTIONS:]


def _settings(run: Run, corpus: Path, index_dir: Path, **overrides: int) -> Settings:
    return bench_settings(corpus=corpus, index_dir=index_dir, data_dir=run.work / "data", **overrides)


def _spec(run: Run, corpus: Path, index_dir: Path, *, perturbed: bool) -> BuildSpec:
    threshold = 1 if index_dir.name.endswith("hnsw") else FLAT_ONLY
    if perturbed and run.base is None:
        raise RuntimeError("perturbed embeddings need a size embedded for real first")
    return BuildSpec(corpus=corpus, index_dir=index_dir, data_dir=run.work / "data", hnsw_threshold=threshold,
                     base=run.base if perturbed else None)


def _corpus_summary(corpus: ScaleCorpus) -> dict[str, Any]:
    return {"chunks_counted": corpus.chunks, "documents": corpus.documents, "pages": corpus.pages,
            "page_chunks": corpus.page_chunks, "policies": corpus.variants,
            "parse_refused": len(corpus.parse_failures), "parser_errors": [list(e) for e in corpus.errors]}


def measure_search(run: Run, result: SizeResult, *, corpus: Path, flat_dir: Path, hnsw_dir: Path,
                   queries: Sequence[str], warmup: Sequence[str]) -> None:
    answerable = [q for q in run.eval_questions if q.answerable]
    top: dict[str, list[list[str]]] = {}
    for kind, directory in (("exact", flat_dir), ("hnsw", hnsw_dir)):
        assistant = open_assistant(_settings(run, corpus, directory), embedder=run.embedder, glossary=run.glossary)
        first, repeated = first_and_repeated(lambda q, a=assistant: a.search(q, k=10), queries, warmup=warmup,
                                             passes=run.args.repeat)
        result.search[f"{kind} first"] = Latency.of(first)
        result.search[f"{kind} repeated"] = Latency.of(repeated)
        top[kind] = [[hit.chunk_id for hit in assistant.search(q, k=10)] for q in queries]
        result.recall_5[kind] = recall_at_5(
            lambda q, a=assistant: [Result(h.document_id, h.text) for h in a.search(q, k=5)], answerable)
        del assistant
        gc.collect()
    pairs = zip(top["exact"], top["hnsw"], strict=True)
    result.overlap_10 = float(np.mean([len(set(a) & set(b)) / max(1, len(a)) for a, b in pairs]))


def measure_recall(run: Run, result: SizeResult, *, flat_dir: Path, hnsw_dir: Path, queries: Sequence[str]) -> None:
    s = run.settings
    common = {"flat_dir": flat_dir, "hnsw_dir": hnsw_dir, "m": s.hnsw_m, "queries": queries,
              "embedder": run.embedder, "glossary": run.glossary, "candidates": s.candidates}
    rows, exact = recall_sweep(**common)
    result.recall, result.exact_dense = rows, exact
    if any(min(r.served, r.unfiltered) >= TARGETS["recall"] for r in rows):
        return
    for m in run.args.m_sweep:
        began = time.perf_counter()
        more, _ = recall_sweep(**common, rebuild_m=m)
        print(f"    HNSW M={m} rebuilt and swept in {time.perf_counter() - began:.0f} s", flush=True)
        result.recall.extend(more)
        if any(min(r.served, r.unfiltered) >= TARGETS["recall"] for r in more):
            return


# --- tables ----------------------------------------------------------------------------------------------


def _mb(value: float) -> str:
    return f"{value / MB:,.0f}"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "—"


def print_tables(results: Sequence[SizeResult], run: Run) -> list[tuple[str, str, str, bool | None]]:
    print_corpus_and_build(results)
    if run.parsing:
        p = run.parsing
        print(f"\nParsing, per file ({p.files} files of the corpus): {p.build_ms:.0f} ms as the build parses "
              f"(`assistant.index.build.parse_corpus`), {p.direct_ms:.1f} ms with `parse_file` in-process.")
    print_search(results, run)
    print_langchain(results)
    print_recall(results, run)
    print_server(results)
    print_add(results)
    print_encode(results)
    targets = target_rows(results, run)
    print("\n### Targets\n\n| target | measured | met |\n|---|---|---|")
    for name, goal, measured, met in targets:
        print(f"| {name} ({goal}) | {measured} | {'—' if met is None else 'yes' if met else 'no'} |")
    return targets


def print_corpus_and_build(results: Sequence[SizeResult]) -> None:
    print("\n### Corpus and index build (build in a child process; peak RSS includes the loaded model)\n")
    print("| size | chunks | files (pages in them / policies) | parser refused / errors | embeddings | build s | "
          "chunks/s | peak RSS MB (model loaded) | index on disk MB | other index, from cache: s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        b, c = r.build, r.corpus
        embeddings = "perturbed copies of real" if r.perturbed else "real"
        print(f"| {r.target:,} | {b.chunks:,} | {b.documents:,} ({c['pages']:,} / {c['policies']:,}) | "
              f"{c['parse_refused']} / {len(c['parser_errors'])} | {embeddings} | {b.seconds:.1f} ({b.kind}) | "
              f"{b.chunks_per_second:,.0f} | {_mb(b.peak_rss)} ({_mb(b.rss_before)}) | {_mb(b.disk_bytes)} | "
              f"{r.other_build.seconds:.1f} ({r.other_build.kind}) |")


def print_search(results: Sequence[SizeResult], run: Run) -> None:
    print(f"\n### Search in-process, k=10, p50 / p95 ms ({len(run.eval_questions)} eval + "
          f"{GENERATED_QUESTIONS} generated questions; 'new' = first time asked, 'repeated' = query vector "
          "cached)\n")
    print("| size | floor: embed one question | exact, new | HNSW, new | exact, repeated | HNSW, repeated | "
          "LangChain | served index | served new p50 / floor p50 | Recall@5 eval exact / HNSW / LangChain |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s = r.search
        served = s["hnsw first" if r.served == "hnsw" else "exact first"]
        lc = r.langchain
        print(f"| {r.target:,} | {r.floor.cell()} | {s['exact first'].cell()} | {s['hnsw first'].cell()} | "
              f"{s['exact repeated'].cell()} | {s['hnsw repeated'].cell()} | {lc.first.cell() if lc else '—'} | "
              f"{r.served} | {_ratio(served.p50, r.floor.p50)} | {r.recall_5['exact']:.3f} / "
              f"{r.recall_5['hnsw']:.3f} / {lc.recall_at_5 if lc else float('nan'):.3f}"
              f"{' (perturbed vectors)' if r.perturbed else ''} |")


def print_langchain(results: Sequence[SizeResult]) -> None:
    print("\n### This project vs the plain LangChain pipeline (ratio = ours / LangChain; search = new questions, "
          "served index)\n")
    print("| size | embeddings | LangChain chunks | build s: ours / LangChain | ratio | search p50 ms | ratio | "
          "search p95 ms | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        lc = r.langchain
        if lc is None:
            continue
        ours = r.search["hnsw first" if r.served == "hnsw" else "exact first"]
        embeddings = "perturbed" if r.perturbed else "real"
        print(f"| {r.target:,} | {embeddings} | {lc.chunks:,} | {r.build.seconds:.1f} / {lc.seconds:.1f} | "
              f"{_ratio(r.build.seconds, lc.seconds)} | {ours.p50:.1f} / {lc.first.p50:.1f} | "
              f"{_ratio(ours.p50, lc.first.p50)} | {ours.p95:.1f} / {lc.first.p95:.1f} | "
              f"{_ratio(ours.p95, lc.first.p95)} |")


def print_recall(results: Sequence[SizeResult], run: Run) -> None:
    print(f"\n### HNSW recall@10 against exact (dense top 10 of the {run.settings.candidates} candidates the "
          f"retriever asks for; default M={run.settings.hnsw_m}, ef_search={run.settings.hnsw_ef_search})\n")
    print(f"| size | M | ef_search | recall, as served (municipality steering) | recall, unfiltered | "
          f"as served, within {NEAR_TIE} cosine | dense search p50 / p95 ms | exact dense p50 / p95 ms | "
          "hybrid top-10 overlap |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        for row in r.recall:
            exact = r.exact_dense.cell() if r.exact_dense else "—"
            overlap = f"{r.overlap_10:.3f}" if row.ef == run.settings.hnsw_ef_search and row.m == run.settings.hnsw_m \
                else ""
            print(f"| {r.target:,} | {row.m} | {row.ef} | {row.served:.4f} | {row.unfiltered:.4f} | "
                  f"{row.served_near:.4f} | {row.faiss.cell()} | {exact} | {overlap} |")


def print_server(results: Sequence[SizeResult]) -> None:
    print("\n### Server in a subprocess (`assistant serve` equivalent), loopback HTTP\n")
    print("| size | index | RSS after load MB | RSS after the run MB | /v1/ask new p50 / p95 ms | "
          "/v1/ask repeated p50 / p95 ms | /v1/search req/s, 8 clients | 32 clients |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        s = r.server
        if s is None:
            continue
        t8, t32 = s.throughput[8], s.throughput[32]
        print(f"| {r.target:,} | {s.kind} | {_mb(s.rss_loaded)} | {_mb(s.rss_after)} | {s.ask_first.cell()} | "
              f"{s.ask_repeated.cell()} | {t8[0]:.1f} ({t8[1]} ok, {t8[2]} failed) | "
              f"{t32[0]:.1f} ({t32[1]} ok, {t32[2]} failed) |")


def print_add(results: Sequence[SizeResult]) -> None:
    print("\n### Adding one document to the built index (`PolicyAssistant.library.add`, as an upload; "
          "its chunks embedded for real)\n")
    print("| size | index | chunks added | seconds | appended (not rebuilt) | index load before, s |")
    print("|---|---|---|---|---|---|")
    for r in results:
        if r.add is not None:
            a = r.add
            print(f"| {r.target:,} | {r.served} | {a.chunks} | {a.seconds:.2f} | {'yes' if a.appended else 'no'} | "
                  f"{a.load_seconds:.2f} |")


def print_encode(results: Sequence[SizeResult]) -> None:
    for r in results:
        e = r.encode
        if e is None:
            continue
        print(f"\n### Build throughput vs plain encoding ({r.target:,}-chunk corpus; encoders timed on "
              f"{e.sample:,} of its chunk texts)\n")
        print("| what | chunks/s | ratio to plain encode |\n|---|---|---|")
        print(f"| plain `SentenceTransformer.encode(texts, batch_size=32)` | {e.plain:.1f} | 1.00× |")
        print(f"| `Embedder.embed_passages` (length-sorted batches) | {e.ours:.1f} | {_ratio(e.ours, e.plain)} |")
        print(f"| whole index build (parse, chunk, embed, BM25, store) | {e.build:.1f} | "
              f"{_ratio(e.build, e.plain)} |")
        print(f"| `OnnxEmbedder` int8 `embed_passages` | {e.onnx:.1f} | {_ratio(e.onnx, e.plain)} |")
        print(f"| whole index build, `ASSISTANT_EMBEDDING_BACKEND=onnx-int8` | {e.onnx_build:.1f} | "
              f"{_ratio(e.onnx_build, e.plain)} |")


def target_rows(results: Sequence[SizeResult], run: Run) -> list[tuple[str, str, str, bool | None]]:
    by_size = {r.target: r for r in results}
    rows: list[tuple[str, str, str, bool | None]] = []
    small, large = by_size.get(1000), by_size.get(100_000)
    if small:
        served = small.search["hnsw first" if small.served == "hnsw" else "exact first"]
        ratio = served.p50 / small.floor.p50
        rows.append(("search p50 at 1k / embedding floor", "≤ 2×", f"{served.p50:.1f} / {small.floor.p50:.1f} ms = "
                     f"{ratio:.2f}×", ratio <= TARGETS["floor_ratio_1k"]))
    if large:
        served = large.search["hnsw first" if large.served == "hnsw" else "exact first"]
        rows.append(("search p95 at 100k", "≤ 30 ms", f"{served.p95:.1f} ms ({large.served}, new questions)",
                     served.p95 <= TARGETS["search_p95_100k_ms"]))
        if large.server:
            ask = large.server.ask_first.p95
            rows.append(("/v1/ask extractive p95 at 100k", "≤ 80 ms", f"{ask:.1f} ms (new questions)",
                         ask <= TARGETS["ask_p95_100k_ms"]))
            rss = large.server.rss_loaded / MB
            rows.append(("serving RSS at 100k", "≤ 1.5 GB", f"{rss:,.0f} MB after load, "
                         f"{large.server.rss_after / MB:,.0f} MB after the run", rss <= TARGETS["rss_100k_mb"]))
    if large and large.add:
        rows.append(("add one document to the 100k index", "≤ 10 s",
                     f"{large.add.seconds:.1f} s for {large.add.chunks} chunks "
                     f"({'appended' if large.add.appended else 'full rebuild'})",
                     large.add.seconds <= TARGETS["add_100k_s"]))
    encoded = next((r.encode for r in results if r.encode), None)
    if encoded:
        rows.append(("build throughput / plain encode", "≥ 2×", f"{encoded.build:.1f} / {encoded.plain:.1f} "
                     f"chunks/s = {encoded.build / encoded.plain:.2f}× (torch, the default)",
                     encoded.build / encoded.plain >= TARGETS["encode_ratio"]))
        rows.append(("build throughput / plain encode, onnx-int8", "≥ 2×", f"{encoded.onnx_build:.1f} / "
                     f"{encoded.plain:.1f} chunks/s = {encoded.onnx_build / encoded.plain:.2f}× (embedding alone "
                     f"{encoded.onnx / encoded.plain:.2f}×)",
                     encoded.onnx_build / encoded.plain >= TARGETS["encode_ratio"]))
    for r in results:
        default = next((row for row in r.recall if row.m == run.settings.hnsw_m
                        and row.ef == run.settings.hnsw_ef_search), None)
        if default is None:
            continue
        reaching = [f"M={row.m} ef={row.ef}" for row in r.recall if min(row.served, row.unfiltered) >= 0.98]
        rows.append((f"HNSW recall@10 at {r.target:,}", "≥ 0.98",
                     f"{min(default.served, default.unfiltered):.4f} at the defaults; reached by: "
                     f"{', '.join(reaching) or 'none tried'}", min(default.served, default.unfiltered) >= 0.98))
    return rows


# --- plots ------------------------------------------------------------------------------------------------


def draw_plots(results: Sequence[SizeResult], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    sizes = [r.chunks for r in results]
    paths = []
    lc = [r.langchain for r in results]
    series = {
        "scale_build_time.png": ("Index build time", "seconds", {
            "policy-assistant (served index, cold)": [r.build.seconds for r in results],
            "policy-assistant, other index (cached embeddings)": [r.other_build.seconds for r in results],
            "LangChain baseline": [x.seconds if x else np.nan for x in lc]}),
        "scale_search_p95.png": ("Search latency p95 (new questions)", "ms", {
            "exact (flat)": [r.search["exact first"].p95 for r in results],
            "HNSW": [r.search["hnsw first"].p95 for r in results],
            "LangChain baseline": [x.first.p95 if x else np.nan for x in lc],
            "floor: embed the question": [r.floor.p95 for r in results]}),
        "scale_rss.png": ("Memory", "MB", {
            "server RSS after load": [r.server.rss_loaded / MB if r.server else np.nan for r in results],
            "server RSS after the run": [r.server.rss_after / MB if r.server else np.nan for r in results],
            "build peak RSS": [r.build.peak_rss / MB for r in results]}),
    }
    guides = {"scale_search_p95.png": (30.0, "target 30 ms at 100k"), "scale_rss.png": (1536.0, "target 1.5 GB")}
    for name, (title, unit, lines) in series.items():
        figure, axes = plt.subplots(figsize=(7, 4.5))
        for label, values in lines.items():
            axes.plot(sizes, values, marker="o", label=label)
        if name in guides:
            axes.axhline(guides[name][0], color="grey", linestyle="--", linewidth=1, label=guides[name][1])
        perturbed = [r.chunks for r in results if r.perturbed]
        if perturbed:
            axes.axvspan(min(perturbed) * 0.8, max(perturbed) * 1.2, color="orange", alpha=0.1,
                         label="perturbed embeddings")
        axes.set(xscale="log", yscale="log", xlabel="chunks", ylabel=unit, title=title)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
        figure.tight_layout()
        figure.savefig(out / name, dpi=110)
        plt.close(figure)
        paths.append(out / name)
    return paths


# --- main -------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="target sizes in chunks, comma-separated")
    parser.add_argument("--regeringen", type=Path, default=DEFAULT_REGERINGEN,
                        help="regeringen.se dump (JSON lines, .gz ok) to mix in; generated text only if unreadable")
    parser.add_argument("--page-share", type=float, default=0.5, help="share of chunks from regeringen pages")
    parser.add_argument("--pages-per-document", type=int, default=20,
                        help="regeringen pages bundled into one Markdown document (the build parses each file "
                        "in its own worker process, so page-sized files would dominate the build)")
    parser.add_argument("--parse-sample", type=int, default=40, help="files timed for the per-file parse cost")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the questions (the first is new)")
    parser.add_argument("--real-max", type=int, default=10_000, help="largest size embedded for real")
    parser.add_argument("--encode-sample", type=int, default=600,
                        help="chunk texts for the plain-encode comparison (0: all)")
    parser.add_argument("--max-requests", type=int, default=300, help="requests per throughput run")
    parser.add_argument("--max-seconds", type=float, default=20.0, help="time bound per throughput run")
    parser.add_argument("--m-sweep", default="64", help="HNSW M values tried when no ef_search reaches 0.98")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    args.m_sweep = [int(m) for m in args.m_sweep.split(",") if m.strip()]
    if args.sizes[0] > args.real_max:
        parser.error(f"the smallest size must be embedded for real (≤ --real-max {args.real_max})")
    return args


def prepare(args: argparse.Namespace, clock: Clock, work: Path) -> Run:
    from langchain_huggingface import HuggingFaceEmbeddings
    from sentence_transformers import SentenceTransformer

    from assistant.embed import OnnxEmbedder, resolve_model_path
    from assistant.evaluate import load_questions
    from assistant.glossary import Glossary

    with clock.stage("load models and the page dump"):
        settings = Settings(corpus_dir=work / "unused", index_dir=work / "unused", data_dir=work / "data")
        embedder = real_embedder(settings)
        path = resolve_model_path(settings.embedding_model)
        plain = SentenceTransformer(path, device="cpu")
        lc_embeddings = HuggingFaceEmbeddings(model_name=path, encode_kwargs={"normalize_embeddings": True})
        pages = load_pages(args.regeringen) if args.regeringen and os.access(args.regeringen, os.R_OK) else []
        print(f"    {len(pages):,} regeringen pages" if pages else
              f"    {args.regeringen} not readable: generated policies only", flush=True)
        onnx_cache = work / "onnx-cache"
        onnx = OnnxEmbedder(settings.embedding_model, cache_dir=onnx_cache, query_prefix=settings.query_prefix,
                            passage_prefix=settings.passage_prefix, threads=settings.embedding_threads)
    return Run(args=args, clock=clock, work=work, settings=settings, embedder=embedder, onnx=onnx,
               onnx_cache=onnx_cache, glossary=Glossary.load_default(), plain=plain, lc_embeddings=lc_embeddings,
               eval_questions=load_questions(QUESTIONS), pages=pages)


def save_json(results: Sequence[SizeResult], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "scale.json"
    path.write_text(json.dumps([asdict(r) for r in results], indent=1, default=str), encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> None:
    quiet_libraries()
    args = parse_args(argv)
    clock = Clock()
    results: list[SizeResult] = []
    with tempfile.TemporaryDirectory(prefix="policy-scale-") as scratch:
        run = prepare(args, clock, Path(scratch))
        for target in args.sizes:
            results.append(run_size(run, target))
            save_json(results, args.out)
        print_tables(results, run)
    plots = draw_plots(results, args.out)
    print("\n### Stages\n\n| stage | seconds |\n|---|---|")
    for name, seconds in clock.stages:
        print(f"| {name} | {seconds:.1f} |")
    print(f"\nplots: {', '.join(str(p.relative_to(REPO) if p.is_relative_to(REPO) else p) for p in plots)}")
    print(f"total elapsed: {clock.elapsed() / 60:.1f} min")


if __name__ == "__main__":
    main()
