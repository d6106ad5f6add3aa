"""The serving index over PostgreSQL: the same views the file backend gives the retriever, each a
query on the shared tables.

One ``PostgresIndex`` is a snapshot of one ``generation``: its documents, analyzer and manifest
are read once; chunks, vectors and postings are queried live. A chunk whose document is not in the
snapshot (added by another replica since) is left out until the next request takes the new
generation; a deleted document's rows are gone with it, in the same transaction.

Filters are inside the SQL: the allowed rows are a condition of the vector query and of the BM25
query, never a filter applied after the top k. A filtered vector search is exact (every allowed
vector ranked) up to ``EXACT_FILTER_ROWS`` chunks: pgvector's HNSW walk under a filter loses
neighbours, or finds none, when the graph's paths around the query run through other
municipalities (at 100k chunks it returned fewer than k rows for a fifth of municipality-filtered
questions; see bench/postgres_scale.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache

import numpy as np
from psycopg_pool import ConnectionPool

from assistant.index.backend import Scope
from assistant.index.layout import Manifest
from assistant.index.lexical import SwedishAnalyzer
from assistant.index.postgres.schema import COVERED_DIMENSIONS
from assistant.models import Chunk, Document, DocumentInfo, Section

# Lucene BM25, as the file backend's bm25s scores it: idf · tf / (tf + k1 · (1 − b + b · len / avg)).
_K1, _B = 1.2, 0.75
# A query term's postings read by a lexical search, strongest first (see ``search_scope``).
POSTINGS_PER_TERM = 2_000
# A municipality filter over at most this many chunks is ranked exactly (see ``PostgresVectors``).
EXACT_FILTER_ROWS = 40_000

_CHUNK_COLUMNS = ("chunk_row, chunk_id, document_id, kind, section_path, text, start_offset, end_offset, "
                  "embedding_text, lexical_text, units")


class PostgresStore:
    """Documents and chunks of one generation."""

    def __init__(self, pool: ConnectionPool, documents: dict[str, DocumentInfo]) -> None:
        self._pool = pool
        self.documents = documents

    @cached_property
    def _municipalities(self) -> tuple[str, ...]:
        return tuple(sorted({d.municipality for d in self.documents.values() if d.municipality}))

    @property
    def municipalities(self) -> list[str]:
        """The documents' municipalities, sorted: made once per generation (every unfiltered query
        asks, and a set over 36k documents costs ~2 ms)."""
        return list(self._municipalities)

    @property
    def chunk_count(self) -> int:
        with self._pool.connection() as connection:
            return int(connection.execute("SELECT count(*) FROM chunks").fetchone()[0])  # type: ignore[index]

    def chunks(self, rows: Iterable[int]) -> dict[int, Chunk]:
        """Chunks by row, of this snapshot's documents. Cost: one indexed query."""
        rows = [int(row) for row in rows]
        if not rows:
            return {}
        with self._pool.connection() as connection:
            found = connection.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE chunk_row = ANY(%s)",
                                       (rows,)).fetchall()
        return {row[0]: _chunk(row) for row in found if row[2] in self.documents}

    def chunks_of(self, document_id: str) -> list[Chunk]:
        with self._pool.connection() as connection:
            found = connection.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE document_id = %s "
                                       "ORDER BY position", (document_id,)).fetchall()
        return [_chunk(row) for row in found]

    def all_chunks(self) -> list[Chunk]:
        with self._pool.connection() as connection:
            found = connection.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks ORDER BY document_id, position")
            return [_chunk(row) for row in found]

    def document(self, document_id: str) -> Document | None:
        with self._pool.connection() as connection:
            row = connection.execute("SELECT info, sections, text FROM documents WHERE id = %s",
                                     (document_id,)).fetchone()
        if row is None:
            return None
        sections = [Section.model_validate(s) for s in row[1]]
        return Document(**row[0], text=row[2], sections=sections, blocks=[])

    @lru_cache(maxsize=256)  # noqa: B019 - one store per generation; documents repeat
    def document_text(self, document_id: str) -> str:
        with self._pool.connection() as connection:
            row = connection.execute("SELECT text FROM documents WHERE id = %s", (document_id,)).fetchone()
        return row[0] if row else ""

    def header_chunk(self, document_id: str) -> tuple[int, Chunk] | None:
        with self._pool.connection() as connection:
            row = connection.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE document_id = %s AND kind = "
                                     "'header' ORDER BY position LIMIT 1", (document_id,)).fetchone()
        return (row[0], _chunk(row)) if row else None

    @lru_cache(maxsize=1024)  # noqa: B019 - one store per generation; filters repeat
    def chunk_count_in(self, municipalities: tuple[str, ...]) -> int:
        """Chunks of ``municipalities``. Cost: one index-only count, once per generation."""
        with self._pool.connection() as connection:
            row = connection.execute("SELECT count(*) FROM chunks WHERE municipality = ANY(%s)",
                                     (list(municipalities),)).fetchone()
        return int(row[0]) if row else 0

    def rows_of_documents(self, documents: Iterable[str]) -> list[int]:
        """The rows of ``documents`` (restricted documents: few), from ``rows_for``'s cache."""
        return [int(r) for d in sorted(documents) for r in self.rows_for(document_id=d)]

    @lru_cache(maxsize=1024)  # noqa: B019 - one store per generation; filters repeat
    def rows_for(self, *, municipality: str | None = None, document_id: str | None = None) -> np.ndarray:
        clauses, args = ["true"], []
        if municipality is not None:
            clauses.append("municipality = %s")
            args.append(municipality)
        if document_id is not None:
            clauses.append("document_id = %s")
            args.append(document_id)
        with self._pool.connection() as connection:
            found = connection.execute(f"SELECT chunk_row FROM chunks WHERE {' AND '.join(clauses)} "
                                       "ORDER BY chunk_row", args).fetchall()
        return np.fromiter((r[0] for r in found), dtype=np.int64, count=len(found))


