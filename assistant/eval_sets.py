"""Evaluation sets over documents nobody on the team wrote: pages drawn from the shared regeringen.se
corpus, extracted at run time (the corpus is never copied into the repository).

A set is described by its draw rule (``tests/eval/unseen/documents.json``): the corpus file's name,
the seed, how many pages of which kind and length, which other sets' pages are left out, and how
the pages split into halves. Nothing of the corpus is committed, not even page ids or titles: the
pages are drawn again from ``../shared`` at run time (``read_draw``), the same ones every time.
The questions live beside the rule in JSONL (``tune.jsonl``, ``test.jsonl``; the format of
``assistant.evaluate.EvalQuestion``), naming the pages by the ``document_id`` they get.

``extract_documents`` writes each drawn page as ``<document_id>.md`` into a folder, so that the
documents are indexed beside the policies exactly as a user's own Markdown files would be.
"""

from __future__ import annotations

import functools
import gzip
import json
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from assistant.answer.language import detect_language
from assistant.models import Language
from assistant.parse.structure import slugify

CORPUS_NAME = "regeringen-g0vse-2026-01.jsonl.gz"
Half = Literal["tune", "test"]


class DrawnDocument(BaseModel):
    """One page of the shared corpus in an evaluation set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    kind: str
    title: str
    document_id: str
    half: Half


class DrawManifest(BaseModel):
    """Which pages an evaluation set uses and how they were drawn (made at run time, never stored)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    corpus: str
    seed: int
    rule: str
    documents: list[DrawnDocument]


class DrawRule(BaseModel):
    """The committed description of a set: what ``draw_documents`` is called with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    corpus: str
    seed: int
    steering: int
    other: int
    min_chars: int = 2500
    max_chars: int = 25000
    halves: Literal["alternate", "test", "tune"] = "alternate"
    language: Language | None = None  # only pages written in this language (``detect_language``)
    excluding: list[str] = []  # rule files (relative to this one) whose pages are not drawn again


def read_draw(path: Path, corpus: Path) -> DrawManifest:
    """The pages the rule at ``path`` draws from ``corpus``: the same ones on every run. Cost: the
    corpus read once per process (``corpus_pages``), then a filter over it per rule."""
    return _drawn(path.resolve(), corpus.resolve())


@functools.cache
def _drawn(path: Path, corpus: Path) -> DrawManifest:
    rule = DrawRule.model_validate_json(path.read_text(encoding="utf-8"))
    exclude = frozenset(d.id for other in rule.excluding for d in _drawn((path.parent / other).resolve(),
                                                                         corpus).documents)
    return draw_documents(corpus, seed=rule.seed, steering=rule.steering, other=rule.other,
                          min_chars=rule.min_chars, max_chars=rule.max_chars, exclude=exclude, halves=rule.halves,
                          language=rule.language)


def default_corpus_path(repo: Path) -> Path:
    """Where the shared corpus sits on these machines: ``../shared/corpora`` beside the checkout."""
    return repo.parent / "shared" / "corpora" / CORPUS_NAME


def iter_pages(corpus: Path) -> Iterator[dict[str, str]]:
    """Every page of the corpus (``id``, ``kind``, ``title``, ``text``). Cost: one gunzip pass (~1 s)."""
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


class CorpusPage(NamedTuple):
    kind: str
    title: str
    text: str


def corpus_pages(corpus: Path) -> dict[str, CorpusPage]:
    """Every page of the corpus by id, in the corpus's order, read once per process and kept while
    the file is unchanged: every set drawn or extracted in a run (the tests draw some twenty) reads
    it from memory. Cost: one gunzip pass (~1 s) and ~80 MB for the regeringen.se corpus."""
    stat = corpus.stat()
    return _read_pages(corpus.resolve(), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _read_pages(corpus: Path, size: int, modified_ns: int) -> dict[str, CorpusPage]:
    return {page["id"]: CorpusPage(page["kind"], page["title"], page["text"]) for page in iter_pages(corpus)}


def document_id_for_page(page_id: str) -> str:
    """A readable, unique-enough document id: the page's kind, year and slug, at most 80 characters."""
    parts = page_id.strip("/").split("/")
    return slugify(f"{parts[0]}-{parts[1] if len(parts) > 2 else ''}-{parts[-1]}")[:80].strip("-")


