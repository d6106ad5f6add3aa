"""What a question specifies about its fact beyond its kind: a unit stating the kind of fact
answers only if it is of the event, year, report stage, day and unit asked."""

from __future__ import annotations

from assistant.answer.answer_type import AnswerType
from assistant.answer.asked_kind import asked_type
from assistant.answer.fact_forms import place_opened, states
from assistant.answer.specifics import AskedFact, asked_unit


def fits(question: str, answer_type: AnswerType, sentence: str) -> bool:
    return AskedFact.of(answer_type, asked=question, figures=question).fits(sentence, context="", before="")


def test_a_measure_asked_in_a_unit_is_answered_only_in_that_unit() -> None:
    question = "What daily salt intake in grams is the assignment aiming for?"
    assert fits(question, AnswerType.QUANTITY, "Målet är högst 6 gram salt per dag.")
    assert not fits(question, AnswerType.QUANTITY, "Myndigheten får använda högst 500 000 kronor.")


def test_a_price_per_litre_is_not_a_price_per_kilowatt_hour() -> None:
    question = "What would the energy tax on diesel be per litre from 1 January 2026?"
    assert not fits(question, AnswerType.MONEY, "Energiskatten på el sänks till 41,1 öre per kilowattimme.")
    assert fits(question, AnswerType.MONEY, "Skatten på diesel blir 2,50 kronor per liter.")


def test_a_question_naming_no_unit_takes_any() -> None:
    assert asked_unit("How much may each university requisition in 2022?") is None
    assert fits("How much may each university requisition?", AnswerType.MONEY, "Högst 1,9 miljoner kronor.")


def test_a_date_must_be_of_the_event_and_the_day_asked() -> None:
    question = "Vilket datum träder lagen i kraft?"
    assert fits(question, AnswerType.DATE, "Lagen träder i kraft den 1 juli 2026.")
    assert not fits(question, AnswerType.DATE, "Lagen träder i kraft 2026.")  # no day
    assert not fits(question, AnswerType.DATE, "Regeringen beslutade om remissen den 3 maj 2025.")


def test_an_amount_for_another_year_does_not_answer() -> None:
    question = "How much is set aside for 2022?"
    assert fits(question, AnswerType.MONEY, "För 2022 avsätts 5 miljoner kronor.")
    assert not fits(question, AnswerType.MONEY, "För 2020 avsätts 5 miljoner kronor.")


def test_a_kilowatt_hour_is_written_kilowattimme() -> None:
    assert fits("Gasprisstöd – hur mycket per kWh?", AnswerType.MONEY,
                "Gasprisstödet uppgår till 79 öre per kilowattimme.")


def test_a_weight_asked_for_is_given_in_tonnes_or_kilos() -> None:
    question = "Up to what total weight would trailers be exempt from vehicle tax?"
    assert fits(question, AnswerType.QUANTITY, "Släpvagnar med en totalvikt som inte överstiger 3 ton undantas.")
    assert not fits(question, AnswerType.QUANTITY, "Förslaget innebär sänkt skatt för cirka 90 000 personer.")


def test_a_person_asked_for_by_post_is_named_with_that_post() -> None:
    question = "And which state secretaries also attended?"
    assert fits(question, AnswerType.PERSON, "Även statssekreterarna Modig, Nilsson och Noreback deltog.")
    assert not fits(question, AnswerType.PERSON, "Gruppen bjöds in av statsråden Busch, Forssmed och Persson.")
    assert fits("Who attended the meeting?", AnswerType.PERSON, "Gruppen bjöds in av statsråden Busch och Persson.")


def test_a_vice_chair_is_not_answered_by_the_new_chair() -> None:
    question = "And who is the new vice chair of the delegation?"
    assert fits(question, AnswerType.PERSON, "Mattias blir ny ordförande och Caroline Andermatt ny vice ordförande.")
    assert not fits(question, AnswerType.PERSON, "Regeringen har utsett Mattias Philipsson till ny ordförande.")


