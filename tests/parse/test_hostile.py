"""Hostile files are refused quickly and safely: by the guard before any parser opens them, or by
the isolated worker's limits, in a few seconds, without the service's own memory growing.

The hostile corpus is generated here (never committed): zip bombs, a ZIP of 5,000 members, nested
archives, billion-laughs XML, nested-deflate and huge-page-tree PDFs, empty, truncated, encrypted
and mislabelled files.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader, PdfWriter

from api.app import create_app
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.index.build import parse_corpus
from assistant.models import Document
from assistant.parse import SUPPORTED_SUFFIXES, parse_bytes
from assistant.parse.errors import (
    ContentMismatchError,
    DocumentLimitError,
    EmptyDocumentError,
    FileTooLargeError,
    ParseError,
    ParseResourceError,
    ParseTimeoutError,
    UnsafeDocumentError,
)
from assistant.parse.guard import GUARDED_SUFFIXES, MIB, ParseLimits, check_upload
from assistant.parse.isolation import _worker_environment, parse_isolated
from tests.conftest import CORPUS, make_assistant
from tests.parse.test_formats import make_docx, make_pdf

LIMITS = ParseLimits()
MAX_SECONDS = 10.0
MAX_RSS_GROWTH_KIB = 40 * 1024
ADMIN_KEY = "hostile-test-admin-key"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- generated files -----------------------------------------------------------------------


@functools.cache
def normal_pdf() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return make_pdf(Path(folder) / "plan.pdf").read_bytes()


@functools.cache
def normal_docx() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return make_docx(Path(folder) / "plan.docx").read_bytes()


def rezip(source: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """A copy of the ZIP ``source`` with some members replaced or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info)))
        for name, data in add.items():
            new.writestr(name, data)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A .docx whose media member is 300 MB of zeros, deflated to about 300 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W_NS}"/>')
        chunk = bytes(MIB)
        with archive.open("word/media/image1.png", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(chunk)
    return out.getvalue()


def many_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W_NS}"/>')
        for number in range(5_000):
            archive.writestr(f"word/media/part{number}.xml", "<x/>")
    return out.getvalue()


def encrypted_member() -> bytes:
    """A DOCX whose document part is flagged encrypted (ZIP general-purpose flag bit 0, set in its
    local header and its central directory entry; zipfile cannot write encrypted members)."""
    data = bytearray(normal_docx())
    name = b"word/document.xml"
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo(name.decode()).header_offset
    central = data.rfind(name) - 46  # the central directory, at the end, names it last
    assert data[local:local + 4] == b"PK\x03\x04" and data[central:central + 4] == b"PK\x01\x02"
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    return bytes(data)


def billion_laughs(*, encoding: str = "utf-8", before_doctype: str = "") -> bytes:
    entities = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        reference = f"&lol{level - 1 or ''};"
        entities.append(f'<!ENTITY lol{level} "{reference * 10}">')
    xml = (f'<?xml version="1.0" encoding="{encoding.upper()}" standalone="yes"?>{before_doctype}'
           f'<!DOCTYPE lolz [{"".join(entities)}]>'
           f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    return rezip(normal_docx(), replace={"word/document.xml": xml.encode(encoding)})


def nested_archive() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("payload.txt", "x")
    return rezip(normal_docx(), add={"word/media/payload.zip": inner.getvalue()})


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF written by hand: object 1 is the catalog; cross-reference table and trailer follow."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_stream(data: bytes, filters: bytes = b"") -> bytes:
    return b"<< /Length %d /Filter [%s] >>\nstream\n" % (len(data), filters) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
         b" /Resources << /Font << /F1 5 0 R >> >> >>")


def one_page_pdf(content: bytes) -> bytes:
    return pdf_from_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                             _PAGE, content, _FONT])


def nested_deflate_pdf() -> bytes:
    """A content stream that is FlateDecode of FlateDecode of 200 MB of zeros: about 500 bytes."""
    compressor = zlib.compressobj(9)
    inner = b"".join(compressor.compress(bytes(MIB)) for _ in range(200)) + compressor.flush()
    return one_page_pdf(pdf_stream(zlib.compress(inner, 9), b"/FlateDecode /FlateDecode"))


