"""Index step: parse the corpus, chunk, embed, and write one complete index version.

``IndexBuilder.build`` is the only writer; ``SearchIndex.load`` the only reader. A loaded index is
checked for consistency (every part has one entry per chunk) and refused loudly otherwise.

A build is incremental when it can be: if the corpus only gained files since the serving version
(same model and settings, no file changed or removed), the new version is that version plus the new
documents' rows, and only the new documents are parsed, chunked and embedded. Otherwise everything
is rebuilt, with unchanged files' parses and chunk embeddings taken from their caches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np

from assistant.chunk import Chunker
from assistant.corpus import Corpus, access_path, origin_path, supported_files
from assistant.embed import Embedder
from assistant.errors import CorruptIndexError, IndexNotReadyError
from assistant.glossary import Glossary
from assistant.index.backend import Scope
from assistant.index.chunk_vectors import ChunkVectorizer, UnitVectorMode
from assistant.index.embedding_cache import EmbeddingCache
from assistant.index.layout import IndexLayout, Manifest, VersionHold
from assistant.index.lexical import LexicalIndex, SwedishAnalyzer
from assistant.index.parse_cache import ParseCache
from assistant.index.pipeline import SkippedFile, embed_while_parsing, parsed_documents
from assistant.index.store import ChunkStore, append_store, write_store
from assistant.index.units import UnitVectors
from assistant.index.vectors import VectorIndex
from assistant.models import Chunk, Document
from assistant.parse.guard import ParseLimits

logger = logging.getLogger(__name__)

# Bump when parsing or chunking changes what an index holds, so old indexes count as stale.
# 2: BM25 term ids saved; 3: unit vectors, lexical text; 4: owner municipality; 5: PDF layout, pages, OCR;
# 6: Markdown without strong emphasis markers; 7: plain text without them too; 8, 9: a line break
# inside a sentence does not end its unit; 10: prose above a Markdown rule is body text, not a heading;
# 11: an abbreviation's period ("f. 1946", "prop. 2016/17:104") ends no unit; 12: a PDF title wraps after a comma;
# 13: a Markdown link is its text alone; 14: soft hyphens out of Markdown and text; 15: back in (see
# parse/characters.py); 16: a colon genitive ("NGO:s.") ends a sentence; 17: a short line above the
# first heading (a one-page PDF's running header) is not the title, a registration number glued to a
# Markdown heading is a line of its own; 18: a crooked scan's words are read level (its paragraphs kept),
# a document's type is what its title begins by naming; 19: a PDF's gutter is found among the body
# text's lines, a dash opens a quotation's paragraph, a table row under a caption names the columns;
# 20: a line breaking after a linking word goes on, a PDF page of one-line paragraphs keeps them apart;
# 21: a title's period ("Kungl. Maj:t", "H.E. Mr") ends no unit, a PDF chapter's items numbered again
# from 1 are its subsections; 22: an appropriation item's period ("ap. 3") ends no unit; 23: nor two
# initials' ("V.S. Visit Sweden AB"); 24: nor a middle initial's ("professor Torben M. Andersen");
# 25: nor that of a word always followed by another ("s.k. REFIT-åtgärder", "f.d. Jugoslavien");
# 26: nor that of a committee's terms of reference ("dir. 2023:109")
PIPELINE_VERSION = "26"
_LEXICAL_DIR = "lexical"


@dataclass(frozen=True, slots=True)
class ParsedCorpus:
    documents: list[Document]
    skipped: list[SkippedFile]


CorpusSource = Path | Corpus
"""A corpus folder, or a ``Corpus`` (the shipped folder overlaid by uploads)."""


def corpus_files(corpus_dir: CorpusSource) -> list[Path]:
    """The files to index, sorted by name: supported files directly in a folder (hidden files
    ignored), or a ``Corpus``'s files."""
    return corpus_dir.files() if isinstance(corpus_dir, Corpus) else supported_files(corpus_dir)


def corpus_digests(corpus_dir: CorpusSource) -> dict[str, str]:
    """The SHA-256 of each supported file's bytes (and of its access sidecar, if any: a change of
    who may read a document rebuilds), by file name. Cost: reads every file once."""
    return {path.name: file_digest(path) for path in corpus_files(corpus_dir)}


def file_digest(path: Path) -> str:
    """SHA-256 of a document file's bytes, followed by its access and origin sidecars' when it has them."""
    digest = hashlib.sha256(path.read_bytes())
    if access_path(path).is_file():
        digest.update(b"\0access\0" + access_path(path).read_bytes())
    if origin_path(path).is_file():
        digest.update(b"\0origin\0" + origin_path(path).read_bytes())
    return digest.hexdigest()


