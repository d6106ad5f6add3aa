"""Bulk parsing (``parse_files_isolated``, ``assistant.parse.pool``): many files by few long-lived
worker processes, in order and as soon as they are ready, while a file that runs out of time or
memory or crashes its worker fails alone and the files after it still parse.

Worker processes are counted by wrapping ``pool.start_worker`` here; misbehaving workers are
``tests.parse.crashing_worker`` (the real serving worker, misbehaving on files named for it).
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.models import Document
from assistant.parse import parse_bytes, pool
from assistant.parse.errors import (
    ContentMismatchError,
    ParseError,
    ParseResourceError,
    ParseTimeoutError,
    UnsafeDocumentError,
)
from assistant.parse.guard import MIB, ParseLimits
from assistant.parse.isolation import WorkerError, parse_file_isolated, parse_files_isolated
from assistant.parse.pool import parse_many
from assistant.parse.serve import ServeOptions
from tests.conftest import CORPUS
from tests.parse.test_hostile import many_glyphs_pdf, normal_docx, normal_pdf, slow_pdf, zip_bomb
from tests.render.scan import paragraphs_pdf, prose, scan_pdf

LIMITS = ParseLimits()


class Started:
    """The worker processes ``pool.start_worker`` started."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []

    def __len__(self) -> int:
        return len(self.processes)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Started:
    record, original = Started(), pool.start_worker

    def counting(module: tuple[str, ...], **kwargs: Any) -> subprocess.Popen[bytes]:
        process = original(module, **kwargs)
        record.processes.append(process)
        return process

    monkeypatch.setattr(pool, "start_worker", counting)
    return record


@pytest.fixture
def crashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "_SERVE", ("-m", "tests.parse.crashing_worker"))


