"""Search and answer quality and latency: this project vs. the plain LangChain pipeline a user
would otherwise assemble, plus the /v1/ask latency of the extractive answerer over real HTTP.

Both run in one process, on the same questions (tests/eval/questions.jsonl), with the same
embedding model (the packaged all-MiniLM-L6-v2):

- baseline: RecursiveCharacterTextSplitter(1000, 200) + LangChain FAISS + HuggingFaceEmbeddings;
- ours: PolicyAssistant.search (section-aware chunks, hybrid dense + Swedish BM25, glossary).

Prints a table of Recall@5 per language and search latency p50/p95 (each question timed
``--repeat`` times after one warm-up pass), then ``POST /v1/ask`` latency p50/p95 measured with an
HTTP client against the app served by uvicorn on loopback, and the query-embedding floor.

    python -m bench.search_vs_langchain [--questions PATH] [--corpus DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.evaluate import EvalQuestion, evidence_found, load_questions
from assistant.facade import PolicyAssistant
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Result:
    document_id: str
    text: str


Search = Callable[[str], Sequence[Result]]


def langchain_baseline(corpus: Path) -> Search:
    """The pipeline from LangChain's tutorials, on our corpus and model."""
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.embed import resolve_model_path

    documents = [Document(page_content=path.read_text(encoding="utf-8"), metadata={"document_id": path.stem})
                 for path in sorted(corpus.glob("*.txt"))]
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = splitter.split_documents(documents)
    embeddings = HuggingFaceEmbeddings(model_name=resolve_model_path("all-MiniLM-L6-v2"),
                                       encode_kwargs={"normalize_embeddings": True})
    store = FAISS.from_documents(chunks, embeddings)

    def search(question: str) -> list[Result]:
        return [Result(d.metadata["document_id"], d.page_content) for d in store.similarity_search(question, k=5)]

    return search


def ours(assistant: PolicyAssistant) -> Search:
    def search(question: str) -> list[Result]:
        return [Result(hit.document_id, hit.text) for hit in assistant.search(question, k=5)]

    return search


def ask_latencies_ms(assistant: PolicyAssistant, questions: Sequence[EvalQuestion], *, repeat: int) -> list[float]:
    """``POST /v1/ask`` timed from an HTTP client, against uvicorn serving the app on loopback."""
    import httpx

    from api.app import create_app
    from api.server import serve_in_background

    with serve_in_background(create_app(assistant)) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        def ask(question: str) -> None:
            client.post("/v1/ask", json={"question": question}).raise_for_status()

        for question in questions:
            ask(question.question)
        timings = []
        for _ in range(repeat):
            for question in questions:
                started = time.perf_counter()
                ask(question.question)
                timings.append((time.perf_counter() - started) * 1000)
        return timings


def embedding_floor_ms(assistant: PolicyAssistant, questions: Sequence[EvalQuestion], *, repeat: int) -> list[float]:
    """The physical floor of a search: embedding the question alone."""
    timings = []
    for _ in range(repeat + 1):
        for question in questions:
            started = time.perf_counter()
            assistant.embedder.embed_queries([question.question])
            timings.append((time.perf_counter() - started) * 1000)
    return timings[len(questions):]


def recall_at_5(search: Search, questions: Sequence[EvalQuestion]) -> float:
    found = 0
    for question in questions:
        hits = search(question.question)[:5]
        found += any(h.document_id == question.document_id and evidence_found(h.text, question.evidence)
                     for h in hits)
    return found / len(questions) if questions else 0.0


def latencies_ms(search: Search, questions: Sequence[EvalQuestion], *, repeat: int) -> list[float]:
    for question in questions:  # warm-up: caches, lazy imports, first-call allocations
        search(question.question)
    timings = []
    for _ in range(repeat):
        for question in questions:
            started = time.perf_counter()
            search(question.question)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: Sequence[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=Path, default=REPO / "tests" / "eval" / "questions.jsonl")
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    everything = load_questions(args.questions)
    questions = [q for q in everything if q.answerable]
    with tempfile.TemporaryDirectory() as scratch:
        assistant = PolicyAssistant.from_settings(Settings(corpus_dir=args.corpus, index_dir=Path(scratch) / "index"))
        assistant.ensure_index()
        systems = {"langchain baseline": langchain_baseline(args.corpus), "policy-assistant": ours(assistant)}
        rows = []
        for name, search in systems.items():
            by_language = {lang: recall_at_5(search, [q for q in questions if q.language == lang])
                           for lang in ("en", "sv")}
            timings = latencies_ms(search, questions, repeat=args.repeat)
            rows.append((name, recall_at_5(search, questions), by_language["en"], by_language["sv"],
                         percentile(timings, 50), percentile(timings, 95)))
        asked = ask_latencies_ms(assistant, everything, repeat=args.repeat)
        floor = embedding_floor_ms(assistant, everything, repeat=args.repeat)

    print(f"{len(questions)} answerable questions ({args.questions.name}), k=5, repeat={args.repeat}\n")
    print("| system | Recall@5 all | Recall@5 en | Recall@5 sv | search p50 ms | search p95 ms |")
    print("|---|---|---|---|---|---|")
    for name, overall, en, sv, p50, p95 in rows:
        print(f"| {name} | {overall:.3f} | {en:.3f} | {sv:.3f} | {p50:.1f} | {p95:.1f} |")
    base, mine = rows
    print(f"\nlatency ratio (ours / baseline): p50 {mine[4] / base[4]:.2f}×, p95 {mine[5] / base[5]:.2f}×")
    print(f"\n| measurement ({len(everything)} questions × {args.repeat}) | p50 ms | p95 ms |")
    print("|---|---|---|")
    print(f"| POST /v1/ask, extractive, over HTTP on loopback | {percentile(asked, 50):.1f} | "
          f"{percentile(asked, 95):.1f} |")
    print(f"| floor: embedding the question alone | {percentile(floor, 50):.1f} | {percentile(floor, 95):.1f} |")


if __name__ == "__main__":
    main()