class PostgresVectors:
    """Nearest chunks by inner product of unit vectors (= cosine): exact within one document or a
    municipality filter of at most ``EXACT_FILTER_ROWS`` chunks, else through the HNSW index."""

    def __init__(self, pool: ConnectionPool, *, dimension: int, ef_search: int, store: PostgresStore) -> None:
        self._pool = pool
        self._dimension = dimension
        self._ef_search = ef_search
        self._store = store

    def search_scope(self, query: np.ndarray, *, k: int, scope: Scope | None) -> list[tuple[int, float]]:
        """The ``k`` best (row, cosine) within ``scope``, best first (ties by row).

        - Unfiltered, or a municipality filter over more than ``EXACT_FILTER_ROWS`` chunks (or
          vectors too large for ``covered_vectors``): HNSW, with pgvector's iterative scan under a
          filter (approximate). Cost: ``ef_search`` graph steps, more under a filter.
        - One document: its rows, found by their own index, ranked exactly. Cost: its chunks.
        - A municipality filter over at most ``EXACT_FILTER_ROWS`` chunks: exact, an index-only
          scan of the municipality's vectors (``covered_vectors``) with a top-k sort, so a filter
          never loses neighbours to the graph's paths through other municipalities. Cost: about
          0.5-1 µs a chunk in the filter on 2 cores (15-25 ms for 33,000 chunks), and one count
          of the filter's chunks per generation.
        """
        settings, sql, args = self._statement(query, k=k, scope=scope)
        with self._pool.connection() as connection, connection.transaction():
            connection.execute(settings)  # type: ignore[call-overload]
            found = connection.execute(sql, args).fetchall()  # type: ignore[call-overload]
        # <#> is the negative inner product: the cosine is its negation.
        ranked = sorted(((int(row), -float(distance)) for row, distance in found), key=lambda x: (-x[1], x[0]))
        return ranked[:k]

    def explain(self, query: np.ndarray, *, k: int, scope: Scope | None) -> str:
        """PostgreSQL's plan for ``search_scope`` (``EXPLAIN``, not run): which index it reads."""
        settings, sql, args = self._statement(query, k=k, scope=scope)
        with self._pool.connection() as connection, connection.transaction():
            connection.execute(settings)  # type: ignore[call-overload]
            return "\n".join(row[0] for row in connection.execute(f"EXPLAIN {sql}", args))  # type: ignore[call-overload]

    def _statement(self, query: np.ndarray, *, k: int, scope: Scope | None) -> tuple[str, str, dict[str, object]]:
        """The planner settings, the query and its arguments of ``search_scope``."""
        d = self._dimension
        args: dict[str, object] = {"q": np.asarray(query, dtype=np.float32).reshape(-1), "k": k}
        settings = ["SET LOCAL jit = off"]
        if scope is None:
            how, condition = "hnsw", "true"
        elif scope.document_id is not None:
            how, (condition, found) = "exact", _scope_sql(scope, prefix="")
            args.update(found)
            # One document's rows by its index (``chunks_document``) at any size: on a small table
            # the planner would read the whole table instead, the costlier habit as it grows.
            settings.append("SET LOCAL enable_seqscan = off")
        elif (scope.municipalities and d <= COVERED_DIMENSIONS
              and self._store.chunk_count_in(tuple(sorted(scope.municipalities))) <= EXACT_FILTER_ROWS):
            how, condition = "exact", f"municipality = ANY(%(municipalities)s) AND vector_dims(embedding) = {d:d}"
            args["municipalities"] = list(scope.municipalities)
            if hidden := self._store.rows_of_documents(scope.hidden):
                condition += " AND chunk_row <> ALL(%(hidden)s)"
                args["hidden"] = hidden
            # The covering B-tree only (its predicate is in the condition): no heap, no TOAST.
            settings += ["SET LOCAL enable_seqscan = off", "SET LOCAL enable_bitmapscan = off"]
        else:
            how, (condition, found) = "hnsw", _scope_sql(scope, prefix="")
            args.update(found)
            settings.append("SET LOCAL hnsw.iterative_scan = relaxed_order")
        if how == "hnsw":  # the HNSW index's own expression (and order), so the planner walks the graph
            distance = f"embedding::vector({d}) <#> %(q)s::vector({d})"
            settings.append(f"SET LOCAL hnsw.ef_search = {max(self._ef_search, k):d}")
            order = distance
        else:  # another expression than the HNSW index's, so the planner scans the allowed rows
            distance = "embedding <#> %(q)s::vector"
            order = "2, 1"  # the selected distance (computed once a row), ties by row
        sql = f"SELECT chunk_row, {distance} FROM chunks WHERE {condition} ORDER BY {order} LIMIT %(k)s"
        return "; ".join(settings), sql, args


