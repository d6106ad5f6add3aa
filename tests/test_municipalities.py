"""Municipalities: the packaged list of all 290, counting mentions in documents, and finding the
municipalities a question names."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.municipalities import (
    COMMON_WORD_NAMES,
    find_municipalities_in_query,
    load_municipalities,
    municipality_mentions,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
INDEXED = ["Tranås", "Värnamo", "Dals-Ed", "Åstorp", "Tierp"]


# --- the packaged list ------------------------------------------------------------------------------


def test_all_290_municipalities_are_listed_once() -> None:
    names = load_municipalities()
    assert len(names) == 290
    assert len(set(names)) == 290
    assert all(name == name.strip() and name for name in names)


def test_names_are_written_as_in_running_text() -> None:
    names = set(load_municipalities())
    assert {"Dals-Ed", "Upplands Väsby", "Upplands-Bro", "Malung-Sälen", "Lilla Edet", "Östra Göinge",
            "Tranås", "Åstorp", "Tierp", "Värnamo", "Gotland", "Stockholm", "Göteborg", "Malmö"} <= names


def test_the_common_word_names_are_municipalities() -> None:
    assert set(COMMON_WORD_NAMES) <= set(load_municipalities())


# --- mentions in documents ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("file_name", "municipality"), [
    ("tranas-integrationspolitiskt-program.txt", "Tranås"),
    ("varnamo-policy-for-integrationspolitik.txt", "Värnamo"),
    ("dals-ed-policy-for-integrationsarbetet.txt", "Dals-Ed"),
    ("astorp-integrationspolicy.txt", "Åstorp"),
    ("tierp-handlingsplan-for-integration.txt", "Tierp"),
])
def test_each_corpus_document_mentions_its_own_municipality_most(file_name: str, municipality: str) -> None:
    mentions = municipality_mentions((CORPUS / file_name).read_text(encoding="utf-8"))
    assert mentions[0][0] == municipality
    assert all(count > 0 for _, count in mentions)
    assert [count for _, count in mentions] == sorted((count for _, count in mentions), reverse=True)


def test_genitives_and_kommun_count_as_mentions() -> None:
    text = "Tierp. Tierps kommun. Dals-Eds Kommun. Åstorp kommuns vision. Tranås kommun. Upplands Väsbys."
    assert dict(municipality_mentions(text)) == {"Tierp": 2, "Dals-Ed": 1, "Åstorp": 1, "Tranås": 1,
                                                 "Upplands Väsby": 1}


def test_names_ending_in_s_take_no_extra_genitive_s() -> None:
    assert municipality_mentions("Tranåss och Boråss") == []


def test_mentions_are_case_sensitive_whole_words() -> None:
    assert municipality_mentions("tierp, TIERPS, Tierpsbygden, Tierp2018, Åstorpare") == []
    assert municipality_mentions("Mot Tierp-Söderfors") == [("Tierp", 1)]


def test_ties_keep_the_order_of_first_mention() -> None:
    assert municipality_mentions("Värnamo och Tranås.") == [("Värnamo", 1), ("Tranås", 1)]


def test_a_common_word_opening_a_sentence_is_not_a_mention() -> None:
    text = "Vara en drivande aktör. Vara kommun samverkar. Mötet hölls i Vara."
    assert municipality_mentions(text) == [("Vara", 2)]


def test_mentions_can_be_limited_to_given_names() -> None:
    assert municipality_mentions("Tierp och Tranås och Tranås", names=["Tierp"]) == [("Tierp", 1)]


# --- names in questions --------------------------------------------------------------------------------------


def test_a_question_naming_an_indexed_municipality_is_steered_to_it() -> None:
    assert find_municipalities_in_query("Who is responsible for housing in Tierp?", names=INDEXED) == ["Tierp"]


@pytest.mark.parametrize(("question", "expected"), [
    ("who owns housing goals in tierp", ["Tierp"]),
    ("Tranås?", ["Tranås"]),
    ("Vad gäller för dals-ed?", ["Dals-Ed"]),
    ("Tierps mål för boende", ["Tierp"]),
    ("Hur arbetar Åstorps kommun med SFI?", ["Åstorp"]),
    ("Hur arbetar Tranas med boende?", ["Tranås"]),
    ("Compare Astorp and Varnamo", ["Åstorp", "Värnamo"]),
    ("Dals Ed and DALS-ED and Tierp and tierp", ["Dals-Ed", "Tierp"]),
    ("What is the municipal executive board?", []),
])
def test_names_match_regardless_of_case_and_diacritics(question: str, expected: list[str]) -> None:
    assert find_municipalities_in_query(question, names=INDEXED) == expected


def test_only_names_in_the_index_are_found() -> None:
    assert find_municipalities_in_query("Stockholm or Tierp?", names=["Tierp"]) == ["Tierp"]


@pytest.mark.parametrize(("question", "expected"), [
    ("Vad ska vi vara?", []),
    ("Vad gäller i Vara?", ["Vara"]),
    ("vara kommuns bostäder", ["Vara"]),
    ("Are there rules?", []),
    ("åre kommun", ["Åre"]),
    ("mark the goals", []),
    ("What does Mark say?", ["Mark"]),
])
def test_names_that_are_common_words_must_be_written_as_names(question: str, expected: list[str]) -> None:
    names = [*INDEXED, "Vara", "Åre", "Mark"]
    assert find_municipalities_in_query(question, names=names) == expected


def test_the_spelling_typed_wins_between_names_that_fold_alike() -> None:
    assert find_municipalities_in_query("Håbos kommun", names=["Habo", "Håbo"]) == ["Håbo"]
    assert find_municipalities_in_query("habo", names=["Habo", "Håbo"]) == ["Habo"]


def test_two_word_names_match_with_space_or_hyphen() -> None:
    names = ["Upplands Väsby", "Dals-Ed"]
    assert find_municipalities_in_query("upplands-vasby och dals ed", names=names) == ["Upplands Väsby", "Dals-Ed"]
