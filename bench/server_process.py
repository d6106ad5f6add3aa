"""``assistant serve`` in a subprocess, for benchmarks and end-to-end tests: a free loopback port,
waiting until ``/healthz`` answers, and stopping the process."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from pathlib import Path

import httpx


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(url: str, process: subprocess.Popen[bytes], *, log: Path, timeout: float) -> None:
    """Return once ``url``/healthz answers 200. ``RuntimeError`` if the process exits first,
    ``TimeoutError`` after ``timeout`` seconds; both name the log to read."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}); see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the server did not start in {timeout:.0f} s; see {log}")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes], *, grace: float = 15) -> None:
    """SIGTERM, then SIGKILL if it has not exited after ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
