"""Errors the parsers raise for input they reject. Messages name the problem, never a path."""

from __future__ import annotations


class ParseError(ValueError):
    """A document could not be parsed; the message says why in terms a user can act on."""


class UnsupportedFormatError(ParseError):
    """The file's extension is not one of the supported formats."""


class EmptyDocumentError(ParseError):
    """The file parsed, but holds no text."""


class FileTooLargeError(ParseError):
    """The file is larger than the configured limit (HTTP 413)."""


class ContentMismatchError(ParseError):
    """The file's content is not the format its extension names, e.g. a PNG named ``.txt`` (HTTP 415)."""


class DocumentLimitError(ParseError):
    """The document exceeds a structural limit: pages, unpacked size, number of parts, text size."""


class UnsafeDocumentError(ParseError):
    """The document holds a construct used in attacks and never written by office software: XML
    DTD/entity declarations, nested archives, extreme compression ratios."""


class ParseTimeoutError(ParseError):
    """Parsing the file took longer than allowed."""


class ParseResourceError(ParseError):
    """Parsing the file needed more memory than allowed (or the parser crashed on it)."""


class OcrUnavailableError(ParseError):
    """The PDF has pages without a text layer (scans) and this installation cannot read them: the
    ``tesseract`` program or its language data is missing."""
