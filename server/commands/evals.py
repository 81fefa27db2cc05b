"""`ech0 eval …`: evaluation suites over external files (BEIR retrieval), the relevance-threshold calibration and
the planner dev set; `run` and `compare` drive the eval harness (evals.harness): retrieval, chemqa, properties,
dataset and research suites."""

from __future__ import annotations

import hashlib
from pathlib import Path

import typer

from server.commands.common import open_runtime, print_json, progress_bar, runtime

app = typer.Typer(help="Run evaluation suites on external benchmark files.", no_args_is_help=True)

MODES = ("hybrid", "dense", "sparse")


@app.command("retrieval")
def retrieval(
    queries: Path = typer.Option(..., "--queries", help="BEIR queries JSONL (_id, text)"),
    qrels: Path = typer.Option(..., "--qrels", help="BEIR qrels TSV (query-id corpus-id score)"),
    corpus: Path | None = typer.Option(
        None, "--corpus", help="SciFact or BEIR corpus JSONL; indexed once into the data directory (default: the index)"
    ),
    mode: str = typer.Option("all", "--mode", help="hybrid, dense, sparse, or all three side by side"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """nDCG@10, Recall@100 and MRR@10 of the literature retrieval (documents ranked by their best chunk)."""
    from evals.beir import load_qrels, load_queries
    from evals.retrieval import evaluate
    from knowledge.common.errors import Ech0Error

    if mode not in (*MODES, "all"):
        raise Ech0Error(f"unknown mode {mode!r}: use hybrid, dense, sparse or all")
    query_texts, judgements = load_queries(queries), load_qrels(qrels)
    rt = runtime()
    retriever = _eval_retriever(rt, corpus) if corpus is not None else rt.retriever_for(None)
    modes = MODES if mode == "all" else (mode,)
    n_judged = sum(1 for q in query_texts if any(r > 0 for r in judgements.get(q, {}).values()))
    if n_judged == 0:
        raise Ech0Error(f"no query in {queries} has a positive judgement in {qrels}: check that the ids match")
    with progress_bar("evaluating queries") as progress:
        task = progress.add_task("eval", total=n_judged * len(modes))
        scores = [evaluate(retriever, query_texts, judgements, m, lambda n: progress.advance(task, n)) for m in modes]
    retriever.index.close()
    primary = next((s for s in scores if s.mode == rt.settings.knowledge.search_mode), scores[0])
    result = {**primary.contract(), "mode": primary.mode, "by_mode": {s.mode: s.contract() for s in scores}}
    if as_json:
        print_json(result)
        return
    typer.echo(f"{'mode':<8} {'nDCG@10':>8} {'Recall@100':>11} {'MRR@10':>8}   ({primary.n_queries} queries)")
    for s in scores:
        typer.echo(f"{s.mode:<8} {s.ndcg_at_10:>8.4f} {s.recall_at_100:>11.4f} {s.mrr_at_10:>8.4f}")


@app.command("relevance")
def relevance(
    queries: Path = typer.Argument(..., help="BEIR queries JSONL (_id, text): training queries, never evaluation ones"),
    qrels: Path = typer.Argument(..., help="BEIR qrels TSV (query-id corpus-id score)"),
    depth: int = typer.Option(20, "--depth", min=1, help="results per query whose scores are collected"),
) -> None:
    """Calibrate the literature relevance threshold: scores of judged-relevant against unjudged documents."""
    from evals.relevance import calibrate, render

    with open_runtime() as rt:
        typer.echo(render(calibrate(rt.retriever, queries, qrels, depth)))


@app.command("planner")
def planner(
    dev: Path | None = typer.Option(None, "--dev", help="dev set JSONL (default: the shipped planner dev set)"),
    split: str | None = typer.Option(
        None, "--split", help="the paraphrase set instead: 'dev', or 'sealed' (measured once, at the end of tuning)"
    ),
    answers: bool = typer.Option(False, "--answers", help="paraphrase set: also answer the single-value questions"),
    latency: bool = typer.Option(False, "--latency", help="also answer every request and report p50/p95 latency"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Plan accuracy of the configured backend on the planner dev set (and `ech0 ask` latency, warm); with
    --split, intent, slot and answer accuracy per intent on the independent paraphrase set."""
    from evals.planner import DEV_SET, evaluate_plans, load_dev_set, measure_latency

    if split is not None:
        _paraphrase(split, answers, as_json)
        return

    cases = load_dev_set(dev or DEV_SET)
    rt = runtime()
    result = {"backend": rt.backend.name, **evaluate_plans(cases, rt.backend.plan)}
    if latency:
        with progress_bar("answering the dev set") as progress:
            task = progress.add_task("latency", total=len(cases))
            result["latency"] = measure_latency(cases, rt.research.ask, lambda n: progress.advance(task, n))
    rt.close()
    if as_json:
        print_json(result)
        return
    typer.echo(f"plan accuracy ({result['backend']}): {result['plan_accuracy']:.1%} of {result['n']} requests")
    for intent, acc in result["by_intent"].items():
        typer.echo(f"  {intent:<16} {acc:.1%}")
    for miss in result["misses"]:
        typer.echo(f"  miss {miss['id']}: planned {miss['planned']}")
    if latency:
        typer.echo(f"latency: p50 {result['latency']['p50_s']} s, p95 {result['latency']['p95_s']} s")


def _paraphrase(split: str, answers: bool, as_json: bool) -> None:
    from agents.understanding.bank import shipped_bank
    from evals.understanding import SPLITS, evaluate, load_cases, overlap
    from evals.understanding_report import render
    from knowledge.common.errors import Ech0Error

    if split not in SPLITS:
        raise Ech0Error(f"unknown split {split!r}: use 'dev' or 'sealed'")
    cases = load_cases(SPLITS[split])
    with open_runtime() as rt:
        plan, resolve = _probe(rt)
        ask = (lambda case: rt.research.ask(case.request, history=case.history)["answer"]) if answers else None
        plan(cases[0])  # warm: the model and the exemplar vectors load before timing
        with progress_bar(f"evaluating the {split} split") as progress:
            task = progress.add_task("eval", total=len(cases))
            result = evaluate(cases, plan, resolve, ask, lambda n: progress.advance(task, n))
        bank = [text for _, text in shipped_bank().pairs()]
        result["bank_overlap"] = overlap(cases, bank, rt.embedder.embed_documents)
    result = {"split": split, "backend": rt.backend.name, "understanding": rt.settings.llm.understanding, **result}
    if split == "sealed":
        result["misses"] = [{"id": m["id"]} for m in result["misses"]]  # ids only: the sealed cases are not read
    if as_json:
        print_json(result)
        return
    typer.echo(render(result))


def _probe(rt):
    """Plan a case as `ech0 ask` would (a follow-up read with its history), and resolve a mention offline."""
    from agents.understanding.follow_up import contextualize
    from evals.understanding import inchikey_resolver

    def plan(case):
        backend = rt.backend
        rules = getattr(backend, "rules", backend)
        request = contextualize(case.request, case.history, rules.plan) if case.history else case.request
        return backend.plan(request)

    return plan, inchikey_resolver(rt.compounds)


def _eval_retriever(rt, corpus: Path):
    """A retriever over `corpus`, indexed once into DATA_DIR/index/eval-<digest> (reused while unchanged)."""
    from knowledge.common.errors import Ech0Error

    if not corpus.is_file():
        raise Ech0Error(f"corpus file {corpus} does not exist: give a SciFact- or BEIR-format JSONL corpus")
    digest = hashlib.sha256(corpus.read_bytes()).hexdigest()[:12]
    index_path = rt.settings.data_dir / "index" / f"eval-{digest}"
    if not rt.index_is_complete(index_path, corpus, "eval"):
        with progress_bar("indexing evaluation corpus") as progress:
            task = progress.add_task("index", total=None)
            rt.build_index(
                corpus_path=corpus,
                source="eval",
                index_path=index_path,
                on_start=lambda n: progress.update(task, total=n),
                on_progress=lambda n: progress.advance(task, n),
            )
    return rt.retriever_for(index_path)


@app.command("run")
def run_suite(
    suite: str = typer.Argument(..., help="retrieval, chemqa, properties, dataset or research"),
    file: Path | None = typer.Option(None, "--file", help="the suite's file or folder (default: its dev suite)"),
    out: Path | None = typer.Option(None, "--out", help="run folder (default: DATA_DIR/evals/<run id>/)"),
    mode: str | None = typer.Option(None, "--mode", help="retrieval: hybrid, dense or sparse (default hybrid)"),
    target: str | None = typer.Option(None, "--target", help="properties on a CSV: the column to learn"),
    smiles_col: str | None = typer.Option(None, "--smiles-col", help="properties on a CSV: the SMILES column"),
    task: str | None = typer.Option(None, "--task", help="properties: regression or classification"),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="processes for featurizing and data checks"),
    as_json: bool = typer.Option(False, "--json", help="print the run's result as JSON"),
) -> None:
    """Run an eval suite on an external file; writes result.json, report.md and plots into the run folder."""
    from evals.harness import SUITES, SuiteContext
    from evals.harness import run_suite as run_eval
    from knowledge.common.errors import Ech0Error

    if suite not in SUITES:
        raise Ech0Error(f"unknown suite {suite!r}: choose one of {', '.join(SUITES)}")
    rt = runtime()
    options = {"mode": mode, "target": target, "smiles_col": smiles_col, "task": task}
    try:
        with progress_bar(f"eval {suite}") as progress:
            bar = progress.add_task(suite, total=None)
            ctx = SuiteContext(
                ask=rt.research.ask,
                retriever_for=lambda corpus: _eval_retriever(rt, corpus),
                workers=workers,
                options={k: v for k, v in options.items() if v is not None},
                on_progress=lambda done, total: progress.update(bar, completed=done, total=total),
            )
            result = run_eval(suite, file, rt.settings.data_dir / "evals", ctx, out_dir=out)
    finally:
        rt.close()
    folder = Path(out) if out is not None else rt.settings.data_dir / "evals" / result.run_id
    if as_json:
        print_json({**result.model_dump(mode="json"), "folder": str(folder)})
        return
    typer.echo(f"{suite}: {result.passed}/{len(result.cases)} cases passed in {result.seconds:.1f} s")
    for key, value in result.metrics.items():
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        typer.echo(f"  {key:<28} {shown}")
    typer.echo(f"report: {folder / 'report.md'}  (run id {result.run_id})")


@app.command("compare")
def compare(
    run_a: str = typer.Argument(..., help="the baseline run: a run id in DATA_DIR/evals, its folder or result.json"),
    run_b: str = typer.Argument(..., help="the run to judge against it"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    fail_on_regression: bool = typer.Option(
        False, "--fail-on-regression", help="exit 1 when a quality metric or a case regressed (slower timings: shown)"
    ),
) -> None:
    """What changed from run A to run B: metric deltas by direction, and the cases that flipped."""
    from evals.harness.base import load_run
    from evals.harness.compare import compare as compare_runs
    from evals.harness.compare import render
    from server.settings import current_settings

    root = current_settings().data_dir / "evals"
    result = compare_runs(load_run(run_a, root), load_run(run_b, root))
    if as_json:
        print_json(result)
    else:
        typer.echo(render(result))
    if fail_on_regression and result["regressed"]:
        raise typer.Exit(code=1)
