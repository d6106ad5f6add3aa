"""Shared fixtures: the real packaged model and one real index over the real corpus, built once
per session; every test runs with a clean environment and its own working directory."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.embed import SentenceTransformerEmbedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
QUESTIONS = REPO / "tests" / "eval" / "questions.jsonl"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the developer's shell; relative paths land in a scratch folder."""
    import os

    for name in list(os.environ):
        if name.startswith("ASSISTANT_") or name in {"OPENAI_API_KEY", "OPENAI_BASE_URL"}:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2, loaded once for the whole session (no download)."""
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def glossary() -> Glossary:
    return Glossary.load_default()


def make_assistant(root: Path, embedder: SentenceTransformerEmbedder, glossary: Glossary,
                   *, corpus: Path | None = None, **overrides: object) -> PolicyAssistant:
    """An assistant over a private copy of the corpus (tests may add or break files in it). Rate
    limiting is off unless ``overrides`` set it: a test client is one caller making requests as fast
    as it can (``tests/api/test_limits.py`` tests the limits)."""
    corpus_dir = root / "corpus"
    if not corpus_dir.exists():
        shutil.copytree(corpus or CORPUS, corpus_dir)
    overrides.setdefault("rate_limit_per_minute", 0)
    settings = Settings(corpus_dir=corpus_dir, index_dir=root / "index", **overrides)
    return PolicyAssistant(settings=settings, embedder=embedder, glossary=glossary)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder,
              glossary: Glossary) -> Iterator[PolicyAssistant]:
    """One assistant with the real corpus indexed, shared read-only by the session's tests."""
    built = make_assistant(tmp_path_factory.mktemp("shared"), embedder, glossary)
    built.ensure_index()
    yield built
