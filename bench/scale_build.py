"""Building for ``bench/scale.py``: the index built (and one document added) in a spawned child
process, timed with its peak memory; the perturbed embeddings that stand in for real ones above
``--real-max`` (a real base vector chosen by text hash plus seeded Gaussian noise); the per-file parse cost."""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import random
import resource
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.embed import Embedder
from bench.scale_common import NOISE_NORM, bench_settings, folder_bytes, quiet_libraries, real_embedder

# --- perturbed embeddings for sizes not embedded for real ------------------------------------------


class Perturber:
    """Unit vectors for any text from a base of real ones: the text's own vector when the base holds
    it, else a base vector chosen by the text's hash; plus Gaussian noise seeded by that hash."""

    def __init__(self, vectors: np.ndarray, keys: np.ndarray, *, noise_norm: float = NOISE_NORM) -> None:
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._rows = {bytes(key): row for row, key in enumerate(keys)}
        self._sigma = noise_norm / np.sqrt(self._vectors.shape[1])

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha256(text.encode()).digest()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self._vectors.shape[1]), dtype=np.float32)
        for i, text in enumerate(texts):
            key = self.key(text)
            seed = int.from_bytes(key[:8], "little")
            row = self._rows.get(key, seed % len(self._vectors))
            noise = np.random.default_rng(seed).standard_normal(self._vectors.shape[1]).astype(np.float32)
            vector = self._vectors[row] + noise * self._sigma
            out[i] = vector / np.linalg.norm(vector)
        return out

    def save(self, path: Path) -> None:
        keys = np.array([np.frombuffer(key, dtype=np.uint8) for key in self._rows], dtype=np.uint8)
        np.savez(path, vectors=self._vectors, keys=keys)

    @classmethod
    def load(cls, path: Path) -> Perturber:
        with np.load(path, allow_pickle=False) as data:
            return cls(data["vectors"], data["keys"])


