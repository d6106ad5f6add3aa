"""A scale corpus for benchmarks, generated from the real documents in ``corpus/``.

Each generated document is a variant of one of the real policies, rewritten for another of Sweden's
290 municipalities: the municipality's name and genitive swapped everywhere, dates shifted by a
whole number of years (full dates also by a few days), a few words reworded, a sentence dropped or
added here and there, and unnumbered list items reordered. Every fourth variant is written as
Markdown instead of plain text. When a dump of regeringen.se pages (JSON lines: id, kind, title,
text as Markdown) is given, its pages are mixed in as ``.md`` documents, for the variety of real
government text and to exercise the Markdown parser on real-world input.

The corpus is sized in chunks, counted by a caller-supplied ``count_chunks`` (the real parser and
chunker in the benchmark; a cheap stand-in in tests). Generation is deterministic: the same sources,
pages, size and seed give byte-identical files. Nothing of the page dump is copied anywhere but the
target folder, which the caller owns (a temporary folder in the benchmark).
"""

from __future__ import annotations

import gzip
import json
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from assistant.models import ElementKind
from assistant.municipalities import load_municipalities, municipality_mentions
from assistant.parse import ParseError
from assistant.parse.plaintext import read_plain_text
from bench.scale_variants import genitive, variant_text

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "corpus"

T = TypeVar("T")
ChunkCounter = Callable[[Path], int]
"""Chunks a file yields; raises ``ParseError`` when the parser refuses it."""

_HEADING = re.compile(r"^#{1,5} ")
_MARKDOWN_EVERY = 4
_LINE_KINDS = frozenset({ElementKind.TABLE_ROW, ElementKind.LIST_ITEM})


@dataclass(frozen=True, slots=True)
class Source:
    """One real document to vary: its file stem without the municipality, text, municipality."""

    kind: str
    text: str
    municipality: str
    suffix: str
    stem: str


@dataclass(frozen=True, slots=True)
class Page:
    """One regeringen.se page of the dump."""

    id: str
    kind: str
    title: str
    text: str


@dataclass(frozen=True)
class ScaleCorpus:
    """What was generated. ``chunks`` counts the files the parser accepted."""

    directory: Path
    chunks: int
    documents: int
    """Files written that the parser accepted."""
    variants: int
    pages: int
    """regeringen.se pages, bundled or not."""
    page_chunks: int
    parse_failures: tuple[str, ...] = ()
    """Files the parser refused (``ParseError``); kept, as a real corpus would keep them."""
    errors: tuple[tuple[str, str], ...] = ()
    """Files whose parsing raised anything else (a parser bug), with the error; removed."""
    municipalities: tuple[str, ...] = ()
    titles: tuple[str, ...] = field(default=(), repr=False)
    """Titles of the pages mixed in (for generated questions)."""


def load_sources(directory: Path = SOURCES) -> list[Source]:
    """The real documents (``.txt``/``.md``) with the municipality each is about."""
    sources = []
    for path in sorted(p for p in directory.iterdir() if p.suffix in {".txt", ".md"}):
        text = path.read_text(encoding="utf-8")
        mentions = municipality_mentions(text)
        if not mentions:
            continue
        municipality = mentions[0][0]
        kind = path.stem.removeprefix(slug(municipality) + "-")
        sources.append(Source(kind=kind, text=text, municipality=municipality, suffix=path.suffix, stem=path.stem))
    return sources


def load_pages(path: Path) -> list[Page]:
    """Every page of a regeringen.se dump (``.jsonl`` or ``.jsonl.gz``) that has text."""
    opener = gzip.open if path.suffix == ".gz" else open
    pages = []
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                if str(record.get("text", "")).strip():
                    pages.append(Page(str(record["id"]), str(record.get("kind", "")), str(record.get("title", "")),
                                      str(record["text"])))
    return pages


