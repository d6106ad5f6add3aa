"""How an index is made, whatever stores it: the embedder, the glossary and the settings that
change what an index holds (their fingerprint tells a current index from a stale one)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from assistant.embed import Embedder
from assistant.glossary import Glossary
from assistant.index.build import config_fingerprint
from assistant.index.chunk_vectors import UnitVectorMode, effective_mode
from assistant.parse.guard import ParseLimits
from assistant.settings import Settings


@dataclass(frozen=True)
class IndexRecipe:
    embedder: Embedder
    glossary: Glossary
    chunk_max_tokens: int
    chunk_overlap_tokens: int
    hnsw_threshold: int
    hnsw_m: int
    ef_search: int
    batch_size: int
    mmap: bool
    parse_limits: ParseLimits
    unit_vectors: UnitVectorMode = "separate"

    @classmethod
    def from_settings(cls, settings: Settings, *, embedder: Embedder, glossary: Glossary) -> IndexRecipe:
        s = settings
        return cls(embedder=embedder, glossary=glossary, chunk_max_tokens=s.chunk_max_tokens,
                   chunk_overlap_tokens=s.chunk_overlap_tokens, hnsw_threshold=s.hnsw_threshold, hnsw_m=s.hnsw_m,
                   ef_search=s.hnsw_ef_search, batch_size=s.embedding_batch_size, mmap=s.index_mmap,
                   parse_limits=s.parse_limits(), unit_vectors=s.unit_vectors)

    @cached_property
    def config_hash(self) -> str:
        """A hash of everything besides the documents that changes what an index holds."""
        e = self.embedder
        return config_fingerprint(
            model=e.model_id, query_prefix=e.query_prefix, passage_prefix=e.passage_prefix,
            chunk_max_tokens=self.chunk_max_tokens, chunk_overlap_tokens=self.chunk_overlap_tokens,
            hnsw_threshold=self.hnsw_threshold, glossary=self.glossary,
            unit_vectors=effective_mode(self.unit_vectors, e))
