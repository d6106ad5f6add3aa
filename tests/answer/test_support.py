"""Support: whether the passages found can answer a question at all. The closeness floor depends on
the pair of languages, the question's and its closest passage's, and a follow-up is not held to it."""

from __future__ import annotations

import pytest

from assistant.answer.concepts import ConceptCheck, names_whole
from assistant.answer.support import SupportScorer, closeness_floor, pair_key
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.index.lexical import LexicalIndex
from tests.answer.support_texts import index_over, passage

SWEDISH = "Kommunen ska erbjuda fler praktikplatser och möjliggöra yrkeskompetensbedömning för nyanlända."
ENGLISH = "The government will invest in research and innovation so that new companies can grow in Sweden."
ASSIGNMENT = ("E-hälsomyndigheten ska lämna en delredovisning senast den 1 april 2024. Antagningskraven till "
              "lärarutbildningen ska höjas.")
CERTIFICATES = "E-hälsomyndigheten ska förvalta lösningen för covidbevis till den 30 juni 2023."
TEXTS = [SWEDISH, ENGLISH, ASSIGNMENT, CERTIFICATES, "Pandemin covid påverkade vården."]
FLOORS = {"en>sv": 0.775, "en>en": 0.808, "sv>sv": 0.836}


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return index_over(TEXTS)


@pytest.fixture(scope="module")
def scorer(lexical: LexicalIndex) -> SupportScorer:
    return SupportScorer(lexical=lexical, glossary=Glossary.load_default(), municipalities=[], min_closeness=FLOORS)


def test_an_english_question_is_held_to_the_floor_of_its_closest_passages_language(scorer: SupportScorer) -> None:
    question = "What will the council do about work placements?"
    # 0.80 is close for an English question reading Swedish, far for one reading English.
    assert not scorer.score(question, language="en", passages=[passage(SWEDISH, 0.80)]).too_far
    assert scorer.score(question, language="en", passages=[passage(ENGLISH, 0.80)]).too_far
    assert scorer.score(question, language="en", passages=[passage(SWEDISH, 0.77)]).too_far
    assert scorer.score(question, language="en", passages=[passage(SWEDISH, 0.77)]).score == 0.0


def test_the_closest_passage_decides_and_a_follow_up_is_not_held_to_the_floor(scorer: SupportScorer) -> None:
    question = "And who can receive that money?"
    far = [passage(SWEDISH, 0.70), passage(ENGLISH, 0.79)]
    assert scorer.score(question, language="en", passages=far).too_far  # English, 0.79 < 0.808
    assert not scorer.score(question, language="en", passages=far, follow_up=True).too_far


def test_a_question_whose_words_the_passages_hold_is_not_refused_for_its_distance(scorer: SupportScorer) -> None:
    """A short "who is X?" reads far from the passage naming X among other things; its words decide."""
    named = "Uppdraget leds av Paulina Brandberg, jämställdhets- och arbetslivsminister."
    support = scorer.score("Vem är Paulina Brandberg?", language="sv", passages=[passage(named, 0.79)])
    assert not support.too_far and support.score == 1.0
    assert scorer.score("Vem är Anna Ek?", language="sv", passages=[passage(named, 0.79)]).too_far


def test_money_names_the_kind_of_answer_not_what_the_passages_must_say(scorer: SupportScorer) -> None:
    """The text says "medel" and "kronor", rarely "pengar": "Hur mycket pengar …?" is judged by its other words."""
    earmarked = "Utöver dessa medel öronmärktes 540 miljoner kronor inom ramen för Landsbygdsprogrammet."
    support = scorer.score("Hur mycket pengar öronmärktes inom landsbygdsprogrammet?", language="sv",
                           passages=[passage(earmarked, 0.83)])
    assert support.score == 1.0 and not support.too_far


def test_an_english_question_whose_concepts_the_passage_all_writes_is_not_refused_for_distance(
        scorer: SupportScorer) -> None:
    """Two concepts or more, every one written in a form the glossary gives (or a compound it
    starts): the question is about the passage, however low its cosine."""
    assert not scorer.score("Will newcomers get work placements?", language="en",
                            passages=[passage(SWEDISH, 0.76)]).too_far  # nyanlända, praktikplatser
    assert scorer.score("Will newcomers get housing?", language="en", passages=[passage(SWEDISH, 0.76)]).too_far
    assert scorer.score("Will staff get work placements?", language="en", passages=[passage(SWEDISH, 0.76)]).too_far