def generate_corpus(directory: Path, *, chunks: int, count_chunks: ChunkCounter,
                    sources: Sequence[Source] | None = None, pages: Sequence[Page] = (),
                    page_share: float = 0.5, pages_per_document: int = 1, include_sources: bool = False,
                    seed: int = 0) -> ScaleCorpus:
    """Write about ``chunks`` chunks of documents into ``directory`` (created; must be empty).

    About ``page_share`` of the chunks come from ``pages`` (taken in a seeded shuffle) while they
    last, the rest from variants of ``sources``; the two are interleaved so that any prefix is mixed
    (a smaller corpus is a prefix of a larger one with the same settings). With ``pages_per_document``
    above 1, that many pages are bundled into one Markdown document, each page a section (fewer,
    larger files). Variants go to other municipalities than the sources'. With ``include_sources`` the sources
    themselves are written first, under their own names. Stops at the first document that reaches
    ``chunks``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise ValueError(f"{directory} is not empty")
    sources = list(sources) if sources is not None else load_sources()
    if not sources:
        raise ValueError("no source documents to vary")
    writer = _Writer(directory, count_chunks)
    if include_sources:
        for source in sources:
            writer.add_source(source)
    page_order = _shuffled(range(len(pages)), seed=seed)
    own = {source.municipality for source in sources}
    names = _shuffled([name for name in load_municipalities() if name not in own], seed=seed + 1)
    page_quota, variant_quota = chunks * page_share, chunks * (1 - page_share)
    next_page = variant_number = 0
    while writer.chunks < chunks:
        take_page = next_page < len(page_order) and (
            variant_quota <= 0 or writer.page_chunks / max(page_quota, 1) <= writer.variant_chunks / variant_quota)
        if take_page:
            bundle = [pages[i] for i in page_order[next_page:next_page + pages_per_document]]
            writer.add_pages(bundle, number=next_page)
            next_page += len(bundle)
        else:
            source = sources[variant_number % len(sources)]
            name = names[variant_number % len(names)]
            writer.add_variant(source, municipality=name, number=variant_number, seed=seed)
            variant_number += 1
    return writer.result()


class _Writer:
    """Writes documents one by one and keeps the counts."""

    def __init__(self, directory: Path, count_chunks: ChunkCounter) -> None:
        self.directory = directory
        self._count = count_chunks
        self.page_chunks = 0
        self.variant_chunks = 0
        self._pages = self._variants = self._files = 0
        self._failures: list[str] = []
        self._errors: list[tuple[str, str]] = []
        self._municipalities: dict[str, None] = {}
        self._titles: list[str] = []

    @property
    def chunks(self) -> int:
        return self.page_chunks + self.variant_chunks

    def add_pages(self, pages: list[Page], *, number: int) -> None:
        if len(pages) == 1:
            path = self.directory / f"regeringen-{slug(pages[0].id)[:80]}-{number:05d}.md"
            text = page_markdown(pages[0])
        else:
            path = self.directory / f"regeringen-samling-{number:05d}.md"
            text = bundle_markdown(pages, number=number)
        if self._write(path, text, page=True):
            self._titles.extend(page.title for page in pages)
            self._pages += len(pages) - 1  # _write counted one

    def add_source(self, source: Source) -> None:
        path = self.directory / f"{source.stem}{source.suffix}"
        if self._write(path, source.text, page=False):
            self._municipalities[source.municipality] = None

    def add_variant(self, source: Source, *, municipality: str, number: int, seed: int) -> None:
        rng = random.Random(f"{seed}:{number}")
        text = variant_text(source, municipality=municipality, rng=rng)
        suffix = source.suffix
        if number % _MARKDOWN_EVERY == _MARKDOWN_EVERY - 1 and suffix == ".txt":
            text, suffix = plain_to_markdown(text), ".md"
        path = self.directory / f"{slug(municipality)}-{source.kind}-{number:05d}{suffix}"
        if self._write(path, text, page=False):
            self._municipalities[municipality] = None

    def _write(self, path: Path, text: str, *, page: bool) -> bool:
        """Write and count; True when the file yields chunks."""
        path.write_text(text, encoding="utf-8")
        try:
            count = self._count(path)
        except ParseError:
            self._failures.append(path.name)
            return False
        except Exception as error:  # a parser bug: report it, keep the corpus buildable
            self._errors.append((path.name, f"{type(error).__name__}: {error}"))
            path.unlink()
            return False
        self._files += 1
        if page:
            self.page_chunks += count
            self._pages += 1
        else:
            self.variant_chunks += count
            self._variants += 1
        return True

    def result(self) -> ScaleCorpus:
        return ScaleCorpus(
            directory=self.directory, chunks=self.chunks, documents=self._files,
            variants=self._variants, pages=self._pages, page_chunks=self.page_chunks,
            parse_failures=tuple(self._failures), errors=tuple(self._errors),
            municipalities=tuple(self._municipalities), titles=tuple(self._titles),
        )


# --- formats ------------------------------------------------------------------------------------


def plain_to_markdown(text: str) -> str:
    """The plain text as Markdown: headings as ``#``/``##``, list items as ``-``, table rows as
    pipe tables, paragraphs as they are. Structure found by the project's plain-text reader."""
    out: list[str] = []
    previous: ElementKind | None = None
    first_heading = True
    for element in read_plain_text(text).elements:
        kind = element.kind
        if out and out[-1] and (kind is not previous or kind not in _LINE_KINDS):
            out.append("")  # a blank line between blocks; rows and items of one run stay together
        if kind is ElementKind.TABLE_ROW and element.cells:
            out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in element.cells) + " |")
            if previous is not ElementKind.TABLE_ROW:
                out.append("|" + "---|" * len(element.cells))
        elif kind is ElementKind.HEADING:
            out.append("#" * (1 if first_heading else 2) + " " + element.text)
            first_heading = False
        elif kind is ElementKind.LIST_ITEM:
            out.append("- " + element.text)
        else:
            out.append(text[element.start:element.end])
        previous = kind
    return "\n".join(out).rstrip() + "\n"