def _scope_sql(scope: Scope, *, prefix: str) -> tuple[str, dict[str, object]]:
    """The SQL condition (on columns ``municipality``, ``document_id`` of ``prefix``) for ``scope``."""
    clauses, args = ["true"], {}
    if scope.municipalities:
        clauses.append(f"{prefix}municipality = ANY(%(municipalities)s)")
        args["municipalities"] = list(scope.municipalities)
    if scope.document_id is not None:
        clauses.append(f"{prefix}document_id = %(document_id)s")
        args["document_id"] = scope.document_id
    if scope.hidden:
        clauses.append(f"{prefix}document_id <> ALL(%(hidden)s)")
        args["hidden"] = sorted(scope.hidden)
    return " AND ".join(clauses), args


class PostgresLexical:
    """BM25 in SQL over the project's own analysis: the query is analyzed in Python exactly as the
    chunks were at ingest (stems, compound parts, glossary glosses in the lexical text), and the
    postings table is scored with the statistics kept in ``assistant_state``."""

    def __init__(self, pool: ConnectionPool, analyzer: SwedishAnalyzer, *, rows: int, store: PostgresStore) -> None:
        self._pool = pool
        self._analyzer = analyzer
        self._rows = rows
        self._store = store

    def __len__(self) -> int:
        """Chunks in this generation (BM25's N)."""
        return self._rows

    @property
    def analyzer(self) -> SwedishAnalyzer:
        return self._analyzer

    @lru_cache(maxsize=4096)  # noqa: B019 - one instance per generation
    def document_frequency(self, term: str) -> int:
        with self._pool.connection() as connection:
            row = connection.execute("SELECT df FROM term_stats WHERE term = %s", (term,)).fetchone()
        return int(row[0]) if row else 0

    @lru_cache(maxsize=4096)  # noqa: B019 - one instance per generation
    def uses_term_starting(self, prefix: str) -> bool:
        """Whether some indexed term starts with ``prefix``, as ``LexicalIndex.uses_term_starting``.
        Cost: one probe of ``term_stats_prefix`` (byte order: every term with the prefix sorts
        between it and it followed by the last code point)."""
        with self._pool.connection() as connection:
            row = connection.execute("SELECT EXISTS (SELECT 1 FROM term_stats WHERE term ~>=~ %s AND term ~<~ %s)",
                                     (prefix, prefix + "\U0010ffff")).fetchone()
        return bool(row and row[0])

    def search_scope(self, query: str, *, k: int, scope: Scope | None) -> list[tuple[int, float]]:
        """The best ``k`` (row, BM25) with score > 0 within ``scope``, best first; repeated query
        terms count repeatedly, as in Lucene. Unfiltered or by municipality, a term's postings
        are read strongest first (impact order), at most ``POSTINGS_PER_TERM`` of them: exact while
        no query term occurs in more chunks than that, a bounded cost for common terms beyond (as
        impact-ordered indexes do); under a municipality filter, the strongest of that
        municipality's own postings (``chunk_terms_municipality``), so the filter costs no reading
        of other municipalities' postings. Within one document every posting of its chunks is
        scored. Cost: one query, at most ``POSTINGS_PER_TERM`` postings a term and municipality."""
        if scope is not None and scope.document_id is not None:
            condition, args = _scope_sql(scope, prefix="c.")
            rows = f"SELECT c.chunk_row FROM chunks c WHERE {condition}"
            return self._ranked(query, k=k, postings=_PROBED.format(rows=rows), args=args)
        where, args = "", {}
        if scope is not None and scope.hidden:
            # Hidden documents' rows (few: restricted documents) are excluded inside each term's walk.
            where = " AND t.chunk_row <> ALL(%(hidden_rows)s)"
            args = {"hidden_rows": self._store.rows_of_documents(scope.hidden)}
        if scope is not None and scope.municipalities:
            postings = _STRONGEST_IN.format(where=where)
            args["municipalities"] = list(scope.municipalities)
        else:
            postings = _STRONGEST.format(where=where)
        return self._ranked(query, k=k, postings=postings, args={**args, "per_term": POSTINGS_PER_TERM})

    def _ranked(self, query: str, *, k: int, postings: str, args: dict[str, object]) -> list[tuple[int, float]]:
        terms = self._analyzer.terms(query)
        if not terms:
            return []
        sql = f"""
            WITH q AS (SELECT term, count(*)::float8 AS times FROM unnest(%(terms)s::text[]) AS term GROUP BY term),
                 s AS (SELECT chunk_count::float8 AS n,
                              CASE WHEN term_total > 0 THEN term_total::float8 / chunk_count ELSE 1 END AS avgdl
                       FROM assistant_state WHERE id = 1),
                 qs AS (SELECT q.term, q.times, ts.df::float8 AS df FROM q JOIN term_stats ts USING (term)),
                 p AS ({postings})
            SELECT p.chunk_row,
                   sum(p.times * ln(1 + (s.n - p.df + 0.5) / (p.df + 0.5))
                       * p.tf / (p.tf + %(k1)s * (1 - %(b)s + %(b)s * p.term_count / s.avgdl))) AS score
            FROM p CROSS JOIN s
            GROUP BY p.chunk_row
            ORDER BY score DESC, p.chunk_row
            LIMIT %(k)s"""
        with self._pool.connection() as connection:
            found = connection.execute(sql, {**args, "terms": terms, "k": k, "k1": _K1, "b": _B}).fetchall()  # type: ignore[call-overload]
        return [(int(row), float(score)) for row, score in found if score > 0]


