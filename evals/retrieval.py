"""Retrieval metrics (nDCG@10, Recall@100, MRR@10) over BEIR queries, for each ranking mode."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from pydantic import BaseModel

from knowledge.retrieve import Retriever


def ndcg_at_k(ranked: list[str], relevance: dict[str, int], k: int = 10) -> float:
    dcg = sum(relevance.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted((r for r in relevance.values() if r > 0), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(ranked: list[str], relevance: dict[str, int], k: int = 100) -> float:
    relevant = {d for d, r in relevance.items() if r > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def mrr_at_k(ranked: list[str], relevance: dict[str, int], k: int = 10) -> float:
    for i, doc in enumerate(ranked[:k]):
        if relevance.get(doc, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


class RetrievalScores(BaseModel):
    mode: str
    n_queries: int
    ndcg_at_10: float
    recall_at_100: float
    mrr_at_10: float

    def contract(self) -> dict[str, float | int]:
        """The keys the CLI contract names."""
        return {
            "ndcg@10": self.ndcg_at_10,
            "recall@100": self.recall_at_100,
            "mrr@10": self.mrr_at_10,
            "n_queries": self.n_queries,
        }


def evaluate(
    retriever: Retriever,
    queries: dict[str, str],
    qrels: dict[str, dict[str, int]],
    mode: str,
    on_progress: Callable[[int], None] | None = None,
) -> RetrievalScores:
    """Rank documents (best chunk per document, no relevance floor) and score them against the judgements."""
    judged = [q for q in queries if any(r > 0 for r in qrels.get(q, {}).values())]
    totals = {"ndcg": 0.0, "recall": 0.0, "mrr": 0.0}
    for qid in judged:
        ranked = [p.doc_id for p, _ in retriever.rank(queries[qid], k=100, mode=mode)]
        totals["ndcg"] += ndcg_at_k(ranked, qrels[qid])
        totals["recall"] += recall_at_k(ranked, qrels[qid])
        totals["mrr"] += mrr_at_k(ranked, qrels[qid])
        if on_progress:
            on_progress(1)
    n = len(judged) or 1
    return RetrievalScores(
        mode=mode,
        n_queries=len(judged),
        ndcg_at_10=round(totals["ndcg"] / n, 4),
        recall_at_100=round(totals["recall"] / n, 4),
        mrr_at_10=round(totals["mrr"] / n, 4),
    )


def evaluate_modes(
    retriever: Retriever,
    queries: dict[str, str],
    qrels: dict[str, dict[str, int]],
    modes: Iterable[str],
    on_progress: Callable[[int], None] | None = None,
) -> list[RetrievalScores]:
    return [evaluate(retriever, queries, qrels, mode, on_progress) for mode in modes]
