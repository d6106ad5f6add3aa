"""Crash test in the style of Qdrant's crasher: ``kill -9`` the real server, and ``assistant index``,
at random moments, start again, and check that what was acknowledged survived and nothing is
half-done.

    python -m bench.crasher --rounds 50 [--round-seconds 4] [--index-kills 3] [--seed 0] [--keep]

**A round.** The server (``python -m assistant.cli serve`` in a scratch workspace: a copy of
``corpus/``, its own index and data folders, an admin key) is up. A writer thread uploads small
unique Markdown documents (a marker word ``zq…`` in the heading and in a sentence) and deletes
earlier ones; a second thread may ask for a rebuild. At a moment drawn uniformly over the round the
server's process group gets SIGKILL (parse workers included). The server is started again, which
rebuilds the index first when the corpus folder no longer matches it, and checked:

* every upload answered 2xx, and not deleted since with a 2xx, is listed by ``/v1/documents``, is
  the top hit of ``/v1/search`` for its marker, and has its file in the uploads folder
  (``<data dir>/documents``);
* every document deleted with a 2xx is neither listed, nor found, nor in the uploads folder;
* an operation in flight at the kill (sent, not answered) may or may not have happened, but its
  document is either wholly present (file, listed, found) or wholly absent;
* on disk, read-only in this process: ``CURRENT`` names a version that ``SearchIndex.load`` accepts
  (FAISS, store, lexical index and manifest agree), chunk ids are unique, every chunk belongs to a
  document of the store, every document has chunks, the documents are exactly the corpus folder's
  files and the manifest's corpus hash is the folder's; the server serves that version and lists
  exactly its documents;
* the golden questions still answer.

**Semantics of an upload in flight at the kill.** ``library.add`` parses, writes the file durably
(temporary file, fsync, rename), then rebuilds; the 201 comes after the new version is published.
Killed before the rename, nothing is in the corpus (a ``*.part`` leftover is not a supported file
and is never read). Killed after it, the file is in the corpus but not in the serving version and
was not acknowledged: the next start finds the corpus hash changed, rebuilds before it serves, and
the document is then wholly present. Either way it is never half-present. A delete in flight is the
same in reverse (the file is removed first, then the index rebuilt).

**Index kills.** With the server up, new documents (real ones rewritten for other municipalities,
so nothing of them is in the embedding or parse cache) are added to the corpus and ``python -m
assistant.cli index`` is killed at a moment drawn uniformly over its build: from when it holds the
build lock (seen in ``/proc/locks``) to an estimate of the build's length (the last, warm build's
seconds plus the first, cold build's seconds per byte times the new bytes, plus a quarter; once a
build completes before its kill, its own length plus a quarter, and the added documents are
replaced by new ones so the next run has a whole build to do). After each kill ``CURRENT`` still
names the previous complete version (or, killed after publishing, the new one, built from the
corpus as it is), every folder in ``versions/`` loads, and the running server still serves what it
served. Then the server is killed and started again: it rebuilds (the corpus changed) and
everything above is checked once more.

**Found by it.** A kill while an old version was being pruned left a half-deleted folder in
``versions/`` (its manifest without ``chunks.sqlite``); ``IndexLayout`` now renames an old version
out of ``versions/`` before deleting it (``tests/crash`` pins this deterministically too).

Linux only (process groups, ``/proc``); loopback traffic only. The pytest version is
``tests/crash/test_crash.py`` (a few rounds, ``CRASH_ROUNDS`` to raise).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from assistant.corpus import Corpus
from assistant.errors import CorruptIndexError
from assistant.index.build import SearchIndex, corpus_files, corpus_fingerprint
from assistant.index.layout import IndexLayout, Manifest
from assistant.parse import document_id_for
from bench.server_process import free_port

REPO = Path(__file__).resolve().parent.parent
ADMIN_KEY = "crash-admin-key"
GOLDEN: tuple[tuple[str, str], ...] = (
    ("Who owns housing goals?", "Chef kvalitet och strategisk utveckling"),
    ("Vem är dokumentansvarig för handlingsplanen i Tierp?", "Kommunchef"),
)
# Real documents rewritten for another municipality: new text for every chunk (the title and the
# municipality open each chunk's embedding text), so an index build must embed them. More than two
# at once shift the BM25 statistics enough that the first golden question is answered from another
# row of the same section: a retrieval effect of the larger corpus, not of a crash.
VARIANT_SOURCES: tuple[tuple[str, str], ...] = (
    ("tranas-integrationspolitiskt-program.txt", "Tranås"),
    ("varnamo-policy-for-integrationspolitik.txt", "Värnamo"),
)
VARIANT_NAMES = ("Ydre", "Gnosjö", "Bengtsfors", "Svalöv", "Tidaholm", "Vimmerby", "Hjo", "Laxå")
UPLOAD_PREFIX = "crash-"
REQUEST_TIMEOUT = 120.0
STARTUP_TIMEOUT = 300.0


# --- the workspace and its processes ------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    """A scratch copy of the corpus with its own index and data folders."""

    root: Path

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def index(self) -> Path:
        return self.root / "index"

    @property
    def uploads(self) -> Path:
        """Where the server keeps uploaded documents (``<data dir>/documents``)."""
        return self.root / "data" / "documents"

    @property
    def documents(self) -> Corpus:
        """The corpus the server indexes: the shipped folder overlaid by the uploads."""
        return Corpus(self.corpus, uploads=self.uploads)

    @property
    def log(self) -> Path:
        return self.root / "processes.log"

    @classmethod
    def create(cls, root: Path, *, source: Path = REPO / "corpus") -> Workspace:
        """Copy ``source`` into ``root/corpus``; no index yet. Cost: copies the corpus."""
        root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, root / "corpus")
        return cls(root)

    def environment(self) -> dict[str, str]:
        """The caller's environment without ``ASSISTANT_*``/``OPENAI_*``, plus this workspace's. The
        rate limit is off: the checks' searches are many, and limiting is not what is tested here."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "OPENAI_"))}
        env.update(ASSISTANT_CORPUS_DIR=str(self.corpus), ASSISTANT_INDEX_DIR=str(self.index),
                   ASSISTANT_DATA_DIR=str(self.root / "data"), ASSISTANT_ADMIN_KEYS=ADMIN_KEY,
                   ASSISTANT_RATE_LIMIT_PER_MINUTE="0", HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
        return env

    def spawn(self, *arguments: str) -> subprocess.Popen[bytes]:
        """``python -m assistant.cli <arguments>`` in its own process group, output to the log."""
        with open(self.log, "ab") as log:
            log.write(f"\n=== {time.strftime('%H:%M:%S')} assistant {' '.join(arguments)}\n".encode())
            log.flush()
            return subprocess.Popen([sys.executable, "-m", "assistant.cli", *arguments], cwd=self.root,
                                    env=self.environment(), stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self, characters: int = 3000) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return text[-characters:]


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL ``process``'s whole process group (its children too) and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def group_members(pgids: set[int]) -> list[int]:
    """Live (non-zombie) processes in any of ``pgids``. Cost: reads ``/proc/*/stat``."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) in pgids:
            members.append(int(stat.parent.name))
    return members


class Server:
    """The real server as a subprocess of its own process group."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.groups: set[int] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start on a free port and wait for ``/healthz``; returns the seconds that took (loading the
        model, and building the index when it is missing or stale)."""
        self.port = free_port()
        started = time.perf_counter()
        self.process = self.workspace.spawn("serve", "--host", "127.0.0.1", "--port", str(self.port))
        self.groups.add(self.process.pid)
        self._wait_healthy(deadline=started + STARTUP_TIMEOUT)
        return time.perf_counter() - started

    def _wait_healthy(self, *, deadline: float) -> None:
        assert self.process is not None
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}):\n{self.workspace.log_tail()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2.0, trust_env=False).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server was not healthy within {STARTUP_TIMEOUT:g} s:\n{self.workspace.log_tail()}")

    def kill(self) -> None:
        """``kill -9`` the server's process group (a no-op when it is not running)."""
        if self.process is not None:
            kill_group(self.process)
            self.process = None

    def client(self) -> httpx.Client:
        """A client of this server with the admin key; never through a proxy (loopback only)."""
        return httpx.Client(base_url=self.url, timeout=REQUEST_TIMEOUT, trust_env=False,
                            headers={"Authorization": f"Bearer {ADMIN_KEY}"})


