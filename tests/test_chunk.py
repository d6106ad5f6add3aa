"""Chunks: exact offsets, never across sections, within the embedder's budget, stable ids."""

from __future__ import annotations

import pytest

from assistant.chunk import Chunker, header_text, unit_spans
from assistant.embed import Embedder
from assistant.glossary import Glossary
from assistant.models import Chunk, Document
from assistant.parse import parse_file
from tests.conftest import CORPUS

MAX_TOKENS = 180


@pytest.fixture(scope="module")
def chunker(embedder: Embedder, glossary: Glossary) -> Chunker:
    return Chunker(count_tokens=embedder.count_tokens, max_tokens=MAX_TOKENS, overlap_tokens=30,
                   glossary=glossary)


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    return [parse_file(path) for path in sorted(CORPUS.glob("*.txt"))]


@pytest.fixture(scope="module")
def chunks(chunker: Chunker, documents: list[Document]) -> dict[str, list[Chunk]]:
    return {document.id: chunker.chunk(document) for document in documents}


def test_text_chunks_are_exact_slices_of_the_source(documents: list[Document],
                                                    chunks: dict[str, list[Chunk]]) -> None:
    for document in documents:
        for chunk in chunks[document.id]:
            if chunk.kind == "text":
                assert document.text[chunk.start:chunk.end] == chunk.text


def test_text_chunks_never_cross_a_section(documents: list[Document], chunks: dict[str, list[Chunk]]) -> None:
    for document in documents:
        spans = {tuple(section.path): section for section in document.sections}
        for chunk in chunks[document.id]:
            if chunk.kind == "header" or tuple(chunk.section_path) == (document.title,):
                continue
            section = spans[tuple(chunk.section_path)]
            assert section.start <= chunk.start and chunk.end <= section.end, chunk.section


def test_chunks_fit_the_embedder_budget(embedder: Embedder,
                                        chunks: dict[str, list[Chunk]]) -> None:
    for chunk in (c for doc_chunks in chunks.values() for c in doc_chunks):
        if chunk.kind == "text":
            assert embedder.count_tokens(chunk.text) <= MAX_TOKENS
        assert embedder.count_tokens(chunk.embedding_text) <= embedder.max_tokens + 64


def test_long_sections_are_sub_split_and_repeat_their_heading_path(chunks: dict[str, list[Chunk]]) -> None:
    astorp = [c for c in chunks["astorp-integrationspolicy"]
              if c.section_path[-1] == "1.1.2 Skola, Utbildning och Egenförsörjning"]
    assert len(astorp) >= 2
    for chunk in astorp:
        assert "1.1 Prioriterade områden > 1.1.2 Skola, Utbildning och Egenförsörjning" in chunk.embedding_text


def test_each_document_has_a_bilingual_header_chunk(chunks: dict[str, list[Chunk]]) -> None:
    header = chunks["tierp-handlingsplan-for-integration"][0]
    assert header.kind == "header"
    assert "Dokumentansvarig / Document owner: Kommunchef" in header.text
    assert "Gäller t o m / Valid until: 2018-12-31" in header.text
    assert "Beslutad av / Adopted by: Kommunstyrelsen" in header.text
    dals_ed = chunks["dals-ed-policy-for-integrationsarbetet"][0]
    assert dals_ed.kind == "header" and "Valid until" not in dals_ed.text


def test_action_plan_rows_are_one_chunk_each(chunks: dict[str, list[Chunk]]) -> None:
    rows = [c for c in chunks["tierp-handlingsplan-for-integration"] if c.kind == "table_row"]
    housing = [c for c in rows if c.section_path == ["Handlingsplan för integration", "Boende"]]
    assert any("Huvudansvar: Chef kvalitet och strategisk utveckling" in c.text for c in housing)
    assert len(rows) >= 20


def test_the_lexical_text_carries_english_glosses_the_embedding_text_does_without(
        chunks: dict[str, list[Chunk]]) -> None:
    housing_row = next(c for c in chunks["tierp-handlingsplan-for-integration"]
                       if "bostadsförsörjningsprogrammet" in c.text)
    assert "English:" in housing_row.lexical_text and "housing" in housing_row.lexical_text.lower()
    # The multilingual embedder reads the Swedish itself; a list of English words only blurs it.
    assert "English:" not in housing_row.embedding_text
    assert housing_row.text in housing_row.embedding_text and housing_row.text in housing_row.lexical_text


