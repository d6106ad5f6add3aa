"""One variant of a real policy for the scale corpus (``bench/scale_corpus.py``): rewritten for
another municipality, its name and genitive swapped, dates shifted, a few words reworded,
sentences dropped or added and unnumbered list items reordered. Deterministic for a given seed."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.scale_corpus import Source


_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?:-(?P<month>\d{2})-(?P<day>\d{2}))?(?!\d)")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")
_BULLET = re.compile(r"^- \S")
_GENITIVE_FREE = ("s", "x", "z")

# Light rewording: each pair is applied to a document (all occurrences) with probability 1/2.
_REWORDINGS: tuple[tuple[str, str], ...] = (
    ("exempelvis", "till exempel"), ("framförallt", "framför allt"), ("viktigt", "angeläget"),
    ("behöver", "måste"), ("säkerställa", "garantera"), ("genomföra", "utföra"),
    ("arbetar med", "jobbar med"), ("tillsammans med", "ihop med"), ("dessutom", "därtill"),
    ("möjligheter", "förutsättningar"), ("utveckla", "vidareutveckla"), ("samtliga", "alla"),
)
# Sentences a variant may gain; {m} is the municipality, {g} its genitive, {y} a year.
_EXTRA_SENTENCES: tuple[str, ...] = (
    "{m} följer upp arbetet årligen i samband med årsredovisningen.",
    "Arbetet sker i dialog med civilsamhället och näringslivet i {m}.",
    "Nämnderna i {g} kommun ansvarar för att målen bryts ned i verksamhetsplaner.",
    "Insatserna ska utvärderas senast {y}.",
    "Information om arbetet ska finnas på {g} webbplats på flera språk.",
    "Kommunstyrelsen i {m} samordnar arbetet mellan förvaltningarna.",
    "Uppföljningen redovisas för kommunfullmäktige i {m} varje höst.",
)


# --- one variant --------------------------------------------------------------------------------


def variant_text(source: Source, *, municipality: str, rng: random.Random) -> str:
    """``source`` rewritten for ``municipality``: names, dates, words, sentences, list order."""
    years = rng.randint(-4, 6)
    days = rng.randint(-20, 20)
    text = swap_municipality(source.text, old=source.municipality, new=municipality)
    text = shift_dates(text, years=years, days=days)
    text = reword(text, rng=rng)
    text = vary_paragraphs(text, municipality=municipality, rng=rng, year=2020 + years)
    return reorder_lists(text, rng=rng)


def genitive(name: str) -> str:
    """"Tierp" → "Tierps"; names ending in s, x or z take no extra s ("Tranås")."""
    return name if name.endswith(_GENITIVE_FREE) else name + "s"


def swap_municipality(text: str, *, old: str, new: str) -> str:
    """Every mention of ``old`` (and its genitive) as a whole word replaced by ``new``."""
    pattern = re.compile(rf"(?<![^\W_]){re.escape(old)}(?P<s>s?)(?![^\W_])")

    return pattern.sub(lambda match: genitive(new) if match.group("s") else new, text)


def shift_dates(text: str, *, years: int, days: int) -> str:
    """Years (1900-2099) moved by ``years``; full ISO dates also by ``days``."""

    def replace(match: re.Match[str]) -> str:
        year = int(match.group("year")) + years
        if match.group("month") is None:
            return str(year)
        try:
            date = dt.date(year, int(match.group("month")), int(match.group("day"))) + dt.timedelta(days=days)
        except ValueError:
            return f"{year}-{match.group('month')}-{match.group('day')}"
        return date.isoformat()

    return _DATE.sub(replace, text)


def reword(text: str, *, rng: random.Random) -> str:
    """About half of the rewordings applied, whole words only, keeping a capital first letter."""
    for old, new in _REWORDINGS:
        if rng.random() < 0.5:
            pattern = re.compile(rf"(?<![^\W_]){re.escape(old)}(?![^\W_])", re.IGNORECASE)
            text = pattern.sub(lambda m, new=new: new[0].upper() + new[1:] if m.group()[0].isupper() else new, text)
    return text


def vary_paragraphs(text: str, *, municipality: str, rng: random.Random, year: int) -> str:
    """In long prose paragraphs, sometimes drop a sentence (never the first) or add one."""
    blocks = text.split("\n\n")
    for i, block in enumerate(blocks):
        if len(block) < 150 or "\t" in block or "\n" in block.strip() or block.lstrip().startswith(("-", "|")):
            continue
        sentences = _SENTENCE_BREAK.split(block)
        roll = rng.random()
        if roll < 0.15 and len(sentences) >= 3:
            del sentences[rng.randrange(1, len(sentences))]
        elif roll < 0.30:
            extra = rng.choice(_EXTRA_SENTENCES).format(m=municipality, g=genitive(municipality), y=year)
            sentences.insert(rng.randrange(1, len(sentences) + 1), extra)
        blocks[i] = " ".join(sentences)
    return "\n\n".join(blocks)


def reorder_lists(text: str, *, rng: random.Random) -> str:
    """Runs of ``- `` list items shuffled (each run with probability 1/2)."""
    lines = text.split("\n")
    out: list[str] = []
    for run in _runs(lines):
        if len(run) > 1 and _BULLET.match(run[0]) and rng.random() < 0.5:
            rng.shuffle(run)
        out.extend(run)
    return "\n".join(out)


def _runs(lines: list[str]) -> Iterator[list[str]]:
    """Consecutive bullet lines as one run; every other line alone."""
    run: list[str] = []
    for line in lines:
        if _BULLET.match(line):
            run.append(line)
            continue
        if run:
            yield run
            run = []
        yield [line]
    if run:
        yield run
