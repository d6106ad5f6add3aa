"""Follow-ups without an LLM: what counts as one, and that it stays with the document the
conversation is about."""

from __future__ import annotations

from assistant.answer.answer_type import AnswerType
from assistant.answer.asked_kind import asked_type
from assistant.answer.followup import (
    asked_part,
    asks_yes_or_no_after,
    documents_discussed,
    figures_part,
    is_follow_up,
    refers_back,
    resolve_follow_up,
    topic_part,
    with_years_named,
)
from assistant.facade import PolicyAssistant
from assistant.models import ChatTurn, DocumentInfo


def test_a_question_pointing_back_is_a_follow_up_and_carries_the_earlier_topic() -> None:
    assert refers_back("Who can receive that money?") and refers_back("Vem följer upp detta arbete?")
    assert refers_back("And in Tranås?") and refers_back("Och för språk?")
    assert not refers_back("Who owns the housing goals in Tierp?")
    # "då" (then) and a person's pronoun point back as "that" does.
    assert refers_back("Vilka länder återstod då?") and refers_back("Vad sa hon om budgeten?")
    assert refers_back("What did she say about the budget?")
    assert refers_back("Varför just dem?") and refers_back("Varför behövde den ta över ansvaret?")
    assert refers_back("Vad kostar den?") and refers_back("Hur mycket handlar det om per år?")
    assert refers_back("Vilka rättsakter handlade det om?")  # the past tense points back too
    assert not refers_back("När träder den nya lagen i kraft?") and not refers_back("Finns det en plan för boende?")
    assert not refers_back("Vilka regler börjar gälla den 1 mars 2026?")
    history = [ChatTurn(role="user", content="Which grant did the government announce for water utilities?")]
    assert resolve_follow_up("Who can receive that money?", history, municipalities=[]).startswith(
        "Which grant did the government announce")


def test_and_if_asks_the_earlier_question_again_under_another_condition() -> None:
    history = [ChatTurn(role="user", content="Hur länge ska ett sändningstillstånd från Radio- och TV-verket gälla?")]
    standalone = resolve_follow_up("Och om det i stället är regeringen som ger tillståndet?", history,
                                   municipalities=[])
    assert standalone.startswith("Hur länge ska ett sändningstillstånd")
    assert asked_type(asked_part(standalone, "Och om det i stället är regeringen som ger tillståndet?")) \
        is AnswerType.DURATION


def test_the_documents_discussed_are_those_the_last_answer_names_in_its_order() -> None:
    documents = [DocumentInfo(id="a", title="Integrationspolicy, Åstorps kommun", source_path="a.md"),
                 DocumentInfo(id="b", title="Policy för integrationspolitik", source_path="b.md"),
                 DocumentInfo(id="c", title="Plan", source_path="c.md")]  # too short to be told apart
    history = [ChatTurn(role="user", content="x"),
               ChatTurn(role="assistant", content="- Värnamo, Policy för integrationspolitik (Syfte): “…” [1]\n"
                                                  "- Åstorp, Integrationspolicy, Åstorps kommun: “…” [2] Plan"),
               ChatTurn(role="user", content="y")]
    assert documents_discussed(history, documents) == ["b", "a"]
    assert documents_discussed([ChatTurn(role="user", content="x")], documents) == []


def test_a_follow_up_is_answered_from_the_document_the_conversation_is_about(assistant: PolicyAssistant) -> None:
    conversations = {"astorp-integrationspolicy": "What is the purpose of Åstorp's integration policy?",
                     "tranas-integrationspolitiskt-program": "What is the purpose of Tranås's integration programme?"}
    histories = {}
    for document_id, question in conversations.items():
        first = assistant.ask(question, record=False)
        histories[document_id] = [ChatTurn(role="user", content=question),
                                  ChatTurn(role="assistant", content=first.answer)]
    for follow_up in ("And who follows up that work?", "Vem följer upp detta arbete?"):
        for document_id, earlier in histories.items():
            answer = assistant.ask(follow_up, history=earlier, record=False)
            assert answer.citations and {c.document_id for c in answer.citations} == {document_id}
        # The same words, answered from two different documents: the conversation chose, not they.
    history = histories["astorp-integrationspolicy"]
    adopted = assistant.ask("When was it adopted?", history=history, record=False)
    assert "2018-06-25" in adopted.answer and adopted.citations[0].document_id == "astorp-integrationspolicy"


