"""The crash test's checks (``bench/crasher.py``): after a restart, what was acknowledged
survived, nothing is half-present, the index on disk loads and agrees with the corpus folder, the
server serves that version and the golden questions still answer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.errors import CorruptIndexError
from assistant.index.build import SearchIndex, corpus_files, corpus_fingerprint
from assistant.index.layout import IndexLayout
from assistant.parse import document_id_for
from bench.crash_harness import GOLDEN, Checks, Ledger, Server, Workspace


def hit_documents(client: httpx.Client, marker: str) -> list[str]:
    """Document ids of the hits of a search for ``marker``, best first."""
    response = client.post("/v1/search", json={"query": marker, "k": 5})
    response.raise_for_status()
    return [hit["document_id"] for hit in response.json()["hits"]]


def listed(client: httpx.Client) -> set[str]:
    response = client.get("/v1/documents")
    response.raise_for_status()
    return {document["id"] for document in response.json()["documents"]}


def check_golden(client: httpx.Client, checks: Checks) -> None:
    for question, expected in GOLDEN:
        answer = client.post("/v1/ask", json={"question": question}).json()
        checks.expect(expected in answer.get("answer", "") and not answer.get("abstained"),
                      f"golden question {question!r} no longer names {expected!r}: {answer.get('answer')!r}")


def check_ledger(client: httpx.Client, workspace: Workspace, ledger: Ledger, checks: Checks) -> None:
    """Acknowledged uploads present, acknowledged deletes absent, in-flight ones whole either way
    (and then moved to ``present`` or ``absent``)."""
    documents = listed(client)
    for document_id, marker in ledger.present.items():
        state = _presence(client, workspace, documents, document_id, marker)
        checks.expect(state == (True, True, True), f"acknowledged upload {document_id} (listed, top hit, "
                      f"file) = {state}")
    for document_id, marker in ledger.absent.items():
        if document_id in ledger.searched:  # back only with a corpus file: the disk check would see it
            state = (document_id in documents, False, (workspace.uploads / f"{document_id}.md").exists())
        else:
            state = _presence(client, workspace, documents, document_id, marker, anywhere=True)
            ledger.searched.add(document_id)
        checks.expect(state == (False, False, False), f"deleted {document_id} (listed, found, file) = {state}")
    for document_id, (marker, _) in list(ledger.uncertain.items()):
        state = _presence(client, workspace, documents, document_id, marker)
        ledger.settle(document_id, state, checks, seen="listed, top hit, file")


def _presence(client: httpx.Client, workspace: Workspace, documents: set[str], document_id: str, marker: str,
              *, anywhere: bool = False) -> tuple[bool, bool, bool]:
    hits = hit_documents(client, marker)
    found = document_id in hits if anywhere else bool(hits) and hits[0] == document_id
    return document_id in documents, found, (workspace.uploads / f"{document_id}.md").exists()


@dataclass(frozen=True)
class Disk:
    """The serving version on disk: its name and its store's document ids."""

    version: str | None
    documents: frozenset[str] = frozenset()


def check_disk(workspace: Workspace, checks: Checks, *, fresh: bool) -> Disk:
    """Open the serving version read-only and check it (with ``fresh``: it also is exactly the corpus
    folder as it is now); every other folder in ``versions/`` must load too. Cost: loads each version."""
    current = IndexLayout(workspace.index).current()
    if not checks.expect(current is not None, "CURRENT names no existing version"):
        return Disk(None)
    assert current is not None
    for version in sorted((workspace.index / "versions").iterdir()):
        if version != current and (index := _load(version, checks)) is not None:
            index.close()
    index = _load(current, checks)
    if index is None:
        return Disk(current.name)
    try:
        _check_version(index, workspace, checks, fresh=fresh)
        return Disk(current.name, frozenset(index.store.documents))
    finally:
        index.close()


def _load(directory: Path, checks: Checks) -> SearchIndex | None:
    try:
        index = SearchIndex.load(directory)
    except CorruptIndexError as error:
        checks.expect(False, f"SearchIndex.load refuses {directory.name}: {error}")
        return None
    checks.expect(True, "")
    return index


def _check_version(index: SearchIndex, workspace: Workspace, checks: Checks, *, fresh: bool) -> None:
    chunks = index.store.all_chunks()
    ids = [chunk.chunk_id for chunk in chunks]
    documents = set(index.store.documents)
    owners = {chunk.document_id for chunk in chunks}
    checks.expect(len(ids) == len(set(ids)) == index.manifest.chunks, f"{len(ids) - len(set(ids))} duplicate "
                  f"chunk ids of {len(ids)} (manifest: {index.manifest.chunks})")
    checks.expect(owners <= documents, f"chunks of documents not in the store: {sorted(owners - documents)}")
    checks.expect(documents <= owners, f"documents without chunks: {sorted(documents - owners)}")
    checks.expect(len(documents) == index.manifest.documents, "the manifest's document count is not the store's")
    if fresh:
        files = {document_id_for(path) for path in corpus_files(workspace.documents)}
        skipped = {document_id_for(Path(item["name"])) for item in index.manifest.skipped}
        checks.expect(documents == files - skipped, f"store vs corpus folder: only in the store "
                      f"{sorted(documents - files)}, only in the folder {sorted(files - skipped - documents)}")
        checks.expect(index.manifest.corpus_hash == corpus_fingerprint(workspace.documents),
                      "the serving version was not built from the corpus folder as it is")


def serving_version(client: httpx.Client) -> str | None:
    return client.get("/healthz").json().get("index_version")


def check_all(server: Server, ledger: Ledger, checks: Checks) -> Disk:
    """Everything a restarted server must satisfy; returns the serving version."""
    disk = check_disk(server.workspace, checks, fresh=True)
    with server.client() as client:
        served = serving_version(client)
        checks.expect(served == disk.version, f"the server serves {served}, CURRENT is {disk.version}")
        checks.expect(listed(client) == disk.documents, "/v1/documents differs from the serving version's store")
        check_ledger(client, server.workspace, ledger, checks)
        check_golden(client, checks)
    for problem in ledger.unexpected:
        checks.expect(False, f"unexpected answer: {problem}")
    ledger.unexpected.clear()
    return disk
