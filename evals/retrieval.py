"""Retrieval metrics (nDCG@10, Recall@100, MRR@10) over BEIR queries, for each ranking mode.

The measures come from ir-measures (trec_eval's definitions: linear gains, log2 discount, the ideal ranking built
from every judged-relevant document). A ranking goes in as scores that fall with the rank, so ties never reorder it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import ir_measures
from ir_measures import RR, R, nDCG
from ir_measures.measures import Measure
from pydantic import BaseModel

from knowledge.retrieve import Retriever

# Contract key → measure; a whole run is scored on all three in one pass.
MEASURES: dict[str, Measure] = {"ndcg@10": nDCG @ 10, "recall@100": R @ 100, "mrr@10": RR @ 10}


def _as_run(ranked: list[str], depth: int) -> dict[str, float]:
    """The first `depth` ranks as doc → score, highest first; a repeated document keeps its first rank."""
    scores: dict[str, float] = {}
    for rank, doc in enumerate(ranked[:depth]):
        scores.setdefault(doc, float(depth - rank))
    return scores


def score_run(
    rankings: Mapping[str, list[str]],
    qrels: Mapping[str, dict[str, int]],
    measures: Mapping[str, Measure] = MEASURES,
) -> dict[str, dict[str, float]]:
    """query id → {key: value} for every ranked query (0.0 where nothing relevant was ranked).

    Rankings are cut at the deepest cutoff first, so a document past it counts as not retrieved.
    """
    depth = max(m.params["cutoff"] for m in measures.values())
    run = {qid: _as_run(ranked, depth) for qid, ranked in rankings.items()}
    judged = {qid: dict(qrels.get(qid, {})) for qid in rankings}
    key_of = {measure: key for key, measure in measures.items()}
    per_query = {qid: dict.fromkeys(measures, 0.0) for qid in rankings}
    for metric in ir_measures.iter_calc(list(measures.values()), judged, run):
        per_query[metric.query_id][key_of[metric.measure]] = float(metric.value)
    return per_query


def _one_query(measure: Measure, ranked: list[str], relevance: dict[str, int]) -> float:
    return score_run({"q": ranked}, {"q": relevance}, {"m": measure})["q"]["m"]


def ndcg_at_k(ranked: list[str], relevance: dict[str, int], k: int = 10) -> float:
    return _one_query(nDCG @ k, ranked, relevance)


def recall_at_k(ranked: list[str], relevance: dict[str, int], k: int = 100) -> float:
    return _one_query(R @ k, ranked, relevance)


def mrr_at_k(ranked: list[str], relevance: dict[str, int], k: int = 10) -> float:
    return _one_query(RR @ k, ranked, relevance)


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
    rankings = {}
    for qid in judged:
        rankings[qid] = [p.doc_id for p, _ in retriever.rank(queries[qid], k=100, mode=mode)]
        if on_progress:
            on_progress(1)
    per_query = score_run(rankings, qrels)
    n = len(judged) or 1

    def mean(key: str) -> float:
        return round(sum(scores[key] for scores in per_query.values()) / n, 4)

    return RetrievalScores(
        mode=mode,
        n_queries=len(judged),
        ndcg_at_10=mean("ndcg@10"),
        recall_at_100=mean("recall@100"),
        mrr_at_10=mean("mrr@10"),
    )


def evaluate_modes(
    retriever: Retriever,
    queries: dict[str, str],
    qrels: dict[str, dict[str, int]],
    modes: Iterable[str],
    on_progress: Callable[[int], None] | None = None,
) -> list[RetrievalScores]:
    return [evaluate(retriever, queries, qrels, mode, on_progress) for mode in modes]
