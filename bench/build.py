"""What a first index build costs with the default embedder, against what the engine allows.

    python -m bench.build [--sizes 1000,10000] [--regeringen PATH]

For each size a corpus of about that many chunks is generated (``bench/scale_corpus.py``: variants of
the five policies for other municipalities, mixed half and half with regeringen.se pages), then:

- a first build into an empty index folder (nothing cached): seconds, chunks/s, the texts the
  embedder read (chunks and their sentence units), tokens/s;
- the floor: the same texts embedded with ``embed_passages`` alone, on a sample when the corpus is
  large (the engine's own throughput, which a build cannot beat: it embeds these texts and more);
- a rebuild after one document changed (embeddings and parses from their caches).

Prints one table; all figures of one run. A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.chunk import Chunker
from assistant.facade import PolicyAssistant
from assistant.index.build import SearchIndex
from assistant.index.chunk_vectors import unit_text
from assistant.parse import parse_file
from assistant.settings import Settings
from bench.scale_corpus import generate_corpus, load_pages

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REGERINGEN = REPO.parent / "shared" / "corpora" / "regeringen-g0vse-2026-01.jsonl.gz"
FLOOR_SAMPLE = 600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--regeringen", type=Path, default=DEFAULT_REGERINGEN)
    args = parser.parse_args()
    pages = load_pages(args.regeringen) if args.regeringen.is_file() else []
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        probe = PolicyAssistant.from_settings(Settings(index_dir=root / "probe"))
        embedder, settings = probe.embedder, probe.settings
        chunker = Chunker(count_tokens=embedder.count_tokens, max_tokens=settings.chunk_max_tokens,
                          overlap_tokens=settings.chunk_overlap_tokens, glossary=probe.glossary)

        def count_chunks(path: Path) -> int:
            return len(chunker.chunk(parse_file(path)))

        for size in (int(s) for s in args.sizes.split(",")):
            corpus = root / f"corpus-{size}"
            generate_corpus(corpus, chunks=size, count_chunks=count_chunks, pages=pages, page_share=0.5,
                            pages_per_document=20, seed=0)
            assistant = PolicyAssistant(settings=Settings(corpus_dir=corpus, index_dir=root / f"index-{size}"),
                                        embedder=embedder, glossary=probe.glossary)
            started = time.perf_counter()
            manifest = assistant.build_index()
            seconds = time.perf_counter() - started
            index = SearchIndex.load(assistant.layout.current())  # type: ignore[arg-type]
            chunks = index.store.all_chunks()
            texts = {d: index.store.document_text(d) for d in index.store.documents}
            units = [unit_text(c, texts[c.document_id], s) for c in chunks for s in c.units]
            read = [c.embedding_text for c in chunks] + units
            tokens = sum(embedder.count_tokens(t) for t in read)
            sample = read[:: max(1, len(read) // FLOOR_SAMPLE)]
            floor_started = time.perf_counter()
            embedder.embed_passages([f"{t} ." for t in sample], batch_size=settings.embedding_batch_size)
            floor_rate = len(sample) / (time.perf_counter() - floor_started)  # new strings: no cache involved
            changed = sorted(corpus.iterdir())[0]
            changed.write_text(changed.read_text(encoding="utf-8") + "\n\nEn ny mening om uppföljning.\n",
                               encoding="utf-8")
            rebuild_started = time.perf_counter()
            assistant.build_index()
            rebuild = time.perf_counter() - rebuild_started
            index.close()
            rows.append((manifest.documents, manifest.chunks, len(read), seconds, tokens, floor_rate, rebuild))

    print(f"model {embedder.model_id}; chunk budget {settings.chunk_max_tokens} tokens\n")
    print("| documents | chunks | texts embedded (chunks + units) | first build s | chunks/s | texts/s | "
          "tokens/s | engine alone, texts/s | build / engine | rebuild after one change, s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for documents, chunks, read, seconds, tokens, floor_rate, rebuild in rows:
        print(f"| {documents} | {chunks} | {read} | {seconds:.0f} | {chunks / seconds:.1f} | {read / seconds:.1f} | "
              f"{tokens / seconds:.0f} | {floor_rate:.1f} | {read / seconds / floor_rate:.2f}× | {rebuild:.1f} |")


if __name__ == "__main__":
    main()
