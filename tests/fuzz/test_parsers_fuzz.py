"""A short atheris (libFuzzer) run of each parser's harness (``fuzz/fuzz_<format>.py``), in a
subprocess: 2,000 inputs mutated from the format's seed documents, with a fixed seed so that CI is
reproducible. Any exception other than ``ParseError`` escaping a parser makes libFuzzer exit
non-zero and print the input (base64) and the traceback, which this test shows. The longer run is
in the README ("Limits and robustness")."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

RUNS = 2000
HARNESSES = ["text", "markdown", "html", "pdf", "docx"]
HEADROOM_MB = 2048


def rss_limit_mb() -> int:
    """2 GiB above what the harness starts with. On Linux a child's peak RSS starts at its
    parent's (this test session's, which grows past 2 GiB when the whole suite runs), so a fixed
    limit would count the session's memory as the parser's."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024 + HEADROOM_MB


@pytest.mark.parametrize("harness", HARNESSES)
def test_the_parser_survives_a_short_fuzzing_run(harness: str, tmp_path: Path) -> None:
    corpus, artifacts = tmp_path / "corpus", tmp_path / "crashes"
    artifacts.mkdir()
    command = [sys.executable, "-m", f"fuzz.fuzz_{harness}", f"-runs={RUNS}", "-seed=1", "-timeout=30",
               f"-rss_limit_mb={rss_limit_mb()}", f"-artifact_prefix={artifacts}/", str(corpus)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, errors="replace", timeout=240,
                          check=False)
    output = done.stderr + done.stdout
    assert done.returncode == 0, f"fuzz_{harness} found a crash:\n{output[-6000:]}"
    assert f"Done {RUNS} runs" in output, output[-2000:]
    assert any(corpus.iterdir()), "the seed corpus was written"
    assert not any(artifacts.iterdir())
