"""`ech0 lab …`: list the labs, run one operation as a recorded, cached experiment, and orchestrate many:
workflows (DAGs across labs), the experiment queue, lineage and reproducibility bundles."""

from __future__ import annotations

import json

import typer

from server.commands.common import emit, emit_rows, print_json, runtime

app = typer.Typer(
    help="Run lab operations (chemistry, pharmacology, toxicology, natural products) as recorded experiments, "
    "alone, queued or in workflows."
)


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Every lab with its operations and their parameters."""
    from labs.base import lab_catalog

    data = lab_catalog()
    if as_json:
        print_json(data)
        return
    for name, info in data.items():
        typer.echo(f"{name} (v{info['version']})")
        for op, params in info["operations"].items():
            typer.echo(f"  {name}.{op}({', '.join(params)})")


@app.command("run")
def run(
    target: str = typer.Argument(..., help="LAB.OPERATION, e.g. chemistry.rings"),
    params: str = typer.Option("{}", "--params", help='JSON object of parameters, e.g. \'{"smiles": "CCO"}\''),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Run one lab operation; a repeat with the same inputs returns the stored result and says so."""
    from knowledge.common.errors import Ech0Error

    lab, _, operation = target.partition(".")
    if not lab or not operation:
        raise Ech0Error(f"{target!r} is not LAB.OPERATION: see `ech0 lab list`, e.g. chemistry.properties")
    try:
        parsed = json.loads(params)
    except json.JSONDecodeError as exc:
        raise Ech0Error(f"--params is not valid JSON ({exc.msg} at character {exc.pos}): give a JSON object") from None
    if not isinstance(parsed, dict):
        raise Ech0Error("--params must be a JSON object of parameter names and values")
    result = _runner().run(lab, operation, parsed)
    data = result.model_dump(mode="json")
    if as_json:
        print_json(data)
        return
    typer.echo(f"{result.experiment_id} {'(cached)' if result.cached else ''} {result.title}")
    print_json(result.outputs)


# orchestrator: workflows, the queue, lineage and reproducibility bundles ---------------------------------------


def _runner():
    """The runtime's lab runner, with the model registry in its context (data_dir/models unless wired otherwise)."""
    from dataclasses import replace

    rt = runtime()
    runner = rt.labs
    if runner.context.models_dir is None:
        runner.context = replace(runner.context, models_dir=rt.settings.models_dir)
    return runner


def _orchestrator(workers: int | None):
    from labs.orchestrator import Orchestrator
    from server.settings import current_settings

    return Orchestrator(_runner(), workers=workers or current_settings().lab.workers)


def _parse_inputs(inputs: str | None, pairs: list[str]) -> list[dict] | dict:
    from knowledge.common.errors import Ech0Error

    data: list | dict = {}
    if inputs:
        try:
            data = json.loads(inputs)
        except json.JSONDecodeError as exc:
            raise Ech0Error(f"--inputs is not valid JSON ({exc.msg} at character {exc.pos})") from None
        if not isinstance(data, dict | list):
            raise Ech0Error("--inputs must be a JSON object (one run) or a list of objects (a batch)")
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise Ech0Error(f"--input {pair!r} is not NAME=VALUE")
        if isinstance(data, list):
            raise Ech0Error("--input cannot be combined with a list given to --inputs")
        data[key] = value
    return data


workflow_app = typer.Typer(help="Cross-lab workflows: DAGs of lab operations defined in YAML or JSON.")
app.add_typer(workflow_app, name="workflow")


