"""The PostgreSQL backend, against a real PostgreSQL 18 + pgvector (no mocks): the same answers as
the file backend, one ingest across replicas, changes served by every replica once acknowledged."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from assistant.embed import Embedder
from assistant.errors import DocumentNotFoundError
from assistant.eval_questions import load_questions
from assistant.facade import PolicyAssistant
from assistant.feedback import FeedbackIn
from assistant.glossary import Glossary
from assistant.index.backend import IndexState, Scope
from assistant.index.postgres.schema import MIGRATIONS, covered_vectors
from assistant.models import Filters
from tests.conftest import REPO, make_assistant
from tests.test_document_management import a_docx

QUESTIONS = [
    "Vem ansvarar för uppföljningen av bostadsförsörjningsprogrammet?",
    "Who is responsible for the integration plan in Tierp?",
    "Vad är målet för bostadsbyggandet?",
    "When will the action plan be revised?",
    "Hur ska kommunen arbeta med klimatanpassning?",
]


def replica(root: Path, url: str, embedder: Embedder, glossary: Glossary) -> PolicyAssistant:
    """One `assistant serve` process's assistant: its own folder, the shared database."""
    return make_assistant(root, embedder, glossary, database_url=url)


@pytest.fixture
def pair(tmp_path: Path, database_url: str, embedder: Embedder,
         glossary: Glossary) -> tuple[PolicyAssistant, PolicyAssistant]:
    first = replica(tmp_path / "a", database_url, embedder, glossary)
    first.ensure_index()
    second = replica(tmp_path / "b", database_url, embedder, glossary)
    second.ensure_index()
    yield first, second
    first.close()
    second.close()


def test_migrations_are_applied_once_and_recorded(pair: tuple[PolicyAssistant, PolicyAssistant],
                                                  database_url: str) -> None:
    with psycopg.connect(database_url) as connection:
        versions = connection.execute("SELECT version, name FROM schema_migrations").fetchall()
        extension = connection.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
    assert [v for v, _ in versions] == list(range(1, len(MIGRATIONS) + 1))
    assert extension is not None and extension[0].startswith("0.8")


def test_the_corpus_is_ingested_once_and_searched_like_the_file_backend(
        pair: tuple[PolicyAssistant, PolicyAssistant], assistant: PolicyAssistant, database_url: str) -> None:
    first, _ = pair
    assert first.index_state() is IndexState.CURRENT
    assert {d.id for d in first.documents()} == {d.id for d in assistant.documents()}
    assert first.manifest.chunks == assistant.manifest.chunks
    with psycopg.connect(database_url) as connection:
        generation = connection.execute("SELECT generation FROM assistant_state").fetchone()[0]
    assert generation == 1  # the second replica found the corpus ingested and ingested nothing
    for question in QUESTIONS:
        in_files = [(h.chunk_id, h.score) for h in assistant.search(question, k=5)]
        in_postgres = [(h.chunk_id, h.score) for h in first.search(question, k=5)]
        assert [c for c, _ in in_postgres] == [c for c, _ in in_files], question
        assert [s for _, s in in_postgres] == pytest.approx([s for _, s in in_files], abs=2e-3), question


def test_bm25_in_sql_scores_as_the_file_backend_does(pair: tuple[PolicyAssistant, PolicyAssistant],
                                                      assistant: PolicyAssistant) -> None:
    first, _ = pair
    files, postgres = assistant._require().index, first._require().index
    for question in QUESTIONS:
        query = " ".join([question, *assistant.glossary.swedish_for_english(question)])
        expected = [(files.store.chunks([row])[row].chunk_id, score)
                    for row, score in files.lexical_search(query, k=10)]
        found = [(postgres.store.chunks([row])[row].chunk_id, score)
                 for row, score in postgres.lexical_search(query, k=10)]
        assert _tied_groups(found)[:-1] == _tied_groups(expected)[:-1], question
        assert [s for _, s in found] == pytest.approx([s for _, s in expected], rel=1e-4), question


