"""Where the documents live: sources (a folder on a share, a website) kept in sync with the index.

One seam per kind of source (``Connector.scan``), one store of their configuration and state
(``SourceStore``, beside the documents: SQLite or PostgreSQL), and one sync step
(``SourceSync``) that turns a scan into one change of the index.
"""

from assistant.sources.base import Connector, SourceUnreadableError
from assistant.sources.models import (
    FailedItem,
    FetchedItem,
    KnownItem,
    Scan,
    SourceConfig,
    SourceKind,
    SyncReport,
)
from assistant.sources.store import SourceStore, SqliteSourceStore

__all__ = [
    "Connector",
    "FailedItem",
    "FetchedItem",
    "KnownItem",
    "Scan",
    "SourceConfig",
    "SourceKind",
    "SourceStore",
    "SourceUnreadableError",
    "SqliteSourceStore",
    "SyncReport",
]
