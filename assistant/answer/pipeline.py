"""The ask path, one straight pipeline: question → (follow-up resolved) → passages the caller may
see → support → an LLM answer or an extractive one, with citations and warnings.

The facade validates the request and hands over the serving index; this module knows nothing of
where the index lives or who the caller is beyond the documents hidden from them.
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field

from assistant.access import Viewer
from assistant.answer.base import AnswerContext, AnswerDelta, Answerer, AnswerEvent, AnswerFinal, Passage
from assistant.answer.definitions import GlossaryDocument, asked_term
from assistant.answer.followup import (
    documents_discussed,
    refers_back,
    resolve_follow_up,
    topic_part,
    with_years_named,
)
from assistant.answer.intent import Intent, classify
from assistant.answer.language import detect_language
from assistant.answer.llm import QuestionRewriter, UpstreamError
from assistant.answer.smalltalk import reply, small_talk
from assistant.answer.support import SupportScorer, closeness_floor
from assistant.embed import Embedder
from assistant.errors import UnknownFilterError
from assistant.glossary import Glossary
from assistant.index.backend import ServingIndex
from assistant.models import Answer, ChatTurn, DocumentInfo, Filters, Language
from assistant.municipalities import find_municipalities_in_query
from assistant.retrieve import HybridRetriever, Retrieved
from assistant.settings import Settings

logger = logging.getLogger(__name__)
# A follow-up is searched first in the documents the last answer quoted, at most this many of them.
_FOLLOWED_DOCUMENTS = 2


@dataclass(frozen=True, slots=True)
class Serving:
    """The serving index with the retriever and support scorer made for it, and its restricted
    documents (those with access groups), so a request never scans every document to learn
    what its caller may not see."""

    index: ServingIndex
    retriever: HybridRetriever
    support: SupportScorer
    restricted: tuple[DocumentInfo, ...] = ()

    @classmethod
    def over(cls, index: ServingIndex, *, settings: Settings, embedder: Embedder, glossary: Glossary) -> Serving:
        """The retriever and support scorer for ``index``. Cost: a scan of the documents' groups."""
        retriever = HybridRetriever(index=index, embedder=embedder, glossary=glossary,
                                    candidates=settings.candidates, dense_weight=settings.dense_weight,
                                    lexical_weight=settings.lexical_weight)
        support = SupportScorer(lexical=index.lexical, glossary=glossary, municipalities=index.store.municipalities,
                                min_closeness=closeness_floor(embedder.model_id),
                                concepts=Glossary.with_service_topics(glossary))
        return cls(index, retriever, support, tuple(d for d in index.store.documents.values() if d.access))

    def hidden_from(self, viewer: Viewer) -> frozenset[str]:
        """Ids of the documents ``viewer`` may not see. Cost: O(restricted documents)."""
        return viewer.hidden(self.restricted)

    def municipalities_for(self, viewer: Viewer) -> list[str]:
        """The municipalities of the documents ``viewer`` may see."""
        store = self.index.store
        if viewer.sees_all or not self.restricted:
            return store.municipalities
        hidden = self.hidden_from(viewer)
        return sorted({d.municipality for d in store.documents.values() if d.municipality and d.id not in hidden})

    def normalized_filters(self, filters: Filters | None, viewer: Viewer) -> Filters | None:
        """``filters`` with the municipality spelled as the index spells it; ``None`` when they
        filter nothing. ``UnknownFilterError`` (naming the known values ``viewer`` may see) for a
        municipality or document that is unknown or hidden from ``viewer``."""
        if filters is None or (filters.municipality is None and filters.document_id is None):
            return None
        municipality = filters.municipality
        if municipality is not None:
            known = self.municipalities_for(viewer)
            matches = [m for m in known if m.casefold() == municipality.strip().casefold()]
            if not matches:
                raise UnknownFilterError("municipality", municipality, known)
            municipality = matches[0]
        documents, hidden = self.index.store.documents, self.hidden_from(viewer)
        if filters.document_id is not None and (filters.document_id not in documents or filters.document_id in hidden):
            raise UnknownFilterError("document_id", filters.document_id, [d for d in documents if d not in hidden])
        return Filters(municipality=municipality, document_id=filters.document_id)


@dataclass(frozen=True, slots=True)
class LLM:
    """The optional LLM collaborators: an answerer and a follow-up rewriter on one upstream."""

    answerer: Answerer
    rewriter: QuestionRewriter | None = None
    max_concurrency: int = 4
    # How long a call waits for a free upstream slot before going on without the LLM.
    slot_wait_seconds: float = 1.0


