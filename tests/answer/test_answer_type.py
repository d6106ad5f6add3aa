"""What kind of fact a question asks for, and whether a sentence states one: in English and Swedish."""

from __future__ import annotations

import pytest

from assistant.answer.answer_type import AnswerType
from assistant.answer.asked_kind import asked_type
from assistant.answer.events import asked_event, speaks_of
from assistant.answer.fact_forms import names_a_deadline, states
from assistant.answer.figures import (
    counted_words,
    counts_of,
    in_its_year,
    same_count_stems,
    speaks_of_a_total,
    states_another_year,
    years_of,
)
from assistant.answer.intent import Intent, classify
from assistant.glossary import Glossary


@pytest.mark.parametrize(("question", "expected"), [
    # Who handles contacts is a body; whom to contact is a contact.
    ("Vem ansvarar för kontakten med föreningarna?", AnswerType.BODY),
    # The dates asked for by name, with several words before it.
    ("What are the interim and final reporting dates for the assignment?", AnswerType.DATE),
    ("Vilka är datumen för redovisningen?", AnswerType.DATE),
    ("What is the closing date for responses to the consultation?", AnswerType.DEADLINE),
    ("What is the longest total term allowed for a credit guarantee, extensions included?", AnswerType.DURATION),
    ("What is the maximum period of the loan?", AnswerType.DURATION),
    ("How much can the agency spend on the coordinator?", AnswerType.QUANTITY),
    ("What is the overall ceiling for the state credit guarantees?", AnswerType.QUANTITY),
    ("Vad är taket för avdraget?", AnswerType.QUANTITY),
    ("Hur många veckors praktik har eleverna?", AnswerType.DURATION),
    ("Hur utvecklades antalet avrättningar under 2018?", None),  # how it changed, not how many
    ("How big is the bicycle bonus?", AnswerType.MONEY),
    ("Hur mycket pengar får Trafikverket använda?", AnswerType.MONEY),
    ("Hur mycket får Trafikverket använda för uppdraget?", AnswerType.MONEY),
    ("Hur mycket får eleverna jobba i veckan?", AnswerType.QUANTITY),
    ("What annual user fee will the agencies pay?", AnswerType.MONEY),
    ("Vilken sanktionsavgift ska ett parti betala?", AnswerType.MONEY),
    ("Which costs are covered by the grant?", None),  # a list of costs, not a sum
    ("Which fees apply to permits?", None),
    ("Vad kostar en SFI-kurs per elev?", AnswerType.MONEY),
    ("Vilken timtaxa tar kommunen för livsmedelskontroll?", AnswerType.MONEY),
    ("Hur hög är taxan för bygglov?", AnswerType.MONEY),
    ("What was the value of the state-owned company portfolio at the end of 2023?", AnswerType.MONEY),
    ("Vad var värdet på bolagsportföljen vid årsskiftet?", AnswerType.MONEY),
    ("What is the value of cooperation between schools?", None),  # worth, not a sum
    ("What percentage of the staff cycle to work?", AnswerType.PERCENT),
    ("How many refugees did the municipality receive?", AnswerType.COUNT),
    ("Hur många personer meddelas näringsförbud varje år?", AnswerType.COUNT),
    ("By when must the agency report?", AnswerType.DEADLINE),
    ("Deadline for the proposal on a lower number of newcomers?", AnswerType.DEADLINE),
    ("What is the last date by which the plan must be renewed?", AnswerType.DEADLINE),
    ("Vilken är sista dagen att lämna synpunkter?", AnswerType.DEADLINE),
    ("What was the exact date of the first meeting?", AnswerType.DATE),
    ("When did the government adopt the cycling strategy?", AnswerType.DATE),
    ("Vilket datum trädde ändringarna i kraft?", AnswerType.DATE),
    ("Hur länge gäller handlingsplanen?", AnswerType.DURATION),
    ("What is the proposed new maximum length of a trading ban?", AnswerType.DURATION),
    ("How often should the plan be followed up?", AnswerType.FREQUENCY),
    ("What are the opening hours of the cultural centre?", AnswerType.CLOCK),
    # When a service opens again is a day; when it opens, an hour.
    ("När öppnar simhallen igen?", AnswerType.DATE),
    ("När öppnar simhallen på lördagar?", AnswerType.CLOCK),
    ("Who was appointed special investigator?", AnswerType.PERSON),
    ("Which minister said the libraries must be staffed?", AnswerType.PERSON),
    ("Vilken minister sa att biblioteken ska vara bemannade?", AnswerType.PERSON),
    ("Who said that the reform is needed?", AnswerType.PERSON),
    ("Vem sade att reformen behövs?", AnswerType.PERSON),
    ("Which two state secretaries hosted the meeting?", AnswerType.PERSON),
    ("Which ministry is responsible for housing?", AnswerType.BODY),
    ("Which agency chairs the national cycling council?", AnswerType.BODY),
    ("Which outside organisations does Åstorp want to work with?", AnswerType.BODY),
    ("Vilka ska Migrationsverket samråda med när det tar fram förslaget?", AnswerType.BODY),
    ("Where will the meeting place be created?", AnswerType.PLACE),
    ("What is the purpose of the integration policy?", AnswerType.PURPOSE),
    ("Vad är syftet med programmet?", AnswerType.PURPOSE),
    ("What are the main challenges?", None),
    ("Vilka fokusområden bygger programmet på?", None),
])
def test_questions_ask_for_the_kind_of_fact_their_words_name(question: str, expected: AnswerType | None) -> None:
    assert asked_type(question) is expected


# The kinds that raise the sentence stating one and never refuse for want of it (like a purpose).
@pytest.mark.parametrize(("question", "expected"), [
    ("Which article of the convention was breached?", AnswerType.REFERENCE),
    ("Which law governs school transport?", AnswerType.REFERENCE),
    ("Vilket betänkande bygger propositionen på?", AnswerType.REFERENCE),
    ("Vilken paragraf i lagen gäller?", AnswerType.REFERENCE),
    ("Vilka förordningar ändras?", AnswerType.REFERENCE),
    ("What is meant by a newly arrived person?", AnswerType.DEFINITION),
    ("How do we define long-term unemployment?", AnswerType.DEFINITION),
    ("Who counts as a close relative?", AnswerType.DEFINITION),
    ("Vad avses med nyanländ?", AnswerType.DEFINITION),
    ("Vem räknas som anhörig?", AnswerType.DEFINITION),
    ("Varför ska kommunen samordna insatserna?", AnswerType.REASON),
    ("Why was the rule changed?", AnswerType.REASON),
    ("Av vilken anledning flyttas myndigheten?", AnswerType.REASON),
    ("Which agency was taken off the list, and why?", AnswerType.BODY),  # the agency first
    ("Får en anställd ta emot gåvor från leverantörer?", AnswerType.YES_NO),
    ("Gäller riktlinjerna även timanställda?", AnswerType.YES_NO),
    ("Are the municipal companies covered by the plan?", AnswerType.YES_NO),
    ("Delar regeringen revisorernas uppfattning att verket inte bör ingå?", AnswerType.YES_NO),
    ("Is there a deadline for the report?", AnswerType.DEADLINE),  # the kind of fact named first
    ("What is the maximum penalty for breaking the law?", AnswerType.PENALTY),
    ("maxstraff för brott mot lagen?", AnswerType.PENALTY),
    ("Vilket straff kan den som bryter mot förbudet få?", AnswerType.PENALTY),
    ("What is the maximum fine for running the scheme without a permit?", AnswerType.MONEY),  # a sum
    ("Vad händer om kommunen får mer bidrag än den behöver?", AnswerType.CONDITION),
    ("Vilka krav ställs på informationen?", AnswerType.CONDITION),
    ("Vad krävs för att få stödet?", AnswerType.CONDITION),
    ("Under what conditions may the grant be paid?", AnswerType.CONDITION),
    # An exception asked with "when … not" is a condition, not a date.
    ("Under the proposal, when should the grant as a rule not be paid out?", AnswerType.CONDITION),
    ("När ska kravet på tillstånd inte gälla?", AnswerType.CONDITION),
    # What a thing counts as is decided by a rule's test, not at a time.
    ("Under the proposal, when are two companies regarded as being in a community of interest?",
     AnswerType.CONDITION),
    ("När anses ett företag vara i intressegemenskap med ett annat?", AnswerType.CONDITION),
    ("When are the results considered final?", AnswerType.DATE),
    ("When should the rules that are not about fees enter into force?", AnswerType.DATE),
    ("Vad ska redovisningen innehålla?", AnswerType.CONTENT),
    ("What should the interim report cover?", AnswerType.CONTENT),
    ("Vem kan jag ringa om ändringen i miljöbalken?", AnswerType.CONTACT),
    ("Who do I contact about the changes to the ordinance?", AnswerType.CONTACT),
    ("Who did journalists have to email to sign up for the press conference?", AnswerType.CONTACT),
    ("Vilket telefonnummer har kundtjänst?", AnswerType.CONTACT),
])
def test_questions_ask_for_kinds_that_raise_an_answer_without_vetoing(question: str, expected: AnswerType) -> None:
    assert asked_type(question) is expected