@workflow_app.command("run")
def workflow_run(
    file: str = typer.Argument(..., help="a workflow file (YAML/JSON) or a shipped workflow's name"),
    inputs: str = typer.Option(None, "--inputs", help="JSON object of inputs, or a list of them for a batch"),
    input_: list[str] = typer.Option([], "--input", help="one input as NAME=VALUE (repeatable)"),
    workers: int | None = typer.Option(None, "--workers", min=1, max=64, help="experiments run at once (lab.workers)"),
    priority: int = typer.Option(0, "--priority", help="queue priority of the run's experiments"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Run a workflow: independent nodes at once, failures typed, downstream nodes skipped with the reason.

    Exits 1, after printing the results, when a node (or, for a batch, an input set) did not complete.
    """
    from knowledge.common.errors import Ech0Error
    from labs.workflow import check_inputs, load_workflow
    from labs.workflow_run import batch_incomplete, run_batch, run_workflow

    spec = load_workflow(file)
    given = _parse_inputs(inputs, input_)
    if isinstance(given, dict):
        try:
            check_inputs(spec, given)
        except Ech0Error as exc:
            raise Ech0Error(f"{exc}; give each as --input NAME=VALUE (or --inputs JSON)") from None
    with _orchestrator(workers) as orch:
        if isinstance(given, list):
            data = run_batch(orch, spec, given, priority=priority)
            incomplete = batch_incomplete(data)
        else:
            run = run_workflow(orch, spec, given, priority=priority)
            data, incomplete = run.model_dump(mode="json"), run.incomplete()
    if as_json:
        print_json(data)
    elif "runs" in data:
        _print_batch(data)
    else:
        _print_run(data)
    if incomplete:
        raise Ech0Error(incomplete)


def _print_batch(data: dict) -> None:
    for row in data["ranking"] or data["runs"]:
        typer.echo(json.dumps(row, ensure_ascii=False, default=str))
    for error in data["errors"]:
        typer.echo(f"row {error['row']}: error: {error['error']}")


def _print_run(data: dict) -> None:
    typer.echo(f"{data['run_id']} {data['workflow']}: {data['status']}")
    for name, node in data["nodes"].items():
        note = " (cached)" if node["cached"] else ""
        why = node["failure"]["message"] if node["failure"] else node["reason"] or ""
        typer.echo(f"  {name:<12} {node['status']:<9} {node['experiment_id'] or '-'}{note} {why}".rstrip())
    print_json(data["outputs"])


@workflow_app.command("validate")
def workflow_validate(file: str = typer.Argument(..., help="a workflow file or a shipped workflow's name")) -> None:
    """Check a workflow (operations, parameters, references, cycles) without running it."""
    from labs.workflow import load_workflow, validate_workflow

    spec = load_workflow(file)
    order = validate_workflow(spec, _runner().operation)
    typer.echo(f"{spec.name}: valid; order {' → '.join(order)}")


@workflow_app.command("list")
def workflow_list() -> None:
    """The shipped workflows."""
    from labs.workflow import list_shipped, load_workflow

    for name in list_shipped():
        typer.echo(f"{name}: {load_workflow(name).description}")


@app.command("submit")
def submit(
    target: str = typer.Argument(..., help="LAB.OPERATION"),
    params: str = typer.Option("{}", "--params", help="JSON object of parameters"),
    priority: int = typer.Option(0, "--priority", help="higher runs first"),
    delay: float = typer.Option(None, "--delay", min=0, help="run no earlier than this many seconds from now"),
    at: str = typer.Option(None, "--at", help="run no earlier than this ISO time (UTC if no offset)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Queue an experiment for a later `ech0 lab drain` (or a server's orchestrator)."""
    from datetime import datetime

    from knowledge.common.errors import Ech0Error

    lab, _, operation = target.partition(".")
    try:
        parsed, when = json.loads(params), datetime.fromisoformat(at) if at else None
    except ValueError as exc:
        raise Ech0Error(f"--params must be a JSON object and --at an ISO time: {exc}") from None
    orch = _orchestrator(1)  # not started: the job waits in the table
    job = orch.submit(
        lab, operation, parsed if isinstance(parsed, dict) else {}, priority=priority, run_at=when, delay=delay
    )
    due = job.run_at.isoformat(timespec="seconds")
    emit(job.summary(), as_json, lambda _: f"{job.id} queued: {target} priority {priority}, due {due}")


@app.command("drain")
def drain(
    workers: int | None = typer.Option(None, "--workers", min=1, max=64, help="experiments run at once (lab.workers)"),
    wait_scheduled: bool = typer.Option(False, "--wait", help="also wait for jobs scheduled later"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Run the queued jobs that are due (highest priority first), then exit."""
    import time

    orch = _orchestrator(workers).start()
    jobs = orch.load_queued()
    if wait_scheduled:
        orch.wait(jobs)
    else:
        due = [j for j in jobs if j.run_at.timestamp() <= time.time()]
        orch.wait(due)
    orch.close()
    finished = [j.summary() for j in jobs if j.status in ("done", "failed")]
    emit_rows(finished, as_json, _job_line)


def _job_line(job: dict) -> str:
    return f"{job['id']} {job['status']} {job['lab']}.{job['operation']} {job['experiment_id'] or ''}"


@app.command("queue")
def queue(
    status: str = typer.Option(None, "--status", help="queued, running, done, failed or cancelled"),
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """The experiment queue: counts by status and the latest jobs."""
    from labs.jobs import JobStore

    jobs = JobStore(_runner().store.engine)
    data = {"counts": jobs.counts(), "jobs": jobs.list(status, limit)}
    if as_json:
        print_json(data)
        return
    typer.echo("  ".join(f"{k}: {v}" for k, v in data["counts"].items()))
    for j in data["jobs"]:
        typer.echo(
            f"{j['id']} {j['status']:<9} p{j['priority']} {j['lab']}.{j['operation']} "
            f"due {j['run_at']:%Y-%m-%d %H:%M:%S} {j['experiment_id'] or ''}{' (cached)' if j['cached'] else ''}"
        )


@app.command("runs")
def runs(
    limit: int = typer.Option(20, "--limit", min=1, max=1000),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Recent workflow runs (their ids are what `ech0 lab export` takes)."""
    from labs.lineage import LineageStore

    runs = LineageStore(_runner().store.engine).runs(limit)
    emit_rows(runs, as_json, lambda r: f"{r['id']} {r['workflow']} {r['status']} {r['created_at']:%Y-%m-%d %H:%M:%S}")


@app.command("lineage")
def lineage(
    experiment_id: str = typer.Argument(..., help="an experiment id (exp-…)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Where an experiment's inputs came from and what used its outputs, across workflow runs."""
    from knowledge.common.errors import Ech0Error
    from labs.lineage import LineageStore

    runner = _runner()
    result = runner.store.get(experiment_id)
    if result is None:
        raise Ech0Error(f"no experiment {experiment_id!r} in the results store: see `ech0 lab runs`")
    store = LineageStore(runner.store.engine)
    ancestors, descendants, edges = store.closure(experiment_id)
    data = {
        "experiment": result.model_dump(mode="json", exclude={"cached"}),
        "inputs": [e for e in edges if e["experiment_id"] == experiment_id],
        "used_by": [e for e in edges if e["source"] == experiment_id],
        "ancestors": sorted(ancestors),
        "descendants": sorted(descendants),
        "edges": edges,
        "runs": store.appearances(experiment_id),
    }
    if as_json:
        print_json(data)
        return
    typer.echo(f"{experiment_id} {result.title}")
    for e in data["inputs"]:
        origin = f"input {e['source']}" if e["source_kind"] == "input" else f"{e['source']} ({e['source_node']})"
        typer.echo(f"  ← {e['param']} = {origin}.{e['source_path']}")
    for e in data["used_by"]:
        typer.echo(f"  → {e['source_path']} used as {e['param']} by {e['experiment_id']}")
    typer.echo(f"  runs: {', '.join(r['run_id'] for r in data['runs']) or 'none (run directly)'}")


@app.command("export")
def export(
    ref: str = typer.Argument(..., help="a workflow run id (run-…) or an experiment id (exp-…)"),
    out: str = typer.Option(..., "--out", help="directory to write the bundle into"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Write a reproducibility bundle: parameters, library versions, seeds, data and model hashes, lineage."""
    from labs.export import export_bundle
    from labs.lineage import LineageStore

    runner = _runner()
    summary = export_bundle(runner, LineageStore(runner.store.engine), ref, out)
    emit(summary, as_json, lambda s: f"wrote {len(s['files'])} files to {s['out']}: {', '.join(s['files'])}")