def markdown_pages(folder: Path, count: int) -> list[Path]:
    """``count`` Markdown files made of the corpus's paragraphs, each a little different."""
    paragraphs = [text for path in sorted(CORPUS.glob("*.txt")) for text in prose(path.read_text(encoding="utf-8"))]
    paths = []
    for number in range(count):
        chosen = [paragraphs[(number * 7 + offset) % len(paragraphs)] for offset in range(1 + number % 4)]
        path = folder / f"sida-{number:03d}.md"
        path.write_text(f"# Sida {number}\n\n## Avsnitt\n\n" + "\n\n".join(chosen) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def corpus_copy(folder: Path) -> list[Path]:
    return [Path(shutil.copy(path, folder)) for path in sorted(CORPUS.glob("*.txt"))]


def pairs(paths: list[Path]) -> list[tuple[Path, str]]:
    return [(path, path.stem) for path in paths]


def in_process(path: Path) -> Document:
    return parse_bytes(path.read_bytes(), suffix=path.suffix, source_path=str(path), document_id=path.stem)


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- many files, few processes ---------------------------------------------------------------------


def test_many_files_are_parsed_by_few_processes_in_order_as_in_process(tmp_path: Path, started: Started) -> None:
    paths = corpus_copy(tmp_path) + markdown_pages(tmp_path, 60)
    paths += [write(tmp_path, "plan.pdf", normal_pdf()), write(tmp_path, "plan.docx", normal_docx())]
    paths.insert(30, write(tmp_path, "png-named.md", b"\x89PNG\r\n\x1a\n" + bytes(300)))  # refused by the guard
    results = list(parse_files_isolated(pairs(paths), limits=LIMITS, workers=2))
    assert [path for path, _ in results] == paths
    for path, result in results:
        if path.name == "png-named.md":
            assert isinstance(result, ContentMismatchError)
        else:
            assert result == in_process(path), path.name
    assert 1 <= len(started) <= 2  # 67 files, one process start per worker
    assert all(process.returncode is not None for process in started.processes)  # none outlives the call


def test_a_bulk_parse_gives_what_one_file_workers_give(tmp_path: Path, started: Started) -> None:
    paths = [*corpus_copy(tmp_path)[:2], write(tmp_path, "plan.pdf", normal_pdf())]
    bulk = dict(parse_files_isolated(pairs(paths), limits=LIMITS, workers=1))
    assert len(started) == 1
    for path in paths:
        assert bulk[path] == parse_file_isolated(path, limits=LIMITS, document_id=path.stem)


def test_a_worker_hands_over_after_its_number_of_files(tmp_path: Path, started: Started) -> None:
    paths = markdown_pages(tmp_path, 10)
    results = list(parse_many(pairs(paths), limits=LIMITS, workers=1, options=ServeOptions(max_files=3)))
    assert all(isinstance(result, Document) for _, result in results)
    assert len(started) == 4  # 3 + 3 + 3 + 1


def test_a_worker_hands_over_when_its_memory_grew(tmp_path: Path, started: Started) -> None:
    paths = markdown_pages(tmp_path, 4)
    options = ServeOptions(max_files=100, max_growth_bytes=-1)  # any size counts as grown
    assert all(isinstance(r, Document) for _, r in parse_many(pairs(paths), limits=LIMITS, workers=1, options=options))
    assert len(started) == 4


def test_one_process_per_file_remains_available(tmp_path: Path, started: Started) -> None:
    paths = markdown_pages(tmp_path, 3)
    results = list(parse_many(pairs(paths), limits=LIMITS, workers=1, options=ServeOptions(max_files=1)))
    assert [result for _, result in results] == [in_process(path) for path in paths]
    assert len(started) == 3


# --- a hostile or buggy file fails alone ------------------------------------------------------------


def test_a_file_that_runs_too_long_in_the_middle_fails_alone(tmp_path: Path, started: Started) -> None:
    limits = ParseLimits(seconds=2, max_page_content_bytes=128 * MIB)  # the page limit would refuse it first
    before, after = markdown_pages(tmp_path, 12), corpus_copy(tmp_path)
    slow = write(tmp_path, "slow.pdf", slow_pdf())
    started_at = time.monotonic()
    results = dict(parse_files_isolated(pairs([*before, slow, *after]), limits=limits, workers=2))
    assert isinstance(results.pop(slow), ParseTimeoutError)
    assert all(isinstance(result, Document) for result in results.values())
    assert len(started) <= 3  # two workers, one replaced
    assert time.monotonic() - started_at < 10


def test_a_file_that_needs_too_much_memory_in_the_middle_fails_alone(tmp_path: Path, started: Started) -> None:
    limits = ParseLimits(memory_bytes=256 * MIB)
    paths = markdown_pages(tmp_path, 8)
    paths.insert(4, write(tmp_path, "huge-string.pdf", many_glyphs_pdf()))
    paths.insert(6, write(tmp_path, "zip-bomb.docx", zip_bomb()))
    results = list(parse_files_isolated(pairs(paths), limits=limits, workers=2))
    assert [path for path, _ in results] == paths
    kinds = [type(result) for _, result in results]
    assert kinds[4] is ParseResourceError and "memory" in str(results[4][1])
    assert kinds[6] is UnsafeDocumentError
    assert kinds.count(Document) == 8
    assert len(started) <= 3


def test_a_file_that_crashes_or_ends_its_worker_fails_alone(tmp_path: Path, started: Started, crashing: None) -> None:
    paths = markdown_pages(tmp_path, 9)
    paths.insert(3, write(tmp_path, "crash-segv.md", b"# Krasch\n"))
    paths.insert(7, write(tmp_path, "crash-exit.md", b"# Slut\n"))
    results = list(parse_files_isolated(pairs(paths), limits=LIMITS, workers=2))
    assert [path for path, _ in results] == paths
    assert isinstance(results[3][1], ParseResourceError)
    assert type(results[7][1]) is ParseError
    assert [type(r) for i, (_, r) in enumerate(results) if i not in (3, 7)] == [Document] * 9
    assert len(started) <= 4


def test_a_worker_hands_over_after_a_parser_bug(tmp_path: Path, started: Started, crashing: None) -> None:
    """An error that is not a ``ParseError`` may have left the worker's state damaged: the file is
    refused and the next one goes to a fresh worker."""
    before, after = markdown_pages(tmp_path, 2)
    bug = write(tmp_path, "bug.md", b"# Fel\n")
    results = list(parse_files_isolated(pairs([before, bug, after]), limits=LIMITS, workers=1))
    assert [type(result) for _, result in results] == [Document, ParseError, Document]
    assert str(results[1][1]) == "the file could not be parsed"
    assert len(started) == 2


def test_a_worker_past_its_wall_clock_is_killed_with_its_session(tmp_path: Path, started: Started,
                                                                 crashing: None) -> None:
    """The worker ignores its alarm and CPU signal and has started a child: the parent's own clock
    ends both, and the next file is parsed by a fresh worker."""
    hang, page = write(tmp_path, "hang.md", b"# Stopp\n"), markdown_pages(tmp_path, 1)[0]
    started_at = time.monotonic()
    results = list(parse_files_isolated(pairs([hang, page]), limits=ParseLimits(seconds=1.5), workers=1))
    assert time.monotonic() - started_at < 8
    assert isinstance(results[0][1], ParseTimeoutError) and "1.5 s" in str(results[0][1])
    assert isinstance(results[1][1], Document)
    child = int(hang.with_suffix(".pid").read_text())
    assert not Path(f"/proc/{child}").exists() or "zombie" in Path(f"/proc/{child}/status").read_text().lower()
    assert len(started) == 2


def test_no_secret_reaches_a_serving_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crashing: None) -> None:
    monkeypatch.setenv("ASSISTANT_ADMIN_KEYS", "secret-admin")
    monkeypatch.setenv("OPENAI_API_KEY", "secret-openai")
    report = write(tmp_path, "report-env.md", b"# Milj\xc3\xb6\n")
    [(_, refused)] = parse_files_isolated([(report, "env")], limits=LIMITS)
    environment = json.loads(str(refused))
    assert "PATH" in environment
    assert not any("secret" in value for value in environment.values())
    assert not {"ASSISTANT_ADMIN_KEYS", "OPENAI_API_KEY", "ASSISTANT_MODEL_CACHE_DIR"} & environment.keys()