@pytest.mark.parametrize(("answer_type", "text", "expected"), [
    (AnswerType.REFERENCE, "Familjen gjorde gällande att artikel 8 i konventionen hade kränkts.", True),
    (AnswerType.REFERENCE, "Regeringen går vidare med förslagen i betänkandet (SOU 2023:66).", True),
    (AnswerType.REFERENCE, "Ändringen görs i förordningen (2009:907) om miljöledning.", True),
    (AnswerType.REFERENCE, "Se prop. 2023/24:1 och 5 kap. 3 § för detaljer.", True),
    (AnswerType.REFERENCE, "Enligt socialtjänstlagen ska nämnden verka för detta.", True),
    (AnswerType.REFERENCE, "Den nya lagen träder i kraft den 1 juli.", False),  # no law named
    (AnswerType.DEFINITION, "Nyanländ är den som har uppehållstillstånd och tagits emot i kommunen.", True),
    (AnswerType.DEFINITION, "Med etablering avses de första två åren i Sverige.", True),
    (AnswerType.DEFINITION, "A newcomer is defined as a person who has a residence permit.", True),
    (AnswerType.DEFINITION, "Kommunen ska vara ett föredöme när den anställer personal.", False),
    (AnswerType.REASON, "För att nå målen ska insatserna samordnas.", True),
    (AnswerType.REASON, "Ändringarna föranleds av att myndigheten upphör.", True),
    (AnswerType.REASON, "Skillnaden beror på att fler kvinnor arbetar deltid.", True),
    (AnswerType.REASON, "The gap is largely explained by the fact that men work more hours.", True),
    (AnswerType.REASON, "Kommunstyrelsen ansvarar för att följa upp planen.", False),  # a task, not a reason
    (AnswerType.YES_NO, "Informationen ska bara lämnas om patienten samtycker till det.", True),
    (AnswerType.YES_NO, "Förslagen får inte innehålla skatteförslag.", True),
    (AnswerType.YES_NO, "Myndigheten ska även analysera behovet av frivilliga.", True),
    (AnswerType.YES_NO, "Gifts may only be accepted if their value is low.", True),
    (AnswerType.YES_NO, "Regeringen beslutade om uppdraget i dag.", False),
    (AnswerType.PENALTY, "Straffet föreslås vara fängelse i högst fem år.", True),
    (AnswerType.PENALTY, "Den som bryter mot förbudet döms till böter.", True),
    (AnswerType.PENALTY, "Lagen trädde i kraft 2015.", False),
    (AnswerType.CONDITION, "Som villkor för bidrag gäller att kommunen bidrar med hälften.", True),
    (AnswerType.CONDITION, "Eventuellt överskott ska återbetalas.", True),
    (AnswerType.CONDITION, "Informationen ska vara förenlig med språklagen.", True),
    (AnswerType.CONDITION, "Grants are paid provided that the municipality applies in time.", True),
    (AnswerType.CONDITION, "Kommunen har 12 000 invånare.", False),
    (AnswerType.CONTENT, "Delredovisningen ska innehålla ett underlag om kostnaderna.", True),
    (AnswerType.CONTENT, "Materialet ska särskilt informera om kommunens roll.", True),
    (AnswerType.CONTENT, "The report will include a cost estimate.", True),
    (AnswerType.CONTENT, "Uppdraget ska redovisas senast den 1 mars.", False),
    (AnswerType.CONTACT, "Miljöbalken: Johan Fallenius 08-405 13 49", True),
    (AnswerType.CONTACT, "Anmälan görs till press@regeringskansliet.se senast kl. 12.", True),
    (AnswerType.CONTACT, "Kontaktperson: Anna Ek, +46 8 405 10 00", True),
    (AnswerType.CONTACT, "Ändringarna träder i kraft 2026-07-01.", False),
    (AnswerType.CONTACT, "Kommunen har goda kontakter med näringslivet.", False),
])
def test_sentences_state_the_kinds_that_raise_an_answer(answer_type: AnswerType, text: str, expected: bool) -> None:
    assert states(answer_type, text) is expected


def test_a_reference_the_question_names_itself_answers_nothing() -> None:
    """ "Vilken paragraf i socialtjänstlagen …?" is not answered by a sentence naming only that law."""
    question = "Vilken paragraf i socialtjänstlagen gäller?"
    assert not states(AnswerType.REFERENCE, "Socialtjänstlagen ska tillämpas.", besides=question.casefold())
    assert states(AnswerType.REFERENCE, "Det följer av 4 kap. 1 § socialtjänstlagen.", besides=question.casefold())


def test_when_inside_a_clause_does_not_make_a_time_question() -> None:
    # A yes-or-no question, not one for a time.
    assert asked_type("Är det meriterande att kunna flera språk när kommunen anställer personal?") is AnswerType.YES_NO
    assert asked_type("Hur vill Dals-Ed att bostadsområdena ska se ut när det gäller integration?") is None


@pytest.mark.parametrize(("answer_type", "text", "expected"), [
    (AnswerType.MONEY, "För uppdraget får Trafikverket använda 12 miljoner kronor under perioden 2019–2024.", True),
    (AnswerType.MONEY, "Uppdraget ska redovisas senast 2019.", False),
    (AnswerType.PERCENT, "BNP bedöms öka med 0,7 procent 2024.", True),
    (AnswerType.COUNT, "Ca 1 000 totalförsvarspliktiga bedöms kunna skrivas in.", True),
    (AnswerType.COUNT, "Maxtiden förlängs från högst 10 år till högst 15 år.", False),
    (AnswerType.COUNT, "Lagändringarna föreslås träda i kraft den 1 augusti 2025.", False),
    (AnswerType.COUNT, "Informera minst två gånger per termin, eller 4 gånger per år.", False),  # how often
    (AnswerType.QUANTITY, "Modellen gör det möjligt att jobba två timmar i veckan.", True),
    (AnswerType.PURPOSE, "Syftet med programmet är att vägleda politiker och chefer.", True),
    (AnswerType.DEADLINE, "Boverket ska redovisa senast den 30 augusti 2016.", True),
    (AnswerType.DEADLINE, "Uppdraget ska redovisas den 31 januari 2020.", True),
    (AnswerType.DEADLINE, "Uppdraget ska redovisas till Regeringskansliet.", False),
    (AnswerType.DATE, "Regeringen beslutade den 10 december 2015 om ändringar.", True),
    (AnswerType.DURATION, "ett tidsbegränsat uppdrag på sex år", True),
    (AnswerType.FREQUENCY, "Planen ska följas upp årligen.", True),
    (AnswerType.CLOCK, "Öppet måndag till fredag kl. 9–16.", True),
    (AnswerType.PERSON, "Regeringen har utsett Anna Ekström till särskild utredare.", True),
    (AnswerType.PERSON, "Sveriges Kommuner och Landsting och Pajala Airport deltar.", False),
    (AnswerType.BODY, "Uppdraget ska genomföras i samråd med Arbetsförmedlingen och länsstyrelserna.", True),
    (AnswerType.BODY, "Huvudansvar: Chef näringslivsenheten", True),
    (AnswerType.BODY, "Behandlingen ska ha utförts av en legitimerad tandläkare.", True),
    (AnswerType.BODY, "Samtalet leds av en socialsekreterare eller en kurator.", True),
])
def test_sentences_state_facts_of_a_kind(answer_type: AnswerType, text: str, expected: bool) -> None:
    assert states(answer_type, text) is expected


def test_a_stated_time_limit_is_told_from_a_plain_date() -> None:
    assert names_a_deadline("Boverket ska redovisa senast den 30 augusti 2016.")
    assert not names_a_deadline("Regeringen beslutade den 10 december 2015 om ändringar.")
    # A report due on a day sets the limit without "senast"; a report made on a day does not.
    assert names_a_deadline("SCB ska redovisa sitt uppdrag den 31 januari 2025.")
    assert names_a_deadline("Uppdraget ska slutredovisas till Regeringskansliet den 1 mars 2024.")
    assert not names_a_deadline("Domstolsverket redovisade uppdraget den 1 mars 2018.")
    assert not names_a_deadline("Myndigheten ska redovisa hur stödet har använts under 2024.")


def test_a_body_the_question_names_itself_answers_nothing() -> None:
    question = "Vilka ska Migrationsverket samråda med?"
    assert not states(AnswerType.BODY, "Migrationsverket ska redovisa förslagen.", besides=question)
    assert states(AnswerType.BODY, "Samråd sker med Arbetsförmedlingen.", besides=question)