# --- what the clients were told -----------------------------------------------------------------


@dataclass
class Op:
    """One request: what, on which document, when, and how it ended."""

    kind: str  # upload | delete | rebuild
    document_id: str = ""
    started: float = field(default_factory=time.perf_counter)
    ended: float | None = None
    status: int | None = None
    error: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Ledger:
    """What the server must hold: documents by id with their marker word."""

    present: dict[str, str] = field(default_factory=dict)  # acknowledged (or seen whole after a kill)
    absent: dict[str, str] = field(default_factory=dict)  # deleted with a 2xx, or seen gone after a kill
    searched: set[str] = field(default_factory=set)  # absent ones already searched for (once is enough)
    uncertain: dict[str, tuple[str, str]] = field(default_factory=dict)  # in flight at a kill: marker, kind
    uploads: int = 0
    deletes: int = 0
    rebuilds: int = 0
    in_flight_happened: int = 0  # in flight at a kill, found done after the restart
    in_flight_undone: int = 0  # in flight at a kill, found not done
    unexpected: list[str] = field(default_factory=list)  # non-2xx answers: never expected

    def settle(self, document_id: str, state: tuple[bool, ...], checks: Checks, *, seen: str) -> None:
        """Judge an operation that was in flight at a kill by what the restarted server shows of its
        document (``state``, one flag per place ``seen`` names): wholly there or wholly gone is
        fine, and the document then counts as present or absent from here on."""
        marker, kind = self.uncertain[document_id]
        if checks.expect(len(set(state)) == 1, f"{kind} of {document_id} in flight at the kill left it "
                         f"half-present ({seen}) = {state}"):
            (self.present if state[0] else self.absent)[document_id] = marker
            del self.uncertain[document_id]
            happened = state[0] == (kind == "upload")
            self.in_flight_happened += happened
            self.in_flight_undone += not happened


