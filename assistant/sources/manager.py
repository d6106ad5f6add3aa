"""Sources as an administrator manages them: add, list with their last run, sync, remove.

``SourceManager`` is what the facade hands the CLI and the admin API; it only checks input, takes
the one sync lock and delegates to the store, the connectors and ``SourceSync``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from assistant.access import parse_groups
from assistant.errors import AssistantError, ConflictError, InvalidRequestError
from assistant.index.backend import IndexBackend
from assistant.parse.guard import ParseLimits
from assistant.sources.base import Connector
from assistant.sources.folder import FolderConnector
from assistant.sources.models import SourceConfig, SourceKind, SyncReport, format_interval, parse_interval
from assistant.sources.store import SourceExistsError, SourceStore
from assistant.sources.sync import SourceSync, document_id_of

logger = logging.getLogger(__name__)


class SourceNotFoundError(AssistantError, LookupError):
    """No source has that name."""


class SourceConflictError(ConflictError):
    """A source of that name exists, or another sync is running."""


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """How website syncs behave (from ``Settings``)."""

    user_agent: str
    requests_per_second: float = 2.0
    timeout_seconds: float = 30.0
    max_items: int = 5000
    max_bytes: int = 50 * 1024 * 1024


class SourceStatus(BaseModel):
    """A source with its schedule in words and its latest run (``None``: never synced)."""

    source: SourceConfig
    every: str
    last_run: SyncReport | None
    next_run_at: str | None


class SourceManager:
    """See the module docstring. ``connector_for`` may be given (tests, other wiring); by default
    folders are read directly and websites through an HTTP client made from ``crawl``."""

    def __init__(self, *, store: SourceStore, backend: IndexBackend, limits: ParseLimits, crawl: CrawlOptions,
                 connector_for: Callable[[SourceConfig], Connector] | None = None,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        self.store = store
        self.backend = backend
        self.crawl = crawl
        self._client: httpx.Client | None = None
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self._sync = SourceSync(store=store, backend=backend, connector_for=connector_for or self._connector,
                                limits=limits, now=self._now)

    # --- configuration --------------------------------------------------------------------------

    def add(self, name: str, location: str, *, groups: Sequence[str] = (), every: str | None = None,
            include: Sequence[str] = (), exclude: Sequence[str] = ()) -> SourceConfig:
        """Store a new source (nothing is read until it syncs). ``InvalidRequestError`` naming the
        problem for a bad name, location, group or interval; ``SourceConflictError`` for a name in use."""
        kind, location = _location(location)
        try:
            config = SourceConfig(name=name, kind=kind, location=location, groups=parse_groups(groups),
                                  every_seconds=parse_interval(every) if every else None, include=list(include),
                                  exclude=list(exclude), created_at=self._stamp())
        except ValidationError as error:
            messages = (e["msg"].removeprefix("Value error, ") for e in error.errors())
            raise InvalidRequestError("; ".join(messages)) from None
        except ValueError as error:
            raise InvalidRequestError(str(error)) from None
        try:
            self.store.add(config)
        except SourceExistsError as error:
            raise SourceConflictError(str(error)) from None
        return config

    def get(self, name: str) -> SourceConfig:
        config = self.store.get(name)
        if config is None:
            raise SourceNotFoundError(f"no source named {name!r}")
        return config

    def statuses(self) -> list[SourceStatus]:
        """Every source with its latest run. Cost: one query per source."""
        return [self.status(config) for config in self.store.all()]

    def status(self, config: SourceConfig) -> SourceStatus:
        last = self.store.last_run(config.name)
        due = self._due_at(config, last)
        return SourceStatus(source=config, every=format_interval(config.every_seconds), last_run=last,
                            next_run_at=due.isoformat(timespec="seconds") if due else None)

    def runs(self, name: str, *, limit: int = 10) -> list[SyncReport]:
        self.get(name)
        return self.store.runs(name, limit=limit)

    def remove(self, name: str) -> list[str]:
        """Remove a source and, in one index change, its documents; the ids removed. Waits for no
        running sync: ``SourceConflictError`` if one runs."""
        config = self.get(name)
        with self._exclusive():
            items = self.store.items(config.name)
            removed = [document_id_of(i.document_name) for i in items.values() if i.indexed]
            self.backend.apply_changes(put=[], remove=removed)
            self.store.delete(config.name)
        return removed

    # --- syncing --------------------------------------------------------------------------------

    def sync(self, name: str | None = None) -> list[SyncReport]:
        """Sync one source, or every source when ``name`` is ``None``, now; their reports.
        ``SourceConflictError`` when another sync runs (here or in another process)."""
        configs = [self.get(name)] if name is not None else self.store.all()
        with self._exclusive():
            return [self._sync.run(config) for config in configs]

    def sync_due(self) -> list[SyncReport]:
        """Sync the sources whose schedule says so; nothing (and no wait) when another sync runs.
        What ``assistant serve`` calls every minute."""
        if not any(self._is_due(config) for config in self.store.all()):
            return []
        with self.store.exclusive() as acquired:
            if not acquired:
                return []
            # Another replica may have run some while we took the lock: ask again, one by one.
            return [self._sync.run(config) for config in self.store.all() if self._is_due(config)]

    def _is_due(self, config: SourceConfig) -> bool:
        at = self._due_at(config, self.store.last_run(config.name))
        return at is not None and at <= self._now()

    def _due_at(self, config: SourceConfig, last: SyncReport | None) -> dt.datetime | None:
        if not config.every_seconds:
            return None
        if last is None:
            return dt.datetime.fromisoformat(config.created_at) if config.created_at else self._now()
        return dt.datetime.fromisoformat(last.started_at) + dt.timedelta(seconds=config.every_seconds)

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self.store.exclusive() as acquired:
            if not acquired:
                raise SourceConflictError("another sync is running; try again when it has finished")
            yield

    def _connector(self, config: SourceConfig) -> Connector:
        if config.kind is SourceKind.FOLDER:
            return FolderConnector(root=Path(config.location), include=config.include, exclude=config.exclude,
                                   max_bytes=self.crawl.max_bytes)
        from assistant.sources.website import WebsiteConnector, website_client

        if self._client is None:  # one client per process, its connections reused across syncs
            self._client = website_client(user_agent=self.crawl.user_agent, timeout_seconds=self.crawl.timeout_seconds)
        return WebsiteConnector(start_url=config.location, client=self._client, include=config.include,
                                exclude=config.exclude, requests_per_second=self.crawl.requests_per_second,
                                max_items=self.crawl.max_items, max_bytes=self.crawl.max_bytes)

    def _stamp(self) -> str:
        return self._now().isoformat(timespec="seconds")

    def close(self) -> None:
        """Close the website client, if one was opened."""
        if self._client is not None:
            self._client.close()


def _location(location: str) -> tuple[SourceKind, str]:
    """A website for an ``http(s)://`` URL with a host, else a folder that must exist (made absolute)."""
    location = location.strip()
    if location.lower().startswith(("http://", "https://")):
        parts = urlsplit(location)
        if not parts.hostname:
            raise InvalidRequestError(f"the URL {location!r} has no host")
        return SourceKind.WEBSITE, location
    if "://" in location:
        raise InvalidRequestError(f"a source is a folder path or an http(s):// URL, got {location!r}")
    try:
        folder = Path(location).expanduser()
        if folder.is_dir():
            return SourceKind.FOLDER, str(folder.resolve())
    except (OSError, ValueError, RuntimeError):  # a name too long, a NUL byte, a user that does not exist
        pass
    raise InvalidRequestError(f"the folder {location[:200]!r} does not exist or is not a folder")
