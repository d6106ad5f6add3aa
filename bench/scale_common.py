"""Shared parts of ``bench/scale.py``: its paths, sizes and targets, and the small helpers every
stage uses (latency percentiles, the stage clock, timing loops, the benchmark's settings and embedder)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.embed import Embedder
from assistant.settings import Settings
from bench.search_vs_langchain import percentile

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