def new_marker(rng: random.Random) -> str:
    return "zq" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))


def upload_body(marker: str) -> bytes:
    return (f"# Riktlinje {marker}\n\nDenna riktlinje om {marker} gäller för kraschtestet.\n\n"
            f"## Uppföljning\n\nArbetet med {marker} följs upp varje år.\n").encode()


class Operations:
    """Uploads, deletes and rebuilds that record what the server acknowledged in a ledger. Thread-safe
    as used: one thread uploads and deletes, another rebuilds."""

    def __init__(self, ledger: Ledger, rng: random.Random) -> None:
        self._ledger, self._rng = ledger, rng
        self._lock = threading.Lock()
        self.ops: list[Op] = []

    def in_flight(self) -> list[Op]:
        """Requests sent and not answered yet."""
        with self._lock:
            return [op for op in self.ops if op.ended is None]

    def upload(self, client: httpx.Client) -> Op:
        """Upload a new document with a fresh marker word; 2xx: it must be present from now on."""
        marker = new_marker(self._rng)
        name = f"{UPLOAD_PREFIX}{marker}.md"
        op = self._send(client, Op("upload", document_id=document_id_for(Path(name))), "POST", "/v1/documents",
                        files={"file": (name, upload_body(marker), "text/markdown")})
        if op.acknowledged:
            self._ledger.present[op.document_id] = marker
            self._ledger.uploads += 1
        else:
            self._ledger.uncertain[op.document_id] = (marker, "upload")
        return op

    def delete(self, client: httpx.Client, document_id: str) -> Op:
        """Delete a present document; 2xx: it must be absent from now on."""
        marker = self._ledger.present.pop(document_id)
        op = self._send(client, Op("delete", document_id=document_id), "DELETE", f"/v1/documents/{document_id}")
        if op.acknowledged:
            self._ledger.absent[document_id] = marker
            self._ledger.deletes += 1
        else:
            self._ledger.uncertain[document_id] = (marker, "delete")
        return op

    def rebuild(self, client: httpx.Client) -> Op:
        op = self._send(client, Op("rebuild"), "POST", "/v1/index/rebuild")
        if op.acknowledged:
            self._ledger.rebuilds += 1
        return op

    def _send(self, client: httpx.Client, op: Op, method: str, path: str, **options: object) -> Op:
        """Send one request, recording it; a transport error (the server died) leaves it unanswered."""
        with self._lock:
            self.ops.append(op)
        try:
            response = client.request(method, path, **options)  # type: ignore[arg-type]
            op.status = response.status_code
            if not op.acknowledged:
                self._ledger.unexpected.append(f"{op.kind} {op.document_id}: {op.status} {response.text[:300]}")
        except httpx.TransportError as error:
            op.error = type(error).__name__
        op.ended = time.perf_counter()
        return op


