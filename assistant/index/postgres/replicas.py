"""Which generation each serving process serves: every process reports it to the ``replicas``
table (migration 9) at most every ``REPORT_SECONDS`` while it serves, so the console's Status page
shows every replica's view of the shared database."""

from __future__ import annotations

import datetime as dt
import math
import os
import socket
import time
import uuid

from psycopg_pool import ConnectionPool

from assistant.index.backend import ReplicaSeen

REPORT_SECONDS = 10.0  # how often a serving process reports the generation it serves
HORIZON_SECONDS = 300  # a replica not heard of for this long is gone from the list


class PostgresReplicas:
    """This process's reports, and everyone's. Cost: one upsert every ``REPORT_SECONDS`` while
    serving; a listing is one small query."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool
        self._id, self._host, self._pid = uuid.uuid4().hex, socket.gethostname(), os.getpid()
        self._started_at = dt.datetime.now(dt.UTC)
        self._reported = -math.inf  # monotonic time of the last report

    def report(self, generation: int) -> None:
        """Report ``generation`` as served, unless this process did so within ``REPORT_SECONDS``."""
        if time.monotonic() - self._reported < REPORT_SECONDS:
            return
        self._reported = time.monotonic()
        with self._pool.connection() as connection:
            connection.execute(
                "INSERT INTO replicas (id, host, pid, generation, started_at, seen_at) "
                "VALUES (%s, %s, %s, %s, %s, now()) "
                "ON CONFLICT (id) DO UPDATE SET generation = excluded.generation, seen_at = now()",
                (self._id, self._host, self._pid, generation, self._started_at))

    def seen(self) -> list[ReplicaSeen]:
        """Processes heard of within ``HORIZON_SECONDS``, oldest first (older reports are deleted)."""
        with self._pool.connection() as connection:
            connection.execute("DELETE FROM replicas WHERE seen_at < now() - make_interval(secs => %s)",
                               (HORIZON_SECONDS,))
            rows = connection.execute("SELECT host, pid, generation, started_at, seen_at FROM replicas "
                                      "ORDER BY started_at, id").fetchall()
        return [ReplicaSeen(host=host, pid=pid, version=f"pg-{generation}", started_at=_stamp(started),
                            seen_at=_stamp(seen)) for host, pid, generation, started, seen in rows]

    def leave(self) -> None:
        """A process that closes takes its report away."""
        if self._reported > -math.inf:
            with self._pool.connection() as connection:
                connection.execute("DELETE FROM replicas WHERE id = %s", (self._id,))


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
