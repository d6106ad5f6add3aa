"""``PolicyAssistant``: the one object the CLI and the HTTP API talk to.

It owns the wiring (settings → embedder, glossary, chunker, index builder, retriever) and the
serving index. Building a new index version never disturbs the serving one: the new version is
loaded completely, then swapped in with one assignment.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from functools import partial

from assistant.access import AuditEntry, KeyRole, ManagedKey, NewKey, Viewer, parse_groups
from assistant.answer.answer_type import AnswerType
from assistant.answer.base import Answerer, AnswerEvent, AnswerFinal
from assistant.answer.definitions import GLOSSARY_DOCUMENT_ID, GlossaryDocument
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.pipeline import LLM, AskPipeline, Prepared, Serving
from assistant.answer.selection import Candidate, Selection, SelectionWeights
from assistant.catalog import origins
from assistant.corpus import Corpus
from assistant.embed import Embedder, embedder_for, for_serving
from assistant.errors import (
    AssistantError,
    DocumentNotFoundError,
    InvalidRequestError,
)
from assistant.feedback import Feedback, FeedbackIn
from assistant.glossary import Glossary, GlossaryEntry
from assistant.index.backend import IndexBackend, IndexState, OriginalFile, Progress, ReplicaSeen, ServingIndex
from assistant.index.files import FileBackend
from assistant.index.layout import IndexLayout, Manifest
from assistant.index.recipe import IndexRecipe
from assistant.jobs import BackgroundJobs
from assistant.library import DocumentLibrary
from assistant.models import Answer, ChatTurn, Document, DocumentInfo, Filters, Hit, Language
from assistant.overview import DocumentOverview, build_overview
from assistant.progress import BuildProgress, BuildStatus
from assistant.quality import RECALL_DEPTH, QualityFigures, QualityRecord, measure
from assistant.questions import QuestionGroup, QuestionRecorder
from assistant.settings import Settings
from assistant.sources.manager import SourceManager
from assistant.sources.models import SyncReport
from assistant.sources.scheduler import SyncScheduler
from assistant.status import document_status
from assistant.validation import validate_query
from assistant.wiring import backend_for, llm_for, source_manager

logger = logging.getLogger(__name__)

MAX_K = 50


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
        weights = (SelectionWeights.from_json(settings.selection_weights.read_text(encoding="utf-8"))
                   if settings.selection_weights else None)
        self.extractive = extractive or ExtractiveAnswerer(glossary=glossary, min_support=settings.min_support,
                                                           weights=weights)
        self.llm = llm
        self.glossary_document = GlossaryDocument(glossary)
        self.answers = AskPipeline(settings=settings, extractive=self.extractive, llm=llm,
                                   glossary_document=self.glossary_document)
        self._today = today
        self.build_progress = BuildProgress()
        self._sources: SourceManager | None = None
        # Weak: a listing must not keep an index version loaded (and held on disk) after a swap.
        self._listed: tuple[weakref.ref[ServingIndex], dt.date, list[DocumentInfo]] | None = None
        self.questions = QuestionRecorder(self.backend.questions, days=settings.question_log_days)
        self._serving: Serving | None = None
        self._swap_lock = threading.Lock()
        self.library = DocumentLibrary(settings=settings, backend=self.backend, listed=self.documents,
                                       original=self.original_file, index=lambda: self._require().index)
        self.jobs = BackgroundJobs()
        self.quality = QualityRecord(settings.data_dir / "quality.json")

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> PolicyAssistant:
        """Wire the real components. Loads the embedding model (seconds); not the index."""
        settings = settings or Settings()
        embedder = for_serving(embedder_for(settings))
        return cls(settings=settings, embedder=embedder, glossary=Glossary.load_default(), llm=llm_for(settings))

    def close(self) -> None:
        """Release the backend's connections and files."""
        if self._sources is not None:
            self._sources.close()
        self.backend.close()

    def start_scheduled_syncs(self, *, check_seconds: float = 60.0) -> SyncScheduler:
        """Sync each source on its schedule in a background thread (``assistant serve``); every
        run is recorded in the audit trail as done by ``scheduler``."""
        def audit(report: SyncReport) -> None:
            self.record_audit(key_name="scheduler", action="source synced", target=report.summary())

        return SyncScheduler(sources=self.sources, check_seconds=check_seconds, on_report=audit).start()

    @property
    def sources(self) -> SourceManager:
        """The folders and websites whose documents are kept in sync with the index (made on first use)."""
        if self._sources is None:
            self._sources = source_manager(self.settings, self.backend)
        return self._sources

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
        with self.build_progress.tracking(progress) as report:
            return self.backend.rebuild(progress=report)

    def ensure_index(self, *, progress: Progress | None = None) -> Manifest:
        """Serve the stored index, building it first if it is missing, stale or corrupt."""
        with self.build_progress.tracking(progress) as report:
            return self.backend.ensure(progress=report)

    def build_status(self) -> BuildStatus | None:
        """How far the build running in this process is (texts embedded, rate, time left), or
        ``None`` when none runs."""
        return self.build_progress.snapshot()

    def measure_quality(self) -> QualityFigures:
        """Ask the configured evaluation set (``Settings.eval_questions``) of the serving index,
        keep the figures as the latest and return them; ``InvalidRequestError`` when none is
        configured or it cannot be read. Cost: a search and an ask per question; nothing logged."""
        if self.settings.eval_questions is None:
            raise InvalidRequestError("no evaluation set is configured (ASSISTANT_EVAL_QUESTIONS)")
        figures = measure(self.settings.eval_questions, search=lambda q: self.search(q, k=RECALL_DEPTH),
                          standalone=self.standalone_question,
                          ask=partial(self.ask, record=False), source_text=self.document_text,
                          index_version=self.manifest.version, answerer="llm" if self.llm else "extractive")
        self.quality.save(figures)
        return figures

    def replicas(self) -> list[ReplicaSeen]:
        """The processes serving from a shared store lately, with the version each serves (empty on
        files). Cost: one small query."""
        return self.backend.replicas()

    def load_index(self) -> Manifest:
        """Serve what the backend holds now (``IndexNotReadyError`` when nothing was built)."""
        return self._require().index.manifest

    def _require(self) -> Serving:
        """The serving index with its retriever and support scorer, rebuilt only when the
        backend's index object changes. Cost: the backend's ``serving()`` check."""
        index = self.backend.serving()
        serving = self._serving
        if serving is not None and serving.index is index:
            return serving
        with self._swap_lock:
            serving = self._serving
            if serving is None or serving.index is not index:
                serving = self._serving = Serving.over(index, settings=self.settings, embedder=self.embedder,
                                                       glossary=self.glossary)
        return serving

    @property
    def manifest(self) -> Manifest:
        return self._require().index.manifest

    # --- queries ------------------------------------------------------------------------------

    def search(self, query: str, k: int = 5, filters: Filters | None = None, *,
               viewer: Viewer | None = None) -> list[Hit]:
        """The ``k`` passages that best answer ``query``, best first, of the documents ``viewer``
        may see (``None``: every document, for the CLI and admins).

        Raises ``InvalidRequestError`` for an empty or too long query or ``k`` outside 1..50, and
        ``UnknownFilterError`` (naming the known values) for a filter on an unknown value.
        """
        query = validate_query(query)
        if not 1 <= k <= MAX_K:
            raise InvalidRequestError(f"k must be between 1 and {MAX_K}, got {k}")
        serving = self._require()
        viewer = viewer or Viewer.everything()
        filters = serving.normalized_filters(filters, viewer)
        return serving.retriever.search(query, k=k, filters=filters, hidden=serving.hidden_from(viewer))

    def standalone_question(self, question: str, earlier: Sequence[str] = ()) -> str:
        """``question`` as the ask path searches it after the ``earlier`` questions of its
        conversation, without an LLM: a follow-up ("And in Tranås?") carries their topic. What
        evaluations search for a follow-up. Cost: string work."""
        turns = [ChatTurn(role="user", content=text) for text in earlier]
        return self.answers.resolved(self._require(), question, turns)

    def today(self) -> dt.date:
        return self._today() if self._today else dt.date.today()

    def documents(self, *, viewer: Viewer | None = None) -> list[DocumentInfo]:
        """Metadata of every indexed document ``viewer`` may see, by id, with its status as of today."""
        today, viewer, index = self.today(), viewer or Viewer.everything(), self._require().index
        cached = self._listed
        if cached is None or cached[0]() is not index or cached[1] != today:
            # Made once per index version and day (at 50,000 documents, copying each is the cost).
            cached = self._listed = (weakref.ref(index), today, [info.model_copy(update={"status": document_status(
                info, today=today)}) for info in index.store.documents.values()])
        return [info for info in cached[2] if viewer.can_see(info)]

    def document(self, document_id: str, *, viewer: Viewer | None = None) -> Document:
        """One document with its sections, text and status; ``DocumentNotFoundError`` if unknown or
        not for ``viewer`` (the same error: a caller cannot tell a hidden document from none). The
        glossary, which definitions cite, is a document too (``glossary``)."""
        if document_id == GLOSSARY_DOCUMENT_ID:
            return Document(**self.glossary_document.info.model_dump(), text=self.glossary_document.text,
                            sections=[], blocks=[])
        return self._document(self._require().index, document_id, viewer)

    def _document(self, index: ServingIndex, document_id: str, viewer: Viewer | None) -> Document:
        _check_visible(index, document_id, viewer)
        document = index.store.document(document_id)
        if document is None:
            raise DocumentNotFoundError(document_id)
        return document.model_copy(update={"status": document_status(document, today=self.today())})

    def original_file(self, document_id: str, *, viewer: Viewer | None = None) -> OriginalFile | None:
        """The file a document was parsed from (name, media type, bytes read on demand), or ``None``
        when there is none (the glossary). ``DocumentNotFoundError`` for a document that is unknown or
        not for ``viewer``, judged on the serving index and on the file's groups as stored now (a
        file being replaced with other groups is never served under the old ones). Cost: the
        backend's look-up (a folder listing or a primary-key read); no bytes until ``read()``."""
        if document_id == GLOSSARY_DOCUMENT_ID:
            return None
        _check_visible(self._require().index, document_id, viewer)
        original = self.backend.original(document_id)
        if original is not None and not (viewer or Viewer.everything()).may_read(original.access):
            raise DocumentNotFoundError(document_id)
        return original

    def overview(self, document_id: str, *, language: Language = "en",
                 viewer: Viewer | None = None) -> DocumentOverview:
        """A short cited overview of one document (purpose, areas, responsibility, dates, status)."""
        index = self._require().index
        document = self._document(index, document_id, viewer)
        return build_overview(document, index.store.chunks_of(document_id), language=language, today=self.today())

    def glossary_entries(self, query: str = "", *, limit: int = 50) -> list[GlossaryEntry]:
        """Glossary entries matching ``query`` (all, up to ``limit``, when empty)."""
        return list(self.glossary.entries[:limit]) if not query.strip() else self.glossary.search(query, limit=limit)

    # --- feedback -------------------------------------------------------------------------------

    def add_feedback(self, item: FeedbackIn, *, given_by: str | None = None) -> Feedback:
        """Store a rating of an answer, with the name of the key that gave it; it persists across
        restarts and index rebuilds."""
        self.questions.note_feedback(item)
        return self.backend.feedback().add(item, given_by=given_by)

    def question_groups(self) -> list[QuestionGroup]:
        """The logged questions (abstentions, thumbs-down) grouped by similar wording, largest first;
        empty when ``question_log_days`` is 0."""
        try:
            analyze = self._require().index.lexical.analyzer.terms
        except AssistantError:
            analyze = str.split
        return self.questions.groups(analyze)

    def warm_question_groups(self) -> threading.Thread | None:
        """Group the logged questions on a background thread now, so the console's first Questions
        view after a start reads them from memory; ``None`` when nothing is logged. Cost: the
        grouping (~0.7 s at 10,000 questions), off the request path."""
        return self.questions.warm(self.question_groups)

    def feedback(self, *, limit: int = 100, offset: int = 0) -> list[Feedback]:
        return self.backend.feedback().list(limit=limit, offset=offset)

    # --- keys and audit -------------------------------------------------------------------------

    def find_key(self, key: str) -> ManagedKey | None:
        """The managed key whose secret is ``key`` (read from the store each time)."""
        return self.backend.access().find(key)

    def create_key(self, *, name: str, role: KeyRole, groups: Sequence[str] = ()) -> NewKey:
        """A new managed key; ``InvalidRequestError`` for an empty name or a bad group name."""
        if not name.strip() or len(name) > 100:
            raise InvalidRequestError("a key needs a name of 1 to 100 characters")
        parsed = parse_groups(groups)
        return self.backend.access().create(name=name.strip(), role=role, groups=parsed)

    def keys(self) -> list[ManagedKey]:
        return self.backend.access().all_keys()

    def revoke_key(self, key_id: str) -> bool:
        return self.backend.access().revoke(key_id)

    def record_audit(self, *, key_name: str, action: str, target: str, request_id: str | None = None) -> None:
        """Note an admin action in the audit trail (beside the documents)."""
        self.backend.access().record(key_name=key_name, action=action, target=target, request_id=request_id)

    def audit(self, *, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
        return self.backend.access().entries(limit=limit, offset=offset)

    # --- document management --------------------------------------------------------------------

    def document_origins(self, document_ids: Sequence[str]) -> dict[str, str]:
        """Where each document comes from: ``source:<name>``, ``upload`` or ``corpus`` (see ``catalog.origins``)."""
        return origins(document_ids, documents=self._require().index.store.documents, sources=self.sources.store,
                       corpus_dir=self.settings.corpus_dir, uploads_dir=self.settings.data_dir / "documents")

    def document_text(self, document_id: str, *, viewer: Viewer | None = None) -> str:
        """A document's full text as indexed (what citation offsets point into)."""
        if document_id == GLOSSARY_DOCUMENT_ID:
            return self.glossary_document.text
        index = self._require().index
        _check_visible(index, document_id, viewer)
        return index.store.document_text(document_id)

    def municipalities(self, *, viewer: Viewer | None = None) -> list[str]:
        """The municipalities of the documents ``viewer`` may see."""
        return self._require().municipalities_for(viewer or Viewer.everything())

    # --- answers ------------------------------------------------------------------------------

    def ask(self, question: str, history: Sequence[ChatTurn] | None = None,
            filters: Filters | None = None, *, viewer: Viewer | None = None, record: bool = True) -> Answer:
        """Answer ``question`` with numbered citations, in the question's language, from what
        ``viewer`` may see (``None``: everything); an abstention is logged for the Questions page
        unless ``record`` is false (an evaluation's questions are not staff's).

        With an LLM configured it writes the answer from the passages; if the upstream fails,
        times out or is saturated, the extractive answer is returned with a warning. Raises
        ``InvalidRequestError`` / ``UnknownFilterError`` for bad input, like ``search``.
        """
        prepared = self._prepare(question, history or [], filters, viewer)
        answer = self.answers.answer(prepared)
        if record:
            self.questions.note_answer(prepared.context, answer)
        return answer

    def answer_candidates(self, question: str, history: Sequence[ChatTurn] | None = None
                          ) -> tuple[AnswerType | None, list[Candidate], Selection]:
        """What the extractive answer of ``question`` selects from (the asked-for kind of fact, each
        candidate unit with its features and score, best first) and the selection it quotes, for
        ``assistant eval --explain`` and ``bench/``. Cost: an ask without the answer."""
        if not isinstance(self.extractive, ExtractiveAnswerer):
            raise TypeError("answer candidates come from the extractive answerer; another one is configured")
        prepared = self._prepare(question, history or [], None, None)
        return self.extractive.selected(prepared.context)

    def ask_stream(self, question: str, history: Sequence[ChatTurn] | None = None,
                   filters: Filters | None = None, *, viewer: Viewer | None = None) -> Iterator[AnswerEvent]:
        """Like ``ask``, as events: ``AnswerDelta`` pieces, then one ``AnswerFinal``.

        Validation happens before the first event, so bad input raises instead of streaming.
        Closing the iterator early stops the upstream request.
        """
        prepared = self._prepare(question, history or [], filters, viewer)
        return self._noted(prepared, self.answers.stream(prepared))

    def _noted(self, prepared: Prepared, events: Iterator[AnswerEvent]) -> Iterator[AnswerEvent]:
        with closing(events):  # type: ignore[type-var]  # closing ours closes the upstream too
            for event in events:
                if isinstance(event, AnswerFinal):
                    self.questions.note_answer(prepared.context, event.answer)
                yield event

    def _prepare(self, question: str, history: Sequence[ChatTurn], filters: Filters | None,
                 viewer: Viewer | None) -> Prepared:
        question = validate_query(question)
        if len(history) > self.settings.max_history_turns:
            raise InvalidRequestError(f"history has {len(history)} turns; at most "
                                      f"{self.settings.max_history_turns} are accepted")
        serving, viewer = self._require(), viewer or Viewer.everything()
        filters = serving.normalized_filters(filters, viewer)
        return self.answers.prepare(serving, question, history, filters, hidden=serving.hidden_from(viewer),
                                    municipalities=serving.municipalities_for(viewer))


def _check_visible(index: ServingIndex, document_id: str, viewer: Viewer | None) -> None:
    """``DocumentNotFoundError`` for a document that does not exist or that ``viewer`` may not see."""
    info = index.store.documents.get(document_id)
    if info is None or not (viewer or Viewer.everything()).can_see(info):
        raise DocumentNotFoundError(document_id)