class Workload:
    """One round's traffic: a writer thread (uploads; deletes, always when ``max_live`` uploaded
    documents are present; a pause of up to ``pause`` seconds after each) and a rebuild thread (one
    rebuild with probability ``rebuild_chance``, at a uniform moment), bounded by ``max_ops`` writes
    and by ``seconds``."""

    def __init__(self, server: Server, operations: Operations, ledger: Ledger, rng: random.Random, *,
                 seconds: float, max_ops: int, max_live: int, rebuild_chance: float, pause: float) -> None:
        self._server, self._operations, self._ledger, self._rng = server, operations, ledger, rng
        self._deadline = time.perf_counter() + seconds
        self._max_ops, self._max_live, self._pause = max_ops, max_live, pause
        self._rebuild_at = rng.uniform(0, seconds) if rng.random() < rebuild_chance else None
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._write, daemon=True),
                         threading.Thread(target=self._rebuild, daemon=True)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT)

    def _running(self) -> bool:
        return not self._stop.is_set() and time.perf_counter() < self._deadline

    def _write(self) -> None:
        with self._server.client() as client:
            for _ in range(self._max_ops):
                if not self._running():
                    return
                uploaded = sorted(d for d in self._ledger.present if d.startswith(UPLOAD_PREFIX))
                if uploaded and (len(uploaded) >= self._max_live or self._rng.random() < 0.3):
                    self._operations.delete(client, self._rng.choice(uploaded))
                else:
                    self._operations.upload(client)
                self._stop.wait(self._rng.uniform(0, self._pause))  # idle moments, for kills while idle

    def _rebuild(self) -> None:
        if self._rebuild_at is None or self._stop.wait(self._rebuild_at):
            return
        with self._server.client() as client:
            self._operations.rebuild(client)


# --- checks -------------------------------------------------------------------------------------


@dataclass
class Checks:
    passed: int = 0
    failures: list[str] = field(default_factory=list)

    def expect(self, ok: bool, what: str) -> bool:
        """Count ``ok``; otherwise remember ``what`` went wrong."""
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)
        return ok


def hit_documents(client: httpx.Client, marker: str) -> list[str]:
    """Document ids of the hits of a search for ``marker``, best first."""
    response = client.post("/v1/search", json={"query": marker, "k": 5})
    response.raise_for_status()
    return [hit["document_id"] for hit in response.json()["hits"]]


def listed(client: httpx.Client) -> set[str]:
    response = client.get("/v1/documents")
    response.raise_for_status()
    return {document["id"] for document in response.json()["documents"]}


def check_golden(client: httpx.Client, checks: Checks) -> None:
    for question, expected in GOLDEN:
        answer = client.post("/v1/ask", json={"question": question}).json()
        checks.expect(expected in answer.get("answer", "") and not answer.get("abstained"),
                      f"golden question {question!r} no longer names {expected!r}: {answer.get('answer')!r}")


def check_ledger(client: httpx.Client, workspace: Workspace, ledger: Ledger, checks: Checks) -> None:
    """Acknowledged uploads present, acknowledged deletes absent, in-flight ones whole either way
    (and then moved to ``present`` or ``absent``)."""
    documents = listed(client)
    for document_id, marker in ledger.present.items():
        state = _presence(client, workspace, documents, document_id, marker)
        checks.expect(state == (True, True, True), f"acknowledged upload {document_id} (listed, top hit, "
                      f"file) = {state}")
    for document_id, marker in ledger.absent.items():
        if document_id in ledger.searched:  # back only with a corpus file: the disk check would see it
            state = (document_id in documents, False, (workspace.uploads / f"{document_id}.md").exists())
        else:
            state = _presence(client, workspace, documents, document_id, marker, anywhere=True)
            ledger.searched.add(document_id)
        checks.expect(state == (False, False, False), f"deleted {document_id} (listed, found, file) = {state}")
    for document_id, (marker, _) in list(ledger.uncertain.items()):
        state = _presence(client, workspace, documents, document_id, marker)
        ledger.settle(document_id, state, checks, seen="listed, top hit, file")


def _presence(client: httpx.Client, workspace: Workspace, documents: set[str], document_id: str, marker: str,
              *, anywhere: bool = False) -> tuple[bool, bool, bool]:
    hits = hit_documents(client, marker)
    found = document_id in hits if anywhere else bool(hits) and hits[0] == document_id
    return document_id in documents, found, (workspace.uploads / f"{document_id}.md").exists()


