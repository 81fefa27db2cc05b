"""The eval harness: suites over external files, each run written as JSON plus a markdown report with plots.

Suites (`ech0 eval run SUITE [--file F]`; without --file, the shipped dev suite in evals/suites):
- `retrieval`  a BEIR folder (corpus, queries, qrels) → nDCG@10, Recall@100, MRR@10, hit@10;
- `chemqa`     JSONL chemistry questions with exact answers, asked through ECH0 → accuracy by answer type;
- `properties` a CSV and a target, through the property models → test metrics against the baseline;
- `dataset`    a training data set → the data-check gates and figures;
- `research`   JSONL research requests with the facts and sources their reports must hold → recall.
A new benchmark plugs in as a file in one of these formats; `ech0 eval compare A B` shows what regressed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from evals.harness.base import EvalRun, Outcome, SuiteContext, list_runs, load_run, new_run_id, write_run
from knowledge.common.errors import Ech0Error

SUITES = ("retrieval", "chemqa", "properties", "dataset", "research")
DESCRIPTIONS = {
    "retrieval": "BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv or qrels.tsv",
    "chemqa": "JSONL: id, question, answer, answer_type (integer|number|smiles|text|list), tolerance?",
    "properties": "JSON spec {csv, target, smiles_col?, task?, split?, seeds?} or a CSV with --target",
    "dataset": "a data set folder from `ech0 data generate`, or a JSON spec {generate: {compounds, seed}}",
    "research": "JSONL: id, request, facts (text or {number, tolerance}), sources (ids or prefixes)",
}

__all__ = ["SUITES", "EvalRun", "SuiteContext", "compare_runs", "list_runs", "load_run", "run_suite", "suite_runner"]


def suite_runner(suite: str) -> Callable[[Path, SuiteContext], Outcome]:
    if suite == "retrieval":
        from evals.harness.retrieval import run
    elif suite == "chemqa":
        from evals.harness.chemqa import run
    elif suite == "properties":
        from evals.harness.properties import run
    elif suite == "dataset":
        from evals.harness.dataset import run
    elif suite == "research":
        from evals.harness.research import run
    else:
        raise Ech0Error(f"unknown suite {suite!r}: choose one of {', '.join(SUITES)}")
    return run


def default_file(suite: str) -> Path:
    from evals.suites import DEV_SUITES

    if suite not in DEV_SUITES:
        raise Ech0Error(f"unknown suite {suite!r}: choose one of {', '.join(SUITES)}")
    return DEV_SUITES[suite]


def run_suite(suite: str, file: Path | None, out_root: Path, ctx: SuiteContext, out_dir: Path | None = None) -> EvalRun:
    """Run `suite` on `file` (default: its dev suite); writes the run folder (out_dir, else out_root/<run id>)."""
    runner = suite_runner(suite)
    path = Path(file) if file is not None else default_file(suite)
    if not path.exists():
        raise Ech0Error(f"{suite} file {path} does not exist: expected {DESCRIPTIONS[suite]}")
    run_id = new_run_id(suite)
    folder = Path(out_dir) if out_dir is not None else out_root / run_id
    folder.mkdir(parents=True, exist_ok=True)
    ctx.out_dir = folder
    started_at, started = datetime.now(UTC).isoformat(timespec="seconds"), time.perf_counter()
    outcome = runner(path, ctx)
    run = EvalRun(run_id=run_id, suite=suite, file=str(path), started_at=started_at,
                  seconds=round(time.perf_counter() - started, 2), metrics=outcome.metrics,
                  directions=outcome.directions, cases=outcome.cases, meta=outcome.meta, files=[])  # fmt: skip
    from evals.harness.report import write_report

    images = [f for f in outcome.extra_files if f.endswith(".png")]
    run.files = write_report(run, outcome.plots, folder, images) + outcome.extra_files
    write_run(run, folder)
    return run


def compare_runs(a: EvalRun, b: EvalRun) -> dict:
    from evals.harness.compare import compare

    return compare(a, b)
