"""Whether a text states a fact of a kind, in the forms Swedish and English texts write it
(`assistant.answer.fact_forms`). Each form is a way the languages write the fact, not a sentence of
an evaluation page."""

from __future__ import annotations

import re

import pytest

from assistant.answer.answer_type import AnswerType
from assistant.answer.bodies import asks_for_a_country, besides_for_an_agency, country_names, named_bodies
from assistant.answer.fact_forms import body_aliases, names_a_deadline, states
from assistant.answer.number_words import NUMBER_WORDS


def test_the_number_words_are_matched_whole_and_only_them() -> None:
    number = re.compile(rf"\b(?:{NUMBER_WORDS})\b", re.IGNORECASE)
    for word in ("tre", "tretton", "tjugofem", "trettioett", "tvåhundra", "dussin", "fifteen", "Twenty"):
        assert number.fullmatch(word), word
    for word in ("en", "ett", "tres", "sexa", "tjugofemte"):
        assert not number.fullmatch(word), word


@pytest.mark.parametrize(("answer_type", "text"), [
    # Shares in English figures and in words.
    (AnswerType.PERCENT, "Unemployment rose by 1.5 per cent in 2023."),
    (AnswerType.PERCENT, "Around 40 percent of the funds go to the regions."),
    (AnswerType.PERCENT, "Andelen ökade med 2 procentenheter."),
    (AnswerType.PERCENT, "Två tredjedelar av kommunerna har en plan."),
    (AnswerType.PERCENT, "Var tredje elev saknar behörighet."),
    (AnswerType.PERCENT, "A quarter of the municipalities lack a plan."),
    (AnswerType.PERCENT, "One in five children lives in a household with low income."),
    (AnswerType.PERCENT, "Myndigheten får avsätta högst tio procent av medlen för administration."),
    (AnswerType.PERCENT, "Five per cent of the grant may cover overheads."),
    # Counts written as words: the teens, the tens, their compounds, hundreds, a dozen.
    (AnswerType.COUNT, "Fjorton myndigheter deltar i arbetet."),
    (AnswerType.COUNT, "Sextio deltagare kom till mötet."),
    (AnswerType.COUNT, "Nätverket består av tjugofem kommuner."),
    (AnswerType.COUNT, "Fifteen agencies have signed the agreement."),
    (AnswerType.COUNT, "Ett dussin organisationer har yttrat sig."),
    (AnswerType.COUNT, "Tvåhundra personer har utbildats."),
    # Money in an English page's word order, and half a billion.
    (AnswerType.MONEY, "The government allocates 25 million kronor to the programme."),
    (AnswerType.MONEY, "Satsningen omfattar en halv miljard kronor."),
    # A date written with a slash, a period of days in words.
    (AnswerType.DATE, "Ansökan ska ha kommit in senast den 1/3."),
    (AnswerType.DURATION, "Beslutet gäller i fjorton dagar."),
    # How often, in both languages.
    (AnswerType.FREQUENCY, "Gruppen träffas varannan vecka."),
    (AnswerType.FREQUENCY, "Uppföljningen sker vart tredje år."),
    (AnswerType.FREQUENCY, "The council meets twice a year."),
    (AnswerType.FREQUENCY, "Progress is reported quarterly."),
    (AnswerType.CLOCK, "The office opens at 9 am."),
])
def test_a_fact_is_recognised_in_the_common_forms_of_either_language(answer_type: AnswerType, text: str) -> None:
    assert states(answer_type, text)


def test_a_sum_or_a_share_in_english_words_is_not_a_count() -> None:
    assert not states(AnswerType.COUNT, "The government allocates 25 million kronor.")
    assert not states(AnswerType.COUNT, "Unemployment rose by 15 per cent.")
    assert states(AnswerType.COUNT, "Unemployment rose among 15 municipalities.")


@pytest.mark.parametrize(("answer_type", "text"), [
    # Bodies by their English names and the English words for a municipality's boards.
    (AnswerType.BODY, "The work is led by the Ministry of Finance."),
    (AnswerType.BODY, "Responsibility lies with the municipal executive board."),
    # A person after a title the question would not ask by.
    (AnswerType.PERSON, "Riksdagsledamoten Aylin Fazelian deltog i samtalet."),
    (AnswerType.PERSON, "Enhetschefen Lena Nowak leder arbetet."),
    (AnswerType.PERSON, "The keynote was given by Professor Ylva Engström."),
    # The holder named by post and body.
    (AnswerType.PERSON, "Rådet ska ledas av myndighetschefen för Kommerskollegium."),
    # About as many, in both languages.
    (AnswerType.COUNT, "Ett femtiotal deltagare kom till konferensen."),
    (AnswerType.COUNT, "Hundreds of volunteers took part."),
    # Periods and frequencies in the words a text uses.
    (AnswerType.DURATION, "Projektet pågår under en femårsperiod."),
    (AnswerType.DURATION, "Försöket pågår under ett halvår."),
    (AnswerType.FREQUENCY, "Planen följs upp vartannat år."),
    (AnswerType.FREQUENCY, "Nämnden lämnar en årlig rapport till fullmäktige."),
    (AnswerType.FREQUENCY, "The board publishes an annual report."),
])
def test_bodies_people_counts_and_periods_in_the_forms_texts_use(answer_type: AnswerType, text: str) -> None:
    assert states(answer_type, text)


def test_what_a_thing_is_is_not_how_long_something_lasts() -> None:
    # "en tvåårig utbildning" is a kind of education: it does not say how long anyone has.
    assert not states(AnswerType.DURATION, "Personalen ska ha en tvåårig eftergymnasial utbildning.")
    assert states(AnswerType.DURATION, "Personalen måste uppfylla kraven inom sex år.")


