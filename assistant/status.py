"""A document's status from its stated dates, against today's date."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from assistant.models import DocumentInfo

DocumentStatus = Literal["current", "due_for_revision", "expired", "unknown"]


def document_status(document: DocumentInfo, *, today: dt.date) -> DocumentStatus:
    """``expired`` when its valid-until date has passed, ``due_for_revision`` when its revision date
    has, ``current`` when a stated date lies ahead, ``unknown`` when it states neither."""
    if document.valid_until is not None and document.valid_until < today:
        return "expired"
    if document.revision_date is not None and document.revision_date < today:
        return "due_for_revision"
    if document.valid_until is not None or document.revision_date is not None:
        return "current"
    return "unknown"
