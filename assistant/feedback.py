"""Staff feedback on answers (thumbs up/down with an optional comment), kept in SQLite.

The store lives outside the index versions (``Settings.data_dir``): rebuilding the index never
touches it. Each write is its own committed transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.durable import open_record_database
from assistant.models import Citation

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT,
    citations TEXT NOT NULL
);
"""


class FeedbackIn(BaseModel):
    """What a user sends about one answer."""

    question: str = Field(min_length=1, max_length=2_000)
    answer: str = Field(max_length=20_000)
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2_000)
    citations: list[Citation] = Field(default_factory=list, max_length=50)


class Feedback(FeedbackIn):
    id: int
    created_at: str
    given_by: str | None = Field(None, description="The name of the API key that gave it (none: no key).")


class FeedbackLog(ABC):
    """An append-only log of answer ratings."""

    @abstractmethod
    def add(self, item: FeedbackIn, *, given_by: str | None = None) -> Feedback:
        """Store one rating; it persists across restarts and index rebuilds."""

    @abstractmethod
    def list(self, *, limit: int = 100, offset: int = 0) -> list[Feedback]:
        """Ratings, newest first."""


class FeedbackStore(FeedbackLog):
    """Append-only feedback log. Cost: one indexed insert per write."""

    def __init__(self, path: Path) -> None:
        # "given_by" is absent from a data folder of before keys had names.
        self._connection = open_record_database(path, _SCHEMA, columns=[("feedback", "given_by", "TEXT")])
        self._lock = threading.Lock()

    def add(self, item: FeedbackIn, *, given_by: str | None = None) -> Feedback:
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        citations = json.dumps([c.model_dump() for c in item.citations], ensure_ascii=False)
        with self._lock:
            cursor = self._connection.execute(
                "INSERT INTO feedback (created_at, question, answer, rating, comment, citations, given_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (created, item.question, item.answer, item.rating, item.comment, citations, given_by))
        return Feedback(id=int(cursor.lastrowid or 0), created_at=created, given_by=given_by, **item.model_dump())

    def list(self, *, limit: int = 100, offset: int = 0) -> list[Feedback]:
        """Newest first."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT id, created_at, question, answer, rating, comment, citations, given_by FROM feedback "
                "ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        return [Feedback(id=r[0], created_at=r[1], question=r[2], answer=r[3], rating=r[4], comment=r[5],
                         citations=[Citation.model_validate(c) for c in json.loads(r[6])], given_by=r[7])
                for r in rows]

    def close(self) -> None:
        self._connection.close()