# A query term's strongest postings: one index range each (``chunk_terms_impact``).
_STRONGEST = """SELECT qs.times, qs.df, x.chunk_row, x.tf, x.term_count FROM qs CROSS JOIN LATERAL (
                    SELECT t.chunk_row, t.tf, t.term_count FROM chunk_terms t
                    WHERE t.term = qs.term {where}
                    ORDER BY t.impact DESC LIMIT %(per_term)s) x"""
# A query term's strongest postings within municipalities: the strongest of each municipality's
# own range (``chunk_terms_municipality``), merged in the same order, so the same postings as a
# walk of the whole term that skips the other municipalities.
_STRONGEST_IN = """SELECT qs.times, qs.df, x.chunk_row, x.tf, x.term_count FROM qs CROSS JOIN LATERAL (
                       SELECT y.chunk_row, y.tf, y.term_count FROM unnest(%(municipalities)s::text[]) AS m (name)
                       CROSS JOIN LATERAL (
                           SELECT t.chunk_row, t.tf, t.term_count, t.impact FROM chunk_terms t
                           WHERE t.term = qs.term AND t.municipality = m.name {where}
                           ORDER BY t.impact DESC, t.chunk_row LIMIT %(per_term)s) y
                       ORDER BY y.impact DESC, y.chunk_row LIMIT %(per_term)s) x"""
