"""Durable writes: a crash leaves the old file or the new one, never half of either."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def open_record_database(path: Path, schema: str) -> sqlite3.Connection:
    """A SQLite file for small records that must persist (feedback, keys, the audit trail): each
    statement commits on its own (WAL journal), the connection may be used from any thread (callers
    hold a lock), and ``schema`` (idempotent DDL) is applied. Cost: milliseconds, once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(schema)
    return connection


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
