"""The `retrieval` suite: a BEIR-format benchmark, ranked by ECH0's literature retrieval.

File: a BEIR folder — `corpus.jsonl` (BEIR `_id`/`title`/`text`, or SciFact rows), `queries.jsonl` (`_id`,
`text`) and the judgements as `qrels/test.tsv` (BEIR's layout) or `qrels.tsv` (`query-id corpus-id score`).
The caller indexes the corpus once (`SuiteContext.retriever_for`); each judged query is a case scored by its
nDCG@10 and passed when a relevant document is in its top 10. Metrics as in `ech0 eval retrieval`.
"""

from __future__ import annotations

from pathlib import Path

from evals.beir import load_qrels, load_queries
from evals.harness.base import Case, Outcome, Plot, SuiteContext
from evals.retrieval import score_run
from knowledge.common.errors import Ech0Error

MODES = ("hybrid", "dense", "sparse")


def beir_files(folder: Path) -> tuple[Path, Path, Path]:
    """(corpus, queries, qrels) of a BEIR folder; a missing file is an error naming what is expected."""
    if not folder.is_dir():
        raise Ech0Error(f"{folder} is not a folder: the retrieval suite takes a BEIR folder (corpus, queries, qrels)")
    corpus, queries = folder / "corpus.jsonl", folder / "queries.jsonl"
    qrels = next((p for p in (folder / "qrels" / "test.tsv", folder / "qrels.tsv") if p.is_file()), None)
    if qrels is None:
        qrels = next(iter(sorted((folder / "qrels").glob("*.tsv"))), None) if (folder / "qrels").is_dir() else None
    for path, what in ((corpus, "corpus.jsonl"), (queries, "queries.jsonl")):
        if not path.is_file():
            raise Ech0Error(f"{folder} has no {what}: a BEIR folder holds corpus.jsonl, queries.jsonl and qrels")
    if qrels is None:
        raise Ech0Error(f"{folder} has no judgements: put them in qrels/test.tsv or qrels.tsv")
    return corpus, queries, qrels


def run(path: Path, ctx: SuiteContext) -> Outcome:
    mode = ctx.options.get("mode") or "hybrid"
    if mode not in MODES:
        raise Ech0Error(f"unknown retrieval mode {mode!r}: use {', '.join(MODES)}")
    if ctx.retriever_for is None:
        raise Ech0Error("the retrieval suite indexes its corpus: run it through `ech0 eval run retrieval`")
    corpus, queries_path, qrels_path = beir_files(path)
    queries, qrels = load_queries(queries_path), load_qrels(qrels_path)
    judged = [q for q in queries if any(r > 0 for r in qrels.get(q, {}).values())]
    if not judged:
        raise Ech0Error(f"no query in {queries_path} has a positive judgement in {qrels_path}: check the ids")
    retriever = ctx.retriever_for(corpus)
    rankings = {}
    try:
        for done, qid in enumerate(judged, 1):
            rankings[qid] = [p.doc_id for p, _ in retriever.rank(queries[qid], k=100, mode=mode)]
            ctx.progress(done, len(judged))
    finally:
        close = getattr(retriever, "close", None)
        if close is not None:
            close()
    cases = []
    for qid, scores in score_run(rankings, qrels).items():
        relevant = [d for d, r in qrels[qid].items() if r > 0]
        detail = {"query": queries[qid], **{k: round(v, 4) for k, v in scores.items()}}
        cases.append(Case(id=qid, passed=scores["mrr@10"] > 0, score=round(scores["ndcg@10"], 4), expected=relevant,
                          got=rankings[qid][:10], detail=detail))  # fmt: skip
    n = len(cases)
    metrics = {key: round(sum(c.detail[key] for c in cases) / n, 4) for key in ("ndcg@10", "recall@100", "mrr@10")} | {
        "hit@10": round(sum(c.passed for c in cases) / n, 4),
        "n_queries": n,
    }
    directions = {k: "info" if k == "n_queries" else "higher" for k in metrics}
    plots = [Plot(kind="hist", title=f"nDCG@10 per query ({mode})", file="ndcg_per_query.png",
                  x=[c.score for c in cases], xlabel="nDCG@10", ylabel="queries")]  # fmt: skip
    return Outcome(metrics=metrics, directions=directions, cases=cases, plots=plots, meta={"mode": mode})
