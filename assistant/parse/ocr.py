"""OCR of PDF pages without a text layer (scans): rendered with pypdfium2, read by Debian's Tesseract.

``ocr_page`` renders one page in grayscale at the budget's resolution, levels it when it was scanned
crooked, pipes it as PNG to the ``tesseract`` program and reads its TSV: the words in reading order
with their boxes in PDF points and Tesseract's layout ids. ``OcrBudget`` bounds what one document's
OCR may spend (pages, wall-clock seconds).

Choices, measured with ``python -m bench.ocr --variants`` (18 A4 pages of the corpus and of
regeringen.se pages in Helvetica 11 pt, scanned; character error rates):

* ``--psm 1`` (automatic layout with orientation detection) reads upright pages exactly as well as
  ``--psm 3`` (0.05 % clean, 0.07 % scanned at 200 dpi) at about the same cost, and also pages
  scanned upside down: 0.38 % (what is left: pages of one line, too little for the orientation
  check), where psm 3 reads 87 % wrong. Kept: psm 1.
* Tesseract's own handling of crooked lines loses diacritics and line order: scanned turned 1° CER
  0.07 %, 2° 1.1 %, 2° clockwise 51 % (lines read out of order). Levelled first here (the angle
  within ±3° whose ink profiles are sharpest): 0.06 % at each, for 0.3-0.5 s of CPU a turned page.
  Kept. Pages turned 90° or 270° are levelled too (the column profile) and then turned by psm 1.
* One A4 page at 300 dpi costs about 3 s of one core (2.6-3.5 s; about 0.3 s of it rendering and
  levelling in this process) with ``OMP_THREAD_LIMIT=1``, and Tesseract peaks at about 120 MB (it
  read an A4 page within a 256 MiB address-space limit; it inherits the worker's 1 GiB).

In the parse worker the parse itself is bounded by a wall-clock alarm and a CPU limit
(``assistant.parse.worker.apply_limits``). OCR is bounded by its budget instead: while a page is read
both are paused, and the CPU this process spent on the page (rendering, levelling) is added back.
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, ImageOps

from assistant.parse.errors import (
    DocumentLimitError,
    OcrUnavailableError,
    ParseError,
    ParseResourceError,
    ParseTimeoutError,
)

if TYPE_CHECKING:
    import pypdfium2

# The bench's --variants switch these to measure the alternatives; nothing else changes them.
_PSM = "1"
_DESKEW = True
# Pages larger than this at the budget's resolution (above A2 at 300 dpi) are rendered smaller.
_MAX_PIXELS = 36_000_000
_LANGUAGES = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\+[A-Za-z][A-Za-z0-9_]*)*")
# Debian's tesseract-ocr depends on its English data; other languages are packages of their own.
_BUNDLED = "eng"
_LIST_SECONDS = 30.0
# Skew search: the levelling angle within ±_SKEW_LIMIT degrees, on a copy _SKEW_WIDTH pixels wide,
# in coarse steps then fine ones around the best. Below _SKEW_MIN the page is left as it is (a
# rotation blurs it slightly); a best angle that sharpens the profiles by less than _SKEW_GAIN over
# none (a photograph, a blank page) is noise.
_SKEW_LIMIT = 3.0
_SKEW_COARSE = 0.5
_SKEW_FINE = 0.1
_SKEW_WIDTH = 1000
_SKEW_INK = 160
_SKEW_MIN = 0.1
_SKEW_GAIN = 1.05
_TSV_FIELDS = 12


@dataclass(frozen=True, slots=True)
class OcrWord:
    """One word Tesseract read. Coordinates in PDF points from the rendered page's top-left corner
    (pdfplumber's convention; the crop box after ``/Rotate``). On a crooked scan the boxes are where
    the words lie on the page, so the words of one line differ in ``top``: group by ``line``."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    block: int
    paragraph: int
    line: int
    confidence: float


class OcrBudget:
    """Pages and wall-clock seconds that OCR may still spend on one document.

    ``ocr_page`` takes a page from it before reading one and charges the seconds it took (rendering,
    levelling and Tesseract). ``languages`` are Tesseract's codes joined by ``+``; ``dpi`` the
    resolution pages are rendered at. Raises ``ValueError`` for a negative limit, a resolution
    outside 50-1200 or malformed language codes.
    """

    def __init__(self, *, max_pages: int, seconds: float, languages: str = "swe+eng", dpi: int = 300) -> None:
        if max_pages < 0 or seconds < 0:
            raise ValueError("max_pages and seconds must not be negative")
        if not 50 <= dpi <= 1200:
            raise ValueError(f"dpi must be within 50-1200, not {dpi}")
        if not _LANGUAGES.fullmatch(languages):
            raise ValueError(f"languages must be Tesseract codes joined by '+', like 'swe+eng', not {languages!r}")
        self.max_pages, self.seconds, self.languages, self.dpi = max_pages, seconds, languages, dpi
        self._pages = 0
        self._spent = 0.0
        self._cpu_spent = 0.0
        self._cpu_granted = 0

    @property
    def pages_used(self) -> int:
        return self._pages

    @property
    def seconds_left(self) -> float:
        return max(0.0, self.seconds - self._spent)

    def _take_page(self) -> None:
        """Count one more page; ``DocumentLimitError`` when none or no time is left."""
        if self._pages >= self.max_pages:
            raise DocumentLimitError(f"the PDF has more than {self.max_pages} pages without a text layer (scanned "
                                     f"pages); at most {self.max_pages} are read with OCR")
        if self.seconds_left <= 0:
            raise DocumentLimitError(f"reading the PDF's scanned pages with OCR took more than {self.seconds:g} s, "
                                     "the limit")
        self._pages += 1

    def _charge(self, seconds: float) -> None:
        self._spent += seconds

    def _cpu_grant(self, seconds: float) -> int:
        """Whole CPU seconds to give back to the parse for ``seconds`` more spent on OCR (the
        fractions add up over pages instead of rounding up on each)."""
        self._cpu_spent += seconds
        grant = math.ceil(self._cpu_spent) - self._cpu_granted
        self._cpu_granted += grant
        return grant

    def _too_long(self) -> ParseTimeoutError:
        return ParseTimeoutError(f"reading the PDF's scanned pages with OCR took longer than {self.seconds:g} s")


def ocr_page(page: pypdfium2.PdfPage, *, budget: OcrBudget) -> list[OcrWord]:
    """Render the page at budget.dpi with pypdfium2, run tesseract on it, return the words in reading order.

    Raises ``OcrUnavailableError`` when ``tesseract`` or one of the budget's languages is not
    installed, ``DocumentLimitError`` when the budget has no page or time left,
    ``ParseTimeoutError`` when Tesseract outlasts the time left, ``ParseResourceError`` when it is
    killed (out of memory) and ``ParseError`` when it fails otherwise. Cost: about 2.5-3.5 s of one
    core for an A4 page at 300 dpi (0.3-0.5 s of it in this process), ~30 MB here and ~120 MB in Tesseract.
    """
    binary = _tesseract(budget.languages)
    budget._take_page()
    started = time.monotonic()
    try:
        with _parse_clocks_paused(budget):
            return _read(page, binary=binary, budget=budget, deadline=started + budget.seconds_left)
    finally:
        budget._charge(time.monotonic() - started)


def _read(page: pypdfium2.PdfPage, *, binary: str, budget: OcrBudget, deadline: float) -> list[OcrWord]:
    image, dpi = _render(page, dpi=budget.dpi)
    if image is None:
        return []
    angle = _skew_angle(image) if _DESKEW else 0.0
    size = image.size
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    png = io.BytesIO()
    image.save(png, format="PNG", compress_level=1)  # level 1: 0.04 s a page; 6 saves 30 % for 2.5x the time
    del image
    tsv = _run_tesseract(png.getvalue(), binary=binary, dpi=round(dpi), budget=budget, deadline=deadline)
    return _words(tsv, points_per_pixel=72 / dpi, to_page=_unturn(angle, size))


def _render(page: pypdfium2.PdfPage, *, dpi: int) -> tuple[Image.Image | None, float]:
    """The page in grayscale and the resolution it was rendered at: ``dpi``, or less for a page that
    would exceed ``_MAX_PIXELS`` (a poster must not exhaust memory). ``None`` for an empty page."""
    width, height = page.get_size()
    scale = dpi / 72
    if width * height * scale * scale > _MAX_PIXELS:
        scale = math.sqrt(_MAX_PIXELS / (width * height))
    if round(width * scale) < 1 or round(height * scale) < 1:
        return None, dpi
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        image = bitmap.to_pil()
        # A copy: the PIL image shares the bitmap's buffer, which close() frees.
        image = image.convert("L") if image.mode != "L" else image.copy()
    finally:
        bitmap.close()
    return image, scale * 72


# --- levelling -----------------------------------------------------------------------------


def _skew_angle(image: Image.Image) -> float:
    """Degrees to turn ``image`` counter-clockwise to level its lines, within ±``_SKEW_LIMIT``: the
    angle at which the ink's row and column profiles are sharpest (level lines of text make tall
    narrow peaks). 0 when no angle is clearly better than none. Cost: ~25 rotations of a
    1000-pixel-wide copy, about 0.3 s."""
    ink = _ink(image)
    steps = round(_SKEW_LIMIT / _SKEW_COARSE)
    coarse = [i * _SKEW_COARSE for i in range(-steps, steps + 1)]
    scores = {angle: _sharpness(ink, angle) for angle in coarse}
    best = max(coarse, key=scores.__getitem__)
    fine = [best + i * _SKEW_FINE for i in range(-4, 5) if abs(best + i * _SKEW_FINE) <= _SKEW_LIMIT]
    scores.update({angle: _sharpness(ink, angle) for angle in fine if angle not in scores})
    best = max(fine, key=scores.__getitem__)
    if abs(best) < _SKEW_MIN or scores[best] <= _SKEW_GAIN * scores[0.0]:
        return 0.0
    return round(best, 2)


def _ink(image: Image.Image) -> Image.Image:
    """A small copy with ink white (255) on black: rotation fills the corners with "no ink"."""
    height = max(1, round(image.height * _SKEW_WIDTH / image.width))
    small = ImageOps.autocontrast(image.resize((_SKEW_WIDTH, height), Image.Resampling.BOX), cutoff=1)
    return small.point(lambda value: 255 if value < _SKEW_INK else 0)


def _sharpness(ink: Image.Image, angle: float) -> int:
    turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
    rows = list(turned.resize((1, turned.height), Image.Resampling.BOX).getdata())
    columns = list(turned.resize((turned.width, 1), Image.Resampling.BOX).getdata())
    return _energy(rows) + _energy(columns)


def _energy(profile: Sequence[int]) -> int:
    return sum((a - b) * (a - b) for a, b in itertools.pairwise(profile))


def _unturn(angle: float, size: tuple[int, int]) -> Callable[[float, float], tuple[float, float]]:
    """Where a point of the image turned ``angle`` degrees counter-clockwise about its centre (as
    ``Image.rotate`` turns it) lies in the image as rendered."""
    if not angle:
        return lambda x, y: (x, y)
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    cx, cy = size[0] / 2, size[1] / 2
    return lambda x, y: (cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos)


# --- Tesseract -----------------------------------------------------------------------------


def _tesseract(languages: str) -> str:
    """The ``tesseract`` program's path; ``OcrUnavailableError`` naming the Debian packages to install
    when it or one of ``languages`` is missing."""
    installed = _installation()
    wanted = languages.split("+")
    missing = wanted if installed is None else [code for code in wanted if code not in installed[1]]
    if installed is None or missing:
        packages = ["tesseract-ocr", *(f"tesseract-ocr-{code.lower().replace('_', '-')}" for code in missing
                                       if code != _BUNDLED or installed is not None)]
        listed = " and ".join([", ".join(packages[:-1]), packages[-1]] if len(packages) > 2 else packages)
        raise OcrUnavailableError(f"OCR is not available: install Debian's {listed} "
                                  "(the PDF has pages without a text layer)")
    return installed[0]


@functools.cache
def _installation() -> tuple[str, frozenset[str]] | None:
    """The path of ``tesseract`` on ``PATH`` (as it is at the first call) and the languages it has,
    or ``None`` without it. Asked once per process (about 50 ms); ``cache_clear()`` to ask again."""
    binary = shutil.which("tesseract")
    if binary is None:
        return None
    try:
        listed = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=_LIST_SECONDS,
                                env=_environment(), check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if listed.returncode != 0:
        return None
    lines = (listed.stdout or listed.stderr).decode("utf-8", errors="replace").splitlines()
    return binary, frozenset(line.strip() for line in lines if line.strip() and not line.startswith("List of"))


def _environment() -> dict[str, str]:
    """Tesseract's environment: one OpenMP thread (parse workers run side by side on few cores),
    the C locale it expects, where its data is if that was set, nothing else."""
    environment = {"PATH": os.environ.get("PATH", os.defpath), "OMP_THREAD_LIMIT": "1", "LC_ALL": "C"}
    if "TESSDATA_PREFIX" in os.environ:
        environment["TESSDATA_PREFIX"] = os.environ["TESSDATA_PREFIX"]
    return environment


def _run_tesseract(png: bytes, *, binary: str, dpi: int, budget: OcrBudget, deadline: float) -> str:
    """Tesseract's TSV for one page image, killed at ``deadline`` (``time.monotonic()``)."""
    timeout = deadline - time.monotonic()
    if timeout <= 0:
        raise budget._too_long()
    command = [binary, "stdin", "stdout", "-l", budget.languages, "--psm", _PSM, "--dpi", str(dpi), "tsv"]
    try:
        done = subprocess.run(command, input=png, capture_output=True, timeout=timeout, env=_environment(),
                              check=False)
    except subprocess.TimeoutExpired as error:
        raise budget._too_long() from error
    except OSError as error:  # removed since it was found
        _installation.cache_clear()
        raise OcrUnavailableError("OCR is not available: the tesseract program could not be run") from error
    if done.returncode == -signal.SIGXCPU:
        raise budget._too_long()
    if done.returncode < 0:  # killed: out of memory (an allocation failed and it aborted) or crashed
        raise ParseResourceError("a scanned page of the PDF needs more memory than allowed to read with OCR")
    if done.returncode != 0:
        raise ParseError("OCR could not read a scanned page of the PDF")
    return done.stdout.decode("utf-8", errors="replace")


def _words(tsv: str, *, points_per_pixel: float,
           to_page: Callable[[float, float], tuple[float, float]]) -> list[OcrWord]:
    """The word rows of Tesseract's TSV (level 5, text, confidence ≥ 0) in its order, as ``OcrWord``s:
    each box moved to where its centre lies on the page as rendered, then scaled to points."""
    words = []
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) != _TSV_FIELDS or not fields[11].strip():
            continue
        try:
            block, paragraph, line = int(fields[2]), int(fields[3]), int(fields[4])
            left, top, width, height = (int(value) for value in fields[6:10])
            confidence = float(fields[10])
        except ValueError:
            continue
        if confidence < 0:
            continue
        x, y = to_page(left + width / 2, top + height / 2)
        words.append(OcrWord(
            text=fields[11].strip(), x0=(x - width / 2) * points_per_pixel, top=(y - height / 2) * points_per_pixel,
            x1=(x + width / 2) * points_per_pixel, bottom=(y + height / 2) * points_per_pixel,
            block=block, paragraph=paragraph, line=line, confidence=confidence))
    return words


# --- the parse worker's clocks ---------------------------------------------------------------


@contextlib.contextmanager
def _parse_clocks_paused(budget: OcrBudget) -> Iterator[None]:
    """Pause the worker's parse limits while a page is OCRed: the wall-clock alarm is disarmed and
    re-armed with what it had left; the soft CPU limit is lifted to the hard one, then set back
    raised by the CPU seconds this process spent on OCR. In a process without those limits (a parse
    in-process) nothing changes, but an alarm set by anything else (pytest-timeout's) is paused too."""
    alarm, _ = signal.getitimer(signal.ITIMER_REAL)
    if alarm:
        signal.setitimer(signal.ITIMER_REAL, 0)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    limited = soft != resource.RLIM_INFINITY and soft != hard
    if limited:
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
    cpu = time.process_time()
    try:
        yield
    finally:
        grant = budget._cpu_grant(time.process_time() - cpu)
        if limited:
            raised = soft + grant if hard == resource.RLIM_INFINITY else min(hard, soft + grant)
            resource.setrlimit(resource.RLIMIT_CPU, (raised, hard))
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, alarm)
