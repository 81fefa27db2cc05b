"""Batch similarity search over natural products: queries per second and latency of `SimilarityIndex.search`.

Library: the shipped NPClassifier 5k natural products, or `--csv PATH` (any CSV with a `smiles` column, e.g.
the full 78k NPClassifier set). Morgan fingerprints (radius 2, 2048 bits) are computed once (timed as
`build_s`); the queries are the first `--queries` approved drugs (DrugCentral), each a top-k Tanimoto search
with `DataStructs.BulkTanimotoSimilarity`; only `search` is timed, one query at a time.

    python -m evals.bench.similarity [--queries 200] [--k 10] [--csv PATH] [--json]
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

import typer

from evals.bench.featurize import load_smiles
from knowledge.data import DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K


def run(queries: int = 200, k: int = 10, csv_path: Path | None = None) -> dict[str, Any]:
    from knowledge.common.mol import InvalidSmilesError
    from labs.chemistry.similarity import SimilarityIndex

    library = load_smiles(None, (csv_path or NPCLASSIFIER_5K,))
    start = time.perf_counter()
    index = SimilarityIndex(library)
    build_s = time.perf_counter() - start
    latencies: list[float] = []
    best: list[float] = []
    for query in load_smiles(queries, (DRUGCENTRAL_APPROVED,)):
        start = time.perf_counter()
        try:
            hits = index.search(query, k)
        except InvalidSmilesError:
            continue
        latencies.append(time.perf_counter() - start)
        best.append(hits[0][1] if hits else 0.0)
    total = sum(latencies)
    ms = sorted(1000 * s for s in latencies)
    return {
        "benchmark": "similarity",
        "library": str(csv_path or NPCLASSIFIER_5K.name),
        "molecules": len(index),
        "invalid": len(index.errors),
        "build_s": round(build_s, 3),
        "fingerprints_per_s": round(len(library) / build_s, 1) if build_s else 0.0,
        "queries": len(latencies),
        "k": k,
        "queries_per_s": round(len(latencies) / total, 1) if total else 0.0,
        "p50_ms": round(statistics.median(ms), 3) if ms else 0.0,
        "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 3) if ms else 0.0,
        "comparisons_per_s": round(len(index) * len(latencies) / total, 1) if total else 0.0,
        "mean_top1_similarity": round(statistics.fmean(best), 4) if best else 0.0,
    }


def render(result: dict[str, Any]) -> str:
    return (
        f"similarity: {result['molecules']} molecules from {result['library']} ({result['invalid']} invalid), "
        f"fingerprints in {result['build_s']:.2f} s\n"
        f"  {result['queries']} queries, top-{result['k']}: {result['queries_per_s']:.1f} queries/s, "
        f"p50 {result['p50_ms']:.2f} ms, p95 {result['p95_ms']:.2f} ms "
        f"({result['comparisons_per_s'] / 1e6:.1f} M comparisons/s); mean top-1 {result['mean_top1_similarity']:.3f}"
    )


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command(help=__doc__.splitlines()[0])
def main(
    queries: int = typer.Option(200, "--queries", help="approved drugs used as queries"),
    k: int = typer.Option(10, "--k", help="neighbours per query"),
    csv: Path | None = typer.Option(None, "--csv", help="library CSV with a smiles column"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    result = run(queries, k, csv)
    typer.echo(json.dumps(result) if as_json else render(result))


if __name__ == "__main__":
    app()
