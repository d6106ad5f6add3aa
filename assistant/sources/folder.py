"""A folder source: a mounted share scanned recursively.

A file is read only when its size or modification time differs from the last sync's (what rsync
trusts too); what is read is then compared by content hash, so a touched but unchanged file
changes nothing and a renamed file is recognised by its hash. A file that changes while it is
read (a copy still being written) is skipped this run with the reason ``changing`` and taken next
run. If the folder itself disappears, or vanishes during the scan (an unmounted share), the scan
fails as a whole: nothing is removed.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from assistant.parse import SUPPORTED_SUFFIXES
from assistant.sources.base import Connector, SourceUnreadableError
from assistant.sources.models import FailedItem, FetchedItem, KnownItem, Scan


class FolderConnector(Connector):
    """Supported files under ``root`` (hidden files and folders, and ``~$`` lock files, skipped),
    keyed by their path relative to it with ``/``. ``include``/``exclude``: glob patterns over that
    path (``*.pdf``, ``arkiv/*``); an empty ``include`` takes every supported file. Cost: one
    ``stat`` per file, plus a read and a hash of each new or touched file."""

    def __init__(self, *, root: Path, include: Sequence[str] = (), exclude: Sequence[str] = (),
                 max_bytes: int = 50 * 1024 * 1024) -> None:
        self.root = root
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.max_bytes = max_bytes

    def scan(self, known: Mapping[str, KnownItem]) -> Scan:
        scan = Scan()
        met: set[str] = set()
        for path in self._files():
            key = path.relative_to(self.root).as_posix()
            met.add(key)
            self._take(scan, key, path, known.get(key))
        if not self.root.is_dir():  # unmounted while we walked it: what we did not meet is unknown
            raise SourceUnreadableError(f"the folder {self.root} disappeared during the scan")
        scan.gone = [key for key in known if key not in met]
        return scan

    def _files(self) -> list[Path]:
        if not self.root.is_dir():
            raise SourceUnreadableError(f"the folder {self.root} does not exist or is not a folder "
                                        "(is the share mounted?)")
        found = []
        try:
            for folder, subfolders, names in os.walk(self.root, onerror=_raise):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                for name in sorted(names):
                    path = Path(folder) / name
                    if self._wanted(path):
                        found.append(path)
        except OSError as error:
            raise SourceUnreadableError(f"the folder {self.root} could not be read: {error.strerror}") from error
        return found

    def _wanted(self, path: Path) -> bool:
        if path.name.startswith((".", "~$")) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            return False
        relative = PurePosixPath(path.relative_to(self.root).as_posix())
        if self.include and not any(_matches(relative, pattern) for pattern in self.include):
            return False
        return not any(_matches(relative, pattern) for pattern in self.exclude)

    def _take(self, scan: Scan, key: str, path: Path, known: KnownItem | None) -> None:
        try:
            before = path.stat()
        except OSError:
            return  # deleted since the listing: it is simply not there
        stamp = f"{before.st_size}:{before.st_mtime_ns}"
        if known is not None and known.etag == stamp:
            scan.unchanged.append(key)
            return
        if before.st_size > self.max_bytes:
            scan.failed.append(FailedItem(key, "too_large", f"{before.st_size:,} bytes; the limit is "
                                          f"{self.max_bytes:,}"))
            return
        try:
            data = path.read_bytes()
            after = path.stat()
        except OSError as error:
            scan.failed.append(FailedItem(key, "unreadable", error.strerror or str(error)))
            return
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(data) != after.st_size:
            scan.failed.append(FailedItem(key, "changing", "the file changed while it was read; it is taken at the "
                                          "next sync"))
            return
        scan.fetched.append(FetchedItem(key=key, data=data, digest=hashlib.sha256(data).hexdigest(),
                                        suffix=path.suffix.lower(), etag=stamp))


def _matches(path: PurePosixPath, pattern: str) -> bool:
    """A pattern with a ``/`` matches the whole relative path, one without matches the name."""
    return fnmatch.fnmatch(str(path), pattern) if "/" in pattern else fnmatch.fnmatch(path.name, pattern)


def _raise(error: OSError) -> None:
    raise error
