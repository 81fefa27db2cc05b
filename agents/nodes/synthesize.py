"""synthesize: write the cited report, keep only verifiable claims, state each weak spot, add the answer."""

from __future__ import annotations

from typing import Literal

from langgraph.types import Command

from agents.answer import resolve_answer
from agents.backends import Backend
from agents.plan import AnswerSpec
from agents.reflect import Issue
from agents.report import render_markdown
from agents.state import ResearchState
from agents.verify import citation_sources, verify_report


def make_synthesize_node(backend: Backend):
    def synthesize(state: ResearchState) -> Command[Literal["record"]]:
        superseded = set(state.get("superseded", []))
        results = [r for r in state.get("results", []) if r["step_id"] not in superseded]
        report = backend.synthesize(state["run_id"], state["request"], results)
        report = verify_report(report, citation_sources(results))
        for issue in map(Issue.model_validate, state.get("issues", [])):
            if issue.kind in ("low_confidence", "rejected"):
                report.notes.append(f"Step {issue.step_id} ({issue.tool}): {issue.message}")
        report.answer = resolve_answer([AnswerSpec(**a) for a in state.get("answers", [])], results)
        return Command(
            update={"report": {**report.model_dump(mode="json"), "report_markdown": render_markdown(report)}},
            goto="record",
        )

    return synthesize
