"""act: run one planned tool call (branches run in parallel) and record its typed outcome."""

from __future__ import annotations

import time
from typing import Literal

from langchain_core.tools import BaseTool
from langgraph.types import Command
from pydantic import ValidationError

from agents.state import StepInput, StepResult


def make_act_node(tools: dict[str, BaseTool]):
    def act(payload: StepInput) -> Command[Literal["synthesize"]]:
        step = payload["step"]
        started = time.perf_counter()
        tool = tools.get(step["tool"])
        if tool is None:
            outcome = {"ok": False, "data": None, "error": f"unknown tool {step['tool']!r}"}
        else:
            try:
                outcome = tool.invoke(step["args"])
            except ValidationError as exc:  # the planner produced arguments the tool's schema rejects
                outcome = {"ok": False, "data": None, "error": f"invalid arguments: {exc.errors()[0]['msg']}"}
        result = StepResult(
            step_id=step["id"],
            tool=step["tool"],
            args=step["args"],
            ok=outcome["ok"],
            data=outcome.get("data"),
            error=outcome.get("error"),
            seconds=round(time.perf_counter() - started, 3),
        )
        return Command(update={"results": [result]}, goto="synthesize")

    return act
