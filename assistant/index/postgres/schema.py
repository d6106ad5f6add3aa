"""Versioned schema migrations, applied on start and recorded in ``schema_migrations``.

Each migration runs once, in its own transaction, under an advisory lock: replicas starting at the
same moment apply it once between them. Add a migration by appending to ``MIGRATIONS``; never edit
one that has shipped.
"""

from __future__ import annotations

import psycopg

# Advisory lock keys (one namespace for this application).
MIGRATION_LOCK = 0x70A5_0001
WRITE_LOCK = 0x70A5_0002  # one writing transaction at a time (a transaction lock)
INGEST_LOCK = 0x70A5_0003  # one corpus sync or rebuild at a time, held on a session while it prepares
SYNC_LOCK = 0x70A5_0004  # one source sync at a time across replicas (``PostgresSourceStore.exclusive``)
SOURCE_RUNS_LOCK = 0x70A5_0005  # one write of a source's items and runs at a time
# The largest dimension whose vectors a B-tree entry can carry (4 bytes a dimension, under the
# entry limit of about 2,700 bytes with the municipality and the row beside it).
COVERED_DIMENSIONS = 512

MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("documents, chunks, terms, vectors, feedback", """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE assistant_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL DEFAULT 0,   -- bumped by every committed change of the documents
    config_hash TEXT,                       -- what the chunks and vectors were made with
    model TEXT,
    dimension INTEGER,
    analyzer JSONB,                         -- the Swedish analyzer's lexicon (terms of every chunk)
    chunk_count BIGINT NOT NULL DEFAULT 0,  -- BM25's N
    term_total BIGINT NOT NULL DEFAULT 0,   -- BM25's sum of lengths (average = term_total / N)
    skipped JSONB NOT NULL DEFAULT '[]',
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO assistant_state (id) VALUES (1);
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    filename TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL CHECK (source IN ('corpus', 'upload')),
    original BYTEA NOT NULL,                -- the file as received, for rebuilds and downloads
    digest TEXT NOT NULL,                   -- sha256 of original
    municipality TEXT,
    info JSONB NOT NULL,
    sections JSONB NOT NULL,
    text TEXT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX documents_municipality ON documents (municipality);
CREATE TABLE corpus_files (                 -- the shipped folder's files as last synced
    name TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    removed BOOLEAN NOT NULL DEFAULT false  -- deleted through the API: not ingested again
);
CREATE TABLE chunks (
    chunk_row BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    municipality TEXT,
    position INTEGER NOT NULL,              -- reading order within the document
    kind TEXT NOT NULL,
    section_path JSONB NOT NULL,
    text TEXT NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    embedding_text TEXT NOT NULL,
    lexical_text TEXT NOT NULL,
    units JSONB NOT NULL,
    term_count INTEGER NOT NULL,
    embedding vector NOT NULL,
    unit_vectors BYTEA NOT NULL             -- float16, one vector per unit
);
CREATE INDEX chunks_document ON chunks (document_id, position);
CREATE INDEX chunks_municipality ON chunks (municipality);
CREATE TABLE chunk_terms (                  -- BM25 postings: analyzed term, chunk, term frequency
    term TEXT NOT NULL,
    chunk_row BIGINT NOT NULL REFERENCES chunks (chunk_row) ON DELETE CASCADE,
    tf INTEGER NOT NULL,
    PRIMARY KEY (term, chunk_row)
);
CREATE INDEX chunk_terms_row ON chunk_terms (chunk_row);
CREATE TABLE feedback (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT,
    citations JSONB NOT NULL
);
"""),
    ("impact-ordered postings and document frequencies", """
-- Each posting's BM25 term weight (tf normalised by length, with the average length when it was
-- written) orders a term's postings, so a query reads only the strongest postings of a common
-- term instead of all of them; document frequencies are kept instead of counted per query.
ALTER TABLE chunk_terms ADD COLUMN term_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chunk_terms ADD COLUMN impact REAL NOT NULL DEFAULT 0;
ALTER TABLE chunk_terms ADD COLUMN municipality TEXT;  -- the chunk's, so a filter needs no join
UPDATE chunk_terms t SET term_count = c.term_count, municipality = c.municipality,
       impact = t.tf / (t.tf + 1.2 * (0.25 + 0.75 * c.term_count / s.avgdl))
FROM chunks c, (SELECT CASE WHEN chunk_count > 0 AND term_total > 0 THEN term_total::float8 / chunk_count
                       ELSE 1 END AS avgdl FROM assistant_state) s
WHERE c.chunk_row = t.chunk_row;
CREATE INDEX chunk_terms_impact ON chunk_terms (term, impact DESC, chunk_row) INCLUDE (tf, term_count, municipality);
CREATE TABLE term_stats (term TEXT PRIMARY KEY, df BIGINT NOT NULL);
INSERT INTO term_stats SELECT term, count(*) FROM chunk_terms GROUP BY term;
"""),
    ("managed API keys, audit trail, who gave feedback", """
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('reader', 'admin')),
    groups TEXT[] NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,          -- sha256 of the key; the key itself is never stored
    created_at TEXT NOT NULL
);
CREATE TABLE audit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TEXT NOT NULL,
    key_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    request_id TEXT
);
ALTER TABLE feedback ADD COLUMN given_by TEXT;
"""),
    ("postings by municipality", """
-- A term's postings within one municipality, strongest first: a municipality-filtered BM25 query
-- reads its at most 2,000 postings a term from one range instead of walking the term's postings
-- of every municipality and discarding the others' (five times as many at a fifth of the chunks).
CREATE INDEX chunk_terms_municipality ON chunk_terms (term, municipality, impact DESC, chunk_row)
    INCLUDE (tf, term_count);
"""),
    ("sources, their items and their runs", """
-- Folders and websites kept in sync with the index (assistant/sources), shared by every replica.
-- Their documents are stored as uploads (documents.source = 'upload', info->>'source_url' for a
-- website's page); these tables hold only the configuration and the state a sync compares with.
-- No foreign keys: a run is recorded even for a source deleted while it ran, as the SQLite store does.
CREATE TABLE sources (
    name TEXT PRIMARY KEY,
    config JSONB NOT NULL,                  -- SourceConfig
    created_at TEXT NOT NULL
);
CREATE TABLE source_items (                 -- what the last sync kept of each item (KnownItem)
    source TEXT NOT NULL,
    key TEXT NOT NULL,                      -- a relative path or a URL
    document_name TEXT NOT NULL,            -- '': a page followed only for its links
    digest TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    url TEXT,
    unseen_runs INTEGER NOT NULL DEFAULT 0,
    links JSONB NOT NULL DEFAULT '[]',      -- the in-scope links a page held
    PRIMARY KEY (source, key)
);
CREATE TABLE source_runs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source TEXT NOT NULL,
    started_at TEXT NOT NULL,
    report JSONB NOT NULL                   -- SyncReport
);
CREATE INDEX source_runs_by_source ON source_runs (source, id);
"""),
    ("logged questions", """
-- Questions that ended in an abstention or a thumbs-down, kept ASSISTANT_QUESTION_LOG_DAYS days
-- (assistant/questions.py): nothing about who asked.
CREATE TABLE questions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asked_at TEXT NOT NULL,
    question TEXT NOT NULL,
    language TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('abstained', 'thumbs_down')),
    closest JSONB NOT NULL
);
CREATE INDEX questions_by_time ON questions (asked_at);
"""),
    ("chunk rows given by the writer", """
-- A full replacement reserves a range of chunk row ids from the sequence and streams the chunks
-- and their postings with COPY, which cannot override an identity GENERATED ALWAYS
-- (assistant/index/postgres/bulk.py). Row-at-a-time inserts still take the next id by default.
ALTER TABLE chunks ALTER COLUMN chunk_row SET GENERATED BY DEFAULT;
"""),
    ("logged questions' terms", """
-- Each logged question's analysed terms (a JSON list), kept when it is logged so that grouping
-- the Questions page after a start analyses nothing (assistant/questions.py); NULL for older rows.
ALTER TABLE questions ADD COLUMN terms JSONB;
"""),
    ("replicas", """
-- Each serving process reports the generation it serves every few seconds while it serves
-- (PostgresBackend.serving), so the console's Status page shows every replica's view.
CREATE TABLE replicas (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    generation BIGINT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL
);
"""),
    ("terms by prefix", """
-- Whether any indexed term starts with a prefix (a compound the analyzer did not split: "praktik"
-- in "praktikplats"), asked of English questions naming a concept: a byte-order range on this index.
CREATE INDEX term_stats_prefix ON term_stats (term text_pattern_ops);
"""),
)


