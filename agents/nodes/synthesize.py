"""synthesize: write the cited report from the step results."""

from __future__ import annotations

from typing import Literal

from langgraph.types import Command

from agents.backends import Backend
from agents.report import render_markdown
from agents.state import ResearchState


def make_synthesize_node(backend: Backend):
    def synthesize(state: ResearchState) -> Command[Literal["record"]]:
        report = backend.synthesize(state["run_id"], state["request"], state.get("results", []))
        return Command(
            update={"report": {**report.model_dump(mode="json"), "report_markdown": render_markdown(report)}},
            goto="record",
        )

    return synthesize
