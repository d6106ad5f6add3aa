"""The first load of a collection into PostgreSQL by COPY, with the chunks' and postings' indexes
built once after it (assistant/index/postgres/bulk.py), against a real PostgreSQL 18 + pgvector:
it ends with the indexes it began with, writes what a row-at-a-time write would, and a process
killed before its commit leaves the database as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.index.postgres.search import _B, _K1
from tests.conftest import CORPUS, make_assistant
from tests.test_document_management import a_docx

REPO = Path(__file__).resolve().parents[2]


def _definitions(url: str) -> set[tuple[str, str]]:
    """Every index and constraint of ``chunks`` and ``chunk_terms``, with whether it is usable."""
    with psycopg.connect(url) as connection:
        indexes = connection.execute(
            "SELECT pg_get_indexdef(indexrelid), indisvalid::text FROM pg_index "
            "WHERE indrelid IN ('chunks'::regclass, 'chunk_terms'::regclass)").fetchall()
        constraints = connection.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid IN ('chunks'::regclass, 'chunk_terms'::regclass)").fetchall()
    return {(a, b) for a, b in [*indexes, *constraints]}


def test_a_first_load_ends_with_every_index_and_constraint_it_began_with(
        tmp_path: Path, database_url: str, embedder: Embedder, glossary: Glossary) -> None:
    assistant = make_assistant(tmp_path, embedder, glossary, database_url=database_url)  # migrations, HNSW
    before = _definitions(database_url)
    assistant.ensure_index()
    assert _definitions(database_url) == before
    assert any("USING hnsw" in definition for definition, _ in before)
    assert {valid for _, valid in before if valid in {"true", "false"}} == {"true"}
    assistant.close()


@pytest.fixture
def loaded(tmp_path: Path, database_url: str, embedder: Embedder, glossary: Glossary) -> Iterator[PolicyAssistant]:
    """The five policies loaded into an empty database (the COPY path)."""
    assistant = make_assistant(tmp_path, embedder, glossary, database_url=database_url)
    assistant.ensure_index()
    yield assistant
    assistant.close()


def test_postings_carry_the_impacts_and_frequencies_of_the_new_collection(loaded: PolicyAssistant,
                                                                          database_url: str) -> None:
    with psycopg.connect(database_url) as connection:
        worst, postings, chunks = connection.execute(
            "SELECT max(abs(t.impact - t.tf / (t.tf + %s * (1 - %s + %s * t.term_count / s.avgdl)))), count(*), "
            "count(DISTINCT t.chunk_row) FROM chunk_terms t JOIN chunks c USING (chunk_row), "
            "(SELECT term_total::float8 / chunk_count AS avgdl FROM assistant_state) s "
            "WHERE t.term_count = c.term_count AND t.municipality IS NOT DISTINCT FROM c.municipality",
            (_K1, _B, _B)).fetchone()
        total = connection.execute("SELECT count(*) FROM chunk_terms").fetchone()[0]
        wrong_df = connection.execute(
            "SELECT count(*) FROM term_stats s FULL JOIN (SELECT term, count(*) AS n FROM chunk_terms GROUP BY term) "
            "t USING (term) WHERE s.df IS DISTINCT FROM t.n").fetchone()[0]
        state = connection.execute("SELECT chunk_count FROM assistant_state").fetchone()[0]
    assert postings == total > 1_000  # every posting agrees with its chunk's length and municipality
    assert chunks == state
    assert worst < 1e-6  # stored as REAL
    assert wrong_df == 0


def test_an_upload_after_the_first_load_takes_the_next_chunk_rows(loaded: PolicyAssistant,
                                                                  database_url: str) -> None:
    assistant = loaded
    with psycopg.connect(database_url) as connection:
        last = connection.execute("SELECT max(chunk_row) FROM chunks").fetchone()[0]
    document = assistant.library.add("riktlinje-parkering.docx", a_docx(
        "Riktlinje för parkering", "Boendeparkering kostar 300 kronor i månaden."))
    with psycopg.connect(database_url) as connection:
        rows = [r[0] for r in connection.execute("SELECT chunk_row FROM chunks WHERE document_id = %s",
                                                 (document.id,))]
    assert rows and min(rows) > last
    assert assistant.search("Vad kostar boendeparkering?", k=1)[0].document_id == document.id


def test_a_first_load_killed_before_its_commit_leaves_the_database_as_it_was(
        tmp_path: Path, database_url: str, embedder: Embedder, glossary: Glossary, model_cache: Path) -> None:
    """``assistant index`` is killed (-9) with every row copied and every index built, waiting on the
    last step before its commit (its statistics, held up here by a lock on ``term_stats``)."""
    assistant = make_assistant(tmp_path / "a", embedder, glossary, database_url=database_url)
    before = _definitions(database_url)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = {**os.environ, "ASSISTANT_DATABASE_URL": database_url, "ASSISTANT_CORPUS_DIR": str(corpus),
           "ASSISTANT_INDEX_DIR": str(tmp_path / "index"), "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
           "ASSISTANT_MODEL_CACHE_DIR": str(model_cache), "HF_HUB_OFFLINE": "1"}
    with psycopg.connect(database_url) as holder:
        holder.execute("LOCK TABLE term_stats IN SHARE UPDATE EXCLUSIVE MODE")  # ANALYZE waits for it
        process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "index"], env=env, cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for_waiting_analyze(database_url, process)
            with psycopg.connect(database_url) as observer:  # indexes built, not committed
                assert observer.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
            process.kill()
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
        holder.rollback()
    _wait_until_no_session_holds_locks(database_url)
    with psycopg.connect(database_url) as connection:
        assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM chunk_terms").fetchone()[0] == 0
    assert _definitions(database_url) == before
    assistant.ensure_index()  # and the next start loads it
    assert assistant.search("Who owns housing goals?", k=1)
    assistant.close()


def _wait_for_waiting_analyze(url: str, process: subprocess.Popen[bytes], *, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"assistant index ended (exit {process.returncode}) before reaching its statistics")
            waiting = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE 'ANALYZE%%'").fetchone()[0]
            if waiting:
                return
            time.sleep(0.05)
    pytest.fail("assistant index never reached its statistics")


def _wait_until_no_session_holds_locks(url: str, *, timeout: float = 30) -> None:
    """The killed process's server session ends (and rolls back) a moment after the kill."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            others = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'").fetchone()[0]
            if not others:
                return
            time.sleep(0.05)
