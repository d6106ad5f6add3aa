"""The seam between a sync and a kind of source: one connector per kind, one method."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping

from assistant.errors import AssistantError
from assistant.sources.models import KnownItem, Scan


class SourceUnreadableError(AssistantError):
    """The source as a whole could not be read (the share is gone, the site does not answer):
    nothing is removed, the last good index keeps serving, and the run is recorded as failed."""


class Connector(ABC):
    """Reads one source. Implementations: ``FolderConnector``, ``WebsiteConnector``."""

    @abstractmethod
    def scan(self, known: Mapping[str, KnownItem]) -> Scan:
        """What the source holds now, against ``known`` (the last sync's items, by key): reads in
        full only what is new or may have changed. Raises ``SourceUnreadableError`` when the
        source itself cannot be read; a single unreadable item is a ``FailedItem`` instead."""