class PerturbedEmbedder(Embedder):
    """The real embedder for tokens and queries; perturbed base vectors for passages."""

    def __init__(self, real: Embedder, perturber: Perturber) -> None:
        self._real = real
        self._perturber = perturber
        self.model_id = real.model_id
        self.dimension = real.dimension
        self.max_tokens = real.max_tokens
        self.query_prefix = real.query_prefix
        self.passage_prefix = real.passage_prefix

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self._perturber.vectors(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._real.embed_queries(texts)

    def count_tokens(self, text: str) -> int:
        return self._real.count_tokens(text)


def save_base(index_dir: Path, target: Path, *, passage_prefix: str) -> int:
    """Keep the real vectors of a built index, keyed by the exact texts embedded."""
    import faiss

    from assistant.index.build import SearchIndex
    from assistant.index.layout import IndexLayout

    version = IndexLayout(index_dir).current()
    assert version is not None
    index = SearchIndex.load(version)
    try:
        chunks = index.store.chunks(range(index.store.chunk_count))
        keys = [Perturber.key(passage_prefix + chunks[row].embedding_text) for row in range(len(chunks))]
    finally:
        index.close()
    flat = faiss.read_index(str(version / "vectors.faiss"))
    vectors = flat.reconstruct_n(0, flat.ntotal)
    Perturber(vectors, np.array([np.frombuffer(k, dtype=np.uint8) for k in keys])).save(target)
    return len(keys)

# --- building in a child process -----------------------------------------------------------------------


@dataclass(frozen=True)
class BuildSpec:
    corpus: Path
    index_dir: Path
    data_dir: Path
    hnsw_threshold: int
    base: Path | None = None  # perturbed embeddings from this base
    backend: str | None = None  # embedding backend, else the settings'


@dataclass(frozen=True)
class BuildResult:
    seconds: float
    chunks: int
    documents: int
    skipped: int
    kind: str
    peak_rss: int
    rss_before: int  # after loading the model, before building
    disk_bytes: int

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds


def _build(spec: BuildSpec) -> BuildResult:
    """In a fresh process: wire the assistant, build, report time and peak memory."""
    quiet_libraries()
    from assistant.facade import PolicyAssistant
    from assistant.glossary import Glossary

    settings = bench_settings(corpus=spec.corpus, index_dir=spec.index_dir, data_dir=spec.data_dir,
                              hnsw_threshold=spec.hnsw_threshold, backend=spec.backend)
    real = real_embedder(settings)
    embedder = real if spec.base is None else PerturbedEmbedder(real, Perturber.load(spec.base))
    assistant = PolicyAssistant(settings=settings, embedder=embedder, glossary=Glossary.load_default())
    before = peak_rss()
    began = time.perf_counter()
    manifest = assistant.build_index()
    seconds = time.perf_counter() - began
    peak = peak_rss()
    version = assistant.layout.current()
    assert version is not None
    return BuildResult(seconds=seconds, chunks=manifest.chunks, documents=manifest.documents,
                       skipped=len(manifest.skipped), kind=manifest.vector_index, peak_rss=peak,
                       rss_before=before, disk_bytes=folder_bytes(version))


def peak_rss() -> int:
    """This process's peak resident memory in bytes. ``VmHWM`` where Linux has it: ``ru_maxrss``
    carries the parent's RSS over ``exec``, which would charge a spawned child with its parent's."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@dataclass(frozen=True)
class AddResult:
    seconds: float  # library.add: parse in a worker, chunk, embed, append, publish, load the new version
    chunks: int  # the added document's
    total: int  # the index's after the add
    appended: bool  # False: the build fell back to a full rebuild
    load_seconds: float  # opening the index before the add (not part of the add)


ADDED_NAME = "bench-tillagd-policy.txt"


def _add_document(spec: BuildSpec, source: Path) -> AddResult:
    """In a fresh process: serve the built index, then add one real policy (under a new name and
    municipality) through ``PolicyAssistant.library.add``, embedded for real, as an upload would be."""
    quiet_libraries()
    from assistant.facade import PolicyAssistant
    from assistant.glossary import Glossary

    settings = bench_settings(corpus=spec.corpus, index_dir=spec.index_dir, data_dir=spec.data_dir,
                              hnsw_threshold=spec.hnsw_threshold)
    assistant = PolicyAssistant(settings=settings, embedder=real_embedder(settings), glossary=Glossary.load_default())
    began = time.perf_counter()
    before = assistant.load_index()
    loaded = time.perf_counter() - began
    data = source.read_text(encoding="utf-8").replace("Tranås", "Heby").encode()
    began = time.perf_counter()
    info = assistant.library.add(ADDED_NAME, data)
    seconds = time.perf_counter() - began
    manifest = assistant.manifest
    served = info.id in {d.id for d in assistant.documents()}
    return AddResult(seconds=seconds, chunks=manifest.chunks - before.chunks, total=manifest.chunks,
                     appended=manifest.appended_to == before.version and served, load_seconds=loaded)


def add_in_child(spec: BuildSpec, source: Path) -> AddResult:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_add_document, spec, source).result()


def build_in_child(spec: BuildSpec) -> BuildResult:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_build, spec).result()

# --- parsing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParseCost:
    files: int
    build_ms: float  # per file, through the build's parse_corpus (as the product parses a corpus)
    direct_ms: float  # per file, parse_file in this process


def parse_cost(corpus: Path, *, sample: int, work: Path) -> ParseCost:
    """Per-file parse time the way the index build parses, and parsing in-process, on the same files."""
    import shutil

    from assistant.index.build import parse_corpus
    from assistant.parse import parse_file

    files = sorted(p for p in corpus.iterdir() if p.is_file())
    chosen = random.Random(0).sample(files, min(sample, len(files)))
    folder = work / "parse-sample"
    folder.mkdir()
    for path in chosen:
        shutil.copy(path, folder / path.name)
    began = time.perf_counter()
    parse_corpus(folder)
    build_ms = (time.perf_counter() - began) * 1000 / len(chosen)
    began = time.perf_counter()
    for path in sorted(folder.iterdir()):
        parse_file(path)
    direct_ms = (time.perf_counter() - began) * 1000 / len(chosen)
    shutil.rmtree(folder)
    return ParseCost(files=len(chosen), build_ms=build_ms, direct_ms=direct_ms)
