"""Cheap checks on an untrusted file BEFORE any parser library opens it.

``check_upload`` rejects what can be recognised from the bytes and a ZIP's central directory alone:
an empty or oversized file, content that is not the format its extension names (a PDF named
``.docx``, a PNG named ``.txt``), and DOCX packages built to exhaust the parser (zip bombs, huge
member counts, nested archives, encrypted members, XML with DTD/entity declarations). Everything
else (page counts, time, memory) is enforced by the isolated worker (``assistant.parse.isolation``).

This module imports no parser library: only ``zipfile`` and the standard library.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.parse.errors import (
    ContentMismatchError,
    DocumentLimitError,
    EmptyDocumentError,
    FileTooLargeError,
    ParseError,
    UnsafeDocumentError,
    UnsupportedFormatError,
)

MIB = 1024 * 1024
GIB = 1024 * MIB


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseLimits:
    """What one untrusted file may cost. Sizes in bytes, time in seconds of wall clock.

    ``max_ratio`` applies to ZIP members that unpack to more than ``ratio_floor_bytes`` (small
    members of repeated XML legitimately compress very well). ``max_xml_bytes`` bounds
    ``word/document.xml`` unpacked; ``max_output_bytes`` the parsed Document as JSON.

    A PDF's pages without a text layer (scans) are read with OCR (``assistant.parse.ocr``): at most
    ``ocr_max_pages`` of them, in ``ocr_seconds`` in all, on top of the ``seconds`` of the parse
    itself (see ``seconds_for``), in Tesseract's ``ocr_languages`` (codes joined by ``+``).
    """

    max_bytes: int = 20 * MIB
    max_pages: int = 500
    max_zip_members: int = 2_000
    max_uncompressed_bytes: int = 100 * MIB
    max_ratio: int = 100
    ratio_floor_bytes: int = 1 * MIB
    max_xml_bytes: int = 32 * MIB
    max_output_bytes: int = 64 * MIB
    max_page_content_bytes: int = 16 * MIB  # one page's drawing instructions, unpacked
    seconds: float = 10.0
    memory_bytes: int = 1 * GIB
    ocr_max_pages: int = 100
    ocr_seconds: float = 600.0
    ocr_languages: str = "swe+eng"

    def seconds_for(self, suffix: str) -> float:
        """Wall-clock seconds a file of the format ``suffix`` may take in all: ``seconds``, plus
        ``ocr_seconds`` for a PDF (whose scanned pages are read with OCR)."""
        return self.seconds + (self.ocr_seconds if suffix.lower() == ".pdf" else 0.0)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> ParseLimits:
        """The limits in ``values``; unknown keys are ignored, missing ones take the defaults."""
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in names})


_TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
GUARDED_SUFFIXES: frozenset[str] = _TEXT_SUFFIXES | {".pdf", ".docx"}

# Leading bytes of binary formats, and how to name them to a user. Checked after stripping a
# UTF-8 BOM and leading whitespace, so "  %PDF-" counts as a PDF too.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (such as a DOCX document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style or password-protected Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"\xcf\xfa\xed\xfe", "a program (Mach-O executable)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)
_DECODE_CHUNK = 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"
# Readers accept the header within the first KiB and the end marker within the last KiB; a
# little more slack at the end tolerates padding some tools append.
_PDF_HEADER_WINDOW = 1024
_PDF_TRAILER_WINDOW = 8 * 1024
_DOCX_REQUIRED = ("[Content_Types].xml", "word/document.xml")
_DOCX_MAIN = "word/document.xml"
_ZIP_ENCRYPTED_FLAG = 0x1
_ARCHIVE_SUFFIXES = (".zip", ".jar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".cab")
_OFFICE_SUFFIXES = (".docx", ".docm", ".dotx", ".xlsx", ".xlsm", ".pptx", ".pptm", ".odt", ".ods", ".odp")
# Word keeps embedded objects (the spreadsheet behind a chart) as Office packages here; the parser
# never opens them, so they are data, not nested archives it would unpack.
_EMBEDDINGS_DIR = "word/embeddings/"
# How much of each ZIP member is inflated to find where its XML prolog ends. Office software
# writes a prolog of about 60 bytes; anything longer than this is refused.
_XML_HEAD_BYTES = 64 * 1024
# Encodings in which the ASCII bytes of "<!DOCTYPE" are what the XML parser sees.
_ASCII_COMPATIBLE = frozenset({"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1",
                               "windows-1252", "cp1252"})
_ENCODING_DECLARATION = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_NAME_START = re.compile(r"[A-Za-z_:\u00c0-\uffff]")


def check_upload(data: bytes, *, suffix: str, limits: ParseLimits) -> None:
    """Raise a ``ParseError`` subclass if ``data`` is not safe to hand to the ``suffix`` parser.

    ``UnsupportedFormatError`` for an unknown suffix, ``EmptyDocumentError`` for no bytes,
    ``FileTooLargeError`` over ``limits.max_bytes``, ``ContentMismatchError`` when the content is
    not the named format, and for DOCX ``DocumentLimitError``/``UnsafeDocumentError``/``ParseError``
    (see ``check_docx``). Cost: a scan of the bytes for text; for DOCX the central directory plus
    at most 64 KiB inflated per member (bounded by ``max_zip_members``); never the whole archive.
    """
    suffix = suffix.lower()
    check = _CHECKS.get(suffix)
    if check is None:
        raise UnsupportedFormatError(f"unsupported file type {suffix or '(none)'!r}")
    if not data:
        raise EmptyDocumentError("the file is empty")
    if len(data) > limits.max_bytes:
        raise FileTooLargeError(f"the file is larger than {_size(limits.max_bytes)}")
    check(data, limits)


def read_guarded(path: Path, *, limits: ParseLimits) -> tuple[str, bytes]:
    """The suffix (lower case) and bytes of a file on disk, its type and size checked before it is
    read: ``UnsupportedFormatError``, ``FileTooLargeError``; ``OSError`` when it cannot be read.
    Cost: one ``stat`` and one read; ``check_upload`` is still to be run on the bytes."""
    suffix = path.suffix.lower()
    if suffix not in GUARDED_SUFFIXES:
        raise UnsupportedFormatError(f"unsupported file type {suffix or '(none)'!r}")
    if path.stat().st_size > limits.max_bytes:
        raise FileTooLargeError(f"the file is larger than {limits.max_bytes // MIB} MB")
    return suffix, path.read_bytes()


def sniff(data: bytes) -> str | None:
    """What binary format ``data`` starts with, in user terms (``"a PNG image"``), or ``None``."""
    head = data[:_PDF_HEADER_WINDOW].removeprefix(b"\xef\xbb\xbf").lstrip()
    return next((name for magic, name in _SIGNATURES if head.startswith(magic)), None)


# --- text ----------------------------------------------------------------------------------


def check_text(data: bytes, _limits: ParseLimits) -> None:
    """Text (TXT, Markdown, HTML) must not start like a binary format, must hold no NUL byte and
    must decode as UTF-8 (with or without BOM) or Windows-1252. Cost: linear in the size."""
    found = sniff(data)
    if found is not None:
        raise ContentMismatchError(f"the file's content is not text: it is {found}")
    if b"\x00" in data:
        raise ContentMismatchError("the file's content is not text: it contains NUL bytes "
                                   "(binary data, or UTF-16 text, which is not supported)")
    if not _decodes(data, "utf-8") and not _decodes(data, "cp1252"):
        raise ContentMismatchError("the file's content is not text in UTF-8 or Windows-1252")


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether ``data`` is valid in ``encoding``, decoded a chunk at a time (the text of a 20 MB
    file is never held whole)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(view), _DECODE_CHUNK):
            decoder.decode(view[start:start + _DECODE_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# --- PDF -----------------------------------------------------------------------------------


def check_pdf(data: bytes, _limits: ParseLimits) -> None:
    """A PDF starts with ``%PDF-`` (within its first KiB) and ends with ``%%EOF`` (within its last
    8 KiB); without the end marker the file was cut off. Cost: constant."""
    if _PDF_MAGIC not in data[:_PDF_HEADER_WINDOW]:
        raise ContentMismatchError(_not_format("a PDF", data))
    if b"%%EOF" not in data[-_PDF_TRAILER_WINDOW:]:
        raise ParseError("the PDF is incomplete: its end is missing (was the upload cut off?)")


# --- DOCX ----------------------------------------------------------------------------------


def check_docx(data: bytes, limits: ParseLimits) -> None:
    """A DOCX is a ZIP holding ``[Content_Types].xml`` and ``word/document.xml`` whose central
    directory promises nothing excessive and whose XML parts declare no DTD or entities.

    Raises ``ContentMismatchError`` (not a ZIP, or a ZIP without a Word document),
    ``DocumentLimitError`` (too many members, unpacks too large, document part too large),
    ``UnsafeDocumentError`` (compression ratio, nested archive, DTD/entities, odd XML encoding) and
    ``ParseError`` (damaged archive, encrypted members). Cost: the central directory, then at most
    64 KiB inflated per member.
    """
    if data.startswith(_OLE_MAGIC):
        raise ContentMismatchError("the file is a password-protected Office document or an old .doc file, "
                                   "not a DOCX document")
    if not data.startswith(_ZIP_MAGIC):
        raise ContentMismatchError(_not_format("a DOCX document", data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_members(members, limits)
            _check_docx_parts(archive, limits)
            for member in members:
                _check_xml_member(archive, member)
    except ParseError:
        raise
    # A damaged archive fails in many ways: a bad directory (BadZipFile), a member that does not
    # inflate (zlib.error, EOFError), an unknown compression method (NotImplementedError).
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError,
            OSError) as error:
        raise ParseError("the DOCX file is damaged or incomplete") from error


def _check_members(members: list[zipfile.ZipInfo], limits: ParseLimits) -> None:
    """Limits read from the central directory alone (zipfile never inflates past a member's
    declared size, so these bounds hold for what the parser will read)."""
    if len(members) > limits.max_zip_members:
        raise DocumentLimitError(f"the DOCX has {len(members)} parts; at most {limits.max_zip_members} are allowed")
    total = 0
    for member in members:
        if member.flag_bits & _ZIP_ENCRYPTED_FLAG:
            raise ParseError("the DOCX has encrypted parts, which cannot be read")
        if _is_nested_archive(member.filename):
            raise UnsafeDocumentError("the DOCX contains another archive inside it, which is not allowed")
        if (member.file_size > limits.ratio_floor_bytes
                and member.file_size > limits.max_ratio * max(member.compress_size, 1)):
            raise UnsafeDocumentError(f"the DOCX is compressed more than {limits.max_ratio}:1, "
                                      "which only happens in zip bombs")
        total += member.file_size
        if total > limits.max_uncompressed_bytes:
            raise DocumentLimitError(f"the DOCX unpacks to more than {_size(limits.max_uncompressed_bytes)}")


def _is_nested_archive(name: str) -> bool:
    lowered = name.lower()
    if lowered.endswith(_ARCHIVE_SUFFIXES):
        return True
    return lowered.endswith(_OFFICE_SUFFIXES) and not lowered.startswith(_EMBEDDINGS_DIR)


def _check_docx_parts(archive: zipfile.ZipFile, limits: ParseLimits) -> None:
    names = set(archive.namelist())
    if not all(required in names for required in _DOCX_REQUIRED):
        raise ContentMismatchError("the file is a ZIP archive but not a Word (DOCX) document")
    main = archive.getinfo(_DOCX_MAIN)
    if main.file_size > limits.max_xml_bytes:
        raise DocumentLimitError(f"the DOCX's text part unpacks to more than {_size(limits.max_xml_bytes)}")


def _check_xml_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a member that is XML with a DTD (``<!DOCTYPE``, ``<!ENTITY``: "billion laughs" and
    external entities) or in an encoding where those would not be visible as ASCII.

    Only the prolog can hold a DTD, so inflating the first 64 KiB is enough. SVG images may carry
    a harmless DTD and are never parsed as XML by python-docx, so they are skipped.
    """
    if member.is_dir() or member.filename.lower().endswith(".svg"):
        return
    with archive.open(member) as stream:
        head = stream.read(_XML_HEAD_BYTES)
    text = _xml_text(head)
    if text is not None:
        _check_prolog(text, complete=len(head) < _XML_HEAD_BYTES)


