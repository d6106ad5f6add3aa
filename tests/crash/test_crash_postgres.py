"""Crash safety of the PostgreSQL backend, by killing real replicas: two ``assistant serve``
processes over one real PostgreSQL, ``kill -9`` of one or both at a random moment of each round of
uploads and deletes. Through each replica afterwards, what was acknowledged is present, what was
deleted is gone, an operation in flight is wholly done or wholly undone, and the database is
consistent. The harness and the checks are in ``bench/crasher_postgres.py`` (the longer run:
``python -m bench.crasher_postgres --rounds 20``).

Bounded for CI: ``CRASH_ROUNDS`` rounds (default 4) of ``CRASH_ROUND_SECONDS`` (default 3) each.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.crasher_postgres import PostgresCrashSite
from tests.postgres_server import new_database

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "4"))
ROUND_SECONDS = float(os.environ.get("CRASH_ROUND_SECONDS", "3"))
SEED = int(os.environ.get("CRASH_SEED", "0"))


def test_acknowledged_writes_survive_kill_9_of_replicas(tmp_path: Path, postgres_server: str) -> None:
    site = PostgresCrashSite(tmp_path / "site", new_database(postgres_server, "crash_replicas"), seed=SEED)
    try:
        site.open()
        for number in range(1, ROUNDS + 1):
            result = site.round(number, seconds=ROUND_SECONDS)
            assert not result.checks.failures, (
                f"round {number} (killed {result.killed} at {result.kill_at:.2f} s during {result.during}):\n"
                + "\n".join(result.checks.failures) + "\n--- log tail ---\n"
                + "\n".join(server.workspace.log_tail(1500) for server in site.servers))
    finally:
        site.close()
    assert site.ledger.uploads >= 1 and not site.ledger.uncertain
