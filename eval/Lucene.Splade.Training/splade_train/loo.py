"""Leave-one-collection-out: for each collection, train without it (neither its corpus nor its judgments) and evaluate
on its test split with the C# harness, so the figures say what a user gets on a collection the model never saw.

Evaluation is the harness's (``splade-eval run``: Lucene indexes, full retrieval, trec_eval measures), not the
training tool's quick reranking check, so the table is comparable with every other figure the project reports.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from typing import Callable

from .data import DataError
from .provenance import REPOSITORY

DEFAULT_HARNESS = f"dotnet run -c Release --project {os.path.join(REPOSITORY, 'eval', 'Lucene.Splade.Eval')} --"


def training_specs(datasets: str, collections: list[str], held_out: str) -> list[str]:
    """The --beir arguments of a fold: every other collection with its train and dev judgments (never test), or its
    corpus alone when it has none. The held-out collection contributes nothing."""
    specs = []
    for name in collections:
        if name == held_out:
            continue
        folder = os.path.join(datasets, name)
        if not os.path.isfile(os.path.join(folder, "corpus.jsonl")):
            raise DataError(f"'{folder}' has no corpus.jsonl")
        splits = [s for s in ("train", "dev") if os.path.isfile(os.path.join(folder, "qrels", f"{s}.tsv"))]
        specs += ["--beir", folder + (":" + ",".join(splits) if splits else "")]
    return specs


def read_report(path: str) -> dict:
    """nDCG@10 of BM25, SPLADE and the harness's hybrid (its choice without tuning) from a report.json."""
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    runs = {r["name"]: r["metrics"]["ndcg10"] for r in report["runs"]}
    best = report.get("bestHybrid")
    return {"bm25": runs.get("bm25"), "splade": runs.get("splade"), "hybrid": runs.get(best) if best else None, "hybrid_name": best}


def table(rows: list[dict]) -> str:
    """The Markdown table of the folds, with a mean row."""
    def f(x):
        return "" if x is None else f"{x:.4f}"
    lines = ["| held out | BM25 | SPLADE | SPLADE / BM25 | hybrid | hybrid - BM25 |", "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = r["splade"] / r["bm25"] if r["bm25"] else None
        gain = r["hybrid"] - r["bm25"] if r["hybrid"] is not None and r["bm25"] is not None else None
        lines.append(f"| {r['held_out']} | {f(r['bm25'])} | {f(r['splade'])} | {'' if ratio is None else f'{ratio:.2f}'} | "
                     f"{f(r['hybrid'])} ({r['hybrid_name']}) | {'' if gain is None else f'{gain:+.4f}'} |")
    if rows and all(r[k] is not None for r in rows for k in ("bm25", "splade", "hybrid")):
        mean = {k: sum(r[k] for r in rows) / len(rows) for k in ("bm25", "splade", "hybrid")}
        lines.append(f"| mean | {f(mean['bm25'])} | {f(mean['splade'])} | {sum(r['splade'] / r['bm25'] for r in rows) / len(rows):.2f} | "
                     f"{f(mean['hybrid'])} | {mean['hybrid'] - mean['bm25']:+.4f} |")
    return "\n".join(lines) + "\n"


def run(args, train: Callable[[list[str]], int]) -> int:
    """Trains and evaluates every fold; writes <out>/<held out>/ (model folder and eval/), loo.md and loo.json."""
    collections = [c for c in args.collections.split(",") if c]
    if len(collections) < 2 or len(set(collections)) != len(collections):
        raise DataError("--collections must name at least two different collections")
    extra = [a for a in args.train_args if a != "--"]
    for forbidden in ("--out", "--beir", "--corpus", "--pairs"):
        if forbidden in extra:
            raise DataError(f"{forbidden} is set by loo for each fold; leave it out of the training arguments")
    harness = shlex.split(args.harness)
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for held_out in collections:
        model = os.path.join(args.out, held_out)
        train_args = ["train", "--out", model, "--self-supervised", *training_specs(args.datasets, collections, held_out), *extra]
        print(f"== fold {held_out}: python -m splade_train {' '.join(train_args)}", file=sys.stderr)
        code = train(train_args)
        if code != 0:
            raise DataError(f"training without {held_out} failed (exit code {code})")
        report_folder = os.path.join(model, "eval")
        command = [*harness, "run", os.path.join(args.datasets, held_out), "-m", model, "--tune-split", "none",
                   "--timing-docs", "0", "--timing-queries", "0", "--no-progress", "-o", report_folder]
        if args.eval_cache:
            command += ["--cache", args.eval_cache]
        print(f"== fold {held_out}: {' '.join(command)}", file=sys.stderr)
        done = subprocess.run(command, stdout=subprocess.DEVNULL if args.quiet else None)
        if done.returncode != 0:
            raise DataError(f"the harness failed on {held_out} (exit code {done.returncode})")
        rows.append({"held_out": held_out, **read_report(os.path.join(report_folder, "report.json"))})
    markdown = ("# Leave-one-collection-out training (nDCG@10 on each held-out test split)\n\n"
                "Each row's model was trained without that collection's corpus and judgments; the hybrid is the "
                "harness's choice without a tuning split (the library's default fusion).\n\n" + table(rows))
    with open(os.path.join(args.out, "loo.md"), "w", encoding="utf-8") as f:
        f.write(markdown)
    with open(os.path.join(args.out, "loo.json"), "w", encoding="utf-8") as f:
        json.dump({"collections": collections, "training_arguments": extra, "folds": rows}, f, indent=1)
    print(markdown)
    return 0
