"""Small talk is answered with what the assistant does, in the user's language, without a search;
a question that opens with a greeting is still a question."""

from __future__ import annotations

import pytest

from assistant.answer.smalltalk import REPLIES, SmallTalk, small_talk
from assistant.facade import PolicyAssistant


@pytest.mark.parametrize(("message", "kind"), [
    ("hi", SmallTalk.GREETING), ("Hello!", SmallTalk.GREETING), ("hej", SmallTalk.GREETING),
    ("Hejsan allihop", SmallTalk.GREETING), ("God morgon!", SmallTalk.GREETING),
    ("thank you very much", SmallTalk.THANKS), ("Tack så mycket!", SmallTalk.THANKS),
    ("What can you do?", SmallTalk.CAPABILITIES), ("Vad kan du svara på?", SmallTalk.CAPABILITIES),
    ("hi, what can you help me with?", SmallTalk.CAPABILITIES),
])
def test_small_talk_is_recognised(message: str, kind: SmallTalk) -> None:
    assert small_talk(message) is kind


@pytest.mark.parametrize("message", [
    "Hi, who owns the housing goals?", "hej vad är kommunstyrelsen?", "Thanks. When is the plan revised?",
    "Who are you responsible to?", "What can you tell me about språkvän?", "Tack vare vad minskade arbetslösheten?",
])
def test_a_question_that_opens_with_small_talk_is_a_question(message: str) -> None:
    assert small_talk(message) is None


def test_a_greeting_gets_what_the_assistant_does_in_its_language_and_no_quotes(assistant: PolicyAssistant) -> None:
    english, swedish = assistant.ask("hi"), assistant.ask("hej")
    assert english.answer == REPLIES[SmallTalk.GREETING]["en"] and english.language == "en"
    assert swedish.answer == REPLIES[SmallTalk.GREETING]["sv"] and swedish.language == "sv"
    assert not english.citations and not swedish.citations
    assert assistant.ask("Hi, who owns the housing goals?").citations  # a real question is still answered
