"""Citations: a quote is cut from the document text by offsets, and reads as the policy's words."""

from __future__ import annotations

from assistant.answer.base import Passage
from assistant.answer.citations import make_citation, sentence_spans
from assistant.models import DocumentInfo, Hit

TEXT = ("Regeringen uppdrar åt SGU att öka möjligheterna till utvinning.\n\n"
        "* SGU ska undersöka, provta och karakterisera befintliga gruvavfall.\n"
        "* SGU ska ta fram en klassificeringsmetod.\n\n"
        "2. Kommunen ska redovisa arbetet årligen.\n")


def passage() -> Passage:
    hit = Hit(chunk_id="c", document_id="d", title="Uppdrag", municipality=None, section="Uppdrag",
              section_path=["Uppdrag"], text=TEXT, score=1.0, start=0, end=len(TEXT))
    return Passage(hit=hit, kind="text", document=DocumentInfo(id="d", title="Uppdrag", source_path="d.md"),
                   document_text=TEXT, dense_score=0.8, unit_scores={})


def test_a_quote_of_a_list_item_starts_after_its_bullet_or_number_and_stays_verbatim() -> None:
    for item in ("* SGU ska undersöka, provta och karakterisera befintliga gruvavfall.",
                 "2. Kommunen ska redovisa arbetet årligen."):
        start = TEXT.index(item)
        citation = make_citation(passage(), 1, (start, start + len(item)))
        assert citation.quote == item[item.index(" ") + 1:]
        assert TEXT[citation.start:citation.end] == citation.quote


def test_a_quote_starting_inside_a_line_is_left_as_it_is() -> None:
    start = TEXT.index("uppdrar")
    citation = make_citation(passage(), 1, (start, start + 20))
    assert citation.quote == TEXT[start:start + 20]


def test_a_passage_from_the_index_is_split_as_the_index_split_it() -> None:
    """Its units come with it (``unit_scores``); a passage without them is split now."""
    split = sentence_spans(passage())
    assert [TEXT[a:b] for a, b in split][:2] == [
        "Regeringen uppdrar åt SGU att öka möjligheterna till utvinning.",
        "* SGU ska undersöka, provta och karakterisera befintliga gruvavfall."]
    stored = {(0, 10): 0.5, (11, 20): 0.4}
    indexed = passage()
    indexed.unit_scores.update(stored)
    assert sentence_spans(indexed) == [(0, 10), (11, 20)]
