"""Unit vectors: one per sentence, item or row of every chunk, saved beside the index and scored by
chunk row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.index.units import UnitVectors


def unit(*values: float) -> np.ndarray:
    vector = np.asarray(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_similarities_come_back_per_chunk_row_in_unit_order() -> None:
    vectors = np.stack([unit(1, 0), unit(0, 1), unit(1, 1), unit(-1, 0)])
    units = UnitVectors.build(vectors, [2, 0, 2])  # row 0: two units, row 1: none (a header), row 2: two
    assert len(units) == 3 and units.unit_count == 4
    scores = units.similarities([2, 1, 0], unit(1, 0))
    assert [list(np.round(s, 3)) for s in scores] == [[0.707, -1.0], [], [1.0, 0.0]]


def test_unit_vectors_survive_a_save_and_a_mapped_load(tmp_path: Path) -> None:
    vectors = np.stack([unit(1, 2, 3), unit(3, 2, 1)])
    UnitVectors.build(vectors, [1, 1]).save(tmp_path)
    for mmap in (False, True):
        loaded = UnitVectors.load(tmp_path, mmap=mmap)
        assert np.allclose(loaded.similarities([1], unit(3, 2, 1))[0], [1.0], atol=1e-3)  # float16 on disk


def test_appended_rows_follow_the_existing_ones() -> None:
    base = UnitVectors.build(np.stack([unit(1, 0)]), [1])
    grown = base.extended(np.stack([unit(0, 1), unit(1, 1)]), [0, 2])
    assert len(base) == 1 and len(grown) == 3 and grown.unit_count == 3
    assert [len(s) for s in grown.similarities([0, 1, 2], unit(0, 1))] == [1, 0, 2]


def test_offsets_that_do_not_match_the_vectors_are_refused() -> None:
    with pytest.raises(ValueError, match="unit vectors"):
        UnitVectors(np.zeros((3, 2), dtype=np.float16), np.array([0, 1, 2]))


def test_the_served_index_has_vectors_for_every_quotable_unit(assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.chunk import MIN_UNIT_CHARS

    index = assistant._require().index
    chunks = index.store.all_chunks()
    assert index.units.unit_count == sum(len(c.units) for c in chunks)
    question = assistant.embedder.embed_queries(["Vem ansvarar för boende?"])[0]
    for row, scores in enumerate(index.units.similarities(range(len(chunks)), question)):
        text = index.store.document_text(chunks[row].document_id)
        for (start, end), score in zip(chunks[row].units, scores, strict=True):
            quotable = chunks[row].kind == "table_row" or end - start >= MIN_UNIT_CHARS
            assert (score != 0.0) == quotable, text[start:end]