def test_a_phrase_naming_two_concepts_is_written_when_one_of_them_is(lexical: LexicalIndex) -> None:
    """"Interim report" names a delårsrapport and a delredovisning: a text that delredovisar has it."""
    check = ConceptCheck(lexical=lexical, glossary=Glossary.load_default())
    interim = [passage("Myndigheten delredovisar uppdraget om skogsbränder senast den 1 mars 2025.", 0.70)]
    assert check.every_written("By when is the interim report on forest fires due?", interim)
    assert not check.every_written("By when is the interim report on housing due?", interim)


def test_a_pair_without_a_fitted_floor_is_not_checked(scorer: SupportScorer) -> None:
    assert not scorer.score("Vad säger planen?", language="sv", passages=[passage(ENGLISH, 0.50)]).too_far


def test_the_packaged_floors_are_by_language_pair_and_only_for_the_model_they_were_fitted_on() -> None:
    floors = closeness_floor("intfloat/multilingual-e5-small")
    assert {pair_key("en", "sv"), pair_key("en", "en"), pair_key("sv", "sv")} <= set(floors)
    assert floors["en>sv"] < floors["en>en"]  # cross-lingual cosines run lower
    assert closeness_floor("sentence-transformers/all-MiniLM-L6-v2") == {}


@pytest.mark.parametrize("question", [
    "Who decides the opening hours of the recycling centre?",  # reads like "who adopted …?"
    "Where can staff charge their electric cars at the town hall?",
    "How many days of annual leave can I save for next year?",  # semester: a service topic no policy names
    "Who approves my mileage allowance claim?",
])
def test_an_english_question_far_from_every_policy_abstains(assistant: PolicyAssistant, question: str) -> None:
    answer = assistant.ask(question, record=False)
    assert answer.abstained and answer.answer.startswith("The policies in the corpus do not answer this.")


def test_an_english_question_naming_a_concept_no_document_speaks_of_is_not_supported(scorer: SupportScorer) -> None:
    salary = scorer.score("What is the monthly salary of the person in charge of work placements?", language="en",
                          passages=[passage(SWEDISH, 0.85)])
    assert "lön" in salary.unaddressed and salary.score == 0.0  # lön is in no document, praktikplats is
    placements = scorer.score("What will be done about work placements for newcomers?", language="en",
                              passages=[passage(SWEDISH, 0.85)])
    assert placements.unaddressed == ()


def test_a_concept_is_not_used_by_a_text_holding_only_a_part_of_one_of_its_compounds(lexical: LexicalIndex) -> None:
    """"parkeringsplats" and "p-plats" are forms of parking; "praktikplatser" shares only "plats"."""
    topics = SupportScorer(lexical=lexical, glossary=Glossary.load_default(), municipalities=[],
                           min_closeness=FLOORS, concepts=Glossary.with_service_topics(Glossary.load_default()))
    parking = topics.score("Where can newcomers find a parking space during their work placements?", language="en",
                           passages=[passage(SWEDISH, 0.85)])
    assert "parkering" in parking.unaddressed and parking.score == 0.0


def test_the_service_topics_extend_the_concepts_looked_for_not_the_glossary() -> None:
    base = Glossary.load_default()
    topics = Glossary.with_service_topics(base)
    assert len(topics) > len(base) and topics is Glossary.with_service_topics(base)
    assert "semester" in [e.term for e in topics.named_in_english("How much annual leave do I get?")]
    assert "semester" not in [e.term for e in base.named_in_english("How much annual leave do I get?")]


def test_a_phrase_is_absent_only_when_no_sense_the_glossary_gives_it_is_used(scorer: SupportScorer) -> None:
    """"Interim report" is a municipality's delårsrapport and an assignment's delredovisning; "entry
    requirements" are behörighet and antagningskrav. The documents using one sense speak of it."""
    for question in ("And what should the interim report in April cover?",
                     "What does the government intend to do about entry requirements for teacher training?"):
        support = scorer.score(question, language="en", passages=[passage(ASSIGNMENT, 0.85)])
        assert support.unaddressed == (), question


