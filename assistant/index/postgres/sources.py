"""Sources, the items each last sync kept and the history of runs in PostgreSQL (the ``sources``,
``source_items`` and ``source_runs`` tables), shared by every replica: it behaves as
``SqliteSourceStore`` does, with an advisory lock in place of the ``flock``."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping

import psycopg
from psycopg_pool import ConnectionPool

from assistant.index.postgres.schema import SOURCE_RUNS_LOCK, SYNC_LOCK
from assistant.sources.models import KnownItem, SourceConfig, SyncReport
from assistant.sources.store import RUNS_KEPT, SourceExistsError, SourceStore


class PostgresSourceStore(SourceStore):
    """Over the backend's pool (which it does not close). Thread-safe; every call takes one pooled
    connection for one or two statements, except ``exclusive``, which holds one for its block."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def add(self, config: SourceConfig) -> None:
        """Cost: one insert. ``SourceExistsError`` if a source has the name (no error is raised on
        the server: the conflict is skipped and seen from the count)."""
        with self._pool.connection() as connection:
            inserted = connection.execute(
                "INSERT INTO sources (name, config, created_at) VALUES (%s, %s, %s) ON CONFLICT (name) DO NOTHING",
                (config.name, config.model_dump_json(), config.created_at)).rowcount
        if not inserted:
            raise SourceExistsError(f"a source named {config.name!r} exists already")

    def get(self, name: str) -> SourceConfig | None:
        with self._pool.connection() as connection:
            row = connection.execute("SELECT config FROM sources WHERE name = %s", (name,)).fetchone()
        return SourceConfig.model_validate(row[0]) if row else None

    def all(self) -> list[SourceConfig]:
        # Byte order, as SQLite sorts: the database's collation might order hyphens otherwise.
        with self._pool.connection() as connection:
            rows = connection.execute('SELECT config FROM sources ORDER BY name COLLATE "C"').fetchall()
        return [SourceConfig.model_validate(row[0]) for row in rows]

    def delete(self, name: str) -> None:
        """Cost: one transaction of three deletes."""
        with self._pool.connection() as connection, connection.transaction():
            for table, column in (("sources", "name"), ("source_items", "source"), ("source_runs", "source")):
                connection.execute(f"DELETE FROM {table} WHERE {column} = %s", (name,))

    def items(self, name: str) -> dict[str, KnownItem]:
        """Cost: one read of the source's items (a primary-key range)."""
        with self._pool.connection() as connection:
            rows = connection.execute(
                "SELECT key, document_name, digest, etag, last_modified, url, unseen_runs, links FROM source_items "
                "WHERE source = %s", (name,)).fetchall()
        return {row[0]: KnownItem(*row[:7], links=tuple(row[7])) for row in rows}

    def save_run(self, report: SyncReport, items: Mapping[str, KnownItem] | None) -> None:
        """Record ``report``, keep the source's ``RUNS_KEPT`` latest runs and, unless ``items`` is
        ``None``, replace its items, in one transaction. Cost: a few statements plus one insert per
        item (pipelined)."""
        with self._pool.connection() as connection, connection.transaction():
            # Writers one at a time, as SQLite's BEGIN IMMEDIATE makes them: two replacements of the
            # same source's items would otherwise collide on the primary key.
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (SOURCE_RUNS_LOCK,))
            connection.execute("INSERT INTO source_runs (source, started_at, report) VALUES (%s, %s, %s)",
                               (report.source, report.started_at, report.model_dump_json()))
            connection.execute(
                "DELETE FROM source_runs WHERE source = %s AND id <= (SELECT id FROM source_runs WHERE source = %s "
                "ORDER BY id DESC OFFSET %s LIMIT 1)", (report.source, report.source, RUNS_KEPT))
            if items is not None:
                connection.execute("DELETE FROM source_items WHERE source = %s", (report.source,))
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO source_items (source, key, document_name, digest, etag, last_modified, url, "
                        "unseen_runs, links) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        [(report.source, i.key, i.document_name, i.digest, i.etag, i.last_modified, i.url,
                          i.unseen_runs, json.dumps(list(i.links), ensure_ascii=False)) for i in items.values()])

    def runs(self, name: str, *, limit: int = 10) -> list[SyncReport]:
        with self._pool.connection() as connection:
            rows = connection.execute("SELECT report FROM source_runs WHERE source = %s ORDER BY id DESC LIMIT %s",
                                      (name, limit)).fetchall()
        return [SyncReport.model_validate(row[0]) for row in rows]

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[bool]:
        """A session advisory lock on one pooled connection kept for the whole block (another
        thread of this process gets another connection, so another session, and is refused too);
        ``False`` at once when any session holds it. A process that dies releases it with its
        connection. Cost: one connection for the block, two statements."""
        with self._pool.connection() as connection:
            if connection.execute("SELECT pg_try_advisory_lock(%s)", (SYNC_LOCK,)).fetchone()[0]:
                try:
                    yield True
                finally:
                    # A connection lost meanwhile took its lock with it (and the pool discards it).
                    with contextlib.suppress(psycopg.OperationalError):
                        connection.execute("SELECT pg_advisory_unlock(%s)", (SYNC_LOCK,))
                return
        yield False  # the connection is back in the pool: a refused caller holds nothing
