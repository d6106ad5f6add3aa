"""The parse worker serving many files in sequence: ``python -m assistant.parse.serve``.

``assistant.parse.worker`` parses one file and exits, which costs a process start (0.15-0.3 s of
interpreter and imports) per file. For bulk parsing (a corpus folder, ``assistant.parse.pool``) this
worker stays up and parses one file after another, each within the same limits as a one-file
worker: the address space (``RLIMIT_AS``) holds for the process's whole life; before each file the
soft CPU limit is raised to the CPU used so far plus the file's own seconds and a wall-clock alarm
is armed (both end the process, as in the one-file worker); the parent enforces the file's wall
clock too and kills the whole session when it runs over.

The worker ends itself, after answering, when it may no longer offer the next file a clean start:
after the file ran out of memory or failed with an error that is not a ``ParseError`` (a parser
bug), after ``ServeOptions.max_files`` files, or when its address space has grown by more than
``ServeOptions.max_growth_bytes`` since it started (parser libraries loaded, memory the parses left
behind). The parent then starts another.

Protocol (binary, on the standard streams; integers big-endian):

* hello, once: ``HELLO`` (the length) then JSON ``{"limits": ParseLimits.to_dict(), "options":
  ServeOptions.to_dict()}``; the worker applies its process limits and answers ``READY``.
* each request: ``REQUEST`` (header length, file length), the JSON header ``{"suffix",
  "source_path", "document_id"}``, the file's bytes.
* each reply: ``REPLY`` (flags, status length, document length), the status line of the one-file
  protocol, then the ``Document`` as JSON if it parsed (else length 0). Flag ``RECYCLE``: the worker
  ends after this reply.
* end of input: the worker exits with code 0.

A worker that breaks the protocol (a request larger than the limits allow) exits with code 2.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
import signal
import struct
import sys
from dataclasses import asdict, dataclass
from typing import Any, BinaryIO

from assistant.parse.guard import MIB, ParseLimits
from assistant.parse.worker import MAX_HEADER_BYTES, OUT_OF_MEMORY_LINE, answer, apply_process_limits, private_protocol

HELLO = struct.Struct(">I")
REQUEST = struct.Struct(">II")
REPLY = struct.Struct(">BII")
READY = b"ready\n"
RECYCLE = 0x1
MAX_HELLO_BYTES = 64 * 1024
MAX_STATUS_BYTES = 64 * 1024
_PROTOCOL_ERROR = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeOptions:
    """When a serving worker hands over to a fresh one: after ``max_files`` files, or when its
    address space has grown by more than ``max_growth_bytes`` since it started serving."""

    max_files: int = 256
    max_growth_bytes: int = 128 * MIB

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def for_limits(cls, limits: ParseLimits, *, max_files: int = 256) -> ServeOptions:
        """The defaults for ``limits``: growth of at most an eighth of the memory cap (at most
        128 MiB), so a file parsed late in a worker's life has nearly the memory a fresh worker has."""
        return cls(max_files=max_files, max_growth_bytes=min(128 * MIB, limits.memory_bytes // 8))


def serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Answer the hello, then requests until end of input or a reply flagged ``RECYCLE`` (see the
    module doc). Cost per file: the parse, plus copying the file and the Document through pipes."""
    hello = json.loads(_read_frame(stdin, HELLO, MAX_HELLO_BYTES))
    limits = ParseLimits.from_dict(hello["limits"])
    options = ServeOptions(**hello["options"])
    apply_process_limits(limits)
    start_size = _address_space()
    stdout.write(READY)
    stdout.flush()
    served = 0
    while (request := _read_request(stdin, limits)) is not None:
        header, data = request
        _reset_stderr()
        parts, sound = _parse_one(data, header, limits)
        del data, request
        served += 1
        recycle = not sound or served >= options.max_files or _address_space() - start_size > options.max_growth_bytes
        payload = parts[1] if len(parts) > 1 else b""
        stdout.write(REPLY.pack(RECYCLE if recycle else 0, len(parts[0]), len(payload)))
        stdout.write(parts[0])
        stdout.write(payload)
        stdout.flush()
        if recycle:
            return


def _parse_one(data: bytes, header: dict[str, Any], limits: ParseLimits) -> tuple[tuple[bytes, ...], bool]:
    """``worker.answer`` within the file's CPU seconds and wall-clock alarm, disarmed afterwards."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(used.ru_utime + used.ru_stime) + math.ceil(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    # As in worker.run: out of memory, answering itself may fail; the prebuilt answer is used then.
    parts: tuple[bytes, ...] = (OUT_OF_MEMORY_LINE,)
    sound = False
    try:
        with contextlib.suppress(MemoryError):
            parts, sound = answer(data, header, limits)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return parts, sound


def _read_request(stdin: BinaryIO, limits: ParseLimits) -> tuple[dict[str, Any], bytes] | None:
    """The next request, or ``None`` at end of input. A request over the limits ends the worker."""
    head = stdin.read(REQUEST.size)
    if not head:
        return None
    if len(head) < REQUEST.size:
        raise SystemExit(_PROTOCOL_ERROR)
    header_size, data_size = REQUEST.unpack(head)
    if header_size > MAX_HEADER_BYTES or data_size > limits.max_bytes:
        raise SystemExit(_PROTOCOL_ERROR)
    header = json.loads(_read_exactly(stdin, header_size))
    return header, _read_exactly(stdin, data_size)


def _read_frame(stdin: BinaryIO, prefix: struct.Struct, limit: int) -> bytes:
    (size,) = prefix.unpack(_read_exactly(stdin, prefix.size))
    if size > limit:
        raise SystemExit(_PROTOCOL_ERROR)
    return _read_exactly(stdin, size)


def _read_exactly(stdin: BinaryIO, size: int) -> bytes:
    data = stdin.read(size)
    if len(data) != size:
        raise SystemExit(_PROTOCOL_ERROR)
    return data


def _reset_stderr() -> None:
    """Empty stderr (a file the parent reads the tail of when the worker dies) before each file: it
    then tells about the file at hand, and a long life of diagnostics never reaches the 1 MiB
    ``RLIMIT_FSIZE``. Nothing happens when stderr is not a regular file."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
        os.ftruncate(sys.stderr.fileno(), 0)
        os.lseek(sys.stderr.fileno(), 0, os.SEEK_SET)


def _address_space() -> int:
    """Bytes of address space in use (what ``RLIMIT_AS`` counts); 0 where ``/proc`` is missing."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def main() -> None:
    """Entry point: serve on a private protocol stream (``worker.private_protocol``)."""
    with private_protocol() as protocol:
        serve(sys.stdin.buffer, protocol)


if __name__ == "__main__":
    main()