def test_prose_chunks_list_their_sentences_and_items_as_units(documents: list[Document],
                                                              chunks: dict[str, list[Chunk]]) -> None:
    for document in documents:
        for chunk in chunks[document.id]:
            if chunk.kind == "header":
                assert chunk.units == []
            elif chunk.kind == "table_row":
                assert chunk.units == [(chunk.start, chunk.end)]
            else:
                assert chunk.units and all(chunk.start <= a < b <= chunk.end for a, b in chunk.units)
                pieces = [document.text[a:b] for a, b in chunk.units]
                assert all(piece == piece.strip() and piece for piece in pieces)
                assert " ".join(pieces).split() == chunk.text.split()  # the units cover the chunk, in order


def test_a_line_break_inside_a_sentence_does_not_end_its_unit() -> None:
    text = ("Uppdraget ska utföras med stöd av en referensgrupp bestående av\n"
            "representanter för länsstyrelserna, Skogsstyrelsen,\nTrafikverket samt jägarnas organisationer.\n"
            "Referensgruppen ska ha följande uppgifter:\n* följa arbetet,\n* lämna synpunkter\n"
            "Bakgrund\nRegeringen beslutade om uppdraget.")
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "Uppdraget ska utföras med stöd av en referensgrupp bestående av\n"
        "representanter för länsstyrelserna, Skogsstyrelsen,\nTrafikverket samt jägarnas organisationer.",
        "Referensgruppen ska ha följande uppgifter:", "* följa arbetet,", "* lämna synpunkter",
        "Bakgrund", "Regeringen beslutade om uppdraget."]


def test_a_line_that_breaks_after_a_linking_word_goes_on_though_the_next_starts_with_a_capital() -> None:
    text = ("Regeringen ger vidare Boverket i uppdrag att bistå Konkurrensverket med\nunderlag.\n"
            "Regeringen ger dessutom Statistiska centralbyrån i uppdrag att bistå Konkurrensverket med\n"
            "Statistiska centralbyråns statistik.\nÅtgärderna är\n* en studie\nMer information\nKontakt")
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "Regeringen ger vidare Boverket i uppdrag att bistå Konkurrensverket med\nunderlag.",
        "Regeringen ger dessutom Statistiska centralbyrån i uppdrag att bistå Konkurrensverket med\n"
        "Statistiska centralbyråns statistik.", "Åtgärderna är", "* en studie", "Mer information", "Kontakt"]


def test_a_titles_period_ends_no_sentence() -> None:
    text = ("Ledamöterna i ordensrådet utses av Kungl. Maj:ts Orden och leds av Björn von Sydow. "
            "H.E. Mr Kairat Abdrakhmanov är född 1964. Den kostar 40 kronor inkl. moms.")
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "Ledamöterna i ordensrådet utses av Kungl. Maj:ts Orden och leds av Björn von Sydow.",
        "H.E. Mr Kairat Abdrakhmanov är född 1964.", "Den kostar 40 kronor inkl. moms."]


def test_two_initials_begin_a_name_and_end_no_sentence() -> None:
    text = ("Jordbruksverket ska förmedla bidrag till V.S. Visit Sweden AB för att stärka måltidsturismen. "
            "Ambassaden ligger i USA. Sedan 2020 är den stängd.")
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "Jordbruksverket ska förmedla bidrag till V.S. Visit Sweden AB för att stärka måltidsturismen.",
        "Ambassaden ligger i USA.", "Sedan 2020 är den stängd."]


def test_a_middle_initial_ends_no_sentence_but_a_part_letter_may() -> None:
    text = ("Underlagsrapporten är skriven av professor Torben M. Andersen vid Aarhus universitet. "
            "Tabellerna finns i bilaga B. Den visar utfallet. Frågan ställdes till Per O. Han svarade inte.")
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "Underlagsrapporten är skriven av professor Torben M. Andersen vid Aarhus universitet.",
        "Tabellerna finns i bilaga B.", "Den visar utfallet.", "Frågan ställdes till Per O.", "Han svarade inte."]