def test_a_hyphenated_name_is_judged_by_its_long_last_part_and_a_date_asked_for_is_no_concept(
        scorer: SupportScorer) -> None:
    support = scorer.score("Until what date should the eHealth Agency go on?", language="en",
                           passages=[passage(ASSIGNMENT, 0.85)])
    assert support.unaddressed == ()
    assert scorer.score("On which date was it handed over?", language="en",
                        passages=[passage(ENGLISH, 0.85)]).unaddressed == ()


def test_an_english_questions_name_is_found_at_the_start_of_a_word_left_whole(scorer: SupportScorer) -> None:
    """"COVID" is checked (another document uses it) and found in "covidbevis", which no lexicon splits."""
    support = scorer.score("Who manages the COVID solution?", language="en",
                           passages=[passage(CERTIFICATES, 0.85)])
    assert support.matched == ("covid",) and support.score == 1.0


def test_a_year_an_english_question_names_is_not_held_against_swedish_passages(scorer: SupportScorer) -> None:
    # "in 2018" dates the document; its passages seldom repeat it. A name is still checked.
    dated = scorer.score("How many work placements were newcomers offered in 2018?", language="en",
                         passages=[passage(SWEDISH, 0.85)])
    assert "2018" not in dated.missing and dated.score >= 0.25
    named = scorer.score("How many work placements did E-hälsomyndigheten offer newcomers in 2018?", language="en",
                         passages=[passage(SWEDISH, 0.85)])
    assert named.missing == ("e-hälsomyndigheten",) and named.score < 0.25


def test_a_swedish_compound_is_found_only_as_itself_or_all_of_its_parts(scorer: SupportScorer) -> None:
    passages = [passage(ASSIGNMENT, 0.9)]  # "… Antagningskraven till lärarutbildningen ska höjas."
    assert "lärarutbildningen" in scorer.score("Vad gäller för lärarutbildningen?", language="sv",
                                               passages=passages).matched
    # Written the other way round, its parts are all there: found.
    assert "utbildningslärare" in scorer.score("Vad gäller för utbildningslärare?", language="sv",
                                               passages=passages).matched
    # "lärarlönen" shares only "lärar" with the passage: a text on teacher training says nothing of pay.
    half = scorer.score("Vad gäller för lärarlönen?", language="sv", passages=passages)
    assert "lärarlönen" in half.missing and half.score < 0.25


def test_swedish_function_words_say_nothing_of_what_a_question_is_about(scorer: SupportScorer) -> None:
    # "bakom", "emot", "annars" are rare in policy text, so they would weigh as if they named the topic.
    support = scorer.score("Får jag parkera bakom kommunhuset, eller måste jag ta emot en böter annars?",
                           language="sv", passages=[passage("Bilen står bakom huset och tas emot annars.", 0.9)])
    assert not {"bakom", "emot", "annars", "måste"} & {*support.matched, *support.missing}


def test_an_english_page_is_judged_by_the_concepts_it_names_in_english(scorer: SupportScorer) -> None:
    question = "How much will the government invest in research?"
    placements = passage("The council will offer more work placements to newly arrived people.", 0.9)
    unaddressed = scorer.score(question, language="en", passages=[placements])
    assert unaddressed.unaddressed and unaddressed.score == 0.0
    # The page that speaks of research, in English, addresses it.
    assert not scorer.score(question, language="en", passages=[passage(ENGLISH, 0.9)]).unaddressed


def test_a_hyphenated_word_is_found_only_by_all_of_its_pieces(scorer: SupportScorer) -> None:
    water = [passage("Kommunala va-bolag kan söka stödet för vattenhushållning.", 0.9)]
    assert "va-taxan" in scorer.score("Hur hög är VA-taxan?", language="sv", passages=water).missing
    assert "va-bolag" in scorer.score("Vilka va-bolag får stöd?", language="sv", passages=water).matched


def test_a_compound_no_lexicon_splits_is_found_by_its_head_and_a_word_its_first_part_starts(
        scorer: SupportScorer) -> None:
    """No lexicon knows "bredband": "bredbandsuppdraget" is found in a text on "uppdraget" that says
    "bredbandsinfrastruktur", not in one on another "uppdrag" alone."""
    text = "Uppdraget gäller satsningar på bredbandsinfrastruktur och ska redovisas senast den 15 april."
    found = scorer.score("När ska bredbandsuppdraget redovisas?", language="sv", passages=[passage(text, 0.85)])
    assert "bredbandsuppdraget" in found.matched
    other = "Uppdraget gäller vägar och ska redovisas senast den 15 april."
    missing = scorer.score("När ska bredbandsuppdraget redovisas?", language="sv", passages=[passage(other, 0.85)])
    assert "bredbandsuppdraget" in missing.missing