def test_a_count_is_of_the_thing_asked_about() -> None:
    assert counted_words("How many refugees did Värnamo take in?") == ["refugees"]
    assert counted_words("Hur många internflyktingar finns det?") == ["internflyktingar"]
    assert counted_words("How many people could be enrolled?") == []
    # The phrase up to the verb: adjectives before the counted noun come along.
    assert counted_words("How many Swedish nuclear reactors were planned?") == ["swedish", "nuclear", "reactors"]
    assert counted_words("Hur många nya medarbetare ska myndigheten rekrytera?") == ["nya", "medarbetare"]
    assert counted_words("How many young people took part?") == []
    assert counts_of("Lantmäteriet ska rekrytera 20 medarbetare.", frozenset({"nya", "medar"}))
    # A number the question names is not an answer, but one inside a longer number of it is.
    question = "Hur många medarbetare ska myndigheten rekrytera i vårbudgeten 2025?"
    assert states(AnswerType.COUNT, "Myndigheten ska rekrytera 20 medarbetare.", besides=question)
    assert not states(AnswerType.COUNT, "Under 2025 rekryteras medarbetare.", besides=question)
    stems = frozenset({"flykt", "refug"})
    assert counts_of("Kommunen tog emot 120 flyktingar 2016.", stems)
    assert not counts_of("Värnamo ska ha 40 000 invånare år 2035.", stems)
    assert counts_of("Antalet uppskattas till 2,6 miljoner människor.", stems)  # a count of people counts


def test_a_body_the_question_names_in_the_genitive_is_not_a_new_one() -> None:
    question = "Vilka ska delta i Migrationsverkets arbete?"
    assert not states(AnswerType.BODY, "Migrationsverket ska ta fram ett förslag.", besides=question)
    assert states(AnswerType.BODY, "Migrationsverket ska samråda med Arbetsförmedlingen.", besides=question)


def test_a_body_named_myndigheten_for_is_told_apart_by_what_it_is_for() -> None:
    question = "Vilken myndighet ska ta över verksamheten från Myndigheten för stöd till trossamfund?"
    assert not states(AnswerType.BODY, "Myndigheten för stöd till trossamfund avvecklas.", besides=question)
    assert states(AnswerType.BODY, "Verksamheten inordnas i Myndigheten för ungdoms- och civilsamhällesfrågor.",
                  besides=question)


def test_bodies_named_by_a_genitive_or_by_capitalised_words_are_bodies() -> None:
    assert states(AnswerType.BODY, "Samråd ska ske med Försvarets materielverk.")
    assert states(AnswerType.BODY, "Vården bedrivs av Statens institutionsstyrelse.")
    assert states(AnswerType.BODY, "Mötet hölls i samarbete med Civil Rights Defenders i Bryssel.")
    assert not states(AnswerType.BODY, "Mötet hölls i Bryssel i februari.")


def test_a_number_inside_a_name_is_not_a_count() -> None:
    assert not states(AnswerType.COUNT, "Beställningen gäller stridsfordonet CV90.")
    # … so the count after it is read: "40 av dem" counts the vehicles just named.
    text = "Vi har beställt stridsfordonet CV90 så att 40 av dem kommer att skänkas till Ukraina."
    assert counts_of(text, frozenset({"strid", "cv90"}))


def test_a_leading_condition_does_not_make_a_time_question() -> None:
    assert asked_type("When a school has more applicants than places, which selection grounds may it use?") is None
    assert asked_type("När det finns fler sökande än platser, vem avgör urvalet?") is AnswerType.BODY
    assert asked_type("When must the report be submitted?") is AnswerType.DEADLINE
    assert asked_type("Vilka datum ska Socialstyrelsen delredovisa uppdraget?") is AnswerType.DEADLINE
    assert asked_type("Vilka datum gäller avtalet?") is AnswerType.DATE


def test_keyword_questions_and_compound_purposes_are_read() -> None:
    """Staff type "Bidragstaket – när …?"; a purpose may be asked for as "huvudsyftet"."""
    assert asked_type("Bidragstaket – när föreslås det börja gälla?") is AnswerType.DATE
    assert asked_type("Vad är huvudsyftet med direktivet?") is AnswerType.PURPOSE


def test_counts_and_periods_in_the_forms_the_pages_use() -> None:
    assert states(AnswerType.DURATION, "Den som får försörjningsstöd sedan minst tre sammanhängande månader ska delta")
    assert states(AnswerType.COUNT, "40-talet personer från maritima företag diskuterade rapporten")
    assert states(AnswerType.COUNT, "Ett 40-tal deltagare kom.")
    assert not states(AnswerType.COUNT, "På 70-talet var det annorlunda.")
    # "… en beställning av stridsfordonet CV90 så att 40 av dem …": a count of what was just named.
    assert counts_of("så att 40 av dem kommer att skänkas till Ukraina", frozenset({"strid"}))


def test_an_amount_for_another_year_does_not_answer() -> None:
    asked = years_of("How much money may the agency use for the pilot project in 2017?")
    assert states_another_year(AnswerType.MONEY, asked, "Myndigheten får använda högst 6 000 000 kronor under 2016.")
    assert not states_another_year(AnswerType.MONEY, asked, "Totalt 30 miljoner kronor för 2016–2018.")
    assert not states_another_year(AnswerType.MONEY, asked, "Myndigheten får använda 6 000 000 kronor.")
    assert not states_another_year(AnswerType.DATE, years_of("When was the 2017 report submitted?"), "den 1 mars 2018")
    assert years_of("2021-22 och 2024–2026") == {2021, 2022, 2024, 2025, 2026}


def test_an_institution_asked_for_by_kind_is_a_body() -> None:
    """"Which hospital …?", "Vilket universitet …?" ask for a name, as "which agency" does; the
    institution is named in the text ("Sahlgrenska universitetssjukhuset", "Systembolaget")."""
    for question in ("Which hospital treats the veterans?", "Which university leads the project?",
                     "Vilket svenskt sjukhus tar emot patienterna?", "Vilken kommun har flest områden?",
                     "Vilket företag köpte fabriken?"):
        assert asked_type(question) is AnswerType.BODY, question
    # The kind word qualifying another noun asks for that noun: "which school subject" is no body.
    assert asked_type("And in which school subject will this be taught?") is not AnswerType.BODY
    assert states(AnswerType.BODY, "Patienterna vårdas vid Sahlgrenska universitetssjukhuset.")
    assert states(AnswerType.BODY, "Avtalet tecknades med Systembolaget.")


def test_the_prize_a_school_won_is_not_a_sum() -> None:
    """A money noun later in the question ("priset") is not what "Vilken skola …" asks for."""
    assert asked_type("Vilken skola fick priset?") is AnswerType.BODY
    assert asked_type("Vilken årlig avgift betalar myndigheterna?") is AnswerType.MONEY


def test_nar_det_galler_means_regarding_not_when() -> None:
    """"Vem ska … inhämta synpunkter från när det gäller tillstånd?" asks who, not from when."""
    question = "Vem ska Tillväxtverket inhämta synpunkter från när det gäller tillstånd för miljöfarlig verksamhet?"
    assert asked_type(question) is AnswerType.BODY
    assert asked_type("När det gäller bidraget, när ska det redovisas?") is AnswerType.DEADLINE


def test_a_law_reference_is_not_a_count() -> None:
    """"8 kap 3c § kommunallagen" names a section of a law, not three of anything."""
    assert not states(AnswerType.COUNT, "som kommunen tillhandahåller, 8 kap 3c § kommunallagen (1991:900).")
    assert states(AnswerType.COUNT, "Det finns 12 kommuner som gör så.")


def test_what_a_count_counts_ends_at_its_verb() -> None:
    assert counted_words("How many municipalities use Rättvik's fee model?") == ["municipalities"]


def test_a_sum_of_money_is_not_a_count_however_its_digits_are_grouped() -> None:
    """"15 000 000 kronor" is a sum: no part of it ("15") is read as a count of something."""
    assert not states(AnswerType.COUNT, "Till detta ändamål avsätts 15 000 000 kronor till Länsstyrelsen.")
    assert states(AnswerType.COUNT, "Under besöket träffade hon en del av de 10 000 patienter som vårdas varje år.")


@pytest.mark.parametrize("question", [
    "Vem är jämställdhets- och arbetslivsminister?",
    "Vem är särskild utredare för skogsutredningen?",
    "Who is the special investigator for the forest inquiry?",
    "Who is the Swedish ambassador to Portugal?",
])
def test_a_post_asked_for_by_its_title_asks_for_a_person(question: str) -> None:
    assert asked_type(question) is AnswerType.PERSON


def test_a_person_is_named_by_a_common_given_name_or_an_honorific() -> None:
    assert states(AnswerType.PERSON, "Därför är jag glad över att professor emeritus Göran Örlander har tackat ja.")
    assert states(AnswerType.PERSON, "Mr Dimitrios Touloupas, Greece, presented his credentials.")
    assert not states(AnswerType.PERSON, "Myndigheten för delaktighet tilldelas 1 000 000 kronor.")


def test_a_strategy_or_a_pedagogy_is_not_a_post() -> None:
    """"livsmedelsstrategin" begins like "integrationsstrateg" but names no one who could answer who."""
    assert not states(AnswerType.BODY, "Långsiktigheten är en nyckel i arbetet med livsmedelsstrategin.")
    assert not states(AnswerType.BODY, "Utbildningen ska ha en pedagogisk inriktning.")
    assert states(AnswerType.BODY, "Integrationsstrategen ansvarar för samordningen.")


