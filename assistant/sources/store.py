"""Where sources and their state persist, beside the documents: SQLite in the data folder for the
file backend (here), tables in PostgreSQL for that backend (``assistant/index/postgres/sources.py``),
so every replica sees the same sources and the same last runs.

``exclusive`` makes one sync run at a time across processes: an ``flock`` on a file of the data
folder (released by the kernel if the process dies), or a PostgreSQL advisory lock held on a
session (released when the connection goes).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from pathlib import Path

from assistant.durable import exclusive_if_free, open_record_database
from assistant.sources.models import KnownItem, SourceConfig, SyncReport

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY, config TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS source_items (
    source TEXT NOT NULL, key TEXT NOT NULL, document_name TEXT NOT NULL, digest TEXT NOT NULL,
    etag TEXT, last_modified TEXT, url TEXT, unseen_runs INTEGER NOT NULL DEFAULT 0, links TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (source, key));
CREATE TABLE IF NOT EXISTS source_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, started_at TEXT NOT NULL, report TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS source_runs_by_source ON source_runs (source, id);
"""
RUNS_KEPT = 50  # per source


class SourceExistsError(ValueError):
    """A source of that name exists already."""


class SourceStore(ABC):
    """Sources' configuration, the items each last sync kept, and the history of runs."""

    @abstractmethod
    def add(self, config: SourceConfig) -> None:
        """Store a new source; ``SourceExistsError`` if one has its name."""

    @abstractmethod
    def get(self, name: str) -> SourceConfig | None: ...

    @abstractmethod
    def all(self) -> list[SourceConfig]:
        """Every source, by name."""

    @abstractmethod
    def delete(self, name: str) -> None:
        """Forget a source, its items and its runs."""

    @abstractmethod
    def items(self, name: str) -> dict[str, KnownItem]:
        """The items the source's last sync kept, by key."""

    @abstractmethod
    def save_run(self, report: SyncReport, items: Mapping[str, KnownItem] | None) -> None:
        """Record a run and, unless ``items`` is ``None`` (the source could not be read), replace
        the source's items with ``items``, in one transaction."""

    @abstractmethod
    def runs(self, name: str, *, limit: int = 10) -> list[SyncReport]:
        """The source's latest runs, newest first."""

    @abstractmethod
    def exclusive(self) -> contextlib.AbstractContextManager[bool]:
        """Hold the one sync lock while the block runs; yields ``False`` (without waiting) when
        another thread or process holds it."""

    def last_run(self, name: str) -> SyncReport | None:
        runs = self.runs(name, limit=1)
        return runs[0] if runs else None


class SqliteSourceStore(SourceStore):
    """``sources.sqlite`` and ``sources.lock`` in the file backend's data folder."""

    def __init__(self, path: Path) -> None:
        self._connection = open_record_database(path, _SCHEMA)
        self._lock = threading.Lock()
        self._lock_path = path.with_suffix(".lock")

    def add(self, config: SourceConfig) -> None:
        with self._lock:
            try:
                self._connection.execute("INSERT INTO sources VALUES (?, ?, ?)",
                                         (config.name, config.model_dump_json(), config.created_at))
            except Exception as error:  # sqlite3.IntegrityError: the primary key
                if "UNIQUE" in str(error):
                    raise SourceExistsError(f"a source named {config.name!r} exists already") from None
                raise

    def get(self, name: str) -> SourceConfig | None:
        with self._lock:
            row = self._connection.execute("SELECT config FROM sources WHERE name = ?", (name,)).fetchone()
        return SourceConfig.model_validate_json(row[0]) if row else None

    def all(self) -> list[SourceConfig]:
        with self._lock:
            rows = self._connection.execute("SELECT config FROM sources ORDER BY name").fetchall()
        return [SourceConfig.model_validate_json(row[0]) for row in rows]

    def delete(self, name: str) -> None:
        with self._lock, self._transaction():
            for table, column in (("sources", "name"), ("source_items", "source"), ("source_runs", "source")):
                self._connection.execute(f"DELETE FROM {table} WHERE {column} = ?", (name,))

    def items(self, name: str) -> dict[str, KnownItem]:
        with self._lock:
            rows = self._connection.execute(
                "SELECT key, document_name, digest, etag, last_modified, url, unseen_runs, links FROM source_items "
                "WHERE source = ?", (name,)).fetchall()
        return {row[0]: KnownItem(*row[:7], links=tuple(json.loads(row[7]))) for row in rows}

    def save_run(self, report: SyncReport, items: Mapping[str, KnownItem] | None) -> None:
        with self._lock, self._transaction():
            self._connection.execute("INSERT INTO source_runs (source, started_at, report) VALUES (?, ?, ?)",
                                     (report.source, report.started_at, report.model_dump_json()))
            self._connection.execute(
                "DELETE FROM source_runs WHERE source = ? AND id NOT IN "
                "(SELECT id FROM source_runs WHERE source = ? ORDER BY id DESC LIMIT ?)",
                (report.source, report.source, RUNS_KEPT))
            if items is not None:
                self._connection.execute("DELETE FROM source_items WHERE source = ?", (report.source,))
                self._connection.executemany(
                    "INSERT INTO source_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(report.source, i.key, i.document_name, i.digest, i.etag, i.last_modified, i.url,
                      i.unseen_runs, json.dumps(list(i.links))) for i in items.values()])

    def runs(self, name: str, *, limit: int = 10) -> list[SyncReport]:
        with self._lock:
            rows = self._connection.execute("SELECT report FROM source_runs WHERE source = ? ORDER BY id DESC "
                                            "LIMIT ?", (name, limit)).fetchall()
        return [SyncReport.model_validate(json.loads(row[0])) for row in rows]

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[bool]:
        with exclusive_if_free(os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)) as taken:
            yield taken

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    def close(self) -> None:
        self._connection.close()
