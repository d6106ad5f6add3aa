"""The whole-corpus benchmark's sample (``bench/whole_corpus.py``): the pages drawn, their
document ids and corpus files, and the questions asked of them (new strings, a third filtered to
one document, and title look-ups)."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.eval_sets import document_id_for_page
from bench.scale_corpus import Page, page_markdown

FILTERED_EVERY = 3  # every third latency question is filtered to one document
MAX_TOPIC_CHARS = 200

_SV = ("Vad säger regeringen om {t}?", "Vad innebär {t}?", "Jag söker information om {t}",
       "Vilka beslut gäller {t}?", "Sammanfatta {t}", "Vad har hänt med {t}?")
_EN = ("What does the government say about {t}?", "What is {t} about?", "I am looking for information on {t}",
       "Which decisions concern {t}?", "Summarise {t}", "What happened with {t}?")
_SV_FILTERED = ("Vad står det i dokumentet om {t}?", "Vad sägs här om {t}?", "Vem ansvarar enligt texten för {t}?")
_EN_FILTERED = ("What does this document say about {t}?", "What is said here about {t}?",
                "Who is responsible for {t} according to this text?")
_SV_TITLE = ("{t}", "Var hittar jag {t}?", "Visa {t}")
_EN_TITLE = ("Where do I find {t}?", "Show me {t}", "Find the page {t}")
_HEADING = re.compile(r"^#{2,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`<>|\\]")


# --- the corpus ---------------------------------------------------------------------------------


def select_pages(pages: Sequence[Page], count: int | None, *, seed: int) -> list[Page]:
    """All ``pages`` (``count`` None or at least their number), else a ``random.Random(seed)`` sample
    of ``count`` of them, in the dump's order. Deterministic for a seed."""
    if count is None or count >= len(pages):
        return list(pages)
    chosen = sorted(random.Random(seed).sample(range(len(pages)), count))
    return [pages[i] for i in chosen]


def unique_document_ids(pages: Sequence[Page]) -> list[str]:
    """A document id per page (``document_id_for_page``, as the eval sets name pages), made unique
    with ``-2``, ``-3``... where two pages' ids collide (slugs are cut at 80 characters). Each id is
    its own slug, so a file ``<id>.md`` is indexed as document ``<id>``."""
    taken: set[str] = set()
    out = []
    for page in pages:
        base = document_id_for_page(page.id) or "sida"
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base[:80 - len(str(number)) - 1].rstrip('-')}-{number}"
        taken.add(candidate)
        out.append(candidate)
    return out


def write_corpus(pages: Sequence[Page], ids: Sequence[str], folder: Path) -> int:
    """Each page as ``<id>.md`` in ``folder`` (created, must be empty), its title a heading when the
    text has none; the characters written."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty")
    chars = 0
    for page, document_id in zip(pages, ids, strict=True):
        text = page_markdown(page)
        (folder / f"{document_id}.md").write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


# --- questions ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageRef:
    """What questions are made from: an indexed page's document id, title and section headings."""

    document_id: str
    title: str
    headings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    source: str
    """The document id of the page it was made from."""
    filtered: bool
    """Sent with ``filters: {"document_id": source}``."""


def clean_topic(text: str) -> str:
    """A title or heading as plain words: links to their text, Markdown marks dropped, whitespace
    collapsed, at most ``MAX_TOPIC_CHARS`` characters."""
    plain = " ".join(_MARKUP.sub(" ", _LINK.sub(r"\1", text)).split())
    return plain[:MAX_TOPIC_CHARS].rstrip()


def page_ref(page: Page, document_id: str) -> PageRef:
    """The page's cleaned title and its ``##``-and-deeper headings (the title heading excluded)."""
    title = clean_topic(page.title) or document_id
    headings = dict.fromkeys(h for h in (clean_topic(m) for m in _HEADING.findall(page.text))
                             if len(h) >= 3 and h != title)
    return PageRef(document_id, title, tuple(headings))


def latency_questions(refs: Sequence[PageRef], count: int, *, seed: int, first_serial: int = 1) -> list[Question]:
    """``count`` questions about random pages of ``refs`` (with replacement): a topic (the title or a
    section heading) in a Swedish or English phrasing, numbered ``first_serial``, ``first_serial + 1``...
    so no two are alike; every ``FILTERED_EVERY``-th is filtered to its page and phrased about "this
    document". Deterministic for a seed."""
    if not refs:
        raise ValueError("no pages to ask about")
    rng = random.Random(f"whole-corpus:latency:{seed}")
    out = []
    for n in range(count):
        ref = rng.choice(refs)
        topic = rng.choice((ref.title, *ref.headings))
        filtered = n % FILTERED_EVERY == FILTERED_EVERY - 1
        swedish = rng.random() < 0.5
        templates = (_SV_FILTERED if swedish else _EN_FILTERED) if filtered else (_SV if swedish else _EN)
        text = f"{first_serial + n}. {rng.choice(templates).format(t=topic)}"
        out.append(Question(text, ref.document_id, filtered))
    return out


def title_questions(refs: Sequence[PageRef], count: int, *, seed: int, first_serial: int = 100_001
                    ) -> list[Question]:
    """One question from each of ``min(count, len(refs))`` distinct random pages: the page's own title,
    as it is or in a Swedish or English phrasing, numbered from ``first_serial``; unfiltered.
    Deterministic for a seed."""
    rng = random.Random(f"whole-corpus:titles:{seed}")
    picked = rng.sample(list(refs), min(count, len(refs)))
    out = []
    for n, ref in enumerate(picked):
        templates = _SV_TITLE if rng.random() < 0.5 else _EN_TITLE
        out.append(Question(f"{first_serial + n}. {rng.choice(templates).format(t=ref.title)}", ref.document_id,
                            False))
    return out