def test_a_worker_that_cannot_start_is_an_installation_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "_SERVE", ("-c", "raise SystemExit(1)"))
    with pytest.raises(WorkerError):
        list(parse_files_isolated(pairs(markdown_pages(tmp_path, 2)), limits=LIMITS))


def test_the_seconds_are_each_files_own_in_a_serving_worker(tmp_path: Path, started: Started) -> None:
    """One worker parses PDFs for longer than the parse's seconds in all (CPU and wall clock): its
    CPU limit and alarm are set again for each file, so none of them is stopped."""
    policies = [paragraphs_pdf(prose(path.read_text(encoding="utf-8"))) for path in sorted(CORPUS.glob("*.txt"))]
    paths = [write(tmp_path, f"policy-{copy}-{number}.pdf", pdf) for copy in range(12)
             for number, pdf in enumerate(policies)]  # 0.6-1 s of CPU for each five
    limits = ParseLimits(seconds=2)  # a CPU limit of 3 s, were it not set again for each file
    cpu, started_at = _children_cpu_seconds(), time.monotonic()
    results = list(parse_files_isolated(pairs(paths), limits=limits, workers=1))
    assert all(isinstance(result, Document) for _, result in results)
    assert len(started) == 1
    # more than one file's limits allow (3 s of CPU, 2 s of wall clock), in one worker
    assert _children_cpu_seconds() - cpu > 3.5 and time.monotonic() - started_at > 3.5


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- lazily, as soon as ready -------------------------------------------------------------------------


def test_results_come_as_soon_as_they_and_those_before_them_are_ready(tmp_path: Path) -> None:
    limits = ParseLimits(seconds=4, max_page_content_bytes=128 * MIB)
    quick, slow = markdown_pages(tmp_path, 1)[0], write(tmp_path, "slow.pdf", slow_pdf())
    started_at = time.monotonic()
    results = parse_files_isolated(pairs([quick, slow]), limits=limits, workers=2)
    path, first = next(results)
    first_at = time.monotonic() - started_at
    assert path == quick and isinstance(first, Document)
    assert isinstance(next(results)[1], ParseTimeoutError)
    assert first_at < time.monotonic() - started_at - 2  # the first came well before the slow one ended


def test_closing_the_results_early_stops_every_worker(tmp_path: Path, started: Started) -> None:
    limits = ParseLimits(seconds=60, max_page_content_bytes=128 * MIB)
    quick, slow = markdown_pages(tmp_path, 1)[0], write(tmp_path, "slow.pdf", slow_pdf())
    results: Iterator[tuple[Path, Document | ParseError]] = parse_files_isolated(
        pairs([quick, slow, slow, quick]), limits=limits, workers=2)
    assert next(results)[0] == quick
    closing = time.monotonic()
    results.close()  # type: ignore[attr-defined]
    assert time.monotonic() - closing < 5  # the slow parses were killed, not waited for
    assert len(started) >= 1 and all(process.returncode is not None for process in started.processes)


# --- the serving worker's own clocks ------------------------------------------------------------------


def test_a_serving_worker_reads_a_scanned_page_past_the_parse_seconds(tmp_path: Path, started: Started) -> None:
    """OCR pauses the parse's alarm and CPU limit in a worker that has parsed other files before,
    as in a one-file worker (``test_ocr``): the page takes longer than the parse's second."""
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    text = " ".join(prose((CORPUS / "tierp-handlingsplan-for-integration.txt").read_text(encoding="utf-8"))[:2])
    scanned = write(tmp_path, "scan.pdf", scan_pdf(paragraphs_pdf([text]), pages=[0]))
    paths = [*markdown_pages(tmp_path, 3), write(tmp_path, "plan.pdf", normal_pdf()), scanned]  # PDF libraries loaded
    limits = ParseLimits(seconds=1, ocr_seconds=120)
    results = list(parse_files_isolated(pairs(paths), limits=limits, workers=1))
    document = results[-1][1]
    assert isinstance(document, Document), document
    assert "integration" in document.text.lower()
    assert len(started) == 1
