"""The ``assistant`` command line, over the same facade as the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import cli
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.settings import Settings
from tests.conftest import CORPUS, QUESTIONS, REPO


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, embedder: Embedder,
           glossary: Glossary) -> CliRunner:
    """The CLI with the session's model (loading it per command would only cost time)."""
    def wired(settings: Settings | None = None) -> PolicyAssistant:
        return PolicyAssistant(settings=settings or Settings(), embedder=embedder, glossary=glossary)

    monkeypatch.setattr(cli.PolicyAssistant, "from_settings", staticmethod(wired))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    return CliRunner()


def test_index_then_search_documents_and_eval(runner: CliRunner, tmp_path: Path) -> None:
    built = runner.invoke(cli.app, ["index"])
    assert built.exit_code == 0, built.output
    assert "indexed 5 documents" in built.output

    found = runner.invoke(cli.app, ["search", "Who owns housing goals?", "--k", "3", "--json"])
    assert found.exit_code == 0, found.output
    hits = json.loads(found.stdout)
    assert len(hits) == 3 and {"chunk_id", "section", "score"} <= hits[0].keys()

    steered = runner.invoke(cli.app, ["search", "uppföljning", "--municipality", "Tranås"])
    assert steered.exit_code == 0 and "Tranås" in steered.output

    listed = runner.invoke(cli.app, ["documents", "--json"])
    assert {d["id"] for d in json.loads(listed.stdout)} == {p.stem for p in CORPUS.glob("*.txt")}

    report = runner.invoke(cli.app, ["eval", str(QUESTIONS)])
    assert report.exit_code == 0 and "Recall@5" in report.output and "MRR" in report.output


def test_a_bad_request_exits_with_a_message_not_a_traceback(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["search", "bostad", "--municipality", "Malmö"])
    assert result.exit_code == 2
    assert "unknown municipality 'Malmö'" in result.output
    assert "Traceback" not in result.output


def test_the_installed_command_runs_in_its_own_process(tmp_path: Path) -> None:
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(CORPUS), "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
           "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "search", "Vem är dokumentansvarig i Tierp?",
                             "--k", "5", "--json"], capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Kommunchef" in result.stdout


def test_index_builds_into_postgresql_when_a_database_is_set(runner: CliRunner, database_url: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", database_url)
    built = runner.invoke(cli.app, ["index"])
    assert built.exit_code == 0, built.output
    assert "indexed 5 documents" in built.output and "→ the PostgreSQL database" in built.output
    found = runner.invoke(cli.app, ["search", "Who owns housing goals?", "--k", "3", "--json"])
    assert found.exit_code == 0 and len(json.loads(found.stdout)) == 3


def test_the_eval_command_explains_its_misses(runner: CliRunner, tmp_path: Path) -> None:
    questions = tmp_path / "one.jsonl"
    questions.write_text(json.dumps({"id": "x1", "question": "Who owns housing goals?", "language": "en",
                                     "answerable": True, "document_id": "tierp-handlingsplan-for-integration",
                                     "evidence": ["zqx no such words anywhere"], "kind": "body"}) + "\n",
                         encoding="utf-8")
    result = runner.invoke(cli.app, ["eval", str(questions), "--explain"])
    assert result.exit_code == 0, result.output
    assert "Misses explained (1)" in result.output and "x1 [" in result.output


def test_a_malformed_question_set_is_named_before_any_index_is_built(runner: CliRunner, tmp_path: Path) -> None:
    questions = tmp_path / "bad.jsonl"
    questions.write_text(json.dumps({"id": "n1", "question": "Vad kostar parkering?", "language": "sv",
                                     "answerable": False, "document_id": "tierp-handlingsplan-for-integration",
                                     "evidence": [], "kind": "hard-negative"}) + "\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["eval", str(questions)])
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.output and "document_id null" in result.output
    assert not (tmp_path / "index").exists()
    missing = runner.invoke(cli.app, ["eval", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "none.jsonl" in missing.output
