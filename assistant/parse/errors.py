"""Errors the parsers raise for input they reject. Messages name the problem, never a path."""

from __future__ import annotations


class ParseError(ValueError):
    """A document could not be parsed; the message says why in terms a user can act on."""


class UnsupportedFormatError(ParseError):
    """The file's extension is not one of the supported formats."""


class EmptyDocumentError(ParseError):
    """The file parsed, but holds no text."""
