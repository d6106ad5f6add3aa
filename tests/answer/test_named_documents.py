"""Which documents a question names: by most of its title's words, or by all of them."""

from __future__ import annotations

from assistant.answer.named_documents import names_document, names_title
from assistant.models import DocumentInfo


def document(title: str) -> DocumentInfo:
    return DocumentInfo(id="d", title=title, source_path="d.md")


def test_a_question_names_a_document_by_its_whole_title_only_when_it_uses_every_longer_word() -> None:
    housing = document("En socialt hållbar bostadsförsörjning")
    assert names_title("När ska utredningen om en socialt hållbar bostadsförsörjning lämna en delredovisning?",
                       housing)
    assert not names_title("Hur ser bostadsförsörjningen ut?", housing)
    # A question on the document's topic uses most of its title: it names it loosely, not wholly.
    talks = document("Regeringen i samtal om hedersrelaterat våld och förtryck")
    question = "Hur mycket har arbetet mot hedersrelaterat våld och förtryck förstärkts med permanent?"
    assert names_document(question, talks) and not names_title(question, talks)
    assert not names_title("Vad är en policy?", document("Policy"))  # too short a title to tell apart