def draw_documents(corpus: Path, *, seed: int, steering: int, other: int, min_chars: int = 2500,
                   max_chars: int = 25000, exclude: frozenset[str] = frozenset(),
                   halves: Literal["alternate", "test", "tune"] = "alternate", language: Language | None = None
                   ) -> DrawManifest:
    """Draw ``steering`` government assignments (kind ``regeringsuppdrag``) and ``other`` pages of every
    other kind, uniformly at random among pages of ``min_chars``..``max_chars`` characters not in
    ``exclude`` (and written in ``language``, when given), into alternating tune and test halves (or
    all into one half). Deterministic for a seed and corpus."""
    assignments, rest = [], []
    for page_id, page in corpus_pages(corpus).items():
        if min_chars <= len(page.text) <= max_chars and page_id not in exclude and (
                language is None or detect_language(page.text, default="sv") == language):
            (assignments if page.kind == "regeringsuppdrag" else rest).append((page_id, page.kind, page.title))
    rng = random.Random(seed)
    picked = (_distinct_ids(rng, assignments, rng.sample(assignments, steering))
              + _distinct_ids(rng, rest, rng.sample(rest, other)))
    documents = [DrawnDocument(id=page_id, kind=kind, title=title, document_id=document_id_for_page(page_id),
                               half=_half(halves, i))
                 for i, (page_id, kind, title) in enumerate(picked)]
    rule = (f"{steering} pages of kind regeringsuppdrag and {other} of any other kind, uniformly at random "
            f"(random.Random({seed}).sample) among pages of {min_chars}-{max_chars} characters"
            + (f" not among {len(exclude)} pages of other sets" if exclude else "")
            + (f", written in {language}" if language else "")
            + "; a page whose document id an earlier one has is replaced by another drawn page"
            + {"alternate": "; alternately into the tune and the test half", "test": "; all held out",
               "tune": "; all for tuning"}[halves])
    return DrawManifest(corpus=corpus.name, seed=seed, rule=rule, documents=documents)


def _half(halves: Literal["alternate", "test", "tune"], position: int) -> Half:
    if halves == "alternate":
        return "tune" if position % 2 == 0 else "test"
    return halves


def _distinct_ids(rng: random.Random, pool: Sequence[tuple[str, str, str]],
                  picked: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """``picked`` with each page whose document id (a truncated slug) an earlier page already has
    replaced by another page of ``pool`` drawn with the same generator, until the ids are distinct
    (a draw without such a clash is returned as it is)."""
    out: list[tuple[str, str, str]] = []
    seen_ids: set[str] = set()
    taken = {page for page, _, _ in picked}
    for page in picked:
        while document_id_for_page(page[0]) in seen_ids:
            page = rng.choice([p for p in pool if p[0] not in taken])
            taken.add(page[0])
        seen_ids.add(document_id_for_page(page[0]))
        out.append(page)
    return out


def extract_documents(manifest: DrawManifest, corpus: Path, target: Path, *,
                      halves: Sequence[Half] = ("tune", "test")) -> list[Path]:
    """Write the manifest's pages of ``halves`` as ``<document_id>.md`` into ``target``; returns the
    files written, in the corpus's order. ``LookupError`` naming the ids the corpus lacks. Cost: a
    write per page (the corpus is read once per process, ``corpus_pages``)."""
    wanted = {d.id: d for d in manifest.documents if d.half in halves}
    pages = corpus_pages(corpus)
    if missing := sorted(set(wanted) - set(pages)):
        raise LookupError(f"{corpus} lacks the pages {missing}")
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for page_id in (page_id for page_id in pages if page_id in wanted):
        path = target / f"{wanted[page_id].document_id}.md"
        path.write_text(pages[page_id].text, encoding="utf-8")
        written.append(path)
    return written


def combined_corpus(manifests: DrawManifest | Sequence[DrawManifest], source: Path, corpus: Path,
                    target: Path) -> Path:
    """A corpus folder at ``target``: the files of ``corpus`` and the manifests' pages as Markdown, as a
    user would have them side by side. Files already in place with the same content are left alone,
    so the index built from it (and its embedding cache) stays valid between runs. Cost: one pass
    over the shared corpus (~1 s, once per process) when a page is missing, else a read of each file."""
    manifests = [manifests] if isinstance(manifests, DrawManifest) else list(manifests)
    target.mkdir(parents=True, exist_ok=True)
    wanted = {path.name: path.read_bytes() for path in sorted(corpus.iterdir()) if path.is_file()}
    for path, data in wanted.items():
        _write_if_changed(target / path, data)
    pages = [f"{d.document_id}.md" for manifest in manifests for d in manifest.documents]
    for manifest in manifests:
        if not all((target / f"{d.document_id}.md").is_file() for d in manifest.documents):
            extract_documents(manifest, source, target)
    keep = set(wanted) | set(pages)
    for stray in target.iterdir():
        if stray.is_file() and stray.name not in keep:
            stray.unlink()
    return target


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