def test_a_presidency_or_a_council_is_not_a_post() -> None:
    """"ordförandeskapet i Nordiska ministerrådet" names a presidency; "ordföranden i nämnden" holds a post."""
    sentence = "Mötet hölls inom ramen för det svenska ordförandeskapet i Nordiska ministerrådet."
    assert not states(AnswerType.PERSON, sentence)
    assert states(AnswerType.PERSON, "Ordföranden i Nämnden leder mötet.")


def test_a_person_signing_with_the_post_after_the_name_is_named() -> None:
    assert states(AnswerType.PERSON, "Irina Schoulgin Nyoni, Ambassador, Deputy Permanent Representative")
    assert not states(AnswerType.PERSON, "Utredningen om fossilfri fordonstrafik, Fossilfrihet på väg")


def test_a_number_naming_something_is_not_a_count() -> None:
    """"the 1718 Committee" is a committee's name, not 1,718 of anything."""
    assert not states(AnswerType.COUNT, "We look forward to the briefing on the 1718 Committee on 11 September.")
    assert states(AnswerType.COUNT, "Det finns 12 kommuner som gör så.")


def test_when_something_was_done_asks_for_a_date_and_when_it_was_due_for_a_deadline() -> None:
    assert asked_type("When did the European Commission present its action plan?") is AnswerType.DATE
    assert asked_type("When was the final report due?") is AnswerType.DEADLINE
    assert asked_type("When must the agency report?") is AnswerType.DEADLINE


def test_a_newspaper_is_not_a_time_of_day() -> None:
    """"Vilken tidning" asks which newspaper, not "vilken tid" (what time)."""
    assert asked_type("I vilken tidning publicerades debattartikeln?") is not AnswerType.CLOCK
    assert asked_type("Vilken tid öppnar biblioteket?") is AnswerType.CLOCK


def test_a_sum_in_euros_or_dollars_is_money_not_a_count() -> None:
    for text in ("Landet kan söka upp till 255 000 EUR.", "The fund gives USD 2 million.", "Stödet är 40 000 €."):
        assert states(AnswerType.MONEY, text, besides=""), text
    assert not states(AnswerType.COUNT, "Landet kan söka upp till 255 000 EUR.", besides="")


def test_an_age_limit_is_a_span_of_years() -> None:
    assert asked_type("Up to what age does the health programme apply?") is AnswerType.DURATION
    assert asked_type("Upp till vilken ålder gäller programmet?") is AnswerType.DURATION
    assert states(AnswerType.DURATION, "Programmet omfattar barn till och med 20 års ålder.", besides="")


def test_a_statute_s_number_dates_nothing() -> None:
    assert not states(AnswerType.DATE, "* förordningen (2009:907) om miljöledning i statliga myndigheter", besides="")
    assert states(AnswerType.DATE, "Förordningen träder i kraft den 1 juli 2017.", besides="")


def test_a_fine_is_a_sum_of_money() -> None:
    assert asked_type("What is the maximum fine for running the scheme without a permit?") is AnswerType.MONEY
    assert asked_type("Vilket bötesbelopp gäller för den som saknar tillstånd?") is AnswerType.MONEY


def test_a_week_or_a_month_asked_for_is_a_date() -> None:
    assert asked_type("Vilken vecka hölls beredskapsveckan?") is AnswerType.DATE
    assert asked_type("In which month was the plan adopted?") is AnswerType.DATE
    assert states(AnswerType.DATE, "Under vecka 39 genomförs beredskapsveckan.", besides="")


def test_a_count_of_a_compound_counts_its_last_part() -> None:
    # "Hur många länder …?" is answered by "27 medlemsländer": the compound's last part names the thing.
    assert counts_of("EU har i dag 27 medlemsländer.", frozenset({"lände"}))
    assert counts_of("Antalet har ökat till 24 skogsbrandsdepåer.", frozenset({"depåe"}))
    assert not counts_of("EU har i dag 27 medlemsstater.", frozenset({"lände"}))


def test_a_count_may_name_what_it_counts_before_the_number() -> None:
    stems = frozenset({"anmäl", "appli"})
    assert counts_of("Antalet anmälningar ökade till 350 under året.", stems)
    assert counts_of("The number of applications rose to 350.", stems)
    assert not counts_of("Antalet besökare ökade till 350 under året.", stems)
    # "Ett antal" and "a number of" are only some: no count of the thing.
    assert not counts_of("Under 2024 kom ett antal anmälningar in, 12 fler än året innan.", stems)
    assert not counts_of("A number of applications came in, 12 more than last year.", stems)


@pytest.mark.parametrize(("question", "expected"), [
    ("On which day was the agreement signed?", AnswerType.DATE),
    ("Från och med när gäller lagen?", AnswerType.DATE),
    ("How many per cent of the budget goes to schools?", AnswerType.PERCENT),
    ("What fraction of the funds is spent on administration?", AnswerType.PERCENT),
    ("What is the maximum share of last year's profit a company may hand over?", AnswerType.PERCENT),
    ("Hur stor är den maximala andelen av vinsten som får delas ut?", AnswerType.PERCENT),
    ("Hur många kronor får varje kommun?", AnswerType.MONEY),
    ("How many kronor does each municipality get?", AnswerType.MONEY),
    ("How many municipalities take part?", AnswerType.COUNT),
    ("What day-care options exist?", None),
    # What a thing is worth is a sum; a period from one day to another is asked as a time.
    ("What is the military equipment package for Ukraine worth?", AnswerType.MONEY),
    ("Vad är paketet värt?", AnswerType.MONEY),
    ("During which period will the advisory council be active?", AnswerType.DATE),
    ("Under vilken period ska rådet vara verksamt?", AnswerType.DATE),
    ("Vilken EU-kommissionär samarbetar han med?", AnswerType.PERSON),
    ("Hur mycket betalar Sverige i årlig medlemsavgift till organisationen?", AnswerType.MONEY),
    ("leisure card for children – lead agency?", AnswerType.BODY),
    ("Fritidskortet – ansvarig myndighet?", AnswerType.BODY),
    ("Which EU commissioner does he work with?", AnswerType.PERSON),
])
def test_questions_for_a_day_a_share_or_a_sum_in_other_words(question: str, expected: AnswerType | None) -> None:
    assert asked_type(question) is expected


def test_a_count_under_another_name_counts_the_same_things() -> None:
    words = counted_words("Hur många Natoländer hade ratificerat Sveriges anslutning?")
    stems = frozenset(word[:5] for word in words) | same_count_stems(words)
    assert counts_of("Hittills har 28 av 30 medlemsstater ratificerat anslutningen.", stems)
    assert not counts_of("Hittills har 28 av 30 myndigheter lämnat sina svar.", stems)
    assert same_count_stems(["companies"]) >= {"föret", "bolag"}


@pytest.mark.parametrize(("question", "expected"), [
    # A share the question names is what it is about; "vilket år" is what it asks for.
    ("Till vilket år ska målet att skydda 30 procent av haven nås?", AnswerType.DATE),
    ("Hur många procent av budgeten går till skolan?", AnswerType.PERCENT),
    # A count of days or years, or "within what time", asks for a period.
    ("Inom hur många dagar ska patienten få en bedömning?", AnswerType.DURATION),
    ("Hur många års erfarenhet krävs?", AnswerType.DURATION),
    ("Within what time must the patient be told when care will take place?", AnswerType.DURATION),
    ("At what time does the meeting start?", AnswerType.CLOCK),
])
def test_a_figure_the_question_names_or_a_count_of_days_is_not_what_it_asks_for(
        question: str, expected: AnswerType) -> None:
    assert asked_type(question) is expected


def test_one_count_s_words_do_not_hide_the_count_after_it() -> None:
    # "850 miljoner kronor 1 900 speciallärare": a sum, then a count of teachers.
    assert counts_of("Till exempel motsvarar 850 miljoner kronor 1 900 speciallärare.", frozenset({"speci"}))


@pytest.mark.parametrize(("question", "expected"), [
    ("When is the summit due to take place?", AnswerType.DATE),
    ("When is the final report due?", AnswerType.DEADLINE),
    ("How large a part of the economy depends on exports?", AnswerType.PERCENT),
    ("In which Swedish city did the ministers meet?", AnswerType.PLACE),
    ("Var hölls mötet i november?", AnswerType.PLACE),
    ("Med vilket råd ska myndigheten samråda?", AnswerType.BODY),
])
def test_when_something_happens_a_part_of_a_whole_and_where_it_was_held(question: str, expected: AnswerType) -> None:
    assert asked_type(question) is expected


def test_a_total_asked_for_is_given_by_the_figure_stated_as_one() -> None:
    assert speaks_of_a_total("Hur mycket pengar finns sammanlagt för bredband 2026?")
    assert not speaks_of_a_total("How many areas with severe combined exclusion problems were found?")
    assert speaks_of_a_total("Det innebär att det sammantaget finns 2 miljarder kronor för bredband.")


def test_a_short_counted_word_counts_its_inflected_forms() -> None:
    assert counts_of("Fonden genomförs inom de två målen i hela landet.", frozenset({"mål"}))
    assert not counts_of("Fonden har 40 barnmorskor anställda.", frozenset({"barn"}))


