"""reflect: review the step results; re-plan the retryable failures or go on to the report."""

from __future__ import annotations

from typing import Literal

from langgraph.types import Command, Send

from agents.backends import Backend
from agents.reflect import review, should_replan
from agents.state import ResearchState


def make_reflect_node(backend: Backend, max_replans: int):
    def reflect(state: ResearchState) -> Command[Literal["act", "synthesize"]]:
        results = state.get("results", [])
        issues = review(results)
        attempt = state.get("attempt", 0)
        update = {"issues": [i.model_dump() for i in issues]}
        if should_replan(issues, attempt, max_replans):
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
                return Command(update=update, goto=[Send("act", {"run_id": state["run_id"], "step": s}) for s in steps])
        return Command(update=update, goto="synthesize")

    return reflect
