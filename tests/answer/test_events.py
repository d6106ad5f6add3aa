"""A time question's event, day and reporting stage: the sentence stating the time must speak of them."""

from __future__ import annotations

from assistant.answer.events import (
    asked_event,
    asks_for_a_day,
    report_stage_differs,
    report_stages,
    speaks_of,
    states_a_day,
)


def test_a_time_question_about_an_event_needs_a_sentence_about_that_event() -> None:
    event = asked_event("When did the changes come into force?")
    assert event == "in_force"
    assert speaks_of(event, "Lagen skall träda i kraft den 1 oktober 2006.")
    assert not speaks_of(event, "Regeringen beslutade den 10 december 2015 om ändringar.")
    assert asked_event("When did the government adopt the strategy?") == "decided"
    assert asked_event("When was the programme written?") is None
    # Where the fact is told is not what the question asks the time of.
    assert asked_event("När skulle utredningen vara klar, enligt ministerns möte med delegationen?") is None
    assert asked_event("When was the plan adopted, according to the meeting notes?") == "decided"
    assert speaks_of("reported", "The report was presented in early 2004.")


def test_a_decision_named_by_its_maker_is_a_decision() -> None:
    event = asked_event("In which year did the Swedish parliament decide that all government decisions should "
                        "contribute to global development?")
    assert event == "decided"
    assert speaks_of(event, "Sverige tog tidigt ställning med ett riksdagsbeslut redan 2003 om att alla "
                            "regeringsbeslut ska bidra till global utveckling.")
    assert not speaks_of(event, "Beslutsfattare träffades 2003.")


def test_a_time_question_about_paying_back_needs_a_sentence_about_paying_back() -> None:
    event = asked_event("And by what date must any unused money be paid back?")
    assert event == asked_event("Senast när ska medel som inte har använts återbetalas?") == "repaid"
    assert speaks_of(event, "Medel som inte har utnyttjats ska återbetalas senast den 31 mars 2014.")
    assert not speaks_of(event, "Myndigheten ska senast den 20 maj 2024 lämna en delredovisning.")


def test_a_time_question_about_opening_needs_a_sentence_about_opening() -> None:
    """"When can the tracks be taken into traffic?" is not answered by the year of the price level."""
    event = asked_event("När beräknas de nya spåren kunna tas i trafik?")
    assert event == asked_event("When will the new line be put into service?") == "in_service"
    assert speaks_of(event, "Planerad drifttagning är årsskiftet 2015/2016.")
    assert speaks_of(event, "Sträckan beräknas öppna för trafik 2030.")
    assert not speaks_of(event, "Kostnaden får inte överskrida 28 070 miljoner kronor i 2021 års prisnivå.")


def test_the_final_and_the_interim_report_are_told_apart() -> None:
    assert report_stage_differs(report_stages("När ska myndigheterna slutredovisa uppdraget?"),
                                "De ska senast den 30 juni 2022 lämna en gemensam delredovisning.")
    assert not report_stage_differs(report_stages("By when is the final report due?"),
                                    "Uppdraget ska delredovisas senast 1 mars och slutredovisas senast 1 maj.")
    assert not report_stage_differs(report_stages("By when must they report?"),
                                    "De ska lämna en delredovisning senast 1 mars.")
    # The assignment reported without a stage is reported once, at its end: no interim report.
    interim = report_stages("När ska utredningen lämna en delredovisning?")
    assert report_stage_differs(interim, "Uppdraget ska redovisas senast den 8 november 2021.")
    assert not report_stage_differs(interim, "Uppdraget ska delredovisas senast den 1 mars 2021.")
    assert not report_stage_differs(report_stages("When is the final report due?"),
                                    "Uppdraget ska redovisas senast den 8 november 2021.")


def test_a_question_for_a_date_to_the_day_is_not_answered_by_a_year() -> None:
    assert asks_for_a_day("Vilket datum överlämnade ambassadörerna sina kreditivbrev?")
    assert asks_for_a_day("On which date did they hand over their letters?")
    assert not asks_for_a_day("When was the policy adopted?") and not asks_for_a_day("Vilket år antogs den?")
    assert states_a_day("överlämnade torsdagen den 15 oktober 2015") and states_a_day("antogs 2017-05-30")
    assert not states_a_day("2008 - 2012 Ambassadör i Moskva")


