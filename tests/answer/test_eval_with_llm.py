"""Every evaluation set runs through the LLM path the day a model is reachable: ``assistant eval``
with ``ASSISTANT_LLM_BASE_URL`` set asks each question of an OpenAI-compatible server (here the
loopback stub, over real HTTP with the real ``openai`` client) and reports the same counts as the
extractive path, marked ``llm``."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant import cli
from tests.answer.openai_stub import MODEL, Reply, StubServer, last_user_message
from tests.conftest import CORPUS, questions_subset

QUESTION_IDS = ("q001", "q002", "q069", "q070")
_FIRST_SOURCE = re.compile(r"<source [^>]*>\n(?P<text>.*?)\n</source>", re.DOTALL)


def cites_the_first_source(request: dict[str, Any]) -> Reply:
    """A model that answers with the first sentence of the first source, citing it as [1]."""
    found = _FIRST_SOURCE.search(last_user_message(request))
    if found is None:
        return Reply(text="NO_ANSWER")
    first = re.split(r"(?<=[.!?])\s", html.unescape(found.group("text")).strip(), maxsplit=1)[0]
    return Reply(text=f"{first} [1]")


@pytest.fixture
def question_set(tmp_path: Path) -> Path:
    return questions_subset(tmp_path / "questions.jsonl", QUESTION_IDS)


def test_eval_reports_the_llm_path_with_the_same_counts(openai_stub: StubServer, question_set: Path,
                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    openai_stub.script(cites_the_first_source)
    for name, value in {"ASSISTANT_CORPUS_DIR": str(CORPUS), "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
                        "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
                        "ASSISTANT_LLM_BASE_URL": openai_stub.base_url, "ASSISTANT_LLM_MODEL": MODEL}.items():
        monkeypatch.setenv(name, value)
    report = CliRunner().invoke(cli.app, ["eval", str(question_set)])
    assert report.exit_code == 0, report.output
    answers = report.output.split("Answers (llm)\n", 1)[1]
    assert answers.startswith("     n  evidence  1st quote  verbatim  abstain✓  false abst.  language  markers")
    assert re.search(r"^all\s+4\s", answers, re.MULTILINE) and "Citations not verbatim: none" in answers
    assert "(4 questions, 5 documents indexed)" in report.output and "Recall@5" in report.output
    asked = [last_user_message(body) for body in openai_stub.requests]
    assert any("Question: When is the Tranås integration programme due to be revised?" in text for text in asked)