@pytest.mark.parametrize("text", [
    "Utredningen leds av Karin Ekdahl.",  # a surname by its form, whatever the given name
    "Frågan ställdes av Aida Hadzialic (S).",  # a member by the party after the name
])
def test_a_person_is_named_by_the_form_of_the_surname_or_the_party_after_it(text: str) -> None:
    assert states(AnswerType.PERSON, text)
    assert not states(AnswerType.PERSON, "Mötet hölls i Region Stockholm.")
    # A post the question names, of a body it names, is not an answer to it.
    assert not states(AnswerType.PERSON, "Rådet ska ledas av ordföranden för Kommerskollegium.",
                      besides="Vem är ordförande för Kommerskollegium?")
    # Nor is one holding the post asked about: it does not say who holds it.
    assert not states(AnswerType.PERSON, "2013–2015: Rumäniens ambassadör i USA.",
                      besides="Who is the new ambassador?")


@pytest.mark.parametrize("text", [
    "Beslutet ska fattas inom tre månader från ansökan.",
    "Personalen måste uppfylla kraven senast om sex år.",
    "The report must be submitted within 30 days.",
])
def test_a_time_limit_counted_from_an_event_answers_by_when(text: str) -> None:
    assert states(AnswerType.DEADLINE, text)
    assert names_a_deadline(text)
    assert not names_a_deadline("Arbetet sker inom ramen för uppdraget.")


@pytest.mark.parametrize(("answer_type", "text"), [
    (AnswerType.PERCENT, "Nio av tio kommuner har en plan."),
    (AnswerType.PERCENT, "Nine out of ten municipalities have a plan."),
    (AnswerType.BODY, "The Government decided to give the assignment."),
    (AnswerType.BODY, "Responsibility rests with the county administrative boards."),
    (AnswerType.PLACE, "The meeting took place at the Ministry."),
])
def test_shares_of_a_whole_and_english_bodies_and_places_are_recognised(answer_type: AnswerType, text: str) -> None:
    assert states(answer_type, text)


@pytest.mark.parametrize("text", [
    "Rådet hinner bara granska en bråkdel av alla förslag.",
    "En mindre del av anslaget, 40 miljoner, går till vägar.",
    "Merparten av kommunerna har svarat.",
    "Only a fraction of the proposals can be examined.",
    "A large share of the funds goes to schools.",
])
def test_a_share_named_without_a_figure_states_a_share(text: str) -> None:
    assert states(AnswerType.PERCENT, text)
    assert not states(AnswerType.PERCENT, "Rådet granskar förslagen.")


@pytest.mark.parametrize("text", [
    "Den sänkta skatten gäller till och med december 2026.",
    "Stödet betalas ut fram till 2027.",
    "The exemption applies until 1 May 2025.",
    "Hon har 30 års erfarenhet av frågorna.",
    "Denna del av uppdraget ska pågå till den 30 december 2026.",
    "De globala mål för kemikalier och avfall som finns idag gäller till år 2020.",
])
def test_how_long_is_stated_by_when_it_ends_or_by_years_in_the_genitive(text: str) -> None:
    assert states(AnswerType.DURATION, text)


@pytest.mark.parametrize("text", [
    "Vi gör nu mer för tryggheten i skolan, säger Lena Holm, skolpolitisk talesperson, Liberalerna.",
    "The plan is ambitious, said Tomas Lind at the meeting.",
])
def test_a_person_is_named_as_the_one_who_speaks_or_with_a_describing_word_before_the_post(text: str) -> None:
    assert states(AnswerType.PERSON, text, besides="Vem är Liberalernas skolpolitiska talesperson?")
    assert not states(AnswerType.PERSON, "Vi gör nu mer för tryggheten i skolan, säger regeringen.")


def test_the_session_year_of_a_bill_s_number_dates_nothing() -> None:
    assert not states(AnswerType.DATE, "Ändringarna följer av propositionen (prop. 2017/18:243).")
    assert states(AnswerType.DATE, "Ändringarna gäller från 2019.")


@pytest.mark.parametrize("text", [
    "Just nu pågår en prövning i Högsta domstolen.",
    "Uppdraget genomförs med Nationella vårdkompetensrådet.",
    "Delegationen för ökad tillgänglighet har verkat för kortare köer.",
    "I vissa fall ska vattenmyndigheterna lyfta frågorna.",
    "Medlen föreslås hanteras av kommissionen.",
])
def test_a_body_named_by_its_kind_after_a_name_or_before_its_field(text: str) -> None:
    assert states(AnswerType.BODY, text)


def test_a_hyphenated_given_name_after_a_title_names_a_person() -> None:
    assert states(AnswerType.PERSON, "Det stärker säkerheten, säger Estlands justitieminister Anna-Lena Kask.",
                  besides="Vem är Estlands justitieminister?")


def test_half_of_something_is_a_share() -> None:
    assert states(AnswerType.PERCENT, "Halva vår samlade ekonomi handlar om export.")


def test_how_long_a_plan_runs_is_stated_by_what_it_is() -> None:
    assert states(AnswerType.DURATION, "Arbetet sker inom Sveriges tioåriga nationella strategi mot våld.")
    assert states(AnswerType.DURATION, "Två 10-åriga forsknings- och utvecklingsprogram bör införas.")
    assert states(AnswerType.DURATION, "Därför gör vi grundskolan tioårig.")  # said of the thing


def test_ongoing_is_how_often() -> None:
    assert states(AnswerType.FREQUENCY, "Myndigheten ska löpande stämma av med Regeringskansliet.")