def test_a_question_with_most_of_its_words_in_the_passages_is_not_refused_for_its_distance(
        scorer: SupportScorer) -> None:
    """Most of the question's words found is enough (here all but "dag", 0.68 of their weight); a
    question about something else is refused."""
    support = scorer.score("Hur många praktikplatser ska nyanlända erbjudas i dag?", language="sv",
                           passages=[passage(SWEDISH, 0.79)])
    assert not support.too_far and support.score >= 0.55
    assert scorer.score("Hur många parkeringsplatser finns vid badhuset för nyanlända?", language="sv",
                        passages=[passage(SWEDISH, 0.79)]).too_far


def test_an_english_word_swedish_writes_alike_is_addressed_whatever_sense_the_glossary_gives(
        lexical: LexicalIndex) -> None:
    """"Operations" is glossed as verksamhet; a text on surgery writes "operationer", and speaks of them."""
    check = ConceptCheck(lexical=lexical, glossary=Glossary.load_default())
    question = "Which months' operations count when the money is shared out among the regions?"
    surgery = set(lexical.analyzer.terms("Medlen fördelas efter antalet genomförda operationer av höftledsproteser."))
    assert check.unaddressed(question, surgery) == ()
    assert check.unaddressed(question, set(lexical.analyzer.terms("Pengarna fördelas till regionerna."))) != ()


def scorer_over(texts: list[str]) -> SupportScorer:
    """A scorer over an index of ``texts`` alone, built as an index is (no closeness floors)."""
    return SupportScorer(lexical=index_over(texts), glossary=Glossary.load_default(), municipalities=[])


def test_a_swedish_word_is_addressed_by_a_compound_starting_with_its_whole_stem_not_by_its_own_parts() -> None:
    """"försöket" is spoken of by "försöksverksamheten"; "personalparkeringen" is not by "personalen"."""
    texts = ["Försöksverksamheten ska bedrivas under åren 2024–2027 med en miljöpremie.",
             "Personalen ska ha tillgång till kommunens lokaler."]
    scorer = scorer_over(texts)
    trial = scorer.score("Under vilka år ska försöket med miljöpremie pågå?", language="sv",
                         passages=[passage(texts[0], 0.9)])
    assert "försöket" in trial.matched
    parking = scorer.score("Hur får jag tillstånd till personalparkeringen?", language="sv",
                           passages=[passage(texts[1], 0.9)])
    assert "personalparkeringen" in parking.missing


def test_a_swedish_question_reads_an_english_page_through_the_glossary() -> None:
    texts = ["Two key factors underpinning the new strategic direction are our industrial capacity and our "
             "geostrategic position."]
    support = scorer_over(texts).score("Vilka faktorer ligger bakom den strategiska inriktningen?", language="sv",
                           passages=[passage(texts[0], 0.9)])
    assert "strategiska" in support.matched


def test_a_word_broken_by_soft_hyphens_is_written_whole_for_the_concepts_asked_about() -> None:
    """The index reads "slut\u00adredovisas" as its parts (``parse.characters``); the passage still
    speaks of a final report, so "final report" is no concept the documents leave out."""
    texts = ["Uppdraget sträcker sig över perioden 2020–2024 och slut\u00adredovisas i oktober 2024."]
    support = scorer_over(texts).score("When is the committee's final report due?", language="en",
                                       passages=[passage(texts[0], 0.9)])
    assert "slutredovisning" not in support.unaddressed and support.score > 0


def test_sheltered_housing_is_a_womens_shelter_as_well_as_housing_for_older_people() -> None:
    topics = Glossary.with_service_topics(Glossary.load_default())
    named = [entry.term for entry in topics.named_in_english("How many children stay in sheltered housing?")]
    assert "skyddat boende" in named and "trygghetsboende" in named


