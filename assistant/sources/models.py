"""Plain models of sources: their configuration, what a scan found, and what a sync did."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, field_validator

# Why an item could not be taken in, in words an administrator can act on.
FailureReason = Literal["unreadable", "too_large", "timed_out", "refused", "unreachable", "changing"]

SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MIN_INTERVAL_SECONDS = 300
_UNITS = {"m": 60, "h": 3600, "d": 86400}


class SourceKind(StrEnum):
    FOLDER = "folder"
    WEBSITE = "website"


def parse_interval(text: str) -> int:
    """Seconds in an interval like ``30m``, ``6h`` or ``1d``; ``ValueError`` naming the problem for
    anything else or for less than five minutes."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhd])\s*", text.lower())
    if not match:
        raise ValueError(f"an interval is a number and m, h or d (30m, 6h, 1d), got {text!r}")
    seconds = int(match.group(1)) * _UNITS[match.group(2)]
    if seconds < MIN_INTERVAL_SECONDS:
        raise ValueError(f"the shortest interval is 5m, got {text!r}")
    return seconds


def format_interval(seconds: int | None) -> str:
    """``6h`` for 21600; ``manual`` for none."""
    if not seconds:
        return "manual"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


class SourceConfig(BaseModel):
    """A source as an administrator configured it. ``location``: a folder path (folder) or the
    ``http(s)://`` URL of a page or sitemap (website); ``every_seconds``: how often a scheduled sync
    runs (``None``: only on demand); ``include`` / ``exclude``: glob patterns over the item's path
    inside the source (a folder's relative path, a URL's path), empty include meaning all."""

    name: str = Field(description="Lowercase letters, digits and hyphens, 1-40 characters; the source's id.")
    kind: SourceKind
    location: str
    groups: list[str] = Field(default_factory=list, description="Access groups its documents get (none: everyone).")
    every_seconds: int | None = None
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    created_at: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not SOURCE_NAME.match(value):
            raise ValueError("a source name is 1-40 lowercase letters, digits and hyphens, starting with a letter "
                             f"or digit, got {value!r}")
        return value


@dataclass(frozen=True, slots=True)
class KnownItem:
    """What the last sync kept of one item of a source: where it is in the source (``key``: a
    relative path or a URL), the corpus file it became (``""``: a page only followed for its
    links, not indexed), its content hash, the validators for a conditional request (a folder
    keeps ``size:mtime`` as its ``etag``), the links a page held (followed again when it answers
    304), and for how many runs in a row a crawl did not meet it."""

    key: str
    document_name: str
    digest: str
    etag: str | None = None
    last_modified: str | None = None
    url: str | None = None
    unseen_runs: int = 0
    links: tuple[str, ...] = ()

    @property
    def indexed(self) -> bool:
        return bool(self.document_name)


@dataclass(frozen=True, slots=True)
class FetchedItem:
    """An item read in full this run (new, or possibly changed): its bytes and their hash."""

    key: str
    data: bytes
    digest: str
    suffix: str  # the format, ".pdf", ".docx", ".html", ...
    etag: str | None = None
    last_modified: str | None = None
    url: str | None = None  # the original's address, for citations (website sources)
    links: tuple[str, ...] = ()  # the in-scope links a page holds (website)
    indexed: bool = True  # False: a navigation page, followed for its links but not a document


@dataclass(frozen=True, slots=True)
class FailedItem:
    key: str
    reason: FailureReason
    detail: str


@dataclass
class Scan:
    """What a connector found. Every key it met is in exactly one of ``fetched`` (read in full),
    ``unchanged`` (known, and shown unchanged without reading it: a 304, or the same size and
    time), ``gone`` (known, and certainly no longer there: not in the folder, a 404 or 410) or
    ``failed``. Known keys in none of them were not met this run (a crawl that did not reach
    them); the sync removes those after two runs in a row."""

    fetched: list[FetchedItem] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    failed: list[FailedItem] = field(default_factory=list)
    requests: int = 0  # HTTP requests made (website)
    not_modified: int = 0  # of which answered 304 Not Modified
    conditional: int = 0  # of which carried If-None-Match / If-Modified-Since


class SyncReport(BaseModel):
    """One sync of one source: when, what it changed in the index and what failed, and why."""

    source: str
    started_at: str
    finished_at: str = ""
    status: Literal["ok", "partial", "failed"] = "ok"
    error: str | None = Field(None, description="Why the source could not be read at all (status failed).")
    added: list[str] = Field(default_factory=list, description="Document ids added.")
    changed: list[str] = Field(default_factory=list)
    renamed: list[str] = Field(default_factory=list, description="'old -> new' document ids.")
    removed: list[str] = Field(default_factory=list)
    unchanged: int = 0
    failed: list[dict[str, str]] = Field(default_factory=list, description="Each failed item: key, reason, detail.")
    requests: int = 0
    not_modified: int = 0
    seconds: float = 0.0

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.changed) + len(self.renamed) + len(self.removed)

    def summary(self) -> str:
        """One line: ``intranat: ok, 3 added, 1 changed, 0 renamed, 2 removed, 40 unchanged, 1 failed``."""
        return (f"{self.source}: {self.status}, {len(self.added)} added, {len(self.changed)} changed, "
                f"{len(self.renamed)} renamed, {len(self.removed)} removed, {self.unchanged} unchanged, "
                f"{len(self.failed)} failed" + (f" ({self.error})" if self.error else ""))
