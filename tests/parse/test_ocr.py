"""OCR of scanned PDF pages with the real Tesseract: paragraphs of the corpus set in Helvetica 11 pt,
scanned at 300 dpi (straight and crooked), read back within a few percent of the text, word boxes
where the words are; the budget's limits; a clear error without Tesseract; and the parse worker's
own clocks standing still while a page is read.
"""

from __future__ import annotations

import io
import math
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from assistant.parse import ocr, parse_bytes
from assistant.parse.errors import DocumentLimitError, OcrUnavailableError, ParseTimeoutError
from assistant.parse.guard import ParseLimits
from assistant.parse.ocr import OcrBudget, OcrWord, ocr_page
from assistant.settings import Settings
from tests.conftest import CORPUS, REPO
from tests.render.scan import character_error_rate, paragraphs_pdf, prose, scan_pdf

UNAVAILABLE = ("OCR is not available: install Debian's tesseract-ocr and tesseract-ocr-swe "
               "(the PDF has pages without a text layer)")
# How far a word's centre may lie from where the text layer put it: Tesseract boxes the ink,
# pdfplumber the font's em box.
BOX_TOLERANCE_POINTS = 2.0


@pytest.fixture(scope="module")
def source() -> tuple[bytes, str]:
    """Two pages: the first three paragraphs of running text of each corpus file, and their text."""
    paragraphs = [text for path in sorted(CORPUS.glob("*.txt")) for text in prose(path.read_text(encoding="utf-8"))[:3]]
    return paragraphs_pdf(paragraphs), " ".join(paragraphs)


@pytest.fixture
def fresh_installation() -> Iterator[None]:
    """Tesseract looked up again by the test, and again after it."""
    ocr._installation.cache_clear()
    yield
    ocr._installation.cache_clear()


def read(pdf: bytes, budget: OcrBudget) -> list[list[OcrWord]]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [ocr_page(page, budget=budget) for page in document]
    finally:
        document.close()


def text_of(pages: list[list[OcrWord]]) -> str:
    return " ".join(word.text for words in pages for word in words)


def blank_pdf(pages: int) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("degrees", "max_cer"), [(0.0, 0.03), (1.5, 0.06), (-2.0, 0.06)],
                         ids=["clean", "rotated-1.5", "rotated-minus-2"])
def test_a_scan_reads_as_its_text(source: tuple[bytes, str], degrees: float, max_cer: float) -> None:
    pdf, text = source
    scanned = scan_pdf(pdf, rotate_degrees=degrees)
    budget = OcrBudget(max_pages=10, seconds=300)
    pages = read(scanned, budget)
    assert len(pages) == budget.pages_used == 2
    assert character_error_rate(text, text_of(pages)) <= max_cer


@pytest.mark.parametrize("degrees", [0.0, 1.5])
def test_word_boxes_are_in_pdf_points_where_the_words_lie_on_the_page(source: tuple[bytes, str],
                                                                     degrees: float) -> None:
    pdf, _ = source
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        expected, width, height = page.extract_words()[:40], float(page.width), float(page.height)
    scanned = pdfium.PdfDocument(scan_pdf(pdf, rotate_degrees=degrees, pages=[0]))
    words = ocr_page(scanned[0], budget=OcrBudget(max_pages=1, seconds=120))[:40]
    scanned.close()
    assert [w.text for w in words] == [e["text"] for e in expected]
    assert [(w.block, w.paragraph, w.line) for w in words[:2]] == [(1, 1, 1), (1, 1, 1)]
    turn = _turned(degrees, centre=(width / 2, height / 2))  # where the scanner put each word
    for word, want in zip(words, expected, strict=True):
        x, y = turn((want["x0"] + want["x1"]) / 2, (want["top"] + want["bottom"]) / 2)
        assert abs((word.x0 + word.x1) / 2 - x) <= BOX_TOLERANCE_POINTS, word
        assert abs((word.top + word.bottom) / 2 - y) <= BOX_TOLERANCE_POINTS, word
        assert 0 < word.confidence <= 100


def _turned(degrees: float, *, centre: tuple[float, float]) -> Callable[[float, float], tuple[float, float]]:
    """A point turned ``degrees`` counter-clockwise (as seen) about ``centre``, y pointing down."""
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    cx, cy = centre
    return lambda x, y: (cx + (x - cx) * cos + (y - cy) * sin, cy - (x - cx) * sin + (y - cy) * cos)