def test_a_follow_up_after_an_answer_quoting_two_documents_is_searched_in_both(assistant: PolicyAssistant) -> None:
    """The last answer's first point may have quoted the wrong document: the follow-up's candidates
    come from every document it quoted (two at most), not the first alone."""
    history = [ChatTurn(role="user", content="Vad är syftet med integrationspolicyn?"),
               ChatTurn(role="assistant", content="- Värnamo, Policy för integrationspolitik (Syfte): “…” [1]\n"
                                                  "- Åstorp, Integrationspolicy, Åstorps kommun (Syfte): “…” [2]")]
    _, ranked, _ = assistant.answer_candidates("Vem följer upp detta arbete?", history)
    documents = [c.passage.hit.document_id for c in ranked]
    assert {"varnamo-policy-for-integrationspolitik", "astorp-integrationspolicy"} <= set(documents)
    assert set(documents) <= {"varnamo-policy-for-integrationspolitik", "astorp-integrationspolicy"}


def test_the_standalone_question_is_what_a_follow_up_is_searched_with(assistant: PolicyAssistant) -> None:
    """What evaluations search for a follow-up: the question as its conversation makes it."""
    assert assistant.standalone_question("And in Tranås?", ["Who is responsible for housing in Tierp?"]) == \
        "Who is responsible for housing in Tranås?"
    assert assistant.standalone_question("Who owns housing goals?") == "Who owns housing goals?"


def test_a_follow_up_with_a_question_word_of_its_own_asks_its_own_question() -> None:
    """"And what should the interim report cover?" asks for no date, though the question before it
    did; "And in 2022?" and "What about Tranås?" ask the earlier question again."""
    earlier = "By when must the agency deliver its final report?"
    own = "And what should the interim report in April cover?"
    assert asked_part(f"{earlier} what should the interim report in April cover", own) == own
    assert asked_type(own) is AnswerType.CONTENT  # what the report is to contain, not a date
    for again in ("And in 2022?", "What about Tranås?", "Och hur såg motsvarande siffra ut 1995?"):
        assert asked_part(f"{earlier} {again}", again) == f"{earlier} {again}", again
    assert asked_part(earlier, None) == earlier


def test_a_follow_up_asking_yes_or_no_asks_its_own_question_when_the_joined_one_asks_no_kind_of_fact() -> None:
    earlier = "Which material will the Food Agency produce for newly arrived parents?"
    own = "Can it be translated into other languages as well?"
    assert asked_type(asked_part(f"{earlier} {own}", own)) is AnswerType.YES_NO
    # "Within what time limits …?" asks for a period, and the follow-up is answered by the limits.
    earlier = "Within what time limits must the course be passed?"
    own = "Can those time limits be extended, for example because of illness?"
    assert asked_part(f"{earlier} {own}", own) == f"{earlier} {own}"


def test_a_follow_up_asking_yes_or_no_about_something_besides_asks_its_own_question() -> None:
    earlier = "When is the National Board of Housing, Building and Planning due to report on its assignment?"
    own = "Does it also have to keep the ministry updated while the work is under way?"
    assert asked_part(f"{earlier} {own}", own) == own
    assert not asks_yes_or_no_after(f"{earlier} {own}", own)
    earlier = "Senast när ska Statskontoret redovisa uppdraget?"
    own = "Ska de lämna någon avstämning innan dess?"
    assert asked_part(f"{earlier} {own}", own) == own


def test_a_follow_up_asking_whether_a_thing_goes_on_asks_its_own_question() -> None:
    earlier = "Since what year has Sweden had a stability fund as a buffer for support measures in financial crises?"
    own = "Do the credit institutions still pay a fee into it?"
    assert asked_part(f"{earlier} {own}", own) == own
    assert asked_type(own) is AnswerType.YES_NO


def test_a_follow_up_asking_yes_or_no_about_the_earlier_fact_may_be_asked_again_on_its_own() -> None:
    # The extractive answerer asks "Is that number a fixed ceiling?" on its own once no passage
    # states the number the joined question asks for.
    earlier = "Roughly how many funds is the procured premium pension fund platform expected to offer?"
    own = "Is that number a fixed ceiling?"
    assert asked_part(f"{earlier} {own}", own) == f"{earlier} {own}"
    assert asks_yes_or_no_after(f"{earlier} {own}", own)
    assert asked_type(own) is AnswerType.YES_NO
    assert not asks_yes_or_no_after(earlier, earlier) and not asks_yes_or_no_after(earlier, None)


