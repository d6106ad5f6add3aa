"""How the abstention threshold (``ASSISTANT_MIN_SUPPORT``) trades correct abstention against false
abstention, on each half of the question set (odd / even ids), so the chosen default can be seen
not to depend on one half only.

    python -m bench.abstention_calibration [--questions PATH]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.evaluate import evaluate_answers, load_questions
from assistant.facade import PolicyAssistant
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=Path, default=REPO / "tests" / "eval" / "questions.jsonl")
    args = parser.parse_args()
    questions = load_questions(args.questions)
    halves = {"odd": [q for q in questions if int(q.id[1:]) % 2],
              "even": [q for q in questions if not int(q.id[1:]) % 2]}
    with tempfile.TemporaryDirectory() as scratch:
        base = PolicyAssistant.from_settings(Settings(index_dir=Path(scratch) / "index"))
        base.ensure_index()
        print("| min_support | half | correct abstention | false abstention | evidence in answer |")
        print("|---|---|---|---|---|")
        for threshold in THRESHOLDS:
            assistant = PolicyAssistant(
                settings=base.settings, embedder=base.embedder, glossary=base.glossary,
                extractive=ExtractiveAnswerer(glossary=base.glossary, min_support=threshold))
            for name, half in halves.items():
                report = evaluate_answers(half, assistant.ask, source_text=assistant.document_text)
                print(f"| {threshold:.2f} | {name} | {report.correct_abstention():.3f} | "
                      f"{report.false_abstention():.3f} | {report.evidence_in_answer():.3f} |")


if __name__ == "__main__":
    main()