def test_a_names_words_are_no_concept_the_passages_must_speak_of() -> None:
    """"the Volvo Group" is no kommunkoncern (the glossary's "group"), and "the Statement of Foreign
    Policy" is "Utrikesdeklarationen" to a Swedish page; the same words outside a name are concepts."""
    texts = ["Volvokoncernen har produktion i 18 länder och försäljning på över 190 marknader."]
    scorer = scorer_over(texts)
    named = scorer.score("In how many countries does the Volvo Group have production?", language="en",
                         passages=[passage(texts[0], 0.9)])
    assert not named.unaddressed
    plain = scorer.score("How many companies in the municipal group have production abroad?", language="en",
                         passages=[passage(texts[0], 0.9)])
    assert plain.unaddressed


def test_a_court_case_named_by_its_party_asks_for_no_case_file() -> None:
    """"the Wassdahl case" is "målet Wassdahl mot Sverige", not an ärende (the glossary's "case")."""
    texts = ["Skatteprocessen i målet Wassdahl mot Sverige tog totalt cirka sju år och tre månader."]
    scorer = scorer_over(texts)
    named = scorer.score("How long did the tax proceedings in the Wassdahl case last in total?", language="en",
                         passages=[passage(texts[0], 0.9)])
    assert "ärende" not in named.unaddressed
    plain = scorer.score("How long does the handling of a case take?", language="en",
                         passages=[passage(texts[0], 0.9)])
    assert "ärende" in plain.unaddressed


def test_what_a_thing_is_meant_to_achieve_asks_for_its_purpose_not_for_achieving() -> None:
    """The glossary's "achieve" is uppnå; "Avsikten är att främja …" states the purpose without it."""
    texts = ["Avsikten med förslagen är att främja kapitalmarknadsfinansiering för små och medelstora företag."]
    support = scorer_over(texts).score("What is the proposal mainly intended to achieve for smaller companies?",
                                       language="en", passages=[passage(texts[0], 0.9)])
    assert "uppnå" not in support.unaddressed


def test_an_inquiry_s_final_report_is_its_slutbetankande() -> None:
    texts = ["Utredningen ska lämna ett delbetänkande senast den 1 juni 2018 och ett slutbetänkande, som ska lämnas "
             "senast den 31 december 2018."]
    support = scorer_over(texts).score("By what date must the inquiry submit its final report?", language="en",
                                       passages=[passage(texts[0], 0.9)])
    assert "slutredovisning" not in support.unaddressed


def test_a_ministry_named_with_a_suspended_compound_part_is_spoken_of() -> None:
    """"Landsbygds- och infrastrukturdepartementet" is the Ministry of Rural Affairs and
    Infrastructure, though its first word ends in a hyphen."""
    texts = ["Under det senaste halvåret har Landsbygds- och infrastrukturdepartementet ansvarat för närmare "
             "30 möten inom olika områden."]
    support = scorer_over(texts).score(
        "Roughly how many meetings did the Ministry of Rural Affairs and Infrastructure handle?", language="en",
        passages=[passage(texts[0], 0.9)])
    assert not support.unaddressed and support.score > 0


def test_measured_by_is_spoken_of_by_matt_med() -> None:
    texts = ["Inflationen mätt med konsumentprisindex med fast ränta (KPIF) bedöms uppgå till 6 procent i "
             "genomsnitt 2023."]
    support = scorer_over(texts).score(
        "What average inflation, measured by the consumer price index, was forecast for 2023?", language="en",
        passages=[passage(texts[0], 0.9)])
    assert "mätning" not in support.unaddressed


def test_a_small_number_in_figures_is_spoken_of_by_the_number_written_out() -> None:
    """"before turning 18" is "innan han eller hon fyllt arton år" in the text."""
    texts = ["Rätten ska även omfatta den som påbörjar utbildningen i anstalt innan han eller hon fyllt arton år.",
             "Åldersgränsen höjs från 16 till 18 år."]  # the figures are in the index, not in the passage
    scorer = scorer_over(texts)
    support = scorer.score("Does the right cover someone who starts before turning 18?", language="en",
                           passages=[passage(texts[0], 0.9)])
    assert "18" in support.matched
    other = scorer.score("Does the right cover someone who starts before turning 16?", language="en",
                         passages=[passage(texts[0], 0.9)])
    assert "16" in other.missing


def test_an_english_word_ending_in_ive_is_written_as_swedish_writes_it() -> None:
    """"initiative" is "initiativ" (the glossary's insats is another sense)."""
    texts = ["Jag är tacksam för vitboken som ministern tog initiativ till."]
    support = scorer_over(texts).score("Who took the initiative for the white paper?", language="en",
                                       passages=[passage(texts[0], 0.9)])
    assert "insats" not in support.unaddressed


