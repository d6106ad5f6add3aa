"""Which language a question is asked in: its function words, and Swedish letters outside names."""

from __future__ import annotations

import pytest

from assistant.answer.language import detect_language


@pytest.mark.parametrize("question", ["How many municipalities use Rättvik's fee model?",
                                      "Which goals does Värnamo have?", "How many people live in Åstorp?"])
def test_a_swedish_name_in_an_english_question_leaves_it_english(question: str) -> None:
    assert detect_language(question) == "en"


@pytest.mark.parametrize("question", ["Är det meriterande att kunna flera språk?", "Ökar antalet?", "hej",
                                      "Mål för Åstorp", "Vem äger bostadsmålen?"])
def test_swedish_letters_in_plain_words_make_it_swedish(question: str) -> None:
    assert detect_language(question) == "sv"


def test_a_hyphenated_compound_is_one_word_and_more_swedish_function_words_count() -> None:
    # "it-brottslighet" holds no English "it"; "mot", "redan" are Swedish.
    assert detect_language("Gäller lagen redan brott mot it-system?") == "sv"
    assert detect_language("Uppfyller kommunen kraven mot it-angrepp?") == "sv"
    assert detect_language("Is the it-system covered by the policy?") == "en"