def test_a_period_after_an_event_is_stated_counted_from_one() -> None:
    asked = AskedFact.of(AnswerType.DURATION, figures="",
                         asked="How long after notifying the grid company may a new supplier take over?")
    assert asked.counts_from_the_event("Leverantören ska få göra detta 14 dagar efter en anmälan till nätföretaget.")
    assert asked.counts_from_the_event("Sanktionen kan aktualiseras inom två år från ett föreläggande.")
    assert not asked.counts_from_the_event("Konsumenten har rätt till slutfaktura inom sex veckor.")
    plain = AskedFact.of(AnswerType.DURATION, figures="", asked="How long may a supplier wait?")
    assert not plain.counts_from_the_event("Leverantören ska få göra detta 14 dagar efter en anmälan.")


def test_a_time_limit_for_a_report_asked_without_a_stage_is_the_final_reports() -> None:
    question = "And by when must that assignment be reported to the Government Offices?"
    interim = "Länsstyrelserna ska senast den 1 mars 2026 lämna samlade delredovisningar av uppdraget."
    assert not fits(question, AnswerType.DEADLINE, interim)
    assert fits(question, AnswerType.DEADLINE, "Uppdraget ska senast den 1 mars 2027 redovisas till Regeringskansliet.")
    assert fits("När ska delredovisningen lämnas?", AnswerType.DEADLINE, interim)
    # A date asked of a report is not held to a stage: "Who ordered the report, and when?"
    assert AskedFact.of(AnswerType.DATE, asked="When was the report presented?", figures="").stages == frozenset()


def test_a_figure_asked_for_as_it_stands_now_is_the_one_stated_as_now() -> None:
    asked = AskedFact.of(AnswerType.QUANTITY, asked="Och hur stor är andelen i dag?", figures="")
    assert asked.of_the_present("I dag har samma siffra sjunkit till 1 procent.")
    assert not asked.of_the_present("En studie från 1997 visade att 12 procent inte visste det.")
    # Not the day of a news item, nor a present compared with a new figure.
    assert not asked.of_the_present("Regeringen presenterar idag ett åtgärdspaket bestående av två delar.")
    assert not AskedFact.of(AnswerType.QUANTITY, asked="Hur stor ska gränsen bli, jämfört med i dag?",
                            figures="").now
    assert not AskedFact.of(AnswerType.COUNT, asked="How many reports under today's insurance?", figures="").now
    # Only a figure asked for as now: "i dag" names no time of any other question.
    assert not AskedFact.of(AnswerType.QUANTITY, asked="Hur stor är andelen?", figures="").of_the_present(
        "I dag har samma siffra sjunkit till 1 procent.")


def test_a_date_asked_for_as_proposed_is_the_one_a_proposal_names() -> None:
    asked = AskedFact.of(AnswerType.DATE, asked="When were the new custody rules proposed to enter into force?",
                         figures="")
    assert asked.dates_its_event("Ändringarna ska enligt förslaget träda i kraft den 1 juli 2006.")
    assert not asked.dates_its_event("Förordningarna träder i kraft den 31 mars 2017.")
    plain = AskedFact.of(AnswerType.DATE, asked="When do the new custody rules enter into force?", figures="")
    assert plain.dates_its_event("Förordningarna träder i kraft den 31 mars 2017.")


def test_since_when_prefers_a_date_stated_with_since_and_requires_none() -> None:
    asked = AskedFact.of(AnswerType.DATE, asked="Since what year has Sweden been part of Ecris?", figures="")
    assert asked.dates_its_event("Sverige har sedan 2013 varit anslutet till Ecris.")
    assert not asked.dates_its_event("Sverige anslöt sig till Ecris-systemet 2013.")
    assert asked.fits("Sverige anslöt sig till Ecris-systemet 2013.", context="", before="")


def test_the_item_asked_for_by_its_place_is_the_one_opening_in_that_place() -> None:
    """"And what is the second of them?" is answered by "För det andra …", not by the first item."""
    question = "And what is the second of them?"
    assert asked_type(question) is AnswerType.NTH
    asked = AskedFact.of(AnswerType.NTH, asked=question, figures=question)
    second, first = "För det andra föreslås att en kopia ska sändas.", "För det första föreslås ett krav."
    assert states(AnswerType.NTH, second, besides=question) and asked.fits(second, context=second, before="")
    assert not asked.fits(first, context=first, before="")
    assert asked_type("Vilken är den sista av dem?") is AnswerType.NTH
    assert place_opened("Slutligen ska verket redovisa.") == -1
    assert place_opened("Fourthly, the agency reports.") == 4  # every "…ly," the pattern reads has its place
    assert place_opened("Först 2030 kommer det att gälla.") is None  # "not until 2030"