def test_a_word_always_followed_by_another_ends_no_sentence() -> None:
    text = ("Programmet har 8 förslag som ingår i s.k. REFIT-åtgärder. Domstolen för f.d. Jugoslavien avslutades "
            "2017. Det beror p.g.a. Brexit på annat. Kommunerna utför kontroll.")
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "Programmet har 8 förslag som ingår i s.k. REFIT-åtgärder.", "Domstolen för f.d. Jugoslavien avslutades 2017.",
        "Det beror p.g.a. Brexit på annat.", "Kommunerna utför kontroll."]


def test_a_committee_s_terms_of_reference_by_number_end_no_sentence() -> None:
    text = "Utredaren ska även föreslå ändrade regler (dir. 2024:12). Uppdraget ska redovisas i juni."
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "Utredaren ska även föreslå ändrade regler (dir. 2024:12).", "Uppdraget ska redovisas i juni."]


def test_a_text_chunk_s_units_are_its_source_split_again(documents: list[Document],
                                                       chunks: dict[str, list[Chunk]]) -> None:
    """The answer reads a retrieved chunk's units from the index instead of splitting it again
    (``citations.sentence_spans``): the two must agree."""
    for document in documents:
        for chunk in chunks[document.id]:
            if chunk.kind == "text":
                assert chunk.units == unit_spans(document.text[chunk.start:chunk.end], base=chunk.start)


def test_chunk_ids_are_stable_and_unique(chunker: Chunker, documents: list[Document],
                                         chunks: dict[str, list[Chunk]]) -> None:
    again = {document.id: [c.chunk_id for c in chunker.chunk(document)] for document in documents}
    assert again == {doc_id: [c.chunk_id for c in doc_chunks] for doc_id, doc_chunks in chunks.items()}
    all_ids = [i for ids in again.values() for i in ids]
    assert len(all_ids) == len(set(all_ids))


def test_header_text_lists_only_stated_fields(documents: list[Document]) -> None:
    tranas = next(d for d in documents if d.id == "tranas-integrationspolitiskt-program")
    text = header_text(tranas)
    assert "Revideras / To be revised by: 2021-12-19" in text
    assert "Adopted on" not in text


def test_an_abbreviation_s_period_ends_no_unit() -> None:
    """"(f. 1946)", "prop. 2016/17:104" and "t.ex. Rättvik" stay inside their sentence; "m.m." can end one."""
    text = ("Christofer Murray (f. 1946) är en svensk radioproducent. Målen ska förverkligas (prop. 2016/17:104). "
            "Det gäller t.ex. Rättvik. Slakterier, mejerier, m.m. Kommunerna utför kontroll.")
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "Christofer Murray (f. 1946) är en svensk radioproducent.", "Målen ska förverkligas (prop. 2016/17:104).",
        "Det gäller t.ex. Rättvik.", "Slakterier, mejerier, m.m.", "Kommunerna utför kontroll."]


def test_an_appropriation_item_s_period_ends_no_unit() -> None:
    """"… anslag 1:5 … ap. 3 enligt beslut i regleringsbrev" is one sentence: the item's number
    belongs to the appropriation it names."""
    text = ("Bidragen ska belasta anslag 1:5 Utveckling av skolväsendet ap. 3 enligt beslut i regleringsbrev. "
            "Kostnaderna ska särredovisas.")
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "Bidragen ska belasta anslag 1:5 Utveckling av skolväsendet ap. 3 enligt beslut i regleringsbrev.",
        "Kostnaderna ska särredovisas."]


def test_a_genitive_with_a_colon_ends_a_sentence_though_s_is_an_abbreviation() -> None:
    """"… eller NGO:s. I planen …" is two sentences; "se s. 12" is one."""
    text = "Projekt kan initieras av företag eller NGO:s. I planen finns 100 projekt. Se s. 12 i rapporten."
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "Projekt kan initieras av företag eller NGO:s.", "I planen finns 100 projekt.", "Se s. 12 i rapporten."]
