"""Whether a stated figure is the one asked about: of the year asked, counting what is counted."""

from __future__ import annotations

from assistant.answer.answer_type import AnswerType
from assistant.answer.fact_forms import states
from assistant.answer.figures import counted_words, counts_names, counts_of, names_each, states_another_year, years_of


def test_a_figure_in_a_year_is_not_a_period_of_years() -> None:
    """"… har sjunkit till 1,43 år 2024" states 1.43 for 2024, not a period of 1.43 years."""
    sentence = "Antalet födda barn per kvinna i Sverige har sjunkit till 1,43 år 2024, den lägsta nivån."
    assert states(AnswerType.COUNT, sentence)
    assert counts_of(sentence, frozenset({"barn"}))
    assert years_of(sentence) == {2024}
    assert states_another_year(AnswerType.QUANTITY, {2023}, sentence)
    assert not states(AnswerType.COUNT, "Utbildningen pågår i 3 år.")


def test_how_many_agencies_is_answered_by_a_sentence_naming_each_of_them() -> None:
    sentence = ("Regeringen ändrar uppdraget till Arbetsförmedlingen, Försäkringskassan, Jämställdhetsmyndigheten, "
                "Konsumentverket och Statens servicecenter.")
    assert counts_names(frozenset(word[:5] for word in counted_words("Hur många myndigheter omfattas?")))
    assert not counts_names(frozenset(word[:5] for word in counted_words("Hur många barn föddes?")))
    assert names_each(sentence)
    assert not names_each("Han besökte Paris, London och Rom.")  # three names are read, not counted
    assert not names_each("Vi köpte äpplen, päron, plommon och bananer.")
