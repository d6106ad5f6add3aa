"""The role a who-question asks about beyond its kind of fact, and the sentences that give it."""

from __future__ import annotations

import pytest

from assistant.answer.answer_type import AnswerType
from assistant.answer.asked_kind import asked_type
from assistant.answer.relations import (
    Relation,
    asked_relation,
    asks_who_succeeded,
    done_by,
    gives,
    names_as_successor,
    names_whom_given,
)


@pytest.mark.parametrize(("question", "relation"), [
    ("Vilken myndighet fick i uppdrag att hjälpa till att arrangera forumet?", Relation.TASKED),
    ("Vem har fått uppdraget att samordna arbetet?", Relation.TASKED),
    ("Which university was tasked with helping implement the strategy?", Relation.TASKED),
    ("Who has been commissioned to review the pension protection?", Relation.TASKED),
    ("Vilka ska Migrationsverket samråda med när det tar fram förslaget?", Relation.PARTNER),
    ("Which organisations should the Medical Products Agency cooperate with?", Relation.PARTNER),
    ("And which agency do they have to consult?", Relation.PARTNER),
    ("Och vilka är det främst tänkt ska söka stödet?", Relation.RECIPIENT),
    ("Who can receive that money?", Relation.RECIPIENT),
    ("Vem riktar sig programmet till?", Relation.RECIPIENT),
    ("Vilken aktör ska få pengar via Jordbruksverket för att samordna innovation?", Relation.RECIPIENT),
    ("Which company is to receive a grant through the Swedish Board of Agriculture?", Relation.RECIPIENT),
    ("Who took over after the ambassador when she left?", Relation.SUCCESSOR),
    ("Vem efterträder generaldirektören?", Relation.SUCCESSOR),
    ("Vem finansierar projektet?", Relation.FUNDER),
    ("Who pays for the new helpline?", Relation.FUNDER),
    ("Vem utser ledamöterna i rådet?", Relation.APPOINTER),
    ("Who appoints the members of the council?", Relation.APPOINTER),
    ("Till vem ska uppdraget redovisas?", Relation.REPORTS_TO),
    ("Which agency must the board report to?", Relation.REPORTS_TO),
    # Who answers for something is a responsibility, not one of these roles.
    ("Vem leder arbetet med hälsoprogrammet?", None),
    ("Who is responsible for following up the integration policy?", None),
    # Which bodies one works with are partners; what one works with is not.
    ("Which outside organisations does the municipality want to work with?", Relation.PARTNER),
    ("Which two agencies should the Gender Equality Agency work with?", Relation.PARTNER),
    ("What does the unit work with?", None),
    ("Vad innebär uppdraget?", None),
])
def test_a_question_names_the_role_it_asks_about(question: str, relation: Relation | None) -> None:
    assert asked_relation(question) is relation


@pytest.mark.parametrize(("relation", "text", "expected"), [
    (Relation.TASKED, "Regeringen uppdrar åt Tillväxtverket att bistå med att förbereda forumet.", True),
    (Relation.TASKED, "De sex myndigheterna som har fått uppdrag av regeringen är MSB och PTS.", True),
    (Relation.PARTNER, "Uppdraget ska genomföras i samråd med Arbetsförmedlingen och länsstyrelserna.", True),
    (Relation.PARTNER, "Läkemedelsverket ska vid behov samverka med SBU.", True),
    (Relation.RECIPIENT, "Främsta tänkta mottagare är kommuner och kommunala va-bolag.", True),
    (Relation.RECIPIENT, "Stödet kan sökas av ideella föreningar.", True),
    (Relation.RECIPIENT, "Jordbruksverket ska under 2025 utbetala medel till RISE för arbetet.", True),
    (Relation.RECIPIENT, "Verket ska förmedla bidrag till V.S. Visit Sweden AB.", True),
    (Relation.RECIPIENT, "Jordbruksverket ska bistå med kunskap till Tillväxtverket.", False),
    (Relation.SUCCESSOR, "Detta blir frågor som min efterträdare, Lars Danielsson, får följa upp.", True),
    (Relation.SUCCESSOR, "I maj lämnar chefen över uppdraget som rektor till sin efterföljare Eva Berg.", True),
    (Relation.SUCCESSOR, "The director handed over the post to Anna Lind in March.", True),
    (Relation.SUCCESSOR, "Rektorn lämnade rapporten till nämnden.", False),
    # A thing replaced by another names no successor.
    (Relation.SUCCESSOR, "Vi behöver utmönstra principen om heder och samvete och ersätta den med nya instrument.",
     False),
    (Relation.SUCCESSOR, "I mars ersätter Anna Lind honom som generaldirektör.", True),
    (Relation.FUNDER, "Projektet finansieras av Vinnova.", True),
    (Relation.APPOINTER, "Ledamöterna utses av regeringen.", True),
    (Relation.REPORTS_TO, "Uppdraget ska redovisas till Regeringskansliet senast den 1 mars 2025.", True),
    (Relation.PARTNER, "Regeringen ger Migrationsverket i uppdrag att föreslå nya länstal.", False),
    (Relation.RECIPIENT, "Socialstyrelsen ska följa upp arbetet.", False),
    (Relation.REPORTS_TO, "Kommunstyrelsen ansvarar för uppföljningen.", False),
])
def test_a_sentence_gives_the_role_by_its_own_words(relation: Relation, text: str, expected: bool) -> None:
    assert gives(relation, text) is expected


@pytest.mark.parametrize(("question", "relation", "sentence"), [
    ("Which minister is quoted about electric aviation?", Relation.SPEAKER,
     "Elflyg kan öka tillgängligheten, säger infrastrukturminister Anna Ek."),
    ("Vilken myndighet ska få lämna synpunkter på förslagen?", Relation.PARTNER,
     "Socialstyrelsen ska ta in synpunkter från Universitetskanslersämbetet och regionerna."),
    ("Which broadcasters must be asked for their views?", Relation.PARTNER,
     "Sveriges Radio AB ska beredas möjlighet att lämna synpunkter."),
    ("Till vilket departement ska myndigheten lämna sin slutredovisning?", Relation.REPORTS_TO,
     "Uppdraget ska redovisas till Regeringskansliet (Infrastrukturdepartementet) senast den 31 oktober 2026."),
])
def test_who_is_quoted_whose_views_are_sought_and_to_which_ministry_a_report_goes(
        question: str, relation: Relation, sentence: str) -> None:
    assert asked_relation(question) is relation
    assert gives(relation, sentence)
    assert not gives(relation, "Regeringen har beslutat om förordningsändringar.")


def test_proposing_how_is_not_reporting_to_someone() -> None:
    assert not gives(Relation.REPORTS_TO, "Myndigheten ska lämna förslag till hur reglerna kan ändras.")
    assert gives(Relation.REPORTS_TO, "Myndigheten ska lämna en slutrapport till Regeringskansliet.")


def test_others_said_to_say_something_are_no_one_quoted() -> None:
    assert not gives(Relation.SPEAKER, "Jag har mött många som säger att säkerheten brister.")
    assert gives(Relation.SPEAKER, "Det är allvarligt, säger socialminister Anna Ek.")


def test_where_one_applies_is_asked_apart_from_who_may_apply() -> None:
    assert asked_relation("Which agency should people apply to for the job bonus?") is Relation.APPLIED_TO
    assert asked_relation("Hos vilken myndighet ansöker man om bidraget?") is Relation.APPLIED_TO
    assert asked_relation("Who can apply for the grant?") is Relation.RECIPIENT
    assert gives(Relation.APPLIED_TO, "Ansökan om jobbpremie lämnas till Försäkringskassan.")
    assert gives(Relation.APPLIED_TO, "Stödet söks hos Boverket.")
    assert not gives(Relation.APPLIED_TO, "Med en tillfällig jobbpremie ökar incitamenten att arbeta.")


def test_whom_an_incident_is_notified_to_is_whom_it_is_reported_to() -> None:
    question = "Under the bill, who must procurement organisations notify about serious adverse reactions?"
    assert asked_relation(question) is Relation.REPORTS_TO
    assert asked_relation("Till vem ska en allvarlig biverkning anmälas?") is Relation.REPORTS_TO
    assert gives(Relation.REPORTS_TO, "Organisationerna ska anmäla misstänkta allvarliga biverkningar och "
                                      "avvikande händelser till berörd vävnadsinrättning.")


def test_who_is_to_receive_the_money_asks_for_its_recipients() -> None:
    assert asked_relation("Vilka aktörer är i första hand tänkta att ta emot medlen?") is Relation.RECIPIENT
    assert asked_relation("Who are the intended recipients of the grant?") is Relation.RECIPIENT
    assert gives(Relation.RECIPIENT, "Stödmottagare ska i första hand vara länsstyrelserna.")


