"""The loopback OpenAI-compatible stub server, started once per module and reset for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.answer.openai_stub import StubServer


@pytest.fixture(scope="module")
def _stub_server() -> Iterator[StubServer]:
    server = StubServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def openai_stub(_stub_server: StubServer) -> StubServer:
    """The running stub with no recorded requests and the default (echo) behaviour."""
    _stub_server.reset()
    return _stub_server
