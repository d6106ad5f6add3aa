"""Two API replicas over one PostgreSQL, each a real uvicorn server on loopback: a PDF uploaded
through one is answered by the other as soon as the upload is acknowledged, and a delete through
the other is gone from the first, with no restart and no rebuild."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.server import serve_in_background
from assistant.embed import Embedder
from assistant.glossary import Glossary
from tests.api.test_unseen_upload import cycling_guideline_pdf
from tests.conftest import make_assistant

ADMIN = {"Authorization": "Bearer an-admin-key"}


@pytest.fixture
def replicas(tmp_path: Path, database_url: str, embedder: Embedder,
             glossary: Glossary) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    with ExitStack() as stack:
        clients = []
        for name in ("a", "b"):
            assistant = make_assistant(tmp_path / name, embedder, glossary, database_url=database_url,
                                       admin_keys=("an-admin-key",))
            assistant.ensure_index()
            stack.callback(assistant.close)
            url = stack.enter_context(serve_in_background(create_app(assistant)))
            clients.append(stack.enter_context(httpx.Client(base_url=url, timeout=60)))
        yield clients[0], clients[1]


def test_an_upload_to_one_replica_is_answered_by_the_other(replicas: tuple[httpx.Client, httpx.Client]) -> None:
    first, second = replicas
    assert first.get("/healthz").json()["index_version"] == second.get("/healthz").json()["index_version"]
    uploaded = first.post("/v1/documents", headers=ADMIN,
                          files={"file": ("cykelpremie.pdf", cycling_guideline_pdf(), "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text
    document_id = uploaded.json()["id"]

    answer = second.post("/v1/ask", json={"question": "Hur stor är cykelpremien?"}).json()
    assert not answer["abstained"] and "500 kronor" in answer["answer"]
    assert answer["citations"][0]["document_id"] == document_id
    assert second.get(f"/v1/documents/{document_id}").status_code == 200

    assert second.delete(f"/v1/documents/{document_id}", headers=ADMIN).status_code == 204
    assert first.get(f"/v1/documents/{document_id}").status_code == 404
    hits = first.post("/v1/search", json={"query": "cykelpremie 500 kronor", "k": 5}).json()["hits"]
    assert all(hit["document_id"] != document_id for hit in hits)


def test_bad_input_to_a_replica_is_a_clear_4xx_and_loses_nothing(
        replicas: tuple[httpx.Client, httpx.Client]) -> None:
    first, second = replicas
    before = second.get("/v1/documents").json()
    refused = first.post("/v1/documents", headers=ADMIN,
                         files={"file": ("trasig.pdf", b"%PDF-1.7 not really a pdf", "application/pdf")})
    assert 400 <= refused.status_code < 500 and "pdf" in refused.text.lower()
    assert second.get("/v1/documents").json() == before
