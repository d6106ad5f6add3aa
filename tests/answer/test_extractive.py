"""The default answerer over the real corpus: cited, verbatim, in the question's language, and
silent when the policies are."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from assistant.facade import PolicyAssistant
from assistant.models import Answer, ChatTurn, Filters


def assert_well_formed(answer: Answer, assistant: PolicyAssistant) -> None:
    """Every [n] resolves, every citation is used, every quote is the source text at its offsets."""
    used = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert used == {c.n for c in answer.citations}
    for citation in answer.citations:
        source = assistant.document_text(citation.document_id)[citation.start:citation.end]
        assert " ".join(source.split()) == " ".join(citation.quote.split()) != ""


def test_who_owns_housing_goals_names_tierps_role_with_citations(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("Who owns housing goals?")
    assert not answer.abstained and answer.mode == "extractive" and answer.language == "en"
    assert "Chef kvalitet och strategisk utveckling" in answer.answer
    owner = next(c for c in answer.citations if c.quote == "Chef kvalitet och strategisk utveckling")
    assert owner.document_id == "tierp-handlingsplan-for-integration"
    assert owner.section == "Handlingsplan för integration > Boende"
    assert_well_formed(answer, assistant)


def test_a_table_row_is_quoted_starting_with_the_cell_that_answers(assistant: PolicyAssistant) -> None:
    """"How often?" is answered by the timeline cell, then the activity asked about; "who?" by
    the responsible cell: not by the row's first column."""
    often = assistant.ask("How often are residents told about the language cafés in Tierp?")
    assert "gånger per termin" in often.citations[0].quote
    assert "språkcaféer" in often.citations[1].quote
    # Each cell is read under its column's name: "2018, minst två gånger per termin" is a timeline.
    assert "Tidplan: “2018" in often.answer and "Aktivitet: “Informera" in often.answer
    done = assistant.ask("What does Tierp plan to do so that new arrivals understand how the labour market works?")
    assert done.citations[0].quote.startswith("Ordna studiebesök")  # the activity, not the problem it meets
    who = assistant.ask("Vem i Tierp ska ordna studiebesök för nyanlända?")
    assert who.citations[0].quote.startswith("Kommunledningsgruppen")
    assert who.citations[1].quote.startswith("Ordna studiebesök")
    # Another cell naming a profession ("brist på modersmålslärare") does not come before the responsible.
    teachers = assistant.ask("Vem ska lösa bristen på modersmålslärare och studiehandledare i Tierp?")
    assert teachers.citations[0].quote.startswith("Rektorer grundskola")
    assert_well_formed(often, assistant)
    assert_well_formed(who, assistant)


