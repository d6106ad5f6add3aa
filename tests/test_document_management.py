"""Adding and removing documents: parsed before anything is stored, indexed before the answer,
and the last good index keeps serving meanwhile."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import pytest

from assistant.embed import Embedder
from assistant.errors import DocumentNotFoundError, IndexNotReadyError
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.parse import ParseError, UnsupportedFormatError
from assistant.validation import safe_filename
from tests.conftest import CORPUS, make_assistant


@pytest.fixture
def small(tmp_path: Path, embedder: Embedder, glossary: Glossary) -> PolicyAssistant:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "tierp-handlingsplan-for-integration.txt", corpus)
    built = make_assistant(tmp_path, embedder, glossary)
    built.ensure_index()
    return built


def a_docx(title: str, body: str) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_heading("Ansvar", level=2)
    document.add_paragraph(body)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_an_uploaded_docx_is_stored_indexed_and_answerable(small: PolicyAssistant) -> None:
    data = a_docx("Riktlinje för mottagande i Heby", "Socialchefen ansvarar för mottagandet av nyanlända i Heby.")
    info = small.library.add("../../Riktlinje mottagande.docx", data)
    assert info.id == "riktlinje-mottagande" and info.municipality == "Heby"
    assert uploads(small) == {"Riktlinje mottagande.docx": data}
    assert not (small.settings.corpus_dir / "Riktlinje mottagande.docx").exists()  # the shipped corpus is input
    answer = small.ask("Vem ansvarar för mottagandet av nyanlända i Heby?")
    assert "Socialchefen ansvarar" in answer.answer


def uploads(assistant: PolicyAssistant) -> dict[str, bytes]:
    folder = assistant.settings.data_dir / "documents"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def test_a_broken_upload_is_refused_and_nothing_is_stored(small: PolicyAssistant) -> None:
    before = sorted(p.name for p in small.settings.corpus_dir.iterdir())
    version = small.manifest.version
    with pytest.raises(ParseError):
        small.library.add("trasig.docx", b"PK\x03\x04 not a docx")
    with pytest.raises(UnsupportedFormatError):
        small.library.add("kalkyl.xlsx", b"whatever")
    assert sorted(p.name for p in small.settings.corpus_dir.iterdir()) == before and uploads(small) == {}
    assert small.manifest.version == version


def test_a_failed_rebuild_leaves_the_corpus_and_the_serving_index_as_they_were(
        small: PolicyAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    version = small.manifest.version

    def crash(*_: object, **__: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("assistant.index.build.write_store", crash)  # a full build
    monkeypatch.setattr("assistant.index.build.append_store", crash)  # an append
    with pytest.raises(OSError):
        small.library.add("ny.md", b"# Ny riktlinje\n\nText om bostad.\n")
    assert "ny.md" not in uploads(small) and not (small.settings.corpus_dir / "ny.md").exists()
    assert small.manifest.version == version and small.search("Huvudansvar boende")


def test_removing_a_document_takes_it_out_of_corpus_and_index(small: PolicyAssistant) -> None:
    small.library.add("extra.md", "# Extra riktlinje för Heby\n\nText om parkering.\n".encode())
    small.library.remove("extra")
    assert "extra" not in {d.id for d in small.documents()}
    assert "extra.md" not in uploads(small)
    with pytest.raises(DocumentNotFoundError):
        small.library.remove("extra")


def test_removing_a_shipped_document_leaves_the_checkout_as_shipped(small: PolicyAssistant) -> None:
    shipped = small.settings.corpus_dir / "tierp-handlingsplan-for-integration.txt"
    before = shipped.read_bytes()
    small.library.add("annan.md", b"# Annan riktlinje\n\nText om parkering.\n")
    small.library.remove("tierp-handlingsplan-for-integration")
    assert shipped.read_bytes() == before  # still there, untouched
    assert {d.id for d in small.documents()} == {"annan"}
    assert (small.settings.data_dir / "documents" / ".removed").is_file()


def test_uploads_and_removals_survive_a_restart_and_a_full_rebuild(small: PolicyAssistant, embedder: Embedder,
                                                                   glossary: Glossary) -> None:
    small.library.add("heby.md", "# Riktlinje för Heby\n\nSocialchefen ansvarar för mottagandet.\n".encode())
    small.library.remove("tierp-handlingsplan-for-integration")
    restarted = PolicyAssistant(settings=small.settings, embedder=embedder, glossary=glossary)
    restarted.ensure_index()
    assert {d.id for d in restarted.documents()} == {"heby"}
    restarted.build_index()
    assert {d.id for d in restarted.documents()} == {"heby"}


def test_an_upload_replaces_a_shipped_file_of_its_name_and_can_be_removed_with_it(small: PolicyAssistant) -> None:
    name = "tierp-handlingsplan-for-integration.txt"
    small.library.add(name, "Handlingsplan för integration\n\nEn ny version av planen.\n".encode())
    assert "En ny version av planen." in small.document_text("tierp-handlingsplan-for-integration")
    small.library.add("annan.md", b"# Annan riktlinje\n\nText om parkering.\n")
    small.library.remove("tierp-handlingsplan-for-integration")
    assert {d.id for d in small.documents()} == {"annan"}  # neither the upload nor the shipped file


def test_a_removal_the_index_cannot_take_leaves_everything_as_it_was(small: PolicyAssistant) -> None:
    version = small.manifest.version
    with pytest.raises(IndexNotReadyError):
        small.library.remove("tierp-handlingsplan-for-integration")  # the last document
    assert small.manifest.version == version
    assert {path.name for path in small.corpus.files()} == {"tierp-handlingsplan-for-integration.txt"}


@pytest.mark.parametrize(("raw", "safe"), [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\x\\Policy 2024.PDF", "Policy 2024.pdf"),
    ("..hidden.md", "hidden.md"),
    ("plan<script>.html", "plan_script.html"),
])
def test_file_names_are_reduced_to_a_safe_base_name(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe
