"""The admin console at the scale of a large municipality: every page's render time with 5,000
documents and 10,000 logged questions, over HTTP against ``assistant serve``.

    python -m bench.console_pages [--documents 5000] [--questions 10000] [--chars 1500] [--requests 10] [--seed 0]

Documents: ``--documents`` pages drawn at random from the shared regeringen.se corpus (real text,
each cut to ``--chars`` characters so the build stays short), written as Markdown into a scratch
corpus beside the five policies, then indexed by ``assistant index``. More documents than the
corpus has pages (``--documents 50000 --chars 400``) take a page's next ``--chars`` characters as
a document of their own ("… (del 2)"). Questions: the
titles of other random pages turned into questions ("Vad gäller för …?", "What does … say?"),
logged as abstentions with the question log's own code, spread over the last 60 days, with their
analysed terms as the service logs them. Then the
server is started with an admin key, a session is signed into, and each page is requested
``--requests`` times (a new query string each time where the page takes one, so no cache answers
it): p50 / p95 / max in ms, and the page's size. A benchmark, never a test; the target is
< 300 ms a page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from assistant.eval_sets import default_corpus_path, document_id_for_page
from assistant.index.lexical import SwedishAnalyzer
from assistant.questions import ClosestPassage, LoggedQuestion, SqliteQuestionLog
from bench.server_process import free_port, stop, wait_until_ready

REPO = Path(__file__).resolve().parent.parent
ADMIN_KEY = "bench-console-admin-key"


def draw_pages(corpus: Path, *, seed: int) -> list[dict[str, str]]:
    """Every page of the corpus, in a random order."""
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        pages = [json.loads(line) for line in handle]
    random.Random(seed).shuffle(pages)
    return pages


def write_corpus(folder: Path, pages: list[dict[str, str]], *, documents: int, chars: int) -> None:
    """The five policies and ``documents`` Markdown files: page ``i % len(pages)``'s part
    ``i // len(pages)`` of ``chars`` characters (its opening when the page is shorter)."""
    folder.mkdir(parents=True)
    for path in (REPO / "corpus").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    for number in range(documents):
        page, part = pages[number % len(pages)], number // len(pages)
        text = page["text"][part * chars:(part + 1) * chars].strip() or page["text"][:chars]
        name = document_id_for_page(page["id"]) + (f"-del{part + 1}" if part else "")
        title = page["title"] + (f" (del {part + 1})" if part else "")
        (folder / f"{name}.md").write_text(f"# {title}\n\n{text}\n", encoding="utf-8")


def log_questions(data: Path, pages: list[dict[str, str]], *, seed: int) -> None:
    rng = random.Random(seed)
    log = SqliteQuestionLog(data / "questions.sqlite")
    analyzer = SwedishAnalyzer()  # the service logs the serving index's analysis; this one lacks its lexicon
    now = dt.datetime.now(dt.UTC)
    for number, page in enumerate(pages):
        title = page["title"].strip().rstrip(".")
        question = rng.choice([f"Vad gäller för {title.lower()}?", f"What does {title} say?",
                               f"Vem ansvarar för {title.lower()}?"])
        asked = now - dt.timedelta(seconds=rng.uniform(0, 60 * 86400))
        log.add(LoggedQuestion(asked_at=asked.isoformat(timespec="seconds"), question=question[:500],
                               language="sv" if question.startswith("V") else "en", outcome="abstained",
                               terms=analyzer.terms(question[:500]),
                               closest=[ClosestPassage(document_id=str(page["id"]), title=title[:200],
                                                       section="Inledning", score=0.41 + number % 7 / 100)]))
    log.close()


def timed(client: httpx.Client, path: str, requests: int) -> tuple[list[float], int]:
    times, size = [], 0
    for number in range(requests):
        separator = "&" if "?" in path else "?"
        started = time.perf_counter()
        response = client.get(f"{path}{separator}_n={number}")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        size = len(response.content)
    return times, size


def questions_after_new_ones(client: httpx.Client, requests: int) -> list[float]:
    """The Questions page timed right after each of ``requests`` new off-topic questions was asked
    (and abstained, so logged) through ``/v1/ask`` with the console's session: ms each."""
    times = []
    for number in range(requests):
        asked = client.post("/v1/ask", json={"question": f"Hur bokar jag lokal nummer {number} för ett personalmöte?"},
                            headers={"X-CSRF-Token": client.cookies.get("pa_csrf", "")})
        asked.raise_for_status()
        started = time.perf_counter()
        client.get("/admin/questions").raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--questions", type=int, default=10000)
    parser.add_argument("--chars", type=int, default=1500, help="characters of text a document keeps")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    pages = draw_pages(default_corpus_path(REPO), seed=args.seed)
    # Documents and questions from different pages; past the corpus's size, the documents cycle
    # through every page the questions do not use, taking their later parts.
    questions, documents = pages[-args.questions:], pages[:min(args.documents, len(pages) - args.questions)]
    with tempfile.TemporaryDirectory(prefix="bench-console-") as scratch:
        root = Path(scratch)
        write_corpus(root / "corpus", documents, documents=args.documents, chars=args.chars)
        log_questions(root / "data", questions, seed=args.seed)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
        env.update(ASSISTANT_CORPUS_DIR=str(root / "corpus"), ASSISTANT_INDEX_DIR=str(root / "index"),
                   ASSISTANT_DATA_DIR=str(root / "data"), ASSISTANT_ADMIN_KEYS=ADMIN_KEY,
                   ASSISTANT_RATE_LIMIT_PER_MINUTE="0", HF_HUB_OFFLINE="1")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant.cli", "index"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"indexed {args.documents + 5} documents in {time.perf_counter() - started:.0f} s; "
              f"{args.questions} questions logged")
        port = free_port()
        log = root / "server.log"
        with log.open("wb") as out:
            server = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], env=env,
                                      stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(url, server, log=log, timeout=600)
            with httpx.Client(base_url=url, timeout=60) as client:
                signed = client.post("/admin/sign-in", data={"key": ADMIN_KEY, "next": "/admin/documents"})
                assert signed.status_code == 303, signed.text
                client.get("/admin/documents")  # the first page loads the index into the server
                began = time.perf_counter()
                client.get("/admin/questions").raise_for_status()  # groups every logged question, once
                first_view = (time.perf_counter() - began) * 1000
                after_new = questions_after_new_ones(client, args.requests)
                rows = ["| page | p50 ms | p95 ms | max ms | size |", "|---|---:|---:|---:|---:|"]
                for path in ("/admin/documents", "/admin/documents?page=50", "/admin/documents?q=regeringen",
                             "/admin/documents?status=unknown&page=20", "/admin/questions", "/admin/questions.csv",
                             "/admin/sources", "/admin/feedback", "/admin/keys", "/admin/audit", "/admin/status"):
                    times, size = timed(client, path, args.requests)
                    ordered = sorted(times)
                    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
                    rows.append(f"| `{path}` | {statistics.median(times):.0f} | {p95:.0f} | {max(times):.0f} | "
                                f"{size / 1024:.0f} kB |")
            ordered = sorted(after_new)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            rows.append(f"| `/admin/questions` right after a new abstained question | "
                        f"{statistics.median(after_new):.0f} | {p95:.0f} | {max(after_new):.0f} | |")
            rows.append(f"| `/admin/questions`, the first view after the server started | {first_view:.0f} | | | |")
            print("\n".join(rows))
            print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores")
        finally:
            stop(server)


if __name__ == "__main__":
    main()
