"""plan: turn the request into typed tool calls; each step fans out to its own `act` branch."""

from __future__ import annotations

from typing import Literal

from langgraph.types import Command, Send

from agents.backends import Backend
from agents.state import ResearchState


def make_plan_node(backend: Backend):
    def plan(state: ResearchState) -> Command[Literal["act", "reflect"]]:
        result = backend.plan(state["request"])
        steps = [s.model_dump() for s in result.steps]
        update = {"plan": steps, "answers": [a.model_dump() for a in result.answers]}
        if not steps:
            return Command(update=update, goto="reflect")
        return Command(update=update, goto=[Send("act", {"run_id": state["run_id"], "step": s}) for s in steps])

    return plan
