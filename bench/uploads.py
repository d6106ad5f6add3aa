"""A round's pages as a new user has them, asked: the rounds of issue 20's later passes reproduced.

``tests/eval/round1/`` to ``round7/`` draw pages from the shared corpus; issue 20's sixteenth to
nineteenth passes put them where a municipality keeps its documents and asked their questions. This
renders each page in the format that round gave it (``FORMATS``: PDFs exported from Word with a
running header, dense office prints, large-print and landscape editions, two-column brochures,
reports with numbered headings, DOCX, crooked scans, Markdown, a page of the municipality's website
saved as HTML), puts the files in one folder beside the five policies, indexes it with the defaults
and asks every question (a follow-up after its history, as ``assistant eval`` does). Prints the
counts of ``assistant eval`` for the round and the citations per answer.

    python -m bench.uploads round1|round2|round3|round4|round5|round6|round7 [--keep DIR] [--misses]

Cost: rendering (a scan about 1 s a page), an index build with OCR of the scanned pages (about 3 s
a page), one ask per question. A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm

from assistant.eval_answers import AnswerReport, evaluate_answers
from assistant.eval_sets import default_corpus_path, extract_documents, read_draw
from assistant.evaluate import load_questions
from assistant.facade import PolicyAssistant
from assistant.settings import Settings
from tests.render import PdfStyle, elements_of, render_docx, render_pdf
from tests.render.scan import scan_pdf

REPO = Path(__file__).resolve().parent.parent
_HTML = ('<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{title} - Exempelby kommun</title>'
         '</head><body><header><nav><a href="/">Start</a> | <a href="/styrdokument/">Styrdokument</a></nav>'
         '</header><main><article>{body}</article></main><footer><p>Exempelby kommun, 123 45 Exempelby.</p>'
         '</footer></body></html>')


def _pdf(style: PdfStyle) -> Callable[[Path], tuple[bytes, str]]:
    return lambda page: (render_pdf(elements_of(page), style=style), ".pdf")


def _docx(header: str, *, numbered: bool = False) -> Callable[[Path], tuple[bytes, str]]:
    return lambda page: (render_docx(elements_of(page), running_header=header, numbered_headings=numbered), ".docx")


def _scan(degrees: float, dpi: int) -> Callable[[Path], tuple[bytes, str]]:
    return lambda page: (scan_pdf(render_pdf(elements_of(page)), rotate_degrees=degrees, dpi=dpi), ".pdf")


def _markdown(page: Path) -> tuple[bytes, str]:
    return page.read_bytes(), ".md"


def _html(page: Path) -> tuple[bytes, str]:
    from markdown_it import MarkdownIt

    text = page.read_text(encoding="utf-8")
    title = text.split("\n", 1)[0].lstrip("# ").strip()
    body = MarkdownIt("commonmark").enable("table").render(text)
    return _HTML.format(title=title, body=body).encode("utf-8"), ".html"


_HEADED = PdfStyle(running_header="Regeringskansliet")
_NUMBERED = PdfStyle(running_header="Regeringskansliet", numbered_headings=True)
_PUBLISHED = PdfStyle(running_header="Exempelby kommun", footer="Sida {page} av {pages}")
# A brochure series laid out by a design office: two columns, hyphenated, numbered lists.
_BROCHURE = PdfStyle(two_columns=True, hyphenate=True, running_header="Exempelby kommun")
_HYPHENATED = PdfStyle(hyphenate=True, numbered_lists=True, footer="Sida {page} av {pages}")
_REPORT = PdfStyle(numbered_headings=True, table_style="header_rule", repeat_table_header=True, hyphenate=True)
# A dense office print: small type, narrow margins, unruled tables, the page count at the right.
_DENSE = PdfStyle(font_size=9.5, margin=1.8 * cm, table_style="unruled", running_header="Exempelby kommun",
                  footer="Sida {page} av {pages}", footer_align="right")
_DENSE_REPORT = PdfStyle(font_size=9.5, margin=1.8 * cm, numbered_headings=True, numbered_lists=True,
                         table_style="unruled", hyphenate=True, footer_align="right")
_NUMBERED_BROCHURE = PdfStyle(two_columns=True, hyphenate=True, numbered_lists=True,
                              footer="Sida {page} av {pages}")
# A large-print edition for readers with low vision: 14 pt body, so a section heading is no larger
# than the text under it, only bold.
_LARGE_PRINT = PdfStyle(font_size=14.0, title_size=24.0, margin=2.0 * cm, footer="Sida {page} av {pages}",
                        footer_align="right")
# A landscape A4 print in two columns, as a presentation handout.
_LANDSCAPE = PdfStyle(page_size=landscape(A4), two_columns=True, running_header="Exempelby kommun")
# The format of each page of a round, in the order of the pages' file names.
FORMATS: dict[str, list[Callable[[Path], tuple[bytes, str]]]] = {
    "round1": [_pdf(_NUMBERED), _docx("Regeringskansliet"), _markdown, _pdf(_HEADED), _scan(0.7, 300),
               _docx("Regeringskansliet"), _pdf(_NUMBERED), _markdown, _pdf(_NUMBERED), _docx("Regeringskansliet"),
               _pdf(_NUMBERED), _markdown],
    "round2": [_html, _docx("Exempelby kommun"), _pdf(_PUBLISHED), _html, _scan(-1.2, 200), _html,
               _docx("Exempelby kommun"), _pdf(_PUBLISHED), _html, _pdf(_PUBLISHED), _html,
               _docx("Exempelby kommun"), _html, _pdf(_PUBLISHED)],
    "round3": [_pdf(_BROCHURE), _docx("Exempelby kommun"), _scan(0.4, 150), _html, _pdf(_HYPHENATED),
               _docx("Exempelby kommun"), _pdf(_BROCHURE), _html, _scan(-0.5, 300), _pdf(_REPORT),
               _docx("Exempelby kommun"), _pdf(_BROCHURE), _html, _pdf(_NUMBERED)],
    "round4": [_pdf(_PUBLISHED), _docx("Exempelby kommun"), _html, _pdf(_BROCHURE), _scan(1.5, 200), _pdf(_REPORT),
               _docx("Exempelby kommun"), _pdf(_HYPHENATED), _html, _scan(-0.8, 300), _pdf(_PUBLISHED),
               _docx("Exempelby kommun"), _markdown, _pdf(_NUMBERED)],
    "round5": [_pdf(_DENSE), _docx("Exempelby kommun", numbered=True), _html, _scan(2.0, 200),
               _pdf(_NUMBERED_BROCHURE), _docx("Exempelby kommun"), _pdf(_HYPHENATED), _scan(0.0, 300), _html,
               _pdf(_DENSE_REPORT), _docx("Regeringskansliet"), _pdf(_BROCHURE), _scan(-1.0, 250), _pdf(_PUBLISHED)],
    "round6": [_docx("Exempelby kommun", numbered=True), _pdf(_NUMBERED_BROCHURE), _pdf(_DENSE_REPORT), _html,
               _scan(-1.8, 200), _pdf(_DENSE), _docx("Regeringskansliet"), _scan(0.6, 300), _pdf(_REPORT), _html,
               _pdf(_HYPHENATED), _docx("Exempelby kommun"), _pdf(_BROCHURE), _scan(1.0, 250)],
    "round7": [_pdf(_LARGE_PRINT), _html, _scan(-1.4, 150), _pdf(_LANDSCAPE), _docx("Exempelby kommun"),
               _scan(1.3, 300), _markdown, _pdf(_LARGE_PRINT), _docx("Exempelby kommun", numbered=True),
               _pdf(_LANDSCAPE), _scan(0.3, 200), _html, _pdf(_DENSE), _pdf(_LARGE_PRINT)],
}


def rendered(name: str, target: Path) -> Path:
    """A folder of the five policies and the round's pages in their formats."""
    pages = target / "pages"
    extract_documents(read_draw(REPO / "tests" / "eval" / name / "documents.json", default_corpus_path(REPO)),
                      default_corpus_path(REPO), pages)
    corpus = target / "corpus"
    corpus.mkdir()
    for policy in sorted((REPO / "corpus").glob("*.txt")):
        shutil.copy(policy, corpus / policy.name)
    for page, render in zip(sorted(pages.glob("*.md")), FORMATS[name], strict=True):
        data, suffix = render(page)
        (corpus / f"{page.stem}{suffix}").write_bytes(data)
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("round", choices=sorted(FORMATS))
    parser.add_argument("--keep", type=Path, default=None, help="render and index here, and keep it")
    parser.add_argument("--misses", action="store_true", help="also list the questions whose first quote misses")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        corpus = rendered(args.round, work)
        assistant = PolicyAssistant.from_settings(Settings(corpus_dir=corpus, index_dir=work / "index",
                                                           data_dir=work / "data", rate_limit_per_minute=0))
        assistant.ensure_index()
        questions = load_questions(REPO / "tests" / "eval" / args.round / "questions.jsonl")
        # Scored as ``assistant eval`` scores (a follow-up after its history), nothing logged.
        report = evaluate_answers(questions, lambda question, history=None: assistant.ask(
            question, history, record=False), source_text=assistant.document_text)
    if args.misses:
        for result in report.selected(answerable=True):
            if not result.answer.abstained and not result.evidence_in_first_quote:
                first = result.answer.citations[0].quote[:100] if result.answer.citations else ""
                print(f"{result.question.id}\t{result.question.question}\t{first}")
    print(_table(args.round, report))


def _table(name: str, report: AnswerReport) -> str:
    """The round's counts as ``assistant eval`` measures them, and the citations per answer."""
    answerable, negatives = report.selected(answerable=True), report.selected(answerable=False)
    answered = [r for r in answerable if not r.answer.abstained]
    citations = [len(r.answer.citations) for r in answered]
    rows = {"evidence in the answer": sum(r.evidence_in_answer for r in answerable),
            "evidence in the first quote": sum(r.evidence_in_first_quote for r in answerable),
            "abstained": len(answerable) - len(answered),
            "hard negatives declined": sum(r.answer.abstained for r in negatives),
            "hard negatives answered": sum(not r.answer.abstained for r in negatives)}
    lines = [f"{name}: {len(answerable) + len(negatives)} questions ({len(answerable)} answerable), pages as "
             f"uploaded\n", "| outcome | n |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows.items())]
    mean = sum(citations) / max(len(citations), 1)
    lines.append(f"| citations per answer (most) | {mean:.2f} ({max(citations, default=0)}) |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