@pytest.mark.parametrize("text", [
    "Tjänsten införs nästa år i samtliga regioner.",
    "Beslutet fattas samma dag som ansökan kommer in.",
    "Reformen genomförs vid årsskiftet.",
    "Kampanjen startar i höst.",
    "Projektet går nu in på sitt tredje år.",
    "Utbetalningen sker under första kvartalet.",
    "The changes take effect next year.",
    "Applicants are told the same day.",
    "The survey will be published in the autumn.",
    "Payments start in the first quarter.",
])
def test_a_time_named_relative_to_now_or_to_an_event_answers_when(text: str) -> None:
    assert states(AnswerType.DATE, text)
    assert states(AnswerType.DEADLINE, text)


@pytest.mark.parametrize("text", [
    "Andra år har fler ansökningar kommit in.",  # "andra" is "other" before an indefinite noun
    "Skolan arbetar i dag med frågan.",  # "today" stands in most present-tense sentences
    "The same rules apply to all regions.",
])
def test_other_years_today_and_the_same_rules_name_no_time(text: str) -> None:
    assert not states(AnswerType.DATE, text)


def test_a_body_named_in_full_lends_its_short_name_to_the_rest_of_the_text() -> None:
    page = ("Regeringen uppdrar åt Verket för innovationssystem (Vinnova) och Vetenskapsrådet att utforma ett "
            "program. Regeringen ger Statens jordbruksverk (Jordbruksverket) i uppdrag. Myndigheten för ungdoms- "
            "och civilsamhällesfrågor (MUCF) ska stödja. Regeringen beslutade om en ny lag (Lagen). "
            "Se bilagan (Bilaga).")
    aliases = body_aliases(page)
    assert aliases == {"Vinnova", "Jordbruksverket", "MUCF"}
    assert not states(AnswerType.BODY, "Beslut om bidrag ska fattas av Vinnova.")
    assert states(AnswerType.BODY, "Beslut om bidrag ska fattas av Vinnova.", bodies=aliases)
    # A body the question names itself answers no "who?".
    assert not states(AnswerType.BODY, "Beslut om bidrag ska fattas av Vinnova.", bodies=aliases,
                      besides="Vad beslutar Vinnova om?")


def test_a_body_in_the_genitive_names_it_and_is_the_questions_own_in_either_form() -> None:
    question = "Med vilken myndighets uppdrag ska Jordbruksverket samordna arbetet?"
    assert states(AnswerType.BODY, "Jordbruksverket ska samordna arbetet med Naturvårdsverkets uppdrag.",
                  besides=question)
    assert not states(AnswerType.BODY, "Jordbruksverkets arbete ska samordnas.", besides=question)
    assert not states(AnswerType.BODY, "Jordbruksverket ska samordna.", besides="Vad ska Jordbruksverkets göra?")


@pytest.mark.parametrize(("text", "cites"), [
    ("Betänkande av Vandelsutredningen.", True),
    ("Utredningen om arbetskraftsinvandring har haft ett brett uppdrag.", True),
    ("Myndigheterna får inhämta uppgifter enligt lagen om skyldighet för näringsidkare.", True),
    ("Se lagen (2006:544) om kommuners åtgärder.", True),
    ("Uppdraget bygger på slutbetänkandet från utredningen om näringslivets beredskap.", False)])
def test_a_law_or_an_inquiry_is_cited_by_its_name(text: str, cites: bool) -> None:
    assert states(AnswerType.REFERENCE, text) is cites


def test_which_country_is_answered_by_a_countrys_name_not_the_questions_own() -> None:
    assert asks_for_a_country("Which country takes over the chair after Sweden?")
    assert asks_for_a_country("Vilket land tar över ordförandeskapet?")
    assert not asks_for_a_country("Which agency leads the work?")
    countries = country_names()
    assert states(AnswerType.BODY, "Litauen är vice ordförande och övertar ordförandeskapet 2024.", bodies=countries)
    assert states(AnswerType.PLACE, "För en tid sedan producerade Tyskland mycket vindkraft.", bodies=countries)
    assert not states(AnswerType.BODY, "Norge leder arbetet.", bodies=countries,
                      besides="Which country took over from Norge?")


def test_a_purpose_may_be_stated_as_what_a_thing_is_done_so_that_it_achieves() -> None:
    assert states(AnswerType.PURPOSE, "Programmen ska vidareutvecklas så att de tydligare bidrar till omställningen.")


@pytest.mark.parametrize(("answer_type", "text"), [
    (AnswerType.DURATION, "Premien lämnas till den sökande under maximalt 18 kalendermånader."),
    (AnswerType.DURATION, "Beslutet ska fattas inom tio arbetsdagar."),
    (AnswerType.DURATION, "Den tillfälliga manuella rutinen ska kunna gälla så länge EU-förordningen gäller."),
    (AnswerType.DEFINITION, "Skolbibliotek ska avse en samlad, gemensam och ordnad verksamhet."),
    (AnswerType.DEFINITION, "Begreppet närstående avser make, sambo och barn."),
    (AnswerType.DEFINITION, "Regionerna samt Gotlands kommun (nedan kallade länsplaneupprättarna) ska planera."),
    (AnswerType.COUNT, "EU har enats om att leverera en miljon artillerigranater till Ukraina."),
    (AnswerType.COUNT, "Two million doses were delivered in the spring."),
    (AnswerType.CONTENT, "I detta förberedande arbete ingår att ta fram ett förslag på struktur för administration."),
    (AnswerType.BODY, "Det pågår ett arbete inom Miljömålsberedningen för att ta fram förslag på åtgärder.")])
def test_forms_of_a_fact_met_on_a_new_users_pages(answer_type: AnswerType, text: str) -> None:
    """A period in compound units or bounded by a condition, a definition by "avser" or by a name
    given below, a count of millions in words, what a task takes in, a committee."""
    assert states(answer_type, text)


def test_an_intent_is_no_definition() -> None:
    assert not states(AnswerType.DEFINITION, "Regeringen avser att återkomma i frågan.")


