"""Durable writes: a crash leaves the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path


def open_record_database(path: Path, schema: str, *,
                         columns: Sequence[tuple[str, str, str]] = ()) -> sqlite3.Connection:
    """A SQLite file for small records that must persist (feedback, keys, the audit trail): each
    statement commits on its own (WAL journal), the connection may be used from any thread (callers
    hold a lock), ``schema`` (idempotent DDL) is applied, and each of ``columns`` (table, column,
    type) is added where a file of before lacks it. Processes opening the file at once (the workers
    of ``assistant serve --workers``) set it up one at a time, under a lock on a file beside it:
    otherwise two saw a column missing and the second failed to add it, or one switched the journal
    while another held the file, and that worker failed to start. Cost: milliseconds, once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _setup_lock(path):
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(schema)
        for table, column, kind in columns:
            if column not in {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}:
                connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    return connection


@contextlib.contextmanager
def exclusive_if_free(descriptor: int) -> Iterator[bool]:
    """Whether an exclusive ``flock`` on ``descriptor`` was taken without waiting (another holder,
    in any process, makes it ``False``). The descriptor is closed on exit, which releases it."""
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def _setup_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``<path>.lock`` for as long as the block runs (released when the process
    dies, so a crash mid-setup blocks no one)."""
    with open(path.with_name(f"{path.name}.lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_durably(target: Path, data: bytes) -> None:
    """Write via a temporary file beside ``target``, fsync it, rename it over ``target``, fsync the folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.name}.part")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    fsync_folder(target.parent)


def fsync_folder(folder: Path) -> None:
    """Make a folder's entries (created, renamed, removed files) durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