@dataclass(frozen=True)
class Prepared:
    context: AnswerContext
    warnings: list[str] = field(default_factory=list)


class AskPipeline:
    """Answers over a serving index. Thread-safe; LLM calls are bounded by ``llm.max_concurrency``."""

    def __init__(self, *, settings: Settings, extractive: Answerer, llm: LLM | None,
                 glossary_document: GlossaryDocument) -> None:
        self.settings = settings
        self.extractive = extractive
        self.llm = llm
        # Bounded upstream concurrency: a slow LLM must not tie up every worker thread.
        self._llm_slots = threading.BoundedSemaphore(llm.max_concurrency) if llm else None
        self.glossary_document = glossary_document

    def _stream(self, prepared: Prepared) -> Iterator[AnswerEvent]:
        events = self._llm_events(prepared) if self._use_llm(prepared) else self.extractive.stream(prepared.context)
        # closing(): when our consumer stops early, the inner stream (and its upstream) stops too.
        with closing(events):  # type: ignore[type-var]
            yield from self._with_warnings(events, prepared)

    def _with_warnings(self, events: Iterator[AnswerEvent], prepared: Prepared) -> Iterator[AnswerEvent]:
        for event in events:
            if isinstance(event, AnswerFinal):
                answer = event.answer
                event = AnswerFinal(answer.model_copy(update={"warnings": [*prepared.warnings, *answer.warnings]}))
            yield event

    def _llm_events(self, prepared: Prepared) -> Iterator[AnswerEvent]:
        assert self.llm is not None and self._llm_slots is not None
        if not self._llm_slots.acquire(timeout=self.llm.slot_wait_seconds):
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

    def _answer_with_fallback(self, prepared: Prepared) -> Answer:
        if not self._use_llm(prepared):
            return self.extractive.answer(prepared.context)
        assert self.llm is not None and self._llm_slots is not None
        if not self._llm_slots.acquire(timeout=self.llm.slot_wait_seconds):
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

    def _use_llm(self, prepared: Prepared) -> bool:
        # A question about a municipality we have no documents for needs no model to say so.
        return self.llm is not None and prepared.context.unsupported_reason is None

    def prepare(self, serving: Serving, question: str, history: Sequence[ChatTurn], filters: Filters | None, *,
                hidden: frozenset[str], municipalities: Sequence[str]) -> Prepared:
        """Retrieve the passages for ``question`` (validated, ``filters`` normalised) from what the
        caller may see (``hidden`` documents never), score their support, and set up the context."""
        language = detect_language(question)
        question = with_years_named(question, history)  # "the year before" is the year before the one asked about
        if (kind := small_talk(question)) is not None:  # "hej": what the assistant does, not a search
            return Prepared(AnswerContext(question=question, language=language, passages=[], history=list(history),
                                          original_question=question, unsupported_reason=reply(kind, language)))
        warnings: list[str] = []
        standalone, swedish = self._standalone(question, history, language, serving, warnings)
        query = f"{standalone}\n{swedish}" if swedish else standalone
        retrieved = self._retrieve(query, question, history, filters, hidden, serving)
        if classify(standalone).intent is Intent.METADATA:
            retrieved = self._with_headers(retrieved, serving)
        passages = [self._passage(found, serving) for found in retrieved]
        if (term := asked_term(standalone)) and (entry := self.glossary_document.lookup(term)):
            passages.append(self.glossary_document.passage(entry, language=language))
        support = serving.support.score(standalone, language=language, passages=passages, follow_up=bool(history),
                                        searched_alone=standalone == question)
        context = AnswerContext(
            question=standalone, language=language, passages=passages, history=list(history),
            original_question=question, expansions=serving.retriever.plan(standalone).expansions,
            support=support.score, far_from_passages=support.too_far, analyze=serving.index.lexical.analyzer.terms,
            unsupported_reason=_unknown_municipality_message(support.unknown_municipalities, municipalities,
                                                             language),
            # A near tie is read again against the words that choose the sentence (``topic_part``).
            read_alone=functools.partial(serving.retriever.closeness, _topic_query(query, standalone, question)),
        )
        return Prepared(context, warnings)

    def answer(self, prepared: Prepared) -> Answer:
        """The answer, by the LLM when one is configured and free, else extractive, with warnings."""
        answer = self._answer_with_fallback(prepared)
        return answer.model_copy(update={"warnings": [*prepared.warnings, *answer.warnings]})

    def stream(self, prepared: Prepared) -> Iterator[AnswerEvent]:
        """``answer`` as events: ``AnswerDelta`` pieces, then one ``AnswerFinal``."""
        return self._stream(prepared)

    def _standalone(self, question: str, history: Sequence[ChatTurn], language: Language, serving: Serving,
                    warnings: list[str]) -> tuple[str, str | None]:
        rewriter = self.llm.rewriter if self.llm else None
        if rewriter is not None and (history or language == "en"):
            # The rewrite is an upstream call too: it shares the bounded slots with the answers.
            assert self._llm_slots is not None
            if not self._llm_slots.acquire(timeout=self.llm.slot_wait_seconds):
                warnings.append("LLM busy: follow-up resolved without the LLM")
            else:
                try:
                    rewritten = rewriter.rewrite(question, history=history, language=language)
                    return rewritten.standalone, rewritten.swedish
                except UpstreamError as error:
                    warnings.append(f"{error}: follow-up resolved without the LLM")
                finally:
                    self._llm_slots.release()
        return self.resolved(serving, question, history), None

    @staticmethod
    def resolved(serving: Serving, question: str, history: Sequence[ChatTurn]) -> str:
        """``question`` made standalone from ``history`` without an LLM (what it is searched with
        when no LLM rewrites it): a follow-up carries the earlier questions' topic. String work."""
        return resolve_follow_up(question, history, municipalities=serving.index.store.municipalities)

    def _retrieve(self, query: str, question: str, history: Sequence[ChatTurn], filters: Filters | None,
                  hidden: frozenset[str], serving: Serving) -> list[Retrieved]:
        """The passages for ``query``; for a follow-up that points back and names no place or
        document of its own, the passages of the documents the last answer quoted come first, in
        turn ("And what did the Court conclude?"), the rest after them. Cost: a search more for each
        of those documents (at most ``_FOLLOWED_DOCUMENTS``)."""
        k = self.settings.answer_passages
        retrieved = serving.retriever.retrieve(query, k=k, filters=filters, hidden=hidden)
        if not history or (filters and (filters.document_id or filters.municipality)) or not refers_back(question) \
                or find_municipalities_in_query(question, names=serving.index.store.municipalities):
            return retrieved
        visible = (d for d in serving.index.store.documents.values() if d.id not in hidden)
        discussed = documents_discussed(history, visible)
        if not discussed:
            return retrieved
        # Every document the last answer quoted (at most ``_FOLLOWED_DOCUMENTS``), their passages
        # taken in turn: its first point may have quoted the wrong one.
        per_document = [serving.retriever.retrieve(query, k=k, filters=Filters(document_id=d), hidden=hidden)
                        for d in discussed[:_FOLLOWED_DOCUMENTS]]
        focused = [found for row in itertools.zip_longest(*per_document) for found in row if found is not None]
        seen = {found.hit.chunk_id for found in focused}
        return [*focused, *(found for found in retrieved if found.hit.chunk_id not in seen)][:k]

    def _with_headers(self, retrieved: list[Retrieved], serving: Serving) -> list[Retrieved]:
        """Metadata questions are answered from headers: make sure the top documents' are there."""
        present = {found.hit.document_id for found in retrieved if found.kind == "header"}
        documents = list(dict.fromkeys(found.hit.document_id for found in retrieved))[:3]
        extra = [header for d in documents if d not in present and (header := serving.retriever.header(d))]
        return [*retrieved, *extra]

    def _passage(self, found: Retrieved, serving: Serving) -> Passage:
        store = serving.index.store
        return Passage(hit=found.hit, kind=found.kind, document=store.documents[found.hit.document_id],
                       document_text=store.document_text(found.hit.document_id), dense_score=found.dense_score,
                       unit_scores=dict(zip(found.units, found.unit_scores, strict=True)))


def _unknown_municipality_message(unknown: Sequence[str], known: Sequence[str], language: Language) -> str | None:
    if not unknown:
        return None
    names, covered = ", ".join(unknown), ", ".join(known)
    if language == "sv":
        return f"Underlaget innehåller inga dokument från {names}; det omfattar {covered}."
    return f"The corpus has no documents from {names}; it covers {covered}."


def _topic_query(query: str, standalone: str, question: str) -> str:
    """``query``, or a long follow-up's own words when they name its topic (``topic_part``)."""
    topic = topic_part(standalone, question)
    return query if topic == standalone else topic
