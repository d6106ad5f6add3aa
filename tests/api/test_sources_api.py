"""Sources over HTTP (admins only): add, sync, status, remove; clear 4xx for bad input; every
action in the audit trail and each source's last run in the metrics; scheduled syncs inside the
server; a sync seen by every replica over the same store."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.conftest import make_assistant
from tests.sources.test_folder_sync import LIBRARY, PARKING, SNOW

ADMIN_KEY = "an-admin-key"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


@pytest.fixture
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    (root / "parkering.md").write_text(PARKING, encoding="utf-8")
    (root / "snorojning.md").write_text(SNOW, encoding="utf-8")
    return root


@pytest.fixture
def assistant(tmp_path: Path, embedder: Embedder, glossary: Glossary) -> PolicyAssistant:
    built = make_assistant(tmp_path / "site", embedder, glossary, admin_keys=(ADMIN_KEY,), reader_keys=("reader",))
    built.ensure_index()
    return built


@pytest.fixture
def client(assistant: PolicyAssistant) -> TestClient:
    return TestClient(create_app(assistant))


def test_an_admin_adds_syncs_inspects_and_removes_a_folder_source(client: TestClient, share: Path) -> None:
    added = client.post("/v1/sources", headers=ADMIN, json={"name": "delad", "location": str(share),
                                                             "groups": ["personal"], "every": "6h"})
    assert added.status_code == 201, added.text
    assert added.json()["source"]["kind"] == "folder" and added.json()["every"] == "6h"
    assert added.json()["last_run"] is None

    synced = client.post("/v1/sources/delad/sync", headers=ADMIN)
    assert synced.status_code == 200, synced.text
    assert sorted(synced.json()["added"]) == ["delad-parkering", "delad-snorojning"]

    listed = client.get("/v1/sources", headers=ADMIN).json()
    assert [s["source"]["name"] for s in listed] == ["delad"]
    assert listed[0]["last_run"]["status"] == "ok" and listed[0]["next_run_at"]
    detail = client.get("/v1/sources/delad", headers=ADMIN).json()
    assert len(detail["runs"]) == 1

    documents = client.get("/v1/documents", headers=ADMIN).json()["documents"]
    assert {"delad-parkering", "delad-snorojning"} <= {d["id"] for d in documents}
    restricted = client.get("/v1/documents", headers={"Authorization": "Bearer reader"}).json()["documents"]
    assert "delad-parkering" not in {d["id"] for d in restricted}  # the source's groups hold

    removed = client.delete("/v1/sources/delad", headers=ADMIN)
    assert removed.status_code == 200 and sorted(removed.json()["removed"]) == ["delad-parkering", "delad-snorojning"]
    assert client.get("/v1/sources/delad", headers=ADMIN).status_code == 404

    actions = [e["action"] for e in client.get("/v1/audit", headers=ADMIN).json()]
    assert actions[:3] == ["source removed", "source synced", "source added"]


def test_the_last_run_is_in_the_metrics(client: TestClient, share: Path) -> None:
    client.post("/v1/sources", headers=ADMIN, json={"name": "delad", "location": str(share)})
    (share / "trasig.pdf").write_bytes(b"%PDF-1.7\nnot really")
    client.post("/v1/sources/delad/sync", headers=ADMIN)

    metrics = client.get("/metrics").text

    assert 'policy_assistant_source_last_sync_items{outcome="added",source="delad"} 2.0' in metrics
    assert 'policy_assistant_source_last_sync_items{outcome="failed",source="delad"} 1.0' in metrics
    assert 'policy_assistant_source_last_sync_ok{source="delad"} 1.0' in metrics


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"name": "Delad Mapp", "location": "."}, 422, "lowercase letters"),
    ({"name": "saknas", "location": "/no/such/folder"}, 422, "does not exist"),
    ({"name": "ofta", "location": ".", "every": "10s"}, 422, "an interval is a number"),
    ({"name": "grupp", "location": ".", "groups": ["bad group!"]}, 422, "group"),
    ({"name": "webb", "location": "ftp://kommun.se/"}, 422, "http(s)://"),
    ({"name": "x", "location": ".", "unknown": 1}, 422, "unknown"),
    ({"name": "lang", "location": "0" * 1999}, 422, "does not exist"),  # too long for the file system
    ({"name": "nul", "location": "/tmp/a\u0000b"}, 422, "does not exist"),
])
def test_bad_sources_are_a_clear_4xx(client: TestClient, body: dict[str, object], status: int, message: str) -> None:
    response = client.post("/v1/sources", headers=ADMIN, json=body)
    assert response.status_code == status, response.text
    assert message.lower() in response.text.lower()
    assert client.get("/v1/sources", headers=ADMIN).json() == []


def test_unknown_names_conflicts_and_readers_are_refused(client: TestClient, assistant: PolicyAssistant,
                                                         share: Path) -> None:
    assert client.post("/v1/sources/none/sync", headers=ADMIN).status_code == 404
    assert client.delete("/v1/sources/none", headers=ADMIN).status_code == 404
    assert client.get("/v1/sources", headers={"Authorization": "Bearer reader"}).status_code == 403
    body = {"name": "delad", "location": str(share)}
    assert client.post("/v1/sources", headers=ADMIN, json=body).status_code == 201
    again = client.post("/v1/sources", headers=ADMIN, json=body)
    assert again.status_code == 409 and "exists already" in again.text
    with assistant.sources.store.exclusive():
        busy = client.post("/v1/sources/delad/sync", headers=ADMIN)
    assert busy.status_code == 409 and "another sync is running" in busy.text


def test_a_due_source_is_synced_by_the_running_server(assistant: PolicyAssistant, share: Path) -> None:
    assistant.sources.add("delad", str(share), every="1h")  # never synced: due at once
    scheduler = assistant.start_scheduled_syncs(check_seconds=0.1)
    try:
        deadline = time.monotonic() + 60
        while assistant.sources.store.last_run("delad") is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert scheduler.run_once() == []  # synced once; the next is due in an hour
    finally:
        scheduler.stop()
    assert assistant.sources.store.last_run("delad").added == ["delad-parkering", "delad-snorojning"]
    [entry] = [e for e in assistant.audit() if e.action == "source synced"]
    assert entry.key_name == "scheduler" and entry.target.startswith("delad: ok, 2 added")


def test_a_sync_on_one_replica_is_served_by_the_other(tmp_path: Path, assistant: PolicyAssistant,
                                                      embedder: Embedder, glossary: Glossary, share: Path) -> None:
    other = PolicyAssistant(settings=assistant.settings, embedder=embedder, glossary=glossary)
    assistant.sources.add("delad", str(share))
    (share / "bibliotek.md").write_text(LIBRARY, encoding="utf-8")
    assistant.sources.sync("delad")
    assert "delad-bibliotek" in {d.id for d in other.documents()}
    assert [s.source.name for s in other.sources.statuses()] == ["delad"]

    (share / "bibliotek.md").unlink()
    other.sources.sync("delad")  # the other replica syncs the deletion
    time.sleep(1.1)  # a replica looks for a newer published index once a second
    assert "delad-bibliotek" not in {d.id for d in assistant.documents()}
    hits = assistant.search("Hur ofta besöker biblioteksbussen byarna?", k=10)
    assert all(hit.document_id != "delad-bibliotek" for hit in hits)