@pytest.mark.parametrize("question", [
    "Which public service broadcasting companies must be asked for their views?",
    "Which regulator must the grid operator hear from?",
])
def test_a_body_asked_for_by_a_longer_kind_or_as_a_regulator(question: str) -> None:
    assert asked_type(question) is AnswerType.BODY


@pytest.mark.parametrize(("question", "expected"), [
    ("Vad heter det nya ramverket för biologisk mångfald?", None),  # a name, not a person's
    ("Vad heter den nya generaldirektören?", AnswerType.PERSON),
    ("Which bodies must the agency gather views from when drafting the guidance?", AnswerType.BODY),
    ("Since when has the rule applied?", AnswerType.DATE),
    ("Hur mycket föreslås kvoten i beloppsspärren höjas?", AnswerType.QUANTITY),  # a rule's name, not a sum
])
def test_a_name_asked_for_a_when_inside_a_clause_and_a_compound_starting_with_a_money_word(
        question: str, expected: AnswerType | None) -> None:
    assert asked_type(question) is expected


def test_a_figure_dated_by_the_sentence_before_is_of_that_years() -> None:
    """"Under samma år fattades 12 beslut" is a count for 2014 when the sentence before says 2014."""
    before = "Bakgrund. Under 2014 fattades 140 beslut om skyddsjakt, varav 13 överklagades."
    text = in_its_year("Under samma år fattades 12 beslut om licensjakt, varav tre överklagades.", before)
    assert states_another_year(AnswerType.COUNT, {2015}, text)
    assert not states_another_year(AnswerType.COUNT, {2014}, text)
    assert in_its_year("Tre beslut överklagades.", before) == "Tre beslut överklagades."


def test_a_suspended_compound_names_what_is_counted() -> None:
    assert counts_of("Det finns i Sverige cirka 50 läns- och kommunaltaltidningar.", frozenset({"läns", "län"}))


def test_a_lead_agency_asked_as_a_keyword_is_a_question_of_responsibility() -> None:
    assert classify("leisure card for children – lead agency?").intent is Intent.RESPONSIBILITY
    assert asked_type("leisure card for children – lead agency?") is AnswerType.BODY


def test_a_question_opening_with_its_verb_asks_yes_or_no_whoever_a_relative_clause_names() -> None:
    assert asked_type("Will the inquiry also consider checking people who already work there?") is AnswerType.YES_NO
    assert asked_type("Can you tell me who is responsible for housing?") is AnswerType.BODY
    assert asked_type("And who pays for it?") is AnswerType.BODY


def test_what_is_to_be_achieved_asks_a_purpose_and_fit_for_purpose_asks_yes_or_no() -> None:
    assert asked_type("Vad vill regeringen uppnå med mötena om mäns våld mot kvinnor?") is AnswerType.PURPOSE
    assert asked_type("What does the government want to achieve with the meetings?") is AnswerType.PURPOSE
    assert asked_type("Does the government agree that the grant system is not fit for purpose?") is AnswerType.YES_NO
    assert asked_type("What is the government trying to achieve with its review?") is AnswerType.PURPOSE


def test_how_large_a_part_of_the_money_asks_for_a_sum_or_a_share() -> None:
    """"Hur stor del av pengarna …?" is answered by "780 000 kronor ska belasta …" as well as by
    "högst tio procent av medlen": a quantity, which either states."""
    assert asked_type("Hur stor del av pengarna tas från anslaget för romer?") is AnswerType.QUANTITY
    assert asked_type("Hur stor del av medlen går till kommunerna?") is AnswerType.QUANTITY
    assert asked_type("Hur stort bidrag får kommunen?") is AnswerType.MONEY
    assert asked_type("Hur stor är den ekonomiska planeringsramen för planen?") is AnswerType.MONEY
    assert asked_type("Hur stor del av kommunerna har en plan?") is AnswerType.PERCENT


def test_a_yes_or_no_question_about_a_contact_person_asks_whether_not_whom_to_call() -> None:
    question = "Har en person som utsatts för våld rätt att få en kontaktperson utsedd av socialnämnden?"
    assert asked_type(question) is AnswerType.YES_NO
    assert asked_type("Vem är kontaktperson för projektet?") is AnswerType.CONTACT


def test_an_average_number_asks_for_a_count_and_which_sums_or_money_set_aside_for_money() -> None:
    assert asked_type("What is the average number of hours a week a user is granted?") is AnswerType.COUNT
    assert asked_type("What is the maximum number of days off?") is AnswerType.COUNT
    assert asked_type("Vilka belopp föreslås för att stärka anhörigstödet?") is AnswerType.MONEY
    # "Vilka avgifter …?" may ask which kinds of fee there are.
    assert asked_type("Vilka avgifter tas ut?") is None
    # What a grant is meant to achieve is its purpose; how much it is meant to be is money.
    assert asked_type("What is the grant to the Swedish Sports Confederation meant to achieve?") is AnswerType.PURPOSE
    assert asked_type("How much is the grant meant to be?") is AnswerType.MONEY
    # Money set aside asks for a sum; time spent does not, nor a budget measure's effect.
    assert asked_type("How much does the government intend to set aside annually for the reform?") is AnswerType.MONEY
    assert asked_type("How much will the agency spend on it?") is AnswerType.MONEY
    assert asked_type("How much time will staff spend on training?") is AnswerType.QUANTITY
    assert asked_type("Hur mycket väntas budgetåtgärderna minska utsläppen fram till 2030?") is AnswerType.QUANTITY
    assert asked_type("Hur mycket får verksamt.se i budgetpropositionen för 2026?") is AnswerType.MONEY


def test_what_drove_a_change_in_a_number_asks_why_and_a_who_after_another_question_word_is_relative() -> None:
    question = "According to the government, what has driven the increase in the number of people held in prisons?"
    assert asked_type(question) is AnswerType.REASON
    assert asked_type("Vad har drivit ökningen av antalet intagna?") is AnswerType.REASON
    assert asked_type("What is the number of staff?") is AnswerType.COUNT
    assert asked_type("What happens to employers of foreigners who lack a work permit?") is None
    assert asked_type("Who leads the work?") is AnswerType.BODY


@pytest.mark.parametrize(("question", "expected"), [
    ("Hur mycket beräknas Östlig förbindelse kosta enligt Trafikverket?", AnswerType.MONEY),
    ("How much will the new road cost?", AnswerType.MONEY),
    # When a thing is allowed asks on what grounds, not at what time.
    ("Med stöd av vilken lagregel får polisen neka tillstånd, och när är det tillåtet?", AnswerType.CONDITION),
    ("When is it allowed to refuse a permit?", AnswerType.CONDITION),
    ("When is the report due?", AnswerType.DEADLINE),
    ("What was Sweden's total fertility rate in 2023?", AnswerType.QUANTITY),
    ("Vad är målet med hur referensnivån ska utformas?", AnswerType.PURPOSE),
])
def test_a_cost_a_permission_a_rate_and_a_goal_are_asked_in_these_words(question: str, expected: AnswerType) -> None:
    assert asked_type(question) is expected


def test_why_a_thing_was_started_is_answered_by_what_it_is_for() -> None:
    assert states(AnswerType.REASON, "Syftet med försöksverksamheten är att få fler behöriga lärare i skolan.")
    assert states(AnswerType.REASON, "The purpose of the pilot is to train more teachers.")
    assert not states(AnswerType.REASON, "Försöksverksamheten ska startas upp under 2022.")


def test_a_relative_where_asks_no_place_and_a_lowercase_council_is_a_body() -> None:
    question = "What does the Audit Office want looked into for closed mines where the guarantees are insufficient?"
    assert asked_type(question) is None
    assert asked_type("Where is the office?") is AnswerType.PLACE
    assert asked_type("And where will the meeting be held?") is AnswerType.PLACE
    assert states(AnswerType.BODY, "Överföringen måste alltid godkännas av säkerhetsrådet.")
    assert not states(AnswerType.BODY, "Det gäller inom hela verksamhetsområdet.")


def test_a_fine_asked_for_is_a_sum_and_delivering_a_speech_is_no_report() -> None:
    assert asked_type("What fine can a household face for not sorting its textile waste?") is AnswerType.MONEY
    assert asked_event("On what date did the minister deliver his digital speech?") is None
    assert asked_event("When must the agency deliver its report?") == "reported"


def test_criminal_responsibility_is_not_a_question_of_who_is_responsible() -> None:
    question = "What age of criminal responsibility does the draft bill propose for the most serious crimes?"
    assert classify(question).intent is Intent.GENERAL
    assert asked_type(question) is AnswerType.DURATION
    assert classify("Vem har ansvar för att samordna arbetet?").intent is Intent.RESPONSIBILITY


@pytest.mark.parametrize(("question", "expected"), [
    ("På vilken nivå ska skuldankaret ligga enligt uppgörelsen?", AnswerType.QUANTITY),
    ("What is the most each university may requisition in 2022?", AnswerType.MONEY),
    ("Vilket lärosäte ska samordna arbetet?", AnswerType.BODY),
    # The share is named, the year asked for.
    ("Senast vilket år ska försvarsutgifterna nå två procent av BNP?", AnswerType.DATE),
])
def test_levels_limits_institutions_and_a_share_named_in_words(question: str, expected: AnswerType) -> None:
    assert asked_type(question) is expected


