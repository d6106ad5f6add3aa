"""Record databases (`assistant.durable.open_record_database`): set up once however many processes
open a new file at the same moment, as the workers of `assistant serve --workers 2` do."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from assistant.durable import open_record_database
from assistant.feedback import FeedbackStore
from assistant.questions import SqliteQuestionLog

PROCESSES = 4
ROUNDS = 5


def _open_both(folder: str, barrier: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue) -> None:
    barrier.wait()  # every process opens the new files at once
    try:
        SqliteQuestionLog(Path(folder) / "questions.sqlite")
        FeedbackStore(Path(folder) / "feedback.sqlite")
        results.put("ok")
    except Exception as error:  # the failure is what the test reports
        results.put(repr(error))


def test_processes_opening_a_new_record_database_at_once_all_succeed(tmp_path: Path) -> None:
    # Before the setup lock, 14 of 20 such rounds had a worker fail: "duplicate column name" (two
    # saw the column missing) or "database is locked" (the journal switched while another held it).
    context = multiprocessing.get_context("spawn")
    for round_number in range(ROUNDS):
        folder = tmp_path / str(round_number)
        barrier, results = context.Barrier(PROCESSES), context.Queue()
        processes = [context.Process(target=_open_both, args=(str(folder), barrier, results))
                     for _ in range(PROCESSES)]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=120) for _ in processes]
        for process in processes:
            process.join(timeout=60)
        assert outcomes == ["ok"] * PROCESSES


def test_a_file_of_before_gets_the_columns_it_lacks_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    old.execute("INSERT INTO notes (text) VALUES ('kept')")
    old.commit()
    old.close()
    schema = "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
    connection = open_record_database(path, schema, columns=[("notes", "author", "TEXT")])
    assert connection.execute("SELECT text, author FROM notes").fetchall() == [("kept", None)]
    # Opening it again adds nothing and fails on nothing.
    again = open_record_database(path, schema, columns=[("notes", "author", "TEXT")])
    assert [row[1] for row in again.execute("PRAGMA table_info(notes)")] == ["id", "text", "author"]
