"""Parse step: a source file → a structured ``Document``.

Each format has a reader that turns the file into an ``ExtractedText`` (the text plus structural
elements located in it); ``build_document`` then finds the header metadata, sections, lists and
tables in those elements, the same way for every format.

``parse_file``/``parse_bytes`` parse in this process and trust their input. Untrusted files (uploads,
the corpus folder) go through ``assistant.parse.isolation.parse_isolated``: a guard on the raw bytes
(``assistant.parse.guard``), then these functions in a time- and memory-limited worker process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.models import Document, ExtractedText
from assistant.parse.errors import (
    ContentMismatchError,
    DocumentLimitError,
    EmptyDocumentError,
    FileTooLargeError,
    ParseError,
    ParseResourceError,
    ParseTimeoutError,
    UnsafeDocumentError,
    UnsupportedFormatError,
)
from assistant.parse.guard import ParseLimits
from assistant.parse.markdown import read_markdown
from assistant.parse.plaintext import read_plain_text
from assistant.parse.structure import build_document, slugify

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ContentMismatchError",
    "DocumentLimitError",
    "EmptyDocumentError",
    "FileTooLargeError",
    "ParseError",
    "ParseResourceError",
    "ParseTimeoutError",
    "UnsafeDocumentError",
    "UnsupportedFormatError",
    "document_id_for",
    "parse_bytes",
    "parse_file",
]


def _decode(data: bytes) -> str:
    # Policy documents arrive as UTF-8 (with or without BOM) or as legacy Windows-1252 exports.
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# The PDF, DOCX and HTML readers load their libraries on first use: a parse worker that reads
# text starts in half the time.
# Each reader takes the bytes and the limits of this parse (only the PDF reader's OCR spends them).
def _read_html(data: bytes, _limits: ParseLimits) -> ExtractedText:
    from assistant.parse.html import read_html

    return read_html(data)


def _read_docx(data: bytes, _limits: ParseLimits) -> ExtractedText:
    from assistant.parse.docx import read_docx

    return read_docx(data)


def _read_pdf(data: bytes, limits: ParseLimits) -> ExtractedText:
    from assistant.parse.pdf import read_pdf

    return read_pdf(data, limits=limits)


_READERS: dict[str, Callable[[bytes, ParseLimits], ExtractedText]] = {
    ".txt": lambda data, _limits: read_plain_text(_decode(data)),
    ".md": lambda data, _limits: read_markdown(_decode(data)),
    ".markdown": lambda data, _limits: read_markdown(_decode(data)),
    ".html": _read_html,
    ".htm": _read_html,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_READERS)


def document_id_for(path: Path) -> str:
    """The stable document id of a file: a slug of its name without extension."""
    return slugify(path.stem)


def parse_file(path: Path, *, document_id: str | None = None, limits: ParseLimits | None = None) -> Document:
    """Parse one file into a ``Document``.

    Raises ``UnsupportedFormatError`` for an unknown extension and ``ParseError`` for a file that
    cannot be read as its format claims. Cost: proportional to the file size.
    """
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFormatError(f"unsupported file type {suffix or '(none)'!r}; supported: {supported}")
    return parse_bytes(path.read_bytes(), suffix=suffix, source_path=str(path),
                       document_id=document_id or document_id_for(path), limits=limits)


def parse_bytes(data: bytes, *, suffix: str, source_path: str, document_id: str,
                limits: ParseLimits | None = None) -> Document:
    """Parse a file's bytes as the format ``suffix`` names (see ``parse_file``). ``limits`` bound what
    the parse may spend beyond reading (OCR pages and seconds); the defaults apply without them."""
    reader = _READERS.get(suffix.lower())
    if reader is None:
        raise UnsupportedFormatError(f"unsupported file type {suffix!r}")
    extracted = reader(data, limits or ParseLimits())
    if not extracted.text.strip():
        raise EmptyDocumentError("the document contains no text")
    return build_document(extracted, document_id=document_id, source_path=source_path)
