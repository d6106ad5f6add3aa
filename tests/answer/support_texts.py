"""What the support and concept tests read: an index over a few texts, built as an index is, and a
retrieved passage of one text at a given closeness to the question."""

from __future__ import annotations

from assistant.answer.base import Passage
from assistant.glossary import Glossary
from assistant.index.lexical import LexicalIndex, SwedishAnalyzer
from assistant.models import DocumentInfo, Hit


def index_over(texts: list[str]) -> LexicalIndex:
    """A lexical index of ``texts`` alone, as an index is built: compounds split at the glossary's
    forms ("praktikplatser": praktik + plats)."""
    analyzer = SwedishAnalyzer.from_texts(texts, extra_words=Glossary.load_default().lexicon_forms)
    return LexicalIndex.build(texts, analyzer=analyzer)


def passage(text: str, closeness: float) -> Passage:
    """A passage of all of ``text``, its cosine with the question ``closeness``."""
    hit = Hit(chunk_id="c", document_id="d", title="Plan", municipality=None, section="Arbete",
              section_path=["Arbete"], text=text, score=1.0, start=0, end=len(text))
    return Passage(hit=hit, kind="text", document=DocumentInfo(id="d", title="Plan", source_path="d.md"),
                   document_text=text, dense_score=closeness)
