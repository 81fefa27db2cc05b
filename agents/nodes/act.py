"""act: run one planned tool call (branches run in parallel) and record its typed outcome.

A call that the run's approval policy holds (by default: one the tool registry marks expensive, such as
training, fine-tuning or a large acquisition) first pauses the run with a LangGraph interrupt; it runs only once
a person approves it, and a rejection is recorded as such.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from langchain_core.tools import BaseTool
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from pydantic import ValidationError

from agents.context import RunContext, RunSetup
from agents.state import PlanStepData, StepInput, StepResult


def _run(tools: dict[str, BaseTool], step: PlanStepData) -> dict[str, Any]:
    tool = tools.get(step["tool"])
    if tool is None:  # only allowlisted tools run; a plan naming anything else gets a typed failure
        return {"ok": False, "data": None, "error": f"unknown tool {step['tool']!r}: not in the tool allowlist"}
    try:
        return tool.invoke(step["args"])
    except ValidationError as exc:  # the planner produced arguments the tool's schema rejects
        return {"ok": False, "data": None, "error": f"invalid arguments: {exc.errors()[0]['msg']}"}


def make_act_node(tools: dict[str, BaseTool], setup: RunSetup):
    def act(payload: StepInput, runtime: Runtime[RunContext]) -> Command[Literal["reflect"]]:
        step = payload["step"]
        options = payload.get("options") or setup.options(runtime.context)  # a branch sent before options existed
        started = time.perf_counter()
        rejected = False
        reason = setup.approval_needed(options["approval"], step["tool"], step["args"])
        decision = interrupt({"step": step, "reason": reason}) if reason else {"approved": True}
        if not decision.get("approved"):
            rejected = True
            why = decision.get("comment") or "no reason given"
            outcome = {"ok": False, "data": None, "error": f"not run: approval was refused ({why})"}
        else:
            outcome = _run(tools, step)
        result = StepResult(
            step_id=step["id"],
            tool=step["tool"],
            args=step["args"],
            ok=outcome["ok"],
            data=outcome.get("data"),
            error=outcome.get("error"),
            seconds=round(time.perf_counter() - started, 3),
        )
        if rejected:
            result["rejected"] = True
        runtime.stream_writer({"event": "step", "run_id": payload["run_id"], "step_id": result["step_id"],
                               "tool": result["tool"], "ok": result["ok"], "error": result["error"],
                               "seconds": result["seconds"]})  # fmt: skip
        return Command(update={"results": [result]}, goto="reflect")

    return act
