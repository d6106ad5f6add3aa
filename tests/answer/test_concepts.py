"""The concept check: which glossary concepts an English question names, and whether the passages
write them, as Swedish writes them: compounds, cognates, a verb and its particles apart, and words
that only name a kind of thing ("some form of", "a group of", "the work The Jewish Song")."""

from __future__ import annotations

import pytest

from assistant.answer.concepts import ConceptCheck
from assistant.glossary import Glossary
from assistant.index.lexical import LexicalIndex
from tests.answer.support_texts import index_over, passage

TEXTS = ["Den 1 januari 2009 trädde ränteavdragsbegränsningsregler i kraft som avser vissa skuldförhållanden "
         "inom en intressegemenskap.",
         "Efter parlamentsvalet 2019 konstaterade Organisationen för säkerhet och samarbete i Europa (OSSE) att "
         "Belarus fortfarande har lång väg att gå.",
         "Ungefär samtidigt tonsatte Moses Pergament sitt mästerverk ”Den judiska sången” här i Sverige."]


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return index_over(TEXTS)


@pytest.fixture(scope="module")
def check(lexical: LexicalIndex) -> ConceptCheck:
    return ConceptCheck(lexical=lexical, glossary=Glossary.load_default())


def written(lexical: LexicalIndex, text: str) -> set[str]:
    return set(lexical.analyzer.terms(text))


def test_a_verb_and_its_particles_apart_write_the_phrase(check: ConceptCheck) -> None:
    """"trädde ränteavdragsbegränsningsregler i kraft" writes "trädde i kraft": the subject after the
    verb parts them. Every concept of "the first rules limiting interest deductions within a group of
    related companies" is written; "a group of" names no kommunkoncern."""
    question = ("When did the first rules limiting interest deductions within a group of related companies come "
                "into force?")
    assert check.every_written(question, [passage(TEXTS[0], 0.75)])
    assert not check.every_written(question, [passage("Ränteavdragen begränsas inom en intressegemenskap.", 0.75)])


def test_an_election_is_written_as_the_compound_naming_which(check: ConceptCheck) -> None:
    """"the 2019 parliamentary election" is "parlamentsvalet 2019": every concept of the question is
    written, so a passage far from it by the embedder is not refused for that."""
    question = "Which organisation concluded after the 2019 parliamentary election that Belarus fell short?"
    assert check.every_written(question, [passage(TEXTS[1], 0.75)])
    assert not check.every_written(question, [passage("Organisationen konstaterade att Belarus har lång väg att gå.",
                                                      0.75)])


def test_a_word_before_a_title_names_its_kind_not_a_concept(lexical: LexicalIndex, check: ConceptCheck) -> None:
    """"the work The Jewish Song" asks about a piece of music, not about work (arbete)."""
    assert check.unaddressed("Who composed the work The Jewish Song?", written(lexical, TEXTS[2])) == ()
    assert "arbete" in check.unaddressed("Who leads the work on the new song?", written(lexical, TEXTS[2]))


def test_an_english_hard_c_is_a_swedish_k_in_a_word_written_alike(lexical: LexicalIndex) -> None:
    """"effective" is what "effektivt" speaks of, though the glossary's "effective" is välfungerande."""
    check = ConceptCheck(lexical=lexical, glossary=Glossary.load_default())
    written = set(lexical.analyzer.terms("Arbetet har varit effektivt och når fler invånare."))
    assert check.unaddressed("Has it been effective?", written) == ()
    other = set(lexical.analyzer.terms("Arbetet har pågått i tre år och når fler invånare."))
    assert check.unaddressed("Has it been effective?", other) != ()


def test_a_concept_written_as_a_compounds_head_is_written(lexical: LexicalIndex) -> None:
    """"the minister" is written in "Klimat- och miljöministern"; a form of fewer than six letters
    is not read inside a word ("land" ends many words of other senses)."""
    check = ConceptCheck(lexical=lexical, glossary=Glossary.load_default())
    top = [passage("Klimat- och miljöministern vill få stora utvecklingsländer som Indien att ställa om.", 0.7)]
    assert check.every_written("Which large developing countries does the minister name?", top)
    elsewhere = [passage("Regeringen vill få stora utvecklingsländer som Indien att ställa om.", 0.7)]
    assert not check.every_written("Which large developing countries does the minister name?", elsewhere)


def test_an_english_word_ending_a_swedish_compound_is_written_there(lexical: LexicalIndex) -> None:
    """"the transport sector's" share is told by a text on "transportsektorn", though the glossary's
    "sector" is område; a possessive is its word."""
    check = ConceptCheck(lexical=lexical, glossary=Glossary.load_default())
    question = "And how much of the transport sector's emissions come from road transport?"
    written = set(lexical.analyzer.terms("Vägtransporterna står för ca 95 procent av utsläppen från transportsektorn."))
    assert check.unaddressed(question, written) == ()
    other = set(lexical.analyzer.terms("Vägtransporterna står för en stor del av utsläppen i landet."))
    assert check.unaddressed(question, other) != ()