def _xml_text(head: bytes) -> str | None:
    """The head as text if it looks like XML, else ``None`` (media, binary parts). UTF-16/32 XML is
    decoded so its prolog is checked too; EBCDIC XML is refused."""
    if head.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
        text = head.decode("utf-32", errors="ignore")
    elif head.startswith((b"\xfe\xff", b"\xff\xfe")):
        text = head.decode("utf-16", errors="ignore")
    elif head.startswith(b"<\x00"):
        text = head.decode("utf-16-le", errors="ignore")
    elif head.startswith(b"\x00<"):
        text = head.decode("utf-16-be", errors="ignore")
    elif head.startswith(b"\x4c\x6f\xa7\x94"):
        raise UnsafeDocumentError("the DOCX has an XML part in an unsupported encoding")
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
        declared = _ENCODING_DECLARATION.search(text[:200]) if text.startswith("<?xml") else None
        if declared and declared.group(1).lower() not in _ASCII_COMPATIBLE:
            raise UnsafeDocumentError("the DOCX has an XML part in an unsupported encoding")
    return text if text.lstrip().startswith("<") else None


def _check_prolog(text: str, *, complete: bool) -> None:
    """Walk the prolog (declaration, processing instructions, comments) up to the root element."""
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n\ufeff":
            position += 1
        if text.startswith("<?", position):
            position = _after(text, "?>", position)
        elif text.startswith("<!--", position):
            position = _after(text, "-->", position)
        elif text.startswith("<!", position):
            raise UnsafeDocumentError("the DOCX contains XML with a DTD or entity declarations, which office "
                                      "software never writes (a \"billion laughs\" attack)")
        elif text.startswith("<", position) and _NAME_START.match(text, position + 1):
            return  # the root element: no DTD can follow
        elif position >= len(text) and not complete:
            raise UnsafeDocumentError("the DOCX contains XML with an unusually long preamble")
        else:
            return  # not well-formed XML: the parser rejects it on its own


def _after(text: str, end: str, start: int) -> int:
    found = text.find(end, start)
    return len(text) if found < 0 else found + len(end)


# --- messages ------------------------------------------------------------------------------


def _not_format(expected: str, data: bytes) -> str:
    found = sniff(data)
    if found is None:
        return f"the file's content is not {expected}"
    return f"the file's content is not {expected}: it is {found}"


def _size(n: int) -> str:
    return f"{n // MIB} MB" if n >= MIB else f"{n} bytes"


_CHECKS: dict[str, Callable[[bytes, ParseLimits], None]] = {
    **dict.fromkeys(_TEXT_SUFFIXES, check_text),
    ".pdf": check_pdf,
    ".docx": check_docx,
}
