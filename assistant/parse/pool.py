"""Bulk parsing of untrusted files by a few long-lived, resource-limited worker processes.

``parse_many`` keeps up to ``workers`` serving workers (``python -m assistant.parse.serve``), each
parsing one file after another, so a corpus of thousands of small files pays a process start per
worker (and per ``ServeOptions.max_files`` files), not per file. Every file keeps the guarantees of
the one-file worker (``assistant.parse.isolation.parse_isolated``): it is checked here first
(``check_upload``: refusals cost no process); the worker parses it under the memory cap, its own CPU
seconds and wall-clock alarm; here its wall clock (``limits.seconds_for(suffix)``) is enforced, and
a worker that runs over is killed with its whole session (OCR's Tesseract too). A worker that dies
on a file (out of time or memory, crashed, exited) costs only that file, reported as
``ParseTimeoutError``, ``ParseResourceError`` or ``ParseError``; another worker takes its place and
the files after it are parsed.

Each worker is driven by one thread of a pool at a time (the threads wait on pipes, so the parent's
own work is reading the files, the guard and decoding the ``Document`` JSON).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import selectors
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from assistant.models import Document
from assistant.parse.errors import ParseError, ParseTimeoutError
from assistant.parse.guard import ParseLimits, check_upload, read_guarded
from assistant.parse.serve import (
    HELLO,
    MAX_STATUS_BYTES,
    READY,
    RECYCLE,
    REPLY,
    REQUEST,
    ServeOptions,
)
from assistant.parse.spawn import WorkerError, error_class, failure, kill_session, start_worker, stderr_file, tail

logger = logging.getLogger(__name__)

_SERVE = ("-m", "assistant.parse.serve")
# A worker that has not answered the hello by then cannot run (the imports take 0.15-0.3 s).
_START_SECONDS = 60.0
# After its output ended, how long a worker may take to exit before it is killed.
_EXIT_SECONDS = 2.0
# Files queued per worker beyond the one whose result is to be yielded next.
_LOOKAHEAD = 16
_CHUNK = 1024 * 1024
_FAILED = "the file could not be parsed"
Result = Document | ParseError


class _Gone(Exception):
    """The worker's output ended before its answer was complete: it exited or was killed."""


class _Late(Exception):
    """The deadline passed before the answer was complete."""


class _Broken(Exception):
    """The worker wrote something that is not the protocol."""


class PoolClosedError(RuntimeError):
    """The pool was closed (the results are no longer wanted)."""