def test_an_evaluation_is_an_event_of_its_own() -> None:
    """"Senast när ska utvärderingen vara klar?" is not answered by the date the law enters into force."""
    assert asked_event("Senast när ska utvärderingen av insatserna vara klar?") == "evaluated"
    assert not speaks_of("evaluated", "Lagen ska träda i kraft den 1 januari 2019.")
    assert speaks_of("evaluated", "Utvärderingen ska redovisas senast den 1 mars 2021.")
    assert asked_event("When will the evaluation report be submitted?") == "reported"


def test_a_consultation_s_answers_coming_in_is_their_submission() -> None:
    """"Remissvaren ska ha kommit in … senast den 1 mars": the way every referral states its deadline."""
    question = "By when must responses to the consultation be submitted?"
    assert asked_event(question) == "reported"
    due = "Remissvaren ska ha kommit in till Näringsdepartementet senast tisdagen den 1 mars 2016."
    assert speaks_of("reported", due)
    # … as "inkomna", and as the last day to answer the referral.
    assert speaks_of("reported", "Remissvaren ska vara inkomna till Näringsdepartementet senast den 12 februari 2016.")
    assert speaks_of("reported", "Sista dag att svara på remissen är den 12 februari 2016.")


def test_drawing_an_assignment_s_funds_is_not_reporting_on_it() -> None:
    """An assignment's funds are requisitioned by one date and its report is due by another."""
    for question in ("Senast när måste länsstyrelsen rekvirera medlen?",
                     "By when must the agency submit its request for the funds?"):
        assert asked_event(question) == "requisitioned"
    drawn = "Rekvisition av medlen ska lämnas till Kammarkollegiet senast den 1 oktober 2024."
    due = "Uppdraget ska redovisas till Regeringskansliet senast den 31 mars 2025."
    assert speaks_of("requisitioned", drawn) and not speaks_of("requisitioned", due)
    assert speaks_of("reported", due) and not speaks_of("reported", drawn)


def test_a_plan_laid_before_or_announced_was_presented() -> None:
    assert speaks_of("reported", "Den 26 februari meddelade kommissionen en handlingsplan för energi.")
    assert speaks_of("reported", "Regeringen lade fram propositionen i mars.")


def test_from_when_a_rule_applies_is_when_it_comes_into_force() -> None:
    assert asked_event("Från när gäller den utvidgade vab-rätten?") == "in_force"
    assert asked_event("From when does the extended right apply?") == "in_force"
    assert speaks_of("in_force", "Lagändringarna föreslås träda i kraft den 1 januari 2026.")
    assert asked_event("And from when do the tougher entry requirements apply?") == "in_force"
    assert speaks_of("in_force", "Bestämmelserna om skärpta antagningskrav ska börja tillämpas inför hösten 2027.")


def test_closing_down_is_an_end_and_an_introduction_is_coming_into_force() -> None:
    assert asked_event("On what date is the agency supposed to close down?") == "ended"
    assert speaks_of("ended", "Uppdraget ska förberedas så att myndigheten kan upp-höra den 31 december 2026.")
    assert asked_event("Which years is the money for work against violence in close relationships?") is None
    assert asked_event("När ska myndigheten avvecklas?") == "ended"
    assert asked_event("Senast när ska Trafikanalys redovisa avvecklingsuppdraget?") == "reported"
    assert speaks_of("in_force", "Ambitionen är att införandet av fritidskortet kan ske i början av 2024.")


