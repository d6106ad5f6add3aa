"""The answer seam: ``Answerer.answer(context) -> Answer``, and what an answerer is given.

An answerer receives passages the retriever found, each with its chunk kind, its document's
metadata and the document text around it, so that every quote it cites can be cut verbatim from
the source (see ``assistant.answer.citations``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from assistant.models import Answer, ChatTurn, ChunkKind, DocumentInfo, Hit, Language


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved chunk with what is needed to cite it: its kind, its document and the text; and how
    close it is to the question: the chunk's cosine similarity (``None`` when only BM25 found it) and
    each of its units' (span → cosine; empty for headers and passages not from the index)."""

    hit: Hit
    kind: ChunkKind
    document: DocumentInfo
    document_text: str
    dense_score: float | None = None
    unit_scores: dict[tuple[int, int], float] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The chunk's span in the document, as written there."""
        return self.document_text[self.hit.start:self.hit.end]


@dataclass(frozen=True, slots=True)
class AnswerContext:
    """Everything an answerer may use. ``question`` is standalone (follow-ups already resolved)."""

    question: str
    language: Language
    passages: list[Passage]
    history: list[ChatTurn] = field(default_factory=list)
    original_question: str | None = None
    expansions: tuple[str, ...] = ()  # Swedish glossary terms for the question's English words
    support: float | None = None  # how well the passages cover the question (answer.support), 0..1
    far_from_passages: bool = False  # no passage is as close to the question as the fitted floor
    analyze: Callable[[str], list[str]] | None = None  # the index's term analysis (stems, compound parts)
    unsupported_reason: str | None = None  # why support is nil, in the question's language
    # The question's cosine with each text embedded on its own (``Retriever.closeness``): breaks
    # near ties between candidate sentences (``selection.select``). Cost: an engine pass per call.
    read_alone: Callable[[Sequence[str]], list[float]] | None = None


@dataclass(frozen=True, slots=True)
class AnswerDelta:
    """A piece of answer text, streamed as it is produced."""

    text: str


@dataclass(frozen=True, slots=True)
class AnswerFinal:
    """The complete answer; always the last event of a stream."""

    answer: Answer


AnswerEvent = AnswerDelta | AnswerFinal


class Answerer(ABC):
    """Turns retrieved passages into a cited answer."""

    @abstractmethod
    def answer(self, context: AnswerContext) -> Answer:
        """A cited answer, or an abstention when the passages do not support one."""

    def stream(self, context: AnswerContext) -> Iterator[AnswerEvent]:
        """Deltas, then the final answer. The default streams a finished answer sentence by sentence."""
        answer = self.answer(context)
        for piece in _pieces(answer.answer):
            yield AnswerDelta(piece)
        yield AnswerFinal(answer)


def _pieces(text: str) -> Iterator[str]:
    start = 0
    for index, char in enumerate(text):
        if char == "\n" or (char == " " and index > 0 and text[index - 1] in ".:!?"):
            yield text[start:index + 1]
            start = index + 1
    if start < len(text):
        yield text[start:]
