"""Answer ratings in PostgreSQL: the ``feedback`` table every replica shares."""

from __future__ import annotations

import datetime as dt
import json

from psycopg_pool import ConnectionPool

from assistant.feedback import Feedback, FeedbackIn, FeedbackLog
from assistant.models import Citation


class PostgresFeedback(FeedbackLog):
    """Answer ratings in the ``feedback`` table, shared by every replica."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def add(self, item: FeedbackIn, *, given_by: str | None = None) -> Feedback:
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        citations = json.dumps([c.model_dump() for c in item.citations], ensure_ascii=False)
        with self._pool.connection() as connection:
            row = connection.execute(
                "INSERT INTO feedback (created_at, question, answer, rating, comment, citations, given_by) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (created, item.question, item.answer, item.rating, item.comment, citations, given_by)).fetchone()
        return Feedback(id=int(row[0]), created_at=created, given_by=given_by, **item.model_dump())

    def list(self, *, limit: int = 100, offset: int = 0) -> list[Feedback]:
        with self._pool.connection() as connection:
            rows = connection.execute(
                "SELECT id, created_at, question, answer, rating, comment, citations, given_by FROM feedback "
                "ORDER BY id DESC LIMIT %s OFFSET %s", (limit, offset)).fetchall()
        return [Feedback(id=r[0], created_at=r[1], question=r[2], answer=r[3], rating=r[4], comment=r[5],
                         citations=[Citation.model_validate(c) for c in r[6]], given_by=r[7]) for r in rows]