def test_the_most_common_is_not_an_amount() -> None:
    assert asked_type("What is the most common reason for the delays?") is not AnswerType.QUANTITY


@pytest.mark.parametrize(("question", "expected"), [
    ("How much did Sweden pledge to the new forest fund?", AnswerType.MONEY),
    ("How much did the research bill put into free research?", AnswerType.MONEY),
    ("What would the energy tax on diesel be per litre from 2026?", AnswerType.MONEY),
    ("What is the maximum the agency may spend on the assignment in 2020?", AnswerType.MONEY),
    ("What daily salt intake in grams is the agency aiming for?", AnswerType.QUANTITY),
    ("To what level is the energy tax on electricity to be lowered?", AnswerType.QUANTITY),
    ("Up to what total weight would trailers be exempt from vehicle tax?", AnswerType.QUANTITY),
])
def test_money_given_a_price_per_unit_and_measures_in_units(question: str, expected: AnswerType) -> None:
    assert asked_type(question) is expected


def test_why_is_never_a_question_of_who_is_responsible() -> None:
    assert classify("Och varför menar hon att Sverige har ett särskilt ansvar internationellt?").intent \
        is Intent.GENERAL


@pytest.mark.parametrize(("question", "metadata"), [
    ("What circumstances should be given special weight when deciding whether a fraud counts as aggravated?", False),
    ("Vad gäller när kommunen beslutar om bidrag?", False),
    ("When was the Tierp plan adopted?", True),
    ("The Tierp plan: when was it adopted?", True),
    ("Och när antogs den?", True),
    ("On what date was the policy approved?", True),
])
def test_when_asks_for_an_adoption_date_only_as_the_question_word(question: str, metadata: bool) -> None:
    """Inside a question "when" opens a clause; a policy's adoption date answers none of it."""
    assert (classify(question).intent is Intent.METADATA) is metadata


@pytest.mark.parametrize(("question", "expected"), [
    # A question inside a yes-or-no question asks whether, not how long …
    ("Ska utredaren bedöma hur lång tid det tar att genomföra förslagen?", AnswerType.YES_NO),
    # … but a time limit asked for by name is still asked for, and so is a second question after a comma.
    ("Is there a deadline for the report?", AnswerType.DEADLINE),
    ("Is there an interim report before that, and if so when is it due?", AnswerType.DEADLINE),
    ("Can you tell me how many people took part?", AnswerType.COUNT),
    # How a number changed is no count; "the number of the directive" names it.
    ("Hur har antalet unga som misstänks för vapenbrott utvecklats?", None),
    ("How has the number of reported crimes changed since 2015?", None),
    ("Vilken effekt har det förenklade regelverket för utreseförbud haft på antalet beslut?", None),
    ("What is the number of the EU directive, and on what date was it adopted?", AnswerType.DATE),
    ("On which days did the minister visit Kyiv?", AnswerType.DATE),
    ("What does the 'principle of action' that the inquiry is to consider mean?", AnswerType.DEFINITION),
])
def test_a_question_inside_a_yes_or_no_question_and_a_changing_number_veto_nothing(
        question: str, expected: AnswerType | None) -> None:
    assert asked_type(question) is expected


def test_post_holders_asked_for_by_number_and_kind_are_people() -> None:
    assert asked_type("Which two Swedish ministers invited their Nordic colleagues?") is AnswerType.PERSON
    assert asked_type("Vilka två svenska ministrar bjöd in sina kolleger?") is AnswerType.PERSON


@pytest.mark.parametrize(("question", "expected"), [
    # A "how large" inside a question for what or which does not say what it asks …
    ("Vad är det som främst avgör hur stora vinster anordnarna gör?", None),
    ("Which agency decides how much the fee is?", AnswerType.BODY),
    # … unless it is a second question, after a comma, a dash or "and".
    ("Vad innebär förslaget – hur många anställda omfattas?", AnswerType.COUNT),
    ("What is the budget and how much goes to schools?", AnswerType.MONEY),
])
def test_a_how_much_inside_a_what_question_is_not_what_it_asks(question: str, expected: AnswerType | None) -> None:
    assert asked_type(question) is expected


@pytest.mark.parametrize(("question", "expected"), [
    # School years are no years, and a year's programme asks for its year.
    ("I vilka årskurser föreslås betyg införas?", None),
    ("Vilket års arbetsprogram från EU-kommissionen ska rådet gå vidare med?", AnswerType.DATE),
    ("Vilket år infördes lagen?", AnswerType.DATE),
    # A date or a sum asked for by a compound.
    ("Vilka ikraftträdandedatum föreslås för lagändringarna?", AnswerType.DATE),
    ("Vilken beloppsgräns per månad föreslås för ersättningen?", AnswerType.MONEY),
    # "hänvisas till" is the verb's "till": "när" opens a clause, no time limit is asked.
    ("Vilken lag hänvisas det ofta till när yttrandefriheten inskränks?", AnswerType.REFERENCE),
    ("Till när gäller tillståndet?", AnswerType.DEADLINE),
    # The holder of a post someone appointed; what a thing will cost; the last day for something.
    ("Vem har regeringen utsett till nationell kärnkraftssamordnare?", AnswerType.PERSON),
    ("Vad beräknas den nya nämnden kosta per år?", AnswerType.MONEY),
    ("What will the new board cost each year?", AnswerType.MONEY),
    ("What is the total financial envelope of the strategy?", AnswerType.MONEY),
    ("What is the last day for organisations to register their interest?", AnswerType.DEADLINE),
    # The years a thing covers are a period, from one year to another.
    ("Vilka år omfattar Sveriges nya biståndsstrategi för Ukraina?", AnswerType.DURATION),
    ("Which years does the strategy cover?", AnswerType.DURATION),
    # A level asked "as a share of" something is a share.
    ("What level of development aid, as a share of gross national income, does Sweden commit to?",
     AnswerType.PERCENT),
    # A "when" question asks for a time, whatever it names; the penalty asked for is a penalty.
    ("When are the changes on doubled penalties for gang crime proposed to take effect?", AnswerType.DATE),
    ("What is the maximum penalty for gross fraud?", AnswerType.PENALTY),
    ("När publiceras statistiken om antalet anmälningar?", AnswerType.DATE),
    ("When does the contact person have to be appointed?", AnswerType.DATE),
    # How much a number may grow asks for a change ("kan sexfaldigas"), not for a count.
    ("Hur mycket kan antalet brottsutvisningar öka enligt utredningens bedömning?", AnswerType.QUANTITY),
    ("How much could the number of deportations increase?", AnswerType.QUANTITY),
    # A "who" question asks for a person or a body, whatever it names; a second question asks its own.
    ("Who was appointed to carry out the inquiry into the overhaul of criminal penalties?", AnswerType.PERSON),
    ("Who is authorised to approve invoices, and above what amount is a second signature needed?",
     AnswerType.MONEY),
    ("And who is organising it, and at what time does it start?", AnswerType.CLOCK),
    # What someone says about a number asks what is said, not for the number.
    ("Vad säger migrationsministern om antalet asylsökande i år?", None),
    ("What does the report say about the number of applications?", None),
    # A rate or a threshold asked for is a figure.
    ("What rate would the energy tax on electricity stay at?", AnswerType.QUANTITY),
    ("What monthly remuneration threshold is proposed for the expert tax?", AnswerType.QUANTITY),
    ("What is the rate of change?", None),
])
def test_the_kind_of_fact_is_read_from_whole_words(question: str, expected: AnswerType | None) -> None:
    assert asked_type(question) is expected


def test_which_member_of_the_government_asks_for_a_person() -> None:
    assert asked_type("Vilka statsråd företräder regeringen under statsbesökets dag i Göteborg?") is AnswerType.PERSON
    assert asked_type("Vilket statsråd deltar i Kockduellen?") is AnswerType.PERSON
    assert asked_type("Hur många statsråd finns det?") is AnswerType.COUNT


@pytest.mark.parametrize(("question", "expected"), [
    # The one named to a post is a person; a price that qualifies areas asks for the areas.
    ("Who has been named the new director-general of the Swedish Schools Inspectorate?", AnswerType.PERSON),
    ("Between which electricity price areas should the grid operator propose targets?", None),
    ("What is the price of the ticket?", AnswerType.MONEY),
    # A pay gap is a share as often as a sum.
    ("How large was the gender pay gap in 2024?", AnswerType.QUANTITY),
    ("Hur stor var löneskillnaden mellan kvinnor och män?", AnswerType.QUANTITY),
    ("Hur hög är lönen för en lärare?", AnswerType.MONEY),
    # What counts as a thing asks what it is, as who counts as one does.
    ("What counts as a dormant permit?", AnswerType.DEFINITION),
])
def test_a_post_named_to_a_price_of_areas_and_a_pay_gap(question: str, expected: AnswerType | None) -> None:
    assert asked_type(question) is expected


