"""Hybrid retrieval: English over Swedish, compounds, municipality steering, filters."""

from __future__ import annotations

from assistant.facade import PolicyAssistant
from assistant.models import Filters


def test_who_owns_housing_goals_finds_tierps_housing_row(assistant: PolicyAssistant) -> None:
    hits = assistant.search("Who owns housing goals?", k=5)
    assert any("Chef kvalitet och strategisk utveckling" in hit.text for hit in hits)


def test_a_question_naming_a_municipality_is_steered_to_it(assistant: PolicyAssistant) -> None:
    hits = assistant.search("Who is responsible for housing in Tierp?", k=5)
    assert {hit.municipality for hit in hits} == {"Tierp"}
    swedish = assistant.search("Vem ansvarar för uppföljningen i Tranås?", k=5)
    assert {hit.municipality for hit in swedish} == {"Tranås"}


def test_explicit_filters_win_over_steering(assistant: PolicyAssistant) -> None:
    hits = assistant.search("housing in Tierp", k=5, filters=Filters(municipality="Åstorp"))
    assert {hit.municipality for hit in hits} == {"Åstorp"}


def test_a_part_of_a_compound_finds_the_compound(assistant: PolicyAssistant) -> None:
    hits = assistant.search("bostad", k=10, filters=Filters(document_id="tierp-handlingsplan-for-integration"))
    assert any("bostadsförsörjningsprogrammet" in hit.text for hit in hits)


def test_english_metadata_questions_find_the_header(assistant: PolicyAssistant) -> None:
    hits = assistant.search("Until when is the Tierp action plan valid?", k=3)
    assert any("2018-12-31" in hit.text for hit in hits)


def test_english_questions_get_swedish_expansions(assistant: PolicyAssistant) -> None:
    serving = assistant._require()
    plan = serving.retriever.plan("Who is responsible for housing?")
    assert "bostad" in plan.expansions or "boende" in plan.expansions


def test_hits_point_into_the_document_text(assistant: PolicyAssistant) -> None:
    hits = assistant.search("Syftet med policyn", k=10)
    exact = 0
    for hit in hits:
        document = assistant.document(hit.document_id)
        assert 0 <= hit.start < hit.end <= len(document.text)
        source = document.text[hit.start:hit.end]
        # prose is the exact slice; table rows and headers are records ("Label: value") of that span
        assert hit.text == source or ": " in hit.text
        exact += hit.text == source
    assert exact > 0


def test_langchain_retriever_returns_documents_with_hit_metadata(assistant: PolicyAssistant) -> None:
    from assistant.langchain_retriever import PolicyRetriever

    retriever = PolicyRetriever(assistant=assistant, k=3, municipality="Tierp")
    documents = retriever.invoke("Vem har huvudansvar för boende?")
    assert len(documents) == 3
    assert all(d.metadata["municipality"] == "Tierp" for d in documents)
    assert {"chunk_id", "section", "score"} <= documents[0].metadata.keys()


def test_fusion_keeps_how_far_apart_the_scores_are() -> None:
    from assistant.retrieve import fuse

    # The embedder clearly prefers row 1; BM25 slightly prefers row 2 on common words.
    dense = [(1, 0.92), (2, 0.80), (3, 0.79)]
    lexical = [(2, 10.0), (1, 9.5), (3, 1.0)]
    assert [row for row, _ in fuse(dense, lexical, weights=(0.6, 0.4))][:2] == [1, 2]
    # Near-equal passages (five policies on one topic): the exact words decide.
    close = [(1, 0.850), (2, 0.849), (3, 0.70)]
    assert fuse(close, [(2, 12.0), (1, 3.0)], weights=(0.6, 0.4))[0][0] == 2


def test_fusion_of_one_sided_and_empty_lists() -> None:
    from assistant.retrieve import fuse

    assert fuse([], [], weights=(0.6, 0.4)) == []
    assert fuse([(4, 0.5)], [], weights=(0.6, 0.4)) == [(4, 0.6)]  # a lone hit is its list's best
    assert [row for row, _ in fuse([(1, 0.9), (2, 0.1)], [(3, 5.0)], weights=(1.0, 0.0))] == [1, 2]


def test_every_hit_carries_the_similarity_of_each_of_its_sentences(assistant: PolicyAssistant) -> None:
    found = assistant._require().retriever.retrieve("Vem ansvarar för uppföljningen i Åstorp?", k=5)
    prose = [f for f in found if f.kind == "text"]
    assert prose and all(len(f.units) == len(f.unit_scores) > 0 for f in prose)
    assert all(-1.0 <= score <= 1.0 for f in prose for score in f.unit_scores)
    best = max(prose[0].unit_scores)
    assert best >= 0.75  # e5's cosines for a sentence on the question's topic


def test_closeness_reads_each_sentence_alone_against_the_question(assistant: PolicyAssistant) -> None:
    retriever = assistant._require().retriever
    question = "Vem ansvarar för att följa upp integrationsarbetet?"
    on_topic, off_topic = retriever.closeness(question, ["Kommunstyrelsen ansvarar för uppföljningen av "
                                                         "integrationsarbetet.", "Bussen går varje timme."])
    assert on_topic > off_topic and -1.0 <= off_topic < on_topic <= 1.0
    assert retriever.closeness(question, []) == []