def test_who_leads_an_inquiry_is_answered_by_its_investigator_not_by_a_quoted_chair() -> None:
    question = "Who is leading the new inquiry into support for people who want to leave criminal gangs?"
    assert fits(question, AnswerType.PERSON, "Utredare är Linn Pantzar, chefsrådman vid Västmanlands tingsrätt.")
    assert fits("Vem har lett utredningen om bodelning?", AnswerType.PERSON,
                "Utredningen har letts av justitierådet Margareta Brattström.")
    assert not fits(question, AnswerType.PERSON, "Vi tillsätter nu en utredning, säger Christian Carlsson (KD), "
                                                 "ordförande i socialutskottet.")


def test_a_part_of_what_was_just_counted_answers_only_a_question_for_a_part() -> None:
    """"How many children have signed up?" is not answered by "Av dessa barn har 4 000 …", which
    counts some of them; "How many of them …?" is."""
    part = "Av dessa barn har drygt 4 000 fått det utökade stödet."
    assert not fits("How many children have signed up for the card?", AnswerType.COUNT, part)
    assert fits("How many of them got the extended support?", AnswerType.COUNT, part)
    assert fits("And how much of that goes to the municipalities?", AnswerType.MONEY,
                "Av dessa går 400 miljoner kronor till kommunerna.")
    assert fits("How many children have signed up for the card?", AnswerType.COUNT,
                "Sedan starten har drygt 34 000 barn anmält sig.")


def test_the_original_deadline_is_the_one_first_set_not_the_one_that_replaced_it() -> None:
    asked = AskedFact.of(AnswerType.DEADLINE, asked="What was the original deadline for the review?",
                         figures="What was the original deadline for the review?")
    first = "Enligt det ursprungliga beslutet skulle myndigheten redovisa granskningen den 1 mars 2024."
    replaced = "Granskningen ska i stället redovisas senast den 1 oktober 2024."
    decided = "Genom ett nytt beslut den 5 maj 2023 ändrades uppdraget, till skillnad från det ursprungliga."
    assert asked.names_the_time_asked(first, stated=first)
    assert not asked.names_the_time_asked(replaced, stated=replaced)
    assert not asked.names_the_time_asked(decided, stated=decided)
    plain = AskedFact.of(AnswerType.DEADLINE, asked="By when must the review be reported?",
                         figures="By when must the review be reported?")
    assert plain.names_the_time_asked(replaced, stated=replaced)


def test_at_the_moment_asks_for_the_figure_stated_as_now() -> None:
    asked = AskedFact.of(AnswerType.COUNT, asked="Roughly how many pupils are enrolled at the moment?", figures="")
    assert asked.now
    assert asked.of_the_present("För tillfället går cirka 4 000 elever i kommunens skolor.")
    assert not asked.of_the_present("År 2010 gick cirka 3 000 elever i kommunens skolor.")


def test_the_date_of_an_original_thing_is_not_asked_as_the_time_first_set() -> None:
    asked = "När beslutade regeringen de ursprungliga direktiven?"
    assert not AskedFact.of(AnswerType.DATE, asked=asked, figures=asked).original


def test_a_figure_of_another_country_does_not_answer_for_the_one_asked() -> None:
    question = "Hur mycket ökade exporten till Indonesien förra året?"
    assert not fits(question, AnswerType.PERCENT, "Exporten till Indien ökade med 17 procent förra året.")
    assert fits(question, AnswerType.PERCENT, "Med ett avtal kan exporten till Indonesien öka med 40 procent.")
    assert fits(question, AnswerType.PERCENT, "Exporten ökade med 12 procent förra året.")
    # A country in another role stands beside the figure asked for: the aid given is Ukraine's.
    assert fits("How much aid has Sweden given to Ukraine since the invasion?", AnswerType.MONEY,
                "Sedan Rysslands invasion har Sverige gett stöd för 80 miljarder kronor.")
