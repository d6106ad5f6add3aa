"""The PostgreSQL + pgvector backend (``ASSISTANT_DATABASE_URL``); needs the ``postgres`` extra."""

from assistant.index.postgres.backend import PostgresBackend

__all__ = ["PostgresBackend"]
