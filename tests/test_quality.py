"""The quality bars: the project's own question set over the five policies, and the generalization
set over pages of the shared regeringen.se corpus that nobody here wrote (tests/eval/unseen: a
tuning half and a held-out test half, each over its own documents, all indexed together beside the
five policies)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.embed import Embedder
from assistant.eval_report import format_answer_report, format_retrieval_report
from assistant.eval_sets import combined_corpus, default_corpus_path, read_draw
from assistant.evaluate import (
    AnswerReport,
    RetrievalReport,
    evaluate_answers,
    evaluate_retrieval,
    load_questions,
)
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from tests.conftest import CORPUS, QUESTIONS, REPO, make_assistant

UNSEEN = REPO / "tests" / "eval" / "unseen"
BLIND = REPO / "tests" / "eval" / "blind"


def measured(assistant: PolicyAssistant, path: Path) -> tuple[RetrievalReport, AnswerReport]:
    questions = load_questions(path)
    retrieval = evaluate_retrieval(questions, lambda q: assistant.search(q, k=10), depth=10,
                                   standalone=assistant.standalone_question)
    answers = evaluate_answers(questions, assistant.ask, source_text=assistant.document_text)
    print(f"{path.name}\n{format_retrieval_report(retrieval)}\n{format_answer_report(answers)}")
    return retrieval, answers


def beside_the_policies(root: Path, draws: list[Path], embedder: Embedder, glossary: Glossary) -> PolicyAssistant:
    """An assistant over the five policies and the pages the draw rules draw (from ../shared at
    run time), in one index."""
    corpus = combined_corpus([read_draw(path, default_corpus_path(REPO)) for path in draws], default_corpus_path(REPO),
                             CORPUS,
                             root / "corpus")
    built = make_assistant(root, embedder, glossary, corpus=corpus)
    built.ensure_index()
    return built


@pytest.fixture(scope="module")
def unseen(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder,
           glossary: Glossary) -> Iterator[PolicyAssistant]:
    """The five policies and the 30 drawn pages."""
    yield beside_the_policies(tmp_path_factory.mktemp("unseen"), [UNSEEN / "documents.json"], embedder, glossary)


def test_the_five_policies_questions_meet_the_targets(assistant: PolicyAssistant) -> None:
    retrieval, answers = measured(assistant, QUESTIONS)
    assert retrieval.recall_at(5) >= 0.95
    assert retrieval.recall_at(5, language="en") >= 0.9 and retrieval.recall_at(5, language="sv") >= 0.9
    assert answers.verbatim_rate() == 1.0 and answers.markers_consistent() == 1.0
    assert answers.evidence_in_answer() >= 0.85
    assert answers.correct_abstention() >= 0.9
    assert answers.false_abstention() <= 0.05
    assert answers.language_right() == 1.0


def test_documents_nobody_here_wrote_tuning_half(unseen: PolicyAssistant) -> None:
    retrieval, answers = measured(unseen, UNSEEN / "tune.jsonl")
    assert retrieval.recall_at(5) >= 0.95
    assert answers.verbatim_rate() == 1.0 and answers.markers_consistent() == 1.0
    assert answers.evidence_in_answer() >= 0.85
    assert answers.correct_abstention() >= 0.6
    assert answers.false_abstention() <= 0.1


def test_documents_nobody_here_wrote_held_out_half(unseen: PolicyAssistant) -> None:
    # Never tuned on: these floors sit below what was measured once, to catch a regression.
    retrieval, answers = measured(unseen, UNSEEN / "test.jsonl")
    assert retrieval.recall_at(5) >= 0.85
    assert answers.verbatim_rate() == 1.0 and answers.markers_consistent() == 1.0
    assert answers.evidence_in_answer() >= 0.55
    assert answers.evidence_in_first_quote() >= 0.5
    assert answers.correct_abstention() >= 0.6  # measured 4/5
    assert answers.false_abstention() <= 0.15


@pytest.fixture(scope="module")
def with_blind(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder,
               glossary: Glossary) -> Iterator[PolicyAssistant]:
    """The policies, the 30 pages and the 14 of the blind set."""
    yield beside_the_policies(tmp_path_factory.mktemp("blind"), [UNSEEN / "documents.json", BLIND / "documents.json"],
                              embedder, glossary)


def test_documents_nobody_here_wrote_blind_set(with_blind: PolicyAssistant) -> None:
    # Written after the tuning and run once at the end (25/25 found, 23/25 answered): floors below that.
    retrieval, answers = measured(with_blind, BLIND / "questions.jsonl")
    assert retrieval.recall_at(5) >= 0.9
    assert answers.verbatim_rate() == 1.0 and answers.markers_consistent() == 1.0
    assert answers.evidence_in_answer() >= 0.8
    assert answers.evidence_in_first_quote() >= 0.55  # measured 16/25
    assert answers.correct_abstention() >= 0.4  # measured 2/5
    assert answers.false_abstention() <= 0.15


@pytest.fixture(scope="module", params=["pdf", "docx"])
def published(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, embedder: Embedder,
              glossary: Glossary) -> Iterator[tuple[str, PolicyAssistant]]:
    """The five policies as a municipality publishes them: PDFs exported from Word (running header,
    "Sida N av M", ruled action-plan table over several pages), or DOCX files."""
    from tests.render import PdfStyle, elements_of, render_docx, render_pdf

    root = tmp_path_factory.mktemp(f"published-{request.param}")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in sorted(CORPUS.glob("*.txt")):
        elements = elements_of(path)
        if request.param == "pdf":
            style = PdfStyle(running_header=elements[0].text, footer="Sida {page} av {pages}")
            (corpus / f"{path.stem}.pdf").write_bytes(render_pdf(elements, style=style))
        else:
            (corpus / f"{path.stem}.docx").write_bytes(render_docx(elements, running_header=elements[0].text))
    built = make_assistant(root, embedder, glossary, corpus=corpus)
    built.ensure_index()
    yield request.param, built


def test_the_policies_as_published_answer_as_their_text_does(published: tuple[str, PolicyAssistant],
                                                             assistant: PolicyAssistant) -> None:
    _, rendered = published
    text_retrieval, text_answers = measured(assistant, QUESTIONS)
    retrieval, answers = measured(rendered, QUESTIONS)

    def found(report: RetrievalReport) -> int:
        return sum(result.found_at(5) for result in report.scored())

    def answered(report: AnswerReport) -> int:
        return sum(result.evidence_in_answer for result in report.selected(answerable=True))

    # As issue 16 sets it: no more than one question fewer found, or answered, than from the text.
    assert found(retrieval) >= found(text_retrieval) - 1
    assert answered(answers) >= answered(text_answers) - 1
    assert answers.correct_abstention() == text_answers.correct_abstention()
    assert answers.verbatim_rate() == 1.0 and answers.markers_consistent() == 1.0


LARGE = REPO / "tests" / "eval" / "large"
OFFTOPIC = REPO / "tests" / "eval" / "offtopic"


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder,
          glossary: Glossary) -> Iterator[PolicyAssistant]:
    """The five policies and the 90 pages of the large set."""
    yield beside_the_policies(tmp_path_factory.mktemp("large"), [LARGE / "documents.json"], embedder, glossary)


@pytest.mark.parametrize("half", ["tune", "test"])
def test_the_large_set_both_halves(large: PolicyAssistant, half: str) -> None:
    # Floors a little below what was measured (README, "The large set"): the test half is never
    # tuned on; its floors catch a regression on documents nobody here read for the rules.
    retrieval, answers = measured(large, LARGE / f"{half}.jsonl")
    assert retrieval.recall_at(5) >= 0.85
    assert answers.verbatim_rate() == 1.0 and answers.markers_consistent() == 1.0
    assert answers.evidence_in_answer() >= 0.68
    assert answers.evidence_in_first_quote() >= 0.45
    assert answers.correct_abstention() >= 0.3
    assert answers.false_abstention() <= 0.12


@pytest.mark.parametrize("half", ["tune", "test"])
def test_off_topic_questions_abstain(large: PolicyAssistant, half: str) -> None:
    # Measured (README, "The sixth pass"): English 17 and 14 of 20, Swedish 14 and 16 of 20.
    _, answers = measured(large, OFFTOPIC / f"{half}.jsonl")
    assert answers.correct_abstention(language="sv") >= 0.6
    assert answers.correct_abstention(language="en") >= 0.6
    greetings = [r for r in answers.results if r.question.kind == "greeting"]
    assert greetings and all(r.answer.abstained and not r.answer.citations for r in greetings)


@pytest.mark.parametrize("half", ["tune", "test"])
def test_off_topic_questions_abstain_over_the_five_policies_alone(assistant: PolicyAssistant, half: str) -> None:
    # Measured: English 18 and 19 of 20, Swedish 20 and 18.
    _, answers = measured(assistant, OFFTOPIC / f"{half}.jsonl")
    assert answers.correct_abstention(language="sv") >= 0.85
    assert answers.correct_abstention(language="en") >= 0.8


ENGLISH = REPO / "tests" / "eval" / "english"


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder,
            glossary: Glossary) -> Iterator[PolicyAssistant]:
    """The five policies and the 16 English pages."""
    yield beside_the_policies(tmp_path_factory.mktemp("english"), [ENGLISH / "documents.json"], embedder, glossary)


@pytest.mark.parametrize("half", ["tune", "test"])
def test_english_pages_both_halves(english: PolicyAssistant, half: str) -> None:
    # Measured: R@5 21/24 and 23/24, in the answer 20/24 and 17/24, hard negatives declined 3/4 and
    # 1/4, false abstentions 2/24 and 2/24. (Before the seventh pass read the text above a Markdown
    # rule: 18 and 23, 17 and 17, 3/4 and 2/4: a report's text now indexed answers a hard negative
    # of the test half with a nearby fact.)
    retrieval, answers = measured(english, ENGLISH / f"{half}.jsonl")
    assert retrieval.recall_at(5) >= 0.7
    assert answers.verbatim_rate() == 1.0 and answers.language_right() == 1.0
    assert answers.evidence_in_answer() >= 0.55
    assert answers.correct_abstention() >= 0.25
    assert answers.false_abstention() <= 0.15


@dataclass(frozen=True)
class Floors:
    """The least a set must reach: Recall@5, evidence in the answer and in the first quote,
    unanswerable questions declined, and at most this share of false abstentions."""

    recall_at_5: float
    in_answer: float
    in_first_quote: float
    declined: float
    false_abstentions: float


# Sets of drawn pages beside the policies, all held out or all tuned on, with floors a little below
# what was measured (README, "The fourth pass" and "The fifth pass").
WHOLE_SETS = {
    # Written after the third pass's rules and never tuned on: R@5 110/114, in the answer 83/114,
    # in the first quote 65/114, hard negatives declined 3/8, false abstentions 9/114 (after the
    # third pass: 107, 79, 53, 3/8, 14; after the fourth: 110, 82, 60, 3/8, 9; after the fifth:
    # 110, 83, 61, 3/8, 9; after the sixth: 110, 83, 65, 3/8, 9; after the seventh: 110, 84, 68).
    "fresh": Floors(recall_at_5=0.88, in_answer=0.62, in_first_quote=0.5, declined=0.25, false_abstentions=0.11),
    # Tuned on (issue 20): R@5 99/104, in the answer 93/104 (78 before its misses were read), in
    # the first quote 76/104 (58), hard negatives declined 10/16 (6), false abstentions 3/104 (13).
    "tuning": Floors(recall_at_5=0.9, in_answer=0.8, in_first_quote=0.65, declined=0.4, false_abstentions=0.08),
    # Issue 20's ninth pass: the trial set, tuned on (R@5 63/64, in the answer 58/64, in the first
    # quote 49/64, declined 8/12, false abstentions 3/64; 50, 38, 6/12, 9 before its misses were
    # read), and the check set, held out and never fitted (59/64, 50/64, 42/64, 9/12, 5/64, the same
    # at the start of the pass as at its end).
    "trial": Floors(recall_at_5=0.94, in_answer=0.84, in_first_quote=0.7, declined=0.55, false_abstentions=0.08),
    "check": Floors(recall_at_5=0.88, in_answer=0.72, in_first_quote=0.6, declined=0.6, false_abstentions=0.11),
    # Issue 20's thirteenth pass, all tuned on: the facts set (R@5 226/238, in the answer 209/238, in
    # the first quote 181/238, declined 10/15, false abstentions 9/238; 184, 152, 10/15 and 22 before
    # its misses were read), the second facts set (234/242, 208, 175, 12/15, 9; 202, 169, 12/15, 14
    # when first run, after the changes from the first) and the staff set (216/228, 198, 171, 9/15, 1;
    # 190, 165, 9/15, 6 when first run).
    "facts": Floors(recall_at_5=0.92, in_answer=0.84, in_first_quote=0.72, declined=0.55, false_abstentions=0.06),
    "facts2": Floors(recall_at_5=0.94, in_answer=0.82, in_first_quote=0.68, declined=0.7, false_abstentions=0.06),
    "staff": Floors(recall_at_5=0.92, in_answer=0.82, in_first_quote=0.7, declined=0.5, false_abstentions=0.03),
    # Issue 20's fourteenth pass, all held out, committed before it was run and run once with the
    # code that pass ships: R@5 112/116, in the answer 90/116, in the first quote 72/116, hard
    # negatives declined 3/8, false abstentions 5/116.
    "fresh2": Floors(recall_at_5=0.92, in_answer=0.7, in_first_quote=0.55, declined=0.25, false_abstentions=0.08),
    # Issue 20's seventeenth pass, tuned on: a new user's third round (R@5 63/66, in the answer 62/66,
    # in the first quote 47/66, declined 5/8, false abstentions 2/66; 53, 37, 5/8, 7 when first run)
    # and fourth (65/67, 58/67, 42/67, 5/8, 3/67; 55, 39, 4/8, 7 when first run).
    "round3": Floors(recall_at_5=0.9, in_answer=0.85, in_first_quote=0.62, declined=0.5, false_abstentions=0.08),
    "round4": Floors(recall_at_5=0.92, in_answer=0.82, in_first_quote=0.57, declined=0.5, false_abstentions=0.06),
    # Issue 20's eighteenth pass, tuned on: a fifth round (R@5 62/66, in the answer 55/66, in the
    # first quote 42/66, declined 5/8, false abstentions 2/66; 51, 38, 5/8, 2 when first run) and a
    # sixth (64/67, 59/67, 47/67, 5/8, 2/67; 58, 44, 5/8, 3 when first run).
    "round5": Floors(recall_at_5=0.9, in_answer=0.8, in_first_quote=0.6, declined=0.5, false_abstentions=0.06),
    "round6": Floors(recall_at_5=0.92, in_answer=0.85, in_first_quote=0.66, declined=0.5, false_abstentions=0.06),
    # Issue 20's nineteenth pass, tuned on: a seventh round (R@5 66/66, in the answer 64/66, in the
    # first quote 53/66, declined 5/8, false abstentions 0/66; 58, 48, 4/8, 2 when first run) and an
    # eighth (60/66, 59/66, 46/66, 6/8, 1/66; 56, 43, 6/8, 1 when first run).
    "round7": Floors(recall_at_5=0.94, in_answer=0.9, in_first_quote=0.75, declined=0.5, false_abstentions=0.04),
    "round8": Floors(recall_at_5=0.88, in_answer=0.85, in_first_quote=0.65, declined=0.6, false_abstentions=0.04),
    # Issue 20's twentieth pass, tuned on: a ninth round (R@5 66/67, in the answer 61/67, in the first
    # quote 51/67, declined 5/8, false abstentions 0/67; 52, 39, 4/8, 5 when first run).
    "round9": Floors(recall_at_5=0.94, in_answer=0.85, in_first_quote=0.7, declined=0.5, false_abstentions=0.04),
    # And a tenth (R@5 65/67, in the answer 62/67, in the first quote 50/67, declined 6/8, false
    # abstentions 2/67; 54, 43, 6/8, 6 when first run, with this pass's changes from round9).
    "round10": Floors(recall_at_5=0.94, in_answer=0.85, in_first_quote=0.68, declined=0.6, false_abstentions=0.05),
    # And an eleventh (R@5 65/68, in the answer 57/68, in the first quote 45/68, declined 6/8, false
    # abstentions 3/68; 55, 43, 4/8, 5 when first run, with the changes from rounds 9 and 10).
    "round11": Floors(recall_at_5=0.92, in_answer=0.8, in_first_quote=0.62, declined=0.6, false_abstentions=0.06),
    # Issue 20's twenty-first pass, tuned on: a twelfth round (R@5 65/66, in the answer 61/66, in the
    # first quote 52/66, declined 7/8, false abstentions 1/66; 58, 46, 7/8, 2 when first run).
    "round12": Floors(recall_at_5=0.94, in_answer=0.85, in_first_quote=0.7, declined=0.6, false_abstentions=0.04),
    # Issue 20's twenty-second pass, tuned on: a thirteenth round (R@5 67/68, in the answer 64/68, in
    # the first quote 57/68, declined 5/8, false abstentions 2/68; 59, 53, 4/8, 5 when first run).
    "round13": Floors(recall_at_5=0.94, in_answer=0.87, in_first_quote=0.76, declined=0.5, false_abstentions=0.05),
    # And a fourteenth (R@5 69/69, in the answer 65/69, in the first quote 56/69, declined 3/8, false
    # abstentions 0/69; 60, 52, 3/8, 2 when first run, with the changes from round13; in the answer
    # 64/69 after issue 20's twenty-seventh pass: "de första 12 månaderna" now states a period).
    "round14": Floors(recall_at_5=0.95, in_answer=0.88, in_first_quote=0.75, declined=0.25, false_abstentions=0.03),
    # And a fifteenth (R@5 66/68, in the answer 58/68, in the first quote 42/68, declined 5/8, false
    # abstentions 3/68; 56, 41, 5/8, 4 when first run, with the changes from rounds 13 and 14).
    "round15": Floors(recall_at_5=0.94, in_answer=0.8, in_first_quote=0.56, declined=0.5, false_abstentions=0.06),
    # Issue 20's twenty-third pass, tuned on: rounds 16 to 20 (end figures by `assistant eval`; first
    # run in brackets). The session's embedder keeps the first vector it computed for a text, and a
    # text's vector depends slightly on the batch it was embedded in, so the order the tests run in
    # flips near ties: in the whole test module round18 gave 46 answers, where it gives 48 alone, and
    # round19 two false abstentions. These floors leave two questions' room.
    # Round16: R@5 65/68, in the answer 59/68, in the first quote 48/68, declined 5/8, false
    # abstentions 1/68 (54, 41, 5/8, 4 when first run).
    "round16": Floors(recall_at_5=0.94, in_answer=0.83, in_first_quote=0.66, declined=0.5, false_abstentions=0.05),
    # Round17: 63/63, 57/63, 44/63, 5/8, 2/63 (52, 38, 2/8, 2, with the changes from round16).
    "round17": Floors(recall_at_5=0.97, in_answer=0.86, in_first_quote=0.65, declined=0.5, false_abstentions=0.07),
    # Round18: 59/63, 48/63, 37/63, 6/8, 3/63 (45, 34, 5/8, 5, with those from rounds 16 and 17).
    "round18": Floors(recall_at_5=0.92, in_answer=0.71, in_first_quote=0.54, declined=0.6, false_abstentions=0.08),
    # Round19: 62/62, 57/62, 44/62, 7/8, 0/62 (56, 43, 7/8, 0, with those from rounds 16 and 17).
    "round19": Floors(recall_at_5=0.97, in_answer=0.88, in_first_quote=0.66, declined=0.75, false_abstentions=0.05),
    # Round20: 61/63, 57/63, 44/63, 4/8, 2/63 (56, 42, 4/8, 3, with those from rounds 16 to 19).
    "round20": Floors(recall_at_5=0.94, in_answer=0.86, in_first_quote=0.65, declined=0.375, false_abstentions=0.07),
    # Issue 20's twenty-fourth pass, tuned on: rounds 21 to 23, each run once with the twenty-third
    # pass's code (4f48e06) before it was read (first run in brackets); floors two questions below, as above.
    # Round21: R@5 63/63, in the answer 57/63, in the first quote 45/63, declined 5/8, false
    # abstentions 2/63 (55, 44, 4/8, 3 when first run).
    "round21": Floors(recall_at_5=0.96, in_answer=0.87, in_first_quote=0.68, declined=0.5, false_abstentions=0.07),
    # Round22: 60/64, 58/64, 48/64, 7/8, 2/64 (54, 42, 5/8, 5).
    "round22": Floors(recall_at_5=0.9, in_answer=0.87, in_first_quote=0.71, declined=0.75, false_abstentions=0.07),
    # Round23: 61/62, 56/62, 52/62, 5/8, 0/62 (54, 49, 4/8, 0).
    "round23": Floors(recall_at_5=0.95, in_answer=0.87, in_first_quote=0.8, declined=0.5, false_abstentions=0.04),
    # Rounds 24 and 25, each run once with the changes from rounds 21 to 23 (77b05cc) before it was read.
    # Round24: 62/64, 57/64, 48/64, 5/8, 3/64 (55, 46, 5/8, 4).
    "round24": Floors(recall_at_5=0.93, in_answer=0.85, in_first_quote=0.71, declined=0.5, false_abstentions=0.08),
    # Round25: 57/62, 54/62, 49/62, 5/8, 4/62 (51, 46, 5/8, 5).
    "round25": Floors(recall_at_5=0.88, in_answer=0.83, in_first_quote=0.75, declined=0.5, false_abstentions=0.1),
    # Issue 20's twenty-fifth pass, tuned on: rounds 26 to 28, each run once with that pass's code at
    # its start (7a55726) before it was read (first run in brackets); floors two questions below, as above.
    # Round26: R@5 63/64, in the answer 49/64, in the first quote 38/64, declined 5/8, false
    # abstentions 1/64 (47, 36, 5/8, 1 when first run).
    "round26": Floors(recall_at_5=0.95, in_answer=0.73, in_first_quote=0.56, declined=0.5, false_abstentions=0.05),
    # Round27: 63/63, 57/63, 43/63, 6/8, 3/63 (55, 42, 6/8, 5).
    "round27": Floors(recall_at_5=0.96, in_answer=0.87, in_first_quote=0.65, declined=0.625, false_abstentions=0.08),
    # Round28: 63/63, 54/63, 49/63, 6/8, 1/63 (50, 45, 6/8, 5).
    "round28": Floors(recall_at_5=0.96, in_answer=0.82, in_first_quote=0.74, declined=0.625, false_abstentions=0.05),
    # Issue 20's twenty-sixth pass, tuned on: rounds 29 to 31, each run once with that pass's code at
    # its start (54ee901) before it was read, and rounds 32 to 34, each run once with the fixes from
    # rounds 29 to 31 (b7845c4) before it was read (first run in brackets); floors two questions below.
    # Round29: R@5 61/64, in the answer 58/64, in the first quote 46/64, declined 3/8, false
    # abstentions 1/64 (53, 42, 3/8, 4 when first run).
    "round29": Floors(recall_at_5=0.92, in_answer=0.87, in_first_quote=0.68, declined=0.25, false_abstentions=0.05),
    # Round30: 63/65, 58/65, 49/65, 3/8, 3/65 (53, 42, 3/8, 8).
    "round30": Floors(recall_at_5=0.93, in_answer=0.86, in_first_quote=0.72, declined=0.25, false_abstentions=0.08),
    # Round31: 61/62, 52/62, 46/62, 7/8, 2/62 (47, 41, 7/8, 4).
    "round31": Floors(recall_at_5=0.95, in_answer=0.8, in_first_quote=0.7, declined=0.75, false_abstentions=0.07),
    # Round32: 63/64, 56/64, 47/64, 4/8, 5/64 (53, 45, 4/8, 6).
    "round32": Floors(recall_at_5=0.95, in_answer=0.84, in_first_quote=0.7, declined=0.375, false_abstentions=0.11),
    # Round33: 64/65, 55/65, 49/65, 6/8, 3/65 (54, 48, 6/8, 4).
    "round33": Floors(recall_at_5=0.95, in_answer=0.81, in_first_quote=0.72, declined=0.625, false_abstentions=0.08),
    # Round34: 58/62, 51/62, 41/62, 4/8, 5/62 (48, 39, 2/8, 7).
    "round34": Floors(recall_at_5=0.9, in_answer=0.79, in_first_quote=0.62, declined=0.375, false_abstentions=0.12),
    # Issue 20's twenty-seventh pass, tuned on: rounds 35 to 37, each run once with that pass's code
    # at its start (c40c904) before it was read, and rounds 38 to 40, each run once with the fixes
    # from rounds 35 to 37 (2682b0f) before it was read (first run in brackets; Recall@5 measured at
    # the end only); floors two questions below.
    # Round35: R@5 60/62, in the answer 50/62, in the first quote 41/62, declined 5/8, false
    # abstentions 3/62 (49, 40, 5/8, 4 when first run).
    "round35": Floors(recall_at_5=0.93, in_answer=0.77, in_first_quote=0.62, declined=0.5, false_abstentions=0.09),
    # Round36: 61/62, 57/62, 48/62, 4/8, 1/62 (56, 47, 4/8, 1).
    "round36": Floors(recall_at_5=0.95, in_answer=0.88, in_first_quote=0.74, declined=0.375, false_abstentions=0.05),
    # Round37: 62/62, 57/62, 49/62, 4/8, 2/62 (53, 46, 4/8, 5).
    "round37": Floors(recall_at_5=0.96, in_answer=0.88, in_first_quote=0.75, declined=0.375, false_abstentions=0.07),
    # Round38: 61/62, 57/62, 47/62, 3/8, 0/62 (55, 46, 3/8, 1).
    "round38": Floors(recall_at_5=0.95, in_answer=0.88, in_first_quote=0.72, declined=0.25, false_abstentions=0.04),
    # Round39: 58/62, 55/62, 46/62, 7/8, 0/62 (53, 43, 7/8, 2).
    "round39": Floors(recall_at_5=0.9, in_answer=0.85, in_first_quote=0.7, declined=0.75, false_abstentions=0.04),
    # Round40: 62/62, 56/62, 44/62, 5/8, 1/62 (55, 43, 4/8, 2).
    "round40": Floors(recall_at_5=0.96, in_answer=0.87, in_first_quote=0.67, declined=0.5, false_abstentions=0.05),
    # Issue 20's twenty-eighth pass, tuned on: rounds 41 to 43, each run once with that pass's code
    # at its start (28ce7ad) before it was read, and rounds 44 to 46, each run once with the fixes
    # from rounds 41 to 43 (470b173) before it was read (first run in brackets); floors as above.
    # Round41: R@5 60/62, in the answer 56/62, in the first quote 43/62, declined 1/8, false
    # abstentions 2/62 (53, 38, 1/8, 3 when first run).
    "round41": Floors(recall_at_5=0.93, in_answer=0.87, in_first_quote=0.66, declined=0.0, false_abstentions=0.07),
    # Round42: 60/62, 54/62, 45/62, 4/8, 1/62 (49, 40, 4/8, 7).
    "round42": Floors(recall_at_5=0.93, in_answer=0.83, in_first_quote=0.69, declined=0.375, false_abstentions=0.05),
    # Round43: 59/62, 57/62, 49/62, 2/8, 4/62 (54, 45, 2/8, 5).
    "round43": Floors(recall_at_5=0.91, in_answer=0.88, in_first_quote=0.75, declined=0.125, false_abstentions=0.1),
    # Round44: 62/62, 56/62, 47/62, 4/8, 2/62 (55, 46, 4/8, 3).
    "round44": Floors(recall_at_5=0.96, in_answer=0.87, in_first_quote=0.72, declined=0.375, false_abstentions=0.07),
    # Round45: 60/62, 53/62, 44/62, 2/8, 1/62 (51, 42, 2/8, 2).
    "round45": Floors(recall_at_5=0.93, in_answer=0.82, in_first_quote=0.67, declined=0.125, false_abstentions=0.05),
    # Round46: 61/62, 55/62, 51/62, 5/8, 3/62 (53, 49, 5/8, 5).
    "round46": Floors(recall_at_5=0.95, in_answer=0.85, in_first_quote=0.79, declined=0.5, false_abstentions=0.09),
    # Round47: 60/62, 55/62, 50/62, 5/8, 0/62 (first run at e4e34bf: 55, 46, 4/8, 0).
    "round47": Floors(recall_at_5=0.93, in_answer=0.85, in_first_quote=0.77, declined=0.5, false_abstentions=0.04),
    # Round48: 59/62, 53/62, 42/62, 4/8, 2/62 (51, 39, 3/8, 4).
    "round48": Floors(recall_at_5=0.91, in_answer=0.82, in_first_quote=0.64, declined=0.375, false_abstentions=0.07),
    # Round49: 59/62, 53/62, 48/62, 3/8, 3/62 (53, 47, 3/8, 3).
    "round49": Floors(recall_at_5=0.91, in_answer=0.82, in_first_quote=0.74, declined=0.25, false_abstentions=0.09),
    # Round50: 59/62, 56/62, 45/62, 5/8, 0/62 (first run at f2cb85d: 54, 42, 5/8, 1).
    "round50": Floors(recall_at_5=0.91, in_answer=0.87, in_first_quote=0.69, declined=0.5, false_abstentions=0.04),
    # Round51: 58/62, 56/62, 44/62, 5/8, 1/62 (55, 43, 5/8, 2).
    "round51": Floors(recall_at_5=0.9, in_answer=0.87, in_first_quote=0.67, declined=0.5, false_abstentions=0.05),
    # Round52: 62/62, 58/62, 50/62, 5/8, 0/62 (54, 46, 5/8, 2).
    "round52": Floors(recall_at_5=0.96, in_answer=0.9, in_first_quote=0.77, declined=0.5, false_abstentions=0.04),
    # Round53: 59/62, 52/62, 45/62, 6/8, 3/62 (first run at 845e301: 50, 43, 6/8, 4).
    "round53": Floors(recall_at_5=0.91, in_answer=0.8, in_first_quote=0.69, declined=0.625, false_abstentions=0.09),
    # Round54: 57/62, 50/62, 44/62, 6/8, 4/62 (49, 41, 6/8, 5).
    "round54": Floors(recall_at_5=0.88, in_answer=0.77, in_first_quote=0.67, declined=0.625, false_abstentions=0.1),
    # Round55: 62/62, 61/62, 54/62, 6/8, 0/62 (59, 51, 6/8, 1).
    "round55": Floors(recall_at_5=0.96, in_answer=0.95, in_first_quote=0.83, declined=0.625, false_abstentions=0.04),
    # Round56: 62/62, 58/62, 49/62, 5/8, 1/62 (first run at e2881a0: 55, 47, 5/8, 2).
    "round56": Floors(recall_at_5=0.96, in_answer=0.90, in_first_quote=0.75, declined=0.5, false_abstentions=0.05),
    # Round57: 62/62, 60/62, 56/62, 7/8, 0/62 (57, 52, 7/8, 2).
    "round57": Floors(recall_at_5=0.96, in_answer=0.93, in_first_quote=0.87, declined=0.75, false_abstentions=0.04),
    # Round58: 59/62, 60/62, 53/62, 6/8, 2/62 (59, 49, 6/8, 2).
    "round58": Floors(recall_at_5=0.91, in_answer=0.93, in_first_quote=0.82, declined=0.625, false_abstentions=0.07),
    # Round59: 61/62, 57/62, 54/62, 7/8, 0/62 (first run at ef3c71e: 55, 48, 7/8, 2).
    "round59": Floors(recall_at_5=0.95, in_answer=0.88, in_first_quote=0.83, declined=0.75, false_abstentions=0.04),
    # Round60: 61/62, 58/62, 51/62, 5/8, 0/62 (53, 45, 4/8, 1).
    "round60": Floors(recall_at_5=0.95, in_answer=0.90, in_first_quote=0.79, declined=0.5, false_abstentions=0.04),
    # Round61: 61/62, 57/62, 49/62, 4/8, 1/62 (50, 47, 2/8, 2).
    "round61": Floors(recall_at_5=0.95, in_answer=0.88, in_first_quote=0.75, declined=0.375, false_abstentions=0.05),
    # Round62: 60/62, 54/62, 44/62, 5/8, 1/62 (first run at 9ff9096: 48, 37, 4/8, 5).
    "round62": Floors(recall_at_5=0.93, in_answer=0.83, in_first_quote=0.67, declined=0.5, false_abstentions=0.05),
    # Round63: 59/62, 52/62, 48/62, 6/8, 0/62 (50, 48, 4/8, 0).
    "round63": Floors(recall_at_5=0.91, in_answer=0.80, in_first_quote=0.74, declined=0.625, false_abstentions=0.04),
    # Round64: 61/62, 60/62, 54/62, 5/8, 1/62 (58, 49, 4/8, 3).
    "round64": Floors(recall_at_5=0.95, in_answer=0.93, in_first_quote=0.83, declined=0.5, false_abstentions=0.05),
    # Round65: 61/62, 54/62, 44/62, 4/8, 0/62 (51, 42, 3/8, 3).
    "round65": Floors(recall_at_5=0.95, in_answer=0.83, in_first_quote=0.67, declined=0.375, false_abstentions=0.04),
    # Round66: 62/62, 58/62, 52/62, 8/8, 1/62 (51, 46, 8/8, 5).
    "round66": Floors(recall_at_5=0.96, in_answer=0.90, in_first_quote=0.80, declined=0.875, false_abstentions=0.05),
    # Round67: 62/62, 55/62, 45/62, 8/8, 1/62 (54, 44, 7/8, 1).
    "round67": Floors(recall_at_5=0.96, in_answer=0.85, in_first_quote=0.69, declined=0.875, false_abstentions=0.05),
    # Round68: 61/62, 55/62, 46/62, 5/8, 1/62 (51, 44, 5/8, 4).
    "round68": Floors(recall_at_5=0.95, in_answer=0.85, in_first_quote=0.70, declined=0.5, false_abstentions=0.05),
    # Round69: 62/62, 58/62, 49/62, 6/8, 1/62 (54, 45, 6/8, 4).
    "round69": Floors(recall_at_5=0.96, in_answer=0.90, in_first_quote=0.75, declined=0.625, false_abstentions=0.05),
    # Round70: 62/62, 59/62, 53/62, 7/8, 0/62 (52, 46, 7/8, 4).
    "round70": Floors(recall_at_5=0.96, in_answer=0.91, in_first_quote=0.82, declined=0.75, false_abstentions=0.04),
    # Round71: 60/62, 55/62, 50/62, 6/8, 2/62 (52, 45, 5/8, 4).
    "round71": Floors(recall_at_5=0.93, in_answer=0.85, in_first_quote=0.77, declined=0.625, false_abstentions=0.07),
    # Round72: 62/62, 56/62, 51/62, 7/8, 0/62 (53, 49, 7/8, 2).
    "round72": Floors(recall_at_5=0.96, in_answer=0.87, in_first_quote=0.79, declined=0.75, false_abstentions=0.04),
    # Round73: 62/62, 58/62, 48/62, 4/8, 0/62 (54, 44, 4/8, 2).
    "round73": Floors(recall_at_5=0.96, in_answer=0.90, in_first_quote=0.74, declined=0.375, false_abstentions=0.04),
    # Round74: 59/62, 56/62, 46/62, 6/8, 1/62 (51, 40, 6/8, 4).
    "round74": Floors(recall_at_5=0.91, in_answer=0.87, in_first_quote=0.70, declined=0.625, false_abstentions=0.05),
    # Round75: 61/62, 51/62, 46/62, 5/8, 3/62 (49, 44, 5/8, 3).
    "round75": Floors(recall_at_5=0.95, in_answer=0.79, in_first_quote=0.70, declined=0.5, false_abstentions=0.09),
    # Round76: 61/62, 56/62, 46/62, 6/8, 1/62 (54, 44, 6/8, 2).
    "round76": Floors(recall_at_5=0.95, in_answer=0.87, in_first_quote=0.70, declined=0.625, false_abstentions=0.05),
    # Round77: 60/62, 57/62, 46/62, 5/8, 3/62 (50, 40, 3/8, 5).
    "round77": Floors(recall_at_5=0.93, in_answer=0.88, in_first_quote=0.70, declined=0.5, false_abstentions=0.09),
    # Round78: 62/62, 62/62, 52/62, 5/8, 0/62 (60, 52, 4/8, 1).
    "round78": Floors(recall_at_5=0.96, in_answer=0.96, in_first_quote=0.80, declined=0.5, false_abstentions=0.04),
    # Round79: 59/62, 54/62, 47/62, 6/8, 2/62 (53, 46, 5/8, 3).
    "round79": Floors(recall_at_5=0.91, in_answer=0.83, in_first_quote=0.72, declined=0.625, false_abstentions=0.07),
    # Round80: 60/62, 58/62, 48/62, 3/8, 1/62 (50, 39, 3/8, 3).
    "round80": Floors(recall_at_5=0.93, in_answer=0.90, in_first_quote=0.74, declined=0.25, false_abstentions=0.05),
    # Round81: 60/62, 57/62, 48/62, 5/8, 2/62 (55, 47, 5/8, 3).
    "round81": Floors(recall_at_5=0.93, in_answer=0.88, in_first_quote=0.74, declined=0.5, false_abstentions=0.07),
    # Round82: 62/62, 59/62, 52/62, 6/8, 0/62 (56, 50, 6/8, 1).
    "round82": Floors(recall_at_5=0.96, in_answer=0.91, in_first_quote=0.80, declined=0.625, false_abstentions=0.04),
}


@pytest.fixture(scope="module", params=sorted(WHOLE_SETS))
def whole_set(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, embedder: Embedder,
              glossary: Glossary) -> Iterator[tuple[str, PolicyAssistant]]:
    """The five policies and the pages of one of ``WHOLE_SETS``."""
    name = request.param
    rule = REPO / "tests" / "eval" / name / "documents.json"
    yield name, beside_the_policies(tmp_path_factory.mktemp(name), [rule], embedder, glossary)


def test_every_whole_set_reaches_its_floors(whole_set: tuple[str, PolicyAssistant]) -> None:
    name, assistant = whole_set
    floors = WHOLE_SETS[name]
    retrieval, answers = measured(assistant, REPO / "tests" / "eval" / name / "questions.jsonl")
    assert retrieval.recall_at(5) >= floors.recall_at_5
    assert answers.verbatim_rate() == 1.0 and answers.markers_consistent() == 1.0
    assert answers.language_right() == 1.0
    assert answers.evidence_in_answer() >= floors.in_answer
    assert answers.evidence_in_first_quote() >= floors.in_first_quote
    assert answers.correct_abstention() >= floors.declined
    assert answers.false_abstention() <= floors.false_abstentions
