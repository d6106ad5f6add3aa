"""Syncing a municipal website of ~200 documents: crawl rate, first sync, unchanged sync, a
sync after a few revisions, on the default engine.

    python -m bench.sources_sync [--pages 180] [--pdfs 20] [--rps 2,50] [--revise 5]

The site is the loopback municipal site of the tests (``tests/sources/site.py``): the real
index page, policy pages and files, plus ``--pages`` generated policy pages and ``--pdfs`` PDFs,
each text distinct, served by a real HTTP server with ETag / Last-Modified. For each request rate
in ``--rps`` (the first is the default setting, ``ASSISTANT_SYNC_REQUESTS_PER_SECOND`` = 2), in a
fresh index over the shipped corpus:

1. **crawl only**: ``WebsiteConnector.scan`` with nothing known (every page and file read in
   full): items, requests, seconds, items/s; then again with what it found (all 304s).
2. **first sync** (``assistant sources sync``'s code path: crawl, parse, embed, one index change),
3. **unchanged sync**: requests, how many were conditional and answered 304, whether the index
   changed (its version) and texts embedded (0 expected),
4. **after revisions**: ``--revise`` pages changed and one PDF removed.

Prints one markdown table per run. A benchmark, never a test; the machine's load is printed with it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.embed import Embedder, embedder_for
from assistant.facade import PolicyAssistant
from assistant.glossary import Glossary
from assistant.settings import Settings
from assistant.sources.models import KnownItem, SyncReport
from assistant.sources.website import WebsiteConnector, website_client
from tests.sources.site import INDEX, MunicipalSite, municipal_site

REPO = Path(__file__).resolve().parent.parent


class CountingEmbedder(Embedder):
    """The default engine, counting the chunk passes it makes (late units come from the same pass)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.texts = inner, 0
        self.model_id, self.dimension, self.max_tokens = inner.model_id, inner.dimension, inner.max_tokens
        self.query_prefix, self.passage_prefix = inner.query_prefix, inner.passage_prefix
        self.late_chunking = inner.late_chunking

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed_batch(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                    **options: object) -> tuple[np.ndarray, list[np.ndarray]]:
        self.texts += len(texts)
        return self.inner.embed_spans(texts, spans, **options)  # type: ignore[arg-type]


def crawl(site: MunicipalSite, *, rps: float, known: dict[str, KnownItem]) -> tuple[dict[str, KnownItem], list[str]]:
    with website_client(user_agent="policy-assistant-bench", timeout_seconds=30) as client:
        connector = WebsiteConnector(start_url=site.url(INDEX), client=client, requests_per_second=rps,
                                     max_bytes=50 * 1024 * 1024)
        started = time.perf_counter()
        scan = connector.scan(known)
        seconds = time.perf_counter() - started
    items = len(scan.fetched) + len(scan.unchanged)
    found = {i.key: KnownItem(i.key, "x" if i.indexed else "", i.digest, i.etag, i.last_modified, i.url,
                              links=i.links) for i in scan.fetched}
    label = "crawl, nothing known" if not known else "crawl, all known"
    return found, [f"| {label} | {items} items, {scan.requests} requests ({scan.not_modified} × 304) | "
                   f"{seconds:.2f} s | {items / seconds:.1f} items/s |"]


def sync_row(label: str, report: SyncReport, *, embedded: int, version_changed: bool) -> str:
    items = len(report.added) + len(report.changed) + report.unchanged
    return (f"| {label} | +{len(report.added)} ~{len(report.changed)} -{len(report.removed)} ={report.unchanged} "
            f"!{len(report.failed)}; {report.requests} requests ({report.not_modified} × 304); "
            f"{embedded} texts embedded; index {'changed' if version_changed else 'unchanged'} | "
            f"{report.seconds:.2f} s | {items / report.seconds:.1f} items/s |")


def run(embedder: CountingEmbedder, *, pages: int, pdfs: int, rps: float, revise: int) -> list[str]:
    rows = [f"\n### {rps:g} requests/s\n", "| step | what | time | rate |", "|---|---|---:|---:|"]
    with municipal_site() as site, tempfile.TemporaryDirectory(prefix="bench-sources-") as scratch:
        generated = site.add_policy_pages(pages, pdfs=pdfs)
        found, row = crawl(site, rps=rps, known={})
        rows += row
        rows += crawl(site, rps=rps, known=found)[1]
        root = Path(scratch)
        shutil.copytree(REPO / "corpus", root / "corpus")
        settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", data_dir=root / "data",
                            sync_requests_per_second=rps)
        assistant = PolicyAssistant(settings=settings, embedder=embedder, glossary=Glossary.load_default())
        assistant.ensure_index()
        assistant.sources.add("webb", site.url(INDEX))
        for label in ("first sync", "unchanged sync"):
            before, version = embedder.texts, assistant.manifest.version
            [report] = assistant.sources.sync("webb")
            rows.append(sync_row(label, report, embedded=embedder.texts - before,
                                 version_changed=assistant.manifest.version != version))
        rng = random.Random(3)
        for path in rng.sample([p for p in generated if p.endswith(".html")], revise):
            body, content_type = site.files[path]
            site.put(path, body.replace(b"</main>", b"<p>Reviderad: beslut om ny uppf\xc3\xb6ljning.</p></main>"),
                     content_type, modified=time.time())
        site.remove(next(p for p in generated if p.endswith(".pdf")))
        before, version = embedder.texts, assistant.manifest.version
        [report] = assistant.sources.sync("webb")
        rows.append(sync_row(f"after {revise} revisions, 1 removal", report, embedded=embedder.texts - before,
                             version_changed=assistant.manifest.version != version))
        rows.append(f"\n{len(assistant.documents())} documents indexed ({assistant.manifest.chunks} chunks; 5 of them "
                    f"shipped), {len(generated) + 6} documents on the site before the removal.")
        assistant.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=180)
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--rps", default="2,50", help="request rates to run, comma-separated")
    parser.add_argument("--revise", type=int, default=5)
    args = parser.parse_args()
    embedder = CountingEmbedder(embedder_for(Settings()))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores")
    for rps in (float(x) for x in args.rps.split(",")):
        print("\n".join(run(embedder, pages=args.pages, pdfs=args.pdfs, rps=rps, revise=args.revise)))
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