@pytest.mark.parametrize("degrees", [0.7, -1.5])
def test_a_crooked_scan_keeps_its_paragraphs(source: tuple[bytes, str], degrees: float) -> None:
    # Words placed where a crooked scan has them climb across the page; read level, each wrapped
    # line joins its paragraph as in the text layer (before: every line was a paragraph of its own).
    pdf, _ = source
    layer = parse_bytes(pdf, suffix=".pdf", source_path="p.pdf", document_id="p")
    scanned = parse_bytes(scan_pdf(pdf, rotate_degrees=degrees), suffix=".pdf", source_path="p.pdf", document_id="p")

    assert len(scanned.blocks) == len(layer.blocks)
    assert character_error_rate(layer.text, scanned.text) <= 0.03


# --- the budget ------------------------------------------------------------------------------


def test_the_budget_refuses_the_page_after_max_pages() -> None:
    budget = OcrBudget(max_pages=2, seconds=60)
    document = pdfium.PdfDocument(blank_pdf(3))
    assert ocr_page(document[0], budget=budget) == [] and ocr_page(document[1], budget=budget) == []
    with pytest.raises(DocumentLimitError, match="more than 2 pages without a text layer"):
        ocr_page(document[2], budget=budget)
    document.close()


def test_the_budget_refuses_a_page_once_its_seconds_are_spent() -> None:
    document = pdfium.PdfDocument(blank_pdf(1))
    with pytest.raises(DocumentLimitError, match=r"took more than 0 s"):
        ocr_page(document[0], budget=OcrBudget(max_pages=5, seconds=0))
    document.close()


def test_tesseract_is_stopped_when_the_seconds_run_out(source: tuple[bytes, str]) -> None:
    document = pdfium.PdfDocument(scan_pdf(source[0], pages=[0]))
    started = time.monotonic()
    with pytest.raises(ParseTimeoutError, match=r"longer than 0.5 s"):
        ocr_page(document[0], budget=OcrBudget(max_pages=5, seconds=0.5))
    assert time.monotonic() - started < 1.5
    document.close()


def test_the_limits_come_from_the_settings_and_a_pdf_gets_its_ocr_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_OCR_MAX_PAGES", "7")
    monkeypatch.setenv("ASSISTANT_OCR_SECONDS", "30")
    monkeypatch.setenv("ASSISTANT_OCR_LANGUAGES", "swe")
    limits = Settings().parse_limits()
    assert (limits.ocr_max_pages, limits.ocr_seconds, limits.ocr_languages) == (7, 30.0, "swe")
    assert limits.seconds_for(".pdf") == 40.0 and limits.seconds_for(".docx") == 10.0
    assert ParseLimits().seconds_for(".PDF") == 610.0


# --- without Tesseract -----------------------------------------------------------------------


def test_without_tesseract_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                          fresh_installation: None) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no tesseract on it
    document = pdfium.PdfDocument(blank_pdf(1))
    budget = OcrBudget(max_pages=5, seconds=60)
    with pytest.raises(OcrUnavailableError) as raised:
        ocr_page(document[0], budget=budget)
    assert str(raised.value) == UNAVAILABLE
    assert budget.pages_used == 0
    document.close()


def test_a_missing_language_is_named_with_its_package(fresh_installation: None) -> None:
    document = pdfium.PdfDocument(blank_pdf(1))
    with pytest.raises(OcrUnavailableError, match="install Debian's tesseract-ocr and tesseract-ocr-xyz "):
        ocr_page(document[0], budget=OcrBudget(max_pages=5, seconds=60, languages="swe+xyz"))
    document.close()


# --- inside the parse worker's limits --------------------------------------------------------


def test_the_parse_clocks_stand_still_while_a_page_is_read(source: tuple[bytes, str], tmp_path: Path) -> None:
    """The worker allows the parse 1 s here (alarm and CPU limit); reading a scanned page takes
    longer and must not trip them, but the parse's own work afterwards still does."""
    scanned = tmp_path / "scan.pdf"
    scanned.write_bytes(scan_pdf(source[0], pages=[0]))
    script = textwrap.dedent(f"""
        import sys, time
        import pypdfium2
        from assistant.parse.guard import ParseLimits
        from assistant.parse.ocr import OcrBudget, ocr_page
        from assistant.parse.worker import apply_limits

        apply_limits(ParseLimits(seconds=1, ocr_seconds=120), suffix=".pdf")
        started = time.monotonic()
        words = ocr_page(pypdfium2.PdfDocument({str(scanned)!r})[0], budget=OcrBudget(max_pages=1, seconds=120))
        print(len(words), round(time.monotonic() - started, 1), flush=True)
        while True:  # the parse goes on: its second runs out
            pass
    """)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    count, seconds = done.stdout.split()
    assert int(count) > 100 and float(seconds) > 1  # read in full, past the parse's 1 s
    assert -done.returncode in (signal.SIGALRM, signal.SIGXCPU), done.stderr  # then stopped
    assert time.monotonic() - started < float(seconds) + 5
