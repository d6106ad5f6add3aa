"""Chunk embeddings cached by content hash, so a rebuild embeds only what changed.

Keyed by sha256 of (model id, passage prefix, text); values are raw float32 bytes in SQLite (no
pickle). It lives beside the index versions (``index/cache/``) and survives rebuilds; a crash
mid-write loses at most the uncommitted batch, never a committed vector.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)"
_LOOKUP_BATCH = 500


class EmbeddingCache:
    """Vectors by content. Cost: one indexed lookup per text; inserts in one transaction."""

    def __init__(self, path: Path, *, model_id: str, dimension: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute(_SCHEMA)
        self._model = model_id
        self._dimension = dimension

    def key(self, text: str, *, prefix: str) -> bytes:
        return hashlib.sha256(f"{self._model}\x1f{prefix}\x1f{text}".encode()).digest()

    def embed(self, texts: Sequence[str], *, prefix: str,
              compute: Callable[[list[str]], np.ndarray]) -> tuple[np.ndarray, int]:
        """Vectors for ``texts``: cached ones read, the rest computed by ``compute`` (called once,
        with the missing texts in order) and stored. Returns the vectors and how many were computed."""
        keys = [self.key(text, prefix=prefix) for text in texts]
        found = self.lookup(keys)
        missing = [i for i, key in enumerate(keys) if key not in found]
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for i, key in enumerate(keys):
            if key in found:
                out[i] = found[key]
        if missing:
            computed = compute([texts[i] for i in missing])
            out[missing] = computed
            with self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                    [(keys[i], np.asarray(computed[j], dtype=np.float32).tobytes()) for j, i in enumerate(missing)])
        return out, len(missing)

    def store(self, rows: Sequence[tuple[bytes, np.ndarray]]) -> None:
        """Write vectors under their keys, in one transaction."""
        with self._connection:
            self._connection.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                [(key, np.asarray(vector, dtype=np.float32).tobytes()) for key, vector in rows])

    def lookup(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        """The cached vectors among ``keys`` (absent keys are left out)."""
        found: dict[bytes, np.ndarray] = {}
        for begin in range(0, len(keys), _LOOKUP_BATCH):
            batch = keys[begin:begin + _LOOKUP_BATCH]
            marks = ",".join("?" * len(batch))
            for key, blob in self._connection.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch):
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (self._dimension,):
                    found[key] = vector
        return found

    def close(self) -> None:
        self._connection.close()
