import math

import pytest

from evals.beir import load_qrels, load_queries
from evals.retrieval import mrr_at_k, ndcg_at_k, recall_at_k
from knowledge.errors import Ech0Error


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
