"""Whether a stated figure is the one asked about: of the year asked, counting what is counted."""

from __future__ import annotations

from assistant.answer.answer_type import AnswerType
from assistant.answer.fact_forms import states
from assistant.answer.figures import (
    counted_words,
    counts_names,
    counts_of,
    months_dating,
    names_each,
    numbers_named,
    same_count_stems,
    states_another_year,
    with_header_unit,
    with_header_units,
    years_of,
)
from assistant.answer.number_words import swedish_number


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


def test_a_count_about_thirty_of_a_compound_or_of_a_body_s_members_counts_what_is_asked() -> None:
    assert counts_of("Ett 30-tal svenska företag deltar i delegationen.", frozenset({"föret"}))
    assert counts_of("Över två miljoner skolbarn i åldrarna fem till 17 år går inte i skolan.", frozenset({"barn"}))
    assert not counts_of("Fonden har 40 barnmorskor anställda.", frozenset({"barn"}))
    assert counts_of("18 experter är med i kommittén.", frozenset({"ledam"}))
    assert not counts_of("18 experter är med i kommittén.", frozenset({"barn"}))


def test_a_count_follows_the_thing_counted_when_it_grows_from_one_number_to_another() -> None:
    conscripts = frozenset({"consc", "värnp"})
    assert counts_of("Värnpliktsutökning från dagens 8 000 till 10 000 år 2030 och 12 000 år 2032.", conscripts)
    assert not counts_of("Värnplikten ska öka till 2030.", conscripts)  # a year counts nothing
    assert not counts_of("Värnpliktiga får till 300 kronor i dagersättning.", conscripts)  # nor a sum
    assert not counts_of("Antalet kommuner ökar från 12 till 14.", conscripts)


def test_how_much_more_is_answered_by_a_ratio() -> None:
    assert states(AnswerType.QUANTITY, "Det kostar i snitt tre gånger så mycket att följa EU-regler.")
    assert states(AnswerType.QUANTITY, "Costs are twice as high.")
    assert not states(AnswerType.QUANTITY, "Kommittén träffas två gånger per år och så vidare.")


def test_how_much_is_not_answered_by_a_count_in_words() -> None:
    """"How much is the government investing?" is not answered by "Two key factors …"."""
    assert not states(AnswerType.QUANTITY, "Two key factors underpin the new strategic direction.")
    assert states(AnswerType.QUANTITY, "Region Stockholm får 46 759 214 kronor, 25,62 procent.")
    assert states(AnswerType.QUANTITY, "Ett 30-tal företag deltar.")


def test_prisons_and_institutions_named_one_by_one_are_counted_by_their_names() -> None:
    assert counts_names(frozenset({"ansta"}))  # "Vid hur många anstalter …?"
    assert counts_names(frozenset({"insti"}))  # "How many higher education institutions …?"
    assert names_each("vid anstalterna Högsbo, Rosersberg, Österåker, Kumla, Skenäs och Täby")


def test_a_bare_number_under_a_header_with_a_unit_is_stated_in_that_unit() -> None:
    row = "Kris: Sudan\nEnd of year-allokering (MSEK): 103\nTotalt humanitärt stöd 2025: 404"
    assert with_header_units(row, question="Hur mycket får Sudan?").splitlines()[1].endswith("103 MSEK")
    assert with_header_units(row, question="Hur mycket får Ukraina?") == row
    assert with_header_unit("Andel (%)", "45") == "45 %"
    assert with_header_unit("Andel (%)", "ingen uppgift") == "ingen uppgift"
    assert states(AnswerType.MONEY, "End of year-allokering (MSEK): 103 MSEK")


def test_a_count_of_things_named_two_ways_counts_either() -> None:
    assert counts_of("Nätverket består av cirka 50 ungdomar/unga vuxna från hela världen.", frozenset({"unga"}))


def test_nations_count_as_countries() -> None:
    stems = same_count_stems(counted_words("Hur många länder var representerade på övningen?"))
    assert counts_of("Försvarsmakten var värd för övningen och representanter från 16 nationer deltog.", stems)


