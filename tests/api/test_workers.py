"""`assistant serve --workers 2`: worker processes share nothing mutable, read the index memory-mapped,
and a document uploaded through one worker is served by every worker within a second or so."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from bench.server_process import free_port, stop, wait_until_ready
from tests.conftest import CORPUS

ADMIN = "admin-key-for-the-worker-test"


def _listed(url: str) -> set[str]:
    # A new connection per request, so the kernel may hand each to either worker.
    response = httpx.get(f"{url}/v1/documents", headers={"Connection": "close"}, timeout=30)
    response.raise_for_status()
    return {d["id"] for d in response.json()["documents"]}


def test_two_workers_serve_the_same_index_and_both_see_an_upload(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "tierp-handlingsplan-for-integration.txt", corpus)
    port = free_port()
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
           "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_ADMIN_KEYS": ADMIN,
           "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0", "HF_HUB_OFFLINE": "1"}
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--workers", "2",
                                   "--port", str(port)], env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, server, log=log, timeout=240)
        # Ready means one worker serves; the second may still be starting on a busy machine.
        assert _workers_within(server, count=2, seconds=60) == 2
        for _ in range(6):  # both workers answer from the same index
            assert _listed(url) == {"tierp-handlingsplan-for-integration"}

        upload = httpx.post(f"{url}/v1/documents", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=120,
                            files={"file": ("heby.md", "# Integrationsplan för Heby\n\nHeby ska öppna mötesplatser.\n",
                                            "text/markdown")})
        assert upload.status_code == 201, upload.text
        time.sleep(1.5)  # a worker checks for a newer published version at most once a second
        for _ in range(10):
            assert _listed(url) == {"tierp-handlingsplan-for-integration", "heby"}
        hits = httpx.post(f"{url}/v1/search", json={"query": "mötesplatser Heby"}, timeout=30).json()["hits"]
        assert hits[0]["document_id"] == "heby"
    finally:
        stop(server, grace=20)


def _command_line(process: psutil.Process) -> str:
    """``process``'s command line; empty for a child that has just exited (a parse helper,
    reaped or not yet), which is not a worker."""
    try:
        return " ".join(process.cmdline())
    except (psutil.ZombieProcess, psutil.NoSuchProcess):
        return ""


def _workers_within(server: subprocess.Popen[bytes], *, count: int, seconds: float) -> int:
    """How many worker processes ``server`` has (not its resource tracker), polled until ``count``
    are up or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        workers = [p for p in psutil.Process(server.pid).children(recursive=True) if "spawn_main" in _command_line(p)]
        if len(workers) >= count or time.monotonic() > deadline:
            return len(workers)
        time.sleep(0.5)
