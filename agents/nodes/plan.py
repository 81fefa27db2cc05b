"""plan: fix the run's options, turn the request into typed tool calls; each step fans out to its own `act` branch."""

from __future__ import annotations

from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command, Send

from agents.context import RunContext, RunSetup
from agents.state import ResearchState, StepInput


def make_plan_node(setup: RunSetup):
    def plan(state: ResearchState, runtime: Runtime[RunContext]) -> Command[Literal["act", "reflect"]]:
        options = setup.options(runtime.context)  # the run starts here: later nodes read them from the state
        result = setup.backend_named(options["backend"]).plan(state["request"])
        steps = [s.model_dump() for s in result.steps]
        update = {"options": options, "plan": steps, "answers": [a.model_dump() for a in result.answers]}
        runtime.stream_writer({"event": "plan", "run_id": state["run_id"], "steps": steps})
        if not steps:
            return Command(update=update, goto="reflect")
        sends = [Send("act", StepInput(run_id=state["run_id"], step=s, options=options)) for s in steps]
        return Command(update=update, goto=sends)

    return plan