def test_a_sum_the_question_states_is_its_own_in_either_language() -> None:
    question = "How much will Sweden itself contribute to the proposed 50 billion euro support for Ukraine?"
    assert not states(AnswerType.MONEY, "Förslaget innehåller ett stöd till Ukraina värt 50 miljarder euro.",
                      besides=question)
    assert states(AnswerType.MONEY, "Sverige bidrar med 3,5 miljarder euro till stödet.", besides=question)
    assert not states(AnswerType.QUANTITY, "Ramen är 1.2 billion euros.",
                      besides="Hur mycket av ramen på 1,2 miljarder går till Sverige?")


def test_a_time_since_when_sets_no_deadline() -> None:
    assert not states(AnswerType.DEADLINE, "Uppgiftsfördelningen har funnits sedan 1940-talet.")
    assert states(AnswerType.DATE, "Uppgiftsfördelningen har funnits sedan 1940-talet.")
    assert states(AnswerType.DEADLINE, "Regeln gäller sedan 2019, och uppdraget ska redovisas den 8 november 2021.")


def test_a_period_in_the_genitive_is_a_period() -> None:
    assert states(AnswerType.DURATION, "Elever på yrkesprogrammen har 15 veckors praktik.")
    assert states(AnswerType.DURATION, "Kursen omfattar tre dagars utbildning.")
    assert states(AnswerType.DURATION, "Det maximala antalet anståndsmånader höjs från 9 till 12.")


def test_millions_of_kronor_in_words_are_a_sum_not_a_count() -> None:
    assert not states(AnswerType.COUNT, "Regeringen satsar två miljoner kronor på läsfrämjande.")


def test_a_day_of_the_month_the_question_names_is_a_date_it_did_not_name() -> None:
    # "the December meeting" names the month; "den 14-15 december" gives the days.
    question = "When was the December European Council meeting in Brussels held?"
    assert states(AnswerType.DATE, "Under Europeiska rådets möte i Bryssel den 14-15 december fattades beslutet.",
                  besides=question)
    assert not states(AnswerType.DATE, "Mötet hölls i december.", besides=question)
    assert not states(AnswerType.DATE, "Beslutet fattades den 1:a maj.", besides="Vad hände den 1:a maj?")


def test_proposals_and_supporting_documents_are_not_a_law() -> None:
    # "förslagen", "underlagen" end as "socialtjänstlagen" does.
    assert states(AnswerType.REFERENCE, "Enligt offentlighets- och sekretesslagen gäller detta.")
    assert not states(AnswerType.REFERENCE, "De flesta förslagen är sedan tidigare remissbehandlade.")
    assert not states(AnswerType.REFERENCE, "Budgetunderlagen lämnas i februari.")


def test_a_last_day_with_its_date_is_a_time_limit() -> None:
    assert names_a_deadline("Sista dagen att svara på remissen är den 19 januari 2026.")
    assert names_a_deadline("The closing date for applications is 3 March 2025.")
    assert not names_a_deadline("Sista dagen för skolan är en fredag.")


def test_a_speaker_s_reason_and_a_report_s_focus() -> None:
    assert states(AnswerType.REASON, "När vi inleder arbetet med en kulturkanon är det för att bjuda in fler.")
    assert states(AnswerType.CONTENT, "Delredovisningen ska göras med fokus på de län som saknar resurscentrum.")


def test_a_time_counted_from_an_event_answers_when_and_by_when() -> None:
    sentence = ("Tre månader efter att uppdraget har slutredovisats ska myndigheten återbetala ej förbrukade medel "
                "till Kammarkollegiet.")
    assert states(AnswerType.DATE, sentence)
    assert states(AnswerType.DEADLINE, sentence)
    assert names_a_deadline("The report is due two weeks after the meeting ends.")
    # (Only from a clause or a named event: "efter reformen" may date anything.)
    assert not names_a_deadline("Köerna minskade två år efter reformen.")


def test_a_university_named_by_its_town_is_a_body() -> None:
    assert states(AnswerType.BODY, "Uppsala universitet ska samordna lärosätenas arbete.", besides="Vilket lärosäte?")


def test_a_change_by_a_factor_is_a_quantity_and_ore_is_money() -> None:
    assert states(AnswerType.QUANTITY, "Vi behöver fördubbla svensk energiproduktion för att klara målen.")
    assert states(AnswerType.QUANTITY, "Emissions must halve by 2030.")
    assert states(AnswerType.MONEY, "Energiskatten på el sänks till 41,1 öre per kilowattimme.")


def test_a_factor_before_a_comparative_is_a_quantity_a_number_of_times_is_not() -> None:
    assert states(AnswerType.QUANTITY, "Sjukfrånvaron är ungefär två gånger högre bland kvinnor än bland män.")
    assert states(AnswerType.QUANTITY, "I år anmäldes fyra gånger fler bedrägerier mot äldre.")
    assert states(AnswerType.QUANTITY, "Kostnaden blev 3 gånger större än beräknat.")
    assert not states(AnswerType.QUANTITY, "Hon har besökt skolan tre gånger.")


def test_a_term_opening_its_sentence_is_defined_by_innebar_a_proposal_is_not() -> None:
    assert states(AnswerType.DEFINITION, "Nettonollutsläpp innebär att summan av alla utsläpp ska vara noll.")
    assert not states(AnswerType.DEFINITION, "Förslaget innebär att elever ska ha tillgång till skolbibliotek.")
    assert not states(AnswerType.DEFINITION, "Detta innebär att kostnaderna ökar.")


def test_the_first_number_of_a_range_in_percent_is_no_count() -> None:
    assert not states(AnswerType.COUNT, "Skatten föreslås sänkas från 25 till 20 procent.")
    assert states(AnswerType.COUNT, "Mellan 20 och 30 personer deltog.")