def bundle_markdown(pages: Sequence[Page], *, number: int) -> str:
    """Several pages as one Markdown document: a title, then each page a section (headings one
    level down)."""
    parts = [f"# Sidor från regeringen.se, samling {number}\n"]
    for page in pages:
        body = page_markdown(page)
        parts.append("\n".join("#" + line if _HEADING.match(line) else line for line in body.split("\n")))
    return "\n".join(parts)


def page_markdown(page: Page) -> str:
    """The page's Markdown, with its title as a heading when the text has none."""
    text = page.text.strip()
    if not text.startswith("#") and page.title:
        text = f"# {page.title}\n\n{text}"
    return text + "\n"


# --- questions ----------------------------------------------------------------------------------

_TOPICS_SV = ("boende", "arbete", "språk", "uppföljning", "samverkan", "utbildning", "hälsa", "mottagande")
_TOPICS_EN = ("housing", "employment", "language", "follow-up", "cooperation", "education", "health")
_QUESTIONS_SV = ("Vem ansvarar för {t} i {m}?", "Vad säger {g} policy om {t}?",
                 "Hur arbetar {m} med {t}?", "När antogs integrationspolicyn i {m}?")
_QUESTIONS_EN = ("Who is responsible for {t} in {m}?", "What does {m} say about {t}?",
                 "When was the integration policy of {m} adopted?")
_GENERAL = ("Hur arbetar kommunen med {t}?", "Vilka mål finns för {t}?", "How is {t} followed up?")


def generate_questions(corpus: ScaleCorpus, *, count: int, seed: int = 0) -> list[str]:
    """``count`` distinct questions about the corpus: about municipalities in it (Swedish and
    English), general topic questions, and page titles as searches. Deterministic for a seed."""
    rng = random.Random(f"questions:{seed}")
    municipalities = list(corpus.municipalities) or list(load_municipalities())
    seen: dict[str, None] = {}
    attempts = 0
    while len(seen) < count and attempts < count * 50:
        attempts += 1
        seen.setdefault(_one_question(rng, municipalities, corpus.titles), None)
    return list(seen)


def _one_question(rng: random.Random, municipalities: list[str], titles: Sequence[str]) -> str:
    roll = rng.random()
    if titles and roll < 0.35:
        return rng.choice(titles)
    name = rng.choice(municipalities)
    if roll < 0.65:
        return rng.choice(_QUESTIONS_SV).format(t=rng.choice(_TOPICS_SV), m=name, g=genitive(name))
    if roll < 0.9:
        return rng.choice(_QUESTIONS_EN).format(t=rng.choice(_TOPICS_EN), m=name)
    return rng.choice(_GENERAL).format(t=rng.choice(_TOPICS_SV + _TOPICS_EN))


# --- helpers ------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """Lowercase ASCII words joined by ``-``: "Dals-Ed" → "dals-ed", "Åstorp" → "astorp"."""
    folded = unicodedata.normalize("NFD", text.casefold())
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "x"


def _shuffled(items: Sequence[T], *, seed: int) -> list[T]:
    out = list(items)
    random.Random(seed).shuffle(out)
    return out