def test_who_was_appointed_to_lead_an_inquiry_asks_for_the_appointment() -> None:
    """"Who has been appointed to head the inquiry?" is answered by "… utser Åsa Hansson … till
    utredare", not by the minister quoted in the same press release."""
    for question in ("Who has been appointed to head the new government inquiry on the birth rate?",
                     "Who is leading the inquiry on new rules for a social services register?",
                     "Vem har utsetts att leda utredningen?"):
        assert asked_relation(question) is Relation.APPOINTED
    assert asked_relation("Who appointed the members?") is Relation.APPOINTER
    assert gives(Relation.APPOINTED, "Regeringskansliet utser Åsa Hansson, docent i nationalekonomi, till utredare.")
    assert not gives(Relation.APPOINTED, "Med den här utredningen vill vi skapa ökad kunskap, säger ministern.")


def test_whom_one_must_inform_is_whom_one_reports_to_and_a_long_question_still_names_the_ministry() -> None:
    assert asked_relation("Vem ska myndigheten genast informera när en anställd stängs av?") is Relation.REPORTS_TO
    assert gives(Relation.REPORTS_TO, "Myndigheten ska genast underrätta den lokala fackliga organisationen.")
    assert asked_relation("Till vilket departement ska förslaget om det digitala strategiska programmet "
                          "redovisas?") is Relation.REPORTS_TO


def test_cooperation_towards_other_actors_names_partners() -> None:
    assert gives(Relation.PARTNER, "Vikten av samverkan gäller även gentemot olika aktörer såsom Region Skåne.")


def test_who_must_approve_is_answered_by_whom_it_is_approved() -> None:
    assert asked_relation("Who has to approve any transfer of arms from Iran?") is Relation.APPROVER
    assert asked_relation("Vem ska godkänna planen?") is Relation.APPROVER
    assert gives(Relation.APPROVER, "Överföring av vapen måste alltid godkännas av säkerhetsrådet i varje fall.")
    assert not gives(Relation.APPROVER, "Sverige uppmanar regeringen att bemöta uppgifterna.")


def test_who_coordinates_is_asked_apart_from_whom_one_coordinates_with() -> None:
    assert asked_relation("Vilket lärosäte ansvarar för att samordna klimatutbildningarna?") is Relation.COORDINATOR
    assert asked_relation("Which research council is responsible for coordinating the evaluations?") \
        is Relation.COORDINATOR
    assert asked_relation("Vem ska myndigheten samordna sitt arbete med?") is not Relation.COORDINATOR
    assert gives(Relation.COORDINATOR, "Formas ska samordna uppdraget.")
    assert not gives(Relation.COORDINATOR, "Regeringen ger tre lärosäten i uppdrag att erbjuda ett samordnat utbud.")


def test_a_body_given_a_task_in_uppgift_is_tasked() -> None:
    assert gives(Relation.TASKED, "Ekonomistyrningsverket ges i uppgift att följa upp stödet.")


def test_whom_support_may_be_given_names_the_recipients_though_no_body_by_name() -> None:
    assert asked_relation("Vilka kan till exempel få stöd för laddpunkter enligt den nya förordningen?") \
        is Relation.RECIPIENT
    assert names_whom_given("Stöd kan ges till bl.a. bostadsrättsföreningar och arbetsgivare.")
    assert not names_whom_given("Stöd kan inte ges till informationsinsatser.")
    # A report is handed in, not given.
    assert not names_whom_given("En slutredovisning ska lämnas till Regeringskansliet senast den 30 september.")
    assert not gives(Relation.RECIPIENT, "En slutredovisning ska lämnas till Regeringskansliet.")


def test_who_took_the_initiative_is_answered_by_the_one_who_did() -> None:
    assert asked_relation("Och vem tog initiativet till mötet?") is Relation.INITIATOR
    assert asked_relation("On whose initiative was the summit called?") is Relation.INITIATOR
    assert gives(Relation.INITIATOR, "FN:s generalsekreterare har tagit initiativ till ett toppmöte.")
    assert not gives(Relation.INITIATOR, "Mötet planeras att äga rum i New York i september.")


def test_a_person_given_an_inquiry_is_appointed_to_it() -> None:
    assert asked_relation("Who has been appointed to look into schooling in prisons?") is Relation.APPOINTED
    assert gives(Relation.APPOINTED, "Regeringen har beslutat att ge lagmannen Anna Ek i uppdrag att utreda frågan.")
    assert not gives(Relation.APPOINTED, "Utbildning minskar risken för återfall, säger justitieministern.")


def test_who_decides_is_answered_by_the_one_something_is_set_by() -> None:
    assert asked_relation("Vem ska bestämma direktörens roll?") is Relation.DECIDER
    assert asked_relation("Who decides on the fee?") is Relation.DECIDER
    assert asked_relation("Who appointed the members?") is Relation.APPOINTER  # narrower, asked first
    assert gives(Relation.DECIDER, "Direktörens roll ska fastställas av styrelsen i en instruktion.")
    assert not gives(Relation.DECIDER, "Varje kommun ska ha en tjänsteman med den ledande ställningen.")


