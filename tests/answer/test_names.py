"""The names a question is about, and which documents name them."""

from __future__ import annotations

from assistant.answer.names import named_in, question_names


def test_a_question_s_names_are_its_capitalised_words_past_the_first() -> None:
    assert question_names("När ska Arbetsmiljöverket, Polismyndigheten och Skatteverket slutredovisa?") == (
        "arbetsmiljöverket", "polismyndigheten", "skatteverket")
    assert question_names("Who was presented as Portugal's new ambassador in October?") == ("portugal",)
    assert question_names("Vad gör EU:s kommission?") == ("eu",)
    assert question_names("Vilket datum beslutade regeringen?") == ()


def test_a_document_names_a_name_with_a_genitive_or_a_definite_ending_but_not_inside_another_word() -> None:
    text = "Migrationsverkets förslag lämnades under EU-ordförandeskapet. Sektorn växer."
    assert named_in(text, ("migrationsverket", "eu-ordförandeskap")) == {"migrationsverket", "eu-ordförandeskap"}
    assert named_in("Migrationsverket ska redovisa.", ("migrationsverkets",)) == {"migrationsverkets"}
    assert named_in(text, ("sek", "portugal")) == frozenset()


def test_a_compound_name_written_apart_is_named() -> None:
    """"Östersjöstrategin" is "EU:s strategi för Östersjöregionen" on the page that gives it, and
    "Skogsutredningen" is "utredningen om skogen"; a body's name is not taken apart."""
    assert named_in("Tillväxtverket ska genomföra EU:s strategi för Östersjöregionen.", ["östersjöstrategin"])
    assert named_in("Utredningen om skogen ska lämna förslag i maj.", ["skogsutredningen"])
    assert not named_in("Arbetsmiljön på verket är god.", ["arbetsmiljöverket"])
    assert not named_in("Strategin är klar. Den gäller hela landet och många år framåt i Östersjön.",
                        ["östersjöstrategin"])
