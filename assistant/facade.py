"""``PolicyAssistant``: the one object the CLI and the HTTP API talk to.

It owns the wiring (settings → embedder, glossary, chunker, index builder, retriever) and the
serving index. Building a new index version never disturbs the serving one: the new version is
loaded completely, then swapped in with one assignment.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer.base import AnswerContext, AnswerDelta, Answerer, AnswerEvent, AnswerFinal, Passage
from assistant.answer.definitions import GLOSSARY_DOCUMENT_ID, GlossaryDocument, asked_term
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.followup import resolve_follow_up
from assistant.answer.intent import Intent, classify
from assistant.answer.language import detect_language
from assistant.answer.llm import LLMAnswerer, QuestionRewriter, UpstreamError, build_client
from assistant.answer.support import SupportScorer
from assistant.corpus import Corpus
from assistant.embed import Embedder, embedder_for, for_serving
from assistant.errors import (
    DocumentNotFoundError,
    InvalidRequestError,
    UnknownFilterError,
)
from assistant.feedback import Feedback, FeedbackIn
from assistant.glossary import Glossary, GlossaryEntry
from assistant.index.backend import IndexBackend, IndexState, Progress, ServingIndex
from assistant.index.files import FileBackend
from assistant.index.layout import IndexLayout, Manifest
from assistant.index.recipe import IndexRecipe
from assistant.models import Answer, ChatTurn, Document, DocumentInfo, Filters, Hit, Language
from assistant.overview import DocumentOverview, build_overview
from assistant.parse import SUPPORTED_SUFFIXES, UnsupportedFormatError, document_id_for
from assistant.parse.guard import ParseLimits
from assistant.parse.isolation import parse_isolated
from assistant.retrieve import HybridRetriever, Retrieved
from assistant.settings import Settings
from assistant.status import document_status

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 2_000
MAX_K = 50


@dataclass(frozen=True, slots=True)
class _Serving:
    index: ServingIndex
    retriever: HybridRetriever
    support: SupportScorer


@dataclass(frozen=True, slots=True)
class LLM:
    """The optional LLM collaborators: an answerer and a follow-up rewriter on one upstream."""

    answerer: Answerer
    rewriter: QuestionRewriter | None = None
    max_concurrency: int = 4


@dataclass(frozen=True)
class _Prepared:
    context: AnswerContext
    warnings: list[str] = field(default_factory=list)


class PolicyAssistant:
    """Search (and later answer) over the indexed policy documents."""

    def __init__(self, *, settings: Settings, embedder: Embedder, glossary: Glossary,
                 backend: IndexBackend | None = None, extractive: Answerer | None = None, llm: LLM | None = None,
                 today: Callable[[], dt.date] | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.glossary = glossary
        self.backend = backend or backend_for(settings, IndexRecipe.from_settings(
            settings, embedder=embedder, glossary=glossary))
        self.extractive = extractive or ExtractiveAnswerer(glossary=glossary, min_support=settings.min_support)
        self.llm = llm
        # Bounded upstream concurrency: a slow LLM must not tie up every worker thread.
        self._llm_slots = threading.BoundedSemaphore(llm.max_concurrency) if llm else None
        self.glossary_document = GlossaryDocument(glossary)
        self._today = today
        self._serving: _Serving | None = None
        self._swap_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> PolicyAssistant:
        """Wire the real components. Loads the embedding model (seconds); not the index."""
        settings = settings or Settings()
        embedder = for_serving(embedder_for(settings))
        return cls(settings=settings, embedder=embedder, glossary=Glossary.load_default(), llm=_llm(settings))

    def close(self) -> None:
        """Release the backend's connections and files."""
        self.backend.close()

    # --- the index ----------------------------------------------------------------------------

    @property
    def layout(self) -> IndexLayout:
        """The file backend's version folders (``AttributeError`` under PostgreSQL)."""
        assert isinstance(self.backend, FileBackend), "the index is not in files"
        return self.backend.layout

    @property
    def corpus(self) -> Corpus:
        assert isinstance(self.backend, FileBackend), "the documents are not in files"
        return self.backend.corpus

    def index_state(self) -> IndexState:
        """Whether the stored index matches the corpus, the model and the settings."""
        return self.backend.state()

    def build_index(self, *, progress: Progress | None = None) -> Manifest:
        """Build the index again from the documents, publish it, and start serving it."""
        return self.backend.rebuild(progress=progress)

    def ensure_index(self, *, progress: Progress | None = None) -> Manifest:
        """Serve the stored index, building it first if it is missing, stale or corrupt."""
        return self.backend.ensure(progress=progress)

    def load_index(self) -> Manifest:
        """Serve what the backend holds now (``IndexNotReadyError`` when nothing was built)."""
        return self._require().index.manifest

    def _require(self) -> _Serving:
        """The serving index with its retriever and support scorer, rebuilt only when the
        backend's index object changes. Cost: the backend's ``serving()`` check."""
        index = self.backend.serving()
        serving = self._serving
        if serving is not None and serving.index is index:
            return serving
        with self._swap_lock:
            serving = self._serving
            if serving is None or serving.index is not index:
                retriever = HybridRetriever(index=index, embedder=self.embedder, glossary=self.glossary,
                                            candidates=self.settings.candidates,
                                            dense_weight=self.settings.dense_weight,
                                            lexical_weight=self.settings.lexical_weight)
                support = SupportScorer(lexical=index.lexical, glossary=self.glossary,
                                        municipalities=index.store.municipalities)
                serving = self._serving = _Serving(index, retriever, support)
        return serving

    @property
    def manifest(self) -> Manifest:
        return self._require().index.manifest

    # --- queries ------------------------------------------------------------------------------

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        """The ``k`` passages that best answer ``query``, best first.

        Raises ``InvalidRequestError`` for an empty or too long query or ``k`` outside 1..50, and
        ``UnknownFilterError`` (naming the known values) for a filter on an unknown value.
        """
        query = validate_query(query)
        if not 1 <= k <= MAX_K:
            raise InvalidRequestError(f"k must be between 1 and {MAX_K}, got {k}")
        serving = self._require()
        filters = self._normalize_filters(filters, serving.index)
        return serving.retriever.search(query, k=k, filters=filters)

    def today(self) -> dt.date:
        return self._today() if self._today else dt.date.today()

    def documents(self) -> list[DocumentInfo]:
        """Metadata of every indexed document, by id, with its status as of today."""
        today = self.today()
        return [info.model_copy(update={"status": document_status(info, today=today)})
                for info in self._require().index.store.documents.values()]

    def document(self, document_id: str) -> Document:
        """One document with its sections, text and status; ``DocumentNotFoundError`` if unknown. The
        glossary, which definitions cite, is a document too (``glossary``)."""
        if document_id == GLOSSARY_DOCUMENT_ID:
            return Document(**self.glossary_document.info.model_dump(), text=self.glossary_document.text,
                            sections=[], blocks=[])
        document = self._require().index.store.document(document_id)
        if document is None:
            raise DocumentNotFoundError(document_id)
        return document.model_copy(update={"status": document_status(document, today=self.today())})

    def overview(self, document_id: str, *, language: Language = "en") -> DocumentOverview:
        """A short cited overview of one document (purpose, areas, responsibility, dates, status)."""
        document = self.document(document_id)
        chunks = self._require().index.store.chunks_of(document_id)
        return build_overview(document, chunks, language=language, today=self.today())

    def glossary_entries(self, query: str = "", *, limit: int = 50) -> list[GlossaryEntry]:
        """Glossary entries matching ``query`` (all, up to ``limit``, when empty)."""
        return list(self.glossary.entries[:limit]) if not query.strip() else self.glossary.search(query, limit=limit)

    # --- feedback -------------------------------------------------------------------------------

    def add_feedback(self, item: FeedbackIn) -> Feedback:
        """Store a rating of an answer; it persists across restarts and index rebuilds."""
        return self.backend.feedback().add(item)

    def feedback(self, *, limit: int = 100, offset: int = 0) -> list[Feedback]:
        return self.backend.feedback().list(limit=limit, offset=offset)

    # --- document management --------------------------------------------------------------------

    def add_document(self, filename: str, data: bytes) -> DocumentInfo:
        """Parse, store in the corpus and index an uploaded file; returns its metadata once the new
        index serves it. Re-uploading a file of the same name replaces it.

        Raises ``UnsupportedFormatError`` or ``ParseError`` (nothing stored) for a bad file, e.g.
        ``FileTooLargeError``, ``ContentMismatchError``, ``ParseTimeoutError``. Cost: parsing in a
        worker process (about 0.5 s, at most 10 s and 1 GiB) plus an index rebuild.
        """
        name = safe_filename(filename)
        # In a separate, time- and memory-limited process: a hostile file cannot stall or exhaust the service.
        document = parse_isolated(data, suffix=os.path.splitext(name)[1].lower(), source_path=name,
                                  document_id=document_id_for(Path(name)),
                                  limits=ParseLimits(max_bytes=self.settings.max_upload_bytes))
        self.backend.add_document(name, data, document)
        return next(d for d in self.documents() if d.id == document.id)

    def remove_document(self, document_id: str) -> None:
        """Delete a document from the corpus and the index; ``DocumentNotFoundError`` if unknown. An
        upload's file is deleted; a shipped document is listed as removed in the data directory."""
        if not self.backend.remove_document(document_id):
            raise DocumentNotFoundError(document_id)

    def document_text(self, document_id: str) -> str:
        """A document's full text as indexed (what citation offsets point into)."""
        if document_id == GLOSSARY_DOCUMENT_ID:
            return self.glossary_document.text
        if document_id not in self._require().index.store.documents:
            raise DocumentNotFoundError(document_id)
        return self._require().index.store.document_text(document_id)

    def municipalities(self) -> list[str]:
        return self._require().index.store.municipalities

    def _normalize_filters(self, filters: Filters | None, index: ServingIndex) -> Filters | None:
        if filters is None or (filters.municipality is None and filters.document_id is None):
            return None
        municipality = filters.municipality
        if municipality is not None:
            known = index.store.municipalities
            matches = [m for m in known if m.casefold() == municipality.strip().casefold()]
            if not matches:
                raise UnknownFilterError("municipality", municipality, known)
            municipality = matches[0]
        if filters.document_id is not None and filters.document_id not in index.store.documents:
            raise UnknownFilterError("document_id", filters.document_id, index.store.documents)
        return Filters(municipality=municipality, document_id=filters.document_id)


    # --- answers ------------------------------------------------------------------------------

    def ask(self, question: str, history: Sequence[ChatTurn] | None = None,
            filters: Filters | None = None) -> Answer:
        """Answer ``question`` with numbered citations, in the question's language.

        With an LLM configured it writes the answer from the passages; if the upstream fails,
        times out or is saturated, the extractive answer is returned with a warning. Raises
        ``InvalidRequestError`` / ``UnknownFilterError`` for bad input, like ``search``.
        """
        prepared = self._prepare(question, history or [], filters)
        answer = self._answer_with_fallback(prepared)
        return answer.model_copy(update={"warnings": [*prepared.warnings, *answer.warnings]})

    def ask_stream(self, question: str, history: Sequence[ChatTurn] | None = None,
                   filters: Filters | None = None) -> Iterator[AnswerEvent]:
        """Like ``ask``, as events: ``AnswerDelta`` pieces, then one ``AnswerFinal``.

        Validation happens before the first event, so bad input raises instead of streaming.
        Closing the iterator early stops the upstream request.
        """
        prepared = self._prepare(question, history or [], filters)
        return self._stream(prepared)

    def _stream(self, prepared: _Prepared) -> Iterator[AnswerEvent]:
        events = self._llm_events(prepared) if self._use_llm(prepared) else self.extractive.stream(prepared.context)
        # closing(): when our consumer stops early, the inner stream (and its upstream) stops too.
        with closing(events):  # type: ignore[type-var]
            yield from self._with_warnings(events, prepared)

    def _with_warnings(self, events: Iterator[AnswerEvent], prepared: _Prepared) -> Iterator[AnswerEvent]:
        for event in events:
            if isinstance(event, AnswerFinal):
                answer = event.answer
                event = AnswerFinal(answer.model_copy(update={"warnings": [*prepared.warnings, *answer.warnings]}))
            yield event

    def _llm_events(self, prepared: _Prepared) -> Iterator[AnswerEvent]:
        assert self.llm is not None and self._llm_slots is not None
        if not self._llm_slots.acquire(timeout=1.0):
            prepared.warnings.append("LLM busy: answered extractively")
            yield from self.extractive.stream(prepared.context)
            return
        emitted = False
        try:
            with closing(self.llm.answerer.stream(prepared.context)) as upstream:  # type: ignore[type-var]
                for event in upstream:
                    emitted = emitted or isinstance(event, AnswerDelta)
                    yield event
        except UpstreamError as error:
            logger.warning("LLM stream failed: %s", error)
            prepared.warnings.append(f"{error}: answered extractively")
            if emitted:  # text already sent cannot be taken back: the final event carries the whole answer
                yield AnswerFinal(self.extractive.answer(prepared.context))
            else:
                yield from self.extractive.stream(prepared.context)
        finally:
            self._llm_slots.release()

    def _answer_with_fallback(self, prepared: _Prepared) -> Answer:
        if not self._use_llm(prepared):
            return self.extractive.answer(prepared.context)
        assert self.llm is not None and self._llm_slots is not None
        if not self._llm_slots.acquire(timeout=1.0):
            prepared.warnings.append("LLM busy: answered extractively")
            return self.extractive.answer(prepared.context)
        try:
            return self.llm.answerer.answer(prepared.context)
        except UpstreamError as error:
            logger.warning("LLM answer failed: %s", error)
            prepared.warnings.append(f"{error}: answered extractively")
            return self.extractive.answer(prepared.context)
        finally:
            self._llm_slots.release()

    def _use_llm(self, prepared: _Prepared) -> bool:
        # A question about a municipality we have no documents for needs no model to say so.
        return self.llm is not None and prepared.context.unsupported_reason is None

    def _prepare(self, question: str, history: Sequence[ChatTurn], filters: Filters | None) -> _Prepared:
        question = validate_query(question)
        if len(history) > self.settings.max_history_turns:
            raise InvalidRequestError(f"history has {len(history)} turns; at most "
                                      f"{self.settings.max_history_turns} are accepted")
        serving = self._require()
        filters = self._normalize_filters(filters, serving.index)
        language = detect_language(question)
        warnings: list[str] = []
        standalone, swedish = self._standalone(question, history, language, serving, warnings)
        query = f"{standalone}\n{swedish}" if swedish else standalone
        retrieved = serving.retriever.retrieve(query, k=self.settings.answer_passages, filters=filters)
        if classify(standalone).intent is Intent.METADATA:
            retrieved = self._with_headers(retrieved, serving)
        passages = [self._passage(found, serving) for found in retrieved]
        if (term := asked_term(standalone)) and (entry := self.glossary_document.lookup(term)):
            passages.append(self.glossary_document.passage(entry, language=language))
        support = serving.support.score(standalone, language=language, passages=passages)
        context = AnswerContext(
            question=standalone, language=language, passages=passages, history=list(history),
            original_question=question, expansions=serving.retriever.plan(standalone).expansions,
            support=support.score, analyze=serving.index.lexical.analyzer.terms,
            unsupported_reason=_unknown_municipality_message(
                support.unknown_municipalities, serving.index.store.municipalities, language),
        )
        return _Prepared(context, warnings)

    def _standalone(self, question: str, history: Sequence[ChatTurn], language: Language, serving: _Serving,
                    warnings: list[str]) -> tuple[str, str | None]:
        rewriter = self.llm.rewriter if self.llm else None
        if rewriter is not None and (history or language == "en"):
            # The rewrite is an upstream call too: it shares the bounded slots with the answers.
            assert self._llm_slots is not None
            if not self._llm_slots.acquire(timeout=1.0):
                warnings.append("LLM busy: follow-up resolved without the LLM")
            else:
                try:
                    rewritten = rewriter.rewrite(question, history=history, language=language)
                    return rewritten.standalone, rewritten.swedish
                except UpstreamError as error:
                    warnings.append(f"{error}: follow-up resolved without the LLM")
                finally:
                    self._llm_slots.release()
        municipalities = serving.index.store.municipalities
        return resolve_follow_up(question, history, municipalities=municipalities), None

    def _with_headers(self, retrieved: list[Retrieved], serving: _Serving) -> list[Retrieved]:
        """Metadata questions are answered from headers: make sure the top documents' are there."""
        present = {found.hit.document_id for found in retrieved if found.kind == "header"}
        documents = list(dict.fromkeys(found.hit.document_id for found in retrieved))[:3]
        extra = [header for d in documents if d not in present and (header := serving.retriever.header(d))]
        return [*retrieved, *extra]

    def _passage(self, found: Retrieved, serving: _Serving) -> Passage:
        store = serving.index.store
        return Passage(hit=found.hit, kind=found.kind, document=store.documents[found.hit.document_id],
                       document_text=store.document_text(found.hit.document_id), dense_score=found.dense_score,
                       unit_scores=dict(zip(found.units, found.unit_scores, strict=True)))


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


