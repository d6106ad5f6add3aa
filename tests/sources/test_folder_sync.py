"""A folder source (a mounted share) kept in sync: new, changed, renamed and deleted files become
one change of the index each sync; nothing unchanged is parsed or embedded again; a file that
cannot be read is reported with its reason while its last good version keeps serving."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.embed import Embedder
from assistant.errors import InvalidRequestError
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.sources.folder import FolderConnector
from assistant.sources.manager import SourceConflictError
from tests.conftest import make_assistant
from tests.index.test_chunk_vectors import CountingEmbedder
from tests.parse.test_formats import make_pdf


def chunk_passes(counting: CountingEmbedder) -> int:
    """Texts the engine was given: chunks (their units pooled in the same pass) and units on their own."""
    return counting.passages + counting.pooled


def policy(title: str, body: str) -> str:
    return (f"# {title}\n\nKommun: Exempelby kommun\nDokumenttyp: Riktlinje\n\n## Syfte\n\n{body}\n\n"
            "## Ansvar\n\nKommunstyrelsen ansvarar för att riktlinjen följs upp varje år.\n")


PARKING = policy("Riktlinje för parkering", "Boendeparkering kostar 400 kronor i månaden i innerstaden.")
SNOW = policy("Riktlinje för snöröjning", "Gång- och cykelbanor plogas när snödjupet når fem centimeter.")
LIBRARY = policy("Riktlinje för bibliotek", "Biblioteksbussen besöker varje by i kommunen två gånger i månaden.")
SCHOOLS = policy("Riktlinje för skolskjuts", "Elever i årskurs 1-3 har rätt till skolskjuts över två kilometer.")


@pytest.fixture
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    (root / "styrdokument" / "arkiv").mkdir(parents=True)
    (root / "styrdokument" / "parkering.md").write_text(PARKING, encoding="utf-8")
    (root / "styrdokument" / "snorojning.md").write_text(SNOW, encoding="utf-8")
    (root / "bibliotek.md").write_text(LIBRARY, encoding="utf-8")
    make_pdf(root / "styrdokument" / "integrationspolicy.pdf")
    (root / "styrdokument" / "~$parkering.md").write_text("a lock file of an open editor", encoding="utf-8")
    (root / ".hidden.md").write_text("# Hidden\n\nNot a document.", encoding="utf-8")
    (root / "bild.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


@pytest.fixture
def counting(embedder: Embedder) -> CountingEmbedder:
    return CountingEmbedder(embedder)


@pytest.fixture
def assistant(tmp_path: Path, counting: CountingEmbedder, glossary: Glossary) -> PolicyAssistant:
    built = make_assistant(tmp_path, counting, glossary)
    built.ensure_index()
    return built


def top_document(assistant: PolicyAssistant, query: str) -> str:
    return assistant.search(query, k=1)[0].document_id


def test_a_first_sync_indexes_the_shares_supported_files_with_the_sources_groups(
        assistant: PolicyAssistant, share: Path) -> None:
    assistant.sources.add("delad", str(share), groups=["personal"], every="6h")
    [report] = assistant.sources.sync("delad")

    assert report.status == "ok" and not report.failed
    assert sorted(report.added) == ["delad-bibliotek", "delad-styrdokument-integrationspolicy",
                                    "delad-styrdokument-parkering", "delad-styrdokument-snorojning"]
    documents = {d.id: d for d in assistant.documents()}
    assert documents["delad-styrdokument-parkering"].access == ["personal"]
    assert documents["delad-styrdokument-parkering"].title == "Riktlinje för parkering"
    assert top_document(assistant, "Vad kostar boendeparkering i innerstaden?") == "delad-styrdokument-parkering"
    assert len(documents) == 5 + 4  # the shipped corpus is untouched


def test_a_second_sync_of_an_unchanged_share_reads_parses_and_embeds_nothing(
        assistant: PolicyAssistant, share: Path, counting: CountingEmbedder) -> None:
    assistant.sources.add("delad", str(share))
    assistant.sources.sync("delad")
    version, embedded = assistant.manifest.version, chunk_passes(counting)

    [report] = assistant.sources.sync("delad")

    assert report.status == "ok" and report.changes == 0 and report.unchanged == 4
    assert assistant.manifest.version == version  # no index update at all
    assert chunk_passes(counting) == embedded


def test_changed_renamed_deleted_new_and_touched_files_are_one_change(
        assistant: PolicyAssistant, share: Path, counting: CountingEmbedder) -> None:
    assistant.sources.add("delad", str(share))
    assistant.sources.sync("delad")
    docs = share / "styrdokument"
    (docs / "parkering.md").write_text(PARKING.replace("400 kronor", "650 kronor"), encoding="utf-8")
    (docs / "snorojning.md").rename(docs / "arkiv" / "snorojning-2025.md")
    (share / "bibliotek.md").unlink()
    (docs / "skolskjuts.md").write_text(SCHOOLS, encoding="utf-8")
    pdf = docs / "integrationspolicy.pdf"
    os.utime(pdf, (pdf.stat().st_atime, pdf.stat().st_mtime + 60))  # touched, same bytes
    version = assistant.manifest.version

    [report] = assistant.sources.sync("delad")

    assert report.status == "ok"
    assert report.changed == ["delad-styrdokument-parkering"]
    assert report.renamed == ["delad-styrdokument-snorojning -> delad-styrdokument-arkiv-snorojning-2025"]
    assert report.removed == ["delad-bibliotek"]
    assert report.added == ["delad-styrdokument-skolskjuts"]
    assert report.unchanged == 1
    assert assistant.manifest.version != version
    ids = {d.id for d in assistant.documents()}
    assert "delad-bibliotek" not in ids and "delad-styrdokument-snorojning" not in ids
    assert "650 kronor" in assistant.document_text("delad-styrdokument-parkering")
    hits = assistant.search("Hur ofta besöker biblioteksbussen byarna?", k=10)
    assert all(hit.document_id != "delad-bibliotek" for hit in hits)  # deleted: unanswerable at once
    assert top_document(assistant, "När plogas gång- och cykelbanor?") == "delad-styrdokument-arkiv-snorojning-2025"


def test_a_rename_costs_no_embedding(assistant: PolicyAssistant, share: Path, counting: CountingEmbedder) -> None:
    assistant.sources.add("delad", str(share))
    assistant.sources.sync("delad")
    (share / "bibliotek.md").rename(share / "styrdokument" / "bibliotek.md")
    embedded = chunk_passes(counting)

    [report] = assistant.sources.sync("delad")

    assert report.renamed == ["delad-bibliotek -> delad-styrdokument-bibliotek"]
    assert chunk_passes(counting) == embedded


def test_include_and_exclude_patterns_choose_the_files(assistant: PolicyAssistant, share: Path) -> None:
    assistant.sources.add("pdf", str(share), include=["*.pdf"])
    assistant.sources.add("md", str(share), include=["styrdokument/*"], exclude=["*snorojning*", "*.pdf"])

    reports = {r.source: r for r in assistant.sources.sync()}

    assert reports["pdf"].added == ["pdf-styrdokument-integrationspolicy"]
    assert reports["md"].added == ["md-styrdokument-parkering"]


def test_a_truncated_pdf_is_reported_and_its_last_good_version_keeps_serving(
        assistant: PolicyAssistant, share: Path) -> None:
    assistant.sources.add("delad", str(share))
    assistant.sources.sync("delad")
    pdf = share / "styrdokument" / "integrationspolicy.pdf"
    pdf.write_bytes(pdf.read_bytes()[:900])
    (share / "styrdokument" / "skolskjuts.md").write_text(SCHOOLS, encoding="utf-8")

    [report] = assistant.sources.sync("delad")

    assert report.status == "partial"
    assert report.added == ["delad-styrdokument-skolskjuts"] and report.changed == []
    [failure] = report.failed
    assert failure["key"] == "styrdokument/integrationspolicy.pdf" and failure["reason"] == "unreadable"
    assert failure["detail"]
    assert "delad-styrdokument-integrationspolicy" in {d.id for d in assistant.documents()}
    assert assistant.sources.statuses()[0].last_run == report  # the status a person acts on

    make_pdf(pdf)  # repaired: taken at the next sync
    [again] = assistant.sources.sync("delad")
    assert again.status == "ok" and again.changed == ["delad-styrdokument-integrationspolicy"]


def test_a_vanished_share_removes_nothing_and_says_why(assistant: PolicyAssistant, share: Path) -> None:
    assistant.sources.add("delad", str(share))
    assistant.sources.sync("delad")
    share.rename(share.with_name("unmounted"))

    [report] = assistant.sources.sync("delad")

    assert report.status == "failed" and "is the share mounted?" in (report.error or "")
    assert report.removed == [] and len([d for d in assistant.documents() if d.id.startswith("delad-")]) == 4

    share.with_name("unmounted").rename(share)
    [back] = assistant.sources.sync("delad")
    assert back.status == "ok" and back.changes == 0


def test_a_file_being_written_during_the_scan_is_left_for_the_next_sync(share: Path) -> None:
    growing = share / "styrdokument" / "protokoll.md"
    growing.write_text(policy("Protokoll", "Paragraf ett. " * 2_000_000), encoding="utf-8")  # ~28 MB
    size = growing.stat().st_size
    # Another process copying onto the share: it appends 7 kB every few milliseconds until it is
    # stopped (a writer without pause could fill the disk, and pass the size limit, on a slow run).
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "with open(sys.argv[1], 'a') as f:\n"
        "    while True:\n"
        "        f.write('Paragraf tva. ' * 500); f.flush(); time.sleep(0.002)\n"), str(growing)])
    try:
        while growing.stat().st_size == size:
            time.sleep(0.01)
        # The change is seen when it happens during the read; on a loaded machine the writer may
        # not get the CPU within one read, so a few scans are made while it writes.
        for _ in range(5):
            scan = FolderConnector(root=share, include=["protokoll.md"], max_bytes=2**31).scan({})
            if scan.failed:
                break
    finally:
        writer.kill()
        writer.wait()

    assert [(f.key, f.reason) for f in scan.failed] == [("styrdokument/protokoll.md", "changing")]
    assert scan.fetched == []
    assert [i.key for i in FolderConnector(root=share, include=["protokoll.md"], max_bytes=2**31).scan({}).fetched] == [
        "styrdokument/protokoll.md"]


def test_removing_a_source_removes_its_documents(assistant: PolicyAssistant, share: Path) -> None:
    assistant.sources.add("delad", str(share))
    assistant.sources.sync("delad")

    removed = assistant.sources.remove("delad")

    assert len(removed) == 4
    assert not [d for d in assistant.documents() if d.id.startswith("delad-")]
    assert assistant.sources.statuses() == []


def test_bad_sources_are_refused_with_the_reason(assistant: PolicyAssistant, share: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidRequestError, match="does not exist"):
        assistant.sources.add("saknas", str(tmp_path / "nowhere"))
    with pytest.raises(InvalidRequestError, match="lowercase letters"):
        assistant.sources.add("Stora Bokstäver", str(share))
    with pytest.raises(InvalidRequestError, match="shortest interval"):
        assistant.sources.add("ofta", str(share), every="1m")
    with pytest.raises(InvalidRequestError, match="http"):
        assistant.sources.add("ftp", "ftp://kommun.se/")
    assistant.sources.add("delad", str(share))
    with pytest.raises(SourceConflictError, match="exists already"):
        assistant.sources.add("delad", str(share))


def test_only_one_sync_runs_at_a_time(assistant: PolicyAssistant, share: Path) -> None:
    assistant.sources.add("delad", str(share))
    with assistant.sources.store.exclusive() as held:
        assert held
        with pytest.raises(SourceConflictError, match="another sync is running"):
            assistant.sources.sync("delad")
        assert assistant.sources.sync_due() == []
