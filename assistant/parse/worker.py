"""The isolated parse worker: ``python -m assistant.parse.worker``, one file per process.

Protocol (all on the standard streams, nothing on disk):

* stdin: one JSON header line ``{"suffix", "source_path", "document_id", "limits"}``, then the
  file's raw bytes until end of input.
* stdout: one JSON status line, ``{"status": "ok"}`` followed by the ``Document`` as JSON, or
  ``{"status": "error", "error": "<ParseError subclass name>", "message": "..."}`` alone.
* exit code 0 whenever a status line was written; stderr carries diagnostics only.

Before reading the file the worker caps its own address space (``RLIMIT_AS``), CPU time
(``RLIMIT_CPU``), wall-clock time (an alarm), file writes (``RLIMIT_FSIZE``) and core dumps. It
imports only the parse package, never the embedding stack: about 0.15 s of imports for text, 0.3 s
once the PDF or DOCX library loads. ``assistant.parse.serve`` is the same worker serving many files
in sequence, for bulk parsing (``assistant.parse.pool``).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import os
import resource
import signal
import sys
import traceback
import warnings
from typing import Any, BinaryIO

from assistant.models import Document
from assistant.parse import parse_bytes
from assistant.parse.errors import DocumentLimitError, ParseError, ParseResourceError
from assistant.parse.guard import ParseLimits, check_upload

MAX_HEADER_BYTES = 64 * 1024
# The worker writes no files; stderr (a file the parent reads the tail of) may take this much.
_MAX_FILE_WRITE = 1024 * 1024
OUT_OF_MEMORY = "the file needs more memory than allowed to parse"
_TOO_DEEP = "the file is nested too deeply to parse"
_FAILED = "the file could not be parsed"
_READER_LIMIT = "the PDF has a part that unpacks to more than the PDF reader's safety limit (e.g. 75 MB)"
# Written as is when memory runs out: answering must not need to allocate.
OUT_OF_MEMORY_LINE = json.dumps({"status": "error", "error": ParseResourceError.__name__,
                                 "message": OUT_OF_MEMORY}).encode() + b"\n"


def parse_untrusted(data: bytes, *, suffix: str, source_path: str, document_id: str,
                    limits: ParseLimits) -> Document:
    """Guard, check the page count of a PDF, then parse in this process.

    Raises a ``ParseError`` subclass for a file that is refused or unreadable. Cost: the guard
    (see ``check_upload``), the PDF page checks (``check_pdf_pages``) plus the parse. Meant to run
    inside the worker's resource limits, and as the target of fuzzing.
    """
    check_upload(data, suffix=suffix, limits=limits)
    if suffix.lower() == ".pdf":
        check_pdf_pages(data, limits=limits)
    try:
        return parse_bytes(data, suffix=suffix, source_path=source_path, document_id=document_id, limits=limits)
    except ParseError as error:
        if suffix.lower() == ".pdf" and _hit_reader_limit(error):
            raise DocumentLimitError(_READER_LIMIT) from error
        raise


def _hit_reader_limit(error: BaseException) -> bool:
    """Whether the PDF reader refused the file at one of its own safety limits (a stream that
    inflates past 75 MB, an array of more than 100,000 entries, ...)."""
    from pypdf.errors import LimitReachedError

    return _caused_by(error, LimitReachedError)


def check_pdf_pages(data: bytes, *, limits: ParseLimits) -> None:
    """``DocumentLimitError`` when the PDF has more than ``limits.max_pages`` pages: first by the
    page tree's stated ``/Count`` (cheap), then by walking the tree (the count may lie).

    A PDF that cannot be opened, or only with a password, passes: the reader reports it. Cost:
    pypdf's cross-reference parse plus one walk of the page tree.
    """
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        _check_page_count(_stated_count(reader), limits)
        if reader.is_encrypted and not reader.decrypt(""):
            return
        count = len(reader.pages)
        _check_page_count(count, limits)
        for number, page in enumerate(reader.pages, start=1):
            _check_page_content(page, number=number, limits=limits)
    except ParseError:
        raise
    except Exception as error:  # a damaged file: read_pdf names the problem
        if _hit_reader_limit(error):
            raise DocumentLimitError(_READER_LIMIT) from error
        return


def _check_page_content(page: Any, *, number: int, limits: ParseLimits) -> None:
    """The page's content streams unpacked, within pypdf's own limits and ``max_page_content_bytes``:
    the layout reader (pdfminer) has no such limits and would spend minutes and gigabytes on a
    page of 70 MB of drawing instructions. Cost: inflating the page's content once."""
    contents = page.get_contents()
    size = len(contents.get_data()) if contents is not None else 0
    if size > limits.max_page_content_bytes:
        raise DocumentLimitError(f"page {number} of the PDF holds {size // (1024 * 1024)} MB of drawing "
                                 f"instructions; at most {limits.max_page_content_bytes // (1024 * 1024)} MB "
                                 "are allowed")