def test_how_many_children_is_answered_by_a_count_of_barn_not_of_the_areas_they_live_in() -> None:
    """The phrase counted ends at its verb ("live"), and "children" counts "barn"."""
    assert counted_words("And how many children live in those areas?") == ["children"]
    stems = frozenset({"child"}) | same_count_stems(["children"])
    assert counts_of("Drygt 700 000 personer bor där, varav cirka 170 000 är barn.", stems)
    assert not counts_of("Landet har i dag 180 sådana områden fördelade på 66 kommuner.", stems)



def test_an_abbreviation_s_genitive_may_stand_between_a_count_and_what_it_counts() -> None:
    stems = same_count_stems(["states"])
    assert counts_of("Det är uppfattningen hos 143 av FN:s medlemsländer.", stems)


def test_who_held_a_post_in_another_year_does_not_answer_who_held_it_in_the_year_asked() -> None:
    assert states_another_year(AnswerType.PERSON, {2021}, "Hösten 2019 läste statsministern upp deklarationen.")
    assert not states_another_year(AnswerType.PERSON, {2021}, "Deklarationen lästes upp av EU-ministern.")


def test_only_one_is_a_count_and_a_bare_one_is_an_article() -> None:
    assert states(AnswerType.COUNT, "Endast ett samråd är obligatoriskt i processen.")
    assert counts_of("Endast ett samråd är obligatoriskt i processen.", frozenset({"samrå"}))
    assert not states(AnswerType.COUNT, "Kommunen ska hålla ett samråd med länsstyrelsen.")


def test_two_describing_words_joined_by_och_may_stand_between_a_count_and_what_it_counts() -> None:
    sentence = "Över 600 ledande internationella och svenska företag, investerare och beslutsfattare samlades."
    assert counts_of(sentence, frozenset({"föret"}))
    assert not counts_of("Över 600 ledande internationella och svenska gäster samlades.", frozenset({"föret"}))


def test_a_count_is_of_the_word_its_suspended_parts_share() -> None:
    """"över 70 myndighets-, organisations-, och näringslivsföreträdare" counts företrädare."""
    assert counts_of("Utredningen har genomfört intervjuer med över 70 myndighets-, organisations-, och "
                     "näringslivsföreträdare.", frozenset({"föret"}))
    assert not counts_of("Utredningen har intervjuat 70 myndigheter.", frozenset({"föret"}))


def test_about_fifty_in_words_counts_what_follows() -> None:
    """"ett femtiotal organisationer" is about fifty organisations, as "ett 50-tal" is."""
    sentence = ("Utredningen har i dagsläget samtalat och träffat ett femtiotal organisationer, sakkunniga och "
                "romska företrädare.")
    assert counts_of(sentence, frozenset({"organ", "föret"}))
    assert not counts_of(sentence, frozenset({"kommu"}))


def test_a_small_number_is_written_out_in_swedish() -> None:
    assert [swedish_number(n) for n in (1, 2, 10, 18, 20, 21, 35, 99, 100)] == [
        None, "två", "tio", "arton", "tjugo", "tjugoett", "trettiofem", "nittionio", None]



def test_operations_abroad_are_counted_as_insatser() -> None:
    stems = frozenset({"opera"}) | same_count_stems(["operations"])
    assert counts_of("Det är därför vi idag uppmärksammar över 40 insatser i fem världsdelar under 52 år.", stems)


def test_a_count_in_brackets_after_the_thing_counted_counts_it() -> None:
    """"Hur många praktikplatser per år …?" is answered by "… praktikplatser (300 per år i stället för 200)"."""
    stems = frozenset({"prakt"})
    assert counts_of("Regeringen har beslutat om fler praktikplatser (300 per år i stället för 200).", stems)
    assert not counts_of("Regeringen har beslutat om fler praktikplatser (2019).", stems)


def test_a_year_the_question_dates_by_a_month_is_named_only_with_that_month_or_none() -> None:
    dated = months_dating("Which site was added to the protected areas in June 2016?")
    assert dated == {"2016": 6}
    assert numbers_named({"2016"}, "Regeringen beslutade i juni 2016 att lägga till Storemyr.", dated=dated) == 1
    assert numbers_named({"2016"}, "Beslutet gäller från 2016.", dated=dated) == 1
    assert numbers_named({"2016"}, "Förordningen träder i kraft den 1 augusti 2016.", dated=dated) == 0
    assert numbers_named({"2016"}, "Förordningen träder i kraft den 1 augusti 2016.",
                         dated=months_dating("Which site was added in 2016?")) == 1
