"""Fit the closeness floors of ``assistant/answer/closeness.json`` on the tuning halves.

    python -m bench.fit_closeness [--margin 0.01] [--min-answerable 8] [--refused-share 0] [--write]

A question no retrieved passage comes close to is about something the documents do not cover
(``assistant.answer.support``). How close is close depends on the pair of languages: the
multilingual model reads an English question against a Swedish passage at lower cosines than
against an English one. So each tuning question is asked of the index its set is evaluated on
(as ``assistant eval`` does: the five policies alone, or with a set's drawn pages), and its
closest passage (the highest cosine among the top five content passages, those the answer
chooses from) is recorded with that passage's language.

For each pair ("en>sv": an English question, its closest passage Swedish) with at least
``--min-answerable`` answerable questions, the floor is ``--margin`` below the lowest answerable
question's closeness: no answerable tuning question falls under it. A pair with fewer is not
given a floor (its scale is not known). The table shows, per pair, the answerable questions, the
unanswerable ones (off-topic and hard negatives), the floor and how many of each it refuses.
``--write`` writes the floors (for the default model's family) into the packaged file. The test
halves are never read. A benchmark tool, not a test: it embeds every tuning question (~1 min).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from assistant.answer.language import detect_language
from assistant.answer.support import pair_key
from assistant.eval_sets import combined_corpus, default_corpus_path, read_draw
from assistant.evaluate import load_questions
from assistant.facade import PolicyAssistant
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "tests" / "eval"
PACKAGED = REPO / "assistant" / "answer" / "closeness.json"
MODEL_FAMILY = "multilingual-e5-small"
# Each tuning half with the draw rules of the index it is asked of (none: the five policies alone).
TUNING: list[tuple[Path, tuple[str, ...]]] = [
    (EVAL / "questions.jsonl", ()),
    (EVAL / "offtopic" / "tune.jsonl", ()),
    (EVAL / "unseen" / "tune.jsonl", ("unseen",)),
    (EVAL / "large" / "tune.jsonl", ("large",)),
    (EVAL / "offtopic" / "tune.jsonl", ("large",)),
    (EVAL / "english" / "tune.jsonl", ("english",)),
]
# The tuning sets written after the packaged fit (``--with-rounds``), each with its own pages.
ROUNDS: list[tuple[Path, tuple[str, ...]]] = [
    (EVAL / name / "questions.jsonl", (name,))
    for name in ("tuning", "trial", "facts", "facts2", "staff", *(f"round{n}" for n in range(1, 17)))]


@dataclass(frozen=True)
class Observation:
    pair: str
    closeness: float
    answerable: bool


def observe(assistant: PolicyAssistant, path: Path) -> list[Observation]:
    """The closest passage of every question of ``path`` that stands alone (no follow-ups, no small
    talk: their closeness is not what the floor judges)."""
    out = []
    for question in load_questions(path):
        if question.history or question.kind == "greeting":
            continue
        _, ranked, _ = assistant.answer_candidates(question.question)
        passages = {id(c.passage): c.passage for c in ranked if c.passage.dense_score is not None}
        if not passages:
            continue
        closest = max(passages.values(), key=lambda p: p.dense_score or 0.0)
        language = detect_language(closest.hit.text, default="sv")
        out.append(Observation(pair_key(question.language, language), float(closest.dense_score or 0.0),
                               question.answerable))
    return out


def assistant_for(sets: tuple[str, ...], settings: Settings) -> PolicyAssistant:
    """The index the draws ``sets`` are evaluated on, as ``assistant eval --documents`` builds it
    (under ``index/eval/<sets joined by ->``): the five policies alone for none. Both fits use it.
    Cost: an index build the first time, a check after."""
    if not sets:
        assistant = PolicyAssistant.from_settings(settings)
    else:
        shared = default_corpus_path(REPO)
        scratch = settings.index_dir / "eval" / "-".join(sets)
        corpus = combined_corpus([read_draw(EVAL / name / "documents.json", shared) for name in sets], shared,
                                 settings.corpus_dir, scratch / "corpus")
        assistant = PolicyAssistant.from_settings(settings.model_copy(update={"corpus_dir": corpus,
                                                                             "index_dir": scratch / "index"}))
    assistant.ensure_index()
    return assistant


def fit(observations: list[Observation], *, margin: float, min_answerable: int, refused_share: float
        ) -> dict[str, float]:
    """Per pair with ``min_answerable`` answerable questions: ``margin`` below the closeness of the
    lowest answerable question the floor keeps, refusing at most ``refused_share`` of them."""
    by_pair: dict[str, list[Observation]] = defaultdict(list)
    for seen in observations:
        by_pair[seen.pair].append(seen)
    floors = {}
    for pair, seen in by_pair.items():
        answerable = sorted(o.closeness for o in seen if o.answerable)
        if len(answerable) >= min_answerable:
            floors[pair] = round(answerable[int(refused_share * len(answerable))] - margin, 3)
    return floors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--margin", type=float, default=0.01)
    parser.add_argument("--min-answerable", type=int, default=8)
    parser.add_argument("--refused-share", type=float, default=0.0,
                        help="the share of a pair's answerable tuning questions its floor may refuse")
    parser.add_argument("--write", action="store_true", help="write the floors into assistant/answer/closeness.json")
    parser.add_argument("--with-rounds", action="store_true", help="fit on the later tuning sets too (ROUNDS)")
    args = parser.parse_args()
    settings = Settings()
    observations: list[Observation] = []
    assistants: dict[tuple[str, ...], PolicyAssistant] = {}
    tuning = [*TUNING, *ROUNDS] if args.with_rounds else TUNING
    for path, sets in tuning:
        if sets not in assistants:
            assistants[sets] = assistant_for(sets, settings)
        observations += observe(assistants[sets], path)
    floors = fit(observations, margin=args.margin, min_answerable=args.min_answerable,
                 refused_share=args.refused_share)
    print("| pair | answerable | unanswerable | lowest answerable | floor | answerable refused "
          "| unanswerable refused |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    summary = []
    for pair in sorted({o.pair for o in observations}):
        seen = [o for o in observations if o.pair == pair]
        answerable = [o.closeness for o in seen if o.answerable]
        other = [o.closeness for o in seen if not o.answerable]
        floor = floors.get(pair)
        refused = (sum(c < floor for c in answerable), sum(c < floor for c in other)) if floor else (0, 0)
        lowest = f"{min(answerable):.3f}" if answerable else "-"
        print(f"| {pair} | {len(answerable)} | {len(other)} | {lowest} | {floor if floor else 'none'} | "
              f"{refused[0]} | {refused[1]} |")
        summary.append(f"{pair}: {len(answerable)} answerable, {len(other)} unanswerable, "
                       + (f"floor {floor} refuses {refused[1]} of the unanswerable" if floor
                          else f"no floor (fewer than {args.min_answerable} answerable)"))
    if args.write:
        data = json.loads(PACKAGED.read_text(encoding="utf-8"))
        data["fitted_on"] = (f"{dt.date.today()}: bench/fit_closeness.py on the tuning halves "
                             f"({', '.join(sorted({str(p.relative_to(EVAL)) for p, _ in tuning}))}); "
                             f"{args.margin} below the lowest answerable question each pair's floor keeps, refusing "
                             f"at most {args.refused_share:.0%} of them; "
                             + "; ".join(summary))
        data["models"][MODEL_FAMILY] = floors
        PACKAGED.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {PACKAGED}")


if __name__ == "__main__":
    main()
