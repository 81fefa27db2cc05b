"""Run workflows on the orchestrator: nodes in dependency order, independent ones at once, lineage recorded.

A node whose experiment fails gets a typed failure; every node downstream of it is skipped with the reason; the
run ends `succeeded`, `partial` or `failed` and never raises for a lab's failure. `run_batch` runs one workflow
over several input sets at once: input sets that are invalid are reported per row, the rest run, and when the
spec has a `rank` the runs are ranked by that output.
"""

from __future__ import annotations

import uuid
from concurrent.futures import FIRST_COMPLETED, wait
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from knowledge.common.errors import Ech0Error
from labs.orchestrator import Failure, Job, Orchestrator, failure_of
from labs.workflow import (
    MissingReference,
    WorkflowSpec,
    check_inputs,
    dependencies,
    references,
    resolve,
    validate_workflow,
)


class NodeResult(BaseModel):
    node: str
    run: str
    status: Literal["pending", "running", "succeeded", "failed", "skipped"] = "pending"
    experiment_id: str | None = None
    cached: bool = False
    params: dict[str, Any] | None = None
    outputs: dict[str, Any] | None = None
    failure: Failure | None = None
    reason: str | None = None
    duration_s: float = 0.0


class WorkflowRun(BaseModel):
    run_id: str
    workflow: str
    spec_hash: str
    inputs: dict[str, Any]
    status: Literal["running", "succeeded", "partial", "failed"] = "running"
    nodes: dict[str, NodeResult]
    outputs: dict[str, Any] = Field(default_factory=dict)
    output_errors: dict[str, str] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None

    def incomplete(self) -> str | None:
        """None when every node succeeded; otherwise one line naming the nodes that did not complete and why."""
        if self.status == "succeeded":
            return None
        failed = [
            f"{n.node} failed: {' '.join(n.failure.message.split()) if n.failure else 'no result'}"
            for n in self.nodes.values()
            if n.status == "failed"
        ]
        skipped = [n.node for n in self.nodes.values() if n.status == "skipped"]
        if skipped:
            failed.append(f"skipped because of it: {', '.join(skipped)}")
        return f"workflow {self.workflow} ({self.run_id}) ended {self.status}: {'; '.join(failed)}"


class _Active:
    """One run in progress: its record, and the job of each node that is running."""

    def __init__(self, spec: WorkflowSpec, run: WorkflowRun) -> None:
        self.spec, self.run = spec, run
        self.scope: dict[str, Any] = {"inputs": run.inputs}
        self.edges: dict[str, list[dict[str, Any]]] = {}
        self.jobs: dict[str, Job] = {}

    @property
    def done(self) -> bool:
        return all(n.status in ("succeeded", "failed", "skipped") for n in self.run.nodes.values())


def run_workflow(orch: Orchestrator, spec: WorkflowSpec, inputs: dict[str, Any], priority: int = 0) -> WorkflowRun:
    """Run one workflow; raises Ech0Error only for an invalid spec or inputs (before anything runs)."""
    return _run_all(orch, spec, [check_inputs(spec, inputs)], priority)[0]


def run_batch(
    orch: Orchestrator, spec: WorkflowSpec, input_sets: list[dict[str, Any]], priority: int = 0
) -> dict[str, Any]:
    """Run a workflow over several input sets at once; bad input sets are listed as per-row errors."""
    validate_workflow(spec, orch.runner.operation)
    valid: list[tuple[int, dict[str, Any]]] = []
    errors: list[dict[str, Any]] = []
    for row, given in enumerate(input_sets):
        try:
            if not isinstance(given, dict):
                raise Ech0Error(f"input set {row} is not an object of input names and values")
            valid.append((row, check_inputs(spec, given)))
        except Ech0Error as exc:
            errors.append({"row": row, "error": str(exc)})
    runs = _run_all(orch, spec, [inputs for _, inputs in valid], priority) if valid else []
    rows = [
        {
            "row": row,
            "run_id": run.run_id,
            "status": run.status,
            "inputs": run.inputs,
            "outputs": run.outputs,
            "output_errors": run.output_errors,
        }
        for (row, _), run in zip(valid, runs, strict=True)
    ]
    return {
        "workflow": spec.name,
        "runs": rows,
        "errors": errors,
        "ranking": rank(spec, rows),
        "n": len(input_sets),
        "n_errors": len(errors),
    }


