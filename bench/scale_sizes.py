"""One size of ``bench/scale.py``: generate the corpus, build both indexes, and run every measurement
on it (``run_size``), collecting a ``SizeResult``; ``Run`` holds what stays loaded across sizes."""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.embed import Embedder
from assistant.settings import Settings
from bench.scale_build import (
    AddResult,
    BuildResult,
    BuildSpec,
    ParseCost,
    Perturber,
    add_in_child,
    build_in_child,
    parse_cost,
    save_base,
)
from bench.scale_common import (
    ADDED_SOURCE,
    FLAT_ONLY,
    GENERATED_QUESTIONS,
    TARGETS,
    WARMUP_QUESTIONS,
    Clock,
    Latency,
    bench_settings,
    first_and_repeated,
)
from bench.scale_corpus import ScaleCorpus, generate_corpus, generate_questions, load_sources
from bench.scale_measure import (
    EncodeResult,
    LangChainResult,
    RecallRow,
    ServerResult,
    encode_comparison,
    floor_ms,
    measure_server,
    open_assistant,
    recall_sweep,
    run_langchain,
)
from bench.search_vs_langchain import Result, recall_at_5

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from assistant.evaluate import EvalQuestion
    from assistant.glossary import Glossary


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
