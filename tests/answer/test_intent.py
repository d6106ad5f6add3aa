"""What a question asks beyond its kind of fact: who was given a task, whom someone is to consult."""

from __future__ import annotations

import pytest

from assistant.answer.intent import asks_for_partners, asks_who_was_tasked


@pytest.mark.parametrize(("question", "tasked"), [
    ("Vilken myndighet fick i uppdrag att hjälpa till att arrangera forumet?", True),
    ("Vem har fått uppdraget att samordna arbetet?", True),
    ("Vilka myndigheter ges i uppdrag att ta fram vägledningen?", True),
    ("Which university was tasked with helping implement the strategy?", True),
    ("Who has been commissioned to review the pension protection?", True),
    ("Which agencies were instructed to improve detection of disruptions?", True),
    ("Vem leder arbetet med hälsoprogrammet?", False),
    ("Vad innebär uppdraget?", False),
    ("Who is responsible for following up the integration policy?", False),
    ("Which tasks does the coordinator have?", False),
])
def test_a_question_for_who_was_given_a_task_is_told_from_one_for_who_answers_for_it(question: str,
                                                                                         tasked: bool) -> None:
    assert asks_who_was_tasked(question) is tasked


@pytest.mark.parametrize(("question", "partnered"), [
    ("Vilka ska Migrationsverket samråda med när det tar fram förslaget?", True),
    ("Med vilka ska myndigheten samverka?", True),
    ("Which organisations should the Medical Products Agency cooperate with?", True),
    ("And which agency do they have to consult?", True),
    ("Who are the programme's partners?", True),
    # "Work with" is as often what one works on: not asked for as a partner.
    ("Which outside organisations does the municipality want to work with?", False),
    ("Vem ansvarar för samordningen?", False),
    ("Who leads the work?", False),
])
def test_a_question_for_whom_someone_is_to_consult_or_cooperate_with_asks_for_a_partner(question: str,
                                                                                        partnered: bool) -> None:
    assert asks_for_partners(question) is partnered