@dataclass(frozen=True)
class Disk:
    """The serving version on disk: its name and its store's document ids."""

    version: str | None
    documents: frozenset[str] = frozenset()


def check_disk(workspace: Workspace, checks: Checks, *, fresh: bool) -> Disk:
    """Open the serving version read-only and check it (with ``fresh``: it also is exactly the corpus
    folder as it is now); every other folder in ``versions/`` must load too. Cost: loads each version."""
    current = IndexLayout(workspace.index).current()
    if not checks.expect(current is not None, "CURRENT names no existing version"):
        return Disk(None)
    assert current is not None
    for version in sorted((workspace.index / "versions").iterdir()):
        if version != current and (index := _load(version, checks)) is not None:
            index.close()
    index = _load(current, checks)
    if index is None:
        return Disk(current.name)
    try:
        _check_version(index, workspace, checks, fresh=fresh)
        return Disk(current.name, frozenset(index.store.documents))
    finally:
        index.close()


def _load(directory: Path, checks: Checks) -> SearchIndex | None:
    try:
        index = SearchIndex.load(directory)
    except CorruptIndexError as error:
        checks.expect(False, f"SearchIndex.load refuses {directory.name}: {error}")
        return None
    checks.expect(True, "")
    return index


def _check_version(index: SearchIndex, workspace: Workspace, checks: Checks, *, fresh: bool) -> None:
    chunks = index.store.all_chunks()
    ids = [chunk.chunk_id for chunk in chunks]
    documents = set(index.store.documents)
    owners = {chunk.document_id for chunk in chunks}
    checks.expect(len(ids) == len(set(ids)) == index.manifest.chunks, f"{len(ids) - len(set(ids))} duplicate "
                  f"chunk ids of {len(ids)} (manifest: {index.manifest.chunks})")
    checks.expect(owners <= documents, f"chunks of documents not in the store: {sorted(owners - documents)}")
    checks.expect(documents <= owners, f"documents without chunks: {sorted(documents - owners)}")
    checks.expect(len(documents) == index.manifest.documents, "the manifest's document count is not the store's")
    if fresh:
        files = {document_id_for(path) for path in corpus_files(workspace.documents)}
        skipped = {document_id_for(Path(item["name"])) for item in index.manifest.skipped}
        checks.expect(documents == files - skipped, f"store vs corpus folder: only in the store "
                      f"{sorted(documents - files)}, only in the folder {sorted(files - skipped - documents)}")
        checks.expect(index.manifest.corpus_hash == corpus_fingerprint(workspace.documents),
                      "the serving version was not built from the corpus folder as it is")


def serving_version(client: httpx.Client) -> str | None:
    return client.get("/healthz").json().get("index_version")


def check_all(server: Server, ledger: Ledger, checks: Checks) -> Disk:
    """Everything a restarted server must satisfy; returns the serving version."""
    disk = check_disk(server.workspace, checks, fresh=True)
    with server.client() as client:
        served = serving_version(client)
        checks.expect(served == disk.version, f"the server serves {served}, CURRENT is {disk.version}")
        checks.expect(listed(client) == disk.documents, "/v1/documents differs from the serving version's store")
        check_ledger(client, server.workspace, ledger, checks)
        check_golden(client, checks)
    for problem in ledger.unexpected:
        checks.expect(False, f"unexpected answer: {problem}")
    ledger.unexpected.clear()
    return disk


# --- rounds -------------------------------------------------------------------------------------


@dataclass
class RoundResult:
    kill_at: float
    during: str  # what was in flight at the kill: "upload", "delete+rebuild", … or "idle"
    restart_seconds: float
    checks: Checks


@dataclass
class IndexKill:
    delay: float  # seconds after the build took the lock
    outcome: str  # "killed" or "completed" (the build finished before the kill)
    build_seconds: float | None = None  # of a finished build: from taking the lock to releasing it


@dataclass
class IndexKillResult:
    estimate: float
    kills: list[IndexKill]
    restart_seconds: float
    build_seconds: float
    checks: Checks


