"""Running research requests through the ECH0 graph: the entry points the CLI, the API and the loops use.

A run is a LangGraph thread named by its run id, checkpointed after every step: a run that stopped (a crash,
a kill, an approval wait) continues from its last completed step with `resume`, and an expensive step
waiting for approval runs or is skipped with `decide`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from langgraph.types import Command

from knowledge.errors import Ech0Error
from server.wiring import Runtime


class RunNotFoundError(Ech0Error):
    """No run with that id."""


def _config(run_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": run_id}}


def _outcome(runtime: Runtime, run_id: str, request: str, state: dict[str, Any]) -> dict[str, Any]:
    pending = state.get("__interrupt__") or []
    if pending:
        waiting = [{"interrupt_id": i.id, **i.value} for i in pending]
        runtime.runs.set_status(run_id, request, "awaiting_approval", {"pending": waiting})
        steps = ", ".join(f"{w['step']['id']} {w['step']['tool']} ({w['reason']})" for w in waiting)
        return {
            "run_id": run_id,
            "request": request,
            "status": "awaiting_approval",
            "pending": waiting,
            "answer": None,
            "report_markdown": f"Run `{run_id}` is waiting for approval of: {steps}. "
            f"Approve with `ech0 runs approve {run_id}` or reject with `ech0 runs reject {run_id}`.",
            "claims": [],
            "citations": [],
            "notes": [],
        }
    report = state["report"]
    runtime.runs.set_status(run_id, request, "done")
    return {
        "run_id": run_id,
        "request": request,
        "status": "done",
        "answer": report.get("answer"),
        "report_markdown": report["report_markdown"],
        "claims": [{"text": c["text"], "citations": c["citations"], "section": c["section"]} for c in report["claims"]],
        "citations": report["citations"],
        "notes": report["notes"],
    }


def check_request(runtime: Runtime, request: Any) -> str:
    if not isinstance(request, str):
        raise Ech0Error(f"the request must be text, not {type(request).__name__}")
    limit = runtime.settings.llm.max_request_chars
    if len(request) > limit:
        raise Ech0Error(f"the request is {len(request)} characters long: the limit is {limit} (llm.max_request_chars)")
    return request


def ask(runtime: Runtime, request: str, run_id: str | None = None) -> dict[str, Any]:
    """Answer one request: the report's JSON form (run_id, status, answer, report_markdown, claims, citations…)."""
    check_request(runtime, request)
    run_id = run_id or uuid.uuid4().hex[:12]
    runtime.runs.set_status(run_id, request, "running")
    try:
        state = runtime.graph.invoke({"run_id": run_id, "request": request, "results": []}, config=_config(run_id))
    except Ech0Error as exc:
        runtime.runs.set_status(run_id, request, "failed", {"error": str(exc)})
        raise
    return _outcome(runtime, run_id, request, state)


def ask_stream(runtime: Runtime, request: str, run_id: str | None = None) -> Iterator[dict[str, Any]]:
    """Answer one request, yielding progress events as the graph runs, then {"event": "result", ...}.

    Events: plan (the steps), step (each finished tool call, in completion order), reflect (issues found),
    report; the last event carries the same result `ask` returns.
    """
    check_request(runtime, request)
    run_id = run_id or uuid.uuid4().hex[:12]
    runtime.runs.set_status(run_id, request, "running")
    config = _config(run_id)
    try:
        for update in runtime.graph.stream(
            {"run_id": run_id, "request": request, "results": []}, config=config, stream_mode="updates"
        ):
            for node, change in update.items():
                if node == "plan" and change:
                    yield {"event": "plan", "run_id": run_id, "steps": change.get("plan", [])}
                elif node == "act" and change:
                    for r in change.get("results", []):
                        yield {"event": "step", "run_id": run_id, "step_id": r["step_id"], "tool": r["tool"],
                               "ok": r["ok"], "error": r["error"], "seconds": r["seconds"]}  # fmt: skip
                elif node == "reflect" and change and change.get("issues"):
                    yield {"event": "reflect", "run_id": run_id, "issues": change["issues"]}
                elif node == "synthesize" and change:
                    yield {"event": "report", "run_id": run_id}
    except Ech0Error as exc:
        runtime.runs.set_status(run_id, request, "failed", {"error": str(exc)})
        raise
    snapshot = runtime.graph.get_state(config)
    state = dict(snapshot.values)
    if snapshot.interrupts:
        state["__interrupt__"] = list(snapshot.interrupts)
    yield {"event": "result", **_outcome(runtime, run_id, request, state)}


def _run_request(runtime: Runtime, run_id: str) -> str:
    status = runtime.runs.status(run_id)
    if status is not None:
        return status["request"]
    snapshot = runtime.graph.get_state(_config(run_id))
    if not snapshot.values:
        raise RunNotFoundError(f"no run {run_id!r}: list runs with `ech0 runs list`")
    return snapshot.values["request"]


def resume(runtime: Runtime, run_id: str) -> dict[str, Any]:
    """Continue a stopped run from its last checkpoint; a finished run returns its report as it is."""
    request = _run_request(runtime, run_id)
    snapshot = runtime.graph.get_state(_config(run_id))
    if not snapshot.next:
        if "report" not in snapshot.values:
            raise RunNotFoundError(f"run {run_id!r} has no checkpoint to resume from")
        return _outcome(runtime, run_id, request, snapshot.values)
    if snapshot.interrupts:
        return _outcome(runtime, run_id, request, {"__interrupt__": list(snapshot.interrupts)})
    runtime.runs.set_status(run_id, request, "running")
    return _outcome(runtime, run_id, request, runtime.graph.invoke(None, config=_config(run_id)))


def decide(runtime: Runtime, run_id: str, approved: bool, comment: str | None = None) -> dict[str, Any]:
    """Approve or reject every step the run is waiting on, then let it finish."""
    request = _run_request(runtime, run_id)
    snapshot = runtime.graph.get_state(_config(run_id))
    if not snapshot.interrupts:
        raise Ech0Error(f"run {run_id!r} is not waiting for approval")
    decision = {"approved": approved, "comment": comment}
    command = Command(resume={i.id: decision for i in snapshot.interrupts})
    runtime.runs.set_status(run_id, request, "running")
    return _outcome(runtime, run_id, request, runtime.graph.invoke(command, config=_config(run_id)))