def fingerprint_of(digests: dict[str, str]) -> str:
    """One hash of the corpus's file names and contents, from ``corpus_digests``."""
    digest = hashlib.sha256()
    for name in sorted(digests):
        digest.update(name.encode())
        digest.update(bytes.fromhex(digests[name]))
    return digest.hexdigest()


def corpus_fingerprint(corpus_dir: CorpusSource) -> str:
    """A hash of the corpus's file names and contents. Cost: reads every file once."""
    return fingerprint_of(corpus_digests(corpus_dir))


def parse_corpus(corpus_dir: CorpusSource, *, cache: ParseCache | None = None,
                 limits: ParseLimits | None = None) -> ParsedCorpus:
    """``parse_files`` over every supported file of ``corpus_dir``."""
    return parse_files(corpus_files(corpus_dir), cache=cache, limits=limits)


def parse_files(paths: list[Path], *, cache: ParseCache | None = None,
                limits: ParseLimits | None = None) -> ParsedCorpus:
    """Parse each file in a worker process (a few at once) within ``limits`` (default:
    ``ParseLimits()``; ``Settings.parse_limits()`` carries the configured OCR limits); a file
    that fails or is refused as hostile is skipped with a warning naming it. Files unchanged since
    a previous build come from ``cache`` without a worker. Cost: see ``parsed_documents``."""
    documents, skipped = [], []
    for _, result in parsed_documents(paths, cache=cache, limits=limits or ParseLimits()):
        if isinstance(result, SkippedFile):
            skipped.append(result)
        else:
            documents.append(result)
    return ParsedCorpus(documents, skipped)


