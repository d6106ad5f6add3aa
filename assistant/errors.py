"""Errors the library raises for requests it refuses. Each message names the problem for the user."""

from __future__ import annotations

from collections.abc import Iterable


class AssistantError(Exception):
    """Base of the errors a caller can act on."""


class InvalidRequestError(AssistantError, ValueError):
    """A question, query or option is not acceptable (empty, too long, out of range)."""


class UnknownFilterError(InvalidRequestError):
    """A filter names a municipality or document that is not in the index."""

    def __init__(self, field: str, value: str, known: Iterable[str]) -> None:
        self.field = field
        self.value = value
        self.known = sorted(known)
        super().__init__(f"unknown {field} {value!r}; known: {', '.join(self.known) or '(none)'}")


class DocumentNotFoundError(AssistantError, LookupError):
    """No document with that id is indexed."""

    def __init__(self, document_id: str) -> None:
        self.document_id = document_id
        super().__init__(f"no document with id {document_id!r}")


class ConflictError(AssistantError):
    """The request clashes with the state of things: a name in use, or work of its kind running."""


class IndexNotReadyError(AssistantError, RuntimeError):
    """There is no usable index yet (nothing built, or the corpus is empty)."""


class CorruptIndexError(AssistantError, RuntimeError):
    """An index version on disk is incomplete or inconsistent and must not be served."""
