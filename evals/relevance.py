"""Calibrate the literature relevance threshold on BEIR-format queries and relevance judgements.

For every query, the best passage of each judged-relevant document in the top `depth` results gives a
"relevant" score, and the other documents of the top `depth` give "unjudged" scores. The report shows,
per candidate threshold, how many relevant documents would still be shown and how many unjudged ones
would be cut, so the threshold is chosen on training data, never on evaluation data.

    python -m evals.relevance QUERIES.jsonl QRELS.tsv [--depth 20]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from evals.beir import load_qrels, load_queries
from knowledge.retrieve import Retriever


def load_beir(queries: Path, qrels: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
    texts = load_queries(queries)
    judged = {q: {d for d, r in docs.items() if r > 0} for q, docs in load_qrels(qrels).items()}
    judged = {q: docs for q, docs in judged.items() if docs}
    return {q: t for q, t in texts.items() if q in judged}, judged


def score_distributions(
    retriever: Retriever, queries: dict[str, str], judged: dict[str, set[str]], depth: int = 20
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(scores of relevant docs, scores of unjudged docs, best relevant score per query or nan)."""
    relevant, unjudged, best = [], [], []
    for qid, text in queries.items():
        passages = [p for p, _ in retriever.rank(text, k=depth)]
        rel = [p.score for p in passages if p.doc_id in judged[qid]]
        relevant += rel
        unjudged += [p.score for p in passages if p.doc_id not in judged[qid]]
        best.append(max(rel) if rel else np.nan)
    return np.array(relevant), np.array(unjudged), np.array(best)


def threshold_table(relevant: np.ndarray, unjudged: np.ndarray, best: np.ndarray, grid=None) -> list[dict]:
    grid = grid if grid is not None else np.round(np.arange(0.20, 0.71, 0.05), 2)
    found = best[~np.isnan(best)]
    return [
        {
            "threshold": float(t),
            "relevant_kept": round(float((relevant >= t).mean()), 3),
            "queries_keeping_a_relevant_doc": round(float((found >= t).mean()), 3),
            "unjudged_cut": round(float((unjudged < t).mean()), 3),
        }
        for t in grid
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries", type=Path)
    parser.add_argument("qrels", type=Path)
    parser.add_argument("--depth", type=int, default=20)
    args = parser.parse_args()

    from server.settings import Settings
    from server.wiring import build_runtime

    runtime = build_runtime(Settings())
    queries, judged = load_beir(args.queries, args.qrels)
    relevant, unjudged, best = score_distributions(runtime.retriever, queries, judged, args.depth)
    print(f"{len(queries)} queries; relevant docs in top {args.depth}: {len(relevant)}; unjudged: {len(unjudged)}")
    print(f"relevant score quantiles 5/10/25/50%: {np.nanpercentile(relevant, [5, 10, 25, 50]).round(3)}")
    print(f"unjudged score quantiles 50/75/90/95%: {np.percentile(unjudged, [50, 75, 90, 95]).round(3)}")
    for row in threshold_table(relevant, unjudged, best):
        print(json.dumps(row))
    runtime.close()


if __name__ == "__main__":
    main()