@pytest.mark.parametrize(("question", "expected"), [
    # A minimum share capital is a sum, not a share; a daily allowance asked for by name is a sum.
    ("What is the proposed new minimum share capital for private limited companies?", AnswerType.MONEY),
    ("What daily allowance is proposed for total defence conscripts?", AnswerType.MONEY),
    # The cases a rule applies in are its conditions.
    ("Under the proposal, in which case would the waiting period before a divorce be dropped?",
     AnswerType.CONDITION),
    ("I vilka fall får tillståndet återkallas?", AnswerType.CONDITION),
    # What a thing is to be called asks for a name.
    ("What new name does the memorandum suggest for the development employment support?", AnswerType.NAME),
    ("Vilket nytt namn föreslår utredningen att Arbetsförmedlingen ska få?", AnswerType.NAME),
    ("Vad ska den nya myndigheten heta?", AnswerType.NAME),
    ("What will the merged agency be called?", AnswerType.NAME),
])
def test_share_capital_an_allowance_the_cases_of_a_rule_and_a_new_name(question: str,
                                                                      expected: AnswerType | None) -> None:
    assert asked_type(question) is expected


@pytest.mark.parametrize(("answer_type", "text", "expected"), [
    # A part of a sum told as a sum answers how large a part.
    (AnswerType.PERCENT, "Socialstyrelsen ska betala ut 123,5 miljoner av dessa för att stärka arbetet.", True),
    (AnswerType.PERCENT, "Totalt avsätts 150 miljoner kronor, varav 20 miljoner kronor till forskning.", True),
    (AnswerType.PERCENT, "Totalt 150 miljoner kronor avsätts till en förstärkt hemlöshetsstrategi.", False),
    # The last days before a date are a period.
    (AnswerType.DURATION, "Den ska kunna nyttjas de sista sju kalenderdagarna innan beräknad förlossning.", True),
    # Where a rule stops answers whether it holds.
    (AnswerType.YES_NO, "Skyldigheten gäller inte vid anställning av administrativ personal.", True),
    (AnswerType.YES_NO, "Skyldigheten gäller för all personal.", False),
    # Whether there is cause for a thing.
    (AnswerType.YES_NO, "Det finns på samma sätt som i övriga nordiska länder inte skäl att ha kärnvapen i fredstid.",
     True),
    # The only case a rule holds in is its condition.
    (AnswerType.CONDITION, "Avdrag får enligt förslaget bara göras när ansvaret överlåts vid byte av arbetsgivare.",
     True),
    # A name given or changed.
    (AnswerType.NAME, "Utvecklingsanställning bör byta benämning till lönebidrag för utveckling.", True),
    (AnswerType.NAME, "Myndigheten föreslås heta Arbetsmarknadsmyndigheten.", True),
    (AnswerType.NAME, "Myndigheten föreslås få nya uppgifter.", False),
    # A committee named by its year is a body.
    (AnswerType.BODY, "Slutbetänkande av 2020 års grundlagskommitté.", True),
])
def test_sentences_stating_a_part_a_period_a_limit_a_name_and_a_committee(answer_type: AnswerType, text: str,
                                                                         expected: bool) -> None:
    assert states(answer_type, text) is expected


@pytest.mark.parametrize(("question", "expected"), [
    # When one may or can do a thing is in what case; when one shall or must is a time.
    ("When may the party in control of a parking space turn down a request to install a charging point?",
     AnswerType.CONDITION),
    ("När får ett svenskt moderföretag dra av förlust i ett utländskt dotterföretag?", AnswerType.CONDITION),
    ("When must the National Board of Health and Welfare submit its final report?", AnswerType.DEADLINE),
    ("När ska utredningen redovisa sitt uppdrag?", AnswerType.DEADLINE),
    # A figure asked for in a currency is a sum.
    ("Vilket mjölkpris i kronor per kilo fick svenska mjölkbönder första halvåret 2015?", AnswerType.MONEY),
    # Which days asks for dates.
    ("Vilka dagar deltog ministern på plats?", AnswerType.DATE),
])
def test_when_one_may_is_a_condition_and_which_days_are_dates(question: str, expected: AnswerType | None) -> None:
    assert asked_type(question) is expected


@pytest.mark.parametrize(("answer_type", "text", "expected"), [
    # That a thing is not needed answers whether one has to.
    (AnswerType.YES_NO, "Inget ansökningsförfarande krävs.", True),
    (AnswerType.YES_NO, "Det krävs inte att kommunen ansöker.", True),
    (AnswerType.YES_NO, "No application is needed; there is no need to apply.", True),
    (AnswerType.YES_NO, "En ansökan krävs för att få stödet.", False),
    # What is done, and why.
    (AnswerType.REASON, "Detta görs för att skydda lokala lekbestånd av strömming och sill.", True),
    (AnswerType.REASON, "Detta görs nu i hela landet.", False),
    (AnswerType.REASON, "Genom att ha ratificerat protokollet är Turkiet rättsligt bundet.", True),
    (AnswerType.REASON, "Genom att ta bort områdena förbättrar regeringen villkoren.", False),
    # How long a rule applies, by when it stops applying.
    (AnswerType.DURATION, "(Förordningen upphör att gälla vid utgången av 2022.)", True),
    (AnswerType.DURATION, "The regulation expires at the end of 2025.", True),
    (AnswerType.DURATION, "Förordningen upphör att gälla.", False),
    # The year of a document's code, or of an act's old-style number, dates nothing.
    (AnswerType.DATE, "Commission staff working document, SWD(2023) 141", False),
    (AnswerType.DATE, "Förordning (EU) nr 952/2013 ska upphävas.", False),
    (AnswerType.DATE, "Kommissionen presenterade förslaget den 17 maj 2023.", True),
    # An EU act named by its number, with or without "(EU)" before it.
    (AnswerType.REFERENCE, "Hur det reviderade direktivet 2024/1275/EU om byggnaders energiprestanda ska genomföras.",
     True),
    (AnswerType.REFERENCE, "Genom lagen genomfördes rådets direktiv (EU) 2022/2523.", True),
])
def test_sentences_saying_none_is_needed_why_it_is_done_when_a_rule_ends_and_no_codes(
        answer_type: AnswerType, text: str, expected: bool) -> None:
    assert states(answer_type, text) is expected


def test_a_definition_opens_with_the_word_asked_or_names_it_after_what_it_stands_for() -> None:
    question = "Vad menas med inflyttningsområden?"
    assert states(AnswerType.DEFINITION, "Inflyttningsområdena är undantagsområden innanför trålgränsen.",
                  besides=question)
    # A sentence opening with another word defines nothing asked.
    assert not states(AnswerType.DEFINITION, "Reglerna är undantag innanför trålgränsen.", besides=question)
    assert states(AnswerType.DEFINITION, "den som saknar möjlighet att själv besluta (i sammanhanget benämnt rådighet)",
                  besides="Vad avses med rådighet i promemorian?")


@pytest.mark.parametrize(("question", "expected"), [
    # A minister asked for is a person, whatever money the question names after it.
    ("Which minister presented the budget for a richer and safer Sweden?", AnswerType.PERSON),
    ("Which agency manages the budget?", AnswerType.BODY),
    # Countries asked for are answered by their names, as "which countries" is.
    ("Vilka länder var i fokus i den årliga rättsstatsdialogen?", AnswerType.BODY),
    ("Vilka länders etiska råd har tagit upp frågan?", None),
    ("What annual user fee is proposed?", AnswerType.MONEY),
    # What a phrase means is a definition.
    ("Vad innebär det att visa tillbörlig aktsamhet enligt Nagoyaprotokollet?", AnswerType.DEFINITION),
])
def test_a_minister_asked_for_is_a_person_and_what_it_means_to_do_a_thing_a_definition(
        question: str, expected: AnswerType | None) -> None:
    assert asked_type(question) is expected


@pytest.mark.parametrize(("answer_type", "text", "expected"), [
    # A day counted in a period is a time ("From which day of sick leave …?"), not a day of a programme.
    (AnswerType.DATE, "Arbetsgivaren får begära läkarintyg redan från och med den första sjukdagen.", True),
    (AnswerType.DATE, "The certificate may be asked for from the first day of sick leave.", True),
    (AnswerType.DATE, "Statsbesökets tredje dag äger rum i Montreal.", False),
    # A number of the first months, the number before "första".
    (AnswerType.DURATION, "Under de 12 första månaderna från det att förordningen trätt i kraft.", True),
    # An age reached: how many years a thing has been.
    (AnswerType.DURATION, "I år fyller Sveriges nationaldag 20 som riktig helgdag.", True),
    (AnswerType.DURATION, "Andelen fyller 20 procent av budgeten.", False),
    # A purpose said with "dels" or by the verb.
    (AnswerType.REASON, "Syftet med ändringarna är dels att underlätta ansökningsförfarandet.", True),
    (AnswerType.REASON, "Sammantaget syftar ändringarna till att fler ska kunna ansöka om premien.", True),
    (AnswerType.REASON, "Regeringen har beslutat ändringar i förordningen om elbusspremie.", False),
    (AnswerType.REASON, "Verksamheten ska vara ledarledd då ett syfte med fritidskortet är att främja trygghet.", True),
    # That a thing should not be done answers whether it is proposed.
    (AnswerType.YES_NO, "Kommittén, som bedömer att det inte bör införas några sådana regler, redovisar …", True),
    # A body named by an abbreviation's genitive.
    (AnswerType.BODY, "Sverige ska gå med i EU:s åklagarmyndighet.", True),
    (AnswerType.BODY, "Det ska ske genom en ny åklagarmyndighet.", False),
])
def test_a_day_of_a_period_an_age_reached_a_purpose_by_its_verb_and_a_body_by_an_abbreviation(
        answer_type: AnswerType, text: str, expected: bool) -> None:
    assert states(answer_type, text) is expected


