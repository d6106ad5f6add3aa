"""The output of ``bench/scale.py``: its Markdown tables (with the targets met or not) and PNG plots."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.scale_common import GENERATED_QUESTIONS, MB, NEAR_TIE, TARGETS
from bench.scale_sizes import Run, SizeResult

# --- tables ----------------------------------------------------------------------------------------------


def _mb(value: float) -> str:
    return f"{value / MB:,.0f}"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "—"


def print_tables(results: Sequence[SizeResult], run: Run) -> list[tuple[str, str, str, bool | None]]:
    print_corpus_and_build(results)
    if run.parsing:
        p = run.parsing
        print(f"\nParsing, per file ({p.files} files of the corpus): {p.build_ms:.0f} ms as the build parses "
              f"(`assistant.index.build.parse_corpus`), {p.direct_ms:.1f} ms with `parse_file` in-process.")
    print_search(results, run)
    print_langchain(results)
    print_recall(results, run)
    print_server(results)
    print_add(results)
    print_encode(results)
    targets = target_rows(results, run)
    print("\n### Targets\n\n| target | measured | met |\n|---|---|---|")
    for name, goal, measured, met in targets:
        print(f"| {name} ({goal}) | {measured} | {'—' if met is None else 'yes' if met else 'no'} |")
    return targets


def print_corpus_and_build(results: Sequence[SizeResult]) -> None:
    print("\n### Corpus and index build (build in a child process; peak RSS includes the loaded model)\n")
    print("| size | chunks | files (pages in them / policies) | parser refused / errors | embeddings | build s | "
          "chunks/s | peak RSS MB (model loaded) | index on disk MB | other index, from cache: s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        b, c = r.build, r.corpus
        embeddings = "perturbed copies of real" if r.perturbed else "real"
        print(f"| {r.target:,} | {b.chunks:,} | {b.documents:,} ({c['pages']:,} / {c['policies']:,}) | "
              f"{c['parse_refused']} / {len(c['parser_errors'])} | {embeddings} | {b.seconds:.1f} ({b.kind}) | "
              f"{b.chunks_per_second:,.0f} | {_mb(b.peak_rss)} ({_mb(b.rss_before)}) | {_mb(b.disk_bytes)} | "
              f"{r.other_build.seconds:.1f} ({r.other_build.kind}) |")


def print_search(results: Sequence[SizeResult], run: Run) -> None:
    print(f"\n### Search in-process, k=10, p50 / p95 ms ({len(run.eval_questions)} eval + "
          f"{GENERATED_QUESTIONS} generated questions; 'new' = first time asked, 'repeated' = query vector "
          "cached)\n")
    print("| size | floor: embed one question | exact, new | HNSW, new | exact, repeated | HNSW, repeated | "
          "LangChain | served index | served new p50 / floor p50 | Recall@5 eval exact / HNSW / LangChain |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s = r.search
        served = s["hnsw first" if r.served == "hnsw" else "exact first"]
        lc = r.langchain
        print(f"| {r.target:,} | {r.floor.cell()} | {s['exact first'].cell()} | {s['hnsw first'].cell()} | "
              f"{s['exact repeated'].cell()} | {s['hnsw repeated'].cell()} | {lc.first.cell() if lc else '—'} | "
              f"{r.served} | {_ratio(served.p50, r.floor.p50)} | {r.recall_5['exact']:.3f} / "
              f"{r.recall_5['hnsw']:.3f} / {lc.recall_at_5 if lc else float('nan'):.3f}"
              f"{' (perturbed vectors)' if r.perturbed else ''} |")


def print_langchain(results: Sequence[SizeResult]) -> None:
    print("\n### This project vs the plain LangChain pipeline (ratio = ours / LangChain; search = new questions, "
          "served index)\n")
    print("| size | embeddings | LangChain chunks | build s: ours / LangChain | ratio | search p50 ms | ratio | "
          "search p95 ms | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        lc = r.langchain
        if lc is None:
            continue
        ours = r.search["hnsw first" if r.served == "hnsw" else "exact first"]
        embeddings = "perturbed" if r.perturbed else "real"
        print(f"| {r.target:,} | {embeddings} | {lc.chunks:,} | {r.build.seconds:.1f} / {lc.seconds:.1f} | "
              f"{_ratio(r.build.seconds, lc.seconds)} | {ours.p50:.1f} / {lc.first.p50:.1f} | "
              f"{_ratio(ours.p50, lc.first.p50)} | {ours.p95:.1f} / {lc.first.p95:.1f} | "
              f"{_ratio(ours.p95, lc.first.p95)} |")


def print_recall(results: Sequence[SizeResult], run: Run) -> None:
    print(f"\n### HNSW recall@10 against exact (dense top 10 of the {run.settings.candidates} candidates the "
          f"retriever asks for; default M={run.settings.hnsw_m}, ef_search={run.settings.hnsw_ef_search})\n")
    print(f"| size | M | ef_search | recall, as served (municipality steering) | recall, unfiltered | "
          f"as served, within {NEAR_TIE} cosine | dense search p50 / p95 ms | exact dense p50 / p95 ms | "
          "hybrid top-10 overlap |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        for row in r.recall:
            exact = r.exact_dense.cell() if r.exact_dense else "—"
            overlap = f"{r.overlap_10:.3f}" if row.ef == run.settings.hnsw_ef_search and row.m == run.settings.hnsw_m \
                else ""
            print(f"| {r.target:,} | {row.m} | {row.ef} | {row.served:.4f} | {row.unfiltered:.4f} | "
                  f"{row.served_near:.4f} | {row.faiss.cell()} | {exact} | {overlap} |")


def print_server(results: Sequence[SizeResult]) -> None:
    print("\n### Server in a subprocess (`assistant serve` equivalent), loopback HTTP\n")
    print("| size | index | RSS after load MB | RSS after the run MB | /v1/ask new p50 / p95 ms | "
          "/v1/ask repeated p50 / p95 ms | /v1/search req/s, 8 clients | 32 clients |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        s = r.server
        if s is None:
            continue
        t8, t32 = s.throughput[8], s.throughput[32]
        print(f"| {r.target:,} | {s.kind} | {_mb(s.rss_loaded)} | {_mb(s.rss_after)} | {s.ask_first.cell()} | "
              f"{s.ask_repeated.cell()} | {t8[0]:.1f} ({t8[1]} ok, {t8[2]} failed) | "
              f"{t32[0]:.1f} ({t32[1]} ok, {t32[2]} failed) |")


def print_add(results: Sequence[SizeResult]) -> None:
    print("\n### Adding one document to the built index (`PolicyAssistant.library.add`, as an upload; "
          "its chunks embedded for real)\n")
    print("| size | index | chunks added | seconds | appended (not rebuilt) | index load before, s |")
    print("|---|---|---|---|---|---|")
    for r in results:
        if r.add is not None:
            a = r.add
            print(f"| {r.target:,} | {r.served} | {a.chunks} | {a.seconds:.2f} | {'yes' if a.appended else 'no'} | "
                  f"{a.load_seconds:.2f} |")


def print_encode(results: Sequence[SizeResult]) -> None:
    for r in results:
        e = r.encode
        if e is None:
            continue
        print(f"\n### Build throughput vs plain encoding ({r.target:,}-chunk corpus; encoders timed on "
              f"{e.sample:,} of its chunk texts)\n")
        print("| what | chunks/s | ratio to plain encode |\n|---|---|---|")
        print(f"| plain `SentenceTransformer.encode(texts, batch_size=32)` | {e.plain:.1f} | 1.00× |")
        print(f"| `Embedder.embed_passages` (length-sorted batches) | {e.ours:.1f} | {_ratio(e.ours, e.plain)} |")
        print(f"| whole index build (parse, chunk, embed, BM25, store) | {e.build:.1f} | "
              f"{_ratio(e.build, e.plain)} |")
        print(f"| `OnnxEmbedder` int8 `embed_passages` | {e.onnx:.1f} | {_ratio(e.onnx, e.plain)} |")
        print(f"| whole index build, `ASSISTANT_EMBEDDING_BACKEND=onnx-int8` | {e.onnx_build:.1f} | "
              f"{_ratio(e.onnx_build, e.plain)} |")


def target_rows(results: Sequence[SizeResult], run: Run) -> list[tuple[str, str, str, bool | None]]:
    by_size = {r.target: r for r in results}
    rows: list[tuple[str, str, str, bool | None]] = []
    small, large = by_size.get(1000), by_size.get(100_000)
    if small:
        served = small.search["hnsw first" if small.served == "hnsw" else "exact first"]
        ratio = served.p50 / small.floor.p50
        rows.append(("search p50 at 1k / embedding floor", "≤ 2×", f"{served.p50:.1f} / {small.floor.p50:.1f} ms = "
                     f"{ratio:.2f}×", ratio <= TARGETS["floor_ratio_1k"]))
    if large:
        served = large.search["hnsw first" if large.served == "hnsw" else "exact first"]
        rows.append(("search p95 at 100k", "≤ 30 ms", f"{served.p95:.1f} ms ({large.served}, new questions)",
                     served.p95 <= TARGETS["search_p95_100k_ms"]))
        if large.server:
            ask = large.server.ask_first.p95
            rows.append(("/v1/ask extractive p95 at 100k", "≤ 80 ms", f"{ask:.1f} ms (new questions)",
                         ask <= TARGETS["ask_p95_100k_ms"]))
            rss = large.server.rss_loaded / MB
            rows.append(("serving RSS at 100k", "≤ 1.5 GB", f"{rss:,.0f} MB after load, "
                         f"{large.server.rss_after / MB:,.0f} MB after the run", rss <= TARGETS["rss_100k_mb"]))
    if large and large.add:
        rows.append(("add one document to the 100k index", "≤ 10 s",
                     f"{large.add.seconds:.1f} s for {large.add.chunks} chunks "
                     f"({'appended' if large.add.appended else 'full rebuild'})",
                     large.add.seconds <= TARGETS["add_100k_s"]))
    encoded = next((r.encode for r in results if r.encode), None)
    if encoded:
        rows.append(("build throughput / plain encode", "≥ 2×", f"{encoded.build:.1f} / {encoded.plain:.1f} "
                     f"chunks/s = {encoded.build / encoded.plain:.2f}× (torch, the default)",
                     encoded.build / encoded.plain >= TARGETS["encode_ratio"]))
        rows.append(("build throughput / plain encode, onnx-int8", "≥ 2×", f"{encoded.onnx_build:.1f} / "
                     f"{encoded.plain:.1f} chunks/s = {encoded.onnx_build / encoded.plain:.2f}× (embedding alone "
                     f"{encoded.onnx / encoded.plain:.2f}×)",
                     encoded.onnx_build / encoded.plain >= TARGETS["encode_ratio"]))
    for r in results:
        default = next((row for row in r.recall if row.m == run.settings.hnsw_m
                        and row.ef == run.settings.hnsw_ef_search), None)
        if default is None:
            continue
        reaching = [f"M={row.m} ef={row.ef}" for row in r.recall if min(row.served, row.unfiltered) >= 0.98]
        rows.append((f"HNSW recall@10 at {r.target:,}", "≥ 0.98",
                     f"{min(default.served, default.unfiltered):.4f} at the defaults; reached by: "
                     f"{', '.join(reaching) or 'none tried'}", min(default.served, default.unfiltered) >= 0.98))
    return rows


# --- plots ------------------------------------------------------------------------------------------------


def draw_plots(results: Sequence[SizeResult], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    sizes = [r.chunks for r in results]
    paths = []
    lc = [r.langchain for r in results]
    series = {
        "scale_build_time.png": ("Index build time", "seconds", {
            "policy-assistant (served index, cold)": [r.build.seconds for r in results],
            "policy-assistant, other index (cached embeddings)": [r.other_build.seconds for r in results],
            "LangChain baseline": [x.seconds if x else np.nan for x in lc]}),
        "scale_search_p95.png": ("Search latency p95 (new questions)", "ms", {
            "exact (flat)": [r.search["exact first"].p95 for r in results],
            "HNSW": [r.search["hnsw first"].p95 for r in results],
            "LangChain baseline": [x.first.p95 if x else np.nan for x in lc],
            "floor: embed the question": [r.floor.p95 for r in results]}),
        "scale_rss.png": ("Memory", "MB", {
            "server RSS after load": [r.server.rss_loaded / MB if r.server else np.nan for r in results],
            "server RSS after the run": [r.server.rss_after / MB if r.server else np.nan for r in results],
            "build peak RSS": [r.build.peak_rss / MB for r in results]}),
    }
    guides = {"scale_search_p95.png": (30.0, "target 30 ms at 100k"), "scale_rss.png": (1536.0, "target 1.5 GB")}
    for name, (title, unit, lines) in series.items():
        figure, axes = plt.subplots(figsize=(7, 4.5))
        for label, values in lines.items():
            axes.plot(sizes, values, marker="o", label=label)
        if name in guides:
            axes.axhline(guides[name][0], color="grey", linestyle="--", linewidth=1, label=guides[name][1])
        perturbed = [r.chunks for r in results if r.perturbed]
        if perturbed:
            axes.axvspan(min(perturbed) * 0.8, max(perturbed) * 1.2, color="orange", alpha=0.1,
                         label="perturbed embeddings")
        axes.set(xscale="log", yscale="log", xlabel="chunks", ylabel=unit, title=title)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
        figure.tight_layout()
        figure.savefig(out / name, dpi=110)
        plt.close(figure)
        paths.append(out / name)
    return paths