def test_the_years_asked_about_are_the_follow_ups_own_when_it_names_one() -> None:
    own = "Och hur såg motsvarande siffra ut 1995?"
    resolved = "Hur många ungdomar nybeviljades 2007? hur såg motsvarande siffra ut 1995"
    assert figures_part(resolved, own, asked=asked_part(resolved, own)) == own
    assert figures_part("How many in 2007?", "How many in 2007?", asked="How many in 2007?") == "How many in 2007?"



def test_a_follow_up_pointing_back_continues_the_conversation_at_an_ordinary_length() -> None:
    previous = "Which agencies are tasked with proposing how regulatory sandboxes should be set up?"
    question = "And which agency are they supposed to work with on it?"
    resolved = resolve_follow_up(question, [ChatTurn(role="user", content=previous)], municipalities=[])
    assert resolved.startswith(previous) and resolved.endswith("which agency are they supposed to work with on it")


def test_a_long_follow_up_chooses_its_sentence_by_its_own_words_a_short_one_by_the_conversation_s() -> None:
    """The earlier question helps find the passages; a follow-up that names its topic itself is
    matched against the sentences by its own words ("… the regions … their county plans"), not by
    the earlier question's ("… the Swedish Transport Administration …")."""
    previous = "By when must the Swedish Transport Administration submit its proposal?"
    long = "And what is the deadline for the regions and Gotland to submit their county plans?"
    resolved = resolve_follow_up(long, [ChatTurn(role="user", content=previous)], municipalities=[])
    assert resolved != long and topic_part(resolved, long) == long
    short = "And who pays for it?"
    resolved = resolve_follow_up(short, [ChatTurn(role="user", content=previous)], municipalities=[])
    assert topic_part(resolved, short) == resolved
    assert topic_part(previous, None) == previous


def test_the_year_before_is_the_year_before_the_one_asked_about() -> None:
    history = [ChatTurn(role="user", content="Hur många journalister greps under 2018?"),
               ChatTurn(role="assistant", content="31 journalister.")]
    assert with_years_named("Och hur många var det året innan?", history) == "Och hur många var det 2017?"
    assert with_years_named("And the following year?", history) == "And 2019?"
    # Without one year to count from, nothing is guessed.
    assert with_years_named("And the year before?", []) == "And the year before?"
    # A year the question names itself is the one counted from.
    assert with_years_named("What was spent in 2019 and the year before?", history) == \
        "What was spent in 2019 and 2018?"
    several = [ChatTurn(role="user", content="What changed between 2018 and 2020?")]
    assert with_years_named("And the year before?", several) == "And the year before?"


def test_a_question_naming_no_topic_continues_the_conversation() -> None:
    assert is_follow_up("On what conditions?") and is_follow_up("Till vilka?") and is_follow_up("Why not?")
    assert not is_follow_up("Vad är kommunstyrelsen?") and not is_follow_up("Who owns housing goals?")


def test_a_short_question_naming_the_thing_talked_about_by_a_definite_noun_refers_back() -> None:
    """"What is the money meant to achieve?" after a question on aviation is searched for in the
    documents the last answer quoted, with its own words: it is not joined to the earlier question,
    whose words would choose the earlier answer's sentences again."""
    previous = [ChatTurn(role="user", content="How much is the government putting into aviation in the budget?")]
    for question in ("What is the money meant to achieve?", "Är höjningen tillfällig eller permanent?"):
        assert refers_back(question)
    assert resolve_follow_up("What is the money meant to achieve?", previous, municipalities=[]) == \
        "What is the money meant to achieve?"
    # A long question naming a thing by a definite noun names its own topic.
    assert not refers_back("What is the money in the new regional development fund for rural schools meant for?")
    assert not refers_back("Vad är kommunstyrelsen?")


def test_a_demonstrative_before_a_definite_noun_points_back_but_a_formal_subject_does_not() -> None:
    assert refers_back("Vem står bakom det initiativet?") and refers_back("Hur länge gäller den ordningen?")
    assert not refers_back("Är det staten som betalar för vården i Värmland?")
    assert not refers_back("Omfattar det även den som avviker från förvar enligt direktiven?")