class IndexBuilder:
    """Builds index versions. Collaborators are passed in, so tests and benchmarks choose them."""

    def __init__(self, *, embedder: Embedder, chunker: Chunker, glossary: Glossary, config_hash: str,
                 hnsw_threshold: int, hnsw_m: int, batch_size: int, cache: EmbeddingCache | None = None,
                 parse_cache: ParseCache | None = None, parse_limits: ParseLimits | None = None,
                 unit_vectors: UnitVectorMode = "separate") -> None:
        self._embedder = embedder
        self._chunker = chunker
        self._glossary = glossary
        self._config_hash = config_hash
        self._hnsw_threshold = hnsw_threshold
        self._hnsw_m = hnsw_m
        self._vectorizer = ChunkVectorizer(embedder=embedder, batch_size=batch_size, cache=cache,
                                           unit_vectors=unit_vectors)
        self._parse_cache = parse_cache
        self._parse_limits = parse_limits

    def build(self, corpus_dir: CorpusSource, layout: IndexLayout, *,
              progress: Callable[[int, int], None] | None = None) -> Manifest:
        """Build from ``corpus_dir`` and publish atomically: by appending the new files' documents to
        the serving version when the corpus only gained files, else in full. ``progress(done,
        total)`` reports chunks embedded. Raises ``IndexNotReadyError`` if no document could be parsed.

        Cost: a full build is dominated by embedding (about 20-60 chunks/s per core with the default
        model, only for chunks not in the embedding cache) and, from about 10k chunks, by building
        HNSW. An append costs the new documents' parsing and embedding, plus copying the base version
        and rescoring BM25 (seconds at 100k chunks).
        """
        started = time.perf_counter()
        with layout.build_lock():
            digests = corpus_digests(corpus_dir)
            base = self._appendable_base(layout, digests)
            if base is not None:
                manifest = self._append(corpus_dir, layout, base, digests=digests, started=started,
                                        progress=progress)
                if manifest is not None:
                    return manifest
            return self._build_full(corpus_dir, layout, digests=digests, started=started, progress=progress)

    def _build_full(self, corpus_dir: CorpusSource, layout: IndexLayout, *, digests: dict[str, str], started: float,
                    progress: Callable[[int, int], None] | None) -> Manifest:
        embedded = embed_while_parsing(corpus_files(corpus_dir), chunker=self._chunker, vectorizer=self._vectorizer,
                                       cache=self._parse_cache, limits=self._parse_limits or ParseLimits(),
                                       progress=progress)
        if not embedded.documents:
            raise IndexNotReadyError(f"no readable documents in the corpus folder ({len(embedded.skipped)} skipped)")
        staging = layout.new_staging()
        vectors, unit_vectors = embedded.stacked(self._embedder.dimension)
        self._write_parts(staging, embedded.documents, embedded.chunks, vectors=vectors, unit_vectors=unit_vectors)
        manifest = self._manifest(digests, documents=len(embedded.documents), chunks=len(embedded.chunks),
                                  vector_index="hnsw" if len(embedded.chunks) >= self._hnsw_threshold else "flat",
                                  skipped=embedded.skipped, started=started)
        layout.publish(staging, manifest)
        return manifest

    def _appendable_base(self, layout: IndexLayout, digests: dict[str, str]) -> Manifest | None:
        """The serving version's manifest if the corpus differs from it only by added files."""
        current = layout.current()
        if current is None:
            return None
        try:
            base = Manifest.read(current)
        except (OSError, ValueError, TypeError):
            return None
        unchanged = all(digests.get(name) == digest for name, digest in base.files.items())
        same_config = base.config_hash == self._config_hash and base.model == self._embedder.model_id
        return base if base.files and unchanged and same_config and len(digests) > len(base.files) else None

    def _append(self, corpus_dir: CorpusSource, layout: IndexLayout, base: Manifest, *, digests: dict[str, str],
                started: float, progress: Callable[[int, int], None] | None) -> Manifest | None:
        """Publish ``base`` plus the documents of the files it lacks; ``None`` (nothing written)
        when that cannot give the index a full build would: the base is unreadable or has no saved
        BM25 term ids, a new document's id is taken, or the rows would cross the HNSW threshold."""
        new_files = [path for path in corpus_files(corpus_dir) if path.name not in base.files]
        corpus = parse_files(new_files, cache=self._parse_cache, limits=self._parse_limits)
        chunks = [chunk for document in corpus.documents for chunk in self._chunker.chunk(document)]
        if base.vector_index == "flat" and base.chunks + len(chunks) >= self._hnsw_threshold:
            return None
        base_dir = layout.versions / base.version
        try:
            index = SearchIndex.load(base_dir)
        except CorruptIndexError as error:
            logger.warning("%s: building in full instead of appending", error)
            return None
        try:
            if not index.lexical.extendable or any(d.id in index.store.documents for d in corpus.documents):
                return None
            vectors, unit_vectors = self.embed_chunks(corpus.documents, chunks, progress=progress)
            index.vectors.add(vectors)
            staging = layout.new_staging()
            index.vectors.save(staging)
            index.units.extended(unit_vectors, [len(chunk.units) for chunk in chunks]).save(staging)
            index.lexical.extended([chunk.lexical_text for chunk in chunks]).save(staging / _LEXICAL_DIR)
            append_store(staging, base_dir, corpus.documents, chunks)
        finally:
            index.close()
        skipped = [SkippedFile(s["name"], s["reason"]) for s in base.skipped] + corpus.skipped
        manifest = self._manifest(digests, documents=base.documents + len(corpus.documents),
                                  chunks=base.chunks + len(chunks), vector_index=base.vector_index,
                                  skipped=skipped, started=started, appended_to=base.version)
        layout.publish(staging, manifest)
        logger.info("appended %d documents (%d chunks) to index version %s", len(corpus.documents), len(chunks),
                    base.version)
        return manifest

    def _manifest(self, digests: dict[str, str], *, documents: int, chunks: int, vector_index: str,
                  skipped: list[SkippedFile], started: float, appended_to: str | None = None) -> Manifest:
        fingerprint = fingerprint_of(digests)
        return Manifest(
            version=f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{fingerprint[:8]}",
            model=self._embedder.model_id, dimension=self._embedder.dimension,
            corpus_hash=fingerprint, config_hash=self._config_hash, documents=documents, chunks=chunks,
            vector_index=vector_index, built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - started, 3), packages=_package_versions(),
            skipped=[{"name": s.name, "reason": s.reason} for s in skipped], files=digests,
            appended_to=appended_to,
        )

    def _write_parts(self, directory: Path, documents: list[Document], chunks: list[Chunk], *,
                     vectors: np.ndarray, unit_vectors: np.ndarray) -> None:
        VectorIndex.build(vectors, hnsw_threshold=self._hnsw_threshold, hnsw_m=self._hnsw_m).save(directory)
        UnitVectors.build(unit_vectors, [len(chunk.units) for chunk in chunks]).save(directory)
        analyzer = SwedishAnalyzer.from_texts(
            [chunk.text for chunk in chunks],
            extra_words=self._glossary.lexicon_forms)
        lexical_dir = directory / _LEXICAL_DIR
        lexical_dir.mkdir()
        LexicalIndex.build([chunk.lexical_text for chunk in chunks], analyzer=analyzer).save(lexical_dir)
        write_store(directory, documents, chunks)

    def embed_chunks(self, documents: list[Document], chunks: list[Chunk], *,
                     progress: Callable[[int, int], None] | None) -> tuple[np.ndarray, np.ndarray]:
        """The chunks' vectors and their units' vectors, in chunk order (``ChunkVectorizer.embed``)."""
        return self._vectorizer.embed(documents, chunks, progress=progress)


