"""The one harness behind ``fuzz/fuzz_<format>.py``: feed libFuzzer's inputs to
``assistant.parse.parse_bytes`` as the format's suffix names, and let only ``ParseError``
(and its subclasses) pass; anything else escaping is a crash, which libFuzzer reports with the
input that caused it (written to ``-artifact_prefix``).

``python -m fuzz.fuzz_pdf -runs=2000 CORPUS_DIR``: an empty or missing ``CORPUS_DIR`` is first
filled with a few valid documents of the format (``fuzz.seeds``), so mutations start from real
structure rather than from nothing. Every libFuzzer option works (``-max_total_time=600``,
``-max_len``, ``-timeout``, ``-seed``, ``-jobs``).
"""

from __future__ import annotations

import contextlib
import io
import random
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import atheris

# Instrumented for coverage feedback: this project's parsing code and the pure-Python libraries it
# drives (lxml is C, and is exercised through bs4 without feedback of its own).
with atheris.instrument_imports(include=["assistant.parse", "bs4", "pdfminer", "pdfplumber", "docx"]):
    from assistant.parse import ParseError, parse_bytes

from fuzz.seeds import SEEDS


def one_input(suffix: str) -> Callable[[bytes], None]:
    """libFuzzer's target for ``suffix``: parse, allowing only ``ParseError``. Cost: one parse."""

    def test_one_input(data: bytes) -> None:
        with contextlib.suppress(ParseError):
            parse_bytes(data, suffix=suffix, source_path=f"fuzz{suffix}", document_id="fuzz")

    return test_one_input


def seed_corpus(argv: Sequence[str], suffix: str) -> None:
    """Write the format's seed documents into the first corpus folder named in ``argv`` (the
    arguments that are not ``-options``), when it is missing or empty."""
    folders = [Path(arg) for arg in argv[1:] if not arg.startswith("-")]
    if not folders:
        return
    corpus = folders[0]
    if corpus.is_dir() and any(corpus.iterdir()):
        return
    corpus.mkdir(parents=True, exist_ok=True)
    for index, seed in enumerate(SEEDS[suffix]()):
        (corpus / f"seed-{index}{suffix}").write_bytes(seed)


def zip_member_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    """Structure-aware mutation of a DOCX: mutate one member of the package (mostly
    ``word/document.xml``) and zip it again, so that mutations reach the XML instead of breaking
    the archive; one time in ten, or for input that is not a ZIP, mutate the raw bytes."""
    chooser = random.Random(seed)
    members = _members(data)
    if not members or chooser.random() < 0.1:
        return atheris.Mutate(data, max_size)
    body = "word/document.xml"
    name = body if body in members and chooser.random() < 0.7 else chooser.choice(sorted(members))
    members[name] = atheris.Mutate(members[name], max(2 * len(members[name]), 1024))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    packed = out.getvalue()
    return packed if len(packed) <= max_size else atheris.Mutate(data, max_size)


def _members(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename: archive.read(info) for info in archive.infolist()}
    except Exception:  # not a ZIP, or a damaged one: the caller mutates the raw bytes
        return {}


MUTATORS: dict[str, Callable[[bytes, int, int], bytes]] = {".docx": zip_member_mutator}


def main(suffix: str) -> None:
    """Fuzz the parser of ``suffix`` with the options and corpus on the command line."""
    seed_corpus(sys.argv, suffix)
    atheris.Setup(sys.argv, one_input(suffix), custom_mutator=MUTATORS.get(suffix))
    atheris.Fuzz()