def test_asking_what_an_abbreviation_stands_for_asks_about_the_abbreviation() -> None:
    """The text spells "NCQG" out and never says "förkortning"."""
    texts = ["Åtagandet blir en viktig pusselbit i genomförandet av det nya klimatfinansieringsmålet NCQG "
             "(New Collective Quantified Goal on Climate Finance)."]
    support = scorer_over(texts).score("Vad står förkortningen NCQG för?", language="sv",
                                       passages=[passage(texts[0], 0.9)])
    assert support.missing == () and support.score == 1.0


def test_a_phrase_used_as_a_verb_names_no_concept_the_passages_must_hold(scorer: SupportScorer) -> None:
    # "must the inquiry report?" asks when it reports; "the inquiry report" as a noun is a betänkande,
    # which no passage here speaks of.
    reports = [passage(ASSIGNMENT, 0.80)]
    assert scorer.score("And by when must the inquiry report?", language="en", passages=reports).unaddressed == ()
    assert "betänkande" in scorer.score("What does the inquiry report say about admission requirements?",
                                        language="en", passages=reports).unaddressed
    # A noun after a modal with no subject before it is no verb.
    assert "betänkande" in scorer.score("How quickly must inquiry reports be published?", language="en",
                                        passages=reports).unaddressed


def test_a_thing_called_by_the_glossarys_name_for_it_must_be_written_in_the_passages(lexical: LexicalIndex) -> None:
    """"the new Social Services Act" is socialtjänstlagen: passages on another act's entry into force
    are about something else, though they speak of entering into force."""
    check = ConceptCheck(lexical=lexical, glossary=Glossary.load_default())
    question = "On what date is the new Social Services Act to enter into force?"
    other = set(lexical.analyzer.terms("Bestämmelserna om revisioner föreslås träda i kraft den 1 januari 2024."))
    assert check.unaddressed(question, other) == ("socialtjänstlagen",)
    named = set(lexical.analyzer.terms("Den nya socialtjänstlagen träder i kraft den 1 juli 2025."))
    assert check.unaddressed(question, named) == ()
    # A name of which the glossary knows only a part is the document's to write its own way.
    assert names_whole("social services act", question)
    assert not names_whole("social services", "Which Social Services Department runs the shelter?")


def test_a_compound_concept_is_spoken_of_by_its_parts_written_apart(lexical: LexicalIndex) -> None:
    """"the support package" (stödpaket) is what "ett lagstiftningspaket om makrofinansiellt stöd"
    speaks of; a text with only one of the parts does not."""
    check = ConceptCheck(lexical=lexical, glossary=Glossary.load_default())
    question = "Does the Swedish government back the proposed Ukraine support package?"
    apart = set(lexical.analyzer.terms("Kommissionen föreslår ett lagstiftningspaket om makrofinansiellt stöd. "
                                       "Regeringen stödjer därför det föreslagna lagstiftningspaketet."))
    assert "stödpaket" not in check.unaddressed(question, apart)
    one_part = set(lexical.analyzer.terms("Kommissionen föreslår ett lagstiftningspaket för Ukraina."))
    assert "stödpaket" in check.unaddressed(question, one_part)


def test_a_compound_whose_parts_share_a_letter_is_spoken_of_by_its_short_head_written_as_a_word(
        lexical: LexicalIndex) -> None:
    """"consultation responses" (remissvar: "remiss" + "svar", one "s" dropped) are what "svara på
    remissen" speaks of; a short head counts only as a word of its own ("ansvar" ends in "svar")."""
    check = ConceptCheck(lexical=lexical, glossary=Glossary.load_default())
    question = "What is the last day to submit consultation responses on the memorandum?"
    answered = set(lexical.analyzer.terms("Sista datum att svara på remissen är fredagen den 25 augusti."))
    assert "remissvar" not in check.unaddressed(question, answered)
    suffix_only = set(lexical.analyzer.terms("Remissen skickas ut i dag. Ansvaret ligger hos departementet."))
    assert "remissvar" in check.unaddressed(question, suffix_only)