def test_surnames_after_a_title_in_the_plural_name_people() -> None:
    assert states(AnswerType.PERSON, "Även statssekreterarna Modig, Nilsson och Noreback deltog.")


def test_a_phone_number_and_a_power_are_no_counts() -> None:
    assert not states(AnswerType.COUNT, "Klimatrapportering: Johan Pettersson 08-405 82 41")
    assert not states(AnswerType.COUNT, "Effektgränsen sänks från 75 till 15 kW.")
    assert states(AnswerType.COUNT, "Cirka 2 485 275 personer deltog.")


def test_one_per_cent_in_words_is_a_share() -> None:
    assert states(AnswerType.PERCENT, "Regeringen står fast vid att en procent av bruttonationalinkomsten ska gå "
                                      "till bistånd.")
    assert not states(AnswerType.PERCENT, "Räntan höjdes med en procentenhet.")


def test_an_eu_acts_number_dates_nothing() -> None:
    assert not states(AnswerType.DATE, "om ändring av förordning (EU) 2019/1020")
    assert states(AnswerType.DATE, "Den 15 september 2022 presenterade kommissionen sitt förslag.")


def test_every_third_is_a_share_and_every_fourth_year_is_not() -> None:
    assert states(AnswerType.PERCENT, "Vart tredje jobb i landet hänger på exporten.")
    assert states(AnswerType.PERCENT, "Varannan kommun saknar en sådan plan.")
    assert not states(AnswerType.PERCENT, "Nya förmågemål antas vart fjärde år.")


def test_every_nth_year_by_var_and_an_ordinal_is_how_often_was_a_year_is_not() -> None:
    assert states(AnswerType.FREQUENCY, "Planen ska ses över var fjärde år.")
    assert states(AnswerType.FREQUENCY, "Kommunerna ska var tredje månad rapportera läget.")
    assert not states(AnswerType.FREQUENCY, "Det var ett år sedan beslutet.")


def test_a_count_may_end_its_sentence_but_a_list_numeral_or_a_goal_s_number_is_none() -> None:
    assert states(AnswerType.COUNT, "För 2017 var antalet 101.")
    assert states(AnswerType.COUNT, "Under året lämnade GREVIO 41 rekommendationer till Sverige.")
    assert not states(AnswerType.COUNT, "Arbetet ska ske i linje med SDG 14.")
    assert not states(AnswerType.COUNT, "exempelvis när ett barn har diabetes. 2. När en förälder behöver")


def test_the_first_day_of_a_span_of_days_is_no_count() -> None:
    assert not states(AnswerType.COUNT, "Ministern reste till Kyiv den 26–27 april.")
    assert states(AnswerType.COUNT, "Mellan 10–15 personer deltog.")


def test_a_sentence_opening_with_the_asked_term_defines_it_a_proposal_does_not() -> None:
    assert states(AnswerType.DEFINITION, "Oskuldspresumtionen innebär att den misstänkte ska betraktas som oskyldig.",
                  besides="Vad betyder oskuldspresumtionen?")
    assert not states(AnswerType.DEFINITION, "Förslaget innebär att eleverna ska ha tillgång till skolbibliotek.",
                      besides="Vad räknas som ett skolbibliotek enligt förslaget?")


def test_a_term_after_its_article_is_defined_and_two_english_words_may_be_one_swedish_compound() -> None:
    text = "Ett innovationssystem är kombinationen av aktörer, drivkrafter och spelregler."
    assert states(AnswerType.DEFINITION, text, besides="What is meant by an innovation system in the review?")
    assert not states(AnswerType.DEFINITION, text, besides="What is meant by a rule system in the review?")


def test_an_old_year_opening_a_sentence_before_its_verb_is_a_date_a_count_is_not() -> None:
    assert states(AnswerType.DATE, "1775 fick Aaron Isaac rätt att bosätta sig här.")
    assert states(AnswerType.DATE, "1809 förlorade Sverige Finland.")
    assert not states(AnswerType.DATE, "1500 personer deltog i mötet.")


def test_an_old_year_after_the_subject_before_its_verb_is_a_date() -> None:
    assert states(AnswerType.DATE, "Det gick så illa att de 1868 till och med lämnade landet.")
    assert states(AnswerType.DATE, "Staden brann och 1625 byggdes den upp igen.")
    assert not states(AnswerType.DATE, "Därefter anmälde de 1200 fall.")


def test_a_term_glossed_where_it_stands_is_defined_only_for_a_question_about_it() -> None:
    text = ("Det införs strängare krav på avgränsning av transmissionsverksamhet, dvs. i huvudsak den överföring "
            "av el som sker på stamnätet.")
    assert states(AnswerType.DEFINITION, text, besides="Vad avses med transmissionsverksamhet i lagrådsremissen?")
    assert not states(AnswerType.DEFINITION, "Kostnaderna, dvs. lönerna, ökar.",
                      besides="Vad avses med transmissionsverksamhet?")


def test_a_member_state_asked_for_is_a_country() -> None:
    assert asks_for_a_country("Which member state does the minister single out?")
    assert asks_for_a_country("Vilken medlemsstat nämner ministern?")
    assert "Hungary" in country_names() and "Ungern" in country_names()


def test_a_report_due_in_a_month_told_in_the_present_is_a_time_limit() -> None:
    assert names_a_deadline("Uppdraget redovisas årligen 2021–2023 samt slutredovisas i oktober 2024.")
    assert names_a_deadline("Uppdraget redovisas den 1 mars 2025.")
    # A report that was made is dated, not due.
    assert not names_a_deadline("Uppdraget redovisades i oktober 2024.")


