"""The life of a research run through the ECH0 graph: start, stream, resume, approve or reject.

A run is a LangGraph thread named by its run id, checkpointed after every step: a run that stopped (a crash,
a kill, an approval wait) continues from its last completed step with `resume`, and an expensive step
waiting for approval runs or is skipped with `decide`. `Research` is the one writer of a run's status in the
run store (running, awaiting_approval, done, failed); the CLI, the API, the MCP server and the loops call it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from agents.context import RunContext
from agents.store import RunStore
from knowledge.common.errors import Ech0Error


class RunNotFoundError(Ech0Error):
    """No run with that id."""


def _config(run_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": run_id}}


class Research:
    """Research runs over one compiled graph, recorded in `runs`.

    `graph` is the compiled graph, or a zero-argument callable returning it: building the graph loads the
    backend and the tools, so the caller builds it on first use (and may swap it; each run asks again).
    """

    def __init__(
        self,
        graph: CompiledStateGraph | Callable[[], CompiledStateGraph],
        runs: RunStore,
        max_request_chars: int,
    ) -> None:
        self._graph_of = graph if callable(graph) and not hasattr(graph, "invoke") else (lambda: graph)
        self.runs = runs
        self.max_request_chars = max_request_chars

    @property
    def graph(self) -> CompiledStateGraph:
        return self._graph_of()

    def check_request(self, request: Any) -> str:
        """The request, when it is text within the length limit; else an error that says which."""
        if not isinstance(request, str):
            raise Ech0Error(f"the request must be text, not {type(request).__name__}")
        limit = self.max_request_chars
        if len(request) > limit:
            raise Ech0Error(
                f"the request is {len(request)} characters long: the limit is {limit} (llm.max_request_chars)"
            )
        return request

    def ask(
        self,
        request: str,
        run_id: str | None = None,
        context: RunContext | None = None,
        history: list[str] | None = None,
    ) -> dict[str, Any]:
        """Answer one request: the report's JSON form (run_id, status, answer, report_markdown, claims, citations…).

        `context` is the run's own configuration (backend, re-plans, approval policy); unset fields take the
        graph's defaults, and a resumed run keeps what it started with. `history` holds the earlier user turns of a
        conversation, oldest first: a follow-up ("and for ibuprofen?") is read with them.
        """
        self.check_request(request)
        run_id = run_id or uuid.uuid4().hex[:12]
        self.runs.set_status(run_id, request, "running")
        try:
            state = self.graph.invoke(
                _input(run_id, request, history), config=_config(run_id), context=context or RunContext()
            )
        except Ech0Error as exc:
            self.runs.set_status(run_id, request, "failed", {"error": str(exc)})
            raise
        return self._outcome(run_id, request, state)

    def stream(
        self,
        request: str,
        run_id: str | None = None,
        context: RunContext | None = None,
        history: list[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Answer one request, yielding progress events as the graph runs, then {"event": "result", ...}.

        Events, emitted by the graph's nodes: plan (the steps), step (each finished tool call, in completion
        order), reflect (issues found), report; the last event carries the same result `ask` returns.
        """
        self.check_request(request)
        run_id = run_id or uuid.uuid4().hex[:12]
        self.runs.set_status(run_id, request, "running")
        config = _config(run_id)
        graph = self.graph
        try:
            # the nodes emit the progress events themselves (LangGraph's custom stream): forward them as they come
            yield from graph.stream(
                _input(run_id, request, history),
                config=config,
                context=context or RunContext(),
                stream_mode="custom",
            )
        except Ech0Error as exc:
            self.runs.set_status(run_id, request, "failed", {"error": str(exc)})
            raise
        snapshot = graph.get_state(config)
        state = dict(snapshot.values)
        if snapshot.interrupts:
            state["__interrupt__"] = list(snapshot.interrupts)
        yield {"event": "result", **self._outcome(run_id, request, state)}

    def resume(self, run_id: str) -> dict[str, Any]:
        """Continue a stopped run from its last checkpoint; a finished run returns its report as it is."""
        request = self._request_of(run_id)
        graph = self.graph
        snapshot = graph.get_state(_config(run_id))
        if not snapshot.next:
            if "report" not in snapshot.values:
                raise RunNotFoundError(f"run {run_id!r} has no checkpoint to resume from")
            return self._outcome(run_id, request, snapshot.values)
        if snapshot.interrupts:
            return self._outcome(run_id, request, {"__interrupt__": list(snapshot.interrupts)})
        self.runs.set_status(run_id, request, "running")
        return self._outcome(run_id, request, graph.invoke(None, config=_config(run_id)))

    def decide(self, run_id: str, approved: bool, comment: str | None = None) -> dict[str, Any]:
        """Approve or reject every step the run is waiting on, then let it finish."""
        request = self._request_of(run_id)
        graph = self.graph
        snapshot = graph.get_state(_config(run_id))
        if not snapshot.interrupts:
            raise Ech0Error(f"run {run_id!r} is not waiting for approval")
        decision = {"approved": approved, "comment": comment}
        command = Command(resume={i.id: decision for i in snapshot.interrupts})
        self.runs.set_status(run_id, request, "running")
        return self._outcome(run_id, request, graph.invoke(command, config=_config(run_id)))

    def progress(self, run_id: str) -> dict[str, Any]:
        """Where a run is, from its latest checkpoint: the plan, the steps finished, the graph nodes to run next."""
        snapshot = self.graph.get_state(_config(run_id))
        values = snapshot.values or {}
        return {
            "next": list(snapshot.next or ()),
            "plan": [{"id": s.get("id"), "tool": s.get("tool")} for s in values.get("plan") or []],
            "steps_done": [
                {"step_id": r.get("step_id"), "tool": r.get("tool"), "ok": r.get("ok")}
                for r in values.get("results") or []
            ],
        }

    def conversation_of(self, run_id: str) -> list[str]:
        """The user turns of a run's conversation, oldest first (its history, then its request): what a follow-up
        of that run is read with. `run_id` "last" is the most recent run."""
        if run_id == "last":
            recent = self.runs.list_runs(limit=1)
            if not recent:
                raise RunNotFoundError("no run yet: ask a question first, then follow up with --after last")
            run_id = recent[0]["run_id"]
        request = self._request_of(run_id)
        values = self.graph.get_state(_config(run_id)).values or {}
        return [*values.get("history", []), request]

    def _request_of(self, run_id: str) -> str:
        status = self.runs.status(run_id)
        if status is not None:
            return status["request"]
        snapshot = self.graph.get_state(_config(run_id))
        if not snapshot.values:
            raise RunNotFoundError(f"no run {run_id!r}: list runs with `ech0 runs list`")
        return snapshot.values["request"]

    def _outcome(self, run_id: str, request: str, state: dict[str, Any]) -> dict[str, Any]:
        """The run's result from its final (or interrupted) state, with its status recorded."""
        pending = state.get("__interrupt__") or []
        if pending:
            waiting = [{"interrupt_id": i.id, **i.value} for i in pending]
            self.runs.set_status(run_id, request, "awaiting_approval", {"pending": waiting})
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
        lost = _lost(state)
        # a run that lost a requested part (a failed step, a clause nothing could serve) is partial, never done
        status = "partial" if lost else "done"
        self.runs.set_status(run_id, request, status, {"lost": lost} if lost else None)
        return {
            "run_id": run_id,
            "request": request,
            "status": status,
            "lost": lost,
            "answer": report.get("answer"),
            "report_markdown": report["report_markdown"],
            "claims": [
                {"text": c["text"], "citations": c["citations"], "section": c["section"]} for c in report["claims"]
            ],
            "citations": report["citations"],
            "notes": report["notes"],
            "reply": report.get("reply"),
            # each clause of the request: what it was read as, and for one not planned, why and what would help
            "parts": report.get("parts", []),
        }


def _lost(state: dict[str, Any]) -> list[str]:
    """What the run was asked and did not deliver: failed steps (a re-plan's retry replaces the step it
    retried; a step a person declined is not lost) and clauses not planned, each with its reason."""
    superseded = set(state.get("superseded", []))
    lost = [f"step {r['step_id']} ({r['tool']}) failed: {r['error']}" for r in state.get("results", [])
            if not r["ok"] and not r.get("rejected") and r["step_id"] not in superseded]  # fmt: skip
    parts = state.get("report", {}).get("parts") or []
    lost += [f"“{p['text']}” was {p['status'].replace('_', ' ')}: {p['hint']}" for p in parts
             if p.get("status") in ("not_understood", "unresolved", "unsupported")]  # fmt: skip
    return lost


def _input(run_id: str, request: str, history: list[str] | None) -> dict[str, Any]:
    inputs: dict[str, Any] = {"run_id": run_id, "request": request}
    if history:
        inputs["history"] = [turn for turn in history if turn.strip()]
    return inputs
