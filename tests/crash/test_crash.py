"""Crash safety, tested by killing the real processes: the server with ``kill -9`` at a random moment
of each round of uploads, deletes and rebuilds, and ``assistant index`` during a rebuild of a larger
corpus. What was acknowledged survives, nothing is half-present, the index on disk stays
consistent. The harness is in ``bench/crash_harness.py``, the checks in ``bench/crash_checks.py``
and the rounds in ``bench/crasher.py`` (also the longer run: ``python -m bench.crasher --rounds 50``).

Bounded for CI: ``CRASH_ROUNDS`` rounds (default 4) of ``CRASH_ROUND_SECONDS`` (default 3) each, at
most 6 writes a round; two index kills over one added document. The first server start builds the
index from scratch (cold embedding cache); each restart loads the model again (about 6 s on two
idle cores) and rebuilds when the corpus changed under the kill.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.index.layout import MANIFEST_FILE, IndexLayout, Manifest
from bench.crash_harness import Checks
from bench.crasher import CrashSite

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "4"))
ROUND_SECONDS = float(os.environ.get("CRASH_ROUND_SECONDS", "3"))
SEED = int(os.environ.get("CRASH_SEED", "0"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrashSite]:
    """A scratch workspace whose server was started once (building the index) and primed with an
    acknowledged upload and delete; killed at the end, and no process of it may outlive the module."""
    crash_site = CrashSite(tmp_path_factory.mktemp("crash") / "site", seed=SEED)
    try:
        crash_site.open()
        _passed(crash_site.prime(), crash_site, "priming")
        yield crash_site
    finally:
        crash_site.close()
    assert crash_site.stray_processes() == [], "processes outlived their killed process group"


def _passed(checks: Checks, site: CrashSite, what: str) -> None:
    assert not checks.failures, (f"{what}: " + "\n".join(checks.failures)
                                 + f"\n--- log tail ---\n{site.workspace.log_tail()}")


def test_acknowledged_writes_survive_kill_9_of_the_server(site: CrashSite) -> None:
    """Each round: uploads, deletes and maybe a rebuild, ``kill -9`` at a uniform moment, restart,
    check acknowledged, in-flight, on-disk and golden-question invariants (``bench.crasher``)."""
    for number in range(1, ROUNDS + 1):
        result = site.round(seconds=ROUND_SECONDS, max_ops=6)
        _passed(result.checks, site, f"round {number} (kill at {result.kill_at:.2f} s during {result.during})")
    assert site.ledger.uploads >= 2 and site.ledger.deletes >= 1  # the priming ones at least
    assert not site.ledger.uncertain  # every in-flight operation was resolved as wholly done or undone


def test_killed_index_build_leaves_the_previous_version_serving(site: CrashSite) -> None:
    """``assistant index`` killed twice during a rebuild with a new document: CURRENT keeps naming a
    complete version, the running server keeps serving, the next start rebuilds consistently."""
    result = site.index_kills(kills=2, variants=1)
    _passed(result.checks, site, "index kills " + ", ".join(f"{k.outcome} at +{k.delay:.2f} s" for k in result.kills))


def test_a_kill_while_an_old_version_is_deleted_leaves_only_complete_versions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the crasher: a kill during pruning left a half-deleted folder in ``versions/``
    (its manifest, without ``chunks.sqlite``). Here the kill is simulated inside the deletion."""
    layout = IndexLayout(tmp_path / "index", keep_versions=1)
    _publish(layout, "v1")

    def killed_midway(path: str | os.PathLike[str], *_: object, **__: object) -> None:
        next(p for p in Path(path).rglob("*") if p.is_file() and p.name != MANIFEST_FILE).unlink()
        raise KeyboardInterrupt("SIGKILL")

    monkeypatch.setattr("assistant.index.layout.shutil.rmtree", killed_midway)
    with pytest.raises(KeyboardInterrupt):
        _publish(layout, "v2")
    monkeypatch.undo()
    assert layout.current() == layout.versions / "v2"
    assert all(_complete(version) for version in layout.versions.iterdir())
    _publish(layout, "v3")  # the next publication clears what the killed one left
    assert sorted(p.name for p in layout.root.iterdir()) == ["CURRENT", "versions"]
    assert [p.name for p in layout.versions.iterdir()] == ["v3"]


_PARTS = ("chunks.sqlite", "vectors.faiss", "lexical/vocabulary.json")


def _publish(layout: IndexLayout, version: str) -> None:
    staging = layout.new_staging()
    for part in _PARTS:
        (staging / part).parent.mkdir(parents=True, exist_ok=True)
        (staging / part).write_text(version, encoding="utf-8")
    layout.publish(staging, Manifest(version=version, model="m", dimension=1, corpus_hash="c", config_hash="h",
                                     documents=1, chunks=1, vector_index="flat", built_at="-", build_seconds=0.0))


def _complete(version: Path) -> bool:
    return all((version / part).is_file() for part in (MANIFEST_FILE, *_PARTS))