class CrashSite:
    """A workspace with its running server and the ledger of what clients were told."""

    def __init__(self, root: Path, *, seed: int = 0) -> None:
        self.workspace = Workspace.create(root)
        self.server = Server(self.workspace)
        self.ledger = Ledger()
        self.rng = random.Random(seed)
        self.operations = Operations(self.ledger, self.rng)
        self.first_start_seconds = 0.0
        self.first_build_seconds = 0.0
        self.groups: set[int] = set()

    def open(self) -> float:
        """First start: builds the index from scratch. Returns its seconds."""
        self.first_start_seconds = self.server.start()
        current = IndexLayout(self.workspace.index).current()
        assert current is not None
        self.first_build_seconds = Manifest.read(current).build_seconds
        return self.first_start_seconds

    def prime(self) -> Checks:
        """Two acknowledged uploads and one acknowledged delete, with no kill: from now on every
        round's checks cover an acknowledged upload and an acknowledged delete."""
        checks = Checks()
        with self.server.client() as client:
            first, second = self.operations.upload(client), self.operations.upload(client)
            checks.expect(first.acknowledged and second.acknowledged, "priming uploads were refused")
            checks.expect(self.operations.delete(client, first.document_id).acknowledged,
                          "the priming delete was refused")
        check_all(self.server, self.ledger, checks)
        return checks

    def close(self) -> None:
        self.server.kill()

    def stray_processes(self) -> list[int]:
        """Processes left in any process group this site started."""
        return group_members(self.server.groups | self.groups)

    def round(self, *, seconds: float, max_ops: int = 8, max_live: int = 4, rebuild_chance: float = 0.5,
              pause: float = 0.8) -> RoundResult:
        """Traffic for ``seconds`` (writes with pauses of up to ``pause`` seconds between them), ``kill
        -9`` at a uniform moment, restart, check everything."""
        workload = Workload(self.server, self.operations, self.ledger, self.rng, seconds=seconds, max_ops=max_ops,
                            max_live=max_live, rebuild_chance=rebuild_chance, pause=pause)
        kill_at = self.rng.uniform(0, seconds)
        workload.start()
        time.sleep(kill_at)
        workload.stop()
        during = "+".join(sorted({op.kind for op in self.operations.in_flight()})) or "idle"
        self.server.kill()
        workload.join()
        restart = self.server.start()
        checks = Checks()
        check_all(self.server, self.ledger, checks)
        return RoundResult(kill_at, during, restart, checks)

    def index_kills(self, *, kills: int, variants: int) -> IndexKillResult:
        """Add ``variants`` new documents, ``kill -9`` ``assistant index`` ``kills`` times during its
        build (the server keeps serving meanwhile), then restart the server and check everything."""
        checks = Checks()
        previous = check_disk(self.workspace, checks, fresh=True).version
        with self.server.client() as client:
            served = serving_version(client)
        warm = Manifest.read(self.workspace.index / "versions" / previous).build_seconds if previous else 0.0
        added = write_variants(self.workspace.corpus, count=variants, generation=0)
        estimate = first_estimate = self._build_estimate(added, warm=warm)
        outcomes: list[IndexKill] = []
        for _ in range(kills):
            outcome = self._kill_index_build(estimate)
            outcomes.append(outcome)
            estimate = 1.25 * outcome.build_seconds if outcome.build_seconds else estimate
            current = IndexLayout(self.workspace.index).current()
            published = current is not None and current.name != previous
            # A new CURRENT (the kill came after the publication) must be exactly the corpus as it is.
            previous = check_disk(self.workspace, checks, fresh=published).version
            checks.expect(outcome.outcome in {"killed", "killed after the build", "completed"},
                          f"assistant index: {outcome.outcome}")
            checks.expect(published or outcome.outcome == "killed", f"{outcome.outcome}, yet CURRENT unchanged")
            if published:  # new documents again, so that the next run has a whole build to be killed in
                for path in added:
                    path.unlink()
                added = write_variants(self.workspace.corpus, count=variants, generation=len(outcomes))
            self._check_still_serving(checks, version=served)
        self.server.kill()
        restart = self.server.start()
        disk = check_all(self.server, self.ledger, checks)
        added_ids = {document_id_for(path) for path in added}
        checks.expect(added_ids <= disk.documents, f"added documents not indexed: {sorted(added_ids - disk.documents)}")
        built = Manifest.read(self.workspace.index / "versions" / disk.version).build_seconds if disk.version else 0.0
        return IndexKillResult(first_estimate, outcomes, restart, built, checks)

    def _build_estimate(self, added: list[Path], *, warm: float) -> float:
        """Seconds a build with ``added`` new files may take: ``warm`` (the last build, with nearly
        everything cached) plus the first, cold build's seconds per corpus byte beyond that, times the
        new bytes; plus a quarter. A build that completes before its kill gives the next estimate."""
        first_bytes = sum(path.stat().st_size for path in (REPO / "corpus").iterdir())
        new_bytes = sum(path.stat().st_size for path in added)
        per_byte = max(self.first_build_seconds - warm, 0.0) / first_bytes
        return max(1.0, 1.25 * (warm + per_byte * new_bytes))

    def _kill_index_build(self, estimate: float) -> IndexKill:
        """Run ``assistant index`` and ``kill -9`` it a uniform moment in ``[0, estimate]`` seconds after
        it took the build lock: "killed" (the lock still held: mid-build), "killed after the build"
        (the lock released, the process still exiting) or "completed" (it exited first)."""
        process = self.workspace.spawn("index")
        self.groups.add(process.pid)
        lock = self.workspace.index / ".build.lock"
        try:
            if not wait_for_build_lock(process, lock):
                return IndexKill(0.0, _exit_outcome(process))
            locked, delay = time.perf_counter(), self.rng.uniform(0, estimate)
            released: float | None = None
            while time.perf_counter() - locked < delay and process.poll() is None:
                if released is None and process.pid not in flock_holders(lock):
                    released = time.perf_counter() - locked
                time.sleep(0.01)
            if process.poll() is not None:
                return IndexKill(delay, _exit_outcome(process), released or time.perf_counter() - locked)
            holding = process.pid in flock_holders(lock)
            return IndexKill(delay, "killed" if holding else "killed after the build", released)
        finally:
            kill_group(process)

    def _check_still_serving(self, checks: Checks, *, version: str | None) -> None:
        """The running server still answers, from the version it served before or from the one
        ``CURRENT`` names now (a server switches to a version another process published)."""
        current = IndexLayout(self.workspace.index).current()
        allowed = {version, current.name if current else None}
        with self.server.client() as client:
            served = serving_version(client)
            checks.expect(served in allowed, f"the server switched from {version} to {served}, "
                          f"which CURRENT does not name")
            check_golden(client, checks)