def test_swedish_responsibility_questions_are_framed_in_swedish(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("Vem ansvarar för uppföljningen av integrationsarbetet i Åstorp?")
    assert answer.language == "sv" and not answer.abstained
    assert answer.answer.startswith("Ansvar enligt policydokumenten")
    assert "Kommunstyrelsen" in answer.answer
    assert_well_formed(answer, assistant)


def test_metadata_questions_answer_from_the_header_and_cite_the_stated_field(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("When was the Tierp integration action plan adopted?")
    assert "2017-05-30" in answer.answer
    assert answer.citations[0].quote == "Fastställd datum 2017-05-30"
    owner = assistant.ask("Vem är dokumentansvarig för Värnamos integrationspolicy?")
    assert "Anneli Forsgren" in owner.answer and owner.language == "sv"
    assert_well_formed(owner, assistant)


def test_an_expired_document_is_flagged(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("Until when is Tierp's action plan valid?")
    assert "2018-12-31" in answer.answer
    assert "Note: Handlingsplan för integration was valid until 2018-12-31." in answer.answer


@pytest.mark.parametrize("question", [
    "När plogas gatorna i Tranås efter snöfall?",
    "How much does a residential parking permit cost in Tierp?",
    "Vad blir det för lunch i skolorna i Åstorp på fredag?",
])
def test_it_abstains_when_the_policies_are_silent_and_offers_the_closest_passages(
        assistant: PolicyAssistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained
    expected = "Policydokumenten besvarar inte detta." if answer.language == "sv" else \
        "The policies in the corpus do not answer this."
    assert answer.answer.startswith(expected)
    assert answer.citations  # the suggestions, cited
    assert_well_formed(answer, assistant)


def test_an_english_question_whose_concepts_no_swedish_passage_names_abstains(assistant: PolicyAssistant) -> None:
    # "bill" and "charge" (the glossary's proposition, avgift) appear in none of the passages found
    answer = assistant.ask("Why has the water and sewage bill gone up this year, and how is the fixed charge "
                           "calculated?", record=False)
    assert answer.abstained and answer.answer.startswith("The policies in the corpus do not answer this.")
    assert not assistant.ask("Who owns housing goals?", record=False).abstained


def test_a_municipality_without_documents_is_named_in_the_abstention(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("What is Malmö's integration budget for this year?")
    assert answer.abstained and "Malmö" in answer.answer and "Tierp" in answer.answer


def test_follow_ups_carry_the_topic_and_replace_the_municipality(assistant: PolicyAssistant) -> None:
    history = [ChatTurn(role="user", content="Who is responsible for housing in Tierp?"),
               ChatTurn(role="assistant", content="Chef kvalitet och strategisk utveckling [1].")]
    answer = assistant.ask("And in Tranås?", history=history)
    assert not answer.abstained
    assert {c.municipality for c in answer.citations} == {"Tranås"}
    assert_well_formed(answer, assistant)


def test_filters_restrict_the_answer(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("Vem ansvarar för uppföljningen?", filters=Filters(municipality="Värnamo"))
    assert {c.municipality for c in answer.citations} == {"Värnamo"}


def test_lists_are_quoted_with_their_introduction(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("Vilka fokusområden bygger Tranås integrationsprogram på?")
    assert "Arbete och studier" in answer.answer
    assert_well_formed(answer, assistant)


def test_a_question_for_what_a_term_means_is_answered_by_the_sentence_defining_it(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("How do we define a newcomer?")
    assert "Nyanländ är den som har uppehållstillstånd" in answer.citations[0].quote


def test_points_from_the_document_above_do_not_repeat_its_name(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("What does Dals-Ed's policy say about language learning?", record=False)
    bullets = [line for line in answer.answer.splitlines() if line.startswith("- ")]
    assert len(bullets) >= 2 and {c.document_id for c in answer.citations} == {"dals-ed-policy-for-integrationsarbetet"}
    assert bullets[0].startswith("- Dals-Ed, Policy för integrationsarbetet")
    # The label before the quote does not name the document again (the quote itself may).
    assert all("Dals-Ed" not in line.partition("“")[0] for line in bullets[1:])
    assert_well_formed(answer, assistant)


def test_streaming_yields_the_same_answer_piece_by_piece(assistant: PolicyAssistant) -> None:
    from assistant.answer.base import AnswerDelta, AnswerFinal

    events = list(assistant.ask_stream("Who owns housing goals?"))
    final = events[-1]
    assert isinstance(final, AnswerFinal)
    assert "".join(e.text for e in events if isinstance(e, AnswerDelta)) == final.answer.answer


def test_status_notes_use_the_injected_date() -> None:
    from assistant.answer.extractive import ExtractiveAnswerer
    from assistant.glossary import Glossary

    answerer = ExtractiveAnswerer(glossary=Glossary.load_default(), today=dt.date(2018, 1, 1))
    assert answerer._status_notes([], "en") == []


def test_a_document_is_named_by_its_title_words_inflected_not_by_words_sharing_their_start() -> None:
    """A metadata answer comes from the document the question names: "integrated into all policy
    areas" names no "Policy för integrationspolitik", and a question about an event in another text
    is not answered with that policy's adoption date."""
    from assistant.answer.named_documents import names_document
    from assistant.models import DocumentInfo
    policy = DocumentInfo(id="p", title="Policy för integrationspolitik", source_path="p.txt")
    assert not names_document("When did the PM decide that gender equality must be integrated into all policy "
                               "areas?", policy)
    assert names_document("När antogs policyn för integrationspolitiken?", policy)
    assert names_document("Who adopted the integrationspolitik policy?", policy)



CONTACT_NOTICE = """Ändringar i avfallsförordningen

Regeringen har i dag beslutat om ändringar i avfallsförordningen om insamling av elavfall från hushåll.
Ändringarna träder i kraft den 1 juli 2026 och gäller för alla kommuner.
Naturvårdsverket ska följa upp hur kommunerna tillämpar de nya reglerna.

Kontakt

Frågor om ändringarna besvaras av Karin Lund, rättssakkunnig på Miljödepartementet, telefon 08-405 10 00.
"""


def test_a_question_for_whom_to_call_is_answered_by_the_contact_line(tmp_path, embedder, glossary) -> None:
    """"Vem kan jag ringa …?" is answered by the line with a phone number, not by the sentence
    naming the agency that follows the rules up."""
    from tests.conftest import make_assistant

    corpus = tmp_path / "source"
    corpus.mkdir()
    (corpus / "andringar-i-avfallsforordningen.txt").write_text(CONTACT_NOTICE, encoding="utf-8")
    notice = make_assistant(tmp_path, embedder, glossary, corpus=corpus)
    notice.ensure_index()
    for question in ("Vem kan jag ringa om ändringarna i avfallsförordningen?",
                     "Who do I contact about the changes to the waste ordinance?"):
        answer = notice.ask(question, record=False)
        assert not answer.abstained
        assert "08-405 10 00" in answer.citations[0].quote, question
        assert_well_formed(answer, notice)


def test_a_question_for_whom_to_contact_in_a_policy_without_contact_details_names_who_handles_it(
        assistant: PolicyAssistant) -> None:
    """The five policies give no phone numbers: "Vem kan jag kontakta …?" is read as who handles
    the matter, a post or a body."""
    from assistant.answer.answer_type import AnswerType
    from assistant.answer.fact_forms import states

    answer = assistant.ask("Vem kan jag kontakta om integrationsfrågor i Tierp?", record=False)
    assert not answer.abstained
    assert states(AnswerType.BODY, answer.citations[0].quote)
    assert_well_formed(answer, assistant)


FUND_PLATFORM_NOTICE = """Ett upphandlat fondtorg för premiepensionen

## Urval av fonder

Fondtorget ska erbjuda upphandlade fonder. Det framstår som sannolikt att premiepensionens fondtorg \
får ett antal fonder i nivå med tjänstepensionens valbara del, det vill säga 150–200 fonder. Detta ska \
dock inte ses som ett maxtak, frågan om antalet avgörs av den nya myndigheten i dess upphandlingar.

Fonderna ska vara kostnadseffektiva, hållbara och av hög kvalitet.

## Tillsyn

Myndigheten ska löpande granska fondförvaltarna och rapportera till regeringen varje år.
"""


def test_a_yes_or_no_follow_up_about_a_figure_is_answered_by_whether_it_holds(tmp_path, embedder, glossary) -> None:
    """"Is that number a fixed ceiling?" after a question for a number is answered by the sentence
    saying whether it is, which states no number: the follow-up is asked on its own once no passage
    gives the kind of fact the earlier question asked for."""
    from tests.conftest import make_assistant

    corpus = tmp_path / "source"
    corpus.mkdir()
    (corpus / "fondtorget.txt").write_text(FUND_PLATFORM_NOTICE, encoding="utf-8")
    notice = make_assistant(tmp_path, embedder, glossary, corpus=corpus)
    notice.ensure_index()
    earlier = "Roughly how many funds is the premium pension fund platform expected to offer?"
    first = notice.ask(earlier, record=False)
    history = [ChatTurn(role="user", content=earlier), ChatTurn(role="assistant", content=first.answer)]
    answer = notice.ask("Is that number a fixed ceiling?", history, record=False)
    assert not answer.abstained
    assert "maxtak" in answer.citations[0].quote
    assert_well_formed(answer, notice)


MINERAL_HUNT = """SGU ska återinrätta tävlingen om mineralfynd

Regeringen ger Sveriges geologiska undersökning (SGU) i uppdrag att åter anordna en tävling där \
privatpersoner letar efter värdefulla mineral. Tre miljoner kronor av anslaget ska användas till tävlingen.
"""
RAIL_MAINTENANCE = """Tilläggsdirektiv om underhåll av järnvägen

Utredaren ska analysera hur underhållet av järnvägen kan föras över till Trafikverket. \
Uppdraget ska i stället redovisas senast den 31 december 2019.
"""


def test_an_english_question_about_a_named_agency_is_not_answered_by_another_documents_deadline(
        tmp_path, embedder, glossary) -> None:
    """"By what date must the Geological Survey of Sweden report …?" names SGU by its English name:
    a deadline in a document that never names SGU is not SGU's, so the documents do not say."""
    from tests.conftest import make_assistant

    corpus = tmp_path / "source"
    corpus.mkdir()
    (corpus / "sgu-tavling.txt").write_text(MINERAL_HUNT, encoding="utf-8")
    (corpus / "jarnvag.txt").write_text(RAIL_MAINTENANCE, encoding="utf-8")
    both = make_assistant(tmp_path, embedder, glossary, corpus=corpus)
    both.ensure_index()
    answer = both.ask("By what date must the Geological Survey of Sweden report back on the mineral "
                      "competition?", record=False)
    assert answer.abstained
    assert "31 december 2019" not in answer.answer


MANILA_SPEECH = """Tal av försvarsministern i Manila

Se talet på engelska nedan.

Our two nations have enjoyed diplomatic relations for 77 years. We share both interests and values.
More than 40 Swedish companies are present in the Philippines today, and they are active in many sectors.
Sweden is just about to launch its Defence Policy for the Indo-Pacific.
"""


def test_a_swedish_question_counts_what_an_english_page_names(tmp_path, embedder, glossary) -> None:
    """"Hur många svenska företag …?" counts "företag"; an English speech says "40 Swedish companies"
    (the glossary's English for företag), and that answers it."""
    from tests.conftest import make_assistant

    corpus = tmp_path / "source"
    corpus.mkdir()
    (corpus / "tal-i-manila.txt").write_text(MANILA_SPEECH, encoding="utf-8")
    speech = make_assistant(tmp_path, embedder, glossary, corpus=corpus)
    speech.ensure_index()
    answer = speech.ask("Hur många svenska företag finns i Filippinerna enligt talet?", record=False)
    assert not answer.abstained
    assert "More than 40 Swedish companies" in answer.citations[0].quote
    assert_well_formed(answer, speech)


FIBRE_INQUIRY = """Utredning föreslår åtgärder för effektivare utbyggnad av fiber

Betänkandet överlämnades till civilminister Erik Slottner den 6 november.
– Jag ser fram emot att sätta mig in i utredningens förslag, säger civilminister Erik Slottner.
"""
NUCLEAR_CONFERENCE = """Stort engagemang vid regeringens kärnkraftskonferens

Carl Berglöf, regeringens nationella kärnkraftsamordnare, betonade att det behövs ett expanderat ekosystem.
Konferensen förbereddes i samarbete med Sveriges nationella kärnkraftssamordnare, Carl Berglöf.
"""
EU_REPRESENTATION = """Nya medarbetare vid EU-representationen

På EU-representationen efterträds handelsrådet Eva Posjnov av Fredrik Löfstedt, tidigare chef vid Finansdepartementet.
"""


def test_who_succeeded_someone_is_answered_only_by_a_sentence_saying_so(tmp_path, embedder, glossary) -> None:
    """"Vem efterträdde Erik Slottner som civilminister?" over a page that names him but no successor
    is not answered by the sentences naming him: the passages do not say. A page saying who
    succeeded someone answers."""
    from tests.conftest import make_assistant

    answers = {}
    for name, text, question in (
            ("fiber", FIBRE_INQUIRY, "Vem efterträdde Erik Slottner som civilminister?"),
            # A post's holder named in a responsibility question's role ("coordinator") says no more.
            ("nuclear", NUCLEAR_CONFERENCE,
             "Who succeeded Carl Berglöf as the government's national nuclear power coordinator?"),
            ("eu", EU_REPRESENTATION, "Vem efterträdde Eva Posjnov på EU-representationen?")):
        corpus = tmp_path / name / "source"
        corpus.mkdir(parents=True)
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
        assistant = make_assistant(tmp_path / name, embedder, glossary, corpus=corpus)
        assistant.ensure_index()
        answers[name] = assistant.ask(question, record=False)
    assert answers["fiber"].abstained and answers["nuclear"].abstained
    assert not answers["eu"].abstained and "Fredrik Löfstedt" in answers["eu"].citations[0].quote
