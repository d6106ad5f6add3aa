"""Logged questions in PostgreSQL: the ``questions`` table every replica shares."""

from __future__ import annotations

import json

from psycopg_pool import ConnectionPool

from assistant.questions import LoggedQuestion, QuestionLog, logged_question_of, terms_json


class PostgresQuestionLog(QuestionLog):
    """The ``questions`` table (migration 6). Cost: an indexed insert or range read."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def add(self, item: LoggedQuestion) -> None:
        with self._pool.connection() as connection:
            connection.execute(
                "INSERT INTO questions (asked_at, question, language, outcome, closest, terms) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (item.asked_at, item.question, item.language, item.outcome,
                 json.dumps([c.model_dump() for c in item.closest], ensure_ascii=False), terms_json(item)))

    def since(self, cutoff: str, *, limit: int) -> list[LoggedQuestion]:
        with self._pool.connection() as connection:
            rows = connection.execute(
                "SELECT asked_at, question, language, outcome, closest, terms FROM questions WHERE asked_at >= %s "
                "ORDER BY asked_at DESC, id DESC LIMIT %s", (cutoff, limit)).fetchall()
        return [logged_question_of(row) for row in rows]

    def rows_after(self, row: int, cutoff: str, *, limit: int) -> list[tuple[int, LoggedQuestion]]:
        with self._pool.connection() as connection:
            rows = connection.execute(
                "SELECT id, asked_at, question, language, outcome, closest, terms FROM questions WHERE id > %s AND "
                "asked_at >= %s ORDER BY id DESC LIMIT %s", (row, cutoff, limit)).fetchall()
        return [(int(found[0]), logged_question_of(found[1:])) for found in reversed(rows)]

    def prune(self, before: str) -> int:
        with self._pool.connection() as connection:
            return connection.execute("DELETE FROM questions WHERE asked_at < %s", (before,)).rowcount

    def version(self) -> tuple[int, int]:
        with self._pool.connection() as connection:
            count, newest = connection.execute("SELECT count(*), coalesce(max(id), 0) FROM questions").fetchone()
        return int(count), int(newest)
