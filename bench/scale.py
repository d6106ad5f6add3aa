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

This module is the command line; the parts are next to it: ``scale_common.py`` (paths, targets, timing
helpers), ``scale_build.py`` (builds in a child process, perturbed embeddings, parse cost),
``scale_measure.py`` (recall, the LangChain baseline, the server, plain encoding), ``scale_sizes.py``
(one size, end to end) and ``scale_report.py`` (tables and plots).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from assistant.settings import Settings
from bench.scale_common import DEFAULT_REGERINGEN, QUESTIONS, REPO, Clock, quiet_libraries, real_embedder
from bench.scale_corpus import load_pages
from bench.scale_measure import recall_sweep as recall_sweep  # used on its own on built indexes
from bench.scale_report import draw_plots, print_tables
from bench.scale_sizes import Run, SizeResult, run_size

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
