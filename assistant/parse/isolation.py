"""Parse untrusted files in a separate, resource-limited process.

``parse_isolated`` runs the cheap guard here (``check_upload``: refusals cost no process), then
``python -m assistant.parse.worker`` with the file on stdin and reads the ``Document`` back as JSON.
The worker caps its own memory and CPU before it reads the file, and the wall clock is enforced
here, so a parser bug or a hostile file costs at most ``limits.seconds`` (a PDF with scanned pages:
plus ``limits.ocr_seconds`` of OCR) and ``limits.memory_bytes`` in a process that then exits: the
service's own memory and threads are never at stake. The worker runs in a session of its own, so a
timeout also ends what it started (OCR's Tesseract).

``parse_files_isolated`` parses many files with the same guarantees per file, in a few long-lived
workers that each parse file after file (``assistant.parse.pool``): the process start is paid once
per worker, not once per file.

The limits are set by the worker itself, not in a ``preexec_fn``: that is not safe in a
multi-threaded parent (the API serves from a thread pool) and forces a slow ``fork`` of a process
holding the embedding model, where ``subprocess`` can otherwise use ``vfork``/``posix_spawn``.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from assistant.models import Document
from assistant.parse.errors import ParseError, ParseTimeoutError
from assistant.parse.guard import ParseLimits, check_upload, read_guarded
from assistant.parse.pool import parse_many
from assistant.parse.spawn import (
    WorkerError,
    error_class,
    failure,
    kill_session,
    start_worker,
    stderr_file,
    worker_environment,
)

__all__ = ["WorkerError", "parse_file_isolated", "parse_files_isolated", "parse_isolated"]

_WORKER = ("-m", "assistant.parse.worker")
# Kept under its old name for callers that check the environment workers get.
_worker_environment = worker_environment


def parse_isolated(data: bytes, *, suffix: str, source_path: str, document_id: str,
                   limits: ParseLimits) -> Document:
    """Parse ``data`` as the format ``suffix`` names, in a fresh resource-limited process.

    Raises what the in-process parser raises (``UnsupportedFormatError``, ``ParseError`` and its
    subclasses, re-raised by class name), plus ``ParseTimeoutError`` after
    ``limits.seconds_for(suffix)`` of wall clock (a PDF's OCR has its own seconds on top of the
    parse's), ``ParseResourceError`` when the worker runs out of memory or is killed, and
    ``WorkerError`` when the worker cannot run at all. Cost: the guard, then a process start
    (0.2-0.4 s: interpreter and imports) plus the parse; the file is copied once into the pipe.
    """
    check_upload(data, suffix=suffix, limits=limits)
    header = json.dumps({"suffix": suffix, "source_path": source_path, "document_id": document_id,
                         "limits": limits.to_dict()}).encode()
    seconds = limits.seconds_for(suffix)
    with stderr_file() as stderr:
        try:
            completed = _run_worker(header + b"\n" + data, stderr=stderr, seconds=seconds)
        except subprocess.TimeoutExpired as error:
            raise ParseTimeoutError(f"the file took longer than {seconds:g} s to parse") from error
        return _result(completed, stderr=stderr, limits=limits)


def _run_worker(request: bytes, *, stderr: IO[bytes], seconds: float) -> subprocess.CompletedProcess[bytes]:
    """``subprocess.run`` of the worker, in a new session: when it runs out of time (or this thread is
    interrupted) the whole session is killed, not only the worker, before the worker is reaped (so
    its process group id cannot have been reused). Raises ``subprocess.TimeoutExpired``."""
    with start_worker(_WORKER, stderr=stderr) as process:
        try:
            stdout, _ = process.communicate(request, timeout=seconds)
        except BaseException:
            kill_session(process)
            raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout)


def parse_file_isolated(path: Path, *, limits: ParseLimits, document_id: str) -> Document:
    """``parse_isolated`` for a file on disk; its size is checked before it is read."""
    suffix, data = read_guarded(path, limits=limits)
    return parse_isolated(data, suffix=suffix, source_path=str(path), document_id=document_id, limits=limits)


def parse_files_isolated(files: Sequence[tuple[Path, str]], *, limits: ParseLimits,
                         workers: int | None = None) -> Iterator[tuple[Path, Document | ParseError]]:
    """Parse ``(path, document_id)`` pairs, each within ``limits`` in a worker process, a few at a
    time; yields each path with its ``Document`` or the ``ParseError`` that refused it, in the
    order given, each as soon as it and those before it are parsed (lazily: nothing runs before the
    first result is asked for, and closing the generator stops the workers).

    Each worker parses file after file (``assistant.parse.pool.parse_many``): a file that runs over
    its time or memory, or crashes its worker, fails alone; the worker is replaced and the files
    after it are parsed. ``workers`` defaults to the number of CPUs, at most 4. Raises
    ``WorkerError`` when a worker cannot run at all and ``OSError`` for a file that cannot be read.
    Cost: the parses, a process start (0.15-0.3 s) per worker and per 256 files, and copying each
    file and Document through pipes; memory up to ``workers × limits.memory_bytes`` in the workers.
    """
    return parse_many(files, limits=limits, workers=workers)


def _result(completed: subprocess.CompletedProcess[bytes], *, stderr: IO[bytes], limits: ParseLimits) -> Document:
    status_line, _, payload = completed.stdout.partition(b"\n")
    try:
        status = json.loads(status_line)
    except ValueError:
        status = None
    if isinstance(status, dict) and status.get("status") == "ok":
        return Document.model_validate_json(payload)
    if isinstance(status, dict) and status.get("status") == "error":
        raise error_class(str(status.get("error")))(str(status.get("message")))
    raise failure(completed.returncode, stderr=stderr, limits=limits)
