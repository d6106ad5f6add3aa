"""The crash test's harness (``bench/crasher.py``): a scratch workspace with its server process,
the writer that uploads and deletes documents, and the ledger of what the clients were told.
Shared with the PostgreSQL crasher (``bench/crasher_postgres.py``)."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import string
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from assistant.corpus import Corpus
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
