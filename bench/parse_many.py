"""Bulk parsing in isolated workers: one process per file (before) against serving workers (after).

    python -m bench.parse_many [--files 2000] [--workers 2] [--before-files N] [--pdf-copies 0]

A seeded sample of ``--files`` Markdown pages of ``../shared/corpora/regeringen-g0vse-2026-01.jsonl.gz``
(the shared corpus's real pages) is written to a temporary folder (never into the repository) and
parsed twice with the same limits and number of workers:

* before: ``parse_file_isolated`` per file from a thread pool, exactly as ``parse_files_isolated``
  did before serving workers: ``python -m assistant.parse.worker`` started for every file;
* after: ``parse_files_isolated`` (``assistant.parse.pool``): a few ``python -m assistant.parse.serve``
  workers, each parsing file after file.

With ``--pdf-copies K`` the five policies of ``corpus/``, set as PDF, are added K times each (PDF
parsing costs more per file, so the start-up share is smaller). ``--before-files`` measures the
slow path on the first N files only (files/s is compared; 0 skips it). Prints files, seconds, files/s, CPU
seconds of this process and its workers together, worker processes started, and whether both
paths gave identical results for the files both parsed.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.models import Document
from assistant.parse import isolation, pool
from assistant.parse.errors import ParseError
from assistant.parse.guard import ParseLimits
from assistant.parse.isolation import parse_file_isolated, parse_files_isolated
from bench.scale_corpus import load_pages

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = REPO.parent / "shared" / "corpora" / "regeringen-g0vse-2026-01.jsonl.gz"
Files = list[tuple[Path, str]]
Results = list[tuple[Path, Document | ParseError]]


@dataclass(frozen=True)
class Run:
    label: str
    files: int
    seconds: float
    cpu_seconds: float
    processes: int
    failures: int

    @property
    def per_second(self) -> float:
        return self.files / self.seconds


def one_process_per_file(files: Files, *, limits: ParseLimits, workers: int) -> Iterator[tuple[Path, Any]]:
    """The bulk path as it was before serving workers: a fresh worker process per file."""

    def one(item: tuple[Path, str]) -> Document | ParseError:
        try:
            return parse_file_isolated(item[0], limits=limits, document_id=item[1])
        except ParseError as error:
            return error

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="parse") as executor:
        yield from zip((path for path, _ in files), executor.map(one, files), strict=True)


def write_pages(folder: Path, path: Path, count: int, *, seed: int) -> Files:
    """A seeded sample of ``count`` pages with text, each as ``page-NNNNN.md``."""
    pages = load_pages(path)
    chosen = random.Random(seed).sample(range(len(pages)), min(count, len(pages)))
    files = []
    for number, index in enumerate(chosen):
        target = folder / f"page-{number:05d}.md"
        target.write_text(pages[index].text, encoding="utf-8")
        files.append((target, target.stem))
    return files


def write_policy_pdfs(folder: Path, copies: int) -> Files:
    """The five policies of ``corpus/`` set as PDF (their running-text paragraphs), ``copies`` each."""
    from tests.render.scan import paragraphs_pdf, prose

    files = []
    for source in sorted((REPO / "corpus").glob("*.txt")):
        data = paragraphs_pdf(prose(source.read_text(encoding="utf-8")))
        for copy in range(copies):
            target = folder / f"{source.stem}-{copy:03d}.pdf"
            target.write_bytes(data)
            files.append((target, target.stem))
    return files


def measured(label: str, parse: Callable[[], Iterator[tuple[Path, Any]]], module: Any) -> tuple[Run, Results]:
    """Run ``parse`` to the end; count the worker processes ``module.start_worker`` started."""
    started = 0
    original = module.start_worker

    def counting(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        nonlocal started
        started += 1
        return original(*args, **kwargs)

    module.start_worker = counting
    try:
        cpu_before, clock = _cpu_seconds(), time.perf_counter()
        results = list(parse())
        seconds, cpu = time.perf_counter() - clock, _cpu_seconds() - cpu_before
    finally:
        module.start_worker = original
    failures = sum(1 for _, result in results if not isinstance(result, Document))
    return Run(label, len(results), seconds, cpu, started, failures), results


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _same(before: Results, after: Results) -> bool:
    found = dict(after)
    return all(found[path] == result if isinstance(result, Document) else type(found[path]) is type(result)
               for path, result in before)


def report(runs: Sequence[Run], *, identical: bool | None, header: str) -> None:
    print(header)
    print(f"{'path':<40}{'files':>7}{'seconds':>9}{'files/s':>9}{'CPU s':>8}{'processes':>11}{'failed':>8}")
    for run in runs:
        print(f"{run.label:<40}{run.files:>7}{run.seconds:>9.1f}{run.per_second:>9.1f}{run.cpu_seconds:>8.1f}"
              f"{run.processes:>11}{run.failures:>8}")
    if len(runs) == 2:
        print(f"speed-up: {runs[1].per_second / runs[0].per_second:.1f}x files/s; "
              f"CPU per file: {runs[0].cpu_seconds / runs[0].files * 1000:.0f} ms before, "
              f"{runs[1].cpu_seconds / runs[1].files * 1000:.0f} ms after")
    if identical is not None:
        print(f"identical results for the files both parsed: {'yes' if identical else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2000, help="Markdown pages to parse")
    parser.add_argument("--workers", type=int, default=None, help="parallel workers (default: CPUs, at most 4)")
    parser.add_argument("--before-files", type=int, default=None,
                        help="parse only the first N files one process per file (default: all; 0: skip)")
    parser.add_argument("--pdf-copies", type=int, default=0, help="copies of each of the five policies as PDF")
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="the regeringen.se page dump")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    workers = args.workers or min(4, os.cpu_count() or 1)
    limits = ParseLimits()
    with tempfile.TemporaryDirectory(prefix="parse-many-") as folder:
        files = write_pages(Path(folder), args.pages, args.files, seed=args.seed)
        files += write_policy_pdfs(Path(folder), args.pdf_copies)
        random.Random(args.seed).shuffle(files)
        slow_files = files[:args.before_files] if args.before_files is not None else files
        runs, before_results = [], []
        if slow_files:
            before, before_results = measured(
                "one process per file (before)",
                lambda: one_process_per_file(slow_files, limits=limits, workers=workers), isolation)
            runs.append(before)
        after, after_results = measured(
            "serving workers (after)", lambda: parse_files_isolated(files, limits=limits, workers=workers), pool)
        pdfs = sum(1 for path, _ in files if path.suffix == ".pdf")
        header = (f"parse_many: {len(files) - pdfs} Markdown pages of {args.pages.name} (seed {args.seed}) + "
                  f"{pdfs} PDFs; {workers} workers, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
        identical = _same(before_results, after_results) if runs else None
        report([*runs, after], identical=identical, header=header)


if __name__ == "__main__":
    main()