def _llm(settings: Settings) -> LLM | None:
    """The LLM collaborators when ``ASSISTANT_LLM_BASE_URL`` and ``ASSISTANT_LLM_MODEL`` are set."""
    if not settings.llm_enabled:
        return None
    assert settings.llm_base_url is not None and settings.llm_model is not None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    client = build_client(base_url=settings.llm_base_url, api_key=key, timeout_seconds=settings.llm_timeout_seconds)
    return LLM(answerer=LLMAnswerer(client=client, model=settings.llm_model),
               rewriter=QuestionRewriter(client=client, model=settings.llm_model),
               max_concurrency=settings.llm_max_concurrency)


def _unknown_municipality_message(unknown: Sequence[str], known: Sequence[str], language: Language) -> str | None:
    if not unknown:
        return None
    names, covered = ", ".join(unknown), ", ".join(known)
    if language == "sv":
        return f"Underlaget innehåller inga dokument från {names}; det omfattar {covered}."
    return f"The corpus has no documents from {names}; it covers {covered}."


def safe_filename(filename: str) -> str:
    """The file's base name, stripped of any path and of characters a file system may refuse.
    ``UnsupportedFormatError`` when its extension is not a supported format."""
    base = os.path.basename(filename.replace("\\", "/")).strip().lstrip(".")
    stem, suffix = os.path.splitext(base)
    stem = "".join(ch if ch.isalnum() or ch in "-_ ." else "_" for ch in stem).strip(" ._")[:120]
    if suffix.lower() not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFormatError(f"unsupported file type {suffix or '(none)'!r}; supported: {supported}")
    if not stem:
        raise InvalidRequestError("the file name is empty")
    return f"{stem}{suffix.lower()}"


def validate_query(query: str) -> str:
    """The query stripped; ``InvalidRequestError`` if it is empty or longer than 2,000 characters."""
    stripped = query.strip()
    if not stripped:
        raise InvalidRequestError("the query is empty")
    if len(stripped) > MAX_QUERY_CHARS:
        raise InvalidRequestError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    return stripped
