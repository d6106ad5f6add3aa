"""Parsing the five seed policies: metadata as stated, sections from headings, action-plan rows."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.models import BlockKind, Document
from assistant.parse import parse_file
from tests.conftest import CORPUS


def parse(name: str) -> Document:
    return parse_file(CORPUS / f"{name}.txt")


@pytest.fixture(scope="module")
def tierp() -> Document:
    return parse("tierp-handlingsplan-for-integration")


def section_titles(document: Document) -> list[str]:
    return [" > ".join(section.path) for section in document.sections]


def rows(document: Document, area: str) -> list[dict[str, str]]:
    return [dict(block.cells or ()) for block in document.blocks
            if block.kind == BlockKind.TABLE_ROW and block.section_path[-1] == area]


def test_document_id_is_a_slug_of_the_file_name(tierp: Document) -> None:
    assert tierp.id == "tierp-handlingsplan-for-integration"
    assert tierp.source_path.endswith("tierp-handlingsplan-for-integration.txt")


def test_tierp_header_metadata_is_typed(tierp: Document) -> None:
    assert tierp.title == "Handlingsplan för integration"
    assert tierp.municipality == "Tierp"
    assert tierp.document_type == "Handlingsplan"
    assert tierp.adopted_by == "Kommunstyrelsen"
    assert tierp.adopted_date == dt.date(2017, 5, 30)
    assert tierp.valid_until == dt.date(2018, 12, 31)
    assert tierp.registration_number == "KS 2017.411"
    assert tierp.document_owner == "Kommunchef"
    assert tierp.version == "1"
    assert tierp.revision_date is None  # not stated, so not guessed


def test_tierp_tables_become_area_sections(tierp: Document) -> None:
    areas = ["Arbete", "Boende", "Språk", "Attityd", "Mötesplatser", "Samverkan"]
    for area in areas:
        assert f"Handlingsplan för integration > {area}" in section_titles(tierp)
    assert all("<u>" not in title for title in section_titles(tierp))


def test_tierp_housing_row_names_its_main_responsibility(tierp: Document) -> None:
    housing = rows(tierp, "Boende")
    owners = [row.get("Huvudansvar") for row in housing]
    assert "Chef kvalitet och strategisk utveckling" in owners
    first = housing[0]
    assert first["Mål/delmål"] == "Verka för en god boendemiljö i hela kommunen."
    assert first["Aktivitet"] == "Ett integrationsperspektiv ska skrivas in i bostadsförsörjningsprogrammet."
    assert first["Tidplan"] == "2018"


def test_tierp_continuation_rows_carry_the_goal_above(tierp: Document) -> None:
    work = rows(tierp, "Arbete")
    goal = ("Ge varje individ förutsättningar för att så snabbt som möjligt komma ut i arbetslivet "
            "och nå egen försörjning.")
    continued = [row for row in work if row.get("Aktivitet", "").startswith("Kartlägga behov av kompetens")]
    assert continued and continued[0]["Mål/delmål"] == goal
    assert continued[0]["Huvudansvar"] == "Chef näringslivsenheten"


def test_a_row_that_lost_its_leading_empty_cells_is_realigned_by_what_its_cells_hold(tierp: Document) -> None:
    # The source has "Driva projekt …<tab><tab>Kultur- och fritidschef<tab>2018": the row's two leading
    # empty cells were lost, which put the role under Aktivitet and the year under Huvudansvar.
    row = next(b for b in tierp.blocks if b.record and "Driva projekt i samverkan" in b.record)
    cells = dict(row.cells or ())
    assert cells["Aktivitet"] == "Driva projekt i samverkan med civilsamhället för att främja integration."
    assert cells["Huvudansvar"] == "Kultur- och fritidschef" and cells["Tidplan"] == "2018"
    assert cells["Mål/delmål"].startswith("Åstadkomma en effektiv")  # the goal carried from the row above
    untouched = [b for b in tierp.blocks if b.record and "Kommunledningsgruppen" in b.record]
    assert all(dict(b.cells or ())["Huvudansvar"].startswith("Kommunledningsgruppen") for b in untouched)


def test_table_row_records_name_their_columns(tierp: Document) -> None:
    record = next(b.record for b in tierp.blocks if b.kind == BlockKind.TABLE_ROW and b.record
                  and "bostadsförsörjningsprogrammet" in b.record)
    assert "Huvudansvar: Chef kvalitet och strategisk utveckling" in record
    assert record.startswith("Mål/delmål: ")


def test_table_row_spans_point_at_the_row_in_the_source(tierp: Document) -> None:
    for block in tierp.blocks:
        if block.kind == BlockKind.TABLE_ROW:
            source_row = tierp.text[block.start:block.end]
            for _, value in block.cells or ():
                # carried goals come from the row above; every other cell is on this line
                assert value in source_row or value in tierp.text[:block.start]


def test_tranas_header_fields_and_no_invented_adoption_date() -> None:
    tranas = parse("tranas-integrationspolitiskt-program")
    assert tranas.municipality == "Tranås"
    assert tranas.document_type == "Program"
    assert tranas.adopted_by == "Kommunstyrelsen"
    assert tranas.published_date == dt.date(2017, 12, 20)
    assert tranas.revision_date == dt.date(2021, 12, 19)
    assert tranas.registration_number == "24/2016"
    assert tranas.issued_by == "Kommunledningsförvaltningen, Ekonomiavdelningen"
    assert tranas.adopted_date is None
    assert tranas.document_owner is None
    assert "Bostäder" in section_titles(tranas)


def test_varnamo_metadata_comes_from_its_labels_not_from_the_prose() -> None:
    varnamo = parse("varnamo-policy-for-integrationspolitik")
    assert varnamo.municipality == "Värnamo"
    assert varnamo.adopted_by == "Kommunfullmäktige"
    assert varnamo.adopted_date == dt.date(2017, 11, 30)
    assert varnamo.valid_from == dt.date(2017, 11, 30)
    assert varnamo.document_owner == "Anneli Forsgren"
    # "Dnr KS 2015.178" in the introduction is an older decision's number, not this document's.
    assert varnamo.registration_number is None
    assert "Strategi > Styrande principer" in section_titles(varnamo)


def test_dals_ed_states_no_metadata_and_gets_none() -> None:
    dals_ed = parse("dals-ed-policy-for-integrationsarbetet")
    assert dals_ed.municipality == "Dals-Ed"
    assert dals_ed.document_type == "Policy"
    for name in ("adopted_by", "adopted_date", "valid_until", "registration_number", "document_owner"):
        assert getattr(dals_ed, name) is None, name
    assert "Utbildning > Barn och ungdomar" in section_titles(dals_ed)
    # the noise lines under the title are not content
    assert all("780 - 135" not in dals_ed.text[b.start:b.end] for b in dals_ed.blocks)


def test_astorp_numbered_headings_nest_and_the_table_of_contents_is_not_content() -> None:
    astorp = parse("astorp-integrationspolicy")
    assert astorp.title == "Integrationspolicy, Åstorps kommun"
    assert astorp.registration_number == "2018/103"
    assert astorp.adopted_date == dt.date(2018, 6, 25)
    assert astorp.adopted_by == "Kommunfullmäktige"
    assert "1.1 Prioriterade områden > 1.1.2 Skola, Utbildning och Egenförsörjning" in section_titles(astorp)
    toc_end = astorp.text.index("| UPPFÖLJNING | 6 |") + 1
    assert all(block.start > toc_end for block in astorp.blocks)
    assert not any(b.kind == BlockKind.TABLE_ROW for b in astorp.blocks)


@pytest.mark.parametrize("name", [p.stem for p in sorted(CORPUS.glob("*.txt"))])
def test_every_seed_parses_into_sections_with_spans_inside_the_text(name: str) -> None:
    document = parse(name)
    assert len(document.sections) >= 5
    for section in document.sections:
        assert 0 <= section.start < section.end <= len(document.text)
    for block in document.blocks:
        assert 0 <= block.start < block.end <= len(document.text)
        if block.kind != BlockKind.TABLE_ROW:
            assert document.text[block.start:block.end].strip() == document.text[block.start:block.end]
