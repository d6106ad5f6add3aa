"""What staff asked that the policies did not answer: questions that ended in an abstention or a
thumbs-down, kept only if ``ASSISTANT_QUESTION_LOG_DAYS`` > 0 and only for that many days, and
grouped by similar wording so a policy officer sees which policies are missing or unclear.

Nothing about who asked is kept: the question, its language, the outcome, the time, and the
passages the search found closest (document, section, score), so the page needs no search.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import math
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.answer.base import AnswerContext
from assistant.answer.language import detect_language
from assistant.answer.smalltalk import small_talk
from assistant.durable import open_record_database
from assistant.feedback import FeedbackIn
from assistant.models import Answer

logger = logging.getLogger(__name__)

Outcome = Literal["abstained", "thumbs_down"]
SIMILAR = 0.5  # Jaccard overlap of two questions' analysed terms that puts them in one group

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, asked_at TEXT NOT NULL, question TEXT NOT NULL,
    language TEXT NOT NULL, outcome TEXT NOT NULL, closest TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS questions_by_time ON questions (asked_at);
"""


class ClosestPassage(BaseModel):
    document_id: str
    title: str
    section: str
    score: float


class LoggedQuestion(BaseModel):
    asked_at: str
    question: str = Field(max_length=2_000)
    language: str
    outcome: Outcome
    closest: list[ClosestPassage] = Field(default_factory=list, max_length=5)
    terms: list[str] | None = None  # the question's analysed terms when it was logged (None: analysed when grouped)


class QuestionGroup(BaseModel):
    """Questions of similar wording: the most recent one as the group's face, how often, when last,
    by which outcome, and the passages closest to the latest."""

    question: str
    count: int
    last_asked: str
    abstained: int
    thumbs_down: int
    variants: list[str]
    closest: list[ClosestPassage]


class QuestionLog(ABC):
    """Where logged questions persist, beside the documents."""

    @abstractmethod
    def add(self, item: LoggedQuestion) -> None:
        """Store one question."""

    @abstractmethod
    def since(self, cutoff: str, *, limit: int) -> list[LoggedQuestion]:
        """Questions asked at or after ``cutoff`` (ISO time), newest first, at most ``limit``."""

    @abstractmethod
    def rows_after(self, row: int, cutoff: str, *, limit: int) -> list[tuple[int, LoggedQuestion]]:
        """(row id, question) of the questions stored after row ``row`` and asked at or after
        ``cutoff``, in the order they were stored, at most ``limit`` (the most recent ones)."""

    @abstractmethod
    def prune(self, before: str) -> int:
        """Delete the questions asked before ``before``; how many."""

    @abstractmethod
    def version(self) -> tuple[int, int]:
        """(How many questions are kept, the newest one's row id): changes whenever the log does."""