def _exit_outcome(process: subprocess.Popen[bytes]) -> str:
    return "completed" if process.returncode == 0 else f"exit {process.returncode}"


def write_variants(corpus: Path, *, count: int, generation: int) -> list[Path]:
    """Write ``count`` (at most two) real documents rewritten for other municipalities into
    ``corpus``; each ``generation`` uses other municipalities, so its text is new to every cache."""
    written = []
    for number, (name, old) in enumerate(VARIANT_SOURCES[:count]):
        new = VARIANT_NAMES[(generation * len(VARIANT_SOURCES) + number) % len(VARIANT_NAMES)]
        text = (REPO / "corpus" / name).read_text(encoding="utf-8").replace(old, new)
        target = corpus / name.replace(document_id_for(Path(old)), document_id_for(Path(new)), 1)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def wait_for_build_lock(process: subprocess.Popen[bytes], lock: Path, *, timeout: float = STARTUP_TIMEOUT) -> bool:
    """Wait until ``process`` holds the index build lock; ``False`` if it exits first."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            return False
        if lock.exists() and process.pid in flock_holders(lock):
            return True
        time.sleep(0.01)
    raise RuntimeError(f"assistant index did not take the build lock within {timeout:g} s")


def flock_holders(path: Path) -> set[int]:
    """Pids holding a ``flock`` on ``path`` (granted, not waiting), from ``/proc/locks``."""
    inode = path.stat().st_ino
    holders = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        granted = len(fields) >= 6 and fields[1] == "FLOCK" and "->" not in fields
        if granted and int(fields[5].rsplit(":", 1)[1]) == inode:
            holders.add(int(fields[4]))
    return holders


# --- the longer run -----------------------------------------------------------------------------


@dataclass
class Summary:
    prime: Checks | None = None
    rounds: list[RoundResult] = field(default_factory=list)
    index: IndexKillResult | None = None

    @property
    def checks(self) -> Iterator[Checks]:
        if self.prime is not None:
            yield self.prime
        yield from (result.checks for result in self.rounds)
        if self.index is not None:
            yield self.index.checks


def report(site: CrashSite, summary: Summary, *, planned: int) -> str:
    """The table of a run."""
    survived = sum(1 for result in summary.rounds if not result.checks.failures)
    passed = sum(checks.passed for checks in summary.checks)
    total = passed + sum(len(checks.failures) for checks in summary.checks)
    during = Counter(kind for result in summary.rounds for kind in result.during.split("+"))
    restarts = [result.restart_seconds for result in summary.rounds] or [0.0]
    rows = [
        ("rounds survived", f"{survived}/{planned}"),
        ("acknowledged uploads", site.ledger.uploads),
        ("acknowledged deletes", site.ledger.deletes),
        ("acknowledged rebuilds", site.ledger.rebuilds),
        ("in flight at a kill: done / not done after", f"{site.ledger.in_flight_happened} / "
                                                       f"{site.ledger.in_flight_undone}"),
        ("checks passed", f"{passed}/{total}"),
        *((f"kills during {kind}", during[kind]) for kind in ("upload", "delete", "rebuild", "idle")),
        ("documents at the end", len(site.ledger.present)),
        ("leftovers never read (*.part, .staging-*, .trash-*, .CURRENT-*)", leftovers(site.workspace)),
        ("first start, cold build (s)", f"{site.first_start_seconds:.1f}"),
        ("restart after kill, median / max (s)", f"{statistics.median(restarts):.1f} / {max(restarts):.1f}"),
    ]
    if summary.index is not None:
        outcomes = Counter(kill.outcome for kill in summary.index.kills)
        index = summary.index
        rows += [("index kills: during the build / build done first",
                  f"{outcomes['killed']} / {len(index.kills) - outcomes['killed']}"),
                 ("index builds published before the kill landed, its process still exiting",
                  outcomes["killed after the build"]),
                 ("index build estimate / completed builds (s)",
                  " ".join([f"{index.estimate:.1f} /"] + [f"{k.build_seconds:.1f}" for k in index.kills
                                                           if k.build_seconds is not None])),
                 ("next start after index kills, its build (s)",
                  f"{index.restart_seconds:.1f}, {index.build_seconds:.1f}")]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"| {label:<{width}} | {value!s:>12} |" for label, value in rows)


def leftovers(workspace: Workspace) -> int:
    """Files and folders that killed writes left behind; no build or load ever reads them."""
    patterns = ((workspace.uploads, "*.part"), (workspace.index, ".staging-*"), (workspace.index, ".trash-*"),
                (workspace.index, ".CURRENT-*"))
    return sum(len(list(folder.glob(pattern))) for folder, pattern in patterns)


def run(root: Path, *, rounds: int, seconds: float, index_kills: int, variants: int, seed: int) -> int:
    """The longer run; stops at the first round that fails. Returns an exit code."""
    site = CrashSite(root, seed=seed)
    summary = Summary()
    try:
        print(f"first start (builds the index): {site.open():.1f} s", flush=True)
        summary.prime = site.prime()
        for number in range(1, rounds + 1):
            result = site.round(seconds=seconds)
            summary.rounds.append(result)
            print(f"round {number}: kill at {result.kill_at:.2f} s during {result.during}, restart "
                  f"{result.restart_seconds:.1f} s, {result.checks.passed} checks passed, "
                  f"{len(result.checks.failures)} failed", flush=True)
            if result.checks.failures:
                break
        if index_kills and not any(checks.failures for checks in summary.checks):
            summary.index = site.index_kills(kills=index_kills, variants=variants)
            print("index kills: " + ", ".join(f"{k.outcome} at +{k.delay:.2f} s" for k in summary.index.kills))
    finally:
        site.close()
    failures = [failure for checks in summary.checks for failure in checks.failures]
    print(report(site, summary, planned=rounds))
    for failure in failures:
        print(f"FAILED: {failure}")
    strays = site.stray_processes()
    if strays:
        print(f"FAILED: stray processes {strays}")
    return 1 if failures or strays else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--round-seconds", type=float, default=4.0, help="traffic window; the kill is uniform over it")
    parser.add_argument("--index-kills", type=int, default=3, help="kills of `assistant index` after the rounds")
    parser.add_argument("--variants", type=int, default=2, help="documents added for the index kills (1 or 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the workspace (printed) for inspection")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="crasher-"))
    try:
        code = run(root / "site", rounds=args.rounds, seconds=args.round_seconds, index_kills=args.index_kills,
                   variants=args.variants, seed=args.seed)
    finally:
        if args.keep:
            print(f"workspace: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