@dataclass
class SearchIndex:
    """One loaded, consistent index version."""

    directory: Path
    manifest: Manifest
    store: ChunkStore
    vectors: VectorIndex
    lexical: LexicalIndex
    units: UnitVectors
    hold: VersionHold | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, directory: Path, *, ef_search: int = 128, mmap: bool = False) -> SearchIndex:
        """Open a version, held against pruning for as long as this object lives (``VersionHold``);
        ``CorruptIndexError`` if any part is missing or the counts disagree."""
        try:
            hold = VersionHold(directory)
        except OSError as error:
            raise CorruptIndexError(f"index version {directory.name} is unreadable: {error}") from error
        try:
            manifest = Manifest.read(directory)
            store = ChunkStore(directory)
            vectors = VectorIndex.load(directory, ef_search=ef_search, mmap=mmap)
            lexical = LexicalIndex.load(directory / _LEXICAL_DIR, mmap=mmap)
            units = UnitVectors.load(directory, mmap=mmap)
        except (OSError, ValueError, RuntimeError, KeyError, TypeError, json.JSONDecodeError) as error:
            hold.release()
            raise CorruptIndexError(f"index version {directory.name} is unreadable: {error}") from error
        counts = {"manifest": manifest.chunks, "store": store.chunk_count, "vectors": len(vectors),
                  "lexical": len(lexical), "units": len(units)}
        if len(set(counts.values())) != 1 or vectors.dimension != manifest.dimension:
            store.close()
            hold.release()
            raise CorruptIndexError(f"index version {directory.name} is inconsistent: {counts}")
        return cls(directory, manifest, store, vectors, lexical, units, hold)

    def rows_in(self, scope: Scope | None) -> np.ndarray | None:
        """The sorted rows ``scope`` allows (``None``: every row). Cost: cached SQLite reads and, for
        hidden documents without another filter, a set difference over every row (the searches skip
        it: see ``_row_filter``)."""
        allowed, excluded = self._row_filter(scope)
        if excluded is not None:
            return np.setdiff1d(np.arange(self.store.chunk_count), excluded)
        return allowed

    def _row_filter(self, scope: Scope | None) -> tuple[np.ndarray | None, np.ndarray | None]:
        """``scope`` as (allowed rows, excluded rows), at most one not ``None``. A scope that only hides
        documents is given by the rows it excludes: listing every other row would cost each query
        passes over all rows (at 99k chunks set differences, a FAISS selector and a mask: ~40 ms).
        Cost: cached SQLite reads, and a set difference within a municipality or document."""
        if scope is None:
            return None, None
        rows: np.ndarray | None = None
        if scope.municipalities:
            rows = np.unique(np.concatenate([self.store.rows_for(municipality=m, document_id=scope.document_id)
                                             for m in scope.municipalities]))
        elif scope.document_id is not None:
            rows = self.store.rows_for(document_id=scope.document_id)
        if not scope.hidden:
            return rows, None
        hidden = self.store.rows_of_documents(scope.hidden)
        if rows is None:
            return None, hidden
        return np.setdiff1d(rows, hidden), None

    def dense_search(self, query: np.ndarray, *, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        allowed, excluded = self._row_filter(scope)
        if allowed is not None and len(allowed) == 0:
            return []
        return self.vectors.search(query, k=k, allowed=allowed, excluded=excluded)[0]

    def lexical_search(self, query: str, *, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        allowed, excluded = self._row_filter(scope)
        if allowed is not None and len(allowed) == 0:
            return []
        return self.lexical.search_rows(query, k=k, rows=allowed, excluded=excluded)

    def close(self) -> None:
        """Done with this version: its connection in this thread closes and its hold is released
        (only call this when no other thread still reads it; a dropped index releases both)."""
        self.store.close()
        if self.hold is not None:
            self.hold.release()


def config_fingerprint(*, model: str, query_prefix: str, passage_prefix: str, chunk_max_tokens: int,
                       chunk_overlap_tokens: int, hnsw_threshold: int, glossary: Glossary,
                       unit_vectors: UnitVectorMode = "separate") -> str:
    """A hash of everything besides the corpus that changes what an index holds."""
    glossary_digest = hashlib.sha256(
        json.dumps([(e.term, e.english, e.forms, e.english_terms, e.proper_name) for e in glossary.entries],
                   ensure_ascii=False).encode()).hexdigest()
    payload = json.dumps({
        "pipeline": PIPELINE_VERSION, "model": model, "query_prefix": query_prefix,
        "passage_prefix": passage_prefix, "chunk_max_tokens": chunk_max_tokens,
        "chunk_overlap_tokens": chunk_overlap_tokens, "hnsw_threshold": hnsw_threshold,
        "glossary": glossary_digest, **({"unit_vectors": unit_vectors} if unit_vectors != "separate" else {}),
    }, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _package_versions() -> dict[str, str]:
    versions = {}
    for name in ("faiss-cpu", "bm25s", "sentence-transformers", "torch", "langchain-text-splitters"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
