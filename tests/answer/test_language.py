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