def test_a_start_is_an_event_of_its_own() -> None:
    """"När startar konferensen?" is not answered by the year the first one was held."""
    assert asked_event("När startar FN:s havskonferens i Nice?") == "began"
    assert speaks_of("began", "Konferensen samlar världens länder i Nice och inleds den 9 juni.")
    assert not speaks_of("began", "Den första konferensen ägde rum i New York 2017.")
    # A post is taken up ("tillträde") when the work starts.
    assert speaks_of("began", "Tillträde snarast möjligt dock senast 1 maj 2016.")
    # "börjar … att gälla" is coming into force, however many words stand between.
    assert asked_event("När börjar de ändrade reglerna om miljöledning att gälla?") == "in_force"


def test_an_op_ed_came_out_where_the_page_says_it_was_written() -> None:
    assert speaks_of("published", "Det skriver statsministern i en debattartikel i Svenska Dagbladet den 9 november.")


def test_an_appointment_is_not_answered_by_a_report_s_deadline() -> None:
    assert asked_event("By when is the inquiry to be appointed?") == "appointed"
    assert asked_event("När ska utredaren tillsättas?") == "appointed"
    assert not speaks_of("appointed", "Uppdraget ska slutredovisas senast den 15 juni 2026.")
    assert speaks_of("appointed", "En särskild utredare ska tillsättas under hösten 2025.")


def test_an_organisation_set_up_or_founded_speaks_of_its_founding() -> None:
    assert asked_event("När bildades partnerskapet?") == "founded"
    assert asked_event("When was the partnership founded?") == "founded"
    assert speaks_of("founded", "NDPHS är en internationell organisation som bildades 2003.")
    assert speaks_of("appointed", "NDPHS är en internationell organisation som bildades 2003.")  # "set up"
    assert not speaks_of("founded", "Partnerskapets ministermöte hölls i Stockholm 2024.")


def test_a_treaty_to_be_adopted_speaks_of_its_adoption() -> None:
    assert asked_event("When is the treaty expected to be adopted?") == "decided"
    assert speaks_of("decided", "Konventionen väntas antas formellt i FN i juni 2026.")


def test_coming_out_in_print_or_being_promulgated_is_publishing() -> None:
    assert speaks_of("published", "Författningarna kommer ut från trycket i Svensk författningssamling.")
    assert speaks_of("published", "Förordningen ska kungöras i myndighetens författningssamling.")


def test_coming_into_force_may_be_asked_with_words_between_or_as_from_when_it_applies() -> None:
    assert asked_event("När träder ändringarna som följer av propositionen om vattenkraft i kraft?") == "in_force"
    assert asked_event("Från och med vilket datum gäller de nya reglerna?") == "in_force"


def test_a_legal_act_is_named_by_the_day_it_was_adopted() -> None:
    assert speaks_of("decided", "Rådets direktiv 2001/42/EG av den 27 juni 2001 om miljöbedömning")


def test_a_signing_and_a_start_from_a_year_are_events_of_their_own() -> None:
    assert asked_event("När ska avtalet skrivas under?") == "signed"
    assert speaks_of("signed", "Avtalet ska undertecknas i mitten av juni.")
    assert not speaks_of("signed", "Förhandlingarna inleddes under våren.")
    assert asked_event("Från och med vilket år ska myndigheten vara förvaltande myndighet?") == "began"
    assert speaks_of("began", "Myndigheten ska fr.o.m. 2027 vara förvaltande myndighet.")
    # "A law from which year?" asks when it was made, not when something began.
    assert asked_event("The act is based on a law from which year?") is None


def test_a_byline_dates_an_op_ed_and_a_prize_presented_is_awarded() -> None:
    assert speaks_of("published", "Debattartikel av klimatministern, Dagens Industri, den 30 december 2025.")
    assert asked_event("On what date was the 2025 prize presented?") == "awarded"
    assert speaks_of("awarded", "Tal av kulturministern vid utdelning av priset den 15 maj 2025.")
    assert asked_event("When must the agency present its report?") == "reported"


def test_an_inquiry_laying_proposals_presents_them() -> None:
    assert speaks_of("reported", "En utredning ska i maj lägga förslag om bättre etablering.")


def test_when_rules_begin_to_apply_asks_when_they_come_into_force_however_long_their_name() -> None:
    assert asked_event("När börjar de nya reglerna i lagen om hållbarhetskriterier för biodrivmedel och flytande "
                       "biobränslen att gälla?") == "in_force"