def test_millions_of_people_or_tonnes_are_no_sum_of_money() -> None:
    assert not states(AnswerType.MONEY, "1,3 miljoner personer ger vård och omsorg till en närstående.")
    assert not states(AnswerType.MONEY, "Det rör sig om två miljoner ton avfall.")
    assert states(AnswerType.COUNT, "1,3 miljoner personer ger vård och omsorg till en närstående.")
    # A sum is often written without its currency.
    assert states(AnswerType.MONEY, "Regeringen satsar 150 miljoner för 2026.")
    assert states(AnswerType.MONEY, "Tre miljarder går till kommunerna.")


def test_what_a_change_requires_states_a_condition() -> None:
    assert states(AnswerType.CONDITION, "Återkallelse av medborgarskap kräver därför en grundlagsändring.")


def test_a_measure_in_energy_or_area_answers_how_much() -> None:
    assert states(AnswerType.QUANTITY, "Ambitionshöjningen innebar att Sverige ska finansiera 30 TWh ny förnybar "
                                       "elproduktion till 2020 jämfört med 2002.")
    assert states(AnswerType.QUANTITY, "Undantaget höjs från dagens 0,5 hektar upp till och med 5 hektar.")
    # The measure the question names is no answer to it.
    assert not states(AnswerType.QUANTITY, "Parken ger 30 TWh.", besides="Vad innebär 30 TWh för elpriset?")


def test_a_quarter_of_a_million_people_is_a_count_not_a_sum() -> None:
    text = "Enligt vissa uppskattningar lever uppemot en kvarts miljon unga i vårt land under hedersnormer."
    assert states(AnswerType.COUNT, text) and not states(AnswerType.MONEY, text)
    assert states(AnswerType.MONEY, "Bidraget är en kvarts miljon kronor.")


def test_a_count_before_an_english_nationality_counts() -> None:
    """English capitalises "Swedish": "40 Swedish companies" is a count, "the 1718 Committee" a name."""
    assert states(AnswerType.COUNT, "More than 40 Swedish companies are present in the Philippines today.")
    assert states(AnswerType.COUNT, "Around 300 European researchers took part.")
    assert not states(AnswerType.COUNT, "The 1718 Committee met in New York.")
    assert not states(AnswerType.COUNT, "It costs 300 euros per person.")


def test_until_the_end_of_a_year_says_how_long() -> None:
    assert states(AnswerType.DURATION, "Sverige tar fortsatt ansvar för OSSE som del i trojkan till utgången av 2022.")
    assert states(AnswerType.DURATION, "The mandate runs until the end of 2025.")
    assert not states(AnswerType.DURATION, "Sverige var ordförande i OSSE förra året.")


def test_a_person_named_with_a_middle_initial_after_a_title_is_named() -> None:
    assert states(AnswerType.PERSON, "Rapporten är skriven av professor Torben M. Andersen vid Aarhus universitet.")


def test_from_one_year_to_another_says_how_long() -> None:
    assert states(AnswerType.DURATION, "Strategin sträcker sig från 2023 till 2027 och omfattar 6 miljarder kronor.")
    assert not states(AnswerType.DURATION, "Hon flyttade från 2023 till Stockholm.")


def test_a_number_joined_to_its_unit_or_in_the_definite_plural_says_how_long() -> None:
    assert states(AnswerType.DURATION, "Verksamheten ska kunna upprätthållas i 90-dagar.")
    assert states(AnswerType.DURATION, "Den sökande ska inte ha levt på försörjningsstöd de senaste tre åren.")
    assert not states(AnswerType.DURATION, "De 534 utökade timmarna i lågstadiet ska fördelas mellan ämnen.")
    assert not states(AnswerType.DURATION, "Under 2020-talet ska det ske.")


def test_a_share_joined_to_its_unit_is_a_share() -> None:
    assert states(AnswerType.PERCENT, "Regeringen stödjer förslaget om 90-procents utsläppsminskning till 2040.")
    assert states(AnswerType.PERCENT, "Det blev en 50-procentig ökning.")


def test_a_change_by_a_factor_in_one_word_is_a_quantity() -> None:
    assert states(AnswerType.QUANTITY, "Utredningen bedömer att antalet brottsutvisade kan sexfaldigas.")
    assert states(AnswerType.QUANTITY, "Det innebär en tiofaldig ökning.")


def test_a_so_called_term_is_defined_by_what_it_stands_beside() -> None:
    assert states(AnswerType.DEFINITION, "Ett exempel är lån där amorteringarna ökar, så kallade annuitetslån.")
    assert states(AnswerType.DEFINITION, "Så kallad oaktsam våldtäkt är fall där gärningsmannen varit grovt oaktsam.")


def test_a_sum_in_the_singular_or_in_price_base_amounts_is_money() -> None:
    assert states(AnswerType.MONEY, "Regeringen höjer nu anslagen med nästan 1 miljard för 2023.")
    assert states(AnswerType.MONEY, "Nivån sänks från två prisbasbelopp till ett och ett halvt prisbasbelopp.")
    assert not states(AnswerType.MONEY, "Över 1 miljon personer berörs.")
    assert not states(AnswerType.MONEY, "Prisbasbeloppet räknas om varje år.")


def test_how_many_times_is_a_frequency_but_times_as_large_is_a_ratio() -> None:
    assert states(AnswerType.FREQUENCY, "Han har valts som parlamentsledamot tre gånger under åren 1995–2010.")
    assert states(AnswerType.FREQUENCY, "The council met 12 times last year.")
    assert not states(AnswerType.FREQUENCY, "Kostnaden är två gånger så stor.")
    assert not states(AnswerType.FREQUENCY, "The cost is three times as high.")


