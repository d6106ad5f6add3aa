"""The console's Sources, Feedback, API keys, Audit trail and Status pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/admin", include_in_schema=False)
