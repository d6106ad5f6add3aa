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
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.index.layout import IndexLayout, Manifest
from assistant.parse import document_id_for
from bench.crash_checks import check_all, check_disk, check_golden, serving_version
from bench.crash_harness import (
    REPO,
    STARTUP_TIMEOUT,
    VARIANT_NAMES,
    VARIANT_SOURCES,
    Checks,
    Ledger,
    Operations,
    Server,
    Workload,
    Workspace,
    group_members,
    kill_group,
)

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
