"""Managed API keys and the audit trail in PostgreSQL, shared by every replica: a key revoked
through one replica is refused by all of them on the next request (every lookup reads the table)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from psycopg_pool import ConnectionPool

from assistant.access import AccessStore, AuditEntry, KeyRole, ManagedKey, NewKey, key_hash, new_secret, now


class PostgresAccess(AccessStore):
    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def create(self, *, name: str, role: KeyRole, groups: Sequence[str]) -> NewKey:
        key, key_id, created = new_secret(), secrets.token_hex(8), now()
        with self._pool.connection() as connection:
            connection.execute("INSERT INTO api_keys (id, name, role, groups, key_hash, created_at) "
                               "VALUES (%s, %s, %s, %s, %s, %s)",
                               (key_id, name, role, list(groups), key_hash(key), created))
        return NewKey(id=key_id, name=name, role=role, groups=list(groups), created_at=created, key=key)

    def find(self, key: str) -> ManagedKey | None:
        with self._pool.connection() as connection:
            row = connection.execute("SELECT id, name, role, groups, created_at FROM api_keys WHERE key_hash = %s",
                                     (key_hash(key),)).fetchone()
        return ManagedKey(id=row[0], name=row[1], role=row[2], groups=row[3], created_at=row[4]) if row else None

    def all_keys(self) -> list[ManagedKey]:
        with self._pool.connection() as connection:
            rows = connection.execute("SELECT id, name, role, groups, created_at FROM api_keys "
                                      "ORDER BY created_at, id").fetchall()
        return [ManagedKey(id=r[0], name=r[1], role=r[2], groups=r[3], created_at=r[4]) for r in rows]

    def revoke(self, key_id: str) -> bool:
        with self._pool.connection() as connection:
            return connection.execute("DELETE FROM api_keys WHERE id = %s", (key_id,)).rowcount > 0

    def record(self, *, key_name: str, action: str, target: str, request_id: str | None) -> None:
        with self._pool.connection() as connection:
            connection.execute("INSERT INTO audit (at, key_name, action, target, request_id) "
                               "VALUES (%s, %s, %s, %s, %s)", (now(), key_name, action, target, request_id))

    def entries(self, *, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
        with self._pool.connection() as connection:
            rows = connection.execute("SELECT id, at, key_name, action, target, request_id FROM audit "
                                      "ORDER BY id DESC LIMIT %s OFFSET %s", (limit, offset)).fetchall()
        return [AuditEntry(id=r[0], at=r[1], key_name=r[2], action=r[3], target=r[4], request_id=r[5]) for r in rows]