def test_a_birth_is_an_event_of_its_own_and_an_order_is_founded_when_it_is_instituted() -> None:
    assert asked_event("Vilket år är Greklands nya ambassadör född?") == "born"
    assert speaks_of("born", "är född 1962 och har examina i juridik.")
    assert not speaks_of("born", "2011 – 2016 Andreman, Greklands ambassad i Berlin, Tyskland.")
    assert asked_event("And the Order of Vasa – when was that one established?") == "founded"
    assert speaks_of("founded", "Kungl. Vasaorden instiftades år 1772 som belöning för förtjänster.")


def test_beside_an_interim_report_the_assignment_reported_without_a_prefix_is_the_final_one() -> None:
    sentence = ("Uppdraget ska redovisas till regeringen senast den 15 maj 2021, med delredovisning "
                "senast den 31 mars 2021.")
    assert report_stages(sentence) == {"final", "interim"}
    assert not report_stage_differs(report_stages("When is the final report due?"), sentence)
    assert report_stages("Myndigheten ska lämna en delredovisning senast den 1 mars.") == {"interim"}
    # The report named as a noun, "en redovisning", is the whole assignment's too.
    noun = ("En redovisning av hur arbetet har genomförts ska lämnas senast den 6 december 2024 med en "
            "delredovisning senast den 31 maj 2024.")
    assert not report_stage_differs(report_stages("När ska slutredovisningen lämnas?"), noun)


def test_until_when_something_runs_is_answered_by_when_it_ends_not_by_a_report_s_date() -> None:
    event = asked_event("Until what date will the pilot with supplementary teacher education run?")
    assert event == "lasts"
    assert speaks_of(event, "Försöksverksamheten ska startas upp under 2022 och pågå till och med den 31 januari 2028.")
    assert speaks_of(event, "E-hälsomyndigheten ska förvalta systemet till den 30 juni 2023.")
    assert not speaks_of(event, "Delredovisningen ska ha inkommit till Regeringskansliet senast den 1 november 2024.")
    # "Till när?" beside a target, or a report, asks when it is due.
    assert asked_event("Till när ska rapporten lämnas?") == "reported"
    assert asked_event("Vad är målet för antalet nya polisanställda och till när?") is None


def test_closed_youth_care_is_no_closed_deal() -> None:
    question = "By what date must the agency deliver its final report on the phase-out of closed youth care?"
    assert asked_event(question) == "reported"
    assert asked_event("When was the deal closed?") == "decided"


def test_a_visit_is_answered_by_the_trip_not_by_a_meeting_hosted_at_home() -> None:
    event = asked_event("On which days did the minister visit Ukraine?")
    assert event == "visited"
    assert speaks_of(event, "Ministern reste till Ukraina den 26–27 april.")
    assert speaks_of(event, "Kungaparet avlägger statsbesök i Kanada 18–20 november.")
    assert not speaks_of(event, "Ministrarna möttes i Stockholm den 7–8 maj.")
    # Travel as a noun is not a visit: the advice against it was lifted.
    assert asked_event("From what date was the advice against non-essential travel lifted?") != "visited"


def test_until_when_something_was_extended_is_answered_by_the_extension() -> None:
    event = asked_event("Until when was the inquiry period extended?")
    assert event == "extended"
    assert speaks_of(event, "Genom tilläggsdirektiv förlängdes utredningstiden till den 1 juni 2021.")
    assert speaks_of(event, "The partners agreed on an extension of the programme until 2021.")
    assert not speaks_of(event, "Sekreteraren var anställd t.o.m. den 30 april 2021.")


def test_a_ban_and_a_take_over_are_events_of_their_own() -> None:
    banned = asked_event("Från vilket år ska F-gaser förbjudas i nya värmepumpar?")
    assert banned == "banned"
    assert speaks_of(banned, "Förbudet mot F-gaser i nya värmepumpar gäller från 2027.")
    assert not speaks_of(banned, "Kvoterna ska minska med 95 procent till 2030.")
    taken_over = asked_event("In which year is the agency to take over the maintenance?")
    assert taken_over == "taken_over"
    assert speaks_of(taken_over, "Underhållet ska överföras till Trafikverket 2027.")
    assert not speaks_of(taken_over, "Uppdraget ska i stället redovisas senast den 31 december 2019.")


