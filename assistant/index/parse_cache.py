"""Parsed documents cached by the file's content, so a rebuild parses only new or changed files.

Each corpus file is parsed in an isolated worker (``assistant.parse.isolation``): a few milliseconds
for a Markdown page, up to seconds a page for a scanned PDF; a rebuild after one upload should not
pay that again for every unchanged file. Keyed
by sha256 of (pipeline version, document id, source path, file bytes); values are the Document
as JSON (pydantic), never pickle. Only successful parses are cached: a refused file is re-checked.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from assistant.models import Document

_SCHEMA = "CREATE TABLE IF NOT EXISTS documents (key BLOB PRIMARY KEY, document TEXT NOT NULL)"


class ParseCache:
    """Cost: one indexed lookup per file; the JSON decode of a hit."""

    def __init__(self, path: Path, *, version: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute(_SCHEMA)
        self._version = version

    def key(self, path: Path, *, document_id: str) -> bytes:
        digest = hashlib.sha256(f"{self._version}\x1f{document_id}\x1f{path}\x1f".encode())
        digest.update(path.read_bytes())
        return digest.digest()

    def get(self, key: bytes) -> Document | None:
        row = self._connection.execute("SELECT document FROM documents WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return Document.model_validate_json(row[0])
        except ValueError:  # written by an older model of Document: parse again
            return None

    def put(self, key: bytes, document: Document) -> None:
        with self._connection:
            self._connection.execute("INSERT OR REPLACE INTO documents VALUES (?, ?)",
                                     (key, document.model_dump_json()))

    def close(self) -> None:
        self._connection.close()
