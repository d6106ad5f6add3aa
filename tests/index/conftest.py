"""Fixtures shared by the index tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.conftest import CORPUS, make_assistant


@pytest.fixture
def small(tmp_path: Path, embedder: Embedder, glossary: Glossary) -> PolicyAssistant:
    """An assistant over two of the seed documents (quick to build)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("tierp-handlingsplan-for-integration.txt", "varnamo-policy-for-integrationspolitik.txt"):
        shutil.copy(CORPUS / name, corpus / name)
    return make_assistant(tmp_path, embedder, glossary)
