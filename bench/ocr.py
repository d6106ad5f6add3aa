"""How well and how fast OCR reads scanned pages of real text: set in Helvetica 11 pt on A4, scanned,
read back with ``assistant.parse.ocr`` (Tesseract, Swedish and English, one thread).

Sources: the running-text paragraphs of the five corpus files, and of ``--pages`` pages drawn at
random (``--seed``) among the regeringen.se pages of the shared corpus with enough running text
(read at run time, never copied into the repository), about ``--chars`` characters of each.
Scans: clean at 300 dpi; turned 1° and 2° counter-clockwise and 2° clockwise, as pages fed crooked;
upside down; clean at 200 dpi. OCR always renders at 300 dpi.

For each kind of scan: the pages read, the character error rate over all of them (edit distance
from the source text, whitespace-normalized, per source character), the paragraphs the PDF reader
makes of the scans against those it makes of the text layer (``--paragraphs``: each scan parsed
whole, a second OCR pass), pages per minute of wall clock (one page at a time) and CPU seconds per
page (this process and Tesseract; unlike the wall clock, not slowed by whatever else the machine
runs). ``--variants`` also reads every scan the ways ``assistant.parse.ocr``
was measured against: page segmentation mode 3 instead of 1, and without levelling the page first.

    python -m bench.ocr [--regeringen PATH] [--pages 5] [--seed 20260] [--chars 3500] [--variants] [--paragraphs]

Prints one table; all figures of one run. A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import resource
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from assistant.eval_sets import default_corpus_path, iter_pages
from assistant.parse import ocr, parse_bytes, pdf
from assistant.parse.ocr import OcrBudget, ocr_page
from tests.render.scan import edit_distance, normalized, paragraphs_pdf, prose, scan_pdf

REPO = Path(__file__).resolve().parent.parent
SCANS = [("clean, 300 dpi", 300, 0.0), ("turned 1°, 300 dpi", 300, 1.0), ("turned 2°, 300 dpi", 300, 2.0),
         ("turned -2°, 300 dpi", 300, -2.0), ("upside down, 300 dpi", 300, 180.0), ("clean, 200 dpi", 200, 0.0)]
KEPT = "psm 1, levelled (kept)"
# (psm, level the page for Tesseract, read the words level for the layout)
VARIANTS = {KEPT: ("1", True, True), "psm 3, levelled": ("3", True, True), "psm 1, not levelled": ("1", False, True),
            "psm 1, levelled, words where they lie": ("1", True, False)}


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    text: str
    pdf: bytes


@dataclass(frozen=True, slots=True)
class Reading:
    pages: int
    errors: int
    characters: int
    seconds: float
    cpu_seconds: float


def sources(*, regeringen: Path, pages: int, seed: int, chars: int) -> list[Source]:
    """The five corpus files, then ``pages`` regeringen.se pages drawn among those with at least
    ``chars`` characters of running text (one pass over the shared corpus, ~10 s)."""
    texts = [(path.stem, path.read_text(encoding="utf-8")) for path in sorted((REPO / "corpus").glob("*.txt"))]
    if pages and regeringen.is_file():
        candidates = [(page["id"], page["text"]) for page in iter_pages(regeringen)
                      if sum(map(len, prose(page["text"]))) >= chars]
        texts += random.Random(seed).sample(candidates, pages)
    return [_source(name, text, chars=chars) for name, text in texts]


def _source(name: str, text: str, *, chars: int) -> Source:
    kept: list[str] = []
    for paragraph in prose(text):
        kept.append(paragraph)
        if sum(map(len, kept)) >= chars:
            break
    return Source(name, " ".join(kept), paragraphs_pdf(kept))


def read(source: Source, *, dpi: int, degrees: float) -> Reading:
    document = pdfium.PdfDocument(scan_pdf(source.pdf, dpi=dpi, rotate_degrees=degrees))
    budget = OcrBudget(max_pages=100, seconds=3600)
    started, cpu = time.perf_counter(), cpu_seconds()
    try:
        words = [word.text for page in document for word in ocr_page(page, budget=budget)]
    finally:
        document.close()
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    reference = normalized(source.text)
    return Reading(budget.pages_used, edit_distance(reference, normalized(" ".join(words))), len(reference),
                   seconds, cpu)


def paragraphs(pdf: bytes) -> int:
    """The blocks (paragraphs, headings, items) the PDF reader makes of ``pdf``."""
    return len(parse_bytes(pdf, suffix=".pdf", source_path="scan.pdf", document_id="scan").blocks)


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (each Tesseract run)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextlib.contextmanager
def variant(psm: str, level: bool, words_level: bool) -> Iterator[None]:
    kept = ocr._PSM, ocr._DESKEW, pdf._LEVEL_SLOPE
    ocr._PSM, ocr._DESKEW = psm, level
    pdf._LEVEL_SLOPE = kept[2] if words_level else float("inf")  # inf: no slope is levelled
    try:
        yield
    finally:
        ocr._PSM, ocr._DESKEW, pdf._LEVEL_SLOPE = kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regeringen", type=Path, default=default_corpus_path(REPO))
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20260)
    parser.add_argument("--chars", type=int, default=3500)
    parser.add_argument("--variants", action="store_true")
    parser.add_argument("--paragraphs", action="store_true")
    args = parser.parse_args()
    drawn = sources(regeringen=args.regeringen, pages=args.pages, seed=args.seed, chars=args.chars)
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    print(f"{version}, languages swe+eng, OCR at 300 dpi, OMP_THREAD_LIMIT=1; "
          f"{len(drawn)} sources, {sum(len(normalized(s.text)) for s in drawn)} characters: "
          + ", ".join(s.name for s in drawn) + "\n")
    layer = sum(paragraphs(source.pdf) for source in drawn) if args.paragraphs else 0
    print("| OCR | scan | pages | CER | paragraphs (text layer: %s) | pages/minute | CPU s/page |" % (layer or "–"))
    print("|---|---|---|---|---|---|---|")
    for label, (psm, level, words_level) in VARIANTS.items():
        if label != KEPT and not args.variants and not (args.paragraphs and not words_level):
            continue
        with variant(psm, level, words_level):
            for kind, dpi, degrees in SCANS:
                readings = [read(source, dpi=dpi, degrees=degrees) for source in drawn]
                pages, seconds = sum(r.pages for r in readings), sum(r.seconds for r in readings)
                cer = sum(r.errors for r in readings) / sum(r.characters for r in readings)
                cpu = sum(r.cpu_seconds for r in readings) / pages
                read_as = sum(paragraphs(scan_pdf(source.pdf, dpi=dpi, rotate_degrees=degrees)) for source in drawn) \
                    if args.paragraphs and psm == "1" and level else "–"
                print(f"| {label} | {kind} | {pages} | {cer:.2%} | {read_as} | {pages / seconds * 60:.1f} | "
                      f"{cpu:.1f} |", flush=True)


if __name__ == "__main__":
    main()
