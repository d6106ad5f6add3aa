"""A municipality's website kept in sync, end to end: the real loopback site of ``tests/sources/site.py``
crawled over real HTTP, its pages and files parsed and indexed, then changed between runs as sites
are: a revised PDF, a new page, a removed PDF, a page republished unchanged, a link taken away.
Each run re-fetches, re-embeds and removes exactly what changed; a second run of an unchanged site
makes only conditional requests and embeds nothing; faults leave the last good index serving."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.embed import Embedder
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.conftest import make_assistant
from tests.index.test_chunk_vectors import CountingEmbedder
from tests.sources.site import (
    AVFALL,
    AVFALL_PDF,
    BOSTAD,
    BOSTAD_PDF,
    INDEX,
    PDF,
    SAKERHET_PAGE,
    MunicipalSite,
    make_pdf_bytes,
    municipal_site,
    page,
    policy_page,
)
from tests.sources.test_folder_sync import chunk_passes

FIRST_RUN = ["webb-download-18-abc1234-1712345678901-riktlinjer-for-bostadsforsorjning-2024-2027",
             "webb-download-18-abc1234-1712345678955-avfallsplan-2024-2030",
             "webb-globalassets-styrdokument-riktlinjer-for-representation",
             "webb-styrdokument-informationssakerhetspolicy",
             "webb-styrdokument-representation",
             "webb-styrdokument-riktlinjer-for-bostadsforsorjning"]
AVFALL_ID = FIRST_RUN[1]
BOSTAD_PDF_ID = FIRST_RUN[0]


@pytest.fixture
def site() -> Iterator[MunicipalSite]:
    with municipal_site() as served:
        yield served


@pytest.fixture
def counting(embedder: Embedder) -> CountingEmbedder:
    return CountingEmbedder(embedder)


@pytest.fixture
def assistant(tmp_path: Path, counting: CountingEmbedder, glossary: Glossary, site: MunicipalSite) -> PolicyAssistant:
    built = make_assistant(tmp_path, counting, glossary, sync_requests_per_second=100.0, sync_timeout_seconds=2.0)
    built.ensure_index()
    built.sources.add("webb", site.url(INDEX))
    return built


def test_the_first_sync_indexes_the_sites_pages_and_files_with_links_to_the_originals(
        assistant: PolicyAssistant, site: MunicipalSite) -> None:
    [report] = assistant.sources.sync("webb")

    assert report.status == "ok", report
    assert sorted(report.added) == FIRST_RUN  # the navigation-only index page is followed, not indexed
    documents = {d.id: d for d in assistant.documents()}
    assert documents[AVFALL_ID].source_url == site.url(AVFALL_PDF)
    assert documents[AVFALL_ID].title == "Avfallsplan 2024–2030"
    page_text = assistant.document_text("webb-styrdokument-informationssakerhetspolicy")
    assert "Huvudmeny" not in page_text and "Storgatan 1" not in page_text  # menu and footer dropped

    answer = assistant.ask("Hur många nya bostäder ska färdigställas varje år?")
    assert not answer.abstained and "120" in answer.answer
    assert answer.citations[0].source_url in {site.url(BOSTAD_PDF), site.url("/styrdokument/riktlinjer-for-"
                                                                               "bostadsforsorjning.html")}


def test_a_second_sync_of_an_unchanged_site_asks_only_conditionally_and_embeds_nothing(
        assistant: PolicyAssistant, site: MunicipalSite, counting: CountingEmbedder) -> None:
    assistant.sources.sync("webb")
    version, embedded = assistant.manifest.version, chunk_passes(counting)
    site.clear_log()

    [report] = assistant.sources.sync("webb")

    assert report.status == "ok" and report.changes == 0 and report.unchanged == 7  # six documents, the index
    items = [r for r in site.log if r.path != "/robots.txt"]
    assert items and all(r.conditional and r.status == 304 for r in items)
    assert report.not_modified == len(items)
    assert assistant.manifest.version == version and chunk_passes(counting) == embedded


def test_each_change_at_the_source_is_one_change_of_the_answers(
        assistant: PolicyAssistant, site: MunicipalSite, counting: CountingEmbedder) -> None:
    site.no_etag.add(SAKERHET_PAGE)  # only Last-Modified: a new date means a 200 with the same text
    assistant.sources.sync("webb")
    revised = [line.replace("Minst 120 nya bostäder", "Minst 150 nya bostäder") for line in BOSTAD]
    site.put(BOSTAD_PDF, make_pdf_bytes("Riktlinjer för bostadsförsörjning 2024–2027", revised), PDF)
    site.put("/styrdokument/parkering.html", policy_page("Riktlinjer för parkering", [
        "Boendeparkering i innerstaden kostar 450 kronor i månaden. Tillstånd söks hos tekniska nämnden. "
        "Riktlinjerna antogs av kommunfullmäktige den 3 mars 2025 och gäller till och med 2028."]))
    index = site.files[INDEX][0].replace(b"</ul>", b'<li><a href="parkering.html">Parkering</a></li></ul>', 1)
    site.put(INDEX, index)
    site.remove(AVFALL_PDF)  # its link stays: the server answers 404
    site.touch(SAKERHET_PAGE)  # republished, same text
    site.clear_log()
    embedded = chunk_passes(counting)

    [report] = assistant.sources.sync("webb")

    assert report.changed == [BOSTAD_PDF_ID]
    assert report.added == ["webb-styrdokument-parkering"]
    assert report.removed == [AVFALL_ID]
    assert report.unchanged == 4  # the republished page (200, same text) and three documents (304)
    refetched = {r.path for r in site.log if r.status == 200} - {"/robots.txt"}
    assert refetched == {INDEX, BOSTAD_PDF, "/styrdokument/parkering.html", SAKERHET_PAGE}
    assert chunk_passes(counting) - embedded < 40  # the revised PDF's and the new page's chunks only

    assert "150" in assistant.ask("Hur många nya bostäder ska färdigställas varje år?").answer
    assert AVFALL_ID not in {d.id for d in assistant.documents()}
    hits = assistant.search("Hur mycket ska mat- och restavfallet minska till 2030?", k=10)
    assert all(hit.document_id != AVFALL_ID for hit in hits)
    assert assistant.search("Vad kostar boendeparkering?", k=1)[0].document_id == "webb-styrdokument-parkering"


def test_a_document_whose_link_is_taken_away_goes_after_two_runs(
        assistant: PolicyAssistant, site: MunicipalSite) -> None:
    assistant.sources.sync("webb")
    site.put(INDEX, site.files[INDEX][0].replace(f'<li><a href="{AVFALL_PDF}">'.encode(), b"<li><a>"))

    [first] = assistant.sources.sync("webb")
    assert first.removed == [] and AVFALL_ID in {d.id for d in assistant.documents()}  # perhaps a bad deploy
    [second] = assistant.sources.sync("webb")
    assert second.removed == [AVFALL_ID] and AVFALL_ID not in {d.id for d in assistant.documents()}


def test_server_errors_and_slow_answers_fail_items_while_the_last_good_index_serves(
        assistant: PolicyAssistant, site: MunicipalSite) -> None:
    assistant.sources.sync("webb")
    site.put(AVFALL_PDF, make_pdf_bytes("Avfallsplan 2024–2030", [*AVFALL, "Ny text som inte får synas."]), PDF)
    site.failing[AVFALL_PDF] = 500
    site.delays[BOSTAD_PDF] = 3.0  # beyond the 2 s timeout
    site.put(SAKERHET_PAGE, site.files[SAKERHET_PAGE][0][:200])  # a truncated page: it changes, and parses
    version = assistant.manifest.version

    [report] = assistant.sources.sync("webb")

    assert report.status == "partial"
    reasons = {f["key"]: f["reason"] for f in report.failed}
    assert reasons == {site.url(AVFALL_PDF): "unreachable", site.url(BOSTAD_PDF): "timed_out"}
    assert {AVFALL_ID, BOSTAD_PDF_ID} <= {d.id for d in assistant.documents()}  # their last good versions
    assert "Ny text som inte får synas" not in assistant.document_text(AVFALL_ID)
    assert assistant.manifest.version != version  # the truncated page was a change like any other

    site.failing.clear()
    site.delays.clear()
    [healed] = assistant.sources.sync("webb")
    assert healed.changed == [AVFALL_ID] and not healed.failed


def test_a_site_that_is_down_removes_nothing_and_says_why(assistant: PolicyAssistant, site: MunicipalSite) -> None:
    assistant.sources.sync("webb")
    site.failing[INDEX] = 503

    [report] = assistant.sources.sync("webb")

    assert report.status == "failed" and "503" in (report.error or "")
    assert set(FIRST_RUN) <= {d.id for d in assistant.documents()}
    assert assistant.sources.statuses()[0].last_run == report


def test_a_page_that_becomes_navigation_leaves_the_index(assistant: PolicyAssistant, site: MunicipalSite) -> None:
    assistant.sources.sync("webb")
    site.put(SAKERHET_PAGE, page("Informationssäkerhet", '<h1>Informationssäkerhet</h1><ul><li><a href="'
                                 f'{AVFALL_PDF}">Avfallsplan</a></li></ul>'))

    [report] = assistant.sources.sync("webb")

    assert report.removed == ["webb-styrdokument-informationssakerhetspolicy"]
    assert "webb-styrdokument-informationssakerhetspolicy" not in {d.id for d in assistant.documents()}


def test_a_scanned_pdf_on_the_site_is_read_by_ocr_and_answerable(assistant: PolicyAssistant,
                                                                  site: MunicipalSite) -> None:
    from tests.render.scan import paragraphs_pdf, scan_pdf

    text = ("Kommunens riktlinje för vinterväghållning gäller från den 1 november. Gång- och cykelvägar "
            "plogas när snödjupet är åtta centimeter. Tekniska nämnden ansvarar för snöröjningen.")
    scanned = scan_pdf(paragraphs_pdf(["Riktlinje för vinterväghållning", text]), dpi=200)
    path = "/download/18.abc1234/1712345679000/Vinterväghållning-skannad.pdf"
    site.put(path, scanned, PDF)
    site.put(INDEX, site.files[INDEX][0].replace(b"</ul>", f'<li><a href="{path}">Vinter (pdf)</a></li></ul>'
                                                 .encode(), 1))

    [report] = assistant.sources.sync("webb")

    assert report.status == "ok", report
    [scanned_id] = [d for d in report.added if "vinter" in d]
    assert "snödjupet" in assistant.document_text(scanned_id).replace("\n", " ")
    assert assistant.search("När plogas gång- och cykelvägar på vintern?", k=1)[0].document_id == scanned_id