def _stated_count(reader: Any) -> int:
    count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    return int(count) if isinstance(count, int | float) else 0


def _check_page_count(count: int, limits: ParseLimits) -> None:
    if count > limits.max_pages:
        raise DocumentLimitError(f"the PDF has {count} pages; at most {limits.max_pages} are allowed")


def apply_limits(limits: ParseLimits, *, suffix: str) -> None:
    """Cap this process: address space, CPU seconds (SIGXCPU at the soft limit, SIGKILL at the hard
    one), wall-clock seconds (SIGALRM, whose default action ends the process, even inside C code),
    file size written, no core dumps. A child process (OCR's Tesseract) inherits the resource limits,
    not the alarm.

    The alarm and the soft CPU limit bound the parse to ``limits.seconds``. OCR of a PDF's scanned
    pages pauses both while it reads a page (``assistant.parse.ocr``; its own budget is
    ``limits.ocr_seconds``), so the hard CPU limit leaves room for both.
    """
    cpu = math.ceil(limits.seconds) + 1
    apply_process_limits(limits)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, max(cpu, math.ceil(limits.seconds_for(suffix)) + 1) + 1))
    signal.setitimer(signal.ITIMER_REAL, limits.seconds)


def apply_process_limits(limits: ParseLimits) -> None:
    """The limits that hold for the whole life of a worker, however many files it parses: address
    space (``limits.memory_bytes``), file size written, no core dumps. Cost: three system calls."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (_MAX_FILE_WRITE, _MAX_FILE_WRITE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _error_line(error: Exception) -> bytes:
    if _caused_by(error, MemoryError):
        return OUT_OF_MEMORY_LINE
    if isinstance(error, ParseError):
        name, message = type(error).__name__, str(error)
    else:
        name, message = ParseError.__name__, _TOO_DEEP if isinstance(error, RecursionError) else _FAILED
        with contextlib.suppress(Exception):  # diagnostics are best effort
            traceback.print_exc(limit=20)
    return json.dumps({"status": "error", "error": name, "message": message}).encode() + b"\n"


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``error`` or an error it was raised from is a ``kind``."""
    current: BaseException | None = error
    while current is not None:
        if isinstance(current, kind):
            return True
        current = current.__cause__
    return False


def answer(data: bytes, header: dict[str, Any], limits: ParseLimits) -> tuple[tuple[bytes, ...], bool]:
    """The protocol answer for one file (the status line, then the Document if it parsed) and
    whether this process is still sound: ``False`` after running out of memory or an error that is
    not a ``ParseError`` (a parser bug, a recursion too deep), after which a worker serving many
    files ends rather than parse the next file in a possibly damaged heap. ``MemoryError`` may
    still escape (see ``run``)."""
    try:
        document = parse_untrusted(data, suffix=header["suffix"], source_path=header["source_path"],
                                   document_id=header["document_id"], limits=limits)
        payload = document.model_dump_json().encode()
        del document
        if len(payload) > limits.max_output_bytes:
            raise DocumentLimitError("the document's text is too large to index")
    except Exception as error:  # every failure is reported on the protocol, never as a crash
        line = _error_line(error)
        return (line,), isinstance(error, ParseError) and line is not OUT_OF_MEMORY_LINE
    return (b'{"status": "ok"}\n', payload), True


def run(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Read one request from ``stdin`` and write the answer to ``stdout`` (see the module doc)."""
    header = json.loads(stdin.readline(MAX_HEADER_BYTES))
    limits = ParseLimits.from_dict(header["limits"])
    apply_limits(limits, suffix=header["suffix"])
    data = stdin.read(limits.max_bytes + 1)
    # Out of memory, even answering can fail while the failed parse's frames are still alive (a
    # traceback holds them): then the handler does nothing, and the prebuilt answer is written
    # once the handler has released them.
    parts: tuple[bytes, ...] = (OUT_OF_MEMORY_LINE,)
    with contextlib.suppress(MemoryError):
        parts, _ = answer(data, header, limits)
    for part in parts:
        stdout.write(part)


def private_protocol() -> BinaryIO:
    """Prepare this process to be a worker: the protocol stream is a private copy of stdout, and
    stdout itself goes to stderr (stray prints from libraries cannot corrupt answers); library
    logging and warnings are silenced. Returns the protocol stream."""
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    return protocol


def main() -> None:
    """Entry point: serve one request on a private protocol stream (``private_protocol``)."""
    with private_protocol() as protocol:
        run(sys.stdin.buffer, protocol)


if __name__ == "__main__":
    main()
