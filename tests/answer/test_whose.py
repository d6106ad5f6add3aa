"""Whose fact a unit states: the document a question names by its title, the person a heading names."""

from __future__ import annotations

from assistant.answer.answer_type import AnswerType
from assistant.answer.base import Passage
from assistant.answer.whose import (
    CountriesAsked,
    named_by_heading,
    named_by_title,
    names_the_countries_of,
    speaks_of_names,
)
from assistant.models import DocumentInfo, Hit


def passage(document_id: str, title: str, section: str, text: str) -> Passage:
    hit = Hit(chunk_id=f"{document_id}-0", document_id=document_id, title=title, municipality=None, section=section,
              section_path=[section], text=text, score=1.0, start=0, end=len(text))
    return Passage(hit=hit, kind="text", document=DocumentInfo(id=document_id, title=title, source_path="x.md"),
                   document_text=text)


def test_only_the_document_a_question_names_by_its_whole_title_may_answer_it() -> None:
    housing = passage("bostad", "En socialt hållbar bostadsförsörjning", "Uppdraget", "Uppdraget ska redovisas.")
    traffic = passage("taxi", "Uppdrag om yrkestrafiken", "Uppdraget", "En delredovisning ska lämnas.")
    asked = "När ska utredningen om en socialt hållbar bostadsförsörjning lämna en delredovisning?"
    assert named_by_title([housing, traffic], asked) == {"bostad": True, "taxi": False}
    assert named_by_title([housing, traffic], "När ska delredovisningen lämnas?") == {"bostad": True, "taxi": True}


def test_a_short_entry_under_a_heading_naming_a_minister_is_the_ministers() -> None:
    entry = "Debatt om gängkriminalitet arrangerat av Expressen (kl. 15.30)"
    under = passage("almedalen", "Statsrådens medverkan i Almedalen", "Justitieminister Gunnar Strömmer", entry)
    asked = "Which minister takes part in the debate on gang crime?"
    assert named_by_heading(AnswerType.PERSON, under, entry, asked)
    assert not named_by_heading(AnswerType.DATE, under, entry, asked)  # only a person or a body
    assert not named_by_heading(AnswerType.PERSON, under, entry * 2, asked)  # a sentence, not an entry
    # The document's title is no heading over its entries.
    titled = passage("almedalen", "Justitieminister Gunnar Strömmer", "Justitieminister Gunnar Strömmer", entry)
    assert not named_by_heading(AnswerType.PERSON, titled, entry, asked)


def test_an_english_page_is_not_judged_by_a_swedish_questions_names() -> None:
    """"Hur mycket har Sveriges försvarsbudget vuxit?" names Sverige; an English speech says "Sweden",
    and may still answer. A Swedish page naming neither of the question's names may not."""
    speech = passage("tal", "Tal vid Natos industriforum", "Tal", "From 2020 to 2024, Sweden has doubled its "
                     "defence budget from six billion euros to twelve billion euros.")
    named = passage("budget", "Försvarsbudgeten", "Budget", "Sveriges försvarsbudget ökar med 10 miljarder.")
    other = passage("annat", "Annat", "Budget", "Finlands försvarsbudget ökar med 2 miljarder.")
    spoken = speaks_of_names([speech, named, other], ("sveriges",))
    assert spoken == {"tal": True, "budget": True, "annat": False}


def test_a_figure_for_a_country_is_stated_only_by_a_page_naming_it() -> None:
    """"Hur många personer från Ukraina har tillfälligt skydd i Norge?" is not answered by a page on
    the Ukrainians in Sweden that never names Norway; an English question names it in English."""
    sweden = passage("d1", "Ukrainares livsvillkor", "Skydd",
                     "I dag finns omkring 39 000 personer från Ukraina med tillfälligt skydd i Sverige.")
    norway = passage("d2", "Skydd i grannländerna", "Skydd", "I Norge har 70 000 personer från Ukraina fått skydd.")
    question = "Hur många personer från Ukraina har tillfälligt skydd i Norge?"
    assert countries_of([sweden, norway], question) == {"d1": False, "d2": True}
    assert countries_of([sweden, norway], "How many Ukrainians have temporary protection in Norway?") == {
        "d1": False, "d2": True}
    assert countries_of([sweden], "Hur många har tillfälligt skydd i Sverige?") == {}


def test_a_country_is_named_in_the_questions_language_and_in_the_genitive() -> None:
    """The Swedish "finns" is no Finns; "Estonias förlisning" names Estonia."""
    speech = passage("d1", "Tal vid minnesceremonin", "Tal", "Årsdagen för Estonias förlisning.")
    assert countries_of([speech], "Finns det undantag, och hur högt kan beloppet bli?") == {}
    assert countries_of([speech], "How many people died in the Estonia disaster?") == {"d1": True}
    assert countries_of([speech], "Hur många bor i Irans huvudstad?") == {"d1": False}


def countries_of(passages: list[Passage], question: str) -> dict[str, bool]:
    """Whether each document names every country ``question`` names."""
    return names_the_countries_of(passages, CountriesAsked.of(question).names)
