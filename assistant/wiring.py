"""Which collaborators the settings call for: the index backend, the LLM, the sources' manager.
Imports of optional heavy parts (psycopg, openai) happen only when the settings ask for them."""

from __future__ import annotations

from assistant.answer.llm import LLMAnswerer, QuestionRewriter, build_client
from assistant.answer.pipeline import LLM
from assistant.corpus import Corpus
from assistant.index.backend import IndexBackend
from assistant.index.files import FileBackend
from assistant.index.recipe import IndexRecipe
from assistant.settings import Settings
from assistant.sources.manager import CrawlOptions, SourceManager


def backend_for(settings: Settings, recipe: IndexRecipe) -> IndexBackend:
    """PostgreSQL when ``ASSISTANT_DATABASE_URL`` is set (psycopg imported only then), else files."""
    if settings.database_url:
        from assistant.index.postgres import PostgresBackend

        return PostgresBackend.connect(settings.database_url.get_secret_value(), recipe=recipe,
                                       corpus_dir=settings.corpus_dir, pool_size=settings.database_pool_size,
                                       ef_search=settings.database_ef_search,
                                       cache_dir=settings.index_dir / "cache")
    # Shipped documents are input; uploads and removals persist in the data directory.
    corpus = Corpus(settings.corpus_dir, uploads=settings.data_dir / "documents")
    return FileBackend(recipe=recipe, index_dir=settings.index_dir, corpus=corpus,
                       feedback_path=settings.data_dir / "feedback.sqlite")


def llm_for(settings: Settings) -> LLM | None:
    """The LLM collaborators when ``ASSISTANT_LLM_BASE_URL`` and ``ASSISTANT_LLM_MODEL`` are set."""
    if not settings.llm_enabled:
        return None
    assert settings.llm_base_url is not None and settings.llm_model is not None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    client = build_client(base_url=settings.llm_base_url, api_key=key, timeout_seconds=settings.llm_timeout_seconds)
    return LLM(answerer=LLMAnswerer(client=client, model=settings.llm_model),
               rewriter=QuestionRewriter(client=client, model=settings.llm_model),
               max_concurrency=settings.llm_max_concurrency)


def source_manager(settings: Settings, backend: IndexBackend) -> SourceManager:
    """Sources kept in the backend's store, synced with the settings' parse limits and crawl manners."""
    crawl = CrawlOptions(user_agent=settings.sync_user_agent, requests_per_second=settings.sync_requests_per_second,
                         timeout_seconds=settings.sync_timeout_seconds, max_items=settings.sync_max_items,
                         max_bytes=settings.sync_max_bytes)
    return SourceManager(store=backend.sources(), backend=backend, limits=settings.parse_limits(), crawl=crawl)