def test_a_word_explained_by_what_it_is_about_is_defined() -> None:
    question = "Vad innebär det att visa tillbörlig aktsamhet enligt Nagoyaprotokollet?"
    assert states(AnswerType.DEFINITION, "Aktsamheten handlar om att ta reda på hur man har fått tillträde.",
                  besides=question)
    assert not states(AnswerType.DEFINITION, "Beslutet handlar om att ta reda på hur man har fått tillträde.",
                      besides=question)


@pytest.mark.parametrize(("question", "expected"), [
    # The value of a country's trade is a sum; a rate of interest a share; a level asked for a figure
    # (not "what level of government", which asks who).
    ("What was the value of Sweden's trade with Nigeria in 2023?", AnswerType.MONEY),
    ("What interest rate will tenants get on the deposit?", AnswerType.PERCENT),
    ("What reduction obligation level for diesel will apply in 2028?", AnswerType.QUANTITY),
    ("What level of government is responsible?", None),
    # A tax rate is a share or kronor per unit: a figure either way.
    ("Vilken skattesats på el föreslås gälla?", AnswerType.QUANTITY),
    # An inquiry is led by a person, its investigator.
    ("Who is leading the new inquiry into support for people who want to leave criminal gangs?", AnswerType.PERSON),
    ("Vem leder den nya utredningen om avhoppare?", AnswerType.PERSON),
    # A leading phrase saying under what does not hide a yes-or-no question.
    ("Under the proposed contractor liability, can a contractor avoid liability by showing checks?",
     AnswerType.YES_NO),
    ("Enligt utredningen, får kommunen ta ut en avgift?", AnswerType.YES_NO),
])
def test_a_trades_value_an_interest_rate_a_level_an_inquirys_leader_and_a_question_after_a_phrase(
        question: str, expected: AnswerType | None) -> None:
    assert asked_type(question) is expected


@pytest.mark.parametrize(("answer_type", "text", "expected"), [
    # Millions of a currency by its abbreviation; a part of a whole sum.
    (AnswerType.MONEY, "2014 var Sverige den största givaren till UN Women med 35 MUSD.", True),
    (AnswerType.PERCENT, "Av dessa 26 miljarder kronor är 12,5 miljarder permanenta anslagsökningar.", True),
    (AnswerType.PERCENT, "Av dessa 26 miljarder kronor är det mesta redan utbetalt.", False),
    # A year before 1900, beside a word dating it.
    (AnswerType.DATE, "Den grundades av Gustav II Adolf 1631.", True),
    (AnswerType.DATE, "Antalet var 1200.", False),
])
def test_a_sum_in_another_currency_a_part_of_a_sum_and_an_old_year(answer_type: AnswerType, text: str,
                                                                   expected: bool) -> None:
    assert states(answer_type, text) is expected


def test_how_many_steps_counts_the_stages_a_change_takes() -> None:
    assert counts_of("Höjningen sker i två steg – det första infaller den 1 juli 2017.",
                     same_count_stems(["steps"]))


def test_a_remit_received_widened_is_an_extension() -> None:
    event = asked_event("When did the inquiry on new posting-of-workers rules receive its extended remit?")
    assert event == "extended"
    assert speaks_of(event, "Utredningen fick i november 2014 ett utvidgat uppdrag att lämna författningsförslag.")
    assert not speaks_of(event, "Uppdraget utvidgas enligt följande.")


def test_what_the_principle_of_responsibility_means_asks_a_definition_not_who_is_responsible() -> None:
    question = "What does the principle of responsibility mean in civil defence planning?"
    assert classify(question).intent is Intent.GENERAL
    assert asked_type(question) is AnswerType.DEFINITION
    assert classify("Who is responsible for civil defence planning?").intent is Intent.RESPONSIBILITY
    # The Swedish term is the glossary's form of the English one, and defines it.
    known = Glossary.load_default().swedish_for_english(question)
    assert "ansvarsprincipen" in known
    assert states(AnswerType.DEFINITION, "Ansvarsprincipen innebär att strukturer som gäller i fred ska "
                  "upprätthållas vid kris.", besides=" ".join([question, *known]))


def test_what_an_abbreviation_stands_for_is_told_by_the_words_beside_it() -> None:
    question = "Vad står förkortningen bob för i arbetet mot ungdomsbrottslighet?"
    assert asked_type(question) is AnswerType.DEFINITION
    assert asked_type("What does EPPO stand for?") is AnswerType.DEFINITION
    assert states(AnswerType.DEFINITION, "Etableringen av en samverkansstruktur, kallad ”bob” (barn och unga i "
                  "organiserad brottslighet), ska fortsätta.", besides=question)
    assert states(AnswerType.DEFINITION, "Sverige gick med i Europeiska åklagarmyndigheten (Eppo) 2022.",
                  besides="What does EPPO stand for?")
    # The abbreviation inside a compound, or another word before parentheses, spells nothing out.
    assert not states(AnswerType.DEFINITION, "Arbetet inom bob-strukturen ska ge effektiva insatser.", besides=question)
    # "avser" with its subject after it intends; it does not define.
    assert not states(AnswerType.DEFINITION, "Den 10 april 2025 avser regeringen besluta om ett förnyat uppdrag.",
                      besides=question)


def test_when_a_thing_is_allowed_asks_in_what_case_and_who_is_eligible_asks_the_rule_s_test() -> None:
    assert asked_type("När är abort tillåtet i Argentina enligt rapporten?") is AnswerType.CONDITION
    assert asked_type("When is abortion legal?") is AnswerType.CONDITION
    assert states(AnswerType.CONDITION, "Abort är endast tillåtet om kvinnans liv är i fara.", besides="")
    # "legal" before a noun is no lawfulness asked about.
    assert asked_type("When are the legal changes on fine collection intended to take effect?") is AnswerType.DATE
    assert asked_type("Vem är behörig att söka praktik på EU-representationen?") is AnswerType.DEFINITION
    assert states(AnswerType.DEFINITION, "Behörig att söka är den som är i slutet av sin universitetsutbildning.",
                  besides="")


def test_what_a_thing_cost_asks_a_sum_and_a_number_changed_is_what_is_asked_about() -> None:
    assert asked_type("Vad kostade det tyska statsbesöket i Sverige 2021?") is AnswerType.MONEY
    assert asked_type("Vad har besöket kostat?") is AnswerType.MONEY
    assert asked_type("What is the aim of the inquiry the government appointed to increase the number of "
                      "clinical trials?") is AnswerType.PURPOSE
    assert asked_type("Vad är syftet med utredningen för att öka antalet kliniska prövningar?") is AnswerType.PURPOSE
    assert asked_type("What is the number of inmates?") is AnswerType.COUNT


def test_what_a_bill_says_is_no_question_for_which_bill() -> None:
    assert asked_type("What does the bill being prepared in the Government Offices clarify?") is not \
        AnswerType.REFERENCE
    assert asked_type("Which bill did the government present?") is AnswerType.REFERENCE
    assert asked_type("What law regulates the matter?") is AnswerType.REFERENCE


def test_a_goal_for_a_thing_is_its_purpose_and_a_theme_is_what_it_takes_up() -> None:
    assert asked_type("Vad är målet för den svenska jämställdhetspolitiken?") is AnswerType.PURPOSE
    assert asked_type("And what is Sweden's goal for the presidency?") is AnswerType.PURPOSE
    assert states(AnswerType.PURPOSE, "Vårt mål med ordförandeskapet är att vara öppna och transparenta.", besides="")
    assert states(AnswerType.PURPOSE, "The objective of the policy is that women and men shall have equal power.",
                  besides="")
    assert not states(AnswerType.PURPOSE, "The bill presents a common objective for all policy areas.", besides="")
    assert asked_type("What is the theme of the summit?") is AnswerType.CONTENT
    assert asked_type("Vilket tema har konferensen?") is AnswerType.CONTENT
    assert states(AnswerType.CONTENT, "Temat för mötet är hållbara städer.", besides="")


def test_which_things_asks_which_though_it_names_a_number_of_something() -> None:
    assert asked_type("Which countries backed the call for a cap on the number of children per donor?") is \
        AnswerType.BODY
    assert asked_type("Which year did the number of applications peak?") is AnswerType.DATE
    assert asked_type("How many countries backed the call?") is AnswerType.COUNT
    assert asked_type("Vilka var medvärdar för det förberedande mötet?") is AnswerType.BODY
