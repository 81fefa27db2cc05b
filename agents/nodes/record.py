"""record: store the run, its steps and its report."""

from __future__ import annotations

from typing import Literal

from langgraph.graph import END
from langgraph.types import Command

from agents.state import ResearchState
from agents.store import RunStore


def make_record_node(store: RunStore, backend_name: str):
    def record(state: ResearchState) -> Command[Literal["__end__"]]:
        store.save_run(
            run_id=state["run_id"],
            request=state["request"],
            backend=backend_name,
            plan=state.get("plan", []),
            results=state.get("results", []),
            report=state["report"],
        )
        return Command(goto=END)

    return record
