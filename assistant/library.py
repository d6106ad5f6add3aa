"""One document at a time, as an administrator changes it: an upload, a removal, a change of its
access groups, a re-parse. Each is one change to the stored documents and the index, served when
the method returns (``PolicyAssistant.library``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from assistant.access import parse_groups
from assistant.answer.definitions import GLOSSARY_DOCUMENT_ID
from assistant.errors import DocumentNotFoundError
from assistant.index.backend import IndexBackend, OriginalFile, ServingIndex
from assistant.models import Document, DocumentInfo
from assistant.parse import document_id_for
from assistant.parse.isolation import parse_isolated
from assistant.settings import Settings
from assistant.validation import safe_filename


class DocumentLibrary:
    """Changes single documents through the backend. ``listed`` gives the documents as the serving
    index lists them (to return a changed one's metadata), ``original`` a document's stored file,
    ``index`` the serving index."""

    def __init__(self, *, settings: Settings, backend: IndexBackend, listed: Callable[[], list[DocumentInfo]],
                 original: Callable[[str], OriginalFile | None], index: Callable[[], ServingIndex]) -> None:
        self._settings = settings
        self._backend = backend
        self._listed = listed
        self._original = original
        self._index = index

    def add(self, filename: str, data: bytes, *, access: Sequence[str] = ()) -> DocumentInfo:
        """Parse, store in the corpus and index an uploaded file; returns its metadata once the new
        index serves it. Re-uploading a file of the same name replaces it.

        ``access``: the groups that may read it (none: every reader); ``InvalidRequestError`` for a
        bad group name. Raises ``UnsupportedFormatError`` or ``ParseError`` (nothing stored) for a bad file, e.g.
        ``FileTooLargeError``, ``ContentMismatchError``, ``ParseTimeoutError``. Cost: parsing in a
        worker process (about 0.5 s, at most 10 s and 1 GiB; a PDF's scanned pages add OCR, about 3 s a
        page, at most ``ocr_seconds``) plus an index rebuild.
        """
        name = safe_filename(filename)
        groups = parse_groups(access)
        # In a separate, time- and memory-limited process: a hostile file cannot stall or exhaust the service.
        limits = replace(self._settings.parse_limits(), max_bytes=self._settings.max_upload_bytes)
        document = parse_isolated(data, suffix=os.path.splitext(name)[1].lower(), source_path=name,
                                  document_id=document_id_for(Path(name)), limits=limits)
        document = document.model_copy(update={"access": groups})
        self._backend.add_document(name, data, document)
        return next(d for d in self._listed() if d.id == document.id)

    def remove(self, document_id: str) -> None:
        """Delete a document from the corpus and the index; ``DocumentNotFoundError`` if unknown. An
        upload's file is deleted; a shipped document is listed as removed in the data directory."""
        if not self._backend.remove_document(document_id):
            raise DocumentNotFoundError(document_id)

    def set_access(self, document_id: str, groups: Sequence[str]) -> DocumentInfo:
        """Restrict a document to ``groups`` (none: every reader), as one index change; its text is
        not parsed or embedded again. ``DocumentNotFoundError`` / ``InvalidRequestError`` for an
        unknown document or a bad group name. A synced document gets its source's groups back when
        its source next changes it."""
        parsed = parse_groups(groups)
        name, data, document = self._stored(document_id)
        self._backend.apply_changes(put=[(name, data, document.model_copy(update={"access": parsed}))], remove=[])
        return next(d for d in self._listed() if d.id == document_id)

    def reindex(self, document_id: str) -> DocumentInfo:
        """Parse a document's file again (a newer parser, OCR now installed) and index it, keeping its
        groups and address. Cost: the parse in a worker, and the embedding of chunks that changed."""
        name, data, document = self._stored(document_id)
        limits = replace(self._settings.parse_limits(), max_bytes=max(self._settings.max_upload_bytes, len(data)))
        fresh = parse_isolated(data, suffix=os.path.splitext(name)[1].lower(), source_path=name,
                               document_id=document_id, limits=limits)
        fresh = fresh.model_copy(update={"access": document.access, "source_url": document.source_url})
        self._backend.apply_changes(put=[(name, data, fresh)], remove=[])
        return next(d for d in self._listed() if d.id == document_id)

    def _stored(self, document_id: str) -> tuple[str, bytes, Document]:
        """A document's file name, bytes and parsed form as stored now."""
        original = self._original(document_id) if document_id != GLOSSARY_DOCUMENT_ID else None
        document = self._index().store.document(document_id)
        if original is None or document is None:
            raise DocumentNotFoundError(document_id)
        return original.filename, original.read(), document

