"""plan: start the run (its id, its options), turn the request into typed tool calls; each step fans out to its own
`act` branch.

The run id is the input's when the caller names the run (the CLI and the API do). LangGraph Studio sends only
`{"request": …}`: the run then takes its thread's id, so that Studio's thread and the run store's record share a
name (a fresh id when the graph runs without a checkpointer). Asking again on a thread starts afresh: the previous
request's results, issues and re-plans do not carry over into the new report.
"""

from __future__ import annotations

import uuid
from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command, Overwrite, Send

from agents.context import RunContext, RunSetup
from agents.state import ResearchState, StepInput
from agents.understanding.follow_up import contextualize
from knowledge.common.errors import Ech0Error


class RunInputError(Ech0Error, ValueError):
    """A run input the graph cannot start from. A ValueError too: the LangGraph API server shows Studio the
    message of a ValueError, where it hides other errors' messages."""


def _run_id(state: ResearchState, runtime: Runtime[RunContext]) -> str:
    """The input's run id, else the LangGraph thread's id, else a fresh one (the form `Research` gives)."""
    if state.get("run_id"):
        return state["run_id"]
    info = runtime.execution_info
    if info is not None and info.thread_id:
        return str(info.thread_id)
    return uuid.uuid4().hex[:12]


def make_plan_node(setup: RunSetup):
    def plan(state: ResearchState, runtime: Runtime[RunContext]) -> Command[Literal["act", "reflect"]]:
        request = state.get("request")
        if not isinstance(request, str):
            raise RunInputError('the run\'s input needs a "request": the research question as text, {"request": "…"}')
        run_id = _run_id(state, runtime)
        options = setup.options(runtime.context)  # the run starts here: later nodes read them from the state
        backend = setup.backend_named(options["backend"])
        history = [t for t in state.get("history") or [] if isinstance(t, str)]
        # a follow-up is read with the earlier turns by the deterministic planner, whichever backend plans it
        planned_as = contextualize(request, history, getattr(backend, "rules", backend).plan) if history else request
        result = backend.plan(planned_as)
        if planned_as != request:
            result.notes.insert(0, f"Read with the earlier turns of the conversation as: “{planned_as}”")
        steps = [s.model_dump() for s in result.steps]
        answers = [a.model_dump() for a in result.answers]
        update = {"run_id": run_id, "options": options, "plan": steps, "answers": answers, "reply": result.reply,
                  "parts": [p.model_dump() for p in result.parts], "plan_notes": result.notes}  # fmt: skip
        if "plan" in state:  # the thread answered an earlier request: its step results and re-plans are not this run's
            update |= {"results": Overwrite([]), "issues": [], "superseded": [], "attempt": 0}
        runtime.stream_writer({"event": "plan", "run_id": run_id, "steps": steps})
        if not steps:
            return Command(update=update, goto="reflect")
        sends = [Send("act", StepInput(run_id=run_id, step=s, options=options)) for s in steps]
        return Command(update=update, goto=sends)

    return plan