def _tied_groups(ranked: list[tuple[str, float]], *, rel: float = 1e-4) -> list[frozenset[str]]:
    """The ranking's chunk ids as groups of equal scores (within ``rel``): two chunks of the same
    score may come in either order (the sum's float rounding decides), and the last group may be
    cut by k differently, so only the groups before it are compared."""
    groups: list[tuple[float, set[str]]] = []
    for chunk_id, score in ranked:
        if groups and abs(groups[-1][0] - score) <= rel * abs(score):
            groups[-1][1].add(chunk_id)
        else:
            groups.append((score, {chunk_id}))
    return [frozenset(ids) for _, ids in groups]


def test_replicas_starting_at_the_same_moment_ingest_the_corpus_once(
        tmp_path: Path, database_url: str, embedder: Embedder, glossary: Glossary) -> None:
    replicas = [replica(tmp_path / name, database_url, embedder, glossary) for name in ("a", "b", "c")]
    errors: list[BaseException] = []

    def start(r: PolicyAssistant) -> None:
        try:
            r.ensure_index()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with psycopg.connect(database_url) as connection:
        generation, = connection.execute("SELECT generation FROM assistant_state").fetchone()
        documents, = connection.execute("SELECT count(*) FROM documents").fetchone()
    assert (generation, documents) == (1, 5)
    assert all(r.search("bostadsförsörjning", k=3) for r in replicas)
    for r in replicas:
        r.close()


def test_an_upload_through_one_replica_is_served_by_the_other_at_once(
        pair: tuple[PolicyAssistant, PolicyAssistant]) -> None:
    first, second = pair
    second.search("cykelbonus", k=3)  # the second replica serves the old generation now
    info = first.library.add("cykelpolicy.docx", a_docx(
        "Cykelpolicy för Exempelby kommun", "Kommunen ger en cykelbonus om 500 kronor till varje anställd."))
    hits = second.search("Hur stor är cykelbonusen?", k=3)
    assert hits[0].document_id == info.id and "500 kronor" in hits[0].text
    assert any(d.id == info.id for d in second.documents())

    second.library.remove(info.id)
    assert all(h.document_id != info.id for h in first.search("Hur stor är cykelbonusen?", k=5))
    with pytest.raises(DocumentNotFoundError):
        first.document(info.id)


def test_a_shipped_document_deleted_stays_deleted_after_a_restart(
        pair: tuple[PolicyAssistant, PolicyAssistant], tmp_path: Path, database_url: str,
        embedder: Embedder, glossary: Glossary) -> None:
    first, _ = pair
    shipped = next(d.id for d in first.documents() if d.municipality == "Tierp")
    first.library.remove(shipped)
    restarted = replica(tmp_path / "c", database_url, embedder, glossary)
    restarted.ensure_index()
    assert shipped not in {d.id for d in restarted.documents()}
    assert restarted.index_state() is IndexState.CURRENT
    restarted.close()


def test_filters_are_inside_both_queries(pair: tuple[PolicyAssistant, PolicyAssistant]) -> None:
    first, _ = pair
    hits = first.search("Vem ansvarar för målen?", k=8, filters=Filters(municipality="Tierp"))
    assert len(hits) == 8 and {h.municipality for h in hits} == {"Tierp"}
    document = hits[0].document_id
    only = first.search("bostäder", k=5, filters=Filters(document_id=document))
    assert only and {h.document_id for h in only} == {document}


def test_answers_cite_verbatim_from_the_database(pair: tuple[PolicyAssistant, PolicyAssistant]) -> None:
    _, second = pair
    answer = second.ask("Vem ansvarar för uppföljningen av bostadsförsörjningsprogrammet?")
    assert answer.citations
    for citation in answer.citations:
        text = second.document_text(citation.document_id)
        assert citation.quote in text


