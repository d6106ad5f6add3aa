"""The documents to index: the shipped corpus folder, overlaid by what users uploaded.

The shipped folder (``ASSISTANT_CORPUS_DIR``, ``corpus/`` in the checkout) is input and is never
written. Uploads live in the data directory (``<ASSISTANT_DATA_DIR>/documents/``), which persists
across restarts and rebuilds; an upload with the name of a shipped file replaces it. A shipped file
removed through the API is listed in ``documents/.removed`` (JSON) and left where it is, so the
checkout stays as it was shipped and deleting an upload is deleting its file.

Every write is durable (temporary file, fsync, rename, fsync of the folder): a crash leaves the
previous state or the new one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from assistant.durable import fsync_folder, write_durably
from assistant.parse import SUPPORTED_SUFFIXES, document_id_for

REMOVED_FILE = ".removed"
ACCESS_SUFFIX = ".access"
ORIGIN_SUFFIX = ".origin"


def access_path(path: Path) -> Path:
    """A document file's access sidecar: ``<file name>.access``, its groups comma-separated."""
    return path.with_name(path.name + ACCESS_SUFFIX)


def access_of(path: Path) -> list[str]:
    """The access groups of a document file (none: every reader); ``ValueError`` for a bad name."""
    from assistant.access import parse_groups

    sidecar = access_path(path)
    return parse_groups(sidecar.read_text(encoding="utf-8")) if sidecar.is_file() else []


def origin_path(path: Path) -> Path:
    """A document file's origin sidecar: ``<file name>.origin``, the URL it was fetched from."""
    return path.with_name(path.name + ORIGIN_SUFFIX)


def origin_of(path: Path) -> str | None:
    """The URL a document file was fetched from (a website source), or ``None``."""
    sidecar = origin_path(path)
    return (sidecar.read_text(encoding="utf-8").strip() or None) if sidecar.is_file() else None


def supported_files(folder: Path) -> list[Path]:
    """Supported files directly in ``folder`` (hidden files ignored), sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES)


class Snapshot(NamedTuple):
    """An upload's file and sidecars (``None``: absent) and the removed names, as they were."""

    data: bytes | None
    removed: set[str]
    access: bytes | None
    origin: bytes | None


class Corpus:
    """The shipped folder and the uploads folder seen as one corpus. Cost of ``files``: two folder
    listings and a small JSON read."""

    def __init__(self, shipped: Path, *, uploads: Path | None = None) -> None:
        self.shipped = shipped
        self.uploads = uploads

    def files(self) -> list[Path]:
        """Every file to index, by name: uploads first, then shipped files not replaced or removed."""
        uploaded = supported_files(self.uploads) if self.uploads is not None else []
        names = {path.name for path in uploaded}
        removed = self.removed()
        shipped = [p for p in supported_files(self.shipped) if p.name not in names and p.name not in removed]
        return sorted([*uploaded, *shipped], key=lambda path: path.name)

    def removed(self) -> set[str]:
        """Names of shipped files removed through the API."""
        if self.uploads is None or not (self.uploads / REMOVED_FILE).is_file():
            return set()
        return set(json.loads((self.uploads / REMOVED_FILE).read_text(encoding="utf-8")))

    def add(self, name: str, data: bytes, *, access: Sequence[str] = (), origin: str | None = None) -> None:
        """Store an upload under ``name`` (replacing an upload or a shipped file of that name), with
        its access groups and the URL it came from. The restriction is written before the text and
        lifted after it, so a crash between the two writes never leaves new text readable by more
        callers than meant."""
        uploads = self._uploads()
        sidecar = access_path(uploads / name)
        if access:
            write_durably(sidecar, ",".join(access).encode("utf-8"))
        if origin:
            write_durably(origin_path(uploads / name), origin.encode("utf-8"))
        write_durably(uploads / name, data)
        for unused, wanted in ((sidecar, access), (origin_path(uploads / name), origin)):
            if not wanted and unused.exists():
                unused.unlink()
                fsync_folder(uploads)
        if name in (removed := self.removed()):
            self._write_removed(removed - {name})

    def remove(self, document_id: str) -> Callable[[], None] | None:
        """Remove the document's files from the corpus; ``None`` if no file has that document id,
        else a function that puts them back (for a removal the index could not take)."""
        matches = [path for path in self.files() if document_id_for(path) == document_id]
        if not matches:
            return None
        removed_before = self.removed()
        uploaded = {path: path.read_bytes() for path in matches if path.parent != self.shipped}
        uploaded |= {sidecar(path): sidecar(path).read_bytes() for path in list(uploaded)
                     for sidecar in (access_path, origin_path) if sidecar(path).is_file()}
        # A shipped file an upload replaced would reappear when the upload goes: it goes too.
        shipped = {path.name for path in matches if path.parent == self.shipped} | {
            path.name for path in uploaded if (self.shipped / path.name).is_file()}
        if shipped:
            self._write_removed(removed_before | shipped)
        for path in uploaded:
            path.unlink()
            fsync_folder(path.parent)

        def undo() -> None:
            for path, data in uploaded.items():
                write_durably(path, data)
            if shipped:
                self._write_removed(removed_before)

        return undo

    def snapshot(self, name: str) -> Snapshot:
        """What ``add(name, …)`` changes, to put back with ``restore`` if the change is not acknowledged."""
        upload = self.uploads / name if self.uploads is not None else None

        def read(path: Path | None) -> bytes | None:
            return path.read_bytes() if path is not None and path.is_file() else None

        return Snapshot(read(upload), self.removed(), read(access_path(upload) if upload is not None else None),
                        read(origin_path(upload) if upload is not None else None))

    def restore(self, name: str, snapshot: Snapshot) -> None:
        upload = self._uploads() / name
        for path, data in ((upload, snapshot.data), (access_path(upload), snapshot.access),
                           (origin_path(upload), snapshot.origin)):
            if data is None:
                path.unlink(missing_ok=True)
            else:
                write_durably(path, data)
        if snapshot.removed != self.removed():
            self._write_removed(snapshot.removed)

    def _uploads(self) -> Path:
        if self.uploads is None:
            raise ValueError("this corpus has no uploads folder")
        return self.uploads

    def _write_removed(self, names: set[str]) -> None:
        write_durably(self._uploads() / REMOVED_FILE, json.dumps(sorted(names), ensure_ascii=False).encode())