def migrate(connection: psycopg.Connection) -> list[int]:
    """Apply the migrations ``connection``'s database lacks; returns the versions applied now.
    Cost: one advisory lock and one transaction per new migration."""
    applied: list[int] = []
    connection.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                           "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        done = {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}
        for version, (name, sql) in enumerate(MIGRATIONS, start=1):
            if version in done:
                continue
            with connection.transaction():
                connection.execute(sql)  # type: ignore[call-overload]
                connection.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name))
            applied.append(version)
    finally:
        connection.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return applied


def ensure_vector_index(connection: psycopg.Connection, *, dimension: int, m: int = 16) -> None:
    """The indexes over the embeddings of ``dimension``: the column has no fixed dimension, so a
    model change needs no migration, and each is created once, under the migration lock (replicas
    starting together create it once between them).

    - An HNSW index (inner product on unit vectors = cosine) over the embeddings cast to
      ``dimension``, for unfiltered searches.
    - Up to ``COVERED_DIMENSIONS``, a B-tree over (municipality, chunk_row) that carries each
      chunk's embedding (``covered_vectors``): a municipality's vectors side by side, so a filtered
      search ranks them exactly with an index-only scan, never reading the wide rows or their
      TOAST (a larger vector would not fit in a B-tree entry).

    Cost: nothing when they exist; else one index build (seconds for the B-tree at 100k chunks,
    minutes for HNSW), which blocks writes to ``chunks`` meanwhile."""
    connection.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        connection.execute(
            f"CREATE INDEX IF NOT EXISTS chunks_embedding_{dimension:d} ON chunks USING hnsw "
            f"((embedding::vector({dimension:d})) vector_ip_ops) WITH (m = {m:d}, ef_construction = 64)")
        if dimension <= COVERED_DIMENSIONS:
            connection.execute(
                f"CREATE INDEX IF NOT EXISTS {covered_vectors(dimension)} ON chunks (municipality, chunk_row) "
                f"INCLUDE (embedding) WHERE vector_dims(embedding) = {dimension:d}")
    finally:
        connection.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def covered_vectors(dimension: int) -> str:
    """The name of the B-tree that carries the embeddings of ``dimension`` by municipality."""
    return f"chunks_municipality_vectors_{dimension:d}"
