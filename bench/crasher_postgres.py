"""Crash test of the PostgreSQL backend: two real replicas (``assistant serve`` subprocesses) over
one real PostgreSQL; ``kill -9`` of one or both at random moments during uploads and deletes.

    python -m bench.crasher_postgres --rounds 20 [--round-seconds 4] [--seed 0]

**A round.** Both replicas are up. A writer sends uploads and deletes to one of them (alternating by
round), and at a moment drawn uniformly over the round one replica, the other, or both get SIGKILL
(process group, parse workers included). The killed ones start again, and then through **each**
replica:

* every upload answered 2xx, and not deleted since with a 2xx, is listed, is the top hit of a
  search for its marker word, and is in the database with its chunks and postings;
* every document deleted with a 2xx is neither listed, nor found, nor in the database;
* an operation in flight at the kill is wholly present or wholly absent (listed, found, stored);

and in the database (read directly): every document has chunks, every chunk has postings, BM25's
statistics in ``assistant_state`` equal a recount, and the generation never went back. The golden
questions still answer. A round that fails stops the run.

Uses the file crasher's workload and ledger (``bench/crash_harness.py``); Linux only, loopback only.
The pytest version is ``tests/crash/test_crash_postgres.py`` (a few rounds).
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from bench.crash_checks import check_golden, hit_documents, listed
from bench.crash_harness import Checks, Ledger, Operations, Server, Workload, Workspace
from tests.postgres_server import EmbeddedPostgres, new_database


@dataclass(frozen=True)
class ReplicaWorkspace(Workspace):
    """A replica's folder; its documents live in the database at ``database_url``."""

    database_url: str = ""

    def environment(self) -> dict[str, str]:
        return {**super().environment(), "ASSISTANT_DATABASE_URL": self.database_url}


@dataclass
class RoundResult:
    killed: str
    kill_at: float
    during: str
    restart_seconds: float
    checks: Checks