def test_a_verb_before_as_or_for_names_no_concept(scorer: SupportScorer) -> None:
    """"will act as host authority" acts (no act, lag); "will that agency provide for the council"
    provides (no erbjuda)."""
    agency = [passage("Klimatpolitiska rådet inrättas som en ny nämndmyndighet med Formas som värdmyndighet.", 0.85)]
    support = scorer.score("Which research funding agency will act as host authority for the new Climate Policy "
                           "Council? what will that agency provide for the council", language="en", passages=agency)
    assert "lag" not in support.missing and "erbjuda" not in support.missing


def test_a_contractor_is_an_entreprenor_as_well_as_a_supplier(scorer: SupportScorer) -> None:
    liability = [passage("Entreprenörsansvaret ska vara strikt på så sätt att en entreprenör inte ska kunna åberopa "
                         "att rimliga kontrollåtgärder vidtagits för att gå fri från ansvar.", 0.85)]
    assert scorer.score("Can a contractor avoid liability by showing it took reasonable checks?", language="en",
                        passages=liability).unaddressed == ()


def test_a_form_of_a_thing_is_its_kind_not_a_form_to_fill_in(scorer: SupportScorer) -> None:
    """"some form of diabetes" asks about diabetes: no blankett is missing."""
    adults = [passage("Var tionde vuxen lever med någon typ av diabetes.", 0.85)]
    support = scorer.score("What share of adults live with some form of diabetes?", language="en", passages=adults)
    assert "blankett" not in support.missing and "blankett" not in support.unaddressed
    forms = [passage("Ansökan görs på en särskild blankett.", 0.85)]
    assert "blankett" not in scorer.score("Which form do I use to apply?", language="en", passages=forms).missing


def test_a_figure_joined_to_english_words_is_read_as_the_figure() -> None:
    """"15-year-olds" is "15-åringarna" in the text: the figure reads the same, its words do not."""
    texts = ["Vi har en läskris i skolan där 25 procent av 15-åringarna inte kan läsa en enklare text.",
             "Bland 16-åringarna läser fler."]  # in the index, not in the passage
    scorer = scorer_over(texts)
    support = scorer.score("What share of 15-year-olds cannot read a simple text?", language="en",
                           passages=[passage(texts[0], 0.9)])
    assert support.matched == ("15",) and support.missing == ()
    older = scorer.score("What share of 16-year-olds cannot read a simple text?", language="en",
                         passages=[passage(texts[0], 0.9)])
    assert older.missing == ("16",)


def test_a_code_of_letters_and_digits_no_document_uses_is_not_supported() -> None:
    """"COP18" reads the same in English and Swedish: passages on COP16 and COP17 do not speak of it."""
    texts = ["Nästa partsmöte, COP17, äger rum i Jerevan, Armenien, 2026.",
             "FN:s 16:e möte inom konventionen för biologisk mångfald, CBD COP16, hölls i Cali."]
    scorer = scorer_over(texts)
    passages = [passage(text, 0.9) for text in texts]
    assert scorer.score("Where will the COP18 biodiversity meeting be held?", language="en",
                        passages=passages).missing == ("cop18",)
    assert scorer.score("Where will the COP17 biodiversity meeting be held?", language="en",
                        passages=passages).score == 1.0
    # An ordinal or a decade written the English way is no code: Swedish writes "16:e", "1990-talet".
    assert scorer.score("What did the 16th meeting in the 1990s decide?", language="en",
                        passages=passages).missing == ()


def test_a_follow_ups_thing_named_again_is_no_concept_the_passages_must_write() -> None:
    """In a follow-up "the money" is the earlier question's investment ("satsningen"), by whatever
    name the pages give it; asked alone, the concept of money is still looked for."""
    texts = ["Syftet med satsningen är att undvika kraftiga avgiftshöjningar inom GAS-systemet."]
    scorer = scorer_over(texts)
    question = "What is the money meant to achieve?"
    assert scorer.score(question, language="en", passages=[passage(texts[0], 0.9)]).unaddressed
    assert not scorer.score(question, language="en", passages=[passage(texts[0], 0.9)], follow_up=True,
                            searched_alone=True).unaddressed
    # Joined to the earlier question, its words are that question's too: "the initiative" is asked about.
    joined = f"Who took the initiative for the fund? {question}"
    assert scorer.score(joined, language="en", passages=[passage(texts[0], 0.9)], follow_up=True).unaddressed
