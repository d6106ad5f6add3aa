"""Answer selection: which unit of the retrieved passages answers, given how close each is to the
question and whether it states the kind of fact asked for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest

from assistant.answer.answer_type import AnswerType
from assistant.answer.asked_kind import asked_type
from assistant.answer.base import Passage
from assistant.answer.relations import Relation
from assistant.answer.selection import FEATURES, Selection, SelectionWeights, candidates, quoted_spans, select
from assistant.chunk import unit_spans
from assistant.models import DocumentInfo, Hit

TEXT = """Uppdrag att inrätta en samordnare

Regeringen uppdrar åt Trafikverket att inrätta en nationell samordnare för inrikes sjöfart.
För uppdraget får Trafikverket använda 12 miljoner kronor under perioden 2019–2024.
Trafikverket ska slutredovisa uppdraget senast den 30 juni 2024.

Samordnaren ska:

- främja inrikes sjöfart
- föra dialog med hamnar och kommuner
- utarbeta en handlingsplan
"""


def passage(start: str, end: str | None = None, *, similarity: dict[str, float] | None = None,
            text: str = TEXT, document: tuple[str, str] = ("samordnare", "Uppdrag att inrätta en samordnare"),
            section: str = "Uppdrag") -> Passage:
    """The prose passage of ``text`` (``TEXT``) from ``start`` to ``end``, its units scored by
    ``similarity`` (by the start of a unit's text; 0.80 for the rest), in ``document`` (id, title)."""
    a = text.index(start)
    b = text.index(end) + len(end) if end else len(text)
    document_id, title = document
    hit = Hit(chunk_id="c", document_id=document_id, title=title,
              municipality=None, section=section, section_path=[section], text=text[a:b], score=1.0, start=a, end=b)
    scores = {span: next((v for k, v in (similarity or {}).items() if text[span[0]:].startswith(k)), 0.80)
              for span in unit_spans(text[a:b], base=a)}
    info = DocumentInfo(id=document_id, title=title, source_path=f"{document_id}.md")
    return Passage(hit=hit, kind="text", document=info, document_text=text, dense_score=0.8, unit_scores=scores)


def quoted(question: str, passages: list[Passage]) -> tuple[list[str], bool]:
    answer_type = asked_type(question)
    ranked = candidates(passages, question=question, overlap=lambda _: 0.0, answer_type=answer_type)
    selection = select(ranked, question=question, answer_type=answer_type)
    return [" ".join(TEXT[a:b] for a, b in spans) for _, spans in selection.chosen], selection.missing_fact


def lead_unit(prose: Passage, question: str, *, relation: Relation | None) -> str:
    """The text of the unit of ``prose`` that ranks first for ``question``, read with the role it
    asks about beyond its kind of fact (``relations``)."""
    ranked = candidates([prose], question=question, overlap=lambda _: 0.0, answer_type=asked_type(question),
                        relation=relation)
    return ranked[0].text


def selected_over(passages: list[Passage], question: str, *,
                  overlap: Callable[[str], float] = lambda _: 0.0) -> Selection:
    """What ``select`` chooses for ``question`` from the units of ``passages``, ranked in that order."""
    answer_type = asked_type(question)
    ranked = candidates(passages, question=question, overlap=overlap, answer_type=answer_type)
    return select(ranked, question=question, answer_type=answer_type)


def test_the_sentence_stating_the_amount_leads_though_another_is_closer_in_topic() -> None:
    prose = passage("Regeringen uppdrar", "30 juni 2024.", similarity={"Regeringen": 0.85, "För uppdraget": 0.80})
    chosen, missing = quoted("How much can the Swedish Transport Administration spend?", [prose])
    assert not missing and "12 miljoner kronor" in chosen[0]


def test_a_deadline_question_is_answered_by_the_time_limit() -> None:
    prose = passage("Regeringen uppdrar", "30 juni 2024.", similarity={"Regeringen": 0.86})
    chosen, _ = quoted("By when must the final report be delivered?", [prose])
    assert "senast den 30 juni 2024" in chosen[0]


def test_a_fact_of_a_kind_no_passage_states_is_missing() -> None:
    prose = passage("Regeringen uppdrar", "30 juni 2024.")
    assert quoted("How many coordinators have been appointed so far?", [prose])[1]
    assert quoted("Who was appointed as the coordinator?", [prose])[1]  # no person is named
    assert quoted("Hur stor andel av godset går på fartyg?", [prose])[1]


def test_a_fact_is_read_as_a_reader_sees_it_through_soft_hyphens() -> None:
    # regeringen.se's pages hyphenate long words with soft hyphens, which Markdown keeps.
    text = ("Uppdrag\n\nEn skyldig\u00adhet för arbets\u00adgivare att anmäla ändringar, och en skyldighet för "
            "Migra\u00adtions\u00adverket att pröva tillståndet.\nArbetsgivare ska anmäla viktigare ändringar.\n")
    prose = passage("En skyldig", similarity={"Arbetsgivare": 0.83}, text=text)
    ranked = candidates([prose], question="Which agency would have to review the permit?", overlap=lambda _: 0.0,
                        answer_type=AnswerType.BODY)
    assert ranked[0].text.startswith("En skyldig") and ranked[0].states_type


def test_a_not_sign_for_a_hyphenation_point_is_read_past() -> None:
    text = ("Uppdrag\n\nI övrigt ska uppdraget redovisas senast den 30 december 2008.\nUppdraget i den del det "
            "avser import av spritdrycker ska redo¬visas senast den 30 december 2007.\n")
    prose = passage("I övrigt", similarity={"I övrigt": 0.84, "Uppdraget i": 0.80}, text=text)
    ranked = candidates([prose], question="När ska delen om import av spritdrycker redovisas?",
                        overlap=lambda t: 0.5 if "spritdrycker" in t else 0.0, answer_type=AnswerType.DEADLINE)
    assert all(c.states_type for c in ranked)  # "redo¬visas" reports as "redovisas" does


def test_a_time_about_another_event_does_not_answer() -> None:
    prose = passage("Regeringen uppdrar", "30 juni 2024.")
    assert quoted("When did the new rules come into force?", [prose])[1]


def test_a_sentence_announcing_a_list_is_quoted_with_the_whole_list_even_past_the_chunk() -> None:
    first_item_only = passage("Samordnaren ska:", "- främja inrikes sjöfart", similarity={"Samordnaren": 0.9})
    chosen, _ = quoted("What are the coordinator's tasks?", [first_item_only])
    assert chosen[0].startswith("Samordnaren ska:") and chosen[0].endswith("utarbeta en handlingsplan")


def test_an_item_of_the_list_asked_for_brings_its_siblings() -> None:
    items = passage("- främja inrikes sjöfart", similarity={"- föra dialog": 0.92})
    chosen, _ = quoted("Vilka uppgifter har samordnaren?", [items])
    assert chosen[0].startswith("Samordnaren ska:") and "främja inrikes sjöfart" in chosen[0]


def test_points_after_the_lead_must_be_nearly_as_good_and_state_the_fact_too() -> None:
    prose = passage("Regeringen uppdrar", "30 juni 2024.")
    chosen, _ = quoted("When is the final report due?", [prose])
    assert all(any(month in text for month in ("juni", "2019", "2024")) for text in chosen)
    assert asked_type("When is the final report due?") is AnswerType.DEADLINE


def test_the_packaged_weights_cover_every_feature_and_say_where_they_come_from() -> None:
    packaged = SelectionWeights.packaged()
    assert set(packaged.weights) == set(FEATURES)
    assert "tuning halves" in packaged.fitted_on
    assert SelectionWeights.from_json(packaged.to_json()) == packaged


def test_weights_naming_an_unknown_feature_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown selection features"):
        SelectionWeights.from_json('{"typed_margin": 0.1, "follow_margin": 0.08, '
                                   '"weights": {"similarity": 1.0, "colour": 2.0}}')


def test_a_dated_sentence_nearly_as_close_as_the_best_answers_when() -> None:
    """A "when?" is answered by the sentence on the topic that has a date, though another is closer;
    with no sentence stating a count, a "how many?" is missing."""
    prose = passage("Regeringen uppdrar", "30 juni 2024.", similarity={"Regeringen": 0.86, "Trafikverket ska": 0.84})
    chosen, missing = quoted("When must the final report be delivered?", [prose])
    assert not missing and "30 juni 2024" in chosen[0]
    assert quoted("How many coordinators have been appointed so far?", [prose])[1]


def test_a_lead_in_is_quoted_with_its_items_numbered_or_continued_over_lines() -> None:
    text = ("Myndigheten ska:\n\n1. främja inrikes sjöfart och\n   föra dialog med hamnar\n"
            "2. utarbeta en handlingsplan\n\nÖvrigt.\n")
    info = DocumentInfo(id="d", title="Uppdrag", source_path="d.md")
    hit = Hit(chunk_id="c", document_id="d", title="Uppdrag", municipality=None, section="Uppdrag",
              section_path=["Uppdrag"], text=text, score=1.0, start=0, end=len(text))
    scores = {span: (0.9 if text[span[0]:].startswith("Myndigheten") else 0.7) for span in unit_spans(text, base=0)}
    lead_in = Passage(hit=hit, kind="text", document=info, document_text=text, dense_score=0.8, unit_scores=scores)
    ranked = candidates([lead_in], question="What must the agency do?", overlap=lambda _: 0.0, answer_type=None)
    best = ranked[0]
    assert best.text.startswith("Myndigheten ska:") and best.features["lead_in"] == 1.0
    (span,) = select(ranked, question="What must the agency do?", answer_type=None).chosen[0][1]
    assert text[span[0]:span[1]].endswith("2. utarbeta en handlingsplan")
    assert "föra dialog med hamnar" in text[span[0]:span[1]]


def test_an_item_stopping_mid_phrase_is_quoted_with_the_items_under_it() -> None:
    text = ("Utredaren ska\n\n- förtydliga regler som är otydliga;\n"
            "- särskilt utreda behovet av förändringar i alkohollagen i fråga om\n"
            "- detaljhandel med öl,\n- brandskydd på serveringsställe;\n\nÖvrigt.\n")
    lead = lead_quote(text, "- särskilt utreda", "What must the investigator look into about the alcohol act?")
    assert lead.startswith("- särskilt utreda") and lead.endswith("brandskydd på serveringsställe;")
    # An item that ends as items do is quoted alone.
    assert lead_quote(text, "- förtydliga", "What must the investigator clarify?").endswith("som är otydliga;")
    # The item before a list's last ends in "och": the last item is not under it.
    listed = "Utredaren ska\n\n- utvidga registret till pandemivaccinationer, och\n- lämna författningsförslag.\n"
    assert lead_quote(listed, "- utvidga", "What register should be widened?").endswith("pandemivaccinationer, och")
    # A question for a list ("which specific topics …?") is answered by all of it.
    assert lead_quote(text, "- förtydliga", "Which specific topics must be clarified?").endswith("serveringsställe;")
    assert lead_quote(text, "- förtydliga", "Which agency is to clarify them?").endswith("som är otydliga;")


def prose(text: str, closest: str) -> Passage:
    """A passage of all of ``text``, the unit starting with ``closest`` nearest the question."""
    info = DocumentInfo(id="d", title="Program", source_path="d.md")
    hit = Hit(chunk_id="c", document_id="d", title="Program", municipality=None, section="Bakgrund",
              section_path=["Bakgrund"], text=text, score=1.0, start=0, end=len(text))
    scores = {span: (0.9 if text[span[0]:].startswith(closest) else 0.7) for span in unit_spans(text, base=0)}
    return Passage(hit=hit, kind="text", document=info, document_text=text, dense_score=0.8, unit_scores=scores)


def lead_quote(text: str, closest: str, question: str) -> str:
    """What the answer quotes first from a passage of all of ``text`` whose unit starting with
    ``closest`` is nearest ``question``."""
    answer_type = asked_type(question)
    ranked = candidates([prose(text, closest)], question=question, overlap=lambda _: 0.0, answer_type=answer_type)
    (span,) = select(ranked, question=question, answer_type=answer_type).chosen[0][1]
    return text[span[0]:span[1]]


def test_a_sentence_pointing_back_is_quoted_with_the_sentence_it_points_to() -> None:
    text = ("Bakgrund\n\nKommunstyrelsen beslutade den 18 november 2014 att ta fram en strategi. "
            "Programmet är framtaget mot bakgrund av detta beslut.\n\nProgrammet gäller alla.\n")
    assert lead_quote(text, "Programmet är", "Why was the programme written?") == (
        "Kommunstyrelsen beslutade den 18 november 2014 att ta fram en strategi. "
        "Programmet är framtaget mot bakgrund av detta beslut.")


def test_a_sentence_pointing_back_across_a_paragraph_or_to_a_list_item_stands_alone() -> None:
    text = "Strategin antogs 2014.\n\nDetta innebär att alla nämnder ska delta.\n\n- en punkt\nDärför gäller den.\n"
    for closest, expected in (("Detta", "Detta innebär att alla nämnder ska delta."),
                              ("Därför", "Därför gäller den.")):
        assert lead_quote(text, closest, "What does it mean?") == expected


def test_a_sentence_stopping_short_above_a_list_is_quoted_with_it_and_a_purpose_raises_it() -> None:
    text = ("Syfte\n\nProgrammet gäller alla nämnder.\n\nSyftet med detta program är att\n\n"
            "- konkretisera den politiska viljan\n- nå systematisk uppföljning\n\nÖvrigt.\n")
    question = "What is the programme for, what is its purpose?"
    ranked = candidates([prose(text, "Programmet gäller")], question=question, overlap=lambda _: 0.0,
                        answer_type=asked_type(question))
    lead = next(c for c in ranked if c.text.startswith("Syftet"))
    assert lead.features["lead_in"] == 1.0 and lead.states_type  # it states a purpose
    (span,) = select([lead], question=question, answer_type=None).chosen[0][1]
    assert text[span[0]:span[1]].startswith("Syftet med detta program är att")
    assert text[span[0]:span[1]].endswith("- nå systematisk uppföljning")


def test_a_fragment_is_quoted_with_what_it_is_about_on_its_line_without_the_bullet() -> None:
    text = ("Åtgärder:\n\n- Ordna studiebesök för nyanlända.\n"
            "- Utveckla samarbetet med skolan. Det gäller både integration och personal. Klart innan juni 2014.\n")
    assert lead_quote(text, "Klart innan", "When should the cooperation with the school be developed?") == (
        "Utveckla samarbetet med skolan. Det gäller både integration och personal. Klart innan juni 2014.")


def test_a_sentence_pointing_forward_is_quoted_with_the_sentence_after_it_but_not_past_a_heading() -> None:
    text = ("Vision\n\nI kommunen sammanfattas detta i nedanstående vision.\n\n"
            "Kommunen ska präglas av alla människors lika rättigheter.\n\nÖvrigt gäller.\n")
    assert lead_quote(text, "I kommunen", "What is the vision?") == (
        "I kommunen sammanfattas detta i nedanstående vision.\n\n"
        "Kommunen ska präglas av alla människors lika rättigheter.")
    headed = "Mål\n\nMålen beskrivs nedan.\n\n# Mål 1\n\nAlla ska ha arbete.\n"
    assert lead_quote(headed, "Målen", "What are the goals?") == "Målen beskrivs nedan."


def test_a_time_limit_leads_a_deadline_answer_over_a_closer_sentence_that_only_dates_something() -> None:
    text = ("Uppdraget\n\nI regleringsbrevet för 2018 fick Domstolsverket uppdraget att redovisa statistik. "
            "Uppdraget ska redovisas till regeringen senast den 12 maj 2021.\n")
    closer = prose(text, "I regleringsbrevet")
    scores = {span: (0.90 if score > 0.8 else 0.80) for span, score in closer.unit_scores.items()}
    question = "By when must the agency report on the statistics?"
    ranked = candidates([replace(closer, unit_scores=scores)], question=question, overlap=lambda _: 0.0,
                        answer_type=asked_type(question))
    closest = max(ranked, key=lambda c: c.features["similarity"])
    assert closest.text.startswith("I regleringsbrevet") and closest.states_type  # closer, and dated
    (span,) = select(ranked, question=question, answer_type=asked_type(question)).chosen[0][1]
    assert text[span[0]:span[1]] == "Uppdraget ska redovisas till regeringen senast den 12 maj 2021."


def test_the_sentence_sharing_the_question_s_rarest_word_scores_higher_on_distinct_words() -> None:
    text = ("Dialogen\n\nMinistern träffade aktörer inom sjöfarten. "
            "Företrädarna för sjöfarten talade om exporten. "
            "Ministern satt i en panel med två företrädare för hamnarna.\n")
    question = "Who sat on the panel with the minister at the shipping dialogue?"
    wanted = frozenset({"minist", "panel", "sjöfart"})
    ranked = candidates([prose(text, "Ministern träffade")], question=question, overlap=lambda _: 0.0,
                        answer_type=None, matched=lambda unit: frozenset(w for w in wanted if w in unit.casefold()))
    distinct = {c.text.split()[1]: c.features["distinct"] for c in ranked}
    # "panel" is in one sentence, "minist" and "sjöfart" in two each: of the two sentences sharing
    # two of the question's words, the one with the rare word is told apart.
    assert distinct["satt"] > distinct["träffade"] > distinct["för"] > 0.0
    assert all(share <= 1.0 for share in distinct.values())


def test_a_deadline_in_a_document_naming_none_of_the_question_s_names_does_not_answer_it() -> None:
    asked = ("Regionala center\n\nArbetsmiljöverket och Skatteverket ska inrätta regionala center. "
             "Uppdraget ska delredovisas senast den 30 juni 2022.\n")
    other = ("Mödrahälsovård\n\nSocialstyrelsen ska stödja arbetet med mödrahälsovården. "
             "Uppdraget ska slutredovisas senast den 31 oktober 2027.\n")
    question = "När ska Arbetsmiljöverket och Skatteverket slutredovisa uppdraget om regionala center?"
    elsewhere = prose(other, "Uppdraget")
    passages = [prose(asked, "Arbetsmiljöverket"),
                replace(elsewhere, hit=elsewhere.hit.model_copy(update={"document_id": "other"}))]
    answer_type = asked_type(question)
    names = ("arbetsmiljöverket", "skatteverket")
    ranked = candidates(passages, question=question, overlap=lambda _: 0.0, answer_type=answer_type, names=names)
    assert not any(c.states_type for c in ranked)  # the interim report is not the final one; 2027 is another's
    assert select(ranked, question=question, answer_type=answer_type).missing_fact
    # Without the names, the other assignment's deadline would have answered.
    unnamed = candidates(passages, question=question, overlap=lambda _: 0.0, answer_type=answer_type)
    assert [c.passage.hit.document_id for c in unnamed if c.states_type] == ["other"]


def test_a_near_tie_for_the_lead_is_broken_by_reading_each_sentence_alone() -> None:
    text = ("Stödet\n\nStödet infördes för att stärka lokala medier. "
            "Främsta tänkta mottagare är kommuner och kommunala va-bolag.\n")
    question = "Vilka ska främst söka stödet?"
    found = candidates([prose(text, "Stödet infördes")], question=question, overlap=lambda _: 0.0, answer_type=None)
    close = [replace(c, score=1.0 - 0.01 * i) for i, c in enumerate(found)]  # within tie_margin (0.02)
    read: list[list[str]] = []

    def read_alone(texts: Sequence[str]) -> list[float]:
        read.append(list(texts))
        return [0.95 if "mottagare" in t else 0.80 for t in texts]

    lead = select(close, question=question, answer_type=None, read_alone=read_alone).chosen[0][0]
    assert lead.text.startswith("Främsta") and len(read) == 1 and len(read[0]) == 2
    # Further apart than the tie margin, the lead stands and nothing is read again.
    apart = [replace(c, score=1.0 - 0.1 * i) for i, c in enumerate(found)]
    read.clear()
    assert select(apart, question=question, answer_type=None, read_alone=read_alone).chosen[0][0].text.startswith(
        "Stödet infördes") and not read


def test_a_lead_in_states_what_its_items_state() -> None:
    """ "Utredaren ska bland annat" names no one, but it is quoted with its items, one of which names
    the bodies the inquiry consults."""
    text = "Utredaren ska bland annat\n\n- analysera behovet av stöd\n- samråda med Socialstyrelsen\n"
    prose = passage("Utredaren", text=text)
    question = "Who must the inquiry consult?"
    ranked = candidates([prose], question=question, overlap=lambda _: 0.0, answer_type=asked_type(question))
    lead_in = next(c for c in ranked if c.text == "Utredaren ska bland annat")
    assert lead_in.states_type and lead_in.features["lead_in"] == 1.0


def test_an_english_question_s_own_agency_in_the_documents_words_does_not_answer_who() -> None:
    """The glossary's Swedish for the question's agency ("Trafikverket") is the question's name, not an
    answer: a sentence naming only it states no other body."""
    prose = passage("Regeringen uppdrar", "30 juni 2024.")
    question = "Which bodies will the Swedish Transport Administration report to?"

    def typed(known: tuple[str, ...]) -> bool:
        ranked = candidates([prose], question=question, overlap=lambda _: 0.0, answer_type=AnswerType.BODY,
                            known=known)
        return next(c for c in ranked if c.text.startswith("Trafikverket ska")).states_type

    assert typed(())  # read without the glossary, "Trafikverket" looks like another body
    assert not typed(("trafikverket", "trafikverkets"))


def test_a_sentence_saying_who_carries_out_a_task_assigns_it() -> None:
    """"Who carries out official control …?" is answered by "Länsstyrelserna utför offentlig kontroll
    …" as much as by a sentence with "ansvarar"."""
    text = "Länsstyrelserna utför offentlig kontroll på primärproducenter.\n"
    prose = passage("Länsstyrelserna", text=text)
    question = "Who carries out official control of primary producers?"
    ranked = candidates([prose], question=question, overlap=lambda _: 0.0, answer_type=asked_type(question),
                        responsibility=True)
    assert ranked[0].features["assigns"] == 1.0


def test_the_first_document_s_passage_ranked_below_other_documents_competes_too() -> None:
    """The answering passage of the best document is often ranked just below other documents'
    passages: beside the first five, as many of its further passages compete as other documents
    hold places among those five. A question scoped to one document reads its best five only."""
    lead, answering = passage("Regeringen uppdrar", "30 juni 2024."), passage("Samordnaren ska:")

    def elsewhere(n: int) -> Passage:
        return replace(lead, hit=lead.hit.model_copy(update={"document_id": f"annat-{n}", "chunk_id": f"a{n}"}))

    def competes(passages: list[Passage]) -> bool:
        ranked = candidates(passages, question="Vad ska samordnaren göra?", overlap=lambda _: 0.0, answer_type=None)
        return any(c.passage is answering for c in ranked)

    assert competes([lead, elsewhere(1), elsewhere(2), elsewhere(3), elsewhere(4), elsewhere(5), answering])
    assert not competes([lead, lead, lead, lead, lead, answering])
    assert not competes([elsewhere(1), lead, lead, lead, lead, answering])  # not the first document's


@pytest.mark.parametrize(("relation", "text", "question"), [
    # "Vilken myndighet fick i uppdrag …?": the sentence giving the task, not one naming another body.
    (Relation.TASKED, "Sverige arrangerar forumet i samarbete med Länsstyrelsen i Stockholms län.\n"
               "Regeringen uppdrar åt Tillväxtverket att bistå med att förbereda forumet.\n",
     "Vilken myndighet fick i uppdrag att hjälpa till att förbereda forumet?"),
    # "Vilka ska Migrationsverket samråda med …?": the partner, not the agency's own task.
    (Relation.PARTNER, "Regeringen ger Migrationsverket i uppdrag att föreslå nya länstal för 2017.\n"
                  "Uppdraget ska genomföras i samråd med Arbetsförmedlingen och länsstyrelserna.\n",
     "Vilka ska Migrationsverket samråda med när det föreslår länstalen?"),
])
def test_a_question_for_a_role_is_answered_by_the_sentence_giving_it_though_another_reads_closer(
        relation: Relation, text: str, question: str) -> None:
    first, second = text.splitlines()
    prose = passage(first[:10], text=text, similarity={first[:10]: 0.84, second[:10]: 0.82})
    assert lead_unit(prose, question, relation=None) == first
    assert lead_unit(prose, question, relation=relation) == second


def test_a_sentence_inside_an_item_is_quoted_without_the_items_after_it() -> None:
    """"Which organisations …?" asks for a list, but a sentence in the body of item 1 is not the lead-in
    of items 2 and 3: quoting them all made one quote of a whole assignment."""
    text = ("- Samordning. Tillväxtverket ska främja samverkan med regioner och företag.\n"
            "- Analyser. Uppdraget ska slutredovisas senast den 28 februari 2026.\n"
            "- Bidrag. Tillväxtverket ska lämna stöd till Sweden Food Arena.\n")
    prose = passage("- Samordning", text=text, similarity={"Tillväxtverket ska främja": 0.95})
    question = "Which organisations should Tillväxtverket promote cooperation with?"
    chosen = select(candidates([prose], question=question, overlap=lambda _: 0.0, answer_type=None),
                    question=question, answer_type=None).chosen
    lead, spans = chosen[0]
    assert lead.text.startswith("Tillväxtverket ska främja")
    assert [text[a:b] for a, b in spans] == [lead.text]


def test_a_sentence_the_page_repeats_is_quoted_once() -> None:
    """A consultation states its deadline at the top and again at the end: one point, not two."""
    deadline = "Remissvaren ska ha kommit in senast tisdagen den 1 mars 2016."
    text = f"{deadline}\n\nBetänkandet remitteras härmed.\n\n{deadline}\n"
    question = "När ska remissvaren ha kommit in?"
    ranked = candidates([passage("Remissvaren", text=text)], question=question, overlap=lambda _: 0.0,
                        answer_type=AnswerType.DEADLINE)
    chosen = select(ranked, question=question, answer_type=AnswerType.DEADLINE).chosen
    assert [candidate.text for candidate, _ in chosen] == [deadline]


def test_a_point_from_another_document_must_score_closer_to_the_lead() -> None:
    """Points from the lead's document follow within ``follow_margin``; from another, within half of it."""
    own = passage("Regeringen uppdrar", "30 juni 2024.", similarity={"Regeringen": 0.90, "För uppdraget": 0.86})
    other_text = "Kommunen samordnar sitt arbete med sjöfarten i en egen plan."
    other_hit = own.hit.model_copy(update={"document_id": "annan", "chunk_id": "c9", "text": other_text,
                                           "start": 0, "end": len(other_text)})
    other = replace(own, hit=other_hit, document_text=other_text,
                    unit_scores={(0, len(other_text)): 0.86})
    question = "Vad ska samordnaren göra för inrikes sjöfart?"
    ranked = candidates([own, other], question=question, overlap=lambda _: 0.0, answer_type=None)
    chosen = select(ranked, question=question, answer_type=None).chosen
    assert chosen[0][0].passage.hit.document_id == "samordnare"
    assert "annan" not in {candidate.passage.hit.document_id for candidate, _ in chosen}
    assert any(candidate.text.startswith("För uppdraget") for candidate, _ in chosen)


def test_a_byline_answers_who_wrote_but_not_what_the_page_says() -> None:
    """The line under an op-ed's title restates the words that say which page is meant; it answers
    who wrote it, not which body is merged into which."""
    text = ("Debattartikel av kommunstyrelsens ordförande Anna Berg och byggnämndens "
            "ordförande Per Lind, Norrbyposten, 3 mars 2025.\n\n"
            "Byggnämnden slås samman med miljönämnden den 1 januari 2026.\n")
    byline = "Debattartikel av"
    question = "Which committee will the building committee be merged into, according to the op-ed?"
    assert lead_quote(text, byline, question).startswith("Byggnämnden slås samman")
    assert lead_quote(text, byline, "Who wrote the op-ed on fewer committees?").startswith(byline)


def test_a_sentence_is_quoted_with_the_next_when_that_one_spells_out_what_it_announced() -> None:
    text = ("Basen är garantipensionen, men därutöver finns fyra ytterligare förmåner. Det handlar om "
            "bostadstillägg, särskilt bostadstillägg, äldreförsörjningsstöd och inkomstpensionstillägg. "
            "Förmånerna har införts vid olika tillfällen.")
    quote = lead_quote(text, "Basen", "Vilka förmåner finns utöver garantipensionen?")
    assert quote.startswith("Basen") and quote.endswith("inkomstpensionstillägg.")
    alone = "Basen är garantipensionen. Förmånerna har införts vid olika tillfällen."
    assert lead_quote(alone, "Basen", "Vad är basen?") == "Basen är garantipensionen."


def test_a_sentence_counting_what_it_announces_is_quoted_with_the_parts_named_after_it() -> None:
    """For a list question, "… lämnar kommissionen tre rekommendationer." is quoted with the sentences
    after it that open as the parts do; not with the sentence after them, nor for another question."""
    text = ("Utöver lagstiftningsförslagen lämnar kommissionen tre rekommendationer. Den första rekommendationen är "
            "automatisk anslutning. Den andra rekommendationen är pensionsuppföljning. Slutligen rekommenderar "
            "kommissionen nationella resultattavlor. Regeringen välkomnar förslagen.")
    quote = lead_quote(text, "Utöver", "Vilka tre rekommendationer lämnar kommissionen?")
    assert quote.startswith("Utöver") and quote.endswith("resultattavlor.")
    assert lead_quote(text, "Utöver", "Hur många rekommendationer lämnar kommissionen?") == (
        "Utöver lagstiftningsförslagen lämnar kommissionen tre rekommendationer.")
    goals = ("Regeringen har infört ett nytt integrationspolitiskt mål med fem delmål. Delmålen om ekonomisk och "
             "språklig integration ska följas upp. Genom att mäta delmålen kan utvecklingen mätas.")
    assert lead_quote(goals, "Regeringen", "Vilka är delmålen?").endswith("ska följas upp.")
    cases = ("IVO ska kunna besluta om sanktionsavgift i två fall. Avgift ska betalas dels om villkor har brutits, "
             "dels om personal har anställts utan registerkontroll. I dag saknar IVO sådana verktyg.")
    assert lead_quote(cases, "IVO ska", "I vilka två fall ska IVO kunna besluta om sanktionsavgift?").endswith(
        "utan registerkontroll.")


def test_why_is_answered_with_the_sentence_giving_the_point_of_the_one_quoted() -> None:
    text = ("Regeringen föreslår att det blir möjligt att hantera narkotika för industriella ändamål. Syftet med "
            "detta är att göra det möjligt att narkotikaklassa GBL. Lagen träder i kraft 2026.")
    quote = lead_quote(text, "Regeringen", "Varför ska det bli möjligt att hantera narkotika för industriella ändamål?")
    assert quote.endswith("narkotikaklassa GBL.")
    assert lead_quote(text, "Regeringen", "Vad föreslår regeringen om narkotika?").endswith("ändamål.")


def test_they_and_what_may_be_meant_are_quoted_with_the_sentence_that_names_them() -> None:
    """"De är europeiska giganter" is about the companies the sentence before names; "Det kan handla
    om …" names the kinds of help the sentence before only calls "insatser"."""
    giants = "LKAB, SSAB, Boliden och Northvolt är svenska pionjärer. De är europeiska giganter i den gröna tillväxten."
    assert lead_quote(giants, "De är", "Vilka svenska företag är europeiska giganter?") == giants
    help_text = ("Kommuner bör erbjuda unga som begår brott träffsäkra insatser. Det kan handla om familjebehandling "
                 "och föräldraskapsstöd.")
    assert lead_quote(help_text, "Kommuner bör", "Vilka insatser kan kommuner erbjuda?") == help_text


@pytest.mark.parametrize(("question", "closer", "answer"), [
    ("Which article did the family claim had been breached?", "Europadomstolen har prövat ett mål om Sverige.",
     "Familjen gjorde gällande att artikel 8 i Europakonventionen hade kränkts."),
    ("Varför vill regeringen att bredbandsinsatserna samordnas?",
     "Regeringen vill att bredbandsinsatserna i programmen samordnas.",
     "För att få ett helhetsperspektiv på investeringarna ska myndigheterna samverka."),
    ("Får landstinget informera Försäkringskassan utan patientens samtycke?",
     "Landstinget ska informera Försäkringskassan om patientens behov av rehabilitering.",
     "Informationen ska bara lämnas om patienten samtycker till det."),
    ("What is the maximum penalty for taking part in an undesirable organisation?",
     "Lagen om oönskade organisationer antogs 2015 och har använts mot flera organisationer.",
     "Den som deltar i en sådan organisation kan dömas till fängelse i upp till sex år."),
])
def test_a_kind_that_raises_leads_with_the_sentence_stating_it_and_its_absence_refuses_nothing(
        question: str, closer: str, answer: str) -> None:
    """A reference, a reason, a yes or no, a penalty (which may be prison, not a sum): the sentence
    stating one leads over a closer one on the topic, and a passage stating none is still quoted."""
    text = f"{closer}\n{answer}\n"
    both = passage(closer[:12], answer[-8:], text=text, similarity={closer[:12]: 0.88, answer[:12]: 0.86})
    answer_type = asked_type(question)
    selection = select(candidates([both], question=question, overlap=lambda _: 0.0, answer_type=answer_type),
                       question=question, answer_type=answer_type)
    assert selection.chosen[0][0].text == answer and not selection.missing_fact
    silent = passage(closer[:12], closer[-8:], text=text)
    assert not select(candidates([silent], question=question, overlap=lambda _: 0.0, answer_type=answer_type),
                      question=question, answer_type=answer_type).missing_fact


def test_a_time_whose_event_the_sentence_before_names_answers() -> None:
    # "Det beräknas ske …" points back to the publishing the sentence before speaks of.
    text = ("Nya förordningar\n\nFörordningarna ska publiceras i Svensk författningssamling. "
            "Det beräknas ske tisdagen den 29 december 2026.\n")
    prose = passage("Förordningarna ska", text=text)
    question = "When will the new ordinances be published?"
    answer_type = asked_type(question)
    ranked = candidates([prose], question=question, overlap=lambda _: 0.0, answer_type=answer_type)
    selection = select(ranked, question=question, answer_type=answer_type)
    assert not selection.missing_fact
    assert "29 december 2026" in " ".join(text[a:b] for _, spans in selection.chosen for a, b in spans)


def test_a_byline_closer_than_every_sentence_does_not_hide_the_one_stating_the_count() -> None:
    """The byline restates the words naming the page ("according to the minister's op-ed") and may
    not lead a question for a count; the sentence stating the count is measured against the best
    sentence that may lead, not against the byline."""
    byline = "Utbildningsminister Anna Ek, debattartikel, Norrbyposten, den 17 maj 2023."
    count = "I dagarna kräver 2489 (!) forskare i ett upprop en förändring av etikprövningen."
    other = "Regeringen aviserar nu en utredning av etikprövningen."
    text = f"{byline}\n\n{other} {count}\n"
    question = "According to the minister's op-ed, how many researchers signed the petition?"
    page = passage(byline[:12], count[-30:], text=text, similarity={byline[:12]: 0.99, other[:12]: 0.88,
                                                                   count[:12]: 0.85})
    ranked = candidates([page], question=question, overlap=lambda _: 0.0, answer_type=AnswerType.COUNT)
    assert ranked[0].text == byline and ranked[0].describes_page
    selection = select(ranked, question=question, answer_type=AnswerType.COUNT)
    assert not selection.missing_fact and selection.chosen[0][0].text == count


def test_a_fact_is_taken_only_from_the_document_the_question_names_by_its_title() -> None:
    """"När ska utredningen om en socialt hållbar bostadsförsörjning lämna en delredovisning?" is
    not answered by another assignment's interim report: the named document states none."""
    other_text = "Uppdrag om yrkestrafiken\n\nEn delredovisning av uppdraget ska lämnas senast den 15 mars 2016.\n"
    named_text = ("En socialt hållbar bostadsförsörjning\n\nEn särskild utredare ges i uppdrag att utreda "
                  "bostadspolitikens verktyg. Uppdraget ska redovisas senast den 8 november 2021.\n")
    other = passage("En delredovisning", text=other_text, document=("yrkestrafik", "Uppdrag om yrkestrafiken"))
    named = passage("En särskild", text=named_text, document=("bostad", "En socialt hållbar bostadsförsörjning"))
    question = "När ska utredningen om en socialt hållbar bostadsförsörjning lämna en delredovisning?"
    ranked = candidates([other, named], question=question, overlap=lambda _: 0.0, answer_type=asked_type(question))
    assert select(ranked, question=question, answer_type=asked_type(question)).missing_fact
    # Named by no question, the other assignment's interim report answers.
    asked = "När ska delredovisningen lämnas?"
    ranked = candidates([other, named], question=asked, overlap=lambda _: 0.0, answer_type=asked_type(asked))
    selection = select(ranked, question=asked, answer_type=asked_type(asked))
    assert not selection.missing_fact and selection.chosen[0][0].passage.hit.document_id == "yrkestrafik"


def test_a_fact_only_another_document_states_answers_only_if_nearly_as_close_as_the_top_passage() -> None:
    """"When was the national strategy for inland shipping decided?" over a page on the strategy that
    gives no date is not answered by another page's date for something less like the question."""
    topic_text = ("En nationell strategi för inrikes sjöfart\n\nStrategin ska göra inrikes sjöfart till ett "
                  "självklart val för godstransporter. Den pekar ut tre områden för arbetet.\n")
    dated_text = "Hamnarnas handlingsplan\n\nRegeringen beslutade den 3 maj 2018 om en handlingsplan för hamnarna.\n"
    question = "When was the national strategy for inland shipping decided?"

    def selected(dated_similarity: float) -> Selection:
        topic = passage("Strategin ska", text=topic_text, similarity={"Strategin": 0.88},
                        document=("strategi", "En nationell strategi för inrikes sjöfart"))
        dated = passage("Regeringen beslutade", text=dated_text, similarity={"Regeringen": dated_similarity},
                        document=("hamnar", "Hamnarnas handlingsplan"))
        return selected_over([topic, dated], question)

    assert selected(0.84).missing_fact
    nearly = selected(0.875)  # within ``elsewhere_margin`` (0.01) of the top passage's closest unit
    assert not nearly.missing_fact and nearly.chosen[0][0].passage.hit.document_id == "hamnar"


def test_a_fact_another_document_states_for_the_years_asked_answers_though_less_like_the_question() -> None:
    topic_text = ("Försvarets satsningar\n\nRegeringen fortsätter att stärka det militära försvaret. Upprustningen "
                  "kräver långsiktiga investeringar.\n")
    speech_text = ("Tal vid industriforum\n\nFrom 2020 to 2024, Sweden has doubled its defence budget to 12 billion "
                   "euros.\n")
    topic = passage("Regeringen fortsätter", text=topic_text, similarity={"Regeringen": 0.89},
                    document=("satsningar", "Försvarets satsningar"))
    speech = passage("From 2020", text=speech_text, similarity={"From": 0.85},
                     document=("tal", "Tal vid industriforum"))
    selection = selected_over([topic, speech], "Hur mycket har försvarsbudgeten vuxit mellan 2020 och 2024?")
    assert not selection.missing_fact and selection.chosen[0][0].passage.hit.document_id == "tal"


def test_the_top_documents_fact_leads_over_another_documents_less_like_the_question() -> None:
    """"När ska ändringen i högkostnadsskyddet börja gälla?" is the high-cost page's question, though
    the winter-tyre page's sentence shares its words ("börjar gälla") and scores higher."""
    top_text = ("Uppdaterat högkostnadsskydd\n\nRegeringen föreslår ett uppdaterat högkostnadsskydd för läkemedel. "
                "Lagändringen föreslås träda i kraft den 1 juli 2025.\n")
    other_text = "Vinterdäck\n\nNya krav på vinterdäck för tunga fordon börjar gälla från den 1 november 2025.\n"
    question = "När ska ändringen i högkostnadsskyddet börja gälla?"

    def shared_words(text: str) -> float:  # the winter-tyre sentence shares "gälla": it scores best
        return 1.0 if "gälla" in text else 0.0

    def lead(top_similarity: float) -> str:
        top = passage("Regeringen föreslår", text=top_text, document=("hogkostnad", "Uppdaterat högkostnadsskydd"),
                      similarity={"Regeringen": 0.90, "Lagändringen": top_similarity})
        other = passage("Nya krav", text=other_text, document=("vinterdack", "Vinterdäck"),
                        similarity={"Nya krav": 0.85})
        return selected_over([top, other], question, overlap=shared_words).chosen[0][0].passage.hit.document_id

    assert lead(0.89) == "hogkostnad"
    assert lead(0.855) == "vinterdack"  # not more than ``elsewhere_margin`` (0.01) closer to the question


def test_a_figure_for_a_year_the_document_never_names_is_not_stated_there() -> None:
    """A sum stated with no year answers for a year the page, its title or its file name names,
    and not for one they never name."""
    text = "Uppdrag om sjöfart\n\nTrafikverket får använda 12 miljoner kronor för uppdraget.\n"
    prose = passage("Trafikverket får", text=text)
    question = "Hur mycket får Trafikverket använda för uppdraget 2026?"
    assert selected_over([prose], question).missing_fact
    named = replace(prose, document=prose.document.model_copy(update={"source_path": "uppdrag-2026.md"}))
    assert not selected_over([named], question).missing_fact


def test_a_programme_entry_under_a_heading_naming_a_person_is_that_persons() -> None:
    """"Which minister takes part in the debate on gang crime?" is answered by the debate's line in
    the programme, under the heading naming the minister, unless a sentence of that section names a
    person itself; a long sentence under it is not."""
    programme = ("Statsrådens medverkan i Almedalen\n\n### Justitieminister Gunnar Strömmer\n\n"
                 "Debatt om gängkriminalitet arrangerat av Expressen (kl. 15.30)\n")
    entry = passage("Debatt om", text=programme, document=("almedalen", "Statsrådens medverkan i Almedalen"),
                    section="Justitieminister Gunnar Strömmer")
    question = "Which minister takes part in the Almedalen debate on gang crime?"
    ranked = candidates([entry], question=question, overlap=lambda _: 0.0, answer_type=asked_type(question))
    assert ranked[0].states_type
    assert not select(ranked, question=question, answer_type=asked_type(question)).missing_fact
    # Where a sentence of its section names a person in its own words, a heading's name is not read
    # into an entry; a sentence of another document or section names its own people.
    same_section = programme + "Debatten leds av justitieminister Gunnar Strömmer i Visby.\n"
    entry_beside = passage("Debatt om", text=same_section, document=("almedalen", "Statsrådens medverkan i Almedalen"),
                           section="Justitieminister Gunnar Strömmer")
    ranked = candidates([entry_beside], question=question, overlap=lambda _: 0.0, answer_type=asked_type(question))
    assert [c.text[:9] for c in ranked if c.states_type] == ["Debatten "]
    named = passage("Debatten leds av", text="Debatten leds av justitieminister Gunnar Strömmer i Visby.\n",
                    document=("visby", "Debatter i Visby"))
    ranked = candidates([entry, named], question=question, overlap=lambda _: 0.0, answer_type=asked_type(question))
    assert sorted(c.text[:9] for c in ranked if c.states_type) == ["Debatt om", "Debatten "]
    untitled = passage("Debatt om", text=programme, document=("almedalen", "Statsrådens medverkan i Almedalen"),
                       section="Program")
    ranked = candidates([untitled], question=question, overlap=lambda _: 0.0, answer_type=asked_type(question))
    assert not ranked[0].states_type


def test_a_sentence_enumerating_leads_an_answer_to_a_question_for_every_one_of_several_things() -> None:
    """"Which agencies are covered …?" is answered by the sentence naming them all, though another is
    as close; "Which two …?" asks for so many, and the enumeration is not raised for it."""
    text = ("Uppdrag om rättsväsendet\n\nStatskontoret ska analysera hur myndigheterna använder sina anslag. "
            "Uppdraget omfattar Polismyndigheten, Åklagarmyndigheten, Ekobrottsmyndigheten och Kriminalvården.\n")
    prose = passage("Statskontoret ska", text=text, similarity={"Statskontoret": 0.82, "Uppdraget": 0.82})
    ranked = candidates([prose], question="Which agencies are covered by the review?", overlap=lambda _: 0.0,
                        answer_type=None)
    assert ranked[0].text.startswith("Uppdraget omfattar") and ranked[0].features["lead_in"] == 1.0
    ranked = candidates([prose], question="Which two agencies are covered by the review?", overlap=lambda _: 0.0,
                        answer_type=None)
    assert all(c.features["lead_in"] == 0.0 for c in ranked)


def test_who_coordinates_is_answered_by_the_coordinator_not_by_the_sentence_tasking_them_all() -> None:
    """Both sentences assign responsibility; only the second says who coordinates."""
    text = ("Regeringen ger Lunds universitet, Umeå universitet och Uppsala universitet i uppdrag att ta fram kurser.\n"
            "Uppsala universitet ska samordna lärosätenas arbete med kurserna.\n")
    first, second = text.splitlines()
    prose = passage(first[:10], text=text, similarity={first[:10]: 0.84, second[:10]: 0.82})
    question = "Vilket lärosäte ansvarar för att samordna arbetet med kurserna?"

    def lead(relation: Relation | None) -> str:
        return candidates([prose], question=question, overlap=lambda _: 0.0, answer_type=asked_type(question),
                          responsibility=True, relation=relation)[0].text

    assert lead(None) == first
    assert lead(Relation.COORDINATOR) == second


def test_a_table_row_states_an_amount_in_its_columns_unit_only_for_what_the_question_names() -> None:
    """"End of year-allokering (MSEK): 103" is 103 million kronor for Sudan, not for Ukraine."""
    row = "Kris: Sudan\nEnd of year-allokering (MSEK): 103\nTotalt humanitärt stöd 2025: 404"
    hit = Hit(chunk_id="r", document_id="stod", title="Humanitärt stöd", municipality=None, section="Fördelning",
              section_path=["Fördelning"], text=row, score=1.0, start=0, end=len(row))
    table = Passage(hit=hit, kind="table_row", document=DocumentInfo(id="stod", title="Humanitärt stöd",
                                                                     source_path="stod.md"),
                    document_text=row, dense_score=0.8, unit_scores={(0, len(row)): 0.8})
    for question, stated in (("Hur mycket får Sudan i allokeringen?", True),
                             ("How much humanitarian aid did Sweden give to Ukraine?", False)):
        ranked = candidates([table], question=question, overlap=lambda _: 0.0, answer_type=AnswerType.MONEY)
        assert ranked[0].states_type is stated, question


def test_a_sentence_announcing_as_many_things_as_the_question_asks_for_leads_in_them() -> None:
    text = ("Uppdrag om upphandling\n\nRegeringen gav Konkurrensverket ett uppdrag om offentlig upphandling. "
            "Uppdraget bestod av två delar: att underlätta för myndigheterna och att analysera en metod.\n")
    prose = passage("Regeringen", text=text)
    ranked = candidates([prose], question="What two parts did the assignment consist of?", overlap=lambda _: 0.0,
                        answer_type=None)
    features = {c.text[:10]: c.features["lead_in"] for c in ranked}
    assert features == {"Regeringen": 0.0, "Uppdraget ": 1.0}


def test_a_fact_another_document_states_answers_when_only_that_document_names_what_is_asked() -> None:
    """The top passage names nothing the question names; the other document names the Prison and
    Probation Service (Kriminalvården) it asks about, so its period answers. Without the name the
    question is the top passage's, which gives no period."""
    question = "How long a period should the new expansion plan of the Prison and Probation Service cover?"
    top = prose("Myndigheterna ska senast den 30 november 2026 lämna separata slutredovisningar.", "Myndigheterna")
    other = prose("Kriminalvården får i uppdrag att inkomma med en ny utbyggnadsplan för de kommande tio åren.",
                  "Kriminalvården")
    less_like = {span: 0.88 for span in other.unit_scores}  # a little less like the question than the top
    passages = [top, replace(other, hit=other.hit.model_copy(update={"document_id": "other"}), unit_scores=less_like)]
    answer_type = asked_type(question)

    def selected(names: tuple[str, ...]) -> Selection:
        ranked = candidates(passages, question=question, overlap=lambda _: 0.0, answer_type=answer_type, names=names)
        return select(ranked, question=question, answer_type=answer_type)

    named = selected(("kriminalvården",))  # as the glossary writes its forms
    assert not named.missing_fact and "tio åren" in named.chosen[0][0].text
    assert selected(()).missing_fact


def test_a_sentence_saying_it_follows_therefore_is_quoted_with_the_sentence_it_follows_from() -> None:
    """"Beslutet planeras därför till hösten." says why only with the sentence before it; "därför att"
    gives its own cause."""
    text = ("Ministern sa att arbetet måste gå i takt med propositionen om totalförsvaret. "
            "Ett beslut om strategin planeras därför under hösten 2026.\n")
    assert lead_quote(text, "Ett beslut", "Why is the decision planned for the autumn?").startswith("Ministern sa")
    own = "Regeringen gav uppdraget i maj. Beslutet fattades därför att reglerna var oklara.\n"
    assert lead_quote(own, "Beslutet", "Varför fattades beslutet?").startswith("Beslutet fattades")
    # A follow-up asking why, joined to a question asking when, is asked why.
    (planned,) = [c for c in candidates([prose(text, "Ett beslut")], question="Why then?", overlap=lambda _: 0.0,
                                        answer_type=AnswerType.REASON) if c.text.startswith("Ett beslut")]
    joined = "When is the decision on the strategy planned? Why then?"
    (span,) = quoted_spans(planned, question=joined, answer_type=AnswerType.REASON)
    assert text[span[0]:span[1]].startswith("Ministern sa")
    (span,) = quoted_spans(planned, question=joined, answer_type=AnswerType.DATE)
    assert text[span[0]:span[1]].startswith("Ett beslut")


def test_a_short_sentence_rounding_off_the_quoted_one_on_its_line_is_quoted_with_it() -> None:
    text = "Beslut i rådet fattas i samförstånd. Alla medlemmar ska enas. Det tar tid.\n\nNästa stycke.\n"
    assert lead_quote(text, "Beslut i rådet", "Hur fattas beslut i rådet?") == (
        "Beslut i rådet fattas i samförstånd. Alla medlemmar ska enas.")
    # Not a list's lead-in: that is quoted with its list.
    lead_in = "Målet är att stärka samarbetet. SLU ska beakta\n\n* reglerna,\n* rekommendationerna.\n"
    ranked = candidates([prose(lead_in, "Målet")], question="Vad är målet?", overlap=lambda _: 0.0,
                        answer_type=AnswerType.PURPOSE)
    (goal,) = [c for c in ranked if c.text.startswith("Målet")]
    (span,) = quoted_spans(goal, question="Vad är målet?", answer_type=AnswerType.PURPOSE)
    assert lead_in[span[0]:span[1]] == "Målet är att stärka samarbetet."
