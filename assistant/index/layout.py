"""Index versions on disk and the atomic switch between them.

::

    index/
      CURRENT              name of the serving version (replaced atomically)
      versions/<version>/  manifest.json, chunks.sqlite, vectors.faiss, lexical/
      .staging-<id>/       a build in progress (never read)
      .trash-<id>/         an old version being deleted (never read)
      .build.lock          one builder at a time

A build writes a staging directory, fsyncs every file and the directory, renames it into
``versions/`` and only then replaces ``CURRENT``. An old version leaves ``versions/`` by one rename
before it is deleted. A crash at any moment leaves ``CURRENT`` naming the last complete version, and
every folder in ``versions/`` complete.

A loaded version is held (``VersionHold``: a shared ``flock`` on its manifest) for as long as it
is loaded, in this process or any other; pruning passes over a held version and deletes it at a
later publication. So a request that took the serving version before a few quick rebuilds can
still read it: SQLite opens a connection per worker thread, lazily, and would find nothing there.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import uuid
import weakref
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.durable import exclusive_if_free, fsync_folder

MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Manifest:
    """What an index version was built from and holds."""

    version: str
    model: str
    dimension: int
    corpus_hash: str
    config_hash: str
    documents: int
    chunks: int
    vector_index: str
    built_at: str
    build_seconds: float
    packages: dict[str, str] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # corpus file name -> sha256 of its bytes
    appended_to: str | None = None  # the version this one extends, when built by appending documents
    format: int = FORMAT_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        data = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
        return cls(**data)


class VersionHold:
    """A reader's claim on one version: while any hold on it is open, in any process, pruning
    leaves the version alone. Released by ``release()`` or when the hold is garbage collected
    (a process that dies releases its holds with it). Cost: one open file descriptor."""

    def __init__(self, directory: Path) -> None:
        descriptor = os.open(directory / MANIFEST_FILE, os.O_RDONLY)
        self._release = weakref.finalize(self, os.close, descriptor)
        fcntl.flock(descriptor, fcntl.LOCK_SH)  # waits only while a prune renames the version away
        if not (directory / MANIFEST_FILE).is_file():  # that prune took it: it is going
            self.release()
            raise FileNotFoundError(f"index version {directory.name} was deleted while it was opened")

    def release(self) -> None:
        self._release()


class IndexLayout:
    """Where versions live under one index root, and how a new one is published."""

    def __init__(self, root: Path, *, keep_versions: int = 2) -> None:
        self.root = root
        self.versions = root / "versions"
        self._pointer = root / "CURRENT"
        self._keep = keep_versions

    def current(self) -> Path | None:
        """The serving version's directory, or ``None`` if nothing was ever published."""
        try:
            name = self._pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        directory = self.versions / name
        return directory if name and directory.is_dir() else None

    @contextlib.contextmanager
    def build_lock(self) -> Iterator[None]:
        """Held for the whole build: a second builder waits instead of racing."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".build.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def new_staging(self) -> Path:
        """A fresh directory for a build; leftovers of crashed builds are removed first."""
        for leftover in self.root.glob(".staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        staging = self.root / f".staging-{uuid.uuid4().hex[:12]}"
        staging.mkdir(parents=True)
        return staging

    def publish(self, staging: Path, manifest: Manifest) -> Path:
        """Make ``staging`` the serving version. Durable before ``CURRENT`` changes."""
        (staging / MANIFEST_FILE).write_text(manifest.to_json(), encoding="utf-8")
        _fsync_tree(staging)
        self.versions.mkdir(parents=True, exist_ok=True)
        target = self.versions / manifest.version
        os.rename(staging, target)
        fsync_folder(self.versions)
        temporary = self.root / f".CURRENT-{uuid.uuid4().hex[:8]}"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(manifest.version)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._pointer)
        fsync_folder(self.root)
        self._prune(keep=target)
        return target

    def _prune(self, *, keep: Path) -> None:
        """Keep the newest versions, and any older one a reader holds (``VersionHold``). An old one
        is renamed out of ``versions/`` before it is deleted, so a crash mid-delete leaves a
        ``.trash-*`` folder (removed here next time), never a half-deleted version. Cost: one lock
        attempt and one rename per old version."""
        for leftover in self.root.glob(".trash-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        versions = sorted((p for p in self.versions.iterdir() if p.is_dir()), key=lambda p: p.name)
        for old in versions[: -self._keep]:
            if old == keep:
                continue
            with _unheld(old) as free:
                if not free:
                    logger.info("index version %s is still being read: deleted at a later build", old.name)
                    continue
                trash = self.root / f".trash-{uuid.uuid4().hex[:12]}"
                os.rename(old, trash)
                fsync_folder(self.versions)  # the rename is durable before any file of it goes
            shutil.rmtree(trash, ignore_errors=True)


@contextlib.contextmanager
def _unheld(version: Path) -> Iterator[bool]:
    """Whether no reader holds ``version``; while true, none can take a hold until this exits."""
    try:
        descriptor = os.open(version / MANIFEST_FILE, os.O_RDONLY)
    except FileNotFoundError:  # no manifest, so no reader can hold it
        yield True
        return
    with exclusive_if_free(descriptor) as free:
        yield free


def _fsync_tree(directory: Path) -> None:
    for path in sorted(directory.rglob("*"), reverse=True):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        elif path.is_dir():
            fsync_folder(path)
    fsync_folder(directory)