def huge_page_tree(*, stated_count: int | None = None) -> bytes:
    """100,000 references to one page in a single /Kids array (/Count may lie)."""
    pages = 100_000
    kids = b" ".join([b"3 0 R"] * pages)
    return pdf_from_objects([b"<< /Type /Catalog /Pages 2 0 R >>",
                             b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, stated_count or pages),
                             _PAGE, pdf_stream(b"BT /F1 12 Tf 72 700 Td (Hej) Tj ET"), _FONT])


@functools.cache
def slow_pdf() -> bytes:
    """60 MB of text operators deflated to 150 KB: slow to extract and memory hungry."""
    operators = b"BT /F1 12 Tf 72 700 Td " + b"(Hej) Tj 0 -1 Td " * 3_500_000 + b"ET"
    return one_page_pdf(pdf_stream(zlib.compress(operators, 6), b"/FlateDecode"))


@functools.cache
def many_glyphs_pdf() -> bytes:
    """Four million glyphs on one page in 8 KB: the layout reader keeps an object per glyph."""
    operators = b"BT /F1 12 Tf 72 700 Td " + (b"(" + b"a" * 2000 + b") Tj ") * 2000 + b"ET"
    return one_page_pdf(pdf_stream(zlib.compress(operators, 9), b"/FlateDecode"))


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(normal_pdf())))
    writer.encrypt(user_password="hemligt", owner_password="hemligt", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@dataclass(frozen=True)
class Hostile:
    filename: str
    build: Callable[[], bytes]
    error: type[ParseError]

    @property
    def status(self) -> int:
        if issubclass(self.error, FileTooLargeError):
            return 413
        return 415 if issubclass(self.error, ContentMismatchError) else 422


HOSTILE = [
    Hostile("zip-bomb.docx", zip_bomb, UnsafeDocumentError),
    Hostile("many-members.docx", many_members, DocumentLimitError),
    Hostile("nested-archive.docx", nested_archive, UnsafeDocumentError),
    Hostile("encrypted-member.docx", encrypted_member, ParseError),
    Hostile("billion-laughs.docx", billion_laughs, UnsafeDocumentError),
    Hostile("billion-laughs-utf16.docx", functools.partial(billion_laughs, encoding="utf-16"), UnsafeDocumentError),
    Hostile("doctype-after-comment.docx", functools.partial(billion_laughs, before_doctype="<!-- <w:x> -->"),
            UnsafeDocumentError),
    Hostile("nested-deflate.pdf", nested_deflate_pdf, DocumentLimitError),
    Hostile("huge-page-tree.pdf", huge_page_tree, DocumentLimitError),
    Hostile("huge-page-content.pdf", slow_pdf, DocumentLimitError),
    Hostile("lying-page-tree.pdf", functools.partial(huge_page_tree, stated_count=1), DocumentLimitError),
    Hostile("empty.pdf", lambda: b"", EmptyDocumentError),
    Hostile("empty.docx", lambda: b"", EmptyDocumentError),
    Hostile("empty.txt", lambda: b"", EmptyDocumentError),
    Hostile("truncated.pdf", lambda: normal_pdf()[: len(normal_pdf()) // 2], ParseError),
    Hostile("truncated.docx", lambda: normal_docx()[: len(normal_docx()) // 2], ParseError),
    Hostile("encrypted.pdf", encrypted_pdf, ParseError),
    Hostile("pdf-named.docx", normal_pdf, ContentMismatchError),
    Hostile("zip-named.pdf", normal_docx, ContentMismatchError),
    Hostile("png-named.txt", png, ContentMismatchError),
    Hostile("binary-named.md", lambda: b"# Rubrik\n" + bytes(range(256)) * 8, ContentMismatchError),
    Hostile("elf-named.html", lambda: b"\x7fELF\x02\x01\x01" + bytes(500), ContentMismatchError),
    Hostile("oversized.txt", lambda: b"a " * (LIMITS.max_bytes // 2 + 1), FileTooLargeError),
]


@functools.cache
def hostile_bytes(filename: str) -> bytes:
    return next(h for h in HOSTILE if h.filename == filename).build()


# --- measuring -----------------------------------------------------------------------------


def _status_kib(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    assert match is not None
    return int(match.group(1))


def measured(action: Callable[[], object]) -> tuple[float, int, BaseException | None]:
    """Run ``action``; return its wall time, this process's peak RSS growth in KiB during it (the
    peak is reset first via /proc/self/clear_refs), and what it raised."""
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    started = time.perf_counter()
    raised: BaseException | None = None
    try:
        action()
    except Exception as error:
        raised = error
    return time.perf_counter() - started, _status_kib("VmHWM") - before, raised


def isolated(data: bytes, filename: str, limits: ParseLimits = LIMITS) -> Document:
    return parse_isolated(data, suffix=Path(filename).suffix, source_path=filename,
                          document_id=Path(filename).stem, limits=limits)


# --- the isolated parser -------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.filename)
def test_a_hostile_file_is_refused_quickly_without_growing_the_service(hostile: Hostile) -> None:
    data = hostile_bytes(hostile.filename)
    elapsed, growth, raised = measured(lambda: isolated(data, hostile.filename))
    assert isinstance(raised, hostile.error), raised
    assert str(raised) and hostile.filename not in str(raised)  # a reason in user terms, no name or path
    assert elapsed < MAX_SECONDS
    assert growth < MAX_RSS_GROWTH_KIB


def test_a_parser_that_runs_too_long_is_stopped_at_the_time_limit() -> None:
    # The page-content limit would refuse this file first; the time limit is what is tested here.
    limits, data = ParseLimits(seconds=2, max_page_content_bytes=128 * MIB), slow_pdf()
    elapsed, growth, raised = measured(lambda: isolated(data, "slow.pdf", limits))
    assert isinstance(raised, ParseTimeoutError) and "2 s" in str(raised)
    assert elapsed < 4 and growth < MAX_RSS_GROWTH_KIB


def test_a_parser_that_needs_too_much_memory_is_stopped_at_the_memory_limit() -> None:
    limits, data = ParseLimits(memory_bytes=256 * MIB), many_glyphs_pdf()
    elapsed, growth, raised = measured(lambda: isolated(data, "huge-string.pdf", limits))
    assert isinstance(raised, ParseResourceError) and "memory" in str(raised)
    assert elapsed < MAX_SECONDS and growth < MAX_RSS_GROWTH_KIB


@pytest.mark.parametrize(("filename", "build"), [("plan.docx", normal_docx), ("plan.pdf", normal_pdf),
                                                  ("plan.md", lambda: b"# Plan\n\nText om boende.\n")])
def test_a_normal_file_parses_the_same_isolated_as_in_process(filename: str, build: Callable[[], bytes]) -> None:
    data = build()
    expected = parse_bytes(data, suffix=Path(filename).suffix, source_path=filename, document_id="plan")
    started = time.perf_counter()
    document = parse_isolated(data, suffix=Path(filename).suffix, source_path=filename, document_id="plan",
                              limits=LIMITS)
    assert time.perf_counter() - started < 5
    assert document == expected


def test_the_worker_imports_only_the_parse_package() -> None:
    code = ("import sys, assistant.parse.worker; "
            "print(','.join(m for m in ('torch', 'sentence_transformers', 'faiss', 'numpy', 'fastapi') "
            "if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == ""


def test_no_secret_reaches_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_ADMIN_KEYS", "secret")
    monkeypatch.setenv("OPENAI_API_KEY", "secret")
    assert "secret" not in _worker_environment().values()


# --- the guard alone -----------------------------------------------------------------------


def test_the_guard_covers_every_supported_format_with_the_documented_limits() -> None:
    assert GUARDED_SUFFIXES == SUPPORTED_SUFFIXES
    documented = ParseLimits(max_bytes=20 * MIB, max_pages=500, max_zip_members=2_000,
                             max_uncompressed_bytes=100 * MIB, max_ratio=100, seconds=10, memory_bytes=1024 * MIB)
    assert documented == LIMITS


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("plan.docx", b"%PDF-1.7\n...", "the file's content is not a DOCX document: it is a PDF document"),
    ("plan.pdf", b"PK\x03\x04....", "the file's content is not a PDF: it is a ZIP archive"),
    ("plan.txt", b"\x89PNG\r\n\x1a\n....", "the file's content is not text: it is a PNG image"),
    ("plan.pdf", b"just words", "the file's content is not a PDF"),
])
def test_a_mismatch_is_named_in_user_terms(filename: str, data: bytes, message: str) -> None:
    with pytest.raises(ContentMismatchError, match=re.escape(message)):
        check_upload(data, suffix=Path(filename).suffix, limits=LIMITS)


@pytest.mark.parametrize("data", [
    "Åtgärder för boende\n".encode("cp1252"),
    "\ufeffÅtgärder för boende\n".encode(),
    b"<!DOCTYPE html><html><body><p>Hej</p></body></html>",
])
def test_legacy_and_bom_text_and_html_doctype_pass(data: bytes) -> None:
    check_upload(data, suffix=".html" if data.startswith(b"<!") else ".txt", limits=LIMITS)


def test_what_word_writes_passes_the_guard() -> None:
    """Charts embed a spreadsheet under word/embeddings/, and SVG logos may carry a DTD."""
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    data = rezip(normal_docx(), add={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": normal_docx(),
                                     "word/media/image1.svg": svg})
    check_upload(data, suffix=".docx", limits=LIMITS)
    assert isolated(data, "plan.docx").title == "Handlingsplan för integration"


# --- the corpus folder and the HTTP API ----------------------------------------------------


def test_a_hostile_file_in_the_corpus_is_skipped_and_the_rest_is_parsed(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    shutil.copy(CORPUS / "tierp-handlingsplan-for-integration.txt", tmp_path)
    for name in ("zip-bomb.docx", "png-named.txt", "huge-page-tree.pdf"):
        (tmp_path / name).write_bytes(hostile_bytes(name))
    with caplog.at_level(logging.WARNING, logger="assistant.index.build"):
        corpus = parse_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["tierp-handlingsplan-for-integration"]
    assert sorted(s.name for s in corpus.skipped) == ["huge-page-tree.pdf", "png-named.txt", "zip-bomb.docx"]
    assert all(name in caplog.text for name in ("zip-bomb.docx", "png-named.txt", "huge-page-tree.pdf"))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder,
           glossary: Glossary) -> Iterator[tuple[PolicyAssistant, TestClient]]:
    root = tmp_path_factory.mktemp("hostile-api")
    (root / "corpus").mkdir()
    shutil.copy(CORPUS / "tierp-handlingsplan-for-integration.txt", root / "corpus")
    assistant = make_assistant(root, embedder, glossary, admin_keys=(ADMIN_KEY,))
    assistant.ensure_index()
    yield assistant, TestClient(create_app(assistant))


def corpus_snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_hostile_uploads_get_a_4xx_quickly_and_the_service_keeps_serving(
        served: tuple[PolicyAssistant, TestClient]) -> None:
    assistant, client = served
    before, version = corpus_snapshot(assistant.settings.corpus_dir), assistant.manifest.version
    uploads = assistant.settings.data_dir / "documents"
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    for hostile in HOSTILE:
        started = time.perf_counter()
        response = client.post("/v1/documents", headers=headers,
                               files={"file": (hostile.filename, hostile_bytes(hostile.filename))})
        assert time.perf_counter() - started < MAX_SECONDS, hostile.filename
        assert response.status_code == hostile.status, (hostile.filename, response.text)
        assert response.json()["detail"]
    search = client.post("/v1/search", headers=headers, json={"query": "Vem ansvarar för boende?", "k": 3})
    assert search.status_code == 200 and search.json()["hits"]
    assert corpus_snapshot(assistant.settings.corpus_dir) == before
    assert not uploads.exists() or not any(p.suffix != ".part" for p in uploads.iterdir())
    assert assistant.manifest.version == version
