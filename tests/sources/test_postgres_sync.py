"""Sources on PostgreSQL: every replica sees the same sources and runs, a website sync on one
replica is served by the other at once, and a deletion at the source is unanswerable on both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.conftest import make_assistant
from tests.sources.site import AVFALL_PDF, INDEX, MunicipalSite, municipal_site
from tests.sources.test_website_sync import AVFALL_ID, FIRST_RUN


@pytest.fixture
def site() -> Iterator[MunicipalSite]:
    with municipal_site() as served:
        yield served


@pytest.fixture
def replicas(tmp_path: Path, database_url: str, embedder: Embedder,
             glossary: Glossary) -> Iterator[tuple[PolicyAssistant, PolicyAssistant]]:
    made = [make_assistant(tmp_path / name, embedder, glossary, database_url=database_url,
                           sync_requests_per_second=100.0) for name in ("a", "b")]
    for assistant in made:
        assistant.ensure_index()
    yield made[0], made[1]
    for assistant in made:
        assistant.close()


def test_a_website_synced_on_one_replica_is_served_and_pruned_on_both(
        replicas: tuple[PolicyAssistant, PolicyAssistant], site: MunicipalSite) -> None:
    first, second = replicas
    first.sources.add("webb", site.url(INDEX), groups=["personal"])
    assert [s.source.name for s in second.sources.statuses()] == ["webb"]  # one configuration for all

    [report] = second.sources.sync("webb")

    assert sorted(report.added) == FIRST_RUN
    for replica in replicas:
        documents = {d.id: d for d in replica.documents()}
        assert set(FIRST_RUN) <= set(documents)
        assert documents[AVFALL_ID].source_url == site.url(AVFALL_PDF)
        assert documents[AVFALL_ID].access == ["personal"]
    assert first.sources.statuses()[0].last_run == report

    site.remove(AVFALL_PDF)
    [pruned] = first.sources.sync("webb")
    assert pruned.removed == [AVFALL_ID]
    for replica in replicas:
        assert AVFALL_ID not in {d.id for d in replica.documents()}
        hits = replica.search("Hur mycket ska mat- och restavfallet minska till 2030?", k=10)
        assert all(hit.document_id != AVFALL_ID for hit in hits)

    [unchanged] = second.sources.sync("webb")
    # robots.txt, six 304s, and the removed PDF's link, still on the index page: a 404 again.
    assert unchanged.changes == 0 and (unchanged.requests, unchanged.not_modified) == (8, 6)

    removed = second.sources.remove("webb")
    assert sorted(removed) == sorted(set(FIRST_RUN) - {AVFALL_ID})
    assert first.sources.statuses() == [] and not [d for d in first.documents() if d.id.startswith("webb-")]