def test_whether_an_act_is_lawful_answers_yes_or_no_not_a_trade_named_illegal() -> None:
    assert states(AnswerType.YES_NO, "Samkönade sexuella handlingar är olagliga och straffbara med fängelse.")
    assert states(AnswerType.YES_NO, "Prostitution och sexköp är lagligt för samtyckande vuxna.")
    assert not states(AnswerType.YES_NO, "Målet är att förhindra illegal handel med F-gaser.")
    assert not states(AnswerType.YES_NO, "Människohandel kriminaliserades 2020.")


def test_that_there_is_none_answers_whether_there_is_one() -> None:
    assert states(AnswerType.YES_NO, "Systemet bygger på att det inte är någon priskonkurrens mellan utförarna.")
    assert states(AnswerType.YES_NO, "I dag finns det ingen möjlighet att få ett hus godkänt för hela landet.")
    assert states(AnswerType.YES_NO, "There is no price competition between the providers.")
    assert not states(AnswerType.YES_NO, "Det finns många skäl att bygga fler hus.")


def test_whether_a_view_is_shared_is_answered_by_sharing_it_or_not() -> None:
    assert states(AnswerType.YES_NO, "Regeringen delar inte denna bedömning.")
    assert states(AnswerType.YES_NO, "Regeringen delar revisorernas slutsatser.")
    assert not states(AnswerType.YES_NO, "Kommunen delar ut priset varje år.")


def test_the_municipality_named_in_the_genitive_is_a_body() -> None:
    assert states(AnswerType.BODY, "Det är kommunens ansvar att avgöra om en person är behörig.")


def test_the_government_does_not_answer_which_agency() -> None:
    question = "Vilken myndighet ska följa upp att målen nås?"
    government = "Regeringen har därför beslutat om en förordning om plastbärkassar."
    assert states(AnswerType.BODY, government, besides=question)
    assert not states(AnswerType.BODY, government, besides=f"{question} {besides_for_an_agency(question)}")
    assert states(AnswerType.BODY, "Naturvårdsverket ska kontrollera att förbrukningen minskar.",
                  besides=f"{question} {besides_for_an_agency(question)}")
    assert besides_for_an_agency("Who decides on the budget?") == ""


def test_a_state_body_is_named_by_its_name_or_as_the_one_given_a_task() -> None:
    question = "Vilken myndighet får ge bidrag till projekten?"
    besides = f"{question} {besides_for_an_agency(question)}"
    named = "Förordningen möjliggör för Statens geotekniska institut att ge bidrag till projekten."
    bodies = named_bodies({"d": named}, answer_type=AnswerType.BODY, asked=question)["d"]
    assert "Statens geotekniska institut" in bodies
    assert states(AnswerType.BODY, named, besides=besides, bodies=bodies)
    assert states(AnswerType.BODY, "Regeringen uppdrar åt Trafikanalys att ta fram underlag.", besides=besides)
    assert states(AnswerType.BODY, "Regeringen ger Boverket i uppdrag att utreda frågan.", besides=besides)
    # A name inside a longer word is none: "Sidan" is a page, not Sida.
    page = named_bodies({"d": "Sidan uppdateras varje vecka."}, answer_type=AnswerType.BODY, asked=question)["d"]
    assert "Sida" not in page


def test_a_judge_or_prosecutor_named_by_title_is_a_person() -> None:
    question = "Vem utsågs till särskild utredare?"
    assert states(AnswerType.PERSON, "Till särskild utredare förordnades samma dag hovrättslagmannen Monika Sörbom.",
                  besides=question)
    assert states(AnswerType.PERSON, "Utredare blir riksåklagare Petra Lundh.", besides=question)
    assert not states(AnswerType.PERSON, "Åklagare ska pröva frågan.", besides=question)


def test_half_said_by_the_verb_is_a_share() -> None:
    """"Hur stor del av matmomsen tas bort?" is answered by "Vi halverar matmomsen"."""
    assert states(AnswerType.PERCENT, "Regeringen halverar skatten på livsmedel.")
    assert states(AnswerType.PERCENT, "The fee is halved from next year.")


def test_a_place_may_open_with_an_abbreviation() -> None:
    question = "And where was she posted as ambassador before that?"
    assert states(AnswerType.PLACE, "Hon tillträdde i september efter tre år som ambassadör i DR Kongo.",
                  besides=question)
    assert not states(AnswerType.PLACE, "Hon tillträdde i september efter tre år som ambassadör.", besides=question)


def test_a_titled_name_the_question_names_is_no_one_new() -> None:
    """"Vem efterträdde Erik Slottner som civilminister?" is not answered by "civilminister Erik
    Slottner": the name is the question's, though its title stands after it there."""
    question = "Vem efterträdde Erik Slottner som civilminister?"
    assert not states(AnswerType.PERSON, "Betänkandet överlämnades till civilminister Erik Slottner.", besides=question)
    assert states(AnswerType.PERSON, "Ny civilminister blir Anna Ek, efter Erik Slottner.", besides=question)


def test_what_a_thing_is_needed_for_is_a_reason() -> None:
    """"Varför höjs avgifterna?" is answered by "Höjningen behövs för att …"."""
    assert states(AnswerType.REASON, "Höjningen behövs för att täcka myndighetens kostnader.")
    assert states(AnswerType.REASON, "Uppgifterna krävs för att kommunen ska kunna rapportera till EU.")
    assert states(AnswerType.REASON, "The change is needed to meet the reporting duty.")
    assert not states(AnswerType.REASON, "Det krävs ett tillstånd från nämnden.")


def test_for_att_before_a_subject_is_because() -> None:
    """"Varför får hon priset?" is answered by "… tilldelas priset för att hon har …"."""
    assert states(AnswerType.REASON, "Anna Berg tilldelas priset för att hon under många år har stärkt föreningslivet.")
    assert not states(AnswerType.REASON, "Kommunen anordnar kurser för personal.")