def test_joining_is_answered_by_when_a_country_joined_not_by_an_act_coming_into_force() -> None:
    event = asked_event("On what date did Sweden formally join the European Public Prosecutor's Office?")
    assert event == "joined"
    assert speaks_of(event, "Sverige anslöt sig till Europeiska åklagarmyndigheten den 1 januari 2025.")
    assert speaks_of(event, "Finland blev medlem i Nato den 4 april 2023.")
    assert not speaks_of(event, "Den delegerade akten trädde i kraft den 1 januari 2023.")
    # Invited to become a member is not having become one.
    assert asked_event("När blev Sverige inbjudet att bli medlem i Nato?") == "invited"


def test_a_capacity_to_decide_is_no_decision() -> None:
    """"personer med nedsatt beslutsförmåga" names a group of people; the question asks when the
    inquiry is done, and "Uppdraget ska redovisas senast den 1 april 2025" answers it."""
    assert asked_event("Senast när ska utredningen om personer med nedsatt beslutsförmåga vara klar?") is None
    assert asked_event("När fattades beslutet om utredningen?") == "decided"
    assert asked_event("When was the decision-making body set up?") != "decided"


def test_a_meeting_and_a_start_are_told_in_the_present_and_with_the_subject_after_the_verb() -> None:
    met = asked_event("Where and on what date did the EU Competitiveness Council meet?")
    assert met == "met" and speaks_of(met, "EU:s ministerråd för konkurrenskraft möts i Bryssel den 28 november.")
    began = asked_event("Employments starting after which date would be covered?")
    assert began == "began" and speaks_of(began, "Utvidgningen föreslås tillämpas på anställningar som påbörjas "
                                                 "efter den 30 april 2024.")
    taken_over = asked_event("When does Sweden take over the presidency of the Council of the EU?")
    assert speaks_of(taken_over, "Den 1 januari tar Sverige över ordförandeskapet i EU:s ministerråd.")


def test_a_source_named_before_a_comma_hides_only_itself() -> None:
    """"According to the minister's speech, on what date did Sweden join NATO?" asks when it joined."""
    assert asked_event("According to the defence minister's speech in Manila, on what date did Sweden join NATO?") \
        == "joined"
    assert asked_event("When was it decided, according to the press release published in May?") == "decided"


def test_coming_back_with_figures_is_reporting() -> None:
    assert asked_event("Senast vilket datum ska Trafikverket komma in med kompletterande uppgifter?") == "reported"
    assert speaks_of("reported", "Trafikverket ska återkomma senast den 19 maj med kompletterande uppgifter.")


def test_when_a_thing_expires_is_when_it_ends() -> None:
    event = asked_event("When does the temporary tax exemption for charging at the workplace expire?")
    assert event == "ended"
    assert speaks_of(event, "Den tillfälliga skattefriheten upphör att gälla den 1 juli 2026.")
    assert speaks_of(event, "Avtalet löper ut den 31 december 2025.")
    assert not speaks_of(event, "Elektrifiering av transportsektorn: Förlängning av stöd\n2027: 700\n2028: 800")


def test_an_inquiry_reports_in_a_delbetankande_and_a_slutbetankande() -> None:
    asked = report_stages("När ska utredaren lämna ett delbetänkande?")
    assert asked == {"interim"}
    assert report_stage_differs(asked, "Uppdraget ska redovisas senast den 15 augusti 2026.")
    assert report_stages("Utredningen ska lämna sitt slutbetänkande senast den 1 mars 2027.") == {"final"}


def test_a_law_beginning_to_apply_is_asked_with_a_hyphenated_name_between() -> None:
    assert asked_event("När börjar de nya f-gasförordningarna gälla för reglerna om certifiering?") == "in_force"