def test_who_does_what_a_swedish_question_asks_is_the_one_it_is_done_by() -> None:
    done = done_by("Och vem ska utarbeta själva planen?")
    assert done is not None and done.search("Planen ska utarbetas av det Nationella vårdkompetensområdet.")
    assert not done.search("Regeringen har gett ett uppdrag till Socialstyrelsen att ta fram förslag.")
    assert done_by("Vilken myndighet ska leda arbetet?").search("Arbetet leds av Boverket.")
    assert done_by("Who will draw up the plan?") is None


def test_a_verb_with_a_particle_is_done_by_either_passive() -> None:
    done = done_by("Vilken myndighet ska föra över plattformsoperatörernas uppgifter till andra länder?")
    assert done.search("Uppgifterna ska sedan överföras av Skatteverket till andra medlemsstater.")
    assert done.search("Uppgifterna ska föras över av Skatteverket.")
    assert not done.search("Uppgifterna ska föras in i registret av den som anmäler.")


@pytest.mark.parametrize(("question", "sentence"), [
    ("Which Swedish agency organised the June 2024 conference on civil preparedness?",
     "Konferensen arrangerades av Riksantikvarieämbetet i samarbete med det finska Museiverket."),
    ("Vem stod som arrangör för seminariet på bokmässan?", "Kulturrådet och Skolverket arrangerade samtalet."),
    ("Vem står för kostnaderna när en hyresgäst sätter upp en laddpunkt?",
     "De berättigade parterna ska stå kostnaderna för installation, drift och underhåll."),
])
def test_who_held_an_event_and_who_bears_the_costs(question: str, sentence: str) -> None:
    relation = asked_relation(question)
    assert relation in (Relation.ORGANISER, Relation.FUNDER)
    assert gives(relation, sentence)
    assert not gives(relation, "Seminariet hölls på bokmässan i Göteborg.")


@pytest.mark.parametrize(("question", "relation", "sentence"), [
    ("Vem ska betala arvodena till revisorerna i ett samordningsförbund?", Relation.FUNDER,
     "Vidare införs det en bestämmelse om att det är samordningsförbundet som svarar för arvoden till revisorerna."),
    ("Who has to pay for the new equipment?", Relation.FUNDER, "Kommunen svarar för kostnaderna för utrustningen."),
    ("Vem har utsetts till särskild utredare?", Relation.APPOINTED,
     "Det är mycket positivt att Gunilla Malmborg har tackat ja till att bli särskild utredare."),
    ("Vem leder det nya rådet mot organiserad brottslighet?", Relation.APPOINTED,
     "I rådet ingår cheferna för myndigheterna, och leds av mig som justitieminister."),
])
def test_who_pays_who_accepted_a_post_and_who_leads_a_council(question: str, relation: Relation, sentence: str) -> None:
    assert asked_relation(question) is relation
    assert gives(relation, sentence)
    assert not gives(relation, "Revisorerna granskar samordningsförbundets verksamhet.")


def test_who_succeeded_someone_named_is_asked_apart_from_who_takes_over_a_task() -> None:
    assert asks_who_succeeded("Vem efterträdde Erik Slottner som civilminister?")
    assert asks_who_succeeded("Who succeeded Anders Ahnlid as Sweden's ambassador to the EU?")
    assert not asks_who_succeeded("Vilken myndighet tar över förvaltningsansvaret för covidbevisen?")
    assert not asks_who_succeeded("Vem ska betala arvodena?")


def test_who_leads_an_inquiry_is_one_question_for_the_relation_and_the_kind_of_fact() -> None:
    """The relation (who was appointed) and the kind of fact (a person, the investigator) read the
    same question: "Vem har lett utredningen …?", "Who will lead the inquiry …?"."""
    for question in ("Vem har lett utredningen om effektivare bodelning?",
                     "Who will lead the inquiry into policy instruments for cutting emissions?",
                     "Who is conducting the review of the school funding system?"):
        assert asked_relation(question) is Relation.APPOINTED
        assert asked_type(question) is AnswerType.PERSON


def test_a_successor_named_is_not_the_one_asked_to_be_succeeded() -> None:
    text = "I maj lämnar chefen över uppdraget som rektor till sin efterföljare Eva Berg."
    assert names_as_successor(text, question="Vem efterträdde Eva Berg som rektor?")
    assert not names_as_successor(text, question="Vem efterträder chefen som rektor?")
