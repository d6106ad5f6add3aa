"""What staff asked that the policies did not answer: logged only when the settings keep questions,
only for as long as they say, never who asked; grouped by wording for the console's Questions page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.feedback import FeedbackIn
from assistant.glossary import Glossary
from assistant.questions import ClosestPassage, LoggedQuestion, QuestionRecorder, group_questions, groups_csv
from tests.conftest import make_assistant

# Matters the five policies do not cover (they abstain in Swedish; English ones are issue 20's).
OFF_TOPIC = ["Vilka regler gäller för parkering för personal?", "Vilka regler gäller för personalens parkering?",
             "Vad gäller för bygglov för en altan?"]


@pytest.fixture
def assistant(tmp_path: Path, embedder: Embedder, glossary: Glossary) -> PolicyAssistant:
    built = make_assistant(tmp_path, embedder, glossary)
    built.ensure_index()
    return built


def test_abstentions_and_thumbs_down_are_logged_and_grouped_by_wording(assistant: PolicyAssistant) -> None:
    answers = [assistant.ask(question) for question in OFF_TOPIC]
    assert all(answer.abstained for answer in answers), [a.answer for a in answers]
    assert not assistant.ask("Who owns housing goals in Tierp?").abstained  # answered: not logged
    assert assistant.ask("hej").abstained  # small talk: replied to, not logged
    assistant.add_feedback(FeedbackIn(question="Vem ansvarar för integrationen?", answer="…", rating="down"))
    assistant.add_feedback(FeedbackIn(question="Vem äger bostadsmålen?", answer="…", rating="up"))

    groups = assistant.question_groups()

    assert [(g.count, g.abstained, g.thumbs_down) for g in groups] == [(2, 2, 0), (1, 0, 1), (1, 1, 0)]
    parking = groups[0]
    assert parking.question == OFF_TOPIC[1]  # the latest wording is the group's face
    assert set(parking.variants) == set(OFF_TOPIC[:2])
    assert parking.closest and all(c.document_id and c.section for c in parking.closest)


def test_a_streamed_abstention_is_logged_too(assistant: PolicyAssistant) -> None:
    events = list(assistant.ask_stream(OFF_TOPIC[2]))
    assert events[-1].answer.abstained
    assert [g.question for g in assistant.question_groups()] == [OFF_TOPIC[2]]


def test_with_logging_off_nothing_is_kept(tmp_path: Path, embedder: Embedder, glossary: Glossary) -> None:
    logging = make_assistant(tmp_path, embedder, glossary)
    logging.ensure_index()
    logging.ask(OFF_TOPIC[0])
    assert (tmp_path / "data" / "questions.sqlite").is_file()
    off = make_assistant(tmp_path, embedder, glossary, question_log_days=0)

    off.ask(OFF_TOPIC[1])
    off.add_feedback(FeedbackIn(question="Vem ansvarar för integrationen?", answer="…", rating="down"))

    assert off.question_groups() == []
    assert logging.questions.days == 90 and logging.backend.questions().since("", limit=10) == []  # deleted


def test_questions_older_than_the_retention_are_deleted(tmp_path: Path) -> None:
    from assistant.questions import SqliteQuestionLog

    log = SqliteQuestionLog(tmp_path / "questions.sqlite")
    clock = [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)]
    recorder = QuestionRecorder(lambda: log, days=30, now=lambda: clock[0])
    recorder.record("Gamla frågan om parkering?", language="sv", outcome="abstained")
    clock[0] += dt.timedelta(days=31)
    recorder.record("Nya frågan om bygglov?", language="sv", outcome="abstained")

    assert [g.question for g in recorder.groups(str.split)] == ["Nya frågan om bygglov?"]
    assert [q.question for q in log.since("", limit=10)] == ["Nya frågan om bygglov?"]


def test_the_csv_export_never_starts_a_cell_with_a_formula() -> None:
    questions = [LoggedQuestion(asked_at="2026-12-01T10:00:00+00:00", question='=HYPERLINK("http://x")',
                                language="en", outcome="abstained",
                                closest=[ClosestPassage(document_id="d", title="T", section="-S", score=0.5)])]
    text = groups_csv(group_questions(questions, str.split))
    assert text.splitlines()[0].startswith("question,count,last_asked")
    assert "'=HYPERLINK" in text and ",'-S" in text


def test_the_postgresql_log_keeps_and_prunes_the_same_way(database_url: str) -> None:
    import psycopg
    from psycopg_pool import ConnectionPool

    from assistant.index.postgres.questions import PostgresQuestionLog
    from assistant.index.postgres.schema import migrate

    with psycopg.connect(database_url, autocommit=True) as connection:
        migrate(connection)
    with ConnectionPool(database_url, min_size=1, max_size=2, kwargs={"autocommit": True}) as pool:
        log = PostgresQuestionLog(pool)
        closest = [ClosestPassage(document_id="d", title="T", section="S", score=0.4)]
        log.add(LoggedQuestion(asked_at="2026-01-01T00:00:00+00:00", question="gammal", language="sv",
                               outcome="abstained"))
        log.add(LoggedQuestion(asked_at="2026-02-01T00:00:00+00:00", question="ny", language="sv",
                               outcome="thumbs_down", closest=closest))
        assert log.prune("2026-01-15T00:00:00+00:00") == 1
        [kept] = log.since("", limit=10)
        assert (kept.question, kept.outcome, kept.closest) == ("ny", "thumbs_down", closest)


def test_new_questions_join_the_groups_without_regrouping_the_old_ones(tmp_path: Path) -> None:
    from assistant.questions import SqliteQuestionLog

    log = SqliteQuestionLog(tmp_path / "questions.sqlite")
    clock = [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)]
    recorder = QuestionRecorder(lambda: log, days=30, now=lambda: clock[0])
    analysed: list[str] = []

    def analyze(text: str) -> list[str]:
        analysed.append(text)
        return text.casefold().strip("?").split()

    for question in ["regler för parkering personal", "regler för parkering", "bygglov för altan"]:
        recorder.record(question, language="sv", outcome="abstained")
        clock[0] += dt.timedelta(minutes=1)
    assert [g.count for g in recorder.groups(analyze)] == [2, 1] and len(analysed) == 3
    recorder.record("bygglov för en altan", language="sv", outcome="abstained")
    clock[0] += dt.timedelta(minutes=1)

    grown = recorder.groups(analyze)
    assert analysed[3:] == ["bygglov för en altan"]  # only the new question was analysed
    assert grown == group_questions(log.since("", limit=100), analyze)  # as grouping them all anew
    assert grown[0].question == "bygglov för en altan" and grown[0].count == 2

    clock[0] += dt.timedelta(days=30, minutes=-2)  # the first three are now past the retention
    assert [g.question for g in recorder.groups(analyze)] == ["bygglov för en altan"]


def test_a_question_is_logged_with_its_terms_so_grouping_after_a_start_analyses_nothing(
        assistant: PolicyAssistant) -> None:
    assistant.ask(OFF_TOPIC[0])
    [logged] = assistant.backend.questions().since("", limit=10)
    assert logged.terms and "parkering" in " ".join(logged.terms)

    def refuse(text: str) -> list[str]:
        raise AssertionError(f"analysed again: {text}")

    fresh = QuestionRecorder(assistant.backend.questions, days=90)  # as a new process would
    assert [g.question for g in fresh.groups(refuse)] == [OFF_TOPIC[0]]


def test_a_question_log_of_before_gets_its_terms_column(tmp_path: Path) -> None:
    import sqlite3

    from assistant.questions import SqliteQuestionLog

    path = tmp_path / "questions.sqlite"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE questions (id INTEGER PRIMARY KEY AUTOINCREMENT, asked_at TEXT NOT NULL, "
                "question TEXT NOT NULL, language TEXT NOT NULL, outcome TEXT NOT NULL, closest TEXT NOT NULL)")
    old.execute("INSERT INTO questions (asked_at, question, language, outcome, closest) "
                "VALUES ('2026-01-01T00:00:00', 'Gammal fråga?', 'sv', 'abstained', '[]')")
    old.commit()
    old.close()
    log = SqliteQuestionLog(path)
    assert [(q.question, q.terms) for _, q in log.rows_after(0, "", limit=10)] == [("Gammal fråga?", None)]
    log.add(LoggedQuestion(asked_at="2026-01-02T00:00:00", question="Ny fråga?", language="sv", outcome="abstained",
                           terms=["ny", "fråga"]))
    assert [q.terms for _, q in log.rows_after(1, "", limit=10)] == [["ny", "fråga"]]


def test_a_started_server_groups_the_logged_questions_before_anyone_asks(assistant: PolicyAssistant) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    assistant.questions.record(OFF_TOPIC[2], language="sv", outcome="abstained")
    app = create_app(assistant)
    with TestClient(app):
        app.state.question_warmup.join(timeout=30)
        assert assistant.questions.grouped == 1  # the first Questions view reads them from memory
