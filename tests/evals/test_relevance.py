"""Relevance-threshold calibration over a retriever the caller supplies (here one with fixed scores)."""

import json
from types import SimpleNamespace

import pytest

from evals.relevance import calibrate, render

SCORES = {  # query text → (doc id, dense score), best first
    "metformin": [("d1", 0.62), ("x1", 0.41), ("x2", 0.22)],
    "aspirin": [("x3", 0.55), ("d2", 0.35), ("x4", 0.18)],
}


class _FixedRetriever:
    def rank(self, query: str, k: int):
        return [(SimpleNamespace(doc_id=doc, score=score), score) for doc, score in SCORES[query][:k]]


@pytest.fixture
def beir_files(tmp_path):
    queries = tmp_path / "queries.jsonl"
    rows = [{"_id": "1", "text": "metformin"}, {"_id": "2", "text": "aspirin"}, {"_id": "3", "text": "x"}]
    queries.write_text("".join(json.dumps(row) + "\n" for row in rows))
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\n1\td1\t1\n2\td2\t1\n3\td9\t0\n")
    return queries, qrels


def test_calibration_splits_judged_from_unjudged_scores(beir_files):
    result = calibrate(_FixedRetriever(), *beir_files, depth=3)
    # Query 3 has no positive judgement, so it is not ranked at all.
    assert (result.n_queries, result.n_relevant, result.n_unjudged) == (2, 2, 4)
    assert result.relevant_quantiles[-1] == pytest.approx(0.485)  # median of 0.62 and 0.35
    by_threshold = {row["threshold"]: row for row in result.thresholds}
    assert by_threshold[0.4] == {
        "threshold": 0.4,
        "relevant_kept": 0.5,  # 0.62 stays, 0.35 is cut
        "queries_keeping_a_relevant_doc": 0.5,
        "unjudged_cut": 0.5,  # 0.22 and 0.18 of 0.41, 0.55, 0.22, 0.18
    }
    lines = render(result).splitlines()
    assert lines[0] == "2 queries; relevant docs in top 3: 2; unjudged: 4"
    assert len(lines) == 3 + len(result.thresholds)
