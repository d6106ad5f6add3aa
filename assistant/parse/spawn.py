"""What starting a parse worker and reading its fate take, for the one-file worker
(``assistant.parse.isolation``) and the serving workers (``assistant.parse.pool``) alike.

A worker is started from the folder that holds the ``assistant`` package (so ``-m`` finds it
whether the package is installed or not), in a session of its own (a timeout kills what it started
too: OCR's Tesseract), with a minimal environment (no secrets reach the process that reads hostile
bytes) and stderr in a temporary file whose tail is logged when the worker fails.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from assistant.parse import errors
from assistant.parse.errors import ParseError, ParseResourceError, ParseTimeoutError
from assistant.parse.guard import ParseLimits
from assistant.parse.worker import OUT_OF_MEMORY

logger = logging.getLogger(__name__)

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
_STDERR_TAIL = 2000
# The worker's CPU limit and its wall-clock alarm (the parse's own seconds) end it with these.
_TIME_SIGNALS = frozenset({signal.SIGXCPU, signal.SIGALRM})
_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR", "TESSDATA_PREFIX")


class WorkerError(RuntimeError):
    """The worker process itself failed (could not start, broke the protocol): a fault of this
    installation, not of the file."""


def worker_environment() -> dict[str, str]:
    """A minimal environment: no secrets (API keys) reach the process that reads hostile bytes."""
    return {name: os.environ[name] for name in _ENVIRONMENT if name in os.environ}


def start_worker(module: tuple[str, ...], *, stderr: IO[bytes]) -> subprocess.Popen[bytes]:
    """``python <module...>`` with pipes on stdin and stdout (unbuffered), ``stderr`` as given, in
    a new session, in ``PACKAGE_ROOT``, with ``worker_environment()``. Raises ``OSError``."""
    return subprocess.Popen([sys.executable, *module], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=stderr, cwd=PACKAGE_ROOT, env=worker_environment(), start_new_session=True,
                            bufsize=0)


def kill_session(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker's whole session, then reap the worker. The session is killed before the
    worker is reaped, so its process group id cannot have been reused. Idempotent."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stderr_file() -> IO[bytes]:
    """A temporary file for a worker's stderr (``RLIMIT_FSIZE`` caps what it may write)."""
    return tempfile.TemporaryFile()


def failure(returncode: int, *, stderr: IO[bytes], limits: ParseLimits) -> Exception:
    """The error for a worker that exited without an answer: ``ParseTimeoutError`` when its CPU
    limit or alarm ended it, ``ParseResourceError`` for another signal (the memory cap makes
    allocations fail, and C code aborts or crashes), else ``WorkerError`` (logged with the tail of
    its stderr)."""
    if returncode < 0 and -returncode in _TIME_SIGNALS:
        return ParseTimeoutError(f"the file took longer than {limits.seconds:g} s to parse")
    if returncode < 0:
        logger.warning("parse worker killed by signal %d", -returncode)
        return ParseResourceError(OUT_OF_MEMORY)
    logger.error("parse worker failed (exit code %d): %s", returncode, tail(stderr))
    return WorkerError(f"the parser could not run (exit code {returncode})")


def error_class(name: str) -> type[ParseError]:
    """The ``ParseError`` subclass of that name in ``assistant.parse.errors``, else ``ParseError``."""
    found = getattr(errors, name, None)
    if isinstance(found, type) and issubclass(found, ParseError):
        return found
    return ParseError


def tail(stream: IO[bytes]) -> str:
    """The last 2,000 bytes written to ``stream``, as text."""
    stream.seek(0, os.SEEK_END)
    stream.seek(max(0, stream.tell() - _STDERR_TAIL))
    return stream.read().decode("utf-8", errors="replace")
