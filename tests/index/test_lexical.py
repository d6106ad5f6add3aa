"""The lexical side of the hybrid index: Swedish analysis with decompounding, and BM25 over it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from assistant.index.lexical import STOPWORDS, LexicalIndex, SwedishAnalyzer

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FUNCTION_WORDS = ("och", "att", "för", "som", "med", "den", "det", "är", "en", "ett", "i", "på", "av", "till")
QUERIES = ("bostad", "Huvudansvar boende", "arbetsmarknad", "integrationsperspektiv", "modersmål")


@pytest.fixture(scope="module")
def paragraphs() -> list[tuple[str, str]]:
    """(document, paragraph) for every blank-line separated paragraph of the seed corpus."""
    rows = []
    for path in sorted(CORPUS.glob("*.txt")):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            if block.strip():
                rows.append((path.stem, block.strip()))
    return rows


@pytest.fixture(scope="module")
def analyzer(paragraphs: list[tuple[str, str]]) -> SwedishAnalyzer:
    return SwedishAnalyzer.from_texts(text for _, text in paragraphs)


@pytest.fixture(scope="module")
def index(paragraphs: list[tuple[str, str]], analyzer: SwedishAnalyzer) -> LexicalIndex:
    return LexicalIndex.build([text for _, text in paragraphs], analyzer=analyzer)


def term(analyzer: SwedishAnalyzer, word: str) -> str:
    """The single term a simple word analyzes to."""
    (only,) = analyzer.terms(word)
    return only


# --- analysis ---------------------------------------------------------------------------------


def test_terms_are_lowercased_snowball_stems(analyzer: SwedishAnalyzer) -> None:
    assert analyzer.terms("Kommunerna KOMMUNEN kommun") == ["kommun", "kommun", "kommun"]


def test_stopwords_in_swedish_and_english_are_dropped(analyzer: SwedishAnalyzer) -> None:
    assert analyzer.terms(" ".join(FUNCTION_WORDS) + " the and of with") == []
    assert analyzer.terms("Språket och arbetet") == [term(analyzer, "språket"), term(analyzer, "arbetet")]


def test_numbers_are_kept_verbatim_and_single_letters_dropped(analyzer: SwedishAnalyzer) -> None:
    terms = analyzer.terms("Gäller t o m datum 2018-12-31")
    assert terms == [term(analyzer, "gäller"), "datum", "2018", "12", "31"]


def test_decomposed_unicode_equals_composed(analyzer: SwedishAnalyzer) -> None:
    assert analyzer.terms("bosta\u0308der") == analyzer.terms("bostäder")


def test_a_compound_also_yields_the_terms_of_its_parts(analyzer: SwedishAnalyzer) -> None:
    assert term(analyzer, "bostad") in analyzer.terms("bostadsförsörjningsprogrammet")
    assert term(analyzer, "försörjning") in analyzer.terms("bostadsförsörjningsprogrammet")
    assert term(analyzer, "boende") in analyzer.terms("boendemiljö")
    assert analyzer.terms("arbetsmarknad")[0] in analyzer.terms("arbetsmarknadsenheten")
    assert term(analyzer, "integration") in analyzer.terms("integrationsperspektiv")


def test_the_whole_compound_keeps_its_own_term_first(analyzer: SwedishAnalyzer) -> None:
    terms = analyzer.terms("boendemiljöer")
    assert terms[0] == analyzer.terms("boendemiljö")[0]
    assert terms[0] != term(analyzer, "boende")


def test_words_that_are_not_compounds_are_not_split(analyzer: SwedishAnalyzer) -> None:
    for word in ("integration", "kommunikation", "kompetens", "kommunens", "drivande", "utanförskap"):
        assert analyzer.split_compound(word) == (), word
    assert analyzer.terms("integration") == ["integration"]


def test_no_corpus_word_splits_into_short_or_function_word_parts(
    paragraphs: list[tuple[str, str]], analyzer: SwedishAnalyzer
) -> None:
    words = {word for _, text in paragraphs for word in re.findall(r"[^\W_]+", text.lower())}
    splits = {word: analyzer.split_compound(word) for word in words}
    assert sum(bool(parts) for parts in splits.values()) > 100  # the corpus is full of compounds
    for word, parts in splits.items():
        if parts:
            assert len(parts) in (2, 3) and len(parts[0]) >= 4, (word, parts)
            assert all(len(part) >= 3 and part not in STOPWORDS for part in parts), (word, parts)


def test_linking_s_and_linking_vowels_are_recognised() -> None:
    lexicon = ["gata", "kök", "kyrka", "gård", "familj", "omsorg", "arbete", "marknad"]
    analyzer = SwedishAnalyzer(lexicon=lexicon)
    assert analyzer.split_compound("gatukök") == ()  # 7 letters: too short to be worth splitting
    assert analyzer.split_compound("gatuköket") == ("gatu", "köket")
    assert analyzer.split_compound("kyrkogården") == ("kyrko", "gården")
    assert analyzer.split_compound("familjeomsorgen") == ("familje", "omsorgen")
    assert analyzer.split_compound("arbetsmarknad") == ("arbet", "marknad")
    assert term(analyzer, "arbete") in analyzer.terms("arbetsmarknad")


def test_the_split_with_fewest_parts_wins_and_long_parts_split_again() -> None:
    analyzer = SwedishAnalyzer(lexicon=["arbete", "marknad", "arbetsmarknad", "enhet"])
    assert analyzer.split_compound("arbetsmarknadsenheten") == ("arbetsmarknad", "enheten")
    terms = analyzer.terms("arbetsmarknadsenheten")
    for word in ("arbetsmarknad", "arbete", "marknad", "enhet"):
        assert analyzer.terms(word)[0] in terms, word


def test_unknown_remainders_and_unknown_parts_prevent_a_split() -> None:
    analyzer = SwedishAnalyzer(lexicon=["bostad", "kommun"])
    assert analyzer.split_compound("bostadsqwerty") == ()
    assert analyzer.split_compound("kommunikation") == ()


def test_umlaut_plurals_are_normalised_to_the_singular(analyzer: SwedishAnalyzer) -> None:
    assert analyzer.terms("bostäder") == analyzer.terms("bostäderna") == analyzer.terms("bostad")
    assert analyzer.terms("länder") == analyzer.terms("land")
    assert analyzer.terms("böcker") == analyzer.terms("bok")
    # "händer" is also the verb "happens": it must not turn into "hand"
    assert analyzer.terms("händer") != analyzer.terms("hand")


def test_lexicon_comes_from_the_texts_and_the_extra_words() -> None:
    analyzer = SwedishAnalyzer.from_texts(["Tolk tolk språkcafé"], extra_words=["Hyresrätt"], min_count=2)
    assert "tolk" in analyzer.lexicon and "hyresrätt" in analyzer.lexicon
    assert "språkcafé" not in analyzer.lexicon  # seen once, below min_count
    assert "och" not in SwedishAnalyzer(lexicon=["och"]).lexicon  # function words can never be parts


def test_json_round_trip_gives_identical_terms(
    paragraphs: list[tuple[str, str]], analyzer: SwedishAnalyzer
) -> None:
    restored = SwedishAnalyzer.from_json(json.loads(json.dumps(analyzer.to_json())))
    assert restored.lexicon == analyzer.lexicon
    for _, text in paragraphs:
        assert restored.terms(text) == analyzer.terms(text)


def test_json_from_another_analysis_version_is_refused(analyzer: SwedishAnalyzer) -> None:
    data = analyzer.to_json() | {"version": -1}
    with pytest.raises(ValueError, match="version"):
        SwedishAnalyzer.from_json(data)


# --- index ------------------------------------------------------------------------------------


def test_the_index_has_one_row_per_text(index: LexicalIndex, paragraphs: list[tuple[str, str]]) -> None:
    assert len(index) == len(paragraphs)


def test_bostad_finds_the_tierp_paragraph_with_the_housing_programme(
    index: LexicalIndex, paragraphs: list[tuple[str, str]]
) -> None:
    # The Tierp table is one long paragraph (80 terms), so the short headings "Bostäder", "Bostad och
    # Boende" outrank it; without decompounding it would not match at all.
    results = index.search("bostad", k=10)
    rows = [row for row, _ in results]
    assert any(
        paragraphs[row][0].startswith("tierp") and "bostadsförsörjningsprogrammet" in paragraphs[row][1]
        for row in rows
    )
    for row in rows:  # every hit is about housing, through some form of the word
        assert "bost" in paragraphs[row][1].lower()


def test_huvudansvar_boende_ranks_the_tierp_housing_table_high(
    index: LexicalIndex, paragraphs: list[tuple[str, str]]
) -> None:
    top = [paragraphs[row] for row, _ in index.search("Huvudansvar boende", k=3)]
    assert any(
        document.startswith("tierp") and "område Boende" in text and "Huvudansvar" in text
        for document, text in top
    )


def test_results_are_positive_and_best_first(index: LexicalIndex) -> None:
    for query in QUERIES:
        scores = [score for _, score in index.search(query, k=10)]
        assert scores and all(score > 0 for score in scores)
        assert scores == sorted(scores, reverse=True)


def test_k_larger_than_the_index_returns_only_matching_rows(
    index: LexicalIndex, paragraphs: list[tuple[str, str]]
) -> None:
    results = index.search("bostad", k=10 * len(index))
    assert 0 < len(results) < len(index)
    assert len({row for row, _ in results}) == len(results)
    assert index.search("bostad", k=1) == results[:1]


def test_rows_outside_the_allowed_mask_never_appear(
    index: LexicalIndex, paragraphs: list[tuple[str, str]]
) -> None:
    allowed = np.array([document.startswith("varnamo") for document, _ in paragraphs])
    results = index.search("integration bostad arbete", k=len(index), allowed=allowed)
    assert results and all(allowed[row] for row, _ in results)

    (best, _), *_ = index.search("Huvudansvar boende", k=1)
    everything_but_best = np.ones(len(index), dtype=bool)
    everything_but_best[best] = False
    results = index.search("Huvudansvar boende", k=10, allowed=everything_but_best)
    assert results and best not in [row for row, _ in results]
    assert index.search("bostad", k=10, allowed=np.zeros(len(index), dtype=bool)) == []


def test_excluding_rows_searches_as_allowing_all_the_others(index: LexicalIndex) -> None:
    excluded = np.arange(0, len(index), 3, dtype=np.int64)
    rows = np.setdiff1d(np.arange(len(index)), excluded)
    for query in QUERIES:
        assert index.search_rows(query, k=10, excluded=excluded) == index.search_rows(query, k=10, rows=rows)
    with pytest.raises(ValueError):
        index.search_rows("bostad", k=10, rows=rows, excluded=excluded)


def test_a_query_without_indexed_terms_finds_nothing(index: LexicalIndex) -> None:
    assert index.search("qwertyuiop zxcvbn", k=10) == []
    assert index.search("och att för", k=10) == []
    assert index.search("", k=10) == []


def test_bad_arguments_are_refused(index: LexicalIndex) -> None:
    with pytest.raises(ValueError):
        index.search("bostad", k=0)
    with pytest.raises(ValueError):
        index.search("bostad", k=5, allowed=np.ones(len(index) + 1, dtype=bool))
    with pytest.raises(ValueError):
        index.search("bostad", k=5, allowed=np.ones(len(index), dtype=np.float32))
    with pytest.raises(ValueError):
        LexicalIndex.build([], analyzer=SwedishAnalyzer())


def test_texts_without_terms_are_rows_that_are_never_found(analyzer: SwedishAnalyzer) -> None:
    index = LexicalIndex.build(["", "och att", "Bostad och boende"], analyzer=analyzer)
    assert len(index) == 3
    assert [row for row, _ in index.search("bostad boende", k=3)] == [2]
    assert LexicalIndex.build(["", "och"], analyzer=analyzer).search("bostad", k=3) == []


@pytest.mark.parametrize("mmap", [False, True])
def test_save_then_load_gives_the_same_results(index: LexicalIndex, tmp_path: Path, mmap: bool) -> None:
    index.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical", mmap=mmap)
    assert len(loaded) == len(index)
    allowed = np.arange(len(index)) % 2 == 0
    for query in QUERIES:
        assert loaded.search(query, k=10) == index.search(query, k=10)
        assert loaded.search(query, k=10, allowed=allowed) == index.search(query, k=10, allowed=allowed)


def test_the_saved_index_holds_no_pickle(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path)
    arrays = sorted(tmp_path.glob("*.npy"))
    assert arrays
    for path in arrays:
        np.load(path, allow_pickle=False)
    assert (tmp_path / "analyzer.json").is_file()
    assert {path.suffix for path in tmp_path.iterdir()} <= {".npy", ".json"}


def test_an_index_saved_by_another_analysis_version_is_refused(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path)
    data = json.loads((tmp_path / "analyzer.json").read_text(encoding="utf-8"))
    (tmp_path / "analyzer.json").write_text(json.dumps(data | {"version": -1}), encoding="utf-8")
    with pytest.raises(ValueError, match="version"):
        LexicalIndex.load(tmp_path)


# --- the score matrix and appending rows -------------------------------------------------------------


def _scores(index: LexicalIndex, query: str) -> dict[int, float]:
    return dict(index.search(query, k=10_000))


def test_scores_equal_those_of_bm25s_own_lucene_indexing(paragraphs: list[tuple[str, str]],
                                                        analyzer: SwedishAnalyzer) -> None:
    import bm25s

    texts = [text for _, text in paragraphs] + [""]  # an empty row counts in the average length, as in bm25s
    ours = LexicalIndex.build(texts, analyzer=analyzer)
    vocabulary: dict[str, int] = {}
    ids = [[vocabulary.setdefault(t, len(vocabulary)) for t in analyzer.terms(text)] for text in texts]
    reference = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    reference.index((ids, vocabulary), create_empty_token=False, show_progress=False)
    for query in QUERIES:
        query_ids = [vocabulary[t] for t in analyzer.terms(query) if t in vocabulary]
        expected = reference.get_scores_from_ids(query_ids)
        found = np.zeros(len(texts), dtype=np.float32)
        for row, score in ours.search(query, k=len(texts)):
            found[row] = score
        np.testing.assert_allclose(found, expected, rtol=1e-5, atol=1e-6)


def test_appending_rows_scores_exactly_as_indexing_them_all_at_once(
        paragraphs: list[tuple[str, str]], analyzer: SwedishAnalyzer, tmp_path: Path) -> None:
    texts = [text for _, text in paragraphs]
    first, added = texts[: len(texts) * 3 // 4], texts[len(texts) * 3 // 4:]
    LexicalIndex.build(first, analyzer=analyzer).save(tmp_path)
    saved = LexicalIndex.load(tmp_path)  # the term ids come back from disk, not from memory
    assert saved.extendable
    appended = saved.extended(added)
    whole = LexicalIndex.build(texts, analyzer=analyzer)
    assert len(appended) == len(whole) == len(texts) and len(saved) == len(first)
    for query in (*QUERIES, "mottagning av nyanlända"):
        expected, found = _scores(whole, query), _scores(appended, query)
        assert found.keys() == expected.keys()
        np.testing.assert_allclose([found[r] for r in expected], list(expected.values()), rtol=1e-6)


def test_appended_rows_are_found_and_older_rows_are_rescored(index: LexicalIndex) -> None:
    before = index.search("bostad", k=3)
    appended = index.extended(["Bostad bostad bostad: bostadsförsörjning i Heby.", "Helt annan text."])
    top_row, _ = appended.search("bostad heby", k=1)[0]
    assert top_row == len(index)  # the first appended row
    # More rows containing "bostad" lower its idf, so an old row's score falls.
    old_row, old_score = before[0]
    assert dict(appended.search("bostad", k=len(appended)))[old_row] < old_score


def test_an_index_saved_without_term_ids_cannot_be_extended(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path)
    for name in ("tokens.npy", "lengths.npy"):
        (tmp_path / name).unlink()
    loaded = LexicalIndex.load(tmp_path)
    assert not loaded.extendable
    with pytest.raises(ValueError, match="no saved term ids"):
        loaded.extended(["text"])
