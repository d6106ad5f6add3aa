"""The ``assistant`` command: a thin shell over ``PolicyAssistant``."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli_sources import app as sources_app
from assistant.corpus import supported_files
from assistant.errors import AssistantError
from assistant.facade import PolicyAssistant
from assistant.models import Filters
from assistant.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Search and ask the municipal policy documents, with citations.")
app.add_typer(sources_app, name="sources")

CorpusOption = Annotated[Path | None, typer.Option("--corpus", help="Corpus folder (ASSISTANT_CORPUS_DIR).")]
IndexOption = Annotated[Path | None, typer.Option("--index", help="Index folder (ASSISTANT_INDEX_DIR).")]


def _settings(corpus: Path | None = None, index: Path | None = None, **overrides: object) -> Settings:
    settings = Settings()
    update = {key: value for key, value in
              {"corpus_dir": corpus, "index_dir": index, **overrides}.items() if value is not None}
    return settings.model_copy(update=update)


class _ProgressBar:
    """A progress bar for embedding, shown only once there is something to embed (a start over a
    current index, or a rebuild from the caches, prints nothing)."""

    def __init__(self) -> None:
        self._bar: object | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if total <= 0 or done >= total:
                return
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="text", desc="embedding", leave=False)
        self._bar.total = total  # type: ignore[attr-defined]
        self._bar.n = done  # type: ignore[attr-defined]
        self._bar.refresh()  # type: ignore[attr-defined]

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()  # type: ignore[attr-defined]


def _ready(settings: Settings) -> PolicyAssistant:
    assistant = PolicyAssistant.from_settings(settings)
    progress = _ProgressBar()
    try:
        assistant.ensure_index(progress=progress)
    finally:
        progress.close()
    return assistant


def _fail(error: Exception) -> typer.Exit:
    typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


@app.command()
def index(corpus: CorpusOption = None, index: IndexOption = None) -> None:
    """Build a new index version from the corpus and switch to it atomically."""
    assistant = PolicyAssistant.from_settings(_settings(corpus, index))
    progress = _ProgressBar()
    try:
        manifest = assistant.build_index(progress=progress)
    except AssistantError as error:
        raise _fail(error) from error
    finally:
        progress.close()
    where = "the PostgreSQL database" if assistant.settings.database_url else assistant.layout.current()
    typer.echo(f"indexed {manifest.documents} documents, {manifest.chunks} chunks "
               f"({manifest.vector_index}, {manifest.model}) in {manifest.build_seconds:.1f} s → {where}")
    for skipped in manifest.skipped:
        typer.secho(f"skipped {skipped['name']}: {skipped['reason']}", fg=typer.colors.YELLOW, err=True)


@app.command()
def search(
    query: str,
    k: Annotated[int, typer.Option("--k", help="Number of hits (1-50).")] = 5,
    municipality: Annotated[str | None, typer.Option(help="Only this municipality's documents.")] = None,
    document: Annotated[str | None, typer.Option(help="Only this document id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print hits as JSON.")] = False,
    corpus: CorpusOption = None,
    index: IndexOption = None,
) -> None:
    """Search the policies; prints the best passages with their document and section."""
    assistant = _ready(_settings(corpus, index))
    try:
        hits = assistant.search(query, k=k, filters=Filters(municipality=municipality, document_id=document))
    except AssistantError as error:
        raise _fail(error) from error
    if as_json:
        typer.echo(json.dumps([hit.model_dump() for hit in hits], ensure_ascii=False, indent=2))
        return
    for rank, hit in enumerate(hits, start=1):
        typer.secho(f"{rank}. {hit.title} ({hit.municipality}) — {hit.section}  [{hit.score:.4f}]", bold=True)
        typer.echo("   " + hit.text.replace("\n", "\n   "))


@app.command()
def ask(
    question: str,
    municipality: Annotated[str | None, typer.Option(help="Only this municipality's documents.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    corpus: CorpusOption = None,
    index: IndexOption = None,
) -> None:
    """Answer a question with numbered citations (extractive, or the LLM when configured)."""
    assistant = _ready(_settings(corpus, index))
    try:
        answer = assistant.ask(question, filters=Filters(municipality=municipality))
    except AssistantError as error:
        raise _fail(error) from error
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    typer.echo(answer.answer)
    if answer.citations:
        typer.echo("")
    for citation in answer.citations:
        typer.secho(f"[{citation.n}] {citation.title} — {citation.section}", bold=True)
        typer.echo("    " + " ".join(citation.quote.split()))
    for warning in answer.warnings:
        typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)


@app.command()
def documents(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    corpus: CorpusOption = None,
    index: IndexOption = None,
) -> None:
    """List the indexed documents with their metadata."""
    assistant = _ready(_settings(corpus, index))
    infos = assistant.documents()
    if as_json:
        typer.echo(json.dumps([info.model_dump(mode="json") for info in infos], ensure_ascii=False, indent=2))
        return
    for info in infos:
        typer.echo(f"{info.id}\t{info.municipality or '-'}\t{info.document_type or '-'}\t{info.title}")


@app.command(name="eval")
def evaluate(
    questions: Annotated[list[Path], typer.Argument(help="Question sets (JSONL), each reported on its own.")],
    documents: Annotated[list[Path] | None, typer.Option(
        "--documents", help="A draw rule (e.g. tests/eval/unseen/documents.json; repeatable): the pages it draws from "
        "the shared regeringen corpus are indexed beside the corpus, in a folder of their own under the index "
        "folder.")] = None,
    source: Annotated[Path | None, typer.Option(
        "--source", help="The shared corpus file (default: ../shared/corpora/ beside the checkout).")] = None,
    depth: Annotated[int, typer.Option(help="Hits retrieved per question.")] = 10,
    explain: Annotated[bool, typer.Option(
        "--explain", help="For each answerable question whose first quote lacks the evidence, print the "
        "candidates the answer chose from, with their features and scores.")] = False,
    corpus: CorpusOption = None,
    index: IndexOption = None,
) -> None:
    """Measure retrieval (Recall@1/3/5, MRR) and answers (evidence, evidence in the first quote,
    verbatim quotes, abstention, language, latency), overall and per language, for each question set."""
    from assistant.eval_report import format_answer_report, format_retrieval_report
    from assistant.eval_sets import combined_corpus, default_corpus_path, read_draw
    from assistant.evaluate import (
        evaluate_answers,
        evaluate_retrieval,
        load_questions,
    )
    from assistant.explain import explain_misses

    settings = _settings(corpus, index)
    try:  # a malformed set or draw rule is named before any index is built
        sets = [(path, load_questions(path)) for path in questions]
        shared = source or default_corpus_path(Path(__file__).resolve().parent.parent)
        manifests = [read_draw(path, shared) for path in documents or []]
    except (ValueError, OSError) as error:
        raise _fail(error) from None
    if documents:
        scratch = settings.index_dir / "eval" / "-".join(path.resolve().parent.name for path in documents)
        settings = settings.model_copy(update={
            "corpus_dir": combined_corpus(manifests, shared, settings.corpus_dir, scratch / "corpus"),
            "index_dir": scratch / "index"})
    assistant = _ready(settings)
    for path, cases in sets:
        report = evaluate_retrieval(cases, lambda q: assistant.search(q, k=depth), depth=depth,
                                    standalone=assistant.standalone_question)
        answers = evaluate_answers(cases, assistant.ask, source_text=assistant.document_text)
        typer.secho(f"== {path} ({len(cases)} questions, {assistant.manifest.documents} documents indexed)",
                    bold=True)
        typer.echo("Retrieval\n" + format_retrieval_report(report))
        typer.echo(f"\nAnswers ({'llm' if assistant.llm else 'extractive'})\n" + format_answer_report(answers) + "\n")
        if explain:
            typer.echo(explain_misses(assistant, answers))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (they share the mapped index).")] = None,
    corpus: CorpusOption = None,
    index: IndexOption = None,
) -> None:
    """Serve the HTTP API, building the index first if it is missing or stale."""
    import uvicorn

    from api.app import create_app
    from api.observability import configure_logging
    from api.server import settle_heap

    configure_logging()  # JSON lines, one per request with its id; replaces uvicorn's own access log
    settings = _settings(corpus, index, host=host, port=port, workers=workers)
    assistant = _ready(settings)
    if settings.workers == 1:
        settle_heap()
        uvicorn.run(create_app(assistant), host=settings.host, port=settings.port, log_config=None,
                    access_log=False)
        return
    # Each worker wires itself from the environment (uvicorn starts them from an import string).
    os.environ.update({"ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
                       "ASSISTANT_INDEX_DIR": str(settings.index_dir), "ASSISTANT_DATA_DIR": str(settings.data_dir)})
    del assistant
    uvicorn.run("api.server:worker_app", factory=True, workers=settings.workers, host=settings.host,
                port=settings.port, log_config=None, access_log=False)


@app.command()
def migrate(
    data: Annotated[Path | None, typer.Option("--data", help="The file backend's data folder (ASSISTANT_DATA_DIR): "
                                              "its uploads and removals are carried over.")] = None,
    corpus: CorpusOption = None,
    index: IndexOption = None,
) -> None:
    """Move a file-backed installation into PostgreSQL (ASSISTANT_DATABASE_URL): ingest the corpus
    folder, then every upload of the data folder, and delete what was deleted there. Run it once,
    before the replicas start; running it again changes nothing."""
    from assistant.corpus import Corpus
    from assistant.parse import document_id_for

    settings = _settings(corpus, index, **({"data_dir": data} if data else {}))
    if not settings.database_url:
        raise _fail(ValueError("set ASSISTANT_DATABASE_URL to the PostgreSQL to migrate into"))
    files = Corpus(settings.corpus_dir, uploads=settings.data_dir / "documents")
    assistant = _ready(settings)
    known = {d.id for d in assistant.documents()}
    for path in supported_files(files.uploads) if files.uploads else []:
        assistant.library.add(path.name, path.read_bytes())
        typer.echo(f"uploaded {path.name}")
    for name in sorted(files.removed()):
        if document_id_for(Path(name)) in known:
            assistant.library.remove(document_id_for(Path(name)))
            typer.echo(f"removed {name}")
    typer.echo(f"{len(assistant.documents())} documents in PostgreSQL ({assistant.manifest.version})")
    assistant.close()


def main() -> None:
    # Commands print their results; the log says only what went wrong (a skipped file, a refused
    # version). `assistant serve` replaces this with JSON lines at INFO, one per request.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
