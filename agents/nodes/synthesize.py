"""synthesize: write the cited report from the step results."""

from __future__ import annotations

from typing import Literal

from langgraph.types import Command

from agents.answer import resolve_answer
from agents.backends import Backend
from agents.plan import AnswerSpec
from agents.report import render_markdown
from agents.state import ResearchState


def make_synthesize_node(backend: Backend):
    def synthesize(state: ResearchState) -> Command[Literal["record"]]:
        results = state.get("results", [])
        report = backend.synthesize(state["run_id"], state["request"], results)
        report.answer = resolve_answer([AnswerSpec(**a) for a in state.get("answers", [])], results)
        return Command(
            update={"report": {**report.model_dump(mode="json"), "report_markdown": render_markdown(report)}},
            goto="record",
        )

    return synthesize
