"""Evaluation documents drawn from the shared regeringen.se corpus: a reproducible draw, extracted
at run time into a corpus folder beside the policies, never copied into the repository."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from assistant.eval_questions import EvalQuestion
from assistant.eval_sets import (
    CORPUS_NAME,
    combined_corpus,
    default_corpus_path,
    document_id_for_page,
    draw_documents,
    extract_documents,
    read_draw,
)
from assistant.evaluate import evidence_found, load_questions
from assistant.parse import document_id_for, parse_file
from tests.conftest import CORPUS, REPO

UNSEEN = REPO / "tests" / "eval" / "unseen"
BLIND = REPO / "tests" / "eval" / "blind"


def a_corpus(path: Path, pages: int = 40) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for n in range(pages):
            kind = "regeringsuppdrag" if n % 4 == 0 else "pressmeddelanden"
            text = f"# Sida {n}\n\n" + "Regeringen uppdrar åt myndigheten att redovisa. " * (60 + n)
            handle.write(json.dumps({"id": f"{kind}/2020/01/sida-{n}", "kind": kind, "title": f"Sida {n}",
                                     "text": text}) + "\n")
    return path


def test_the_draw_is_reproducible_and_alternates_halves(tmp_path: Path) -> None:
    corpus = a_corpus(tmp_path / "pages.jsonl.gz")
    first = draw_documents(corpus, seed=7, steering=3, other=5, min_chars=2500, max_chars=25000)
    assert first == draw_documents(corpus, seed=7, steering=3, other=5, min_chars=2500, max_chars=25000)
    assert [d.kind for d in first.documents[:3]] == ["regeringsuppdrag"] * 3
    assert [d.half for d in first.documents[:4]] == ["tune", "test", "tune", "test"]
    assert "random.Random(7)" in first.rule
    tuning = draw_documents(corpus, seed=7, steering=3, other=5, halves="tune")
    assert [d.id for d in tuning.documents] == [d.id for d in first.documents]
    assert {d.half for d in tuning.documents} == {"tune"} and tuning.rule.endswith("all for tuning")


def test_a_draw_can_keep_to_pages_written_in_one_language(tmp_path: Path) -> None:
    corpus = tmp_path / "pages.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as handle:
        for n in range(12):
            english = n % 3 == 0
            sentence = ("The government has decided that the agency shall report on the work. " if english
                        else "Regeringen har beslutat att myndigheten ska redovisa arbetet. ")
            handle.write(json.dumps({"id": f"tal/2020/01/sida-{n}", "kind": "tal", "title": f"Sida {n}",
                                     "text": sentence * 60}) + "\n")
    drawn = draw_documents(corpus, seed=3, steering=0, other=4, language="en")
    assert sorted(d.id for d in drawn.documents) == [f"tal/2020/01/sida-{n}" for n in (0, 3, 6, 9)]
    assert "written in en" in drawn.rule


def test_drawn_pages_are_extracted_as_markdown_under_their_document_ids(tmp_path: Path) -> None:
    corpus = a_corpus(tmp_path / "pages.jsonl.gz")
    manifest = draw_documents(corpus, seed=1, steering=2, other=2)
    written = extract_documents(manifest, corpus, tmp_path / "out", halves=("tune",))
    assert sorted(document_id_for(p) for p in written) == sorted(d.document_id for d in manifest.documents
                                                                  if d.half == "tune")
    missing = manifest.model_copy(update={"documents": [*manifest.documents[:1],
                                                        manifest.documents[0].model_copy(update={"id": "x/none"})]})
    with pytest.raises(LookupError, match="x/none"):
        extract_documents(missing, corpus, tmp_path / "again")


def test_a_combined_corpus_is_the_policies_and_the_pages_and_is_left_alone_when_current(tmp_path: Path) -> None:
    corpus = a_corpus(tmp_path / "pages.jsonl.gz")
    manifest = draw_documents(corpus, seed=1, steering=1, other=1)
    target = combined_corpus(manifest, corpus, CORPUS, tmp_path / "combined")
    names = sorted(p.name for p in target.iterdir())
    assert names == sorted([*(p.name for p in CORPUS.iterdir()), *(f"{d.document_id}.md" for d in manifest.documents)])
    (target / "stray.txt").write_text("left over")
    stamps = {p.name: p.stat().st_mtime_ns for p in target.iterdir() if p.name != "stray.txt"}
    combined_corpus(manifest, tmp_path / "no-such-corpus.jsonl.gz", CORPUS, target)  # nothing to extract
    assert not (target / "stray.txt").exists()
    assert {p.name: p.stat().st_mtime_ns for p in target.iterdir()} == stamps


def test_page_ids_become_short_readable_document_ids() -> None:
    assert document_id_for_page("regeringsuppdrag/2017/05/uppdrag-att-folja-upp-utvecklingen-inom-cykling") == \
        "regeringsuppdrag-2017-uppdrag-att-folja-upp-utvecklingen-inom-cykling"
    assert len(document_id_for_page("tal/2024/01/" + "mycket-" * 30)) <= 80


def test_the_committed_rules_draw_pages_of_the_shared_corpus_and_name_none_of_them() -> None:
    shared = default_corpus_path(REPO)
    unseen, blind = read_draw(UNSEEN / "documents.json", shared), read_draw(BLIND / "documents.json", shared)
    assert unseen.corpus == CORPUS_NAME and len(unseen.documents) == 30 and len(blind.documents) == 14
    assert {d.half for d in unseen.documents} == {"tune", "test"} and {d.half for d in blind.documents} == {"test"}
    assert len({d.document_id for d in unseen.documents}) == 30
    assert not {d.id for d in unseen.documents} & {d.id for d in blind.documents}
    rules = "".join((folder / "documents.json").read_text(encoding="utf-8") for folder in (UNSEEN, BLIND))
    assert not any(d.id in rules or d.title in rules for d in [*unseen.documents, *blind.documents])


def test_the_question_sets_follow_the_rules_of_the_issue() -> None:
    manifest = read_draw(UNSEEN / "documents.json", default_corpus_path(REPO))
    halves = {d.document_id: d.half for d in manifest.documents}
    questions = {half: load_questions(UNSEEN / f"{half}.jsonl") for half in ("tune", "test")}
    everything = questions["tune"] + questions["test"]
    assert len(everything) >= 60
    assert sum(q.language == "en" for q in everything) >= 2 * len(everything) // 3 - 1
    assert sum(not q.answerable for q in everything) >= 8
    for half, items in questions.items():
        assert all(halves[q.document_id] == half for q in items if q.answerable), half
    assert len({q.document_id for q in everything if q.answerable}) >= 25


def test_every_evidence_string_is_in_its_page_as_parsed(tmp_path: Path) -> None:
    manifest = read_draw(UNSEEN / "documents.json", default_corpus_path(REPO))
    extract_documents(manifest, default_corpus_path(REPO), tmp_path)
    for half in ("tune", "test"):
        for question in load_questions(UNSEEN / f"{half}.jsonl"):
            if question.answerable:
                text = parse_file(tmp_path / f"{question.document_id}.md").text
                assert evidence_found(text, question.evidence), question.id


EVAL = REPO / "tests" / "eval"


def drawn_apart_with_evidence(name: str, *, pages: int, half: str, earlier: tuple[str, ...],
                              tmp_path: Path) -> list[EvalQuestion]:
    """The questions of the set ``name`` after checking that its draw holds ``pages`` pages of
    ``half``, none of the ``earlier`` draws', and that each answerable question's evidence is in its
    page as parsed."""
    shared = default_corpus_path(REPO)
    drawn = read_draw(EVAL / name / "documents.json", shared)
    others = {d.id for other in earlier for d in read_draw(EVAL / other / "documents.json", shared).documents}
    assert len(drawn.documents) == pages and {d.half for d in drawn.documents} == {half}
    assert not {d.id for d in drawn.documents} & others
    extract_documents(drawn, shared, tmp_path)
    questions = load_questions(EVAL / name / "questions.jsonl")
    ids = {d.document_id for d in drawn.documents}
    for question in questions:
        if question.answerable:
            assert question.document_id in ids, question.id
            assert evidence_found(parse_file(tmp_path / f"{question.document_id}.md").text, question.evidence), \
                question.id
    return questions


def test_the_fresh_set_draws_pages_no_other_set_draws_and_its_evidence_is_in_them(tmp_path: Path) -> None:
    """The fresh set (issue 20, written after the selection rules of the earlier rounds): 24 pages
    none of the other draws holds, every question held out, every evidence string in its page."""
    questions = drawn_apart_with_evidence("fresh", pages=24, half="test",
                                          earlier=("unseen", "blind", "large", "english"), tmp_path=tmp_path)
    assert sum(not q.answerable for q in questions) >= 8


def test_the_tuning_set_draws_pages_no_other_set_draws_and_its_evidence_is_in_them(tmp_path: Path) -> None:
    """The tuning set (issue 20: more questions to fit on than one tune half): 30 pages none of the
    other draws holds, all for tuning, at least 100 answerable questions and 16 hard negatives."""
    questions = drawn_apart_with_evidence("tuning", pages=30, half="tune",
                                          earlier=("unseen", "blind", "large", "english", "fresh"), tmp_path=tmp_path)
    assert sum(q.answerable for q in questions) >= 100 and sum(not q.answerable for q in questions) >= 16


@pytest.mark.parametrize(("name", "half"), [("trial", "tune"), ("check", "test")])
def test_the_trial_and_check_sets_draw_pages_no_other_set_draws_and_their_evidence_is_in_them(
        name: str, half: str, tmp_path: Path) -> None:
    """The trial set (tuned on) and the check set (held out) of issue 20's ninth pass: 16 pages each,
    none of any earlier draw, 64 answerable questions and 12 hard negatives each."""
    earlier = ("unseen", "blind", "large", "english", "fresh", "tuning", *(("trial",) if name == "check" else ()))
    questions = drawn_apart_with_evidence(name, pages=16, half=half, earlier=earlier, tmp_path=tmp_path)
    assert sum(q.answerable for q in questions) == 64 and sum(not q.answerable for q in questions) == 12


def test_the_facts_set_draws_pages_no_other_set_draws_and_its_evidence_is_in_them(tmp_path: Path) -> None:
    """The facts set (issue 20's thirteenth pass: tuning material for the kinds of fact a question
    asks for): 24 pages none of any earlier draw, all for tuning, 238 answerable questions and 15
    hard negatives."""
    earlier = ("unseen", "blind", "large", "english", "fresh", "tuning", "trial", "check")
    questions = drawn_apart_with_evidence("facts", pages=24, half="tune", earlier=earlier, tmp_path=tmp_path)
    assert sum(q.answerable for q in questions) == 238 and sum(not q.answerable for q in questions) == 15


def test_the_second_facts_set_draws_pages_no_other_set_draws_and_its_evidence_is_in_them(tmp_path: Path) -> None:
    """The second facts set (issue 20's thirteenth pass): 24 pages none of any earlier draw, all for
    tuning, 242 answerable questions and 15 hard negatives."""
    earlier = ("unseen", "blind", "large", "english", "fresh", "tuning", "trial", "check", "facts")
    questions = drawn_apart_with_evidence("facts2", pages=24, half="tune", earlier=earlier, tmp_path=tmp_path)
    assert sum(q.answerable for q in questions) == 242 and sum(not q.answerable for q in questions) == 15


def test_the_staff_set_draws_pages_no_other_set_draws_and_its_evidence_is_in_them(tmp_path: Path) -> None:
    """The staff set (issue 20's thirteenth pass, questions in the styles staff use): 24 pages none
    of any earlier draw, all for tuning, 228 answerable questions and 15 hard negatives."""
    earlier = ("unseen", "blind", "large", "english", "fresh", "tuning", "trial", "check", "facts", "facts2")
    questions = drawn_apart_with_evidence("staff", pages=24, half="tune", earlier=earlier, tmp_path=tmp_path)
    assert sum(q.answerable for q in questions) == 228 and sum(not q.answerable for q in questions) == 15


def test_the_second_fresh_set_draws_pages_no_other_set_draws_and_its_evidence_is_in_them(tmp_path: Path) -> None:
    """The second fresh set (issue 20's fourteenth pass, all held out): 24 pages none of any other
    draw holds, 116 answerable questions and 8 hard negatives, every evidence string in its page."""
    earlier = ("unseen", "blind", "large", "english", "fresh", "tuning", "trial", "check", "facts", "facts2", "staff")
    questions = drawn_apart_with_evidence("fresh2", pages=24, half="test", earlier=earlier, tmp_path=tmp_path)
    assert sum(q.answerable for q in questions) == 116 and sum(not q.answerable for q in questions) == 8


@pytest.mark.parametrize(("name", "pages", "answerable", "negatives"), [("round1", 12, 62, 6), ("round2", 14, 66, 8),
                                                                      ("round3", 14, 66, 8), ("round4", 14, 67, 8),
                                                                      ("round5", 14, 66, 8), ("round6", 14, 67, 8),
                                                                      ("round7", 14, 66, 8), ("round8", 14, 66, 8),
                                                                      ("round9", 14, 67, 8), ("round10", 14, 67, 8),
                                                                      ("round11", 14, 68, 8), ("round12", 14, 66, 8),
                                                                      ("round13", 14, 68, 8), ("round14", 14, 69, 8),
                                                                      ("round15", 14, 68, 8), ("round16", 14, 68, 8),
                                                                      ("round17", 14, 63, 8), ("round18", 14, 63, 8),
                                                                      ("round19", 14, 62, 8), ("round20", 14, 63, 8),
                                                                      ("round21", 14, 63, 8), ("round22", 14, 64, 8),
                                                                      ("round23", 14, 62, 8), ("round24", 14, 64, 8),
                                                                      ("round25", 14, 62, 8), ("round26", 14, 64, 8),
                                                                      ("round27", 14, 63, 8), ("round28", 14, 63, 8),
                                                                      ("round29", 14, 64, 8), ("round30", 14, 65, 8),
                                                                      ("round31", 14, 62, 8), ("round32", 14, 64, 8),
                                                                      ("round33", 14, 65, 8), ("round34", 14, 62, 8),
                                                                      ("round35", 14, 62, 8), ("round36", 14, 62, 8),
                                                                      ("round37", 14, 62, 8), ("round38", 14, 62, 8),
                                                                      ("round39", 14, 62, 8), ("round40", 14, 62, 8),
                                                                      ("round41", 14, 62, 8), ("round42", 14, 62, 8),
                                                                      ("round43", 14, 62, 8), ("round44", 14, 62, 8),
                                                                      ("round45", 14, 62, 8), ("round46", 14, 62, 8),
                                                                      ("round47", 14, 62, 8), ("round48", 14, 62, 8),
                                                                      ("round49", 14, 62, 8), ("round50", 14, 62, 8),
                                                                      ("round51", 14, 62, 8), ("round52", 14, 62, 8),
                                                                      ("round53", 14, 62, 8), ("round54", 14, 62, 8),
                                                                      ("round55", 14, 62, 8), ("round56", 14, 62, 8),
                                                                      ("round57", 14, 62, 8), ("round58", 14, 62, 8),
                                                                      ("round59", 14, 62, 8), ("round60", 14, 62, 8),
                                                                      ("round61", 14, 62, 8),
                                                                      ("round62", 14, 62, 8), ("round63", 14, 62, 8),
                                                                      ("round64", 14, 62, 8), ("round65", 14, 62, 8),
                                                                      ("round66", 14, 62, 8), ("round67", 14, 62, 8),
                                                                      ("round68", 14, 62, 8), ("round69", 14, 62, 8),
                                                                      ("round70", 14, 62, 8), ("round71", 14, 62, 8),
                                                                      ("round72", 14, 62, 8), ("round73", 14, 62, 8),
                                                                      ("round74", 14, 62, 8), ("round75", 14, 62, 8),
                                                                      ("round76", 14, 62, 8), ("round77", 14, 62, 8),
                                                                      ("round78", 14, 62, 8), ("round79", 14, 62, 8),
                                                                      ("round80", 14, 62, 8), ("round81", 14, 62, 8),
                                                                      ("round82", 14, 62, 8)])
def test_the_rounds_of_new_users_uploads_draw_pages_no_other_set_draws_and_their_evidence_is_in_them(
        name: str, pages: int, answerable: int, negatives: int, tmp_path: Path) -> None:
    """The rounds of issue 20's sixteenth to fortieth passes (pages uploaded and synced as a new
    user would; tuning material): pages none of any other draw holds, every evidence string in its page."""
    # Each round leaves out the pages of every set made before it, the earlier rounds too.
    rounds_before = tuple(f"round{n}" for n in range(1, int(name.removeprefix("round"))))
    earlier = ("unseen", "blind", "large", "english", "fresh", "tuning", "trial", "check", "facts", "facts2", "staff",
               "fresh2", *rounds_before)
    questions = drawn_apart_with_evidence(name, pages=pages, half="tune", earlier=earlier, tmp_path=tmp_path)
    assert sum(q.answerable for q in questions) == answerable and sum(not q.answerable for q in questions) == negatives
