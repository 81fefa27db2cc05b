"""reflect: review the step results; re-plan the retryable failures or go on to the report."""

from __future__ import annotations

from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command, Send

from agents.context import RunContext, RunSetup
from agents.issues import review, should_replan
from agents.state import ResearchState, StepInput


def make_reflect_node(setup: RunSetup):
    def reflect(state: ResearchState, runtime: Runtime[RunContext]) -> Command[Literal["act", "synthesize"]]:
        options = state.get("options") or setup.options(runtime.context)
        results = state.get("results", [])
        issues = review(results)
        attempt = state.get("attempt", 0)
        update = {"issues": [i.model_dump() for i in issues]}
        goto: str | list[Send] = "synthesize"
        if should_replan(issues, attempt, options["max_replans"]):
            backend = setup.backend_named(options["backend"])
            plan = backend.replan(state["request"], results, issues, attempt + 1)
            if plan is not None and plan.steps:
                start = len(state.get("plan", []))
                steps = [s.model_copy(update={"id": f"s{start + i}"}).model_dump() for i, s in enumerate(plan.steps, 1)]
                retried = [i.step_id for i in issues if i.retryable]
                update |= {
                    "attempt": attempt + 1,
                    "plan": state.get("plan", []) + steps,
                    "superseded": state.get("superseded", []) + retried,
                }
                goto = [Send("act", StepInput(run_id=state["run_id"], step=s, options=options)) for s in steps]
        if issues:
            runtime.stream_writer({"event": "reflect", "run_id": state["run_id"], "issues": update["issues"]})
        return Command(update=update, goto=goto)

    return reflect
