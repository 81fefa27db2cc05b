import math
from types import SimpleNamespace

import pytest

from evals.beir import load_qrels, load_queries
from evals.retrieval import evaluate, mrr_at_k, ndcg_at_k, recall_at_k, score_run
from knowledge.common.errors import Ech0Error


def test_ndcg_matches_hand_computation():
    relevance = {"a": 1, "b": 2}
    ranked = ["x", "b", "a"]
    dcg = 2 / math.log2(3) + 1 / math.log2(4)
    idcg = 2 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(ranked, relevance) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(["b", "a"], relevance) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], relevance) == 0.0


def test_recall_and_mrr():
    relevance = {"a": 1, "b": 1, "c": 0}
    assert recall_at_k(["a", "c", "x"], relevance) == 0.5
    assert recall_at_k(["x"] * 100 + ["a"], relevance, k=100) == 0.0
    assert mrr_at_k(["c", "x", "b"], relevance) == pytest.approx(1 / 3)
    assert mrr_at_k(["x"] * 10 + ["a"], relevance) == 0.0


def test_beir_loaders_and_their_errors(tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"_id": "1", "text": "metformin"}\n\n{"_id": 2, "text": "aspirin"}\n')
    assert load_queries(queries) == {"1": "metformin", "2": "aspirin"}
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\n1\t10\t1\n1\t11\t0\n")
    assert load_qrels(qrels) == {"1": {"10": 1, "11": 0}}
    bad = tmp_path / "bad.tsv"
    bad.write_text("qid\tdoc\n1\t10\n")
    with pytest.raises(Ech0Error, match="query-id corpus-id score"):
        load_qrels(bad)
    with pytest.raises(Ech0Error, match="does not exist"):
        load_queries(tmp_path / "missing.jsonl")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "no id"}\n')
    with pytest.raises(Ech0Error, match="broken.jsonl:1"):
        load_queries(broken)


HAND_QRELS = {"q1": {"a": 1, "b": 2}, "q2": {"a": 1, "b": 1, "c": 0}, "q3": {"z": 1}, "q4": {"d": 1}}
HAND_RUN = {"q1": ["x", "b", "a"], "q2": ["c", "x", "b"], "q3": [], "q4": [f"n{i}" for i in range(10)] + ["d"]}
# Worked by hand: q1 gains 2 at rank 2 and 1 at rank 3 against the ideal 2, 1; q2 has one of two relevant documents
# at rank 3; q3 retrieves nothing; q4's only relevant document sits at rank 11 (inside R@100, outside the @10 cuts).
HAND_SCORES = {
    "q1": {"ndcg@10": (2 / math.log2(3) + 1 / 2) / (2 + 1 / math.log2(3)), "recall@100": 1.0, "mrr@10": 1 / 2},
    "q2": {"ndcg@10": (1 / 2) / (1 + 1 / math.log2(3)), "recall@100": 0.5, "mrr@10": 1 / 3},
    "q3": {"ndcg@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0},
    "q4": {"ndcg@10": 0.0, "recall@100": 1.0, "mrr@10": 0.0},
}


def test_score_run_matches_the_hand_worked_run():
    scores = score_run(HAND_RUN, HAND_QRELS)
    assert scores.keys() == HAND_SCORES.keys()
    for qid, expected in HAND_SCORES.items():
        assert scores[qid] == pytest.approx(expected), qid


class _ListRetriever:
    """Ranks each query as HAND_RUN does (the query text is its id)."""

    def rank(self, query: str, k: int, mode: str):
        return [(SimpleNamespace(doc_id=doc), 1.0) for doc in HAND_RUN[query][:k]]


def test_evaluate_averages_the_run_over_judged_queries():
    queries = {qid: qid for qid in HAND_RUN} | {"unjudged": "unjudged"}
    seen = []
    scores = evaluate(_ListRetriever(), queries, HAND_QRELS, "hybrid", seen.append)
    assert scores.n_queries == 4 and sum(seen) == 4
    for key, field in (("ndcg@10", "ndcg_at_10"), ("recall@100", "recall_at_100"), ("mrr@10", "mrr_at_10")):
        expected = round(sum(s[key] for s in HAND_SCORES.values()) / 4, 4)
        assert getattr(scores, field) == pytest.approx(expected, abs=1e-4), key
