"""Search and extractive-answer latency against the query-embedding floor, every timed query new.

The floor of a search is embedding the question: nothing answers faster than the model reads it.
The targets are search p50 ≤ 1.5× and extractive ask p50 ≤ 3× that floor. Every timed question is a
string the assistant has not seen before (its query-vector cache cannot answer it; checked before
each timing): the questions of every set in ``tests/eval/`` are split in two pools, one timed
through ``search``, the other through ``ask``, and the floor is timed on all of them with the
embedder directly (it has no cache). In process, then ``POST /v1/ask`` over HTTP on loopback with
new strings again (each question with "Please:" put before it). Last, the glossary's matching of
1,000 characters each way (Swedish text to English glosses, an English question to Swedish forms),
a step of every ask, per call.

    python -m bench.latency [--corpus DIR] [--documents tests/eval/unseen/documents.json]

With ``--documents``, the drawn regeringen pages are indexed beside the corpus (as ``assistant eval
--documents`` does). Prints one table; all figures of one run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.evaluate import load_questions, percentile
from assistant.facade import PolicyAssistant
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SETS = [REPO / "tests" / "eval" / "questions.jsonl", REPO / "tests" / "eval" / "unseen" / "tune.jsonl",
        REPO / "tests" / "eval" / "unseen" / "test.jsonl"]


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def fresh(assistant: PolicyAssistant, question: str) -> str:
    """``question``, after checking the query-vector cache has never seen it."""
    retriever = assistant._require().retriever
    if retriever._query_vectors.get(question) is not None:
        raise AssertionError(f"{question!r} would be answered from the query cache")
    return question


def glossary_ms(assistant: PolicyAssistant, corpus: Path, *, rounds: int = 50) -> list[float]:
    """Milliseconds per call of the glossary's matching of 1,000 characters, alternating Swedish
    policy text (to English glosses) and an English question (to Swedish forms)."""
    swedish = next(path for path in sorted(corpus.iterdir()) if path.suffix == ".txt").read_text(encoding="utf-8")
    english = ("Who is responsible for following up the housing goals for newly arrived refugees, and "
               "when does the action plan apply? ") * 9
    swedish, english, glossary = swedish[:1000], english[:1000], assistant.glossary
    glossary.english_for_swedish(swedish)  # the compiled patterns are built on first use
    return [timed(lambda: glossary.english_for_swedish(swedish)) if turn % 2 == 0 else
            timed(lambda: glossary.swedish_for_english(english)) for turn in range(2 * rounds)]


def http_ask_ms(assistant: PolicyAssistant, questions: Sequence[str]) -> list[float]:
    import httpx

    from api.app import create_app
    from api.server import serve_in_background

    with serve_in_background(create_app(assistant)) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        client.get("/healthz").raise_for_status()
        return [timed(lambda q=q: client.post("/v1/ask", json={"question": fresh(assistant, q)}).raise_for_status())
                for q in questions]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--documents", type=Path, default=None)
    args = parser.parse_args()
    questions = list(dict.fromkeys(q.question for path in SETS for q in load_questions(path)))
    search_pool, ask_pool = questions[0::2], questions[1::2]

    with tempfile.TemporaryDirectory() as scratch:
        corpus = args.corpus
        if args.documents is not None:
            from assistant.eval_sets import combined_corpus, default_corpus_path, read_draw

            corpus = combined_corpus(read_draw(args.documents, default_corpus_path(REPO)), default_corpus_path(REPO),
                                     args.corpus,
                                     Path(scratch) / "corpus")
        assistant = PolicyAssistant.from_settings(Settings(corpus_dir=corpus, index_dir=Path(scratch) / "index",
                                                           rate_limit_per_minute=0))
        manifest = assistant.ensure_index()
        embedder = assistant.embedder
        assistant.search("warm-up: load the index pages", k=5)
        assistant.ask("warm-up: och analysera frågan")
        floor = [timed(lambda q=q: embedder.embed_queries([q])) for q in questions]
        search = [timed(lambda q=q: assistant.search(fresh(assistant, q), k=5)) for q in search_pool]
        ask = [timed(lambda q=q: assistant.ask(fresh(assistant, q))) for q in ask_pool]
        over_http = http_ask_ms(assistant, [f"Please: {q}" for q in questions])
        glossary = glossary_ms(assistant, args.corpus)

    floor_p50 = percentile(floor, 50)
    print(f"{manifest.documents} documents, {manifest.chunks} chunks, model {manifest.model}; "
          f"{len(questions)} distinct questions, each timed once per row\n")
    print("| measurement | n | p50 ms | p95 ms | p50 / floor | target |")
    print("|---|---|---|---|---|---|")
    rows = [("floor: embedding the question alone", floor, ""),
            ("search (hybrid retrieval + unit scores), in process", search, "≤ 1.5×"),
            ("ask, extractive, in process", ask, "≤ 3×"),
            ("POST /v1/ask, extractive, over HTTP on loopback", over_http, ""),
            ("glossary matching of 1,000 characters, per call (a step of ask)", glossary, "")]
    for name, values, target in rows:
        print(f"| {name} | {len(values)} | {percentile(values, 50):.1f} | {percentile(values, 95):.1f} | "
              f"{percentile(values, 50) / floor_p50:.2f}× | {target} |")


if __name__ == "__main__":
    main()
