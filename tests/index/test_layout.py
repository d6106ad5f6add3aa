"""Index versions on disk: a version someone is reading is not deleted under them.

Publishing prunes all but the newest two versions. A request that took the serving version just
before a few quick rebuilds (an admin uploading several files while an LLM answer is slow) must
still be able to read it, from any worker thread, and so must another process over the same
folder; the version goes at the first publication after the last reader let go.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.facade import PolicyAssistant
from assistant.index.build import SearchIndex
from assistant.index.layout import MANIFEST_FILE, IndexLayout, Manifest, VersionHold

_HOLDER = """
import sys, time
from pathlib import Path
from assistant.index.layout import VersionHold
hold = VersionHold(Path(sys.argv[1]))
print("held", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""


def publish(layout: IndexLayout, version: str) -> Path:
    staging = layout.new_staging()
    (staging / "chunks.sqlite").write_text(version, encoding="utf-8")
    return layout.publish(staging, Manifest(version=version, model="m", dimension=1, corpus_hash="c",
                                            config_hash="h", documents=1, chunks=1, vector_index="flat",
                                            built_at="-", build_seconds=0.0))


def names(layout: IndexLayout) -> list[str]:
    return sorted(p.name for p in layout.versions.iterdir())


def test_publishing_keeps_the_newest_two_versions(tmp_path: Path) -> None:
    layout = IndexLayout(tmp_path)
    for version in ("v1", "v2", "v3", "v4"):
        publish(layout, version)
    assert names(layout) == ["v3", "v4"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CURRENT", "versions"]


def test_a_held_version_outlives_later_publications_and_goes_after_its_release(tmp_path: Path) -> None:
    layout = IndexLayout(tmp_path)
    hold = VersionHold(publish(layout, "v1"))
    for version in ("v2", "v3", "v4"):
        publish(layout, version)
    assert names(layout) == ["v1", "v3", "v4"]
    assert (layout.versions / "v1" / "chunks.sqlite").read_text(encoding="utf-8") == "v1"
    hold.release()
    publish(layout, "v5")
    assert names(layout) == ["v4", "v5"]


def test_a_hold_is_released_when_it_is_dropped(tmp_path: Path) -> None:
    layout = IndexLayout(tmp_path)
    VersionHold(publish(layout, "v1"))  # dropped at once, as a request's index is when it ends
    gc.collect()
    for version in ("v2", "v3"):
        publish(layout, version)
    assert names(layout) == ["v2", "v3"]


def test_a_version_held_by_another_process_is_kept_until_that_process_is_gone(tmp_path: Path) -> None:
    layout = IndexLayout(tmp_path)
    first = publish(layout, "v1")
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(first)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for version in ("v2", "v3"):
            publish(layout, version)
        assert names(layout) == ["v1", "v2", "v3"]
    finally:
        holder.kill()
        holder.wait(10)
    publish(layout, "v4")
    assert names(layout) == ["v3", "v4"]


def test_a_hold_on_a_version_already_pruned_is_refused(tmp_path: Path) -> None:
    layout = IndexLayout(tmp_path)
    first = publish(layout, "v1")
    for version in ("v2", "v3"):
        publish(layout, version)
    assert not (first / MANIFEST_FILE).exists()
    with pytest.raises(FileNotFoundError):
        VersionHold(first)


def test_an_index_a_request_still_holds_reads_from_a_new_thread_after_three_rebuilds(
        small: PolicyAssistant) -> None:
    small.ensure_index()
    taken = small.backend.serving()  # what a request took before the rebuilds
    rows = [row for row, _ in taken.lexical_search("boende", k=3)]
    for n in range(3):  # each one publishes a version; without holds the taken one went at the second
        (small.settings.corpus_dir / f"extra-{n}.md").write_text(
            f"# Riktlinje {n} för parkering\n\nParkering {n} är avgiftsfri för cyklar.\n", encoding="utf-8")
        small.build_index()
    assert small.backend.serving().directory != taken.directory
    with ThreadPoolExecutor(max_workers=1) as fresh_thread:  # the old store has no connection there yet
        read = fresh_thread.submit(taken.store.chunks, rows).result(timeout=30)
    assert sorted(read) == sorted(rows)
    directory = taken.directory
    del taken, read
    gc.collect()
    (small.settings.corpus_dir / "extra-last.md").write_text("# Sista\n\nSista texten.\n", encoding="utf-8")
    small.build_index()
    assert not directory.exists(), "released, it went at the next publication"
    assert len(list(small.layout.versions.iterdir())) == 2


def test_closing_an_index_releases_its_hold(small: PolicyAssistant) -> None:
    small.ensure_index()
    current = small.layout.current()
    assert current is not None
    index = SearchIndex.load(current)
    for n in range(2):
        (small.settings.corpus_dir / f"extra-{n}.md").write_text(f"# Text {n}\n\nText {n}.\n", encoding="utf-8")
        small.build_index()
    assert current.exists(), "held by the index loaded here"
    index.close()
    (small.settings.corpus_dir / "extra-last.md").write_text("# Sista\n\nSista texten.\n", encoding="utf-8")
    small.build_index()
    assert not current.exists()


def test_listing_the_documents_does_not_keep_an_old_version_on_disk(small: PolicyAssistant) -> None:
    small.ensure_index()
    listed = small.layout.current()
    assert listed is not None and small.documents()
    for n in range(2):  # the versions after it are published and served; nobody lists again
        (small.settings.corpus_dir / f"extra-{n}.md").write_text(f"# Text {n}\n\nText {n}.\n", encoding="utf-8")
        small.build_index()
        small.search("text")
    gc.collect()
    (small.settings.corpus_dir / "extra-last.md").write_text("# Sista\n\nSista texten.\n", encoding="utf-8")
    small.build_index()
    assert not listed.exists()
    assert len(list(small.layout.versions.iterdir())) == 2