class ServeWorker:
    """One serving worker process, used by one thread at a time (``terminate`` may come from any).

    Starting it raises ``WorkerError`` when it cannot run (not started, or no answer to the hello
    within a minute). Cost: a process start, 0.15-0.3 s of imports, ~30 MB of memory at rest.
    """

    def __init__(self, limits: ParseLimits, options: ServeOptions) -> None:
        self._limits = limits
        self._lock = threading.Lock()
        self._stderr = stderr_file()
        try:
            self.process = start_worker(_SERVE, stderr=self._stderr)
        except OSError as error:
            self._stderr.close()
            raise WorkerError("the parser could not run (the worker did not start)") from error
        assert self.process.stdin is not None and self.process.stdout is not None
        self._stdin, self._stdout = self.process.stdin.fileno(), self.process.stdout.fileno()
        os.set_blocking(self._stdin, False)
        os.set_blocking(self._stdout, False)
        hello = json.dumps({"limits": limits.to_dict(), "options": options.to_dict()}).encode()
        try:
            ready = self._transact(HELLO.pack(len(hello)) + hello, lambda _: len(READY),
                                   deadline=time.monotonic() + _START_SECONDS)
        except (_Gone, _Late, _Broken):
            ready = b""
        if ready != READY:
            self.terminate()
            logger.error("parse worker did not start (exit code %s): %s", self.process.returncode, tail(self._stderr))
            self.dispose()
            raise WorkerError(f"the parser could not run (exit code {self.process.returncode})")

    def parse(self, suffix: str, source_path: str, document_id: str, data: bytes) -> tuple[Result, bool]:
        """The file's ``Document`` or ``ParseError``, and whether this worker may parse another file.

        Never raises for a file: running over ``limits.seconds_for(suffix)`` of wall clock, dying or
        breaking the protocol all end the worker (the caller disposes of it) and fail this file only.
        """
        header = json.dumps({"suffix": suffix, "source_path": source_path, "document_id": document_id}).encode()
        seconds = self._limits.seconds_for(suffix)
        try:
            reply = self._transact(REQUEST.pack(len(header), len(data)) + header + data, self._reply_size,
                                   deadline=time.monotonic() + seconds)
            flags, status_size, _ = REPLY.unpack_from(reply)
            result = _decoded(reply[REPLY.size:REPLY.size + status_size], reply[REPLY.size + status_size:])
        except _Late:
            self.terminate()
            return ParseTimeoutError(f"the file took longer than {seconds:g} s to parse"), False
        except _Gone:  # a time signal, another signal (out of memory, a crash) or an exit without answer
            error = failure(self._exit_code(), stderr=self._stderr, limits=self._limits)
            return (error if isinstance(error, ParseError) else ParseError(_FAILED)), False
        except _Broken:
            self.terminate()
            logger.error("parse worker broke the protocol on %s", source_path)
            return ParseError(_FAILED), False
        return result, not flags & RECYCLE

    def alive(self) -> bool:
        """Whether the process is still running (it is not reaped here)."""
        if self.process.returncode is not None:
            return False
        try:
            return os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
        except ChildProcessError:
            return False

    def terminate(self) -> None:
        """Kill the worker's session and reap it. Idempotent, safe from any thread."""
        with self._lock:
            kill_session(self.process)

    def dispose(self) -> None:
        """``terminate``, then close the pipes and the stderr file. Only by the thread using it."""
        self.terminate()
        for stream in (self.process.stdin, self.process.stdout, self._stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def _exit_code(self) -> int:
        """The exit status of a worker whose output ended: it is given ``_EXIT_SECONDS`` to exit (so
        the signal that ended it is known), then its session is killed and it is reaped."""
        deadline = time.monotonic() + _EXIT_SECONDS
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        self.terminate()
        return self.process.returncode

    def _reply_size(self, received: bytes | bytearray) -> int | None:
        if len(received) < REPLY.size:
            return None
        _, status_size, document_size = REPLY.unpack_from(received)
        if status_size > MAX_STATUS_BYTES or document_size > self._limits.max_output_bytes:
            raise _Broken
        return REPLY.size + status_size + document_size

    def _transact(self, request: bytes, size_of: Callable[[bytearray], int | None], *, deadline: float) -> bytes:
        """Write ``request`` and read the answer, whose total size ``size_of`` tells once enough of it
        has arrived, before ``deadline`` (``time.monotonic()``). Raises ``_Late``, ``_Gone``, ``_Broken``."""
        pending, received, size = memoryview(request), bytearray(), None
        with selectors.DefaultSelector() as selector:
            selector.register(self._stdout, selectors.EVENT_READ)
            if pending:
                selector.register(self._stdin, selectors.EVENT_WRITE)
            while size is None or len(received) < size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _Late
                for key, _ in selector.select(remaining):
                    if key.fd == self._stdin:
                        try:
                            pending = pending[os.write(self._stdin, pending[:_CHUNK]):]
                        except BlockingIOError:
                            continue
                        except OSError:  # the worker is gone: its output ends too
                            pending = pending[:0]
                        if not pending:
                            selector.unregister(self._stdin)
                    else:
                        try:
                            chunk = os.read(self._stdout, _CHUNK)
                        except BlockingIOError:
                            continue
                        if not chunk:
                            raise _Gone
                        received += chunk
                        size = size_of(received) if size is None else size
        if len(received) != size:
            raise _Broken
        return bytes(received)


def _decoded(status_line: bytes, payload: bytes) -> Result:
    """The result a reply names. Raises ``_Broken`` for a reply that does not make sense."""
    try:
        status = json.loads(status_line)
        if status.get("status") == "ok":
            return Document.model_validate_json(payload)
        if status.get("status") == "error":
            return error_class(str(status.get("error")))(str(status.get("message")))
    except (ValueError, AttributeError) as error:
        raise _Broken from error
    raise _Broken


class WorkerPool:
    """Up to ``size`` idle serving workers, started on demand; ``parse`` may be called from as many
    threads as there should be busy workers. ``close`` kills every worker, busy ones included."""

    def __init__(self, limits: ParseLimits, *, size: int, options: ServeOptions) -> None:
        self._limits, self._size, self._options = limits, size, options
        self._lock = threading.Lock()
        self._idle: list[ServeWorker] = []
        self._busy: set[ServeWorker] = set()
        self._closed = False

    def parse(self, path: Path, document_id: str) -> Result:
        """The file's ``Document`` or ``ParseError`` (see ``parse_many``). Raises ``OSError`` when the
        file cannot be read, ``WorkerError`` when no worker can run, ``PoolClosedError``."""
        try:
            suffix, data = read_guarded(path, limits=self._limits)
            check_upload(data, suffix=suffix, limits=self._limits)
        except ParseError as error:
            return error
        worker = self._acquire()
        reusable = False
        try:
            result, reusable = worker.parse(suffix, str(path), document_id, data)
        finally:
            self._release(worker, reusable=reusable)
        return result

    def close(self) -> None:
        """Kill the idle and the busy workers; a ``parse`` still running returns soon after."""
        with self._lock:
            self._closed = True
            idle, self._idle, busy = self._idle, [], list(self._busy)
        for worker in busy:
            worker.terminate()
        for worker in idle:
            worker.dispose()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def _acquire(self) -> ServeWorker:
        """An idle worker that is still running (dead ones are disposed of), else a new one."""
        found: ServeWorker | None = None
        dead: list[ServeWorker] = []
        with self._lock:
            if self._closed:
                raise PoolClosedError("the parse pool is closed")
            while self._idle and found is None:
                worker = self._idle.pop()
                if worker.alive():
                    found = worker
                    self._busy.add(worker)
                else:
                    dead.append(worker)
        for gone in dead:
            gone.dispose()
        if found is not None:
            return found
        started = ServeWorker(self._limits, self._options)
        with self._lock:
            if not self._closed:
                self._busy.add(started)
                return started
        started.dispose()
        raise PoolClosedError("the parse pool is closed")

    def _release(self, worker: ServeWorker, *, reusable: bool) -> None:
        with self._lock:
            self._busy.discard(worker)
            if reusable and not self._closed and len(self._idle) < self._size:
                self._idle.append(worker)
                return
        worker.dispose()


def parse_many(files: Iterable[tuple[Path, str]], *, limits: ParseLimits, workers: int | None = None,
               options: ServeOptions | None = None) -> Iterator[tuple[Path, Result]]:
    """Parse ``(path, document_id)`` pairs in up to ``workers`` serving workers (default: the number
    of CPUs, at most 4); yield each path with its ``Document`` or ``ParseError`` in the order given,
    each as soon as it and those before it are done. At most ``workers × 16`` files are read ahead
    of the one yielded next; closing the generator kills the workers.

    ``options`` (default ``ServeOptions.for_limits(limits)``) say when a worker hands over to a fresh
    one; ``ServeOptions(max_files=1)`` is a process per file, as before serving workers existed.
    Raises ``WorkerError`` when no worker can run and ``OSError`` for a file that cannot be read,
    at that file's turn. Cost: see ``assistant.parse.isolation.parse_files_isolated``.
    """
    count = workers or min(4, os.cpu_count() or 1)
    items = iter(files)
    pending: deque[tuple[Path, Future[Result]]] = deque()
    with (ThreadPoolExecutor(max_workers=count, thread_name_prefix="parse") as executor,
          WorkerPool(limits, size=count, options=options or ServeOptions.for_limits(limits)) as pool):
        try:
            while True:
                while len(pending) < count * _LOOKAHEAD and (item := next(items, None)) is not None:
                    pending.append((item[0], executor.submit(pool.parse, *item)))
                if not pending:
                    return
                path, future = pending.popleft()
                yield path, future.result()
        finally:
            for _, future in pending:
                future.cancel()
