"""The pure parts of ``bench/whole_corpus.py`` (in ``bench/whole_corpus_sample.py``): the sample,
the document ids, the corpus files and the questions (deterministic, never repeated, a third
filtered to their page). No model, no server, no shared corpus: a handful of made-up pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.parse import document_id_for
from bench.scale_corpus import Page
from bench.whole_corpus_sample import (
    FILTERED_EVERY,
    PageRef,
    latency_questions,
    page_ref,
    select_pages,
    title_questions,
    unique_document_ids,
    write_corpus,
)


def _pages(count: int = 12) -> list[Page]:
    return [Page(id=f"pressmeddelanden/2024/0{i % 9 + 1}/uppdrag-om-sida-{i}", kind="pressmeddelanden",
                 title=f"Uppdrag om sida {i}",
                 text=f"# Uppdrag om sida {i}\n\nRegeringen har beslutat.\n\n## Bakgrund {i}\n\nText.\n\n"
                      f"### [Läs mer](https://example.se/{i}) om *ärendet*\n\nMer text.\n")
            for i in range(count)]


def _refs(count: int = 12) -> list[PageRef]:
    return [page_ref(page, f"doc-{i}") for i, page in enumerate(_pages(count))]


def test_the_sample_is_seeded_and_in_the_dumps_order() -> None:
    pages = _pages(30)
    sample = select_pages(pages, 10, seed=3)
    assert sample == select_pages(pages, 10, seed=3) != select_pages(pages, 10, seed=4)
    assert len(sample) == 10 and sample == sorted(sample, key=pages.index)
    assert select_pages(pages, None, seed=3) == select_pages(pages, 99, seed=3) == pages


def test_colliding_page_ids_get_distinct_document_ids_that_are_their_own_slug() -> None:
    long = "x" * 120
    pages = [Page(f"rattsliga-dokument/2020/01/{long}{suffix}", "rattsliga-dokument", "T", "# T\n\ntext")
             for suffix in ("a", "b", "c")]
    ids = unique_document_ids(pages)
    assert len(set(ids)) == 3
    for document_id in ids:
        assert len(document_id) <= 80
        assert document_id_for(Path(f"{document_id}.md")) == document_id  # indexed under this id


def test_pages_are_written_as_markdown_with_their_title(tmp_path: Path) -> None:
    pages = [Page("artiklar/2021/05/a", "artiklar", "Rubriken", "Bara brödtext.\n"), *_pages(1)]
    chars = write_corpus(pages, ["a", "b"], tmp_path / "corpus")
    assert (tmp_path / "corpus" / "a.md").read_text(encoding="utf-8") == "# Rubriken\n\nBara brödtext.\n"
    assert (tmp_path / "corpus" / "b.md").read_text(encoding="utf-8").startswith("# Uppdrag om sida 0\n")
    assert chars == sum(len(p.read_text(encoding="utf-8")) for p in (tmp_path / "corpus").iterdir())
    with pytest.raises(ValueError, match="not empty"):
        write_corpus(pages, ["a", "b"], tmp_path / "corpus")


def test_a_page_ref_has_the_section_headings_as_plain_words() -> None:
    ref = page_ref(_pages(1)[0], "doc-0")
    assert ref.title == "Uppdrag om sida 0"
    assert ref.headings == ("Bakgrund 0", "Läs mer om ärendet")


def test_latency_questions_are_deterministic_and_never_repeat() -> None:
    refs = _refs(3)  # few pages and topics: only the serial number keeps the strings apart
    first = latency_questions(refs, 300, seed=1)
    assert first == latency_questions(refs, 300, seed=1)
    assert [q.text for q in first] != [q.text for q in latency_questions(refs, 300, seed=2)]
    assert len({q.text for q in first}) == 300


def test_a_third_of_the_latency_questions_are_filtered_to_their_own_page() -> None:
    refs = _refs()
    questions = latency_questions(refs, 300, seed=0)
    filtered = [q for q in questions if q.filtered]
    assert len(filtered) == 300 // FILTERED_EVERY
    by_id = {ref.document_id: ref for ref in refs}
    for question in questions:
        ref = by_id[question.source]
        assert any(topic in question.text for topic in (ref.title, *ref.headings))
    assert any("dokumentet" in q.text or "här" in q.text for q in filtered)
    assert any("document" in q.text or "here" in q.text for q in filtered)
    unfiltered = [q.text for q in questions if not q.filtered]
    assert any("regeringen" in text or "Vad" in text for text in unfiltered)  # Swedish
    assert any("What" in text or "Which" in text for text in unfiltered)  # English


def test_title_questions_ask_once_per_page_and_never_as_a_timed_question() -> None:
    refs = _refs(150)
    titles = title_questions(refs, 100, seed=0)
    assert titles == title_questions(refs, 100, seed=0)
    assert len({q.source for q in titles}) == 100 and not any(q.filtered for q in titles)
    by_id = {ref.document_id: ref for ref in refs}
    assert all(by_id[q.source].title in q.text for q in titles)
    assert not {q.text for q in titles} & {q.text for q in latency_questions(refs, 300, seed=0)}
    assert len(title_questions(refs[:7], 100, seed=0)) == 7