def test_a_share_given_against_another_is_a_share() -> None:
    """"And in the larger towns?" after a share is answered by "… är andelen dubbelt så hög"."""
    assert states(AnswerType.PERCENT, "I storstäderna är andelen dubbelt så hög.")
    assert states(AnswerType.PERCENT, "Among young people the rate is three times as high.")
    assert not states(AnswerType.PERCENT, "Andelen har ökat de senaste åren.")


def test_the_parties_of_the_riksdag_are_bodies() -> None:
    question = "Vilka partier står bakom överenskommelsen?"
    assert states(AnswerType.BODY, "Överenskommelsen har träffats mellan Moderaterna, Centerpartiet och Liberalerna.",
                  besides=question)
    assert not states(AnswerType.BODY, "Överenskommelsen har träffats efter långa förhandlingar.", besides=question)


def test_a_person_named_first_with_a_short_given_name_is_named() -> None:
    assert states(AnswerType.PERSON, "Pia Lind, vd för bolaget, blir ordförande för delegationen.",
                  besides="Vem blir ordförande för delegationen?")


def test_millions_of_a_thing_in_the_plural_are_no_sum() -> None:
    """"över 300 miljoner mätpunkter" counts points; "150 miljoner under 2024" is a sum."""
    assert not states(AnswerType.MONEY, "Verket kan följa över 300 miljoner mätpunkter under en vinter.")
    assert states(AnswerType.MONEY, "Regeringen avsätter 150 miljoner under 2024.")
    assert states(AnswerType.MONEY, "Satsningen omfattar 12 miljoner dollar.")
    assert states(AnswerType.MONEY, "Regeringen tillför 40 miljoner extra till regionerna.")


def test_a_cause_may_follow_an_adverb_after_a_dash_or_open_a_sentence() -> None:
    assert states(AnswerType.REASON, "Personalen låter bli – ibland för att de är rädda för föräldrarna.")
    assert states(AnswerType.REASON, "Ibland för att de själva lever under samma förtryck.")
    assert not states(AnswerType.REASON, "Kommunen arbetar ofta för att stärka skolan.")


def test_a_fee_s_size_states_a_penalty() -> None:
    """"How large is the penalty for …?" is answered by the size of the fee taken out."""
    assert states(AnswerType.PENALTY, "Avgiften ska vara lägst 2 000 kronor och högst 100 000 kronor.")
    assert states(AnswerType.PENALTY, "Den som bryter mot förbudet kan dömas till böter.")
    assert not states(AnswerType.PENALTY, "Avgiften tas ut av kommunen varje år.")


def test_a_committee_named_by_its_kind_is_a_body() -> None:
    question = "Vem tog fram de förslag som propositionen bygger på?"
    assert states(AnswerType.BODY, "Förslagen bygger på de förslag som lämnades av en enig parlamentarisk "
                  "kommitté under våren 2023.", besides=question)
    assert not states(AnswerType.BODY, "förslagen lämnades under våren 2023 och behandlas nu.", besides=question)


def test_proposing_therefore_is_no_cause() -> None:
    question = "Varför vill regeringen dela matematikämnet?"
    assert not states(AnswerType.REASON, "Regeringen föreslår därför att ämnet matematik i gymnasieskolan delas i "
                      "flera mindre ämnen.", besides=question)
    assert states(AnswerType.REASON, "Detta för att undvika att elever väljer bort matematik.", besides=question)
    assert states(AnswerType.REASON, "Ämnet delas därför att eleverna annars väljer bort det.", besides=question)


def test_an_obligation_answers_whether_one_must() -> None:
    question = "Är statliga myndigheter tvungna att svara på remissen?"
    assert states(AnswerType.YES_NO, "Myndigheter under regeringen är skyldiga att svara på remissen.",
                  besides=question)
    assert states(AnswerType.YES_NO, "Agencies are obliged to respond.", besides="Must agencies respond?")
    assert not states(AnswerType.YES_NO, "Remissen skickades till myndigheterna i maj.", besides=question)


def test_how_many_of_them_is_answered_by_a_share_of_them_too() -> None:
    share = "Ungefär 30 procent av medlemmarna arbetar deltid."
    assert states(AnswerType.COUNT, share, besides="Hur många av medlemmarna arbetar deltid?")
    assert not states(AnswerType.COUNT, share, besides="Hur många medlemmar har kassan?")


def test_a_possibility_kept_or_a_requirement_taken_away_answers_whether() -> None:
    assert states(AnswerType.YES_NO, "Det kommer fortsatt att finnas möjlighet för föreningar att söka bidrag.",
                  besides="")
    assert states(AnswerType.YES_NO, "Dagens krav på bygglov för att byta fönster tas bort.", besides="")
    assert states(AnswerType.YES_NO, "The permit requirement will be removed next year.", besides="")
    assert not states(AnswerType.YES_NO, "Föreningarna söker bidrag varje år.", besides="")
    # Only a requirement taken away: a rule removed is no answer to whether one is kept.
    assert not states(AnswerType.YES_NO, "att de särskilda äldrereglerna tas bort,", besides="")


def test_a_fraction_of_another_thing_states_how_large_it_is() -> None:
    assert states(AnswerType.QUANTITY, "Marknaden är en tjugondel av den amerikanska.", besides="")
    assert states(AnswerType.QUANTITY, "The market is one twentieth of the American one.", besides="")
    assert not states(AnswerType.QUANTITY, "Marknaden är en del av den inre marknaden.", besides="")


def test_an_eu_act_named_by_its_name_is_a_reference() -> None:
    assert states(AnswerType.REFERENCE, "Kommissionen föreslår ändringar i direktivet om marknader för finansiella "
                  "instrument och i EU:s prospektförordning.", besides="")
    assert not states(AnswerType.REFERENCE, "Kommissionen föreslår ändringar i reglerna.", besides="")