# Every posting of a few rows (one document's): a primary-key probe per (term, row).
_PROBED = """SELECT qs.times, qs.df, t.chunk_row, t.tf, t.term_count
             FROM qs JOIN chunk_terms t ON t.term = qs.term AND t.chunk_row IN ({rows})"""


class PostgresUnits:
    """Each chunk's unit vectors, read with the chunk's row."""

    def __init__(self, pool: ConnectionPool, *, dimension: int) -> None:
        self._pool = pool
        self._dimension = dimension

    def similarities(self, rows: Sequence[int], query: np.ndarray) -> list[np.ndarray]:
        if not rows:
            return []
        with self._pool.connection() as connection:
            found = dict(connection.execute("SELECT chunk_row, unit_vectors FROM chunks WHERE chunk_row = ANY(%s)",
                                            ([int(r) for r in rows],)).fetchall())
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        out = []
        for row in rows:
            vectors = np.frombuffer(found.get(row, b""), dtype=np.float16).reshape(-1, self._dimension)
            out.append(vectors.astype(np.float32) @ query)
        return out


class PostgresIndex:
    """One generation of the shared index (see the module docstring)."""

    def __init__(self, *, pool: ConnectionPool, generation: int, manifest: Manifest,
                 documents: dict[str, DocumentInfo], analyzer: SwedishAnalyzer, ef_search: int) -> None:
        self.generation = generation
        self.manifest = manifest
        self.store = PostgresStore(pool, documents)
        self.vectors = PostgresVectors(pool, dimension=manifest.dimension, ef_search=ef_search, store=self.store)
        self.lexical = PostgresLexical(pool, analyzer, rows=manifest.chunks, store=self.store)
        self.units = PostgresUnits(pool, dimension=manifest.dimension)

    def dense_search(self, query: np.ndarray, *, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        return self.vectors.search_scope(query, k=k, scope=scope)

    def lexical_search(self, query: str, *, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        return self.lexical.search_scope(query, k=k, scope=scope)

    def close(self) -> None:
        """Nothing to release: the connections belong to the backend's pool."""


def _chunk(row: tuple) -> Chunk:  # type: ignore[type-arg]
    _, chunk_id, document_id, kind, path, text, start, end, embedding_text, lexical_text, units = row
    return Chunk(chunk_id=chunk_id, document_id=document_id, kind=kind, section_path=path, text=text, start=start,
                 end=end, embedding_text=embedding_text, lexical_text=lexical_text,
                 units=[tuple(span) for span in units])


def documents_of(rows: Iterable[tuple[str, object]]) -> dict[str, DocumentInfo]:
    """``DocumentInfo`` by id from (id, info JSON) rows."""
    return {doc_id: DocumentInfo.model_validate(info if isinstance(info, dict) else json.loads(str(info)))
            for doc_id, info in rows}
