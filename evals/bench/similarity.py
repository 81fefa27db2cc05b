"""Top-k Tanimoto search over natural products: `SimilarityIndex.search` against a plain RDKit loop.

Library: the shipped NPClassifier 5k natural products, or `--csv PATH` (any CSV with a `smiles` column, e.g.
the full 78k NPClassifier set). Queries: the first `--queries` approved drugs (DrugCentral). Both sides use Morgan
fingerprints (radius 2, 2048 bits) computed once over the same library (timed as `build_s` and `baseline_build_s`):

- ours: `SimilarityIndex(library)`, then `index.search(query, k)` per query (parse, fingerprint,
  `DataStructs.BulkTanimotoSimilarity`, top k by `argpartition`);
- baseline: the plain loop of RDKit's documentation — `Chem.MolFromSmiles`, the same Morgan generator,
  `BulkTanimotoSimilarity` over the same fingerprints, and Python's `sorted` over all scores for the top k.

The two sides are timed query by query, interleaved in one process (even queries ours first, odd ones the
baseline first), so that load from anything else on the machine falls on both. `ratio` = ours / baseline queries
per second; `agreement` is the fraction of queries whose top-k similarities are identical (where several molecules
tie at the k-th score, either side may name a different one of them).

    python -m evals.bench.similarity [--queries 200] [--k 10] [--csv PATH] [--json]
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from evals.bench import print_result, script_app
from evals.bench.featurize import load_smiles
from knowledge.data import DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K

Hits = list[tuple[int, float]]


class PlainSearch:
    """The baseline: plain RDKit calls in a loop, as a script without ECH0 would write them."""

    def __init__(self, smiles: list[str], radius: int = 2, n_bits: int = 2048) -> None:
        from rdkit import Chem
        from rdkit.Chem import rdFingerprintGenerator

        self._parse = Chem.MolFromSmiles
        self._generator = rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=n_bits)
        self.rows: list[int] = []
        self.fingerprints = []
        for row, text in enumerate(smiles):
            mol = self._parse(text.strip()) if text.strip() else None
            if mol is not None and mol.GetNumAtoms():
                self.rows.append(row)
                self.fingerprints.append(self._generator.GetFingerprint(mol))

    def search(self, query: str, k: int) -> Hits | None:
        """Top k as (input row, similarity), most similar first (ties in library order); None if it does not parse."""
        from rdkit import DataStructs

        mol = self._parse(query)
        if mol is None:
            return None
        scores = DataStructs.BulkTanimotoSimilarity(self._generator.GetFingerprint(mol), self.fingerprints)
        top = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
        return [(self.rows[i], scores[i]) for i in top]


def _timed(search: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    hits = search()
    return time.perf_counter() - start, hits


def _figures(latencies: list[float]) -> dict[str, float]:
    total, ms = sum(latencies), sorted(1000 * s for s in latencies)
    return {
        "queries_per_s": round(len(latencies) / total, 1) if total else 0.0,
        "p50_ms": round(statistics.median(ms), 3) if ms else 0.0,
        "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 3) if ms else 0.0,
    }


def run(queries: int = 200, k: int = 10, csv_path: Path | None = None) -> dict[str, Any]:
    """Both sides on the same library and queries, interleaved; the figures as one dict."""
    from knowledge.common.mol import InvalidSmilesError
    from labs.chemistry.similarity import SimilarityIndex

    library = load_smiles(None, (csv_path or NPCLASSIFIER_5K,))
    start = time.perf_counter()
    index = SimilarityIndex(library)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    plain = PlainSearch(library)
    baseline_build_s = time.perf_counter() - start

    def ours_search(query: str) -> Hits | None:
        try:
            return index.search(query, k)
        except InvalidSmilesError:
            return None

    ours_s: list[float] = []
    base_s: list[float] = []
    best: list[float] = []
    agree = 0
    for n, query in enumerate(load_smiles(queries, (DRUGCENTRAL_APPROVED,))):
        if n % 2 == 0:
            ours_t, ours = _timed(lambda q=query: ours_search(q))
            base_t, base = _timed(lambda q=query: plain.search(q, k))
        else:
            base_t, base = _timed(lambda q=query: plain.search(q, k))
            ours_t, ours = _timed(lambda q=query: ours_search(q))
        if ours is None:  # a query RDKit cannot parse is no query for either side
            continue
        ours_s.append(ours_t)
        base_s.append(base_t)
        best.append(ours[0][1] if ours else 0.0)
        agree += [score for _, score in base] == [score for _, score in ours]
    mine, theirs = _figures(ours_s), _figures(base_s)
    return {
        "benchmark": "similarity",
        "library": str(csv_path or NPCLASSIFIER_5K.name),
        "molecules": len(index),
        "invalid": len(index.errors),
        "build_s": round(build_s, 3),
        "fingerprints_per_s": round(len(library) / build_s, 1) if build_s else 0.0,
        "baseline_build_s": round(baseline_build_s, 3),
        "queries": len(ours_s),
        "k": k,
        **mine,
        "comparisons_per_s": round(len(index) * len(ours_s) / sum(ours_s), 1) if sum(ours_s) else 0.0,
        "baseline_queries_per_s": theirs["queries_per_s"],
        "baseline_p50_ms": theirs["p50_ms"],
        "baseline_p95_ms": theirs["p95_ms"],
        "ratio": round(mine["queries_per_s"] / theirs["queries_per_s"], 3) if theirs["queries_per_s"] else 0.0,
        "agreement": round(agree / len(ours_s), 6) if ours_s else 1.0,
        "mean_top1_similarity": round(statistics.fmean(best), 4) if best else 0.0,
    }


def render(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"similarity: {result['molecules']} molecules from {result['library']} ({result['invalid']} invalid), "
            f"{result['queries']} queries, top-{result['k']}",
            f"  baseline (plain RDKit loop) {result['baseline_queries_per_s']:>9.1f} queries/s  "
            f"p50 {result['baseline_p50_ms']:.2f} ms  p95 {result['baseline_p95_ms']:.2f} ms  "
            f"(fingerprints in {result['baseline_build_s']:.2f} s)",
            f"  ours (SimilarityIndex)      {result['queries_per_s']:>9.1f} queries/s  "
            f"p50 {result['p50_ms']:.2f} ms  p95 {result['p95_ms']:.2f} ms  (fingerprints in {result['build_s']:.2f} s)"
            f"  ratio {result['ratio']:.2f}",
            f"  {result['comparisons_per_s'] / 1e6:.1f} M comparisons/s; "
            f"mean top-1 {result['mean_top1_similarity']:.3f}; top-{result['k']} similarities identical to the "
            f"baseline's for {result['agreement']:.2%} of queries",
        ]
    )


app = script_app()


@app.command(help=__doc__.splitlines()[0])
def main(
    queries: int = typer.Option(200, "--queries", help="approved drugs used as queries"),
    k: int = typer.Option(10, "--k", help="neighbours per query"),
    csv: Path | None = typer.Option(None, "--csv", help="library CSV with a smiles column"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    result = run(queries, k, csv)
    print_result(result, as_json, render)


if __name__ == "__main__":
    app()