def batch_incomplete(batch: dict[str, Any]) -> str | None:
    """None when every input set ran to `succeeded`; otherwise one line counting those that did not."""
    invalid = [str(e["row"]) for e in batch["errors"]]
    unfinished = [f"{r['row']} {r['status']}" for r in batch["runs"] if r["status"] != "succeeded"]
    if not invalid and not unfinished:
        return None
    parts = ([f"invalid rows {', '.join(invalid)}"] if invalid else []) + (
        [f"rows {', '.join(unfinished)}"] if unfinished else []
    )
    return (
        f"workflow {batch['workflow']}: {len(invalid) + len(unfinished)} of {batch['n']} input sets did not "
        f"complete ({'; '.join(parts)}): see each row's status and errors"
    )


def rank(spec: WorkflowSpec, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows ordered by the spec's rank output (best first); rows without that output come last, unranked."""
    if spec.rank is None:
        return []
    key = spec.rank.by
    scored = [r for r in rows if isinstance(r["outputs"].get(key), int | float)]
    scored.sort(key=lambda r: r["outputs"][key], reverse=spec.rank.order == "desc")
    out = [
        {"rank": i + 1, "row": r["row"], "run_id": r["run_id"], key: r["outputs"][key], "inputs": r["inputs"]}
        for i, r in enumerate(scored)
    ]
    out += [
        {
            "rank": None,
            "row": r["row"],
            "run_id": r["run_id"],
            key: None,
            "inputs": r["inputs"],
            "reason": r["output_errors"].get(key, f"no numeric {key!r}"),
        }
        for r in rows
        if r not in scored
    ]
    return out


def _run_all(orch: Orchestrator, spec: WorkflowSpec, input_sets: list[dict], priority: int) -> list[WorkflowRun]:
    order = validate_workflow(spec, orch.runner.operation)
    active = []
    for inputs in input_sets:
        run = WorkflowRun(
            run_id="run-" + uuid.uuid4().hex[:12],
            workflow=spec.name,
            spec_hash=spec.hash,
            inputs=inputs,
            nodes={n: NodeResult(node=n, run=spec.nodes[n].run) for n in order},
        )
        orch.lineage.start_run(
            run.run_id, spec.name, spec.hash, spec.model_dump(mode="json", exclude_defaults=True), inputs
        )
        active.append(_Active(spec, run))
    while True:
        for a in active:
            _advance(orch, a, order, priority)
        running = {job.future: (a, node) for a in active for node, job in a.jobs.items()}
        if not running:
            break
        finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
        for future in finished:
            a, node = running[future]
            _finish_node(orch, a, node, a.jobs.pop(node))
    for a in active:
        _close(orch, a)
    return [a.run for a in active]


def _advance(orch: Orchestrator, a: _Active, order: list[str], priority: int) -> None:
    """Submit every pending node whose dependencies have succeeded; skip those downstream of a failure."""
    for node_id in order:
        node = a.run.nodes[node_id]
        if node.status != "pending":
            continue
        deps = [a.run.nodes[d] for d in dependencies(a.spec, node_id)]
        blocked = [d for d in deps if d.status in ("failed", "skipped")]
        if blocked:
            node.status, node.reason = "skipped", _why(blocked[0])
            _record(orch, a, node_id)
            continue
        if any(d.status != "succeeded" for d in deps):
            continue
        spec_node = a.spec.nodes[node_id]
        try:
            params, edges = _bind(spec_node.params, a)
        except MissingReference as exc:
            node.status, node.failure = "failed", Failure(kind="missing_reference", message=str(exc))
            _record(orch, a, node_id)
            continue
        node.params = params
        a.edges[node_id] = edges
        try:
            a.jobs[node_id] = orch.submit(
                spec_node.lab, spec_node.operation, params, priority=priority, run_id=a.run.run_id, node=node_id
            )
            node.status = "running"
        except Exception as exc:
            node.status, node.failure = "failed", failure_of(exc, "invalid_experiment")
            _record(orch, a, node_id)


def _why(upstream: NodeResult) -> str:
    """Why a node downstream of `upstream` is skipped, naming the node that failed first."""
    if upstream.status == "skipped":
        return upstream.reason or f"upstream node {upstream.node!r} skipped"
    f = upstream.failure
    return f"upstream node {upstream.node!r} failed ({f.kind}: {f.message})" if f else f"{upstream.node!r} failed"


def _bind(params: dict[str, Any], a: _Active) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Parameters with references resolved, and one lineage edge per reference."""
    bound, edges = {}, []
    for name, value in params.items():
        used: list[tuple[str, str]] = []
        bound[name] = resolve(value, a.scope, used)
        for source, path in used:
            if source == "inputs":
                edges.append(
                    {
                        "param": name,
                        "source_kind": "input",
                        "source": path.split(".")[0],
                        "source_node": None,
                        "source_path": path,
                    }
                )
            else:
                edges.append(
                    {
                        "param": name,
                        "source_kind": "experiment",
                        "source": a.run.nodes[source].experiment_id,
                        "source_node": source,
                        "source_path": path,
                    }
                )
    return bound, edges


def _finish_node(orch: Orchestrator, a: _Active, node_id: str, job: Job) -> None:
    node = a.run.nodes[node_id]
    if job.result is not None:
        r = job.result
        node.status, node.experiment_id, node.cached = "succeeded", r.experiment_id, r.cached
        node.params, node.outputs, node.duration_s = r.params, r.outputs, r.duration_s
        a.scope[node_id] = r.outputs
    else:
        node.status = "failed"
        node.failure = job.failure or Failure(kind="cancelled", message=f"job {job.id} ended {job.status}")
    _record(orch, a, node_id)


def _record(orch: Orchestrator, a: _Active, node_id: str) -> None:
    n = a.run.nodes[node_id]
    row = {
        "node": n.node,
        "lab": n.run.partition(".")[0],
        "operation": n.run.partition(".")[2],
        "status": n.status,
        "experiment_id": n.experiment_id,
        "cached": n.cached,
        "failure": n.failure.model_dump() if n.failure else None,
        "reason": n.reason,
        "duration_s": n.duration_s,
    }
    edges = a.edges.get(node_id, []) if n.status == "succeeded" else []
    orch.lineage.record_node(a.run.run_id, row, edges)


def _close(orch: Orchestrator, a: _Active) -> None:
    run = a.run
    for name, value in a.spec.outputs.items():
        blocked = [s for s, _ in references(value) if s != "inputs" and a.run.nodes[s].status != "succeeded"]
        if blocked:
            node = a.run.nodes[blocked[0]]
            why = node.reason or (node.failure.message if node.failure else "")
            run.output_errors[name] = f"node {node.node!r} {node.status}: {why}"
            run.outputs[name] = None
            continue
        try:
            run.outputs[name] = resolve(value, a.scope)
        except MissingReference as exc:
            run.output_errors[name], run.outputs[name] = str(exc), None
    statuses = {n.status for n in run.nodes.values()}
    run.status = "succeeded" if statuses == {"succeeded"} else "failed" if "succeeded" not in statuses else "partial"
    run.finished_at = datetime.now(UTC)
    orch.lineage.finish_run(run.run_id, run.status, run.outputs)
