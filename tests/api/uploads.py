"""A served assistant over the shipped corpus with a new user's own files uploaded through the API,
as the upload tests use it."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from assistant.embed import Embedder
from assistant.glossary import Glossary
from tests.conftest import CORPUS, make_assistant

ADMIN = "a-test-admin-key"


def client_with_uploads(root: Path, embedder: Embedder, glossary: Glossary,
                        files: Sequence[tuple[str, bytes, str]]) -> TestClient:
    """A client of an assistant over a copy of the corpus in ``root``, with each ``(name, bytes,
    content type)`` uploaded by an admin (each upload must be accepted)."""
    shutil.copytree(CORPUS, root / "corpus")
    assistant = make_assistant(root, embedder, glossary, admin_keys=(ADMIN,))
    assistant.ensure_index()
    client = TestClient(create_app(assistant))
    for name, data, content_type in files:
        uploaded = client.post("/v1/documents", headers={"Authorization": f"Bearer {ADMIN}"},
                               files={"file": (name, data, content_type)})
        assert uploaded.status_code == 201, uploaded.text
    return client
