"""The same documents as text, as PDFs laid out the way municipalities publish them, and as DOCX:
do they answer the same questions, in one run?

Each format gets a corpus folder of its own, rendered from the text versions by ``tests.render``:

- ``text``: the files as they are (``corpus/`` and, for the unseen set, the drawn regeringen.se
  pages as Markdown);
- ``pdf``: A4, bold title and headings, ruled tables with wrapped cells breaking across pages, a
  running header and "Sida N av M" on every page;
- ``pdf-b``: numbered headings, unruled tables (a rule under the header only), the header row
  repeated on each page, automatic hyphenation;
- ``docx``: Word's Title/Heading/List Bullet styles and real tables.

Every format is indexed with the default settings (its embedding cache seeded from the text
build, so only changed texts are embedded) and asked every question of each set. Prints Recall@5,
evidence in the answer, unanswerable questions abstained and false abstentions, and the PDF parse
speed (pages per second, in this process, no OCR).

    python -m bench.pdf_parity [--sets policies,test] [--formats text,pdf,pdf-b,docx]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from assistant.evaluate import evaluate_answers, evaluate_retrieval, load_questions
from assistant.facade import PolicyAssistant
from assistant.parse import parse_bytes
from assistant.settings import Settings
from tests.render import PdfStyle, elements_of, render_docx, render_pdf

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "tests" / "eval"
SETS = {"policies": (EVAL / "questions.jsonl", False), "test": (EVAL / "unseen" / "test.jsonl", True),
        "tune": (EVAL / "unseen" / "tune.jsonl", True)}
STYLES = {
    "pdf": PdfStyle(footer="Sida {page} av {pages}", table_style="ruled"),
    "pdf-b": PdfStyle(numbered_headings=True, table_style="header_rule", repeat_table_header=True, hyphenate=True,
                      footer="{page} ({pages})", footer_align="right"),
}


def render_corpus(source: Path, target: Path, *, fmt: str) -> tuple[int, float]:
    """Write ``source``'s documents to ``target`` in format ``fmt``; returns the PDF pages written
    and the seconds this process took to parse them back (0 for other formats)."""
    target.mkdir(parents=True, exist_ok=True)
    pages, seconds = 0, 0.0
    for path in sorted(source.iterdir()):
        if path.suffix not in {".txt", ".md"} or fmt == "text":
            shutil.copyfile(path, target / path.name)
            continue
        elements = elements_of(path)
        if fmt == "docx":
            (target / f"{path.stem}.docx").write_bytes(render_docx(elements, running_header=elements[0].text))
            continue
        style = STYLES[fmt]
        data = render_pdf(elements, style=PdfStyle(**{**_fields(style), "running_header": elements[0].text[:80]}))
        (target / f"{path.stem}.pdf").write_bytes(data)
        started = time.perf_counter()
        document = parse_bytes(data, suffix=".pdf", source_path=path.name, document_id=path.stem)
        seconds += time.perf_counter() - started
        pages += len(document.page_starts)
    return pages, seconds


def _fields(style: PdfStyle) -> dict[str, object]:
    return {name: getattr(style, name) for name in style.__dataclass_fields__}


def build(corpus: Path, index: Path, *, seed_cache: Path | None) -> PolicyAssistant:
    if seed_cache is not None and seed_cache.is_dir():
        shutil.copytree(seed_cache, index / "cache", dirs_exist_ok=True)
    assistant = PolicyAssistant.from_settings(Settings(corpus_dir=corpus, index_dir=index, rate_limit_per_minute=0))
    assistant.ensure_index()
    return assistant


def measure(assistant: PolicyAssistant, questions_path: Path) -> dict[str, str]:
    questions = load_questions(questions_path)
    retrieval = evaluate_retrieval(questions, lambda q: assistant.search(q, k=10), depth=10)
    answers = evaluate_answers(questions, assistant.ask, source_text=assistant.document_text)
    answerable = [r for r in retrieval.results if r.question.answerable]
    found = sum(1 for r in answerable if r.rank is not None and r.rank <= 5)
    evidence = [r.evidence_in_answer for r in answers.selected(answerable=True)]
    abstained = [r.answer.abstained for r in answers.selected(answerable=False)]
    false = sum(r.answer.abstained for r in answers.selected(answerable=True))
    verbatim = all(all(r.verbatim) for r in answers.results)
    missed = sorted({r.question.id for r in answerable if r.rank is None or r.rank > 5}
                    | {r.question.id for r in answers.selected(answerable=True) if not r.evidence_in_answer})
    return {"R@5": f"{found}/{len(answerable)}", "evidence": f"{sum(evidence)}/{len(evidence)}",
            "abstained": f"{sum(abstained)}/{len(abstained)}", "false": str(false),
            "verbatim": "100 %" if verbatim else "no", "missed": " ".join(missed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="policies,test")
    parser.add_argument("--formats", default="text,pdf,pdf-b,docx")
    args = parser.parse_args()
    sets, formats = args.sets.split(","), args.formats.split(",")
    rows: list[str] = []
    speeds: list[str] = []
    missed: list[str] = []
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        sources = {False: REPO / "corpus"}
        if any(SETS[name][1] for name in sets):
            sources[True] = _unseen_corpus(scratch / "unseen-source")
        for unseen, source in sources.items():
            text_cache: Path | None = None
            for fmt in formats:
                corpus, index = scratch / f"{fmt}-{unseen}" / "corpus", scratch / f"{fmt}-{unseen}" / "index"
                pages, seconds = render_corpus(source, corpus, fmt=fmt)
                if pages:
                    speeds.append(f"| {fmt} | {'unseen' if unseen else 'policies'} | {pages} | {seconds:.1f} | "
                                  f"{pages / seconds:.1f} |")
                assistant = build(corpus, index, seed_cache=text_cache)
                if fmt == "text":
                    text_cache = index / "cache"
                for name in sets:
                    path, needs_unseen = SETS[name]
                    if needs_unseen != unseen:
                        continue
                    cells = measure(assistant, path)
                    missed.append(f"{name} {fmt}: {cells.pop('missed')}")
                    rows.append(f"| {name} | {fmt} | " + " | ".join(cells.values()) + " |")
                assistant.close()
    print("| set | format | Recall@5 | evidence in answer | unanswerable abstained | false abstentions | "
          "quotes verbatim |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(sorted(rows, key=lambda row: row.split("|")[1])))
    print("\nQuestions missed (not in the top 5, or the evidence not in the answer):\n" + "\n".join(missed))
    print("\n| format | documents | PDF pages | parse seconds | pages/s |")
    print("|---|---|---|---|---|")
    print("\n".join(speeds))


def _unseen_corpus(target: Path) -> Path:
    from assistant.eval_sets import combined_corpus, default_corpus_path, read_draw

    shared = default_corpus_path(REPO)
    manifest = read_draw(EVAL / "unseen" / "documents.json", shared)
    return combined_corpus([manifest], shared, REPO / "corpus", target)



if __name__ == "__main__":
    main()
