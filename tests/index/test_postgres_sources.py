"""Sources on PostgreSQL, against the real embedded server (no mocks): the source store behaves as
the SQLite one does (each store test runs on both), one sync at a time across processes, and a
sync's batch of changes is one generation, kept across rebuilds, and all or nothing."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.index.backend import IndexState
from assistant.index.postgres import PostgresBackend
from assistant.index.postgres.schema import SYNC_LOCK, migrate
from assistant.index.postgres.sources import PostgresSourceStore
from assistant.models import Document
from assistant.parse import document_id_for, parse_bytes
from assistant.sources.models import KnownItem, SourceConfig, SourceKind, SyncReport
from assistant.sources.store import RUNS_KEPT, SourceExistsError, SourceStore, SqliteSourceStore
from tests.conftest import CORPUS, make_assistant

SHIPPED = ("tierp-handlingsplan-for-integration.txt", "varnamo-policy-for-integrationspolitik.txt")


# --- the store --------------------------------------------------------------------------------


def _pool(url: str) -> ConnectionPool:
    """A pool as a replica opens one (autocommit sessions), over a migrated database."""
    with psycopg.connect(url, autocommit=True) as connection:
        migrate(connection)
    return ConnectionPool(url, min_size=1, max_size=4, open=True, kwargs={"autocommit": True})


class _Stores:
    """Opens stores over one place (a database or a data folder) as separate processes would."""

    def __init__(self, kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
        self.kind, self._tmp_path, self._request = kind, tmp_path, request
        self._pools: list[ConnectionPool] = []
        self._files: list[SqliteSourceStore] = []

    def open(self) -> SourceStore:
        if self.kind == "sqlite":
            self._files.append(SqliteSourceStore(self._tmp_path / "sources.sqlite"))
            return self._files[-1]
        self._pools.append(_pool(self._request.getfixturevalue("database_url")))
        return PostgresSourceStore(self._pools[-1])

    def close(self) -> None:
        for store in self._files:
            store.close()
        for pool in self._pools:
            pool.close()


@pytest.fixture(params=["sqlite", "postgres"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[_Stores]:
    opened = _Stores(request.param, tmp_path, request)
    yield opened
    opened.close()


def _config(name: str, *, kind: SourceKind = SourceKind.WEBSITE) -> SourceConfig:
    return SourceConfig(name=name, kind=kind, location=f"https://{name}.example.se/", groups=["hr"],
                        every_seconds=21600, include=["/policy/*"], exclude=["*.zip"],
                        created_at="2025-01-02T03:04:05+00:00")


def _report(source: str, number: int) -> SyncReport:
    return SyncReport(source=source, started_at=f"2025-01-01T00:00:{number:02d}+00:00", added=[f"doc-{number}"],
                      failed=[{"key": "/x.pdf", "reason": "too_large", "detail": "3 MB"}], requests=number)


def test_the_store_round_trips_sources_items_and_runs(stores: _Stores) -> None:
    store = stores.open()
    store.add(_config("webb"))
    store.add(_config("a-mapp", kind=SourceKind.FOLDER))
    store.add(_config("amapp", kind=SourceKind.FOLDER))
    assert store.get("webb") == _config("webb")
    assert store.get("okand") is None
    # By name in byte order, whatever the database's collation says of hyphens.
    assert [c.name for c in store.all()] == ["a-mapp", "amapp", "webb"]

    items = {
        "https://webb.example.se/policy/a": KnownItem(
            key="https://webb.example.se/policy/a", document_name="webb-policy-a.html", digest="d1", etag='"e1"',
            last_modified="Wed, 01 Jan 2025 00:00:00 GMT", url="https://webb.example.se/policy/a",
            unseen_runs=1, links=("https://webb.example.se/policy/b", "https://webb.example.se/å")),
        "https://webb.example.se/": KnownItem(key="https://webb.example.se/", document_name="", digest="d2"),
    }
    store.save_run(_report("webb", 1), items)
    assert store.items("webb") == items
    assert store.items("a-mapp") == {}

    # A run of a source that could not be read keeps the items the last good run kept.
    store.save_run(_report("webb", 2).model_copy(update={"status": "failed", "error": "unreachable"}), None)
    assert store.items("webb") == items
    assert [r.started_at for r in store.runs("webb")] == [_report("webb", n).started_at for n in (2, 1)]
    assert store.last_run("webb") == _report("webb", 2).model_copy(update={"status": "failed", "error": "unreachable"})
    assert store.runs("webb", limit=1) == [store.last_run("webb")]
    assert store.last_run("a-mapp") is None

    # A run that read the source replaces the items, all of them.
    store.save_run(_report("webb", 3), {"k": KnownItem(key="k", document_name="k.pdf", digest="d3")})
    assert store.items("webb") == {"k": KnownItem(key="k", document_name="k.pdf", digest="d3")}

    store.delete("webb")
    assert (store.get("webb"), store.items("webb"), store.runs("webb")) == (None, {}, [])
    assert [c.name for c in stores.open().all()] == ["a-mapp", "amapp"]  # another process sees the same


def test_the_store_keeps_the_latest_runs_of_each_source(stores: _Stores) -> None:
    store = stores.open()
    for number in range(RUNS_KEPT + 3):
        store.save_run(_report("many", number), None)
    store.save_run(_report("few", 1), None)
    kept = store.runs("many", limit=1000)
    assert len(kept) == RUNS_KEPT == 50
    assert [r.requests for r in kept] == list(range(RUNS_KEPT + 2, 2, -1))  # newest first, the oldest three gone
    assert [r.requests for r in store.runs("few", limit=1000)] == [1]


def test_the_store_refuses_a_second_source_of_the_same_name(stores: _Stores) -> None:
    store = stores.open()
    store.add(_config("webb"))
    with pytest.raises(SourceExistsError, match="webb"):
        stores.open().add(_config("webb", kind=SourceKind.FOLDER))
    assert store.get("webb") == _config("webb")  # the first one, unchanged


def test_one_sync_at_a_time_across_processes_and_threads(stores: _Stores) -> None:
    first, second = stores.open(), stores.open()  # two processes: two pools, two sessions
    with first.exclusive() as held:
        assert held
        with second.exclusive() as also:
            assert not also  # refused at once, not after a wait
        with first.exclusive() as again:
            assert not again  # another thread of the same process is refused too
    with second.exclusive() as held:
        assert held  # released when the block ended
    with first.exclusive() as held:
        assert held


def test_a_sync_lock_held_by_a_process_that_died_is_free_again(database_url: str) -> None:
    with _pool(database_url) as dying, _pool(database_url) as other:
        with PostgresSourceStore(dying).exclusive() as held:
            assert held and not _takes_it(other)
            # The holder's session ends (its process died, or the server dropped the connection).
            with psycopg.connect(database_url, autocommit=True) as admin:
                ended = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                                      "AND classid = 0 AND objid = %s AND objsubid = 1", (SYNC_LOCK,)).fetchall()
            assert ended == [(True,)]
            deadline = time.monotonic() + 10
            while not _takes_it(other):  # the session's end is asynchronous: a few ms
                assert time.monotonic() < deadline, "the lock outlived its session"
                time.sleep(0.02)
        # Leaving the block on the lost connection raised nothing; the lock is free.
        assert _takes_it(other) and _takes_it(dying)


def _takes_it(pool: ConnectionPool) -> bool:
    with PostgresSourceStore(pool).exclusive() as held:
        return held


# --- changes of the index ---------------------------------------------------------------------


@pytest.fixture
def replica(tmp_path: Path, database_url: str, embedder: Embedder, glossary: Glossary) -> Iterator[PolicyAssistant]:
    """An assistant on PostgreSQL over two shipped documents (quick to ingest)."""
    corpus = tmp_path / "shipped"
    corpus.mkdir()
    for name in SHIPPED:
        shutil.copy(CORPUS / name, corpus / name)
    assistant = make_assistant(tmp_path, embedder, glossary, corpus=corpus, database_url=database_url)
    assistant.ensure_index()
    yield assistant
    assistant.close()


def _backend(assistant: PolicyAssistant) -> PostgresBackend:
    assert isinstance(assistant.backend, PostgresBackend)
    return assistant.backend


def _page(name: str, title: str, body: str, *, source_url: str | None = None,
          access: tuple[str, ...] = ()) -> tuple[str, bytes, Document]:
    """A file a source fetched (Markdown or HTML by the name), parsed as the sync parses it, with
    its access and address set."""
    text = (f"<html><head><title>{title}</title></head><body><h1>{title}</h1><h2>Bakgrund</h2><p>{body}</p>"
            "</body></html>" if name.endswith(".html") else f"# {title}\n\n## Bakgrund\n\n{body}\n")
    data = text.encode()
    document = parse_bytes(data, suffix=Path(name).suffix, source_path=name, document_id=document_id_for(Path(name)))
    return name, data, document.model_copy(update={"source_url": source_url, "access": list(access)})


def _generation(url: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute("SELECT generation FROM assistant_state").fetchone()[0]


def test_apply_changes_puts_and_removes_in_one_generation(replica: PolicyAssistant, database_url: str) -> None:
    before = _generation(database_url)
    shipped = next(d.id for d in replica.documents() if d.municipality == "Tierp")
    bike = _page("cykelpolicy.md", "Cykelpolicy för Exempelby kommun",
                 "Kommunen ger en cykelbonus om 500 kronor till varje anställd som cyklar till arbetet.",
                 source_url="https://exempelby.se/cykelpolicy")
    solar = _page("solceller.md", "Riktlinjer för solceller",
                  "Ett solcellsbidrag om 20 000 kronor ges till föreningar som sätter solceller på taket.")
    _backend(replica).apply_changes(put=[bike, solar], remove=[shipped, "finns-inte"])

    assert _generation(database_url) == before + 1  # one change: every replica serves all of it at once
    ids = {d.id for d in replica.documents()}
    assert {bike[2].id, solar[2].id} <= ids and shipped not in ids
    assert replica.search("Hur stor är cykelbonusen?", k=3)[0].document_id == bike[2].id
    assert replica.search("solcellsbidrag till föreningar", k=3)[0].document_id == solar[2].id
    assert next(d for d in replica.documents() if d.id == bike[2].id).source_url == "https://exempelby.se/cykelpolicy"
    # The shipped file stays removed: the corpus is current, nothing to ingest again.
    assert replica.index_state() is IndexState.CURRENT

    # A put of a name already stored replaces that document (same generation rules).
    changed = _page("cykelpolicy.md", "Cykelpolicy för Exempelby kommun",
                    "Cykelbonusen är nu 800 kronor per anställd.", source_url="https://exempelby.se/cykelpolicy")
    _backend(replica).apply_changes(put=[changed], remove=[])
    assert _generation(database_url) == before + 2
    assert "800 kronor" in replica.document_text(bike[2].id)


def test_apply_changes_with_nothing_to_change_makes_no_generation(replica: PolicyAssistant,
                                                                  database_url: str) -> None:
    before = _generation(database_url)
    _backend(replica).apply_changes(put=[], remove=[])
    _backend(replica).apply_changes(put=[], remove=["finns-inte"])
    assert _generation(database_url) == before


def test_a_documents_address_and_groups_survive_a_rebuild(replica: PolicyAssistant, database_url: str) -> None:
    page = _page("bygglov.html", "Bygglov", "Ansökan om bygglov görs i e-tjänsten.",
                 source_url="https://exempelby.se/bygga/bygglov", access=("bygg",))
    _backend(replica).apply_changes(put=[page], remove=[])
    replica.build_index()  # parses every stored original again
    info = next(d for d in replica.documents() if d.id == page[2].id)
    assert (info.source_url, info.access) == ("https://exempelby.se/bygga/bygglov", ["bygg"])
    with psycopg.connect(database_url) as connection:
        stored = connection.execute("SELECT source, info->>'source_url' FROM documents WHERE id = %s",
                                    (page[2].id,)).fetchone()
    assert stored == ("upload", "https://exempelby.se/bygga/bygglov")
    # An upload has no address, and a rebuild gives it none.
    assert all(d.source_url is None for d in replica.documents() if d.id != page[2].id)


def test_a_failing_change_writes_nothing(replica: PolicyAssistant, database_url: str) -> None:
    """Two names with the same slug are two documents of one id: the insert of the second fails
    inside the transaction, after the removal, which is undone with it."""
    before, documents = _generation(database_url), {d.id for d in replica.documents()}
    shipped = next(d.id for d in replica.documents() if d.municipality == "Tierp")
    first = _page("Plan A.md", "Plan A", "Den första planen om cykelbonus.")
    second = _page("plan-a.md", "Plan A", "Den andra planen om cykelbonus.")
    assert first[2].id == second[2].id
    with pytest.raises(psycopg.errors.UniqueViolation):
        _backend(replica).apply_changes(put=[first, second], remove=[shipped])
    assert _generation(database_url) == before
    assert {d.id for d in replica.documents()} == documents
    with psycopg.connect(database_url) as connection:
        names = {r[0] for r in connection.execute("SELECT filename FROM documents")}
        removed = connection.execute("SELECT count(*) FROM corpus_files WHERE removed").fetchone()[0]
    assert names == set(SHIPPED) and removed == 0
    assert replica.search("Vem ansvarar för integrationen?", k=3)