class SqliteQuestionLog(QuestionLog):
    """``questions.sqlite`` in the data folder (the file backend's). Cost: an indexed insert."""

    def __init__(self, path: Path) -> None:
        # "terms" (a JSON list) is absent from the files of before.
        self._connection = open_record_database(path, _SCHEMA, columns=[("questions", "terms", "TEXT")])
        self._lock = threading.Lock()

    def add(self, item: LoggedQuestion) -> None:
        with self._lock:
            self._connection.execute(
                "INSERT INTO questions (asked_at, question, language, outcome, closest, terms) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (item.asked_at, item.question, item.language, item.outcome, _closest_json(item), terms_json(item)))

    def since(self, cutoff: str, *, limit: int) -> list[LoggedQuestion]:
        with self._lock:
            rows = self._connection.execute(
                "SELECT asked_at, question, language, outcome, closest, terms FROM questions WHERE asked_at >= ? "
                "ORDER BY asked_at DESC, id DESC LIMIT ?", (cutoff, limit)).fetchall()
        return [logged_question_of(row) for row in rows]

    def rows_after(self, row: int, cutoff: str, *, limit: int) -> list[tuple[int, LoggedQuestion]]:
        with self._lock:
            rows = self._connection.execute(
                "SELECT id, asked_at, question, language, outcome, closest, terms FROM questions WHERE id > ? AND "
                "asked_at >= ? ORDER BY id DESC LIMIT ?", (row, cutoff, limit)).fetchall()
        return [(int(found[0]), logged_question_of(found[1:])) for found in reversed(rows)]

    def prune(self, before: str) -> int:
        with self._lock:
            return self._connection.execute("DELETE FROM questions WHERE asked_at < ?", (before,)).rowcount

    def version(self) -> tuple[int, int]:
        with self._lock:
            count, newest = self._connection.execute("SELECT count(*), coalesce(max(id), 0) FROM questions").fetchone()
        return int(count), int(newest)

    def close(self) -> None:
        self._connection.close()


def _closest_json(item: LoggedQuestion) -> str:
    return json.dumps([c.model_dump() for c in item.closest], ensure_ascii=False)


def terms_json(item: LoggedQuestion) -> str | None:
    """The item's terms as stored (a JSON list), or ``None``."""
    return None if item.terms is None else json.dumps(item.terms, ensure_ascii=False)


def logged_question_of(row: Sequence[object]) -> LoggedQuestion:
    """A stored row (asked_at, question, language, outcome, closest[, terms]) as a question."""
    closest = row[4] if isinstance(row[4], list) else json.loads(str(row[4]))
    stored = row[5] if len(row) > 5 else None
    terms = stored if isinstance(stored, list) or stored is None else json.loads(str(stored))
    return LoggedQuestion(asked_at=str(row[0]), question=str(row[1]), language=str(row[2]),
                          outcome=row[3], closest=[ClosestPassage.model_validate(c) for c in closest],  # type: ignore[arg-type]
                          terms=terms)


class QuestionRecorder:
    """Logs what the settings allow and prunes what they no longer keep. ``days`` = 0: logs
    nothing, reads nothing, and the log's old questions are deleted on the next read."""

    def __init__(self, log: Callable[[], QuestionLog], *, days: int,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        self._log = log
        self.days = days
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self._grouping: QuestionGrouping | None = None  # of the log's rows up to ``_grouped_row``
        self._grouped_row = 0
        self._grouped_count = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.days > 0

    @property
    def grouped(self) -> int:
        """How many logged questions this process has grouped (and keeps grouped)."""
        return self._grouped_count

    def warm(self, group: Callable[[], object]) -> threading.Thread | None:
        """Run ``group`` (which reads the groups) on a background thread now, so a first view after
        a start finds them in memory; ``None`` when nothing is logged. A failure is logged and
        leaves the first view to group them."""
        if not self.enabled or not self._log().version()[0]:
            return None

        def run() -> None:
            try:
                group()
            except Exception:  # the warm-up is an optimisation: never let it take the process down
                logger.exception("grouping the logged questions at start failed")

        thread = threading.Thread(target=run, name="question-groups", daemon=True)
        thread.start()
        return thread

    def note_answer(self, context: AnswerContext, answer: Answer) -> None:
        """Log ``answer``'s question if it abstained, with the passages the search found closest;
        never small talk ("hej" is not a question the policies failed)."""
        if answer.abstained and small_talk(context.original_question or context.question) is None:
            closest = [ClosestPassage(document_id=p.hit.document_id, title=p.hit.title, section=p.hit.section,
                                      score=p.hit.score) for p in context.passages[:3]]
            question = context.original_question or context.question
            self.record(question, language=answer.language, outcome="abstained", closest=closest,
                        terms=context.analyze(question) if context.analyze else None)

    def note_feedback(self, item: FeedbackIn) -> None:
        """Log a thumbs-down's question, with the passages the answer cited."""
        if item.rating == "down":
            closest = [ClosestPassage(document_id=c.document_id, title=c.title, section=c.section, score=0.0)
                       for c in item.citations[:3]]
            self.record(item.question, language=detect_language(item.question), outcome="thumbs_down",
                        closest=closest)

    def record(self, question: str, *, language: str, outcome: Outcome,
               closest: Sequence[ClosestPassage] = (), terms: Sequence[str] | None = None) -> None:
        """Log one question (``terms``: its analysis, kept so grouping it later costs none)."""
        if not self.enabled:
            return
        log = self._log()
        log.add(LoggedQuestion(asked_at=self._stamp(self._now()), question=question[:2_000], language=language,
                               outcome=outcome, closest=list(closest)[:5],
                               terms=None if terms is None else list(terms)[:200]))
        log.prune(self._cutoff())

    def groups(self, analyze: Callable[[str], list[str]], *, limit: int = 20_000) -> list[QuestionGroup]:
        """The kept questions grouped by similar wording, largest groups first. Cost: a prune and a
        count; the questions logged since the last call are added to the groups (a millisecond
        each); all of them are grouped again (about 0.6 s for 10,000, from their stored terms) only
        on the first call in a process or after questions were pruned."""
        log = self._log()
        pruned = log.prune(self._cutoff() if self.enabled else self._stamp(self._now() + dt.timedelta(days=1)))
        if not self.enabled:
            return []
        with self._lock:
            count, _ = log.version()
            if pruned or self._grouping is None or count < self._grouped_count:
                self._grouping, self._grouped_row, self._grouped_count = QuestionGrouping(analyze), 0, 0
            fresh = log.rows_after(self._grouped_row, self._cutoff(), limit=limit)
            self._grouping.add_all([item for _, item in fresh])
            if fresh:
                self._grouped_row, self._grouped_count = fresh[-1][0], self._grouped_count + len(fresh)
            return self._grouping.groups()

    def _cutoff(self) -> str:
        return self._stamp(self._now() - dt.timedelta(days=self.days))

    @staticmethod
    def _stamp(moment: dt.datetime) -> str:
        return moment.isoformat(timespec="seconds")


class QuestionGrouping:
    """Greedy grouping in the order questions were logged: a question joins the first group whose
    first question shares at least ``SIMILAR`` of their analysed terms (Jaccard; stems, compound
    parts), else starts a group. Since a question is only ever compared with the groups before it,
    a newly logged one is one more step, not a regrouping. The comparisons are cut by prefix
    filtering: two sets that similar share a term among each one's first terms in one fixed order
    of all terms (rarest first, by their frequency in the batch that brought them: a term's place
    never changes). Cost: one analysis and a few set comparisons a question."""

    def __init__(self, analyze: Callable[[str], list[str]]) -> None:
        self._analyze = analyze
        self._order: dict[str, tuple[int, str]] = {}  # term → its fixed sort key
        self._seeds: list[set[str]] = []
        self._members: list[list[LoggedQuestion]] = []
        self._made: list[QuestionGroup | None] = []  # each group's summary, None once it changed
        self._by_term: dict[str, list[int]] = {}

    def add_all(self, items: Sequence[LoggedQuestion]) -> None:
        """Add ``items`` in order. Terms first seen among them take their place in the fixed order by
        how often they occur among them (rarest first): words every question uses ("vad", "för")
        then sort last and never make two questions candidates of each other."""
        analysed = [set(item.terms if item.terms is not None else self._analyze(item.question))
                    or {item.question.casefold().strip()} for item in items]
        counts: dict[str, int] = {}
        for terms in analysed:
            for term in terms:
                if term not in self._order:
                    counts[term] = counts.get(term, 0) + 1
        self._order.update((term, (count, term)) for term, count in counts.items())
        for item, terms in zip(items, analysed, strict=True):
            self._add(item, terms)

    def _add(self, item: LoggedQuestion, terms: set[str]) -> None:
        ordered = sorted(terms, key=self._order.__getitem__)
        prefix = ordered[:len(ordered) - math.ceil(SIMILAR * len(ordered)) + 1]
        candidates = sorted({g for term in prefix for g in self._by_term.get(term, ())})
        seeds = self._seeds
        joined = next((g for g in candidates if len(terms & seeds[g]) / len(terms | seeds[g]) >= SIMILAR), None)
        if joined is not None:
            self._members[joined].append(item)
            self._made[joined] = None
            return
        for term in prefix:
            self._by_term.setdefault(term, []).append(len(seeds))
        seeds.append(terms)
        self._members.append([item])
        self._made.append(None)

    def groups(self) -> list[QuestionGroup]:
        """The groups, largest first, the most recently asked first among equals; each faced by its
        latest question. Cost: a summary of each group changed since the last call, and a sort."""
        for index, made in enumerate(self._made):
            if made is None:
                self._made[index] = _group(self._members[index])
        made = [group for group in reversed(self._made) if group is not None]  # ties: the newer group first
        made.sort(key=lambda group: group.last_asked, reverse=True)
        return sorted(made, key=lambda group: group.count, reverse=True)


def _group(members: list[LoggedQuestion]) -> QuestionGroup:
    latest = members[::-1]
    return QuestionGroup(question=latest[0].question, count=len(members), last_asked=latest[0].asked_at,
                         abstained=sum(m.outcome == "abstained" for m in members),
                         thumbs_down=sum(m.outcome == "thumbs_down" for m in members),
                         variants=list(dict.fromkeys(m.question for m in latest))[:10], closest=latest[0].closest)


def group_questions(questions: Sequence[LoggedQuestion], analyze: Callable[[str], list[str]]) -> list[QuestionGroup]:
    """``questions`` (newest first, as ``QuestionLog.since`` gives them) grouped as ``QuestionGrouping``
    groups them in the order they were asked."""
    grouping = QuestionGrouping(analyze)
    grouping.add_all(list(reversed(questions)))
    return grouping.groups()


def groups_csv(groups: Sequence[QuestionGroup]) -> str:
    """The groups as CSV (UTF-8, a header row): what an officer opens in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question", "count", "last_asked", "abstained", "thumbs_down", "variants", "closest_document",
                     "closest_section"])
    for group in groups:
        top = group.closest[0] if group.closest else None
        writer.writerow([_cell(group.question), group.count, group.last_asked, group.abstained, group.thumbs_down,
                         _cell(" | ".join(group.variants)), top.document_id if top else "",
                         _cell(top.section) if top else ""])
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, - or @ would start a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