def test_feedback_is_shared_by_the_replicas(pair: tuple[PolicyAssistant, PolicyAssistant]) -> None:
    first, second = pair
    stored = first.add_feedback(FeedbackIn(question="Vem äger bostadsmålen?", answer="Kommunstyrelsen.",
                                           rating="up"))
    assert second.feedback()[0].id == stored.id


def test_a_rebuild_keeps_every_document_including_uploads(pair: tuple[PolicyAssistant, PolicyAssistant]) -> None:
    first, second = pair
    info = first.library.add("cykelpolicy.docx", a_docx("Cykelpolicy", "En cykelbonus om 500 kronor."))
    before = {d.id for d in first.documents()}
    first.build_index()
    assert {d.id for d in second.documents()} == before
    assert second.search("cykelbonus", k=1)[0].document_id == info.id


def test_assistant_migrate_moves_a_file_installation_into_postgresql(
        tmp_path: Path, database_url: str, embedder: Embedder, glossary: Glossary,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from assistant.cli import app

    files = make_assistant(tmp_path / "files", embedder, glossary)
    files.ensure_index()
    files.library.add("cykelpolicy.docx", a_docx("Cykelpolicy", "En cykelbonus om 500 kronor."))
    removed = next(d.id for d in files.documents() if d.municipality == "Åstorp")
    files.library.remove(removed)
    expected = {d.id for d in files.documents()}
    files.close()

    monkeypatch.setenv("ASSISTANT_DATABASE_URL", database_url)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "files" / "index"))  # its embedding cache
    args = ["migrate", "--corpus", str(tmp_path / "files" / "corpus"), "--data", str(tmp_path / "files" / "data")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "uploaded cykelpolicy.docx" in result.output and "removed" in result.output
    migrated = replica(tmp_path / "after", database_url, embedder, glossary)
    assert {d.id for d in migrated.documents()} == expected
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0 and {d.id for d in migrated.documents()} == expected
    migrated.close()


def test_document_frequencies_follow_uploads_and_deletes(pair: tuple[PolicyAssistant, PolicyAssistant],
                                                         database_url: str) -> None:
    first, _ = pair
    recount = ("SELECT count(*) FROM (SELECT term, count(*) AS df FROM chunk_terms GROUP BY term) t "
               "FULL JOIN term_stats s USING (term) WHERE t.df IS DISTINCT FROM s.df")
    info = first.library.add("cykelpolicy.docx", a_docx("Cykelpolicy", "En cykelbonus om 500 kronor."))
    first.library.remove(next(d.id for d in first.documents() if d.municipality == "Tierp"))
    with psycopg.connect(database_url) as connection:
        assert connection.execute(recount).fetchone()[0] == 0
    first.library.remove(info.id)
    with psycopg.connect(database_url) as connection:
        assert connection.execute(recount).fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM term_stats WHERE term = 'cykelbonus'").fetchone()[0] == 0


def _by_chunk_id(index: object, found: list[tuple[int, float]]) -> list[tuple[str, float]]:
    chunks = index.store.chunks([row for row, _ in found])  # type: ignore[attr-defined]
    return [(chunks[row].chunk_id, score) for row, score in found]


def test_filtered_searches_rank_as_the_file_backends_exact_search(
        pair: tuple[PolicyAssistant, PolicyAssistant], assistant: PolicyAssistant) -> None:
    """A municipality filter (one or two municipalities, with a hidden document or without) and a
    document filter: the same chunks with the same cosine and BM25 scores as the file backend,
    which scans filtered rows exactly."""
    first, _ = pair
    files, postgres = assistant._require().index, first._require().index
    tierp = next(d.id for d in first.documents() if d.municipality == "Tierp")
    scopes = [Scope(municipalities=("Tierp",)), Scope(municipalities=("Tranås", "Åstorp")),
              Scope(municipalities=("Tierp",), hidden=frozenset({tierp})), Scope(document_id=tierp)]
    for question in QUESTIONS:
        vector = assistant.embedder.embed_queries([question])
        query = " ".join([question, *assistant.glossary.swedish_for_english(question)])
        for scope in scopes:
            for kind in ("dense", "lexical"):
                expected, found = (_by_chunk_id(index, index.dense_search(vector, k=20, scope=scope) if kind == "dense"
                                                else index.lexical_search(query, k=20, scope=scope))
                                   for index in (files, postgres))
                assert [s for _, s in found] == pytest.approx([s for _, s in expected], abs=1e-4), (question, scope)
                # The same chunks, in the same order up to ties (each backend breaks them by its own rows).
                assert _tied(found) == _tied(expected), (question, scope, kind)


def _tied(found: list[tuple[str, float]]) -> list[set[str]]:
    """The chunks of ``found`` (best first) as sets of equal scores, without those tied with the
    last one (a tie at the cut may keep different chunks)."""
    groups: list[tuple[float, set[str]]] = []
    for chunk_id, score in found:
        if groups and abs(groups[-1][0] - score) < 1e-4:
            groups[-1][1].add(chunk_id)
        else:
            groups.append((score, {chunk_id}))
    return [chunks for _, chunks in groups[:-1]]


def test_a_municipality_filter_reads_its_vectors_from_the_covering_index(
        pair: tuple[PolicyAssistant, PolicyAssistant]) -> None:
    """The exact filtered scan reads the B-tree that carries the vectors (no heap, no TOAST), with
    a hidden document or without; one document is read by its own index."""
    first, _ = pair
    vectors, dimension = first._require().index.vectors, first.manifest.dimension
    query = first.embedder.embed_queries(["Vem ansvarar för integrationen?"])
    tierp = next(d.id for d in first.documents() if d.municipality == "Tierp")
    for scope in (Scope(municipalities=("Tierp",)),
                  Scope(municipalities=("Tierp", "Tranås"), hidden=frozenset({tierp}))):
        assert f"Index Only Scan using {covered_vectors(dimension)}" in vectors.explain(query, k=50, scope=scope)
    assert "chunks_document" in vectors.explain(query, k=50, scope=Scope(document_id=tierp))


def test_every_replica_reports_the_version_it_serves(pair: tuple[PolicyAssistant, PolicyAssistant]) -> None:
    first, second = pair
    first.search("bostad", k=1)
    second.search("bostad", k=1)
    seen = first.replicas()
    assert len(seen) == 2 and {r.version for r in seen} == {first.manifest.version}
    assert all(r.host and r.pid and r.seen_at.endswith("+00:00") for r in seen)
    second.close()
    assert len(first.replicas()) == 1  # a replica that closes leaves the list


def test_every_evaluation_question_is_answered_as_the_file_backend_answers_it(
        pair: tuple[PolicyAssistant, PolicyAssistant], assistant: PolicyAssistant) -> None:
    """The whole ask path over the database, not only search: the five policies' questions and the
    off-topic ones (English questions naming concepts no document has ask the lexical index
    whether any term starts with a concept's stem, which the database once could not answer)."""
    first, _ = pair
    sets = (REPO / "tests" / "eval" / name for name in ("questions.jsonl", "offtopic/tune.jsonl"))
    questions = [q for path in sets for q in load_questions(path) if not q.history]
    assert len(questions) > 100
    for question in questions:
        in_postgres, in_files = first.ask(question.question), assistant.ask(question.question)
        assert (in_postgres.abstained, in_postgres.answer) == (in_files.abstained, in_files.answer), question.id


def test_terms_are_found_by_their_beginning_as_in_the_file_backend(
        pair: tuple[PolicyAssistant, PolicyAssistant], assistant: PolicyAssistant) -> None:
    first, _ = pair
    files, postgres = assistant._require().index.lexical, first._require().index.lexical
    for prefix in ("bostad", "integr", "praktik", "parkering", "lön", "kommunstyr", "zzzq", "å", "ö"):
        assert postgres.uses_term_starting(prefix) == files.uses_term_starting(prefix), prefix
    assert postgres.uses_term_starting("integr") and not postgres.uses_term_starting("zzzq")
