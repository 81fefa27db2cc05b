"""Calibrate the literature relevance threshold on BEIR-format queries and relevance judgements.

For every query, the best passage of each judged-relevant document in the top `depth` results gives a
"relevant" score, and the other documents of the top `depth` give "unjudged" scores. The report shows,
per candidate threshold, how many relevant documents would still be shown and how many unjudged ones
would be cut, so the threshold is chosen on training data, never on evaluation data.

The caller supplies the retriever (`ech0 eval relevance QUERIES.jsonl QRELS.tsv [--depth 20]` passes the
configured one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Calibration:
    """The score distributions of one calibration run, summarised, and the table of candidate thresholds."""

    depth: int
    n_queries: int
    n_relevant: int
    n_unjudged: int
    relevant_quantiles: tuple[float, ...]  # 5/10/25/50 %
    unjudged_quantiles: tuple[float, ...]  # 50/75/90/95 %
    thresholds: list[dict]


def calibrate(retriever: Retriever, queries: Path, qrels: Path, depth: int = 20) -> Calibration:
    """Rank the judged queries of a BEIR queries/qrels pair (SciFact train) with `retriever` and summarise."""
    texts, judged = load_beir(queries, qrels)
    relevant, unjudged, best = score_distributions(retriever, texts, judged, depth)
    return Calibration(
        depth=depth,
        n_queries=len(texts),
        n_relevant=len(relevant),
        n_unjudged=len(unjudged),
        relevant_quantiles=tuple(np.nanpercentile(relevant, [5, 10, 25, 50]).round(3).tolist()),
        unjudged_quantiles=tuple(np.percentile(unjudged, [50, 75, 90, 95]).round(3).tolist()),
        thresholds=threshold_table(relevant, unjudged, best),
    )


def render(calibration: Calibration) -> str:
    """The report: the distributions' sizes and quantiles, then one JSON line per candidate threshold."""
    c = calibration
    return "\n".join(
        [
            f"{c.n_queries} queries; relevant docs in top {c.depth}: {c.n_relevant}; unjudged: {c.n_unjudged}",
            f"relevant score quantiles 5/10/25/50%: {np.array(c.relevant_quantiles)}",
            f"unjudged score quantiles 50/75/90/95%: {np.array(c.unjudged_quantiles)}",
            *(json.dumps(row) for row in c.thresholds),
        ]
    )
