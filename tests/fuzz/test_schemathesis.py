"""schemathesis against the app's own OpenAPI schema, in process (ASGI).

Two runs, each over every operation of the schema (none is excluded):

* ``open``: the session's index with no keys configured: reading is open and the admin operations
  answer 403 (admin endpoints disabled), so nothing changes the shared index.
* ``keyed``: a private assistant over a two-document corpus with reader and admin keys, every
  request carrying the admin key, so that upload, delete and rebuild really run (on a small index).

Every case must pass ``not_a_server_error`` (no 5xx), ``response_schema_conformance`` (the body
matches the schema documented for its status and media type, the SSE streams included) and
``content_type_conformance``. Rate limits are off (a fuzzer is one very fast caller; the limits
have their own tests). Bounded: schemathesis' explicit-example and coverage phases plus 20
generated examples per operation, derandomized so that CI is reproducible.

The schema is read at import from an app that only serves its ``/openapi.json`` (the document does
not depend on the assistant); each case is sent to the run's real app (``app=``). schemathesis'
lazy ``from_fixture`` loader cannot be used: it writes ``Node._nodeid``, which pytest 9 removed.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from types import SimpleNamespace
from typing import cast

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from api.app import create_app
from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.settings import Settings
from tests.conftest import CORPUS, make_assistant

READER_KEY = "fuzz-reader-key"
ADMIN_KEY = "fuzz-admin-key"
SMALL_CORPUS = ("tierp-handlingsplan-for-integration.txt", "tranas-integrationspolitiskt-program.txt")
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
BOUNDED = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))

# Only the schema is read from this app: a stand-in that starts no syncs and groups no questions.
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(cast(PolicyAssistant, SimpleNamespace(settings=Settings(sync_schedule=False),
                                                                      warm_question_groups=lambda: None))))
exercised: Counter[tuple[str, str]] = Counter()
statuses: dict[tuple[str, str], Counter[int]] = {}


@pytest.fixture(scope="module")
def open_app(assistant: PolicyAssistant) -> FastAPI:
    """The app over the session's index: no keys, no rate limit."""
    open_settings = Settings(**{**assistant.settings.model_dump(), "rate_limit_per_minute": 0})
    return create_app(PolicyAssistant(settings=open_settings, embedder=assistant.embedder,
                                      glossary=assistant.glossary))


@pytest.fixture(scope="module")
def keyed_app(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder,
              glossary: Glossary) -> Iterator[FastAPI]:
    """The app over a private two-document index that admin operations may change, with keys."""
    root = tmp_path_factory.mktemp("fuzz-keyed")
    source = root / "source"
    source.mkdir()
    for name in SMALL_CORPUS:
        shutil.copy(CORPUS / name, source / name)
    private = make_assistant(root, embedder, glossary, corpus=source, reader_keys=READER_KEY,
                             admin_keys=ADMIN_KEY, rate_limit_per_minute=0, data_dir=root / "data")
    private.ensure_index()
    yield create_app(private)


def exercise(case: Case, *, run: str, app: FastAPI, headers: dict[str, str] | None = None) -> None:
    exercised[run, case.operation.label] += 1
    response = case.call_and_validate(app=app, headers=headers, checks=CHECKS)
    statuses.setdefault((run, case.operation.label), Counter())[response.status_code] += 1


@schema.parametrize()
@BOUNDED
def test_open_api_has_no_server_errors_and_conforms(case: Case, open_app: FastAPI) -> None:
    exercise(case, run="open", app=open_app)


@schema.parametrize()
@BOUNDED
def test_keyed_api_has_no_server_errors_and_conforms(case: Case, keyed_app: FastAPI) -> None:
    exercise(case, run="keyed", app=keyed_app, headers={"Authorization": f"Bearer {ADMIN_KEY}"})


def test_every_operation_was_exercised_in_both_runs() -> None:
    if not exercised:
        pytest.skip("the schemathesis runs were not selected")
    operations = {result.ok().label for result in schema.get_all_operations()}
    for run in ("open", "keyed"):
        missing = sorted(label for label in operations if exercised[run, label] == 0)
        assert not missing, f"{run}: never exercised: {missing}"
    print(f"\nschemathesis: {sum(exercised.values())} cases over {len(operations)} operations, 2 runs")
    for (run, label), count in sorted(exercised.items()):
        print(f"  {run:5} {count:4}  {label:40} {dict(sorted(statuses.get((run, label), Counter()).items()))}")
