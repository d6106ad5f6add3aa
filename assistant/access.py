"""Who may read what: access groups on documents, managed API keys and the audit trail.

- A document with no access groups is for every reader; one with groups only for callers in at
  least one of them. A ``Viewer`` is what a caller may see; ``Viewer.everything()`` (admins, the
  CLI) sees every document.
- Managed keys are stored as the SHA-256 of the key only (the key is 256 random bits, so no
  slower hash is needed); the key itself is shown once, when created. A revoked key is deleted,
  so the next request with it finds nothing.
- The audit trail records every admin action with the time, the key's name and the request id.

Stores live beside the documents: SQLite in the data folder for the file backend, tables in
PostgreSQL for that backend (``assistant/index/postgres/access.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.durable import open_record_database
from assistant.errors import InvalidRequestError
from assistant.models import DocumentInfo

KeyRole = Literal["reader", "admin"]
KEY_PREFIX = "pa_"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The documents a caller may see: unrestricted ones, and those sharing a group with ``groups``."""

    groups: frozenset[str] = frozenset()
    sees_all: bool = False

    @classmethod
    def everything(cls) -> Viewer:
        return cls(sees_all=True)

    @classmethod
    def public(cls) -> Viewer:
        return cls()

    def can_see(self, document: DocumentInfo) -> bool:
        return self.may_read(document.access)

    def may_read(self, access: Iterable[str]) -> bool:
        """Whether something restricted to the groups ``access`` (none: every reader) is for this viewer."""
        groups = frozenset(access)
        return self.sees_all or not groups or not self.groups.isdisjoint(groups)

    def hidden(self, documents: Iterable[DocumentInfo]) -> frozenset[str]:
        """Ids of the ``documents`` this viewer may not see."""
        return frozenset() if self.sees_all else frozenset(d.id for d in documents if not self.can_see(d))


def parse_groups(text: str | Iterable[str]) -> list[str]:
    """Group names from a comma-separated string (or a list): stripped, lower-cased, unique,
    sorted. ``InvalidRequestError`` (a ``ValueError``) for a name that is not letters, digits, '-',
    '_' or '.'."""
    names = text.split(",") if isinstance(text, str) else list(text)
    groups = sorted({name.strip().casefold() for name in names if name.strip()})
    for group in groups:
        if len(group) > 64 or not all(ch.isalnum() or ch in "-_." for ch in group):
            raise InvalidRequestError(f"invalid access group {group!r}: use letters, digits, '-', '_' or '.' "
                                      "(at most 64)")
    return groups


class ManagedKey(BaseModel):
    id: str
    name: str
    role: KeyRole
    groups: list[str] = Field(default_factory=list)
    created_at: str


class NewKey(ManagedKey):
    key: str = Field(description="The key itself: shown only in this response, stored only as a hash.")


class AuditEntry(BaseModel):
    id: int
    at: str
    key_name: str
    action: str
    target: str
    request_id: str | None = None


def new_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class KeyStore(ABC):
    """Managed API keys. Every lookup reads the store, so a revocation holds on every replica at once."""

    @abstractmethod
    def create(self, *, name: str, role: KeyRole, groups: Sequence[str]) -> NewKey:
        """A new key; its secret is in the result only."""

    @abstractmethod
    def find(self, key: str) -> ManagedKey | None:
        """The key whose secret is ``key``, or ``None``. Cost: one indexed read."""

    @abstractmethod
    def all_keys(self) -> list[ManagedKey]:
        """Every key, without secrets, oldest first."""

    @abstractmethod
    def revoke(self, key_id: str) -> bool:
        """Delete a key; ``False`` if there is none with that id."""


class AuditLog(ABC):
    """An append-only record of admin actions."""

    @abstractmethod
    def record(self, *, key_name: str, action: str, target: str, request_id: str | None) -> None: ...

    @abstractmethod
    def entries(self, *, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
        """Entries, newest first."""


class AccessStore(KeyStore, AuditLog, ABC):
    """Keys and the audit trail, kept together beside the documents."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, groups TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, key_name TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, request_id TEXT);
"""


class SqliteAccess(AccessStore):
    """Keys and audit trail in one SQLite file of the data folder (the file backend's)."""

    def __init__(self, path: Path) -> None:
        self._connection = open_record_database(path, _SCHEMA)
        self._lock = threading.Lock()

    def create(self, *, name: str, role: KeyRole, groups: Sequence[str]) -> NewKey:
        key, key_id, created = new_secret(), secrets.token_hex(8), now()
        with self._lock:
            self._connection.execute("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?)",
                                     (key_id, name, role, ",".join(groups), key_hash(key), created))
        return NewKey(id=key_id, name=name, role=role, groups=list(groups), created_at=created, key=key)

    def find(self, key: str) -> ManagedKey | None:
        with self._lock:
            row = self._connection.execute("SELECT id, name, role, groups, created_at FROM api_keys "
                                           "WHERE key_hash = ?", (key_hash(key),)).fetchone()
        return _key(row) if row else None

    def all_keys(self) -> list[ManagedKey]:
        with self._lock:
            rows = self._connection.execute("SELECT id, name, role, groups, created_at FROM api_keys "
                                            "ORDER BY created_at, id").fetchall()
        return [_key(row) for row in rows]

    def revoke(self, key_id: str) -> bool:
        with self._lock:
            return self._connection.execute("DELETE FROM api_keys WHERE id = ?", (key_id,)).rowcount > 0

    def record(self, *, key_name: str, action: str, target: str, request_id: str | None) -> None:
        with self._lock:
            self._connection.execute("INSERT INTO audit (at, key_name, action, target, request_id) "
                                     "VALUES (?, ?, ?, ?, ?)", (now(), key_name, action, target, request_id))

    def entries(self, *, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
        with self._lock:
            rows = self._connection.execute("SELECT id, at, key_name, action, target, request_id FROM audit "
                                            "ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        return [AuditEntry(id=r[0], at=r[1], key_name=r[2], action=r[3], target=r[4], request_id=r[5]) for r in rows]

    def close(self) -> None:
        self._connection.close()


def _key(row: tuple[str, str, str, str, str]) -> ManagedKey:
    return ManagedKey(id=row[0], name=row[1], role=row[2], groups=[g for g in row[3].split(",") if g],  # type: ignore[arg-type]
                      created_at=row[4])