def test_rules_applied_from_a_day_come_into_force_then() -> None:
    question = "Från vilket datum är det tänkt att reglerna ska tillämpas?"
    assert asked_event(question) == "in_force"
    assert speaks_of("in_force", "Reglerna ska vara införda den 31 december 2025 och tillämpas från 1 januari 2026.")
    assert asked_event("Sedan när gäller lagen?") == "in_force"


def test_a_thing_started_was_founded_and_one_utsåg_was_appointed() -> None:
    assert asked_event("Which universities founded the laboratory, and in what year?") == "founded"
    assert speaks_of("founded", "Laboratoriet startades 2010 gemensamt av fyra universitet.")
    assert asked_event("Who was appointed the first cyber ambassador, and in which year?") == "appointed"
    assert speaks_of("appointed", "Regeringen utsåg 2023 Sveriges första cybersändebud.")


def test_the_last_day_to_apply_asks_when_applications_closed_not_when_the_visit_was() -> None:
    question = "What was the last day for journalists to apply for accreditation to cover the state visit?"
    assert asked_event(question) == "applied"
    assert speaks_of("applied", "Sista dag att ansöka om ackreditering var torsdagen den 6 oktober 2022.")
    assert not speaks_of("applied", "Statsbesöket äger rum den 11–12 oktober 2022.")


def test_leaving_a_convention_is_withdrawing_not_handing_something_in() -> None:
    assert asked_event("Vilket år lämnade Turkiet Istanbulkonventionen?") == "withdrew"
    assert asked_event("When did the UK leave the EU?") == "withdrew"
    assert asked_event("När ska myndigheten lämna en redovisning av uppdraget?") == "reported"
    assert asked_event("When can parental leave be taken?") is None
    assert speaks_of("withdrew", "2021 frånträdde Turkiet Europarådets konvention om våld mot kvinnor.")
    assert not speaks_of("withdrew", "2019 presenterade regeringen en handlingsplan för reformer.")


def test_registering_beforehand_is_applying_but_a_registration_office_is_a_name() -> None:
    assert asked_event("What is the deadline for journalists to pre-register for the press conference?") == "applied"
    assert speaks_of("applied", "Föranmälan till pressträffen görs senast den 15 september kl. 17.00.")
    assert asked_event("By what year should the Companies Registration Office's new system be ready?") is None


def test_an_appointment_naming_who_is_meant_is_not_the_event_asked_about() -> None:
    """"the newly appointed ambassador" says who; the question asks when he was born."""
    assert asked_event("In what year was Serbia's newly appointed ambassador born?") == "born"
    assert asked_event("When was the ambassador appointed?") == "appointed"


def test_since_when_asks_since_when_a_state_has_lasted() -> None:
    question = "Sedan när har Helén Ängmo varit generaldirektör för Skolinspektionen?"
    assert asked_event(question) == "since"
    assert speaks_of("since", "Hon har sedan februari 2016 varit generaldirektör för Skolinspektionen.")
    assert not speaks_of("since", "Hon fortsätter tills den nya generaldirektören börjar den 1 april 2025.")
    assert asked_event("Since when has Sweden been a member of the council?") == "since"
    # "Sedan när gäller lagen?" asks when it entered into force.
    assert asked_event("Sedan när gäller lagen?") == "in_force"
    # (A year asked for is preferred "since", whatever the text's words: "incorporated into
    # Swedish law since 2020".)
    assert asked_event("Sedan vilket år gäller barnkonventionen som svensk lag?") == "since"


def test_what_a_report_is_on_is_its_topic_not_the_event_asked_about() -> None:
    """"approval" is what the report is on; the time asked is the report's."""
    assert asked_event("By what date must the housing agency report back on type approval of houses?") == "reported"
    assert asked_event("När ska myndigheten rapportera om godkännandet?") == "reported"
    assert asked_event("When was the type approval decided?") == "decided"


def test_entering_into_force_may_be_written_ikraft_in_one_word() -> None:
    assert speaks_of("in_force", "Lagen föreslås träda ikraft den 1 januari 2009.")


