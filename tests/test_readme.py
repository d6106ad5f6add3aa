"""Every example of the README runs as written.

The README's fenced blocks say what they are:
- ```sh: run as one bash script in a scratch folder that looks like a checkout (the corpus, the
  evaluation sets, the venv, a ``policy.pdf``), against ``assistant serve`` started here; every
  ``curl`` must get a 2xx (the script's ``curl`` is ``curl --fail-with-body``);
- ```sh server=keys: the same, against a server started with the README's example keys;
- ```python: run with the same server;
- ```sh long-running (servers, benchmarks, the full test run): checked, not run: the script parses,
  every ``python -m`` module exists and accepts the options written, every ``make`` target exists.
The README writes the server's address as ``localhost:8000``; the tests' servers listen on a free
port, which is put in its place.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.server_process import free_port, stop, wait_until_ready
from tests.api.test_unseen_upload import cycling_guideline_pdf
from tests.conftest import REPO

README = REPO / "README.md"
KEYS = {"ASSISTANT_READER_KEYS": "r-2f9c41, r-77ab08", "ASSISTANT_ADMIN_KEYS": "a-91d0e3"}
_FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Example:
    info: str
    code: str
    line: int

    @property
    def label(self) -> str:
        return f"README.md:{self.line} ({self.info or 'plain'})"


def examples(*infos: str) -> list[Example]:
    text = README.read_text(encoding="utf-8")
    found = [Example(m.group(1).strip(), m.group(2), text[:m.start()].count("\n") + 1) for m in _FENCE.finditer(text)]
    return [example for example in found if example.info in infos]


@dataclass
class Server:
    url: str
    port: int
    workspace: Path
    env: dict[str, str]


def _workspace(root: Path, index_source: Path) -> Path:
    """A folder that looks like a checkout to the README's commands."""
    root.mkdir(parents=True)
    shutil.copytree(REPO / "corpus", root / "corpus")
    (root / "tests").mkdir()
    shutil.copytree(REPO / "tests" / "eval", root / "tests" / "eval")
    (root / ".venv").symlink_to(Path(sys.prefix))  # the environment running the tests
    shutil.copytree(index_source, root / "index")  # the session's index and its embedding cache
    (root / "policy.pdf").write_bytes(cycling_guideline_pdf())
    return root


def _environment(workspace: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "OPENAI_"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", HF_HUB_OFFLINE="1",
               ASSISTANT_CORPUS_DIR=str(workspace / "corpus"), ASSISTANT_INDEX_DIR=str(workspace / "index"),
               ASSISTANT_DATA_DIR=str(workspace / "data"), ASSISTANT_RATE_LIMIT_PER_MINUTE="0", **extra)
    return env


@pytest.fixture(scope="module")
def index_source(assistant) -> Path:  # type: ignore[no-untyped-def]
    return assistant.settings.index_dir


def _serve(root: Path, index_source: Path, **extra: str) -> Iterator[Server]:
    workspace = _workspace(root, index_source)
    port = free_port()
    env = _environment(workspace, **extra)
    log = workspace / "server.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                                   cwd=workspace, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", process, log=log, timeout=240)
        yield Server(f"http://127.0.0.1:{port}", port, workspace, env)
    finally:
        stop(process)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, index_source: Path) -> Iterator[Server]:
    yield from _serve(tmp_path_factory.mktemp("readme") / "checkout", index_source)


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory: pytest.TempPathFactory, index_source: Path) -> Iterator[Server]:
    yield from _serve(tmp_path_factory.mktemp("readme-keys") / "checkout", index_source, **KEYS)


def _on(server: Server, code: str) -> str:
    return code.replace("localhost:8000", f"localhost:{server.port}").replace("127.0.0.1:8000",
                                                                             f"127.0.0.1:{server.port}")


def _run_shell(server: Server, example: Example) -> None:
    script = "set -euo pipefail\ncurl() { command curl --fail-with-body \"$@\"; }\n" + _on(server, example.code)
    result = subprocess.run(["bash", "-c", script], cwd=server.workspace, env=server.env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"{example.label} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"


@pytest.mark.parametrize("example", examples("sh"), ids=lambda e: e.label)
def test_shell_examples_run_as_written(server: Server, example: Example) -> None:
    _run_shell(server, example)


@pytest.mark.parametrize("example", examples("sh server=keys"), ids=lambda e: e.label)
def test_examples_with_api_keys_run_as_written(keyed_server: Server, example: Example) -> None:
    serve_lines = [e.code for e in examples("sh long-running") if "READER_KEYS" in e.code]
    assert serve_lines and all(f'{name}="{value}"' in serve_lines[0] for name, value in KEYS.items())
    _run_shell(keyed_server, example)


@pytest.mark.parametrize("example", examples("python"), ids=lambda e: e.label)
def test_python_examples_run_as_written(server: Server, example: Example) -> None:
    result = subprocess.run([sys.executable, "-c", _on(server, example.code)], cwd=server.workspace, env=server.env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{example.label} failed:\n{result.stderr[-3000:]}"
    assert result.stdout.strip()


@pytest.mark.parametrize("example", examples("sh long-running"), ids=lambda e: e.label)
def test_long_running_examples_are_well_formed(example: Example) -> None:
    syntax = subprocess.run(["bash", "-n", "-c", example.code], capture_output=True, text=True)
    assert syntax.returncode == 0, f"{example.label}: {syntax.stderr}"
    for line in _commands(example.code):
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if words[0] == "make":
            for target in words[1:]:
                dry = subprocess.run(["make", "-n", target], cwd=REPO, capture_output=True, text=True)
                assert dry.returncode == 0, f"{example.label}: make {target}: {dry.stderr}"
        elif "-m" in words and not any("$" in w for w in words):
            module = words[words.index("-m") + 1]
            _accepts(example, [sys.executable, "-m", module], words[words.index("-m") + 2:])
        elif words[0] == "assistant" or (words[0].startswith("ASSISTANT_") and "assistant" in words):
            command = words[words.index("assistant"):]
            depth = 3 if command[1] in _GROUPS else 2  # `assistant sources add …`: a command of a group
            _accepts(example, [sys.executable, "-m", "assistant.cli", *command[1:depth]], command[depth:])


_GROUPS = {"sources"}  # the CLI's command groups


def _commands(code: str) -> list[str]:
    """The script's lines, continuation lines joined."""
    return [line.strip() for line in code.replace("\\\n", " ").splitlines() if line.strip()]


def _accepts(example: Example, command: list[str], arguments: list[str]) -> None:
    """``command --help`` works and names every option of ``arguments``."""
    helped = subprocess.run([*command, "--help"], cwd=REPO, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert helped.returncode == 0, f"{example.label}: {' '.join(command)} --help: {helped.stderr[-1000:]}"
    for option in (a.split("=", 1)[0] for a in arguments if a.startswith("--")):
        assert option in helped.stdout, f"{example.label}: {' '.join(command)} has no option {option}"
