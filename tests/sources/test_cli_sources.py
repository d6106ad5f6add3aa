"""``assistant sources``, as scripts use it: add, sync (printing added / changed / removed /
failed; exit 1 only when a source could not be read), list [--json], remove."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import cli
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.settings import Settings
from tests.conftest import CORPUS
from tests.sources.test_folder_sync import PARKING, SNOW


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, embedder: Embedder, glossary: Glossary) -> CliRunner:
    """The CLI over the settings of the environment, with the session's model."""
    def wired(settings: Settings | None = None) -> PolicyAssistant:
        return PolicyAssistant(settings=settings or Settings(), embedder=embedder, glossary=glossary)

    monkeypatch.setattr(cli.PolicyAssistant, "from_settings", staticmethod(wired))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


def test_add_sync_list_and_remove_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "parkering.md").write_text(PARKING, encoding="utf-8")

    added = runner.invoke(cli.app, ["sources", "add", "delad", str(share), "--groups", "personal,chefer",
                                    "--every", "6h"])
    assert added.exit_code == 0, added.output
    assert f"added delad: folder {share}" in added.output

    synced = runner.invoke(cli.app, ["sources", "sync"])
    assert synced.exit_code == 0, synced.output
    assert "delad: ok" in synced.output and "1 added" in synced.output and "added delad-parkering" in synced.output

    (share / "snorojning.md").write_text(SNOW, encoding="utf-8")
    (share / "trasig.docx").write_bytes(b"PK\x03\x04 not a real document")
    again = runner.invoke(cli.app, ["sources", "sync", "delad"])
    assert again.exit_code == 0, again.output  # a failed file is not a failed source
    assert "delad: partial" in again.output and "added delad-snorojning" in again.output
    assert "failed trasig.docx: " in again.output

    listed = runner.invoke(cli.app, ["sources", "list", "--json"])
    [status] = json.loads(listed.stdout)
    assert status["source"]["groups"] == ["chefer", "personal"] and status["every"] == "6h"
    assert status["last_run"]["failed"][0]["key"] == "trasig.docx"
    table = runner.invoke(cli.app, ["sources", "list"])
    assert table.output.startswith("delad\tfolder\t") and "every 6h" in table.output

    documents = runner.invoke(cli.app, ["documents", "--json"])
    assert {"delad-parkering", "delad-snorojning"} <= {d["id"] for d in json.loads(documents.stdout)}

    removed = runner.invoke(cli.app, ["sources", "remove", "delad"])
    assert removed.exit_code == 0 and "removed delad and its 2 documents" in removed.output
    assert json.loads(runner.invoke(cli.app, ["sources", "list", "--json"]).stdout) == []


def test_an_unreadable_source_exits_1_and_bad_input_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "parkering.md").write_text(PARKING, encoding="utf-8")
    assert runner.invoke(cli.app, ["sources", "add", "delad", str(share)]).exit_code == 0
    share.rename(tmp_path / "unmounted")

    failed = runner.invoke(cli.app, ["sources", "sync"])
    assert failed.exit_code == 1
    assert "delad: failed" in failed.output and "is the share mounted?" in failed.output

    bad = runner.invoke(cli.app, ["sources", "add", "Delad", str(tmp_path)])
    assert bad.exit_code == 2 and "lowercase letters" in bad.output and "Traceback" not in bad.output
    unknown = runner.invoke(cli.app, ["sources", "sync", "saknas"])
    assert unknown.exit_code == 2 and "no source named 'saknas'" in unknown.output