def test_a_period_between_two_days_begins_on_the_first() -> None:
    assert speaks_of("began", "Stängningsperioden ska ligga mellan 15 september och 15 mars.")
    assert speaks_of("began", "The closure runs between September 15 and March 15.")
    assert not speaks_of("began", "Skillnaden mellan regionerna är stor.")


def test_a_meeting_convened_is_a_meeting_and_so_is_the_invitation_to_it() -> None:
    event = asked_event("On what date did the minister convene the informal industry council on venture capital?")
    assert event == "met"
    assert speaks_of(event, "Den 15 december bjöd finansmarknadsminister Niklas Wykman in till ett informellt "
                            "branschråd med representanter från riskkapitalsektorn.")
    assert not speaks_of(event, "Det första branschrådet handlade om kapitalmarknadsunionen och ägde rum den 15 "
                                "november.")


def test_an_investigator_given_the_task_is_an_inquiry_appointed() -> None:
    event = asked_event("When did the government appoint a special investigator to review the act?")
    assert event == "appointed"
    assert speaks_of(event, "Den 22 maj 2024 gav regeringen en särskild utredare i uppdrag att se över lagen.")
    assert not speaks_of(event, "Den 20 december 2024 gav regeringen ett tilläggsdirektiv till utredningen.")


def test_an_evaluation_report_named_is_not_the_event_asked_about() -> None:
    assert asked_event("Fram till vilket år kunde IPCC ta hänsyn till forskning i sin fjärde utvärderingsrapport?") \
        is None
    assert asked_event("När ska programmet utvärderas?") == "evaluated"


def test_a_clause_dating_the_thing_meant_is_not_the_event_asked_about() -> None:
    assert asked_event("När väntades författningarna som beslutades den 4 juni 2015 komma ut i SFS?") == "published"
    assert asked_event("När beslutades förordningen?") == "decided"


def test_a_postponement_is_answered_by_the_day_it_is_put_off_to() -> None:
    event = asked_event("Till vilket datum skjuts höjningen av åldersgränsen till 67 år upp?")
    assert event == "postponed"
    assert speaks_of(event, "Ikraftträdandet av en höjd åldersgräns senareläggs med ett år till den 1 januari 2027.")
    assert not speaks_of(event, "Åldersgränsen höjdes den 1 januari 2023.")
    assert asked_event("When was the entry into force postponed to?") == "postponed"
    assert asked_event("When is the summit, postponed because of the pandemic, due to take place?") != "postponed"


def test_a_body_dissolved_is_an_end_and_a_day_of_a_period_asks_for_no_calendar_day() -> None:
    assert asked_event("When was the Palestinian Legislative Council dissolved?") == "ended"
    assert asked_event("När upplöstes församlingen?") == "ended"
    assert not asks_for_a_day("From which day of sick leave could an employer ask for a doctor's certificate?")
    assert asks_for_a_day("On which day were the ordinances published?")


def test_an_event_dating_the_time_asked_against_it_is_not_the_event_asked_about() -> None:
    assert asked_event("What was the first deadline for the review before it was extended?") is None
    assert asked_event("När skulle rapporten lämnas innan den förlängdes?") == "reported"
    assert asked_event("When was the plan adopted?") == "decided"


def test_a_prize_handed_out_in_any_tense_is_the_awarding() -> None:
    assert asked_event("När ska priset delas ut?") == "awarded"
    for text in ("Priset delas ut vid en middag i Stockholm i maj.", "Medaljerna delades ut i slottet.",
                 "Kungen delar ut priserna."):
        assert speaks_of("awarded", text), text


def test_a_signing_is_named_by_the_swedish_loan_word_too() -> None:
    assert asked_event("On what date did Sweden sign the accords?") == "signed"
    assert speaks_of("signed", "Talet hölls vid signeringen av avtalet den 16 april 2024.")
    assert speaks_of("signed", "Statsministern signerade ett nytt strategiskt partnerskap.")
    assert not speaks_of("signed", "Skylten visar vägen till signalen.")