@dataclass
class PostgresCrashSite:
    """Two replicas over one database, and what they acknowledged."""

    root: Path
    database_url: str
    seed: int = 0
    ledger: Ledger = field(default_factory=Ledger)
    generation: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        source = Workspace.create(self.root / "shipped").corpus
        self.servers = []
        for name in ("a", "b"):
            workspace = ReplicaWorkspace(self.root / name, database_url=self.database_url)
            (self.root / name).mkdir(parents=True)
            shutil.copytree(source, workspace.corpus)
            self.servers.append(Server(workspace))

    def open(self) -> float:
        """Start both replicas at once (the first ingests the corpus; the other waits for it)."""
        started = time.perf_counter()
        threads = [threading.Thread(target=server.start) for server in self.servers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started

    def round(self, number: int, *, seconds: float) -> RoundResult:
        writer = self.servers[number % 2]
        operations = Operations(self.ledger, self.rng)
        workload = Workload(writer, operations, self.ledger, self.rng, seconds=seconds, max_ops=12, max_live=6,
                            rebuild_chance=0.0, pause=0.4)
        victims = self.rng.choice([[0], [1], [0, 1]])
        kill_at = self.rng.uniform(0.2, seconds)
        workload.start()
        time.sleep(kill_at)
        during = "+".join(sorted(op.kind for op in operations.in_flight())) or "idle"
        for index in victims:
            self.servers[index].kill()
        workload.stop()
        workload.join()
        started = time.perf_counter()
        for index in victims:
            self.servers[index].start()
        restart = time.perf_counter() - started
        checks = Checks()
        self.check(checks)
        return RoundResult("+".join("ab"[i] for i in victims), kill_at, during, restart, checks)

    def check(self, checks: Checks) -> None:
        stored = self.stored()
        for server in self.servers:
            with server.client() as client:
                self.check_ledger(client, stored, checks)
                check_golden(client, checks)
        self.check_database(checks)
        for problem in self.ledger.unexpected:
            checks.expect(False, f"unexpected answer: {problem}")
        self.ledger.unexpected.clear()

    def stored(self) -> set[str]:
        with psycopg.connect(self.database_url) as connection:
            return {row[0] for row in connection.execute(
                "SELECT d.id FROM documents d WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)")}

    def check_ledger(self, client: httpx.Client, stored: set[str], checks: Checks) -> None:
        ledger, documents = self.ledger, listed(client)

        def presence(document_id: str, marker: str, *, anywhere: bool = False) -> tuple[bool, bool, bool]:
            hits = hit_documents(client, marker)
            found = document_id in hits if anywhere else bool(hits) and hits[0] == document_id
            return document_id in documents, found, document_id in stored

        for document_id, marker in ledger.present.items():
            state = presence(document_id, marker)
            checks.expect(state == (True, True, True), f"acknowledged upload {document_id} (listed, top hit, "
                          f"stored) = {state} at {client.base_url}")
        for document_id, marker in ledger.absent.items():
            state = presence(document_id, marker, anywhere=True)
            checks.expect(state == (False, False, False), f"deleted {document_id} (listed, found, stored) = "
                          f"{state} at {client.base_url}")
        for document_id, (marker, _) in list(ledger.uncertain.items()):
            ledger.settle(document_id, presence(document_id, marker), checks, seen="listed, top hit, stored")

    def check_database(self, checks: Checks) -> None:
        with psycopg.connect(self.database_url) as connection:
            empty = connection.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS "
                                       "(SELECT 1 FROM chunks c WHERE c.document_id = d.id)").fetchone()[0]
            unposted = connection.execute("SELECT count(*) FROM chunks c WHERE c.term_count > 0 AND NOT EXISTS "
                                          "(SELECT 1 FROM chunk_terms t WHERE t.chunk_row = c.chunk_row)").fetchone()[0]
            generation, chunk_count, term_total, counted, summed = connection.execute(
                "SELECT generation, chunk_count, term_total, (SELECT count(*) FROM chunks), "
                "(SELECT coalesce(sum(term_count), 0) FROM chunks) FROM assistant_state").fetchone()
        checks.expect(empty == 0, f"{empty} documents without chunks")
        checks.expect(unposted == 0, f"{unposted} chunks without postings")
        checks.expect((chunk_count, term_total) == (counted, summed),
                      f"BM25 statistics {chunk_count}, {term_total} differ from a recount {counted}, {summed}")
        checks.expect(generation >= self.generation, f"the generation went back from {self.generation} to {generation}")
        self.generation = generation

    def close(self) -> None:
        for server in self.servers:
            server.kill()


def run(root: Path, *, database_url: str, rounds: int, seconds: float, seed: int) -> int:
    site = PostgresCrashSite(root, database_url, seed=seed)
    results: list[RoundResult] = []
    try:
        print(f"both replicas up (one ingested the corpus): {site.open():.1f} s", flush=True)
        for number in range(1, rounds + 1):
            result = site.round(number, seconds=seconds)
            results.append(result)
            print(f"round {number}: killed {result.killed} at {result.kill_at:.2f} s during {result.during}, "
                  f"restart {result.restart_seconds:.1f} s, {result.checks.passed} checks passed, "
                  f"{len(result.checks.failures)} failed", flush=True)
            if result.checks.failures:
                break
    finally:
        site.close()
    ledger = site.ledger
    failures = [failure for result in results for failure in result.checks.failures]
    print(f"{len(results)}/{rounds} rounds, {sum(r.checks.passed for r in results)} checks passed, "
          f"{len(failures)} failed; {ledger.uploads} uploads and {ledger.deletes} deletes acknowledged; "
          f"in flight at a kill: {ledger.in_flight_happened} done, {ledger.in_flight_undone} not done; "
          f"kills during writes: {sum(r.during != 'idle' for r in results)}")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--round-seconds", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="crasher-pg-"))
    server = EmbeddedPostgres().start()
    try:
        url = new_database(server.url(), "crasher")
        code = run(root / "site", database_url=url, rounds=args.rounds, seconds=args.round_seconds, seed=args.seed)
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
