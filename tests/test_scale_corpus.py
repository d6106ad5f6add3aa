"""The scale-corpus generator of ``bench/scale.py``: deterministic, varied, parseable. Fast: it
counts chunks with the real parser and chunker but a character-based token count (no model)."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from pathlib import Path

import pytest

from assistant.chunk import Chunker
from assistant.parse import EmptyDocumentError, parse_file
from bench.scale_corpus import (
    REPO,
    Page,
    ScaleCorpus,
    generate_corpus,
    generate_questions,
    load_pages,
    load_sources,
    plain_to_markdown,
)
from bench.scale_variants import genitive, shift_dates, swap_municipality, variant_text


def _counter() -> Chunker:
    return Chunker(count_tokens=lambda text: max(1, len(text) // 3), max_tokens=180, overlap_tokens=30)


def _count(path: Path) -> int:
    return len(_counter().chunk(parse_file(path)))


def _pages() -> list[Page]:
    return [Page(id=f"pressmeddelanden/2024/0{i}/sida-{i}", kind="pressmeddelanden", title=f"Sida {i}",
                 text=f"# Sida {i}\n\nRegeringen har i dag beslutat om uppdrag nummer {i}.\n\n"
                      f"## Bakgrund\n\n- punkt ett\n- punkt två\n\nMer text om ärende {i}. " * 3)
            for i in range(1, 9)]


def _generate(directory: Path, *, chunks: int = 300, pages: list[Page] | None = None) -> ScaleCorpus:
    return generate_corpus(directory, chunks=chunks, count_chunks=_count, pages=pages or [], seed=7)


def _digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_the_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", pages=_pages())
    second = _generate(tmp_path / "b", pages=_pages())
    assert _digest(first.directory) == _digest(second.directory)
    assert (first.chunks, first.documents) == (second.chunks, second.documents)


def test_it_reaches_the_size_and_mixes_pages_in(tmp_path: Path) -> None:
    corpus = _generate(tmp_path / "c", chunks=300, pages=_pages())
    assert 300 <= corpus.chunks < 300 + 60  # stops at the first document that reaches the size
    assert corpus.pages > 0 and corpus.variants > 0
    assert corpus.chunks == sum(_count(p) for p in corpus.directory.iterdir())
    assert {p.suffix for p in corpus.directory.iterdir()} == {".txt", ".md"}
    assert len(corpus.titles) == corpus.pages


def test_pages_can_be_bundled_into_fewer_documents(tmp_path: Path) -> None:
    corpus = generate_corpus(tmp_path / "c", chunks=300, count_chunks=_count, pages=_pages(), pages_per_document=3,
                             seed=7)
    bundles = sorted(corpus.directory.glob("regeringen-samling-*.md"))
    assert bundles and corpus.pages == len(corpus.titles) > len(bundles)
    document = parse_file(bundles[0])
    assert document.title.startswith("Sidor från regeringen.se")
    paths = [section.path for section in document.sections]
    pages = {path[0] for path in paths}
    assert len(pages) == 3 and all([page, "Bakgrund"] in paths for page in pages)  # a page a section, headings below


def test_documents_are_varied(tmp_path: Path) -> None:
    corpus = _generate(tmp_path / "c", chunks=400)
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.directory.iterdir())]
    assert len(set(texts)) == len(texts)
    assert len(corpus.municipalities) == corpus.variants  # a new municipality for each, while they last
    words_by_kind: dict[str, set[int]] = {}
    for source in load_sources():
        variants = [t for p, t in zip(sorted(corpus.directory.iterdir()), texts, strict=True)
                    if f"-{source.kind}-" in p.name]
        words_by_kind[source.kind] = {len(t.split()) for t in variants}
    assert all(len(counts) > 1 for counts in words_by_kind.values())  # sentences added and dropped


def test_every_file_parses_with_the_municipality_swapped_in(tmp_path: Path) -> None:
    corpus = _generate(tmp_path / "c", chunks=400)
    for path in corpus.directory.iterdir():
        document = parse_file(path)
        assert document.title and document.sections
        assert document.municipality in corpus.municipalities, path.name
    assert corpus.parse_failures == () and corpus.errors == ()


def test_a_variant_swaps_names_and_genitives_and_shifts_dates() -> None:
    tierp = next(s for s in load_sources() if s.municipality == "Tierp")
    text = variant_text(tierp, municipality="Borås", rng=random.Random(3))
    assert "Tierp" not in text and "Borås kommuns" in text
    assert swap_municipality("Tierps kommun och Tierp.", old="Tierp", new="Åre") == "Åres kommun och Åre."
    assert genitive("Tranås") == "Tranås" and genitive("Lund") == "Lunds"
    assert shift_dates("antogs 2016-09-20, § 72.2017", years=2, days=5) == "antogs 2018-09-25, § 72.2019"


def test_markdown_rendering_keeps_the_structure() -> None:
    source = next(s for s in load_sources() if s.municipality == "Tranås")
    markdown = plain_to_markdown(source.text)
    assert markdown.startswith("# Integrationspolitiskt program för Tranås kommun")
    assert "\n## Bakgrund\n" in markdown and "\n- Utbildning\n" in markdown


def test_refused_and_crashing_files_are_counted(tmp_path: Path) -> None:
    def count(path: Path) -> int:
        if "sida-2" in path.name:
            raise EmptyDocumentError("empty")
        if "sida-3" in path.name:
            raise KeyError("bug")
        return _count(path)

    corpus = generate_corpus(tmp_path / "c", chunks=300, count_chunks=count, pages=_pages(), seed=7)
    assert len(corpus.parse_failures) == 1 and "sida-2" in corpus.parse_failures[0]
    assert len(corpus.errors) == 1 and "KeyError" in corpus.errors[0][1]
    assert not any("sida-3" in p.name for p in corpus.directory.iterdir())  # removed: it would break a build


def test_pages_load_from_gzipped_json_lines(tmp_path: Path) -> None:
    dump = tmp_path / "pages.jsonl.gz"
    with gzip.open(dump, "wt", encoding="utf-8") as handle:
        for record in [{"id": "a/1", "kind": "tal", "title": "Tal", "text": "Ett tal."},
                       {"id": "a/2", "kind": "tal", "title": "Tomt", "text": "  "}]:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    assert [p.id for p in load_pages(dump)] == ["a/1"]


def test_questions_are_distinct_and_deterministic(tmp_path: Path) -> None:
    corpus = _generate(tmp_path / "c", pages=_pages())
    questions = generate_questions(corpus, count=30, seed=1)
    assert len(questions) == len(set(questions)) == 30
    assert questions == generate_questions(corpus, count=30, seed=1)


def test_sources_can_be_included_and_variants_go_elsewhere(tmp_path: Path) -> None:
    corpus = generate_corpus(tmp_path / "c", chunks=300, count_chunks=_count, include_sources=True, seed=7)
    names = {p.name for p in corpus.directory.iterdir()}
    assert {p.name for p in (REPO / "corpus").glob("*.txt")} <= names
    own = {source.municipality for source in load_sources()}
    assert own <= set(corpus.municipalities)
    assert not own & set(corpus.municipalities[len(own):])


def test_a_folder_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="not empty"):
        _generate(tmp_path)
