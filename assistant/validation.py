"""Checks of what callers send: file names of uploads and query texts."""

from __future__ import annotations

import os

from assistant.errors import InvalidRequestError
from assistant.parse import SUPPORTED_SUFFIXES, UnsupportedFormatError

MAX_QUERY_CHARS = 2_000


def safe_filename(filename: str) -> str:
    """The file's base name, stripped of any path and of characters a file system may refuse.
    ``UnsupportedFormatError`` when its extension is not a supported format."""
    base = os.path.basename(filename.replace("\\", "/")).strip().lstrip(".")
    stem, suffix = os.path.splitext(base)
    stem = "".join(ch if ch.isalnum() or ch in "-_ ." else "_" for ch in stem).strip(" ._")[:120]
    if suffix.lower() not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFormatError(f"unsupported file type {suffix or '(none)'!r}; supported: {supported}")
    if not stem:
        raise InvalidRequestError("the file name is empty")
    return f"{stem}{suffix.lower()}"


def validate_query(query: str) -> str:
    """The query stripped; ``InvalidRequestError`` if it is empty or longer than 2,000 characters."""
    stripped = query.strip()
    if not stripped:
        raise InvalidRequestError("the query is empty")
    if len(stripped) > MAX_QUERY_CHARS:
        raise InvalidRequestError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    return stripped
