"""record: store the run, its steps and its report."""

from __future__ import annotations

from typing import Literal

from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.context import RunContext, RunSetup
from agents.state import ResearchState
from agents.store import RunStore


def make_record_node(store: RunStore, setup: RunSetup):
    def record(state: ResearchState, runtime: Runtime[RunContext]) -> Command[Literal["__end__"]]:
        options = state.get("options") or setup.options(runtime.context)
        store.save_run(
            run_id=state["run_id"],
            request=state["request"],
            backend=options["backend"],
            plan=state.get("plan", []),
            results=state.get("results", []),
            report=state["report"],
        )
        return Command(goto=END)

    return record
