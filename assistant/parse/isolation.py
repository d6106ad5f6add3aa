"""Parse untrusted files in a separate, resource-limited process.

``parse_isolated`` runs the cheap guard here (``check_upload``: refusals cost no process), then
``python -m assistant.parse.worker`` with the file on stdin and reads the ``Document`` back as JSON.
The worker caps its own memory and CPU before it reads the file, and the wall clock is enforced
here, so a parser bug or a hostile file costs at most ``limits.seconds`` (a PDF with scanned pages:
plus ``limits.ocr_seconds`` of OCR) and ``limits.memory_bytes`` in a process that then exits: the
service's own memory and threads are never at stake. The worker runs in a session of its own, so a
timeout also ends what it started (OCR's Tesseract).

The limits are set by the worker itself, not in a ``preexec_fn``: that is not safe in a
multi-threaded parent (the API serves from a thread pool) and forces a slow ``fork`` of a process
holding the embedding model, where ``subprocess`` can otherwise use ``vfork``/``posix_spawn``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

from assistant.models import Document
from assistant.parse import errors
from assistant.parse.errors import (
    FileTooLargeError,
    ParseError,
    ParseResourceError,
    ParseTimeoutError,
    UnsupportedFormatError,
)
from assistant.parse.guard import GUARDED_SUFFIXES, ParseLimits, check_upload
from assistant.parse.worker import OUT_OF_MEMORY

logger = logging.getLogger(__name__)

# The folder that holds the ``assistant`` package: the worker runs there, so ``-m`` finds it
# whether the package is installed or not.
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
_WORKER = ("-m", "assistant.parse.worker")
_STDERR_TAIL = 2000
# The worker's CPU limit and its wall-clock alarm (the parse's own seconds) end it with these.
_TIME_SIGNALS = frozenset({signal.SIGXCPU, signal.SIGALRM})


class WorkerError(RuntimeError):
    """The worker process itself failed (could not start, broke the protocol): a fault of this
    installation, not of the file."""


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
    with tempfile.TemporaryFile() as stderr:
        try:
            completed = _run_worker(header + b"\n" + data, stderr=stderr, seconds=seconds)
        except subprocess.TimeoutExpired as error:
            raise ParseTimeoutError(f"the file took longer than {seconds:g} s to parse") from error
        return _result(completed, stderr=stderr, limits=limits)


def _run_worker(request: bytes, *, stderr: IO[bytes], seconds: float) -> subprocess.CompletedProcess[bytes]:
    """``subprocess.run`` of the worker, in a new session: when it runs out of time (or this thread is
    interrupted) the whole session is killed, not only the worker, before the worker is reaped (so
    its process group id cannot have been reused). Raises ``subprocess.TimeoutExpired``."""
    with subprocess.Popen([sys.executable, *_WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=stderr, cwd=_PACKAGE_ROOT, env=_worker_environment(),
                          start_new_session=True) as process:
        try:
            stdout, _ = process.communicate(request, timeout=seconds)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout)


def parse_file_isolated(path: Path, *, limits: ParseLimits, document_id: str) -> Document:
    """``parse_isolated`` for a file on disk; its size is checked before it is read."""
    suffix = path.suffix.lower()
    if suffix not in GUARDED_SUFFIXES:
        raise UnsupportedFormatError(f"unsupported file type {suffix or '(none)'!r}")
    if path.stat().st_size > limits.max_bytes:
        raise FileTooLargeError(f"the file is larger than {limits.max_bytes // (1024 * 1024)} MB")
    return parse_isolated(path.read_bytes(), suffix=suffix, source_path=str(path), document_id=document_id,
                          limits=limits)


def parse_files_isolated(files: Sequence[tuple[Path, str]], *, limits: ParseLimits,
                         workers: int | None = None) -> Iterator[tuple[Path, Document | ParseError]]:
    """Parse ``(path, document_id)`` pairs, each in its own worker, a few at a time; yields each path
    with its ``Document`` or the ``ParseError`` that refused it, in the order given.

    ``workers`` defaults to the number of CPUs, at most 4. Cost: as ``parse_isolated`` per file;
    memory up to ``workers × limits.memory_bytes`` in the workers.
    """
    count = workers or min(4, os.cpu_count() or 1)

    def one(item: tuple[Path, str]) -> Document | ParseError:
        try:
            return parse_file_isolated(item[0], limits=limits, document_id=item[1])
        except ParseError as error:
            return error

    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="parse") as pool:
        yield from zip((path for path, _ in files), pool.map(one, files), strict=True)


def _worker_environment() -> dict[str, str]:
    """A minimal environment: no secrets (API keys) reach the process that reads hostile bytes."""
    keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR", "TESSDATA_PREFIX")
    return {name: os.environ[name] for name in keep if name in os.environ}


def _result(completed: subprocess.CompletedProcess[bytes], *, stderr: IO[bytes], limits: ParseLimits) -> Document:
    status_line, _, payload = completed.stdout.partition(b"\n")
    try:
        status = json.loads(status_line)
    except ValueError:
        status = None
    if isinstance(status, dict) and status.get("status") == "ok":
        return Document.model_validate_json(payload)
    if isinstance(status, dict) and status.get("status") == "error":
        raise _error_class(str(status.get("error")))(str(status.get("message")))
    raise _failure(completed.returncode, stderr=_tail(stderr), limits=limits)


def _failure(returncode: int, *, stderr: str, limits: ParseLimits) -> Exception:
    """The error for a worker that exited without an answer."""
    if returncode < 0 and -returncode in _TIME_SIGNALS:
        return ParseTimeoutError(f"the file took longer than {limits.seconds:g} s to parse")
    if returncode < 0:  # killed: the memory cap makes allocations fail, and C code aborts or crashes
        logger.warning("parse worker killed by signal %d", -returncode)
        return ParseResourceError(OUT_OF_MEMORY)
    logger.error("parse worker failed (exit code %d): %s", returncode, stderr)
    return WorkerError(f"the parser could not run (exit code {returncode})")


def _error_class(name: str) -> type[ParseError]:
    """The ``ParseError`` subclass of that name in ``assistant.parse.errors``, else ``ParseError``."""
    found = getattr(errors, name, None)
    if isinstance(found, type) and issubclass(found, ParseError):
        return found
    return ParseError


def _tail(stream: IO[bytes]) -> str:
    stream.seek(0, os.SEEK_END)
    stream.seek(max(0, stream.tell() - _STDERR_TAIL))
    return stream.read().decode("utf-8", errors="replace")
